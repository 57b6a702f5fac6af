"""The collector plugin API.

A collector is a class with a ``name``, an options schema and ``collect(state)``, which
yields ``PostRecord`` objects (and ``ImportProblem`` for input it could not read) and keeps
its resume point in ``state.cursor``. Built-in collectors live in ``triage.plugins`` (the
repo's ``plugins/``); third-party packages register theirs under the entry-point group
``triage.collectors``, and both are found the same way, through ``importlib.metadata``.

Cursor rule: update ``state.cursor`` only after yielding every record it covers. The runner
saves the cursor after committing the records yielded before it, so a crash never skips a
record (at worst some are fetched again, and the store ignores repeats).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterator

from .errors import TriageError
from .record_check import DEFAULT_LIMITS, RecordLimits, check_record
from .records import ImportProblem, PostRecord

ENTRY_POINT_GROUP = "triage.collectors"


class PluginError(TriageError, RuntimeError):
    pass


@dataclass
class Option:
    """One entry of a collector's options schema (what goes under ``options`` in the config)."""

    type: type
    default: Any = None
    help: str = ""
    required: bool = False
    secret: bool = False  # the value is the *name* of a keyring secret, never the secret itself


@dataclass
class CollectorState:
    """What the runner hands to ``collect``: the stored cursor, and a way to report progress."""

    cursor: Any = None
    on_progress: Callable[[int, int | None], None] | None = None
    extra: dict = field(default_factory=dict)
    limits: RecordLimits = DEFAULT_LIMITS  # the config's bounds on what a record may hold

    def progress(self, done: int, total: int | None = None) -> None:
        if self.on_progress is not None:
            self.on_progress(done, total)

    def check(self, record: PostRecord) -> PostRecord:
        """The record if the store can take it; ``RecordInvalid`` ("field: what is wrong") if not.
        Importers call it where they still know the file and line of the record."""
        return check_record(record, self.limits)


class Collector:
    name: ClassVar[str] = ""
    description: ClassVar[str] = ""
    options_schema: ClassVar[dict[str, Option]] = {}
    # File importers: the `--format` names they answer to; empty for live collectors.
    formats: ClassVar[tuple[str, ...]] = ()
    # True: the importer reads its own compressed files (zstd dumps), so `triage import` hands
    # it the file as is instead of a decompressed copy (triage.import_input).
    reads_compressed: ClassVar[bool] = False

    def __init__(self, options: dict | None = None):
        self.options = self.validate_options(options or {})

    @classmethod
    def validate_options(cls, options: dict) -> dict:
        unknown = set(options) - set(cls.options_schema)
        if unknown:
            raise PluginError(f"collector {cls.name!r}: unknown option(s) {', '.join(sorted(unknown))}")
        out = {}
        for key, spec in cls.options_schema.items():
            if key in options:
                value = options[key]
                if spec.type is float and isinstance(value, int):
                    value = float(value)
                if not isinstance(value, spec.type):
                    raise PluginError(
                        f"collector {cls.name!r}: option {key!r} must be {spec.type.__name__}, got {value!r}")
                out[key] = value
            elif spec.required:
                raise PluginError(f"collector {cls.name!r}: option {key!r} is required")
            else:
                out[key] = spec.default
        return out

    @classmethod
    def sniff(cls, path: Path, head: bytes) -> bool:
        """File importers: does this file look like ours? ``head`` is its first 64 KiB."""
        return False

    def collect(self, state: CollectorState) -> Iterator[PostRecord | ImportProblem]:
        raise NotImplementedError


def available_collectors() -> dict[str, type[Collector]]:
    """Every installed collector class, built-in or third-party, by plugin name."""
    found: dict[str, type[Collector]] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        try:
            cls = ep.load()
        except Exception as exc:  # a broken third-party plugin must not take the tool down
            raise PluginError(f"collector plugin {ep.name!r} ({ep.value}) failed to load: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, Collector)):
            raise PluginError(f"collector plugin {ep.name!r} ({ep.value}) is not a triage Collector")
        found[ep.name] = cls
    return found


def get_collector(name: str) -> type[Collector]:
    collectors = available_collectors()
    if name not in collectors:
        known = ", ".join(sorted(collectors)) or "none"
        raise PluginError(f"no collector plugin {name!r} (installed: {known})")
    return collectors[name]


def file_importers() -> dict[str, type[Collector]]:
    """Format name -> importer class, for `triage import --format`."""
    out: dict[str, type[Collector]] = {}
    for cls in available_collectors().values():
        for fmt in cls.formats:
            out[fmt] = cls
    return out


def detect_format(path: Path) -> str:
    if path.is_dir():  # an unpacked archive (X/Twitter): importers recognise it by its files
        head = b""
    else:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    for fmt, cls in file_importers().items():
        if cls.sniff(path, head):
            return fmt
    raise PluginError(f"{path}: cannot tell the format; give --format ({', '.join(sorted(file_importers()))})")
