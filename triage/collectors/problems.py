"""Problem reports for inputs that have entries rather than lines (a JSON export, an API page).

``ImportProblem`` prints ``file:line: reason``; a Telegram export or a tweets.js is one JSON
document (a streaming parser knows no line numbers), so its bad entries print as
``file: entry N: reason`` instead, N counting from 1 in document order.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..records import ImportProblem
from ..sanitize import sanitize


@dataclass
class EntryProblem(ImportProblem):
    def __str__(self) -> str:
        return sanitize(f"{self.path}: entry {self.line}: {self.reason}")


def json_reason(exc: Exception) -> str:
    """A streaming JSON parser's (yajl's) message, first line: the rest is a caret drawing."""
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0][:120]
