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

from sqlglot import exp

from ..exceptions import NotSupportedError, OperationalError, make_error
from ..values import float_text
from . import oracle
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


def number(tokens: list[Token], sql: str,
           literals: dict[int, str] | None = None) -> tuple[str, ParamSpec]:
    """`sql` with every parameter written `:pN` (N its SQLite index) for sqlglot, and the spec.
    `literals`: SQL literals (inline_literal) written instead of the parameters of those indexes;
    the spec still counts them (they are bound, and checked, as the others)."""
    by_index: dict[int, str | None] = {}
    pieces: list[str] = []
    last = 0
    for tok, index in _indexed(tokens):
        if tok.text[0] == "?":
            by_index.setdefault(index, None)
        else:
            by_index[index] = tok.text
        pieces.append(sql[last:tok.start])
        pieces.append(f":p{index}" if literals is None or index not in literals
                      else literals[index])
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


class LiteralNeeded(NotSupportedError):
    """A construct needs a literal where the statement has an expression of parameters (and
    literals): translate() then makes a plan without steps that names those parameters
    (Plan.literal_params), and the statement is planned once per set of bound values."""
    indexes: frozenset[int] = frozenset()


def needs_literal(nodes: exp.Expression | list[exp.Expression], what: str) -> NotSupportedError:
    """The error for `nodes` where `what` (a phrase: "printf() with a non-constant format") is not
    supported: LiteralNeeded naming their parameters when they are made only of parameters,
    literals and operators on them; else NotSupportedError."""
    err_class = LiteralNeeded
    indexes = set()
    for node in nodes if isinstance(nodes, list) else [nodes]:
        for sub in node.walk():
            if isinstance(sub, exp.Placeholder):
                name = sub.name
                if not (name[:1] == "p" and name[1:].isdigit()):
                    err_class = NotSupportedError
                indexes.add(int(name[1:]) if name[1:].isdigit() else 0)
            elif not isinstance(sub, _INLINE_NODES):
                err_class = NotSupportedError
    if not indexes:
        err_class = NotSupportedError
    err = make_error(err_class, f"{what} is not supported by heliosdb_sqlite")
    if err_class is LiteralNeeded:
        err.indexes = frozenset(indexes)
    return err


# what an expression of parameters may hold and still be planned with the values written in
_INLINE_NODES = (exp.Literal, exp.Null, exp.Paren, exp.Neg, exp.DPipe, exp.Add, exp.Sub, exp.Mul,
                 exp.Div, exp.Mod)
_OPERATORS = (exp.DPipe, exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)


def folded_constant(node: exp.Expression) -> tuple[bool, Any]:
    """(True, value) for an operator expression over literals alone (`'+' || 3 || ' days'`, as a
    statement planned with its bound values written in has), computed by SQLite; else
    (False, None)."""
    if not isinstance(node, _OPERATORS) or not all(
            isinstance(sub, _INLINE_NODES) for sub in node.walk()):
        return False, None
    try:
        return True, oracle.ask("SELECT " + node.sql(dialect="sqlite"))
    except Exception:  # noqa: BLE001 - SQLite refused it: not a constant this module can fold
        return False, None


def inline_literal(value: Any) -> str | None:
    """A bound SQLite value as a literal that reads back as the same value and class, spaced so
    that it cannot join the tokens beside it; None when there is none (text with a NUL). A NaN
    never comes here: sqlite3 binds it as NULL."""
    kind = type(value)
    if value is None:
        return " NULL "
    if kind is int:
        return f" {value} " if value >= 0 else f" ({value}) "
    if kind is float:
        if math.isinf(value):  # SQLite reads a literal past the double range as infinity
            return " 9e999 " if value > 0 else " (-9e999) "
        text = repr(value)
        if "." not in text and "e" not in text:
            text += ".0"
        return f" {text} " if not text.startswith("-") else f" ({text}) "
    if kind is str:
        if "\x00" in value:
            return None
        return " '" + value.replace("'", "''") + "' "
    return " x'" + bytes(value).hex() + "' "
