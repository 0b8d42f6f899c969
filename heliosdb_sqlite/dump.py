"""iterdump() and backup(): the way back from the engine to an SQLite file.

The dump has the shape of sqlite3's own (Lib/sqlite3/dump.py): the original DDL from the catalog,
then one INSERT per row with SQLite literals, so stdlib sqlite3 can load it unchanged.
"""
from __future__ import annotations

from typing import Any, Iterator

from .values import float_text


def literal(value: Any) -> str:
    """A value as an SQLite literal (what SQLite's quote() gives)."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value != value:
            return "NULL"
        if value in (float("inf"), float("-inf")):
            return "1e999" if value > 0 else "-1e999"
        return float_text(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return "X'" + bytes(value).hex().upper() + "'"
    return "'" + str(value).replace("'", "''") + "'"


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def iterdump(conn: Any) -> Iterator[str]:
    """The layout of CPython's iterdump: tables by name with their rows, then indexes, triggers
    and views, then sqlite_sequence's rows (once every table exists), then COMMIT."""
    catalog = conn._db.catalog
    entries = sorted(catalog.entries.values(), key=lambda e: e.seq)
    yield "BEGIN TRANSACTION;"
    sequence: list[str] = []
    for entry in sorted((e for e in entries if e.type == "table" and e.sql),
                        key=lambda e: e.name):
        if entry.name == "sqlite_sequence":
            sequence.append('DELETE FROM "sqlite_sequence";')
            for name, seq in conn.execute("SELECT name, seq FROM sqlite_sequence").fetchall():
                sequence.append(
                    f'INSERT INTO "sqlite_sequence" VALUES({literal(name)},{literal(seq)});')
            continue
        if entry.name.startswith("sqlite_"):
            continue
        yield f"{entry.sql};"
        table = catalog.table(entry.name)
        cols = ", ".join(_ident(c.name) for c in table.columns)
        for row in conn.execute(f"SELECT {cols} FROM {_ident(table.name)}").fetchall():
            yield f"INSERT INTO {_ident(table.name)} VALUES({','.join(literal(v) for v in row)});"
    for entry in entries:
        if entry.type in ("index", "trigger", "view") and entry.sql:
            yield f"{entry.sql};"
    yield from sequence
    yield "COMMIT;"


def backup(conn: Any, target: Any, *, pages: int, progress: Any, name: str) -> None:
    """Copy the database into `target`: a stdlib sqlite3 or a heliosdb_sqlite connection."""
    import sqlite3 as stdlib
    from .connection import Connection
    if not isinstance(target, (stdlib.Connection, Connection)):
        raise TypeError("backup() argument 1 must be sqlite3.Connection, not "
                        f"{type(target).__name__}")
    if progress is not None and not callable(progress):
        raise TypeError("progress argument must be a callable")
    if name not in ("main", "temp"):
        from .exceptions import OperationalError
        raise OperationalError(f"unknown database {name}")
    if target is conn:
        raise ValueError("target cannot be the same connection instance")
    if getattr(target, "in_transaction", False):
        from .exceptions import OperationalError
        raise OperationalError("target is in transaction")
    if _same_server_database(conn, target):
        # daemon mode: the copy would be written over the database it is read from
        if progress is not None:
            progress(0, 0, 1)
        return
    script = "\n".join(iterdump(conn))
    if progress is not None:
        progress(0, 0, 1)
    target.executescript(script)
    target.commit()


def _same_server_database(conn: Any, target: Any) -> bool:
    """Both connections reach one server database: in daemon mode the connect() target names
    nothing, so two `connect(":memory:")` calls open the DSN's database twice. A backup from
    one to the other leaves the target holding exactly the source's tables and rows already."""
    key = getattr(conn._db.engine, "catalog_key", None)
    other = getattr(getattr(target, "_db", None), "engine", None)
    return key is not None and getattr(other, "catalog_key", None) == key
