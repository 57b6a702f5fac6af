"""Finding collector plugins: the entry-point group ``triage.collectors``, built-in and third-party.

Names are listed without importing anything (``collector_names``); a plugin's module is
imported only when its class is asked for. ``get_collector(name)`` imports that one plugin, so
`triage collect` loads the collectors it runs and no others. Listing every class
(``available_collectors``: `triage collectors`, format detection) imports them all, and there a
broken third-party plugin (a syntax error, a missing dependency, an entry point that is not a
``Collector``) is skipped with one warning line naming it: one bad package on a station must not
take `triage import` or `triage collectors` down with it. Asked for by name, it is an error.
"""

from __future__ import annotations

import logging
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path

from ..sanitize import sanitize
from .api import ENTRY_POINT_GROUP, Collector, Option, PluginError

log = logging.getLogger("triage.collectors")
_warned: set[str] = set()  # one warning per broken plugin and process, however often it is listed


def _entry_points() -> dict[str, EntryPoint]:
    # Two distributions registering one name: the later one wins, as it always has here.
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def collector_names() -> list[str]:
    """Every installed collector's plugin name, sorted; nothing is imported."""
    return sorted(_entry_points())


def _load(ep: EntryPoint) -> type[Collector]:
    try:
        cls = ep.load()
    except BaseException as exc:  # noqa: BLE001 - a plugin's import may raise anything, even SystemExit
        if isinstance(exc, KeyboardInterrupt):
            raise
        first = (str(exc).strip().splitlines() or [""])[0][:200]
        raise PluginError(sanitize(f"collector plugin {ep.name!r} ({ep.value}) failed to load: "
                                   f"{type(exc).__name__}: {first}".rstrip(": "))) from None
    if not (isinstance(cls, type) and issubclass(cls, Collector)):
        raise PluginError(sanitize(f"collector plugin {ep.name!r} ({ep.value}) is not a triage Collector"))
    # What the listing and `triage import` read off the class: checked here, once, so a malformed
    # plugin is one warning rather than a traceback half-way through `triage collectors`.
    schema, formats = cls.options_schema, cls.formats
    if not (isinstance(schema, dict) and all(isinstance(k, str) and isinstance(v, Option) for k, v in schema.items())):
        raise PluginError(sanitize(f"collector plugin {ep.name!r} ({ep.value}): options_schema must map "
                                   "option names to Option(...)"))
    if not (isinstance(formats, (tuple, list)) and all(isinstance(f, str) for f in formats)):
        raise PluginError(sanitize(f"collector plugin {ep.name!r} ({ep.value}): formats must be a tuple of "
                                   "format names"))
    return cls


def get_collector(name: str) -> type[Collector]:
    """The class of plugin ``name``, importing that plugin only."""
    eps = _entry_points()
    if name not in eps:
        known = ", ".join(sorted(eps)) or "none"
        raise PluginError(f"no collector plugin {name!r} (installed: {known})")
    return _load(eps[name])


def available_collectors() -> dict[str, type[Collector]]:
    """Every installed collector class that loads, by plugin name; broken ones are skipped with
    a one-line warning (logger ``triage.collectors``, shown on stderr unless logging is set up)."""
    found: dict[str, type[Collector]] = {}
    for name, ep in _entry_points().items():
        try:
            found[name] = _load(ep)
        except PluginError as exc:
            _warn(f"warning: {exc}; skipped")
    return found


def _warn(message: str) -> None:
    if message not in _warned:
        _warned.add(message)
        log.warning("%s", sanitize(message))


def file_importers() -> dict[str, type[Collector]]:
    """Format name -> importer class, for `triage import --format`."""
    out: dict[str, type[Collector]] = {}
    for cls in available_collectors().values():
        for fmt in cls.formats:
            out[fmt] = cls
    return out


def file_importer(fmt: str) -> type[Collector] | None:
    """The importer for `triage import --format fmt`, or None. The plugin named ``fmt`` is asked
    first (the built-ins are named after their format), so only it is imported; any other
    importer that lists the format is found by loading them all."""
    ep = _entry_points().get(fmt)
    if ep is not None:
        try:
            cls = _load(ep)
        except PluginError:
            cls = None  # the full listing below says why, once
        if cls is not None and fmt in cls.formats:
            return cls
    return file_importers().get(fmt)


def detect_format(path: Path) -> str:
    if path.is_dir():  # an unpacked archive (X/Twitter): importers recognise it by its files
        head = b""
    else:
        with open(path, "rb") as fh:
            head = fh.read(65536)
    importers = file_importers()
    for fmt, cls in importers.items():
        try:
            ours = cls.sniff(path, head)
        except Exception as exc:  # noqa: BLE001 - a plugin's broken sniff must not stop the others
            _warn(f"warning: collector plugin {cls.name!r}: sniff failed ({type(exc).__name__}); skipped")
            continue
        if ours:
            return fmt
    raise PluginError(f"{path}: cannot tell the format; give --format ({', '.join(sorted(importers))})")
