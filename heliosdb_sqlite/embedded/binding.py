"""The in-process Nano binding (PyPI `heliosdb-nano-embedded`), behind the engine seam.

Thin by design: translation, value shaping and error mapping happen above this module.
"""
from __future__ import annotations

from typing import Any, Sequence

from ..engine import Result


def available() -> bool:
    try:
        import heliosdb_nano  # noqa: F401
    except ImportError:
        return False
    return True


class BindingEngine:
    dialect = "nano"

    def __init__(self, path: str | None, read_only: bool = False) -> None:
        import heliosdb_nano

        cls = heliosdb_nano.EmbeddedDatabase
        if path is None:
            self._db = cls.in_memory()
        elif read_only:
            self._db = cls.open_read_only(path)
        else:
            self._db = cls(path)
        self._query = self._db.query
        self._execute = self._db.execute

    def query(self, sql: str, params: Sequence[Any]) -> Result:
        dicts = self._query(sql, params) if params else self._query(sql)
        if not dicts:
            return Result(None, [], -1)
        return Result(list(dicts[0]), [tuple(d.values()) for d in dicts], -1)

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        return self._execute(sql, params) if params else self._execute(sql)

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        return self._db.execute_many(sql, rows)

    def close(self) -> None:
        flush = getattr(self._db, "flush", None)
        if flush is not None:
            flush()
        self._db = None
