"""The store's SQL, as PostgreSQL reads it.

The store's statements are written once, in SQLite's dialect (the embedded default). On a
PostgreSQL store, :class:`~triage.store.postgres.PgConnection` passes each statement through
:func:`to_postgres` once (cached) before it runs. The rewrite is mechanical and small on purpose:
what it cannot say the same way (full-text search, catalog lookups, date parts) is a branch at
the call site, through :func:`is_postgres`.

What it rewrites, and why each is safe:

- ``?`` → ``%s`` (psycopg's placeholder) and ``%`` → ``%%`` (psycopg reads ``%`` everywhere).
- ``INSERT OR IGNORE`` → ``ON CONFLICT DO NOTHING``; ``INSERT OR REPLACE`` → ``ON CONFLICT (key)
  DO UPDATE`` for the tables that use it (their keys are in ``REPLACE_KEYS``).
- scalar ``MIN(a, b)`` / ``MAX(a, b)`` → ``LEAST`` / ``GREATEST`` (SQLite's two-argument forms).
- ``LIKE`` → ``ILIKE``: SQLite's LIKE ignores ASCII case, PostgreSQL's does not.
- ``instr(a, b)`` → ``strpos(a, b)`` (same argument order, same 1-based answer, 0 when absent).
- ``x IN (SELECT value FROM json_each(?))`` → ``x = ANY(%s)`` (``NOT IN`` → ``<> ALL``), any
  other ``json_each(?)`` → ``unnest(%s)``: the JSON list parameter is decoded and sent as an array
  (``Translation.json_params`` says which). ``= ANY`` takes the element type from ``x``, so lists
  of strings and empty lists work; ``unnest`` needs a list of numbers.
- ``x IN ()`` (an empty list) → ``x = ANY('{}')`` (``NOT IN ()`` → ``<> ALL('{}')``): false and
  true as on SQLite, where PostgreSQL reads ``IN ()`` as a syntax error.
- ``x IS ?`` → ``x IS NOT DISTINCT FROM %s`` (SQLite's ``IS`` is null-safe equality).
- ``INDEXED BY`` hints are dropped and ``CROSS JOIN t ON`` (SQLite's join-order hint) is a plain
  ``JOIN``: each engine's planner picks its own plan.
- a subquery in FROM without an alias gets one (PostgreSQL 15 requires it); ``:name`` parameters
  become ``%(name)s``.
- DDL: ``INTEGER PRIMARY KEY`` → an identity column, ``INTEGER`` → ``BIGINT`` (epoch seconds
  outgrow int4 in 2038), ``REAL`` → ``DOUBLE PRECISION`` (PostgreSQL's REAL is 4 bytes: it would
  round timestamps to minutes), ``WITHOUT ROWID`` dropped.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

# Tables written with INSERT OR REPLACE, and the key a replacement is decided on.
REPLACE_KEYS = {"meta": ("key",), "analytics_cache": ("key",)}


def is_postgres(conn) -> bool:
    """Whether ``conn`` (a store's connection) talks to PostgreSQL."""
    return getattr(conn, "dialect", "sqlite") == "postgresql"


@dataclass(frozen=True)
class Translation:
    sql: str
    json_params: tuple[int, ...] = ()  # positions of parameters that are JSON lists, sent as arrays
    returns_id: bool = False  # RETURNING id was added: the cursor's lastrowid comes from it


def storable_text(value):
    """``value`` as every engine stores it: a NUL character in text becomes U+FFFD, because
    PostgreSQL's text cannot hold NUL at all. That is the store's rule for what a column cannot
    hold (a lone surrogate gets U+FFFD too); the raw copy keeps the JSON escape ``\\u0000``.
    What is hashed before it is written (the audit chain) goes through this first, so the hash
    recomputes from the stored row on either engine."""
    if isinstance(value, str) and "\x00" in value:
        return value.replace("\x00", "\ufffd")
    return value


def pg_value(value):
    """One parameter as PostgreSQL takes it: a bool as an integer (the store's flags are INTEGER
    columns, and psycopg would send a Python bool as boolean), text ``storable_text``."""
    if isinstance(value, bool):
        return int(value)
    return storable_text(value)


def decode_params(tr: Translation, params):
    """The parameters as PostgreSQL takes them (``pg_value``), JSON lists decoded. A dict
    (``:name`` parameters) stays a dict."""
    if isinstance(params, dict):
        return {k: pg_value(v) for k, v in params.items()}
    out = [pg_value(p) for p in params]
    for i in tr.json_params:
        out[i] = json.loads(out[i]) if isinstance(out[i], str) else list(out[i])
    return out


_TOKEN = re.compile(r"""'(?:[^']|'')*'|"(?:[^"]|"")*"|--[^\n]*|\?|%|[^'"?%-]+|-""")


def _split_literals(sql: str) -> list[str]:
    return _TOKEN.findall(sql)


def _code(part: str) -> bool:
    return not (part.startswith("'") or part.startswith('"') or part.startswith("--"))


_INSERT_HEAD = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+(\w+)\s*\(([^)]*)\)", re.I | re.S)
_SCALAR_MINMAX = re.compile(r"\b(MIN|MAX)\s*\(", re.I)
_INSTR = re.compile(r"\binstr\s*\(", re.I)
_LIKE = re.compile(r"(?<!I)\bLIKE\b", re.I)
_INDEXED_BY = re.compile(r"\s+INDEXED\s+BY\s+\w+", re.I)
_IS_PARAM = re.compile(r"\bIS\s+(NOT\s+)?\?", re.I)
_JSON_EACH_PARAM = re.compile(r"\bjson_each\s*\(\s*\?\s*\)", re.I)
_IN_JSON_EACH = re.compile(r"\b(NOT\s+)?IN\s*\(\s*SELECT\s+value\s+FROM\s+json_each\s*\(\s*%s\s*\)\s*\)", re.I)
_EMPTY_IN = re.compile(r"\b(NOT\s+)?IN\s*\(\s*\)", re.I)
_NAMED = re.compile(r"(?<![:\w]):([A-Za-z_]\w*)")
_SUBQUERY = re.compile(r"\b(FROM|JOIN)\s*\(", re.I)
_ALIAS_NEEDED = re.compile(
    r"\s*($|\)|WHERE\b|GROUP\b|ORDER\b|UNION\b|LIMIT\b|JOIN\b|LEFT\b|INNER\b|CROSS\b|ON\b|HAVING\b|,)", re.I)
_CROSS_JOIN_ON = re.compile(r"\bCROSS\s+JOIN\s+(\w+(?:\s+(?:AS\s+)?\w+)?)\s+ON\b", re.I)
_CREATE_TABLE = re.compile(r"^\s*CREATE\s+TABLE", re.I)
_INSERT_ID_TABLE = re.compile(r"^\s*INSERT\s+INTO\s+(\w+)", re.I)


def _code_chars(sql: str, start: int = 0):
    """(index, char, paren depth) of each character outside string literals, from ``start``; the
    depth is counted before a ``)`` closes it."""
    depth, quote = 0, ""
    for i in range(start, len(sql)):
        ch = sql[i]
        if quote:
            if ch == quote:
                quote = ""
            continue
        if ch in "'\"":
            quote = ch
            continue
        if ch == "(":
            depth += 1
        yield i, ch, depth
        if ch == ")":
            depth -= 1


def _matching_paren(sql: str, open_at: int) -> int:
    """Index of the ``)`` closing the ``(`` at ``open_at`` (string literals skipped)."""
    return next((i for i, ch, depth in _code_chars(sql, open_at) if ch == ")" and depth == 1), -1)


def _has_top_level_comma(inner: str) -> bool:
    return any(ch == "," and depth == 0 for _, ch, depth in _code_chars(inner))


def _scalar_minmax(sql: str) -> str:
    out, pos = [], 0
    for m in _SCALAR_MINMAX.finditer(sql):
        if m.start() < pos:
            continue
        close = _matching_paren(sql, m.end() - 1)
        if close < 0 or not _has_top_level_comma(sql[m.end():close]):
            continue
        out.append(sql[pos:m.start()])
        out.append("LEAST(" if m.group(1).upper() == "MIN" else "GREATEST(")
        pos = m.end()
    out.append(sql[pos:])
    return "".join(out)


def _alias_subqueries(sql: str) -> str:
    """``FROM (SELECT …)`` with no alias gets one: SQLite allows it, PostgreSQL 15 does not."""
    inserts = []
    for m in _SUBQUERY.finditer(sql):
        close = _matching_paren(sql, m.end() - 1)
        if close > 0 and _ALIAS_NEEDED.match(sql, close + 1):
            inserts.append(close + 1)
    for n, at in enumerate(sorted(inserts, reverse=True)):
        sql = sql[:at] + f" AS _sub{n}" + sql[at:]
    return sql


def _ddl(sql: str) -> str:
    sql = re.sub(r"\bINTEGER\s+PRIMARY\s+KEY\b", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", sql, flags=re.I)
    sql = re.sub(r"\bINTEGER\b", "BIGINT", sql, flags=re.I)
    sql = re.sub(r"\bREAL\b", "DOUBLE PRECISION", sql, flags=re.I)
    return re.sub(r"\)\s*WITHOUT\s+ROWID", ")", sql, flags=re.I)


@lru_cache(maxsize=4096)
def to_postgres(sql: str, id_tables: frozenset[str] = frozenset()) -> Translation:
    """``sql`` (SQLite's dialect, ``?`` placeholders) as PostgreSQL runs it. ``id_tables`` are the
    tables with an identity ``id``: a one-row INSERT into one gets ``RETURNING id``, so the
    cursor's ``lastrowid`` means what it means on SQLite."""
    is_ddl = bool(_CREATE_TABLE.match(sql))
    head = _INSERT_HEAD.match(sql)
    conflict = ""
    if head:
        verb, table, cols = head.group(1).upper(), head.group(2), [c.strip() for c in head.group(3).split(",")]
        sql = f"INSERT INTO {table} ({head.group(3)})" + sql[head.end():]
        if verb == "IGNORE":
            conflict = " ON CONFLICT DO NOTHING"
        else:
            keys = REPLACE_KEYS[table]
            sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in cols if c not in keys)
            conflict = f" ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {sets}"

    parts = _split_literals(sql)
    json_params: list[int] = []
    n_params = 0
    code_chunks: list[str] = []
    # Rewrite the code between literals; placeholders are counted in order to find JSON ones.
    for part in parts:
        if not _code(part):
            code_chunks.append(part.replace("%", "%%"))
            continue
        if part == "?":
            n_params += 1
            code_chunks.append("%s")
            continue
        if part == "%":
            code_chunks.append("%%")
            continue
        code_chunks.append(_NAMED.sub(r"%(\1)s", part))
    text = "".join(code_chunks)
    # Structural rewrites run on the whole text; literals cannot contain these keywords in the
    # store's SQL (every literal there is a short constant), so a plain regex is enough.
    if _JSON_EACH_PARAM.search(sql):
        json_params = _json_each_positions(parts)
        # The usual form, "x IN (SELECT value FROM json_each(?))", as "x = ANY(array)": PostgreSQL
        # types the array from x, where unnest() of a list of strings (sent untyped) or of an empty
        # list is ambiguous.
        text = _IN_JSON_EACH.sub(lambda m: "<> ALL(%s)" if m.group(1) else "= ANY(%s)", text)
        text = re.sub(r"\bjson_each\s*\(\s*%s\s*\)", "unnest(%s) AS json_each(value)", text, flags=re.I)
    # An empty list, "x IN ()" (a caller's list of ids may be empty): SQLite reads it as false
    # (NOT IN as true), PostgreSQL as a syntax error. An empty array keeps both answers.
    text = _EMPTY_IN.sub(lambda m: "<> ALL('{}')" if m.group(1) else "= ANY('{}')", text)
    text = re.sub(r"\bIS\s+NOT\s+%s", "IS DISTINCT FROM %s", text, flags=re.I)
    text = re.sub(r"\bIS\s+%s", "IS NOT DISTINCT FROM %s", text, flags=re.I)
    text = _INDEXED_BY.sub("", text)
    text = _CROSS_JOIN_ON.sub(r"JOIN \1 ON", text)
    text = _LIKE.sub("ILIKE", text)
    text = _INSTR.sub("strpos(", text)
    text = _scalar_minmax(text)
    text = _alias_subqueries(text)
    if is_ddl:
        text = _ddl(text)
    returns_id = False
    if conflict:
        text = _before_returning(text, conflict)
    target = _INSERT_ID_TABLE.match(text)
    if (target and target.group(1) in id_tables and "RETURNING" not in text.upper()
            and " SELECT " not in text.upper()):
        text = text.rstrip().rstrip(";") + " RETURNING id"
        returns_id = True
    return Translation(text, tuple(json_params), returns_id)


def _json_each_positions(parts: list[str]) -> list[int]:
    positions, n, prev_code = [], 0, ""
    for part in parts:
        if part == "?":
            if re.search(r"\bjson_each\s*\(\s*$", prev_code, re.I):
                positions.append(n)
            n += 1
        if _code(part):
            prev_code = (prev_code + part)[-40:]
    return positions


def _before_returning(text: str, clause: str) -> str:
    m = re.search(r"\sRETURNING\s", text, re.I)
    if m:
        return text[:m.start()] + clause + text[m.start():]
    return text.rstrip().rstrip(";") + clause


def split_script(script: str) -> list[str]:
    """A DDL script's statements (``;`` outside literals and comments ends one)."""
    statements, current = [], []
    for part in _split_literals(script):
        if part.startswith("--"):
            continue
        if _code(part) and ";" in part:
            pieces = part.split(";")
            current.append(pieces[0])
            for piece in pieces[1:]:
                statements.append("".join(current))
                current = [piece]
        else:
            current.append(part)
    statements.append("".join(current))
    return [s.strip() for s in statements if s.strip()]
