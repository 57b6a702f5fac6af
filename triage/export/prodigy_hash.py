"""Prodigy's ``_input_hash`` / ``_task_hash``, written here so exports need no Prodigy.

Prodigy's ``set_hashes`` hashes the values of the *input keys* (text, image, html, input)
into the input hash, then the values of the *task keys* prefixed with that input hash into
the task hash; keys in its ignore list never count. Both are MurmurHash3 (x86, 32 bit, seed
0) read as a signed 32-bit int: the ``murmurhash`` package that spaCy already installs.

Prodigy's own code is closed, so the exact string it feeds the hash is not public: these
values are stable and Prodigy-shaped (same keys, same width and sign, same prefixing), which
is what ``db-in``, dedup and review recipes need, but they are not promised to equal the
numbers Prodigy itself would compute for the same task.
"""

from __future__ import annotations

import json
from typing import Iterable

from murmurhash import hash_unicode

INPUT_HASH_KEYS = ("text", "image", "html", "input")
TASK_HASH_KEYS = ("spans", "label", "options", "arcs")
IGNORE_HASH_KEYS = ("score", "rank", "model", "source", "pattern", "priority", "path", "_view_id", "_session_id",
                    "_annotator_id", "answer")
# Our tasks carry their per-indicator decision in "cats"; as in Prodigy's review recipe (which
# hashes "accept"), what was decided is part of the task, so a relabeled post gets a new task hash.
EXPORT_TASK_KEYS = TASK_HASH_KEYS + ("cats",)


def _material(task: dict, keys: Iterable[str], ignore: Iterable[str]) -> str:
    skip = set(ignore)
    values = {k: task[k] for k in sorted(set(keys)) if k in task and k not in skip}
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def get_hash(task: dict, keys: Iterable[str], ignore: Iterable[str] = IGNORE_HASH_KEYS, prefix: str = "") -> int:
    return hash_unicode(prefix + _material(task, keys, ignore))


def set_hashes(task: dict, input_keys: Iterable[str] = INPUT_HASH_KEYS, task_keys: Iterable[str] = TASK_HASH_KEYS,
               ignore: Iterable[str] = IGNORE_HASH_KEYS, overwrite: bool = False) -> dict:
    """Add ``_input_hash`` and ``_task_hash`` to ``task`` (in place) and return it."""
    if not overwrite and "_input_hash" in task and "_task_hash" in task:
        return task
    input_hash = get_hash(task, input_keys, ignore)
    task["_input_hash"] = input_hash
    task["_task_hash"] = get_hash(task, task_keys, ignore, prefix=str(input_hash))
    return task
