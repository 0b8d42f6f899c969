"""sqlite3.Cursor: runs statements through its connection and hands rows out."""
from __future__ import annotations

from threading import get_ident
from typing import Any, Iterable

from .exceptions import ProgrammingError


_CONNECTION: list[type] = []


def _connection_class() -> type:
    if not _CONNECTION:  # imported late, once: connection.py imports this module
        from .connection import Connection
        _CONNECTION.append(Connection)
    return _CONNECTION[0]


class Cursor:
    _closed = True
    _initialized = False
    _locked = False  # inside one of its own calls (execute, a converter during fetch)
    # the state of a new cursor: class defaults, so a cursor made per statement sets only its own
    arraysize = 1
    row_factory = None
    description: tuple | None = None
    rowcount = -1
    lastrowid: int | None = None
    _rows: list | tuple = ()
    _pos = 0
    _convert = None  # detect_types converters, applied as rows are fetched

    def __init__(self, connection: Any) -> None:
        if self._locked:
            raise ProgrammingError("Recursive use of cursors not allowed.")
        if not isinstance(connection, _CONNECTION[0] if _CONNECTION else _connection_class()):
            raise TypeError(f"Cursor() argument must be heliosdb_sqlite.Connection, not "
                            f"{type(connection).__name__}")
        # a new cursor's state (sqlite3's __init__ sets it too, run again on a cursor or not), in
        # the instance: a default read from the class is a slow lookup in Python 3.11
        self.arraysize = 1
        self.row_factory = None
        self._reset()
        self.lastrowid = None
        self._locked = False
        self.connection = connection
        self._closed = False
        self._initialized = True
        if connection._closed or connection._check_same_thread \
                and get_ident() != connection._thread:
            connection._check()  # raises what is wrong

    def _check(self) -> None:
        if not self._initialized:
            raise ProgrammingError("Base Cursor.__init__ not called.")
        if self._locked:
            raise ProgrammingError("Recursive use of cursors not allowed.")
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed cursor.")
        self.connection._check()

    # -- executing ---------------------------------------------------------------------------
    def execute(self, sql: str, parameters: Any = (), /) -> "Cursor":
        conn = self.connection if self._initialized else None
        if conn is None or self._locked or self._closed or conn._closed \
                or conn._check_same_thread and get_ident() != conn._thread:
            self._check()  # raises what is wrong
        if type(sql) is not str and not isinstance(sql, str):
            raise TypeError(f"execute() argument 1 must be str, not {type(sql).__name__}")
        run = conn._fast.get(sql)
        if run is not None and run(conn, parameters, self) is not None:
            return self
        self._reset()
        self._locked = True
        try:
            self.connection._execute(self, sql, parameters, many=False)
        finally:
            self._locked = False
        return self

    def executemany(self, sql: str, seq_of_parameters: Iterable, /) -> "Cursor":
        self._check()
        if not isinstance(sql, str):
            raise TypeError(f"executemany() argument 1 must be str, not {type(sql).__name__}")
        self._reset()
        self._locked = True
        try:
            self.connection._executemany(self, sql, seq_of_parameters)
        finally:
            self._locked = False
        return self

    def executescript(self, sql_script: str, /) -> "Cursor":
        self._check()
        if not isinstance(sql_script, str):
            raise TypeError(f"executescript() argument 1 must be str, not "
                            f"{type(sql_script).__name__}")
        self._reset()
        self._locked = True
        try:
            self.connection._executescript(self, sql_script)
        finally:
            self._locked = False
        return self

    def _reset(self) -> None:
        self.description = None
        self.rowcount = -1
        self._rows = ()
        self._pos = 0
        self._convert = None

    def _set_result(self, rows: list, description: tuple | None) -> None:
        self._rows = rows
        self._pos = 0
        self.description = description

    # -- fetching ----------------------------------------------------------------------------
    def _make(self, row: tuple) -> Any:
        if self._convert is not None:
            self._locked = True  # a converter that uses this cursor is recursive use
            try:
                row = self._convert(row)
            finally:
                self._locked = False
        factory = self.row_factory
        return row if factory is None else factory(self, row)

    def fetchone(self) -> Any:
        conn = self.connection if self._initialized else None
        if conn is None or self._locked or self._closed or conn._closed \
                or conn._check_same_thread and get_ident() != conn._thread:
            self._check()  # raises what is wrong
        pos = self._pos
        rows = self._rows
        if pos >= len(rows):
            return None
        self._pos = pos + 1
        if self._convert is None and self.row_factory is None:
            return rows[pos]
        return self._make(rows[pos])

    def fetchmany(self, size: int | None = None) -> list:
        self._check()
        if size is None:
            size = self.arraysize
        if size < 0:
            size = len(self._rows)
        chunk = self._rows[self._pos:self._pos + size]
        self._pos += len(chunk)
        if self.row_factory is None and self._convert is None:
            return chunk
        return [self._make(r) for r in chunk]

    def fetchall(self) -> list:
        self._check()
        chunk = self._rows[self._pos:] if self._pos else self._rows
        self._pos = len(self._rows)
        if self.row_factory is None and self._convert is None:
            return list(chunk)
        return [self._make(r) for r in chunk]

    def __iter__(self) -> "Cursor":
        return self

    def __next__(self) -> Any:
        row = self.fetchone()
        if row is None:
            raise StopIteration
        return row

    def close(self) -> None:
        if not self._initialized:
            raise ProgrammingError("Base Cursor.__init__ not called.")
        if self._locked:
            raise ProgrammingError("Recursive use of cursors not allowed.")
        if not self.connection._closed:
            self.connection._check_thread()
        self._closed = True
        self._rows = []

    def setinputsizes(self, sizes: Any, /) -> None:
        """DB-API: accepted and ignored, as in sqlite3."""

    def setoutputsize(self, size: Any, column: Any = None, /) -> None:
        """DB-API: accepted and ignored, as in sqlite3."""
