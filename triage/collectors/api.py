"""The collector plugin API: the types a collector is made of.

A collector is a class with a ``name``, an options schema and ``collect(state)``, which
yields ``PostRecord`` objects (and ``ImportProblem`` for input it could not read) and keeps
its resume point in ``state.cursor``. Built-in collectors live in ``triage.plugins`` (the
repo's ``plugins/``); third-party packages register theirs under the entry-point group
``triage.collectors``, and both are found the same way (``discovery``).

Cursor rule: update ``state.cursor`` only after yielding every record it covers. The runner
saves the cursor after committing the records yielded before it, so a crash never skips a
record (at worst some are fetched again, and the store ignores repeats).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, ClassVar, Iterator

from .. import __version__ as TRIAGE_VERSION  # noqa: F401  (the host's version, for user agents)
from ..errors import TriageError
from ..records import ImportProblem, PostRecord
from ..record_check import DEFAULT_LIMITS, RecordLimits, check_record

ENTRY_POINT_GROUP = "triage.collectors"


class PluginError(TriageError, RuntimeError):
    """A collector that cannot run as configured (unknown option, bad URL, a plugin that fails to
    load): one line naming the collector and what to change."""


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
        """The record if the store can take it; ``RecordError`` ("field: what is wrong") if not.
        ``record_loop.records_from`` calls it where the file and line of the record are known."""
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
