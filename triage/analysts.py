"""Who is working: the analyst's name, checked once where it comes in.

The name goes into every label, verdict, note, claim and audit row, and is shown to other
analysts (queue markers, the post view, `triage agreement`), so it is held to a short printable
string. Lookup order: ``--analyst``, then ``TRIAGE_ANALYST``, then the config's ``analyst``,
then the OS user (the config supplies that default: ``config.default_analyst``).
"""

from __future__ import annotations

import os

from .errors import TriageError

MAX_ANALYST_CHARS = 64
ANALYST_ENV = "TRIAGE_ANALYST"


class AnalystNameError(TriageError, ValueError):
    pass


def analyst_problem(name: str) -> str | None:
    """Why ``name`` cannot be an analyst's name, or None when it can."""
    if not name.strip():
        return "must not be empty"
    if len(name) > MAX_ANALYST_CHARS:
        return f"must be at most {MAX_ANALYST_CHARS} characters (got {len(name)})"
    # isprintable() is False for control characters (C0, DEL, C1), bidi overrides and zero-width
    # characters (category Cf), line and paragraph separators: none of them may name a person.
    if not name.isprintable():
        return "must be printable (no control, zero-width or bidi characters)"
    return None


def check_analyst(name: str, where: str) -> str:
    """``name`` without surrounding spaces, or an AnalystNameError naming ``where`` it came from."""
    name = name.strip()
    problem = analyst_problem(name)
    if problem is not None:
        from .sanitize import sanitize

        raise AnalystNameError(f"{where}: analyst name {sanitize(name)!r} {problem}")
    return name


def resolve_analyst(given: str | None, configured: str) -> str:
    """The analyst for this run: ``given`` (``--analyst``, already checked), else
    ``TRIAGE_ANALYST``, else ``configured`` (the config's ``analyst`` or the OS user)."""
    if given:
        return given
    env = os.environ.get(ANALYST_ENV)
    if env is not None and env != "":
        return check_analyst(env, ANALYST_ENV)
    return configured
