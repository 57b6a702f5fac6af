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

    def cli_line(self) -> str:
        """What the CLI prints for it (sanitized by the caller): ``triage: error: <message>``."""
        return f"triage: error: {self.one_line()}"


class SetupError(TriageError):
    """A file the tool is set up with is broken (a pattern, word-class or warning-behaviour file,
    the active-model pointer): every command that needs it fails the same way until the file is
    fixed, so the CLI names the file without "error:" and exits 2."""

    exit_code = 2

    def cli_line(self) -> str:
        return f"triage: {self.one_line()}"
