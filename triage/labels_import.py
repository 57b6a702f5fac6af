"""Labels that come back: one JSONL task a line (this tool's JSONL export, or Prodigy's output
from it) read into ``LabelRecord``s, checked once here; the store puts them on its posts
(``Store.import_labels``).

Rules (the README says the same):

* **Which post**: ``id`` ``"source:external_id"`` (what the export writes), or ``source`` plus
  an ``id`` without a colon; with neither, the SHA-256 of ``text`` against the stored texts.
* **Verdicts**: a task that Prodigy annotated (it has ``_timestamp``, ``_annotator_id`` or
  ``_session_id``) is read the Prodigy way: ``label`` with ``answer`` (accept → 1, reject → 0,
  ignore → nothing) for binary text classification, or ``accept`` (the chosen option ids → 1,
  the other ``options`` → 0 when the answer is accept). Any other task's ``cats`` is taken as
  written (1 confirmed, 0 rejected, an absent indicator stays unknown), except the 0s of a
  ``benign`` task's text indicators: the export derives those from the disposition, so they
  come back as the disposition, not as verdicts (a re-export then writes the same ``cats``).
* **Disposition**: ``disposition``, which must be one of the config's dispositions.
* **Who and when**: ``analyst`` (else Prodigy's ``_annotator_id``) and ``labeled_at`` (ISO or
  epoch; else Prodigy's ``_timestamp``); without them, the analyst importing and now.
* **Notes**: ``note`` (a string) and ``notes`` (strings, or ``{"body", "analyst", "at"}``).

A bad line is one problem ``file:line: reason``; the good lines beside it are kept.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
from dataclasses import dataclass, field
from typing import IO, Iterator, Sequence, cast

from .export.jsonl import LEAKAGE_LABEL
from .export.labels import BENIGN
from .import_input import GZIP_MAGIC
from .indicators import INDICATORS, TEXT_INDICATORS
from .records import ImportProblem
from .timeparse import TimestampError, parse_timestamp

PRODIGY_MARKS = ("_timestamp", "_annotator_id", "_session_id")
ANSWER_VALUES = {"accept": 1, "reject": 0}
MAX_NOTE_CHARS = 100_000


@dataclass
class ImportedNote:
    body: str
    analyst: str | None
    at: float | None


@dataclass
class LabelRecord:
    line: int
    source: str | None
    external_id: str | None
    text_sha256: str | None  # when there is no id to match by
    disposition: str | None
    verdicts: dict[str, int] = field(default_factory=dict)
    analyst: str | None = None
    at: float | None = None
    notes: list[ImportedNote] = field(default_factory=list)

    @property
    def ref(self) -> str:
        return f"{self.source}:{self.external_id}" if self.external_id else f"text sha256 {cast(str, self.text_sha256)[:12]}…"


class Bad(ValueError):
    """One line's problem: ``field: what is wrong``."""


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _string(task: dict, key: str, limit: int = 4096) -> str | None:
    value = task.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise Bad(f"{key}: must be a non-empty string")
    if len(value) > limit:
        raise Bad(f"{key}: longer than {limit:,} characters")
    return value


def _time(value, key: str) -> float | None:
    if value is None:
        return None
    try:
        return float(parse_timestamp(value)[0])
    except TimestampError as exc:
        raise Bad(f"{key}: {exc}") from None


def _indicator(name, key: str) -> str:
    if not isinstance(name, str) or name not in INDICATORS:
        raise Bad(f"{key}: unknown indicator {str(name)[:40]!r} (known: {', '.join(INDICATORS)})")
    return name


def _cats(task: dict) -> dict[str, int]:
    cats = task.get("cats")
    if cats is None:
        return {}
    if not isinstance(cats, dict):
        raise Bad("cats: must be an object of indicator -> 0 or 1")
    out = {}
    for name, value in cats.items():
        _indicator(name, "cats")
        if isinstance(value, bool) or value not in (0, 1):
            raise Bad(f"cats.{name}: must be 0 or 1")
        out[name] = int(value)
    return out


def _prodigy_verdicts(task: dict) -> dict[str, int]:
    answer = task.get("answer")
    if answer not in ("accept", "reject", "ignore"):
        raise Bad("answer: must be accept, reject or ignore")
    if answer == "ignore":
        return {}
    out: dict[str, int] = {}
    if "accept" in task:
        chosen = task["accept"]
        if not isinstance(chosen, list):
            raise Bad("accept: must be a list of option ids")
        options = task.get("options") or []
        if not isinstance(options, list) or not all(isinstance(o, dict) for o in options):
            raise Bad("options: must be a list of {id, text}")
        if answer == "accept":  # a rejected choice task is a bad example, not a verdict
            out.update({_indicator(o.get("id"), "options"): 0 for o in options})
            out.update({_indicator(c, "accept"): 1 for c in chosen})
    elif "label" in task and task["label"] != LEAKAGE_LABEL:  # the post-level label is no indicator
        out[_indicator(task["label"], "label")] = ANSWER_VALUES[answer]
    return out


def _notes(task: dict) -> list[ImportedNote]:
    notes = []
    note = _string(task, "note", MAX_NOTE_CHARS)
    if note is not None:
        notes.append(ImportedNote(note, None, None))
    raw = task.get("notes")
    if raw is None or isinstance(raw, int) and not isinstance(raw, bool):  # the export's meta count is elsewhere
        return notes
    if not isinstance(raw, list):
        raise Bad("notes: must be a list")
    for n, item in enumerate(raw):
        if isinstance(item, str):
            item = {"body": item}
        if not isinstance(item, dict):
            raise Bad(f"notes[{n}]: must be a string or an object with body")
        body = _string(item, "body", MAX_NOTE_CHARS)
        if body is None:
            raise Bad(f"notes[{n}].body: missing")
        notes.append(ImportedNote(body, _string(item, "analyst"), _time(item.get("at"), f"notes[{n}].at")))
    return notes


def parse_task(task, line: int, dispositions: Sequence[str]) -> LabelRecord:
    if not isinstance(task, dict):
        raise Bad("not a JSON object")
    ident, source = _string(task, "id"), _string(task, "source")
    external_id = None
    if ident is not None and ":" in ident:
        source, _, external_id = ident.rpartition(":")
    elif ident is not None and source is not None:
        external_id = ident
    if not external_id or not source:  # "reddit:" or ":123" names no post: fall back to the text
        external_id = None
    text = task.get("text")
    if external_id is None:
        if not isinstance(text, str) or not text:
            raise Bad("id: missing (give id \"source:external_id\", or the post's text)")
    disposition = _string(task, "disposition")
    if disposition is not None and disposition not in dispositions:
        raise Bad(f"disposition: {disposition[:40]!r} is not one of {', '.join(dispositions)}")
    prodigy = any(k in task for k in PRODIGY_MARKS)
    if prodigy and "answer" in task:
        verdicts = _prodigy_verdicts(task)
    else:
        verdicts = _cats(task)
        if disposition == BENIGN:  # the export's benign 0s follow from the disposition: not verdicts
            verdicts = {i: v for i, v in verdicts.items() if v or i not in TEXT_INDICATORS}
    analyst = _string(task, "analyst") or (_string(task, "_annotator_id") if prodigy else None)
    at = _time(task.get("labeled_at"), "labeled_at")
    if at is None and prodigy:
        at = _time(task.get("_timestamp"), "_timestamp")
    record = LabelRecord(line=line, source=source if external_id else None, external_id=external_id,
                         text_sha256=None if external_id else text_sha256(cast(str, text)), disposition=disposition,
                         verdicts=verdicts, analyst=analyst, at=at, notes=_notes(task))
    return record


def open_text(path: str, stdin: IO[bytes] | None = None) -> IO[str]:
    """The file as text: ``-`` is standard input; a gzip file (by its magic bytes) is decompressed."""
    raw = cast(IO[bytes], stdin) if path == "-" else open(path, "rb")  # "-" comes with stdin
    head = raw.peek(2)[:2] if hasattr(raw, "peek") else b""
    if head == GZIP_MAGIC:
        raw = cast(IO[bytes], gzip.GzipFile(fileobj=raw))
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")


def read_labels(path: str, dispositions: Sequence[str], stdin: IO[bytes] | None = None
                ) -> Iterator[LabelRecord | ImportProblem]:
    name = "<stdin>" if path == "-" else path
    with open_text(path, stdin) as fh:
        line_no = 0
        while True:
            line_no += 1
            try:
                line = fh.readline()
            except (UnicodeDecodeError, OSError, EOFError) as exc:
                yield ImportProblem(name, line_no, f"unreadable: {exc}"[:200])
                return
            if not line:
                return
            if not line.strip():
                continue
            try:
                yield parse_task(json.loads(line), line_no, dispositions)
            except json.JSONDecodeError as exc:
                yield ImportProblem(name, line_no, f"broken JSON at column {exc.colno}: {exc.msg}")
            except (Bad, RecursionError) as exc:
                yield ImportProblem(name, line_no, str(exc) or type(exc).__name__)
