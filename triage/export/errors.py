"""What an export reports to the analyst: one line, no traceback (the CLI prints it as is)."""

from ..errors import TriageError


class ExportError(TriageError, RuntimeError):
    pass
