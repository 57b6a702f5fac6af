"""The collector SDK: everything a collector plugin, built-in or third-party, is written with.

One module per job:

- ``api``: the plugin types (``Collector``, ``CollectorState``, ``Option``, ``PluginError``);
- ``discovery``: finding plugins through the ``triage.collectors`` entry points, lazily, skipping
  a broken third-party one with a warning;
- ``RecordError`` (the one error for a bad record) and ``RecordLimits``, re-exported from the
  kernel's ``triage.record_check``, the checks a record passes before the store takes it (the
  config and the store use them too, and must not import the SDK);
- ``record_loop``: ``records_from``, the loop that turns raw items into checked records and
  reports each bad one as one line;
- ``runner``: a collector's run into the store (batches, tagging, problems) for `triage import`;
- ``live``: configured collectors with their cursors, schedules, alerts (`triage collect`);
- ``feed_log``: one dead feed never blocks the others of a live collector;
- ``http_client``: the shared HTTP client (retries, rate limits, secret headers);
- ``credentials``: ``get_secret``, API tokens in the keyring (the keyring code is the kernel's
  ``triage.credentials``: the store's custody key uses it too);
- helpers: ``lines`` (bounded line reading), ``problems`` (entry-numbered problems),
  ``html_text`` (HTML to plain text), ``field_mapping`` (rows by field name, ``--map``),
  ``api_fields`` (checked reads of API JSON), ``json_depth`` (bounded nesting of streamed
  JSON), ``newest_first`` (resumable walks of newest-first listings), ``zstd_frames`` (is a
  .zst whole?).

The names below are the stable surface: ``from triage.collectors import Collector, records_from``
(with ``parse_timestamp``, the project's reader of the time formats sources write).
The HTTP client, the keyring, the feed log and the timestamp reader are imported only when asked
for: the config imports this package (the record limits), so what it imports up front every
command pays for. ``triage.plugin_api`` still
works for plugins written before this package.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

from ..records import ImportProblem, PostRecord
from .api import ENTRY_POINT_GROUP, Collector, CollectorState, Option, PluginError
from .problems import EntryProblem
from ..record_check import RecordError, RecordLimits
from .record_loop import records_from

_LAZY = {
    "HttpClient": "http_client", "HttpError": "http_client", "HttpSettings": "http_client",
    "settings_for": "http_client", "get_secret": "credentials", "SecretError": "credentials",
    "FeedLog": "feed_log", "get_collector": "discovery", "available_collectors": "discovery",
    "parse_timestamp": "..timeparse", "TimestampError": "..timeparse",
}

__all__ = ["ENTRY_POINT_GROUP", "Collector", "CollectorState", "EntryProblem", "ImportProblem", "Option",
           "PluginError", "PostRecord", "RecordError", "RecordLimits", "TimestampError", "parse_timestamp",
           "records_from", *_LAZY]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    # Relative to this package: "http_client" is ours, "..timeparse" the core's.
    return getattr(import_module(module if module.startswith(".") else f".{module}", __name__), name)
