"""sqlite3.Row: a tuple with case-insensitive access by column name."""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class Row:
    __slots__ = ("_values", "_description")

    def __init__(self, cursor: Any, data: tuple) -> None:
        from .cursor import Cursor
        if not issubclass(type(cursor), Cursor):  # type(): a faked __class__ does not pass
            raise TypeError(f"Row() argument 1 must be heliosdb_sqlite.Cursor, not "
                            f"{type(cursor).__name__}")
        if not isinstance(data, tuple):
            raise TypeError(f"Row() argument 2 must be tuple, not {type(data).__name__}")
        self._values = data
        self._description = cursor.description

    def keys(self) -> list[str]:
        return [d[0] for d in self._description] if self._description else []

    def __getitem__(self, key: Any) -> Any:
        if isinstance(key, str):
            if self._description:
                lowered = key.lower() if key.isascii() else None
                for i, d in enumerate(self._description):
                    name = d[0]
                    if name == key or (lowered is not None and name.isascii()
                                       and name.lower() == lowered):
                        return self._values[i]
            raise IndexError("No item with that key")
        if isinstance(key, (int, slice)):
            return self._values[key]
        raise IndexError("Index must be int or string")

    def __len__(self) -> int:
        return len(self._values)

    def __iter__(self):
        return iter(self._values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return self._description == other._description and self._values == other._values

    def __ne__(self, other: object) -> bool:
        if not isinstance(other, Row):
            return NotImplemented
        return not self == other

    def __hash__(self) -> int:
        return hash(tuple(d[0] for d in self._description or ())) ^ hash(self._values)

    def __repr__(self) -> str:
        return f"<{type(self).__module__}.Row object at {id(self):#x}>"


Sequence.register(Row)
