"""The in-process Nano binding (PyPI `heliosdb-nano-embedded`), behind the engine seam.

Thin by design: translation, value shaping and error mapping happen above this module.
"""
from __future__ import annotations

from operator import itemgetter
from typing import Any, Sequence

from ..engine import Result


def available() -> bool:
    try:
        import heliosdb_nano  # noqa: F401
    except ImportError:
        return False
    return True


_UNSEEN_ROWS_VERBS = frozenset(("UPDATE", "DELETE"))
_ONE_UNUSED = [None]


class BindingEngine:
    dialect = "nano"

    def __init__(self, path: str | None, read_only: bool = False) -> None:
        import heliosdb_nano

        self._read_only = read_only
        cls = heliosdb_nano.EmbeddedDatabase
        if path is None:
            self._db = cls.in_memory()
        elif read_only:
            self._db = cls.open_read_only(path)
        else:
            self._db = cls(path)
        self._query = self._db.query
        self._execute = self._db.execute
        # execute() with a non-empty parameter list: the binding's own method, no frame of ours
        self.execute_with = self._execute

    def query(self, sql: str, params: Sequence[Any]) -> Result:
        dicts = self._query(sql, params) if params else self._query(sql)
        if not dicts:
            return Result(None, [], -1)
        return Result(list(dicts[0]), _tuples(dicts), -1)

    def rows_with(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        dicts = self._query(sql, params) if params else self._query(sql)
        if len(dicts) == 1:
            return [tuple(dicts[0].values())]
        return _tuples(dicts)

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        if params:
            return self._execute(sql, params)
        if sql[:6].upper() in _UNSEEN_ROWS_VERBS:
            # Nano 4.31 bug: a parameterless UPDATE/DELETE inside an explicit transaction does not
            # see rows inserted earlier in that transaction. The parameterised path does; an
            # unused parameter selects it.
            return self._execute(sql, _ONE_UNUSED)
        return self._execute(sql)

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        return self._db.execute_many(sql, rows)

    def close(self) -> None:
        db, self._db = self._db, None
        # the bound methods hold the handle too; all must go for RocksDB to release its LOCK
        self._query = self._execute = self.execute_with = None
        if db is not None and not self._read_only:
            db.flush()


def _tuples(dicts: list[dict]) -> list[tuple]:
    if len(dicts) < 8:
        return [tuple(d.values()) for d in dicts]
    names = list(dicts[0])
    if len(names) < 2:  # (one name: itemgetter gives values, not tuples)
        return [tuple(d.values()) for d in dicts]
    # every row has the same keys in the same order (the names are unique: the rewrite aliases
    # each result column): half the cost of tuple(d.values()) per row
    return list(map(itemgetter(*names), dicts))
