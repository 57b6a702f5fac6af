"""What an export reports to the analyst: one line, no traceback (the CLI prints it as is)."""


class ExportError(RuntimeError):
    pass
