"""The project's error family: every error a user may meet is a ``TriageError``.

A ``TriageError`` carries a message that is one line a user can act on (file, field, what is
allowed); the CLI prints it as ``triage: <message>`` and exits with ``exit_code``, the console
shows it in the status line. Nothing that derives from it may reach a user as a traceback.
Subclasses keep their historical builtin base too (``ValueError``, ``RuntimeError`` ...), so
code that catches those keeps working.
"""

from __future__ import annotations


class TriageError(Exception):
    """An error with a one-line message meant for the user."""

    exit_code = 1

    def one_line(self) -> str:
        """The message on a single line (a multi-line message is joined with "; ")."""
        return "; ".join(part.strip() for part in str(self).splitlines() if part.strip())
