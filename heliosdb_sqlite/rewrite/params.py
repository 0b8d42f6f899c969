"""SQLite's parameter numbering: `?`, `?NNN`, `:name`, `@name`, `$name`.

`?` takes the next index after the largest so far; `?NNN` is index NNN; a name takes the next index
the first time it is seen and keeps it. The count sqlite3 checks bindings against is the largest
index (sqlite3_bind_parameter_count), and a mapping is read by each name without its prefix.
The same numbering writes a statement back with its bound values (sqlite3_expanded_sql), which is
the text sqlite3 gives a trace callback.
"""
from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any, NamedTuple

from ..exceptions import OperationalError, make_error
from ..values import float_text
from .lexer import Token, first_statement_end, tokenize

MAX_VARIABLE_NUMBER = 250000


class ParamSpec(NamedTuple):
    count: int
    names: tuple[str | None, ...]  # per index (0-based): the name with its prefix, None for ?/?NNN


def _indexed(tokens: list[Token]) -> Iterator[tuple[Token, int]]:
    """Each parameter token with its SQLite index."""
    names: dict[str, int] = {}
    largest = 0
    for tok in tokens:
        if tok.kind != "param":
            continue
        text = tok.text
        if text[0] == "?":
            if len(text) > 1:
                index = int(text[1:])
                if not 0 < index <= MAX_VARIABLE_NUMBER:
                    raise make_error(
                        OperationalError,
                        f"variable number must be between ?1 and ?{MAX_VARIABLE_NUMBER}")
            else:
                index = largest + 1
        else:
            index = names.get(text) or largest + 1
            names[text] = index
        largest = max(largest, index)
        yield tok, index


def number(tokens: list[Token], sql: str) -> tuple[str, ParamSpec]:
    """`sql` with every parameter written `:pN` (N its SQLite index) for sqlglot, and the spec."""
    by_index: dict[int, str | None] = {}
    pieces: list[str] = []
    last = 0
    for tok, index in _indexed(tokens):
        if tok.text[0] == "?":
            by_index.setdefault(index, None)
        else:
            by_index[index] = tok.text
        pieces.append(sql[last:tok.start])
        pieces.append(f":p{index}")
        last = tok.end
    if not pieces:
        return sql, ParamSpec(0, ())
    pieces.append(sql[last:])
    largest = max(by_index)
    spec = ParamSpec(largest, tuple(by_index.get(i) for i in range(1, largest + 1)))
    return "".join(pieces), spec


def statement_text(sql: str) -> str:
    """sqlite3_sql(): the text a statement was prepared from, which ends with the ';' that ends
    it (what follows that ';' is the tail, not the statement's)."""
    if ";" not in sql:
        return sql
    tokens = tokenize(sql)
    end = first_statement_end(tokens)
    return sql if end is None else sql[:tokens[end].end]


def literal(value: Any) -> str:
    """A bound value as sqlite3_expanded_sql() writes it: NULL; an integer as %lld; a real as
    %!.15g; text quoted with '' doubled (%q, which stops at a NUL); a blob as x'hex'."""
    if value is None:
        return "NULL"
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is float:
        if math.isnan(value):  # SQLite binds NaN as NULL
            return "NULL"
        return "0.0" if value == 0 else float_text(value)  # SQLite's printf drops -0.0's sign
    if kind is str:
        return "'" + value.split("\x00", 1)[0].replace("'", "''") + "'"
    return "x'" + bytes(value).hex() + "'"


def expanded_sql(sql: str, values: Sequence[Any], limit: int) -> str | None:
    """sqlite3_expanded_sql(): statement_text(sql) with each parameter replaced by the literal of
    the value bound at its index (`values`, 0-based; unbound is NULL). None when the result has
    `limit` (SQLITE_LIMIT_LENGTH) or more bytes, as SQLite then returns NULL."""
    text = statement_text(sql)
    if values:
        tokens = tokenize(text)
        pieces: list[str] = []
        last = 0
        for tok, index in _indexed(tokens):
            pieces.append(text[last:tok.start])
            pieces.append(literal(values[index - 1]) if index <= len(values) else "NULL")
            last = tok.end
        if pieces:
            pieces.append(text[last:])
            text = "".join(pieces)
    if len(text) >= limit or (not text.isascii() and len(text.encode("utf-8")) >= limit):
        return None
    return text
