"""Engine errors -> sqlite3 exceptions with SQLite's messages. One table, matched by message.

The binding raises RuntimeError with text only, and the server sends SQLSTATE XX000 for most
errors, so the message is all there is to go on. Each rule: a pattern over the engine's message,
and a function of the match (and the catalog, for constraint names) giving class, message, code.
"""
from __future__ import annotations

import re
from typing import Callable

from .catalog import Catalog, Table
from .exceptions import (
    DataError,
    Error,
    IntegrityError,
    OperationalError,
    ProgrammingError,
    make_error,
)

Rule = tuple[re.Pattern, Callable[[re.Match, Catalog, Table | None], Error]]


def _pk(table: Table) -> tuple[str, ...] | None:
    return next((u for u in table.uniques
                 if all(table.column(c) is not None and table.column(c).pk for c in u)), None)


def _unique(m: re.Match, catalog: Catalog, context: Table | None) -> Error:
    """A constraint name back to SQLite's "UNIQUE constraint failed: t.a, t.b"."""
    name = m.group("name")
    for table in catalog.tables.values():
        lname = table.name.lower()
        pk = _pk(table)
        if name == f"{lname}_pkey" and pk:
            return _constraint("UNIQUE", table.name, pk, "SQLITE_CONSTRAINT_PRIMARYKEY")
        for key in table.uniques:
            if name == f"{lname}_{'_'.join(k.lower() for k in key)}_key":
                return _constraint("UNIQUE", table.name, key, "SQLITE_CONSTRAINT_UNIQUE")
        if name == f"{lname}_unique":  # Nano's name for any multi-column UNIQUE (...)
            key = next((k for k in table.uniques if len(k) > 1 and k != pk), None)
            if key is not None:
                return _constraint("UNIQUE", table.name, key, "SQLITE_CONSTRAINT_UNIQUE")
    index = catalog.indexes.get(name.lower())
    if index is not None:
        return _constraint("UNIQUE", index.table, index.columns, "SQLITE_CONSTRAINT_UNIQUE")
    return _unnamed_unique(m, catalog, context)


def _unnamed_unique(m: re.Match, catalog: Catalog, context: Table | None) -> Error:
    """A duplicate with no constraint named: the statement's table says which key it was."""
    if context is not None:
        groups = m.groupdict()
        column = groups.get("col")
        if column and context.column(column) is not None:
            key = next((k for k in catalog.unique_keys(context)
                        if [c.lower() for c in k] == [column.lower()]), (column,))
            return _constraint("UNIQUE", context.name, key, "SQLITE_CONSTRAINT_UNIQUE")
        pk = _pk(context)
        if groups.get("kind") == "PRIMARY KEY" and pk:
            return _constraint("UNIQUE", context.name, pk, "SQLITE_CONSTRAINT_PRIMARYKEY")
        keys = [k for k in catalog.unique_keys(context) if k != pk] or ([pk] if pk else [])
        if keys:
            return _constraint("UNIQUE", context.name, keys[0], "SQLITE_CONSTRAINT_UNIQUE")
    return make_error(IntegrityError, "UNIQUE constraint failed", "SQLITE_CONSTRAINT_UNIQUE")


def _check(m: re.Match, catalog: Catalog, context: Table | None) -> Error:
    """Named engine CHECKs (see rewrite/ddl.py) carry SQLite's CHECK and NOT NULL messages."""
    name = m.group("name")
    tables = ([context] if context is not None else []) + list(catalog.tables.values())
    for table in tables:
        message = table.checks.get(name)
        if message is not None:
            code = ("SQLITE_CONSTRAINT_NOTNULL" if message.startswith("NOT NULL")
                    else "SQLITE_CONSTRAINT_CHECK")
            return make_error(IntegrityError, message, code)
    return make_error(IntegrityError, f"CHECK constraint failed: {name}", "SQLITE_CONSTRAINT_CHECK")


def _constraint(kind: str, table: str, columns, code: str) -> Error:
    failed = ", ".join(f"{table}.{c}" for c in columns)
    return make_error(IntegrityError, f"{kind} constraint failed: {failed}", code)


def _mismatch(m: re.Match, catalog: Catalog, context: Table | None) -> Error:
    """A value the engine column cannot hold. SQLite would keep text in a numeric column (or
    refuse it for a rowid: "datatype mismatch"); here the column holds numbers only."""
    if context is not None:
        return make_error(IntegrityError, "datatype mismatch", "SQLITE_MISMATCH")
    return make_error(OperationalError, m.group(0))


def _not_null(m: re.Match, catalog: Catalog, context: Table | None) -> Error:
    column = m.group("col")
    table = m.groupdict().get("table")
    info = catalog.table(table) if table else context
    if info is None:
        for t in catalog.tables.values():
            if t.column(column):
                info = t
                break
    if info is not None and info.column(column):
        return make_error(IntegrityError,
                          f"NOT NULL constraint failed: {info.name}.{info.column(column).name}",
                          "SQLITE_CONSTRAINT_NOTNULL")
    return make_error(IntegrityError, f"NOT NULL constraint failed: {column}",
                      "SQLITE_CONSTRAINT_NOTNULL")


def _simple(cls, template: str, code: str = "SQLITE_ERROR"):
    def build(m: re.Match, catalog: Catalog, context: Table | None) -> Error:
        return make_error(cls, template.format(**m.groupdict()), code)
    return build


def _engine_gone(m: re.Match, catalog: Catalog, context: Table | None) -> Error:
    """The REPL child exited: at open, most often because another process holds the directory."""
    if re.search(r"Resource temporarily unavailable|While lock file", m.string):
        return make_error(OperationalError, "database is locked", "SQLITE_BUSY")
    return make_error(OperationalError, m.string + "; reconnect to start a new engine process",
                      "SQLITE_IOERR")


RULES: list[Rule] = [
    (re.compile(r"^the heliosdb-nano repl process (?:exited|was closed)"), _engine_gone),
    # a value the translation refuses at run time (rewrite's failure()): the engine reports the
    # cast of our own message; the message is what the application should read
    (re.compile(r"(?P<q>['\"])(?P<said>heliosdb_sqlite does not support .*?)(?P=q)"
                r"(?: to \w+|\Z)", re.S),
     _simple(OperationalError, "{said}")),
    # Nano: a date/time text the translation read with CAST(... AS TIMESTAMP) (rewrite/datetime.py
    # pads it with seconds and '+00:00' first), as PostgreSQL's check words it
    (re.compile(r"Cannot cast '(?P<value>.*?)(?: 00:00:00)?(?:\+00:00)?' to TIMESTAMP",
                re.S),
     _simple(OperationalError, "heliosdb_sqlite does not support this date/time value: {value}")),
    # a Nano server rolls the whole transaction back when one statement in it fails
    (re.compile(r"current transaction is aborted|in failed transaction block"),
     _simple(OperationalError, "the server rolled this transaction back when a statement in it "
             "failed (a HeliosDB Nano server cannot undo just that statement): call rollback() "
             "and run the transaction again", "SQLITE_ABORT")),
    (re.compile(r'violates PRIMARY KEY constraint "(?P<name>[^"]+)"'), _unique),
    (re.compile(r'violates UNIQUE constraint "(?P<name>[^"]+)"'), _unique),
    (re.compile(r'unique constraint "(?P<name>[^"]+)"', re.I), _unique),
    (re.compile(r"UNIQUE constraint violated: duplicate value for column '(?P<col>[^']+)'"),
     _unnamed_unique),
    (re.compile(r"Key already exists in (?P<kind>PRIMARY KEY|UNIQUE) index"), _unnamed_unique),
    (re.compile(r"Duplicate key", re.I), _unnamed_unique),
    (re.compile(r"CHECK constraint '\"?(?P<name>[^'\"]+)\"?'", re.I), _check),
    (re.compile(r'violates check constraint "(?P<name>[^"]+)"', re.I), _check),  # PostgreSQL
    (re.compile(r"Cannot cast '.*' to (?:INT|FLOAT)\d", re.S), _mismatch),
    (re.compile(r'invalid input syntax for type (?:bigint|integer|double precision|numeric|'
                r'boolean): ".*"', re.S), _mismatch),  # PostgreSQL
    # PostgreSQL text cannot hold U+0000, which SQLite text can; the value never reached a row
    (re.compile(r'invalid byte sequence for encoding "UTF8": 0x00'),
     _simple(DataError, "text with a NUL character (U+0000) cannot be stored or compared on a "
             "PostgreSQL server: bind it as bytes (a BLOB) or remove the NUL", "SQLITE_MISMATCH")),
    (re.compile(r"(?:NOT NULL constraint|null value in column)[^\"']*[\"'](?P<col>[^\"']+)[\"']"
                r"(?:[^\"']*(?:relation|table) [\"'](?P<table>[^\"']+)[\"'])?", re.I), _not_null),
    (re.compile(r"CHECK constraint|violates check constraint", re.I),
     _simple(IntegrityError, "CHECK constraint failed", "SQLITE_CONSTRAINT_CHECK")),
    (re.compile(r"foreign key", re.I),
     _simple(IntegrityError, "FOREIGN KEY constraint failed", "SQLITE_CONSTRAINT_FOREIGNKEY")),
    (re.compile(r"Table '(?P<name>[^']+)' does not exist|relation \"(?P<rel>[^\"]+)\" does not exist"
                r"|table \"?(?P<t2>\w+)\"? (?:does not exist|not found)", re.I),
     lambda m, c, t: make_error(
         OperationalError, f"no such table: {m.group('name') or m.group('rel') or m.group('t2')}")),
    (re.compile(r"Column '(?P<name>[^']+)' not found|column \"(?P<col>[^\"]+)\" does not exist"
                r"|column (?P<c2>\S+) does not exist", re.I),
     lambda m, c, t: make_error(
         OperationalError, f"no such column: {m.group('name') or m.group('col') or m.group('c2')}")),
    (re.compile(r"Unknown (?:scalar |aggregate |table )?function:? '?(?P<name>[\w.]+)"
                r"|^function (?P<name2>\w+)\([^)]*\) does not exist", re.I),
     lambda m, c, t: make_error(
         OperationalError, f"no such function: {m.group('name') or m.group('name2')}")),
    (re.compile(r"ambiguous", re.I),
     _simple(OperationalError, "ambiguous column name")),
    (re.compile(r"already exists", re.I), _simple(OperationalError, "object already exists")),
    (re.compile(r"Transaction already active", re.I),
     _simple(OperationalError, "cannot start a transaction within a transaction")),
    (re.compile(r"No active transaction", re.I),
     _simple(OperationalError, "cannot commit - no transaction is active")),
    (re.compile(r"read only mode|read-only", re.I),
     _simple(OperationalError, "attempt to write a readonly database", "SQLITE_READONLY")),
    # another session holds the row: a Nano server gives up after its own wait, PostgreSQL
    # after lock_timeout (the connection's timeout, see daemon/pgwire.py)
    (re.compile(r"LOCK|Resource temporarily unavailable|lock hold|serialization failure|"
                r"write-write conflict|could not serialize access", re.I),
     _simple(OperationalError, "database is locked", "SQLITE_BUSY")),
    (re.compile(r"out of range|overflow", re.I), _simple(DataError, "integer overflow")),
    (re.compile(r"parse error|syntax error", re.I),
     lambda m, c, t: make_error(OperationalError, "syntax error: the engine could not parse the "
                                "translated statement (" + m.string[:200] + ")")),
    (re.compile(r"parameter|bind", re.I),
     lambda m, c, t: make_error(ProgrammingError, m.string)),
]


def is_engine_panic(exc: BaseException) -> bool:
    """Nano raises pyo3's PanicException (a BaseException) for some overflows: still an engine
    error for the application, never something that escapes `except Exception`."""
    return type(exc).__name__ == "PanicException"


def engine_error(exc: BaseException, catalog: Catalog, table: str | None = None) -> Error:
    """The sqlite3 exception for an engine failure; unknown ones are OperationalError.
    `table` is the table the statement writes, for messages that do not name one."""
    if isinstance(exc, Error):
        return exc
    if is_engine_panic(exc):
        return make_error(OperationalError, "integer overflow")
    message = str(exc)
    context = catalog.table(table) if table else None
    for pattern, build in RULES:
        m = pattern.search(message)
        if m is not None:
            return build(m, catalog, context)
    return make_error(OperationalError, message or type(exc).__name__)
