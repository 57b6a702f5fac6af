"""The TOML config file and where things live (XDG dirs via platformdirs).

Lookup order for the store: ``--db``, then ``TRIAGE_DB``, then ``db`` in the config file,
then ``<XDG data dir>/triage/triage.db``. The config file is ``TRIAGE_CONFIG`` or
``<XDG config dir>/triage/config.toml``; it is optional.
"""

from __future__ import annotations

import getpass
import os
from dataclasses import dataclass, field
from pathlib import Path

import platformdirs

from .analysts import AnalystNameError, check_analyst
from .record_check import EARLIEST_DEFAULT, FUTURE_SLACK_DEFAULT, RecordLimits
from .db_location import DbLocationError, PgUrl, parse_db
from .errors import TriageError
from .toml_file import read_toml

DEFAULT_DISPOSITIONS = ("escalate", "monitor", "benign", "unclear")
APP = "triage"


class ConfigError(TriageError, ValueError):
    pass


@dataclass
class CollectorConfig:
    name: str
    plugin: str
    options: dict = field(default_factory=dict)
    schedule: int = 300  # seconds between runs under `triage collect --watch`


@dataclass
class Config:
    path: Path | None = None
    analyst: str = ""
    claim_minutes: float = 5.0  # how long a post opened in the console stays claimed (renewed while open)
    db: Path | PgUrl | None = None
    threshold: float | None = None  # None: the detector's default
    dispositions: tuple[str, ...] = DEFAULT_DISPOSITIONS
    timezone: str | None = None  # analyst's display zone (IANA name); None: the system's
    theme: str = "textual-dark"
    keys: dict[str, str] = field(default_factory=dict)  # binding id -> key(s)
    # Dispositions whose key also confirms the post's detected indicators (positive labels).
    confirm_indicators_with: tuple[str, ...] = ("escalate", "monitor")
    max_post_chars: int = 100_000  # longer posts are kept whole but shown truncated and marked
    tag_workers: int | None = None  # processes that tag at import/tag/retag/collect; None: one per core, up to 2
    collectors: list[CollectorConfig] = field(default_factory=list)
    # Imported posts must be dated in [earliest_post_time, now + future_tolerance_hours].
    allow_plaintext_keyring: bool = False  # opt in to an unencrypted keyring file (keyrings.alt)
    earliest_post_time: int = EARLIEST_DEFAULT
    future_tolerance_hours: int = FUTURE_SLACK_DEFAULT // 3600

    def record_limits(self) -> RecordLimits:
        return RecordLimits(earliest=self.earliest_post_time, future_slack=self.future_tolerance_hours * 3600)


def data_dir() -> Path:
    return Path(os.environ.get("TRIAGE_DATA_DIR") or platformdirs.user_data_path(APP))


def config_path() -> Path:
    return Path(os.environ.get("TRIAGE_CONFIG") or platformdirs.user_config_path(APP) / "config.toml")


def default_analyst() -> str:
    """The OS user, the last choice for the analyst's name (``analysts.resolve_analyst``); a
    login name that is no valid analyst name (control characters, too long) becomes "analyst"."""
    from .analysts import analyst_problem

    try:
        name = getpass.getuser()
    except Exception:  # no passwd entry (containers)
        name = os.environ.get("USER") or "analyst"
    return name.strip() if analyst_problem(name.strip()) is None else "analyst"


def _check(cond: bool, where: str, message: str) -> None:
    if not cond:
        raise ConfigError(f"{where}: {message}")


def load_config(path: Path | None = None) -> Config:
    path = Path(path) if path else config_path()
    cfg = Config(analyst=default_analyst())
    if not path.exists():
        return cfg
    data = read_toml(path, ConfigError)
    cfg.path = path
    where = str(path)
    known = {"analyst", "claim_minutes", "db", "threshold", "dispositions", "timezone", "theme", "keys", "max_post_chars",
             "tag_workers", "collectors", "earliest_post_time", "future_tolerance_hours",
             "allow_plaintext_keyring", "confirm_indicators_with"}
    unknown = set(data) - known
    _check(not unknown, where, f"unknown key(s) {', '.join(sorted(unknown))}")
    if "analyst" in data:
        _check(isinstance(data["analyst"], str), f"{where}: analyst", "must be a string")
        try:
            cfg.analyst = check_analyst(data["analyst"], where)
        except AnalystNameError as exc:
            raise ConfigError(str(exc)) from None
    if "claim_minutes" in data:
        m = data["claim_minutes"]
        _check(isinstance(m, (int, float)) and not isinstance(m, bool) and 0.5 <= m <= 240, f"{where}: claim_minutes",
               "must be minutes, 0.5 to 240")
        cfg.claim_minutes = float(m)
    if "db" in data:
        _check(isinstance(data["db"], str), f"{where}: db", "must be a path string or a postgresql:// URL")
        try:
            cfg.db = parse_db(data["db"], f"{where}: db")
        except DbLocationError as exc:
            raise ConfigError(str(exc)) from None
    if "threshold" in data:
        t = data["threshold"]
        _check(isinstance(t, (int, float)) and 0 <= t <= 1, f"{where}: threshold", "must be a number in 0..1")
        cfg.threshold = float(t)
    if "dispositions" in data:
        d = data["dispositions"]
        _check(isinstance(d, list) and 1 <= len(d) <= 9 and all(isinstance(x, str) and x for x in d),
               f"{where}: dispositions", "must be a list of 1 to 9 names (keys 1-9 apply them)")
        cfg.dispositions = tuple(d)
    if "confirm_indicators_with" in data:
        c = data["confirm_indicators_with"]
        _check(isinstance(c, list) and all(isinstance(x, str) for x in c), f"{where}: confirm_indicators_with",
               "must be a list of disposition names (e.g. [\"escalate\", \"monitor\"]; [] turns it off)")
        strangers = [x for x in c if x not in cfg.dispositions]
        _check(not strangers, f"{where}: confirm_indicators_with",
               f"{', '.join(map(repr, strangers))} is not a disposition (one of: {', '.join(cfg.dispositions)})")
        cfg.confirm_indicators_with = tuple(c)
    else:  # the default names only where the dispositions have them
        cfg.confirm_indicators_with = tuple(d for d in cfg.confirm_indicators_with if d in cfg.dispositions)
    for key in ("timezone", "theme"):
        if key in data:
            _check(isinstance(data[key], str), f"{where}: {key}", "must be a string")
            setattr(cfg, key, data[key])
    if cfg.timezone is not None:
        _check(_is_zone(cfg.timezone), f"{where}: timezone",
               f"unknown time zone {cfg.timezone!r} (an IANA name such as \"Europe/Berlin\", "
               "\"America/New_York\" or \"UTC\")")
    if "keys" in data:
        _check(isinstance(data["keys"], dict) and all(isinstance(v, str) for v in data["keys"].values()),
               f"{where}: keys", "must be a table of binding-id = \"key\"")
        cfg.keys = dict(data["keys"])
    if "max_post_chars" in data:
        _check(isinstance(data["max_post_chars"], int) and data["max_post_chars"] > 0, f"{where}: max_post_chars",
               "must be a positive integer")
        cfg.max_post_chars = data["max_post_chars"]
    if "tag_workers" in data:
        w = data["tag_workers"]
        _check(isinstance(w, int) and not isinstance(w, bool) and 1 <= w <= 64, f"{where}: tag_workers",
               "must be a whole number of processes, 1 to 64")
        cfg.tag_workers = w
    if "allow_plaintext_keyring" in data:
        _check(isinstance(data["allow_plaintext_keyring"], bool), f"{where}: allow_plaintext_keyring",
               "must be true or false")
        cfg.allow_plaintext_keyring = data["allow_plaintext_keyring"]
    if "earliest_post_time" in data:
        cfg.earliest_post_time = _epoch_setting(data["earliest_post_time"], f"{where}: earliest_post_time")
    if "future_tolerance_hours" in data:
        h = data["future_tolerance_hours"]
        _check(isinstance(h, int) and not isinstance(h, bool) and 0 <= h <= 24 * 366,
               f"{where}: future_tolerance_hours", "must be whole hours, 0 to 8784")
        cfg.future_tolerance_hours = h
    for i, entry in enumerate(data.get("collectors", [])):
        here = f"{where}: collectors[{i}]"
        _check(isinstance(entry, dict), here, "must be a table")
        _check(isinstance(entry.get("name"), str) and entry["name"], here, "needs a name")
        _check(isinstance(entry.get("plugin"), str) and entry["plugin"], here, "needs a plugin")
        _check(isinstance(entry.get("options", {}), dict), here, "options must be a table")
        schedule = entry.get("schedule", 300)
        _check(isinstance(schedule, int) and schedule > 0, here, "schedule must be seconds (> 0)")
        cfg.collectors.append(CollectorConfig(entry["name"], entry["plugin"], entry.get("options", {}), schedule))
    return cfg


def _is_zone(name: str) -> bool:
    from zoneinfo import ZoneInfo

    try:
        ZoneInfo(name)
    except (ValueError, KeyError, OSError):  # ZoneInfoNotFoundError is a KeyError; "../x" a ValueError
        return False
    return True


def _epoch_setting(value, where: str) -> int:
    """A TOML date/datetime, an ISO string or epoch seconds, as epoch seconds (UTC)."""
    from datetime import date, datetime, timezone

    if isinstance(value, datetime):
        return int((value if value.tzinfo else value.replace(tzinfo=timezone.utc)).timestamp())
    if isinstance(value, date):
        return int(datetime(value.year, value.month, value.day, tzinfo=timezone.utc).timestamp())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return _epoch_setting(datetime.fromisoformat(value), where)
        except ValueError:
            pass
    raise ConfigError(f"{where}: must be a date (1990-01-01), an ISO date-time or epoch seconds")


def resolve_db(cli_value: str | os.PathLike | None, cfg: Config | None = None) -> Path | PgUrl:
    """The store: ``--db``, else ``$TRIAGE_DB``, else the config's ``db``, else the data dir's
    triage.db. Each may be a file path or a ``postgresql://`` URL (db_location)."""
    if cli_value:
        return parse_db(cli_value, "--db")
    if os.environ.get("TRIAGE_DB"):
        return parse_db(os.environ["TRIAGE_DB"], "TRIAGE_DB")
    if cfg is not None and cfg.db is not None:
        return cfg.db
    return data_dir() / "triage.db"
