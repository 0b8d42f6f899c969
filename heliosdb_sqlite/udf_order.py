"""SQLite's order and equality of values, for the rows the shim arranges itself.

ORDER BY with a registered collation or on a user-defined function's result, DISTINCT over such
results, LIMIT/OFFSET after them, and the partitions and ordering of a window function all happen
in Python; they follow SQLite: NULL < numbers (integers and reals compared by value) < text (by
the collation) < blobs (bytewise), NULLs first ascending unless NULLS FIRST/LAST says otherwise.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Iterable, NamedTuple

TextCompare = Callable[[str, str], int]

_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def binary(a: str, b: str) -> int:
    # code point order is UTF-8 byte order, which is what memcmp gives SQLite
    return (a > b) - (a < b)


def _nocase(a: str, b: str) -> int:
    return binary(a.translate(_ASCII_LOWER), b.translate(_ASCII_LOWER))  # ASCII only, as SQLite


def _rtrim(a: str, b: str) -> int:
    return binary(a.rstrip(" "), b.rstrip(" "))


BUILTIN_COLLATIONS: dict[str, TextCompare] = {"binary": binary, "nocase": _nocase, "rtrim": _rtrim}


def _rank(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, (int, float)):
        return 1
    if isinstance(value, str):
        return 2
    return 3


def compare(a: Any, b: Any, text: TextCompare = binary) -> int:
    """-1, 0 or 1 as SQLite orders two values (NULLs equal, and first)."""
    ra, rb = _rank(a), _rank(b)
    if ra != rb:
        return -1 if ra < rb else 1
    if ra == 0:
        return 0
    if ra == 2:
        return text(a, b)
    return (a > b) - (a < b)


class Term(NamedTuple):
    """One sort key: a position in the row, its direction and its text comparison."""
    index: int
    desc: bool
    nulls_first: bool
    text: TextCompare = binary


def compare_rows(a: Any, b: Any, terms: Iterable[Term]) -> int:
    for term in terms:
        x, y = a[term.index], b[term.index]
        if x is None or y is None:
            if x is None and y is None:
                continue
            return (-1 if x is None else 1) * (1 if term.nulls_first else -1)
        result = compare(x, y, term.text)
        if result:
            return -result if term.desc else result
    return 0


def sort(rows: list, terms: list[Term]) -> list:
    """`rows` ordered by `terms`; a stable sort, as SQLite's sorter keeps ties in input order."""
    if not terms:
        return list(rows)
    return sorted(rows, key=functools.cmp_to_key(lambda a, b: compare_rows(a, b, terms)))


def _key(value: Any) -> tuple:
    rank = _rank(value)
    return (rank,) if rank == 0 else (rank, value)  # 1 == 1.0, as in SQLite


def distinct(rows: list, width: int | None = None) -> list:
    """The first of each group of rows equal in their first `width` values, in order (DISTINCT
    with the BINARY collation)."""
    seen: set = set()
    out = []
    for row in rows:
        key = tuple(_key(v) for v in row[:width])
        if key not in seen:
            seen.add(key)
            out.append(row)
    return out


def limit(rows: list, count: int | None, offset: int | None) -> list:
    """LIMIT/OFFSET as SQLite reads them: a negative limit is none, a negative offset is 0."""
    start = offset if offset is not None and offset > 0 else 0
    if count is None or count < 0:
        return rows[start:]
    return rows[start:start + count]
