"""Where a store lives, as the analyst names it (``--db``, ``TRIAGE_DB``, the config's ``db``):
a SQLite file path, or a PostgreSQL URL (``postgresql://user@host/dbname``). Anything else with
a ``scheme://`` is a mistake said in one line, never a SQLite file in a folder named after it."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from .errors import TriageError

POSTGRES_SCHEMES = ("postgresql", "postgres")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*)://")


class DbLocationError(TriageError, ValueError):
    pass


def is_postgres_url(value) -> bool:
    return isinstance(value, PgUrl) or urlsplit(str(value)).scheme in POSTGRES_SCHEMES and "://" in str(value)


class PgUrl:
    """A PostgreSQL store's URL. ``str()`` hides the password (messages, the audit log, the
    console title); ``url`` is the whole thing, for connecting. Answers the few questions the
    CLI asks of a store file (``exists``, ``parent``) the way a server store means them."""

    def __init__(self, url: str):
        self.url = url

    def __str__(self) -> str:
        return display_url(self.url)

    def __repr__(self) -> str:
        return f"PgUrl({str(self)!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, PgUrl) and other.url == self.url

    def __hash__(self) -> int:
        return hash(self.url)

    def exists(self) -> bool:
        """A database is "there" once named: opening it says whether it holds a store yet."""
        return True

    @property
    def name(self) -> str:
        """The database's name (what the console's title shows, as a file's name for SQLite)."""
        return urlsplit(self.url).path.lstrip("/") or display_url(self.url)

    @property
    def parent(self) -> Path:
        return Path.cwd()  # where relative inputs resolve: no store file to be beside


def display_url(url: str) -> str:
    """The URL without its password: what messages and the audit log may show."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.netloc.rsplit("@", 1)[-1]
    return urlunsplit(parts._replace(netloc=f"{parts.username or ''}:***@{host}"))


def parse_db(value, where: str = "--db") -> Path | PgUrl:
    """A file path or a PostgreSQL URL; a URL of any other scheme is a one-line error."""
    if isinstance(value, (Path, PgUrl)):
        return value
    text = str(value)
    scheme = _SCHEME.match(text)
    if scheme:
        if scheme.group(1).lower() in POSTGRES_SCHEMES:
            return PgUrl(text)
        raise DbLocationError(f"{where} {display_url(text)}: not a store file path or a postgresql:// URL "
                              "(SQLite: a file path; PostgreSQL: postgresql://user@host/dbname)")
    return Path(text).expanduser()
