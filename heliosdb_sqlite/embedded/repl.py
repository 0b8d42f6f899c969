"""Embedded mode over a `heliosdb-nano repl` child process, behind the engine seam.

The REPL prints box tables meant for people: NULL and 'NULL' look alike, floats are rounded, a
zero-row result has no header. So every row-returning statement is asked for a shape that survives
the printer: each row as one JSON array of (runtime type, text) pairs in one cell, decoded here by
type. Parameters become literals (literals.py); framing is in repl_process.py. The measured REPL
facts behind each rule: docs/repl-transport.md.
"""
from __future__ import annotations

import json
import os
import re
import struct
from typing import Any, Callable, Sequence

import sqlglot
from sqlglot import exp
from sqlglot.dialects.postgres import Postgres
from sqlglot.errors import TokenError
from sqlglot.tokens import TokenType

from ..engine import Result
from .literals import parseable, render
from .repl_process import ReplDied, ReplProcess, find_binary, iter_data

__all__ = ["ReplEngine", "available", "ReplDied"]


def available() -> bool:
    return find_binary() is not None


def _real(text: str) -> float:
    """float4 widened as the binding widens it (0.1 -> 0.10000000149011612)."""
    return struct.unpack("f", struct.pack("f", float(text)))[0]


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == "'" else text


# runtime type (pg_typeof) -> the Python value the binding returns for it
DECODERS: dict[str, Callable[[str], Any]] = {
    "bigint": int, "integer": int, "smallint": int,
    "double precision": float, "real": _real,
    "boolean": lambda t: t == "true",
    "bytea": lambda t: bytes.fromhex(t[2:]),
    "timestamp without time zone": _unquote, "timestamp with time zone": _unquote,
    "date": _unquote, "time without time zone": _unquote, "jsonb": _unquote, "json": _unquote,
}

_AFFECTED = re.compile(r"Query OK(?:, (\d+) row\(s\) affected)?$")
_ROW_COUNT = re.compile(r"\((\d+) rows?\)$")
_QUERY_VERBS = ("SELECT", "WITH", "VALUES", "(")
_VERB = re.compile(r"[(\s]*(\w+)")
_TX_START = frozenset(("BEGIN", "START", "SAVEPOINT"))
_TX_END = frozenset(("COMMIT", "END", "ROLLBACK"))
_READ_ONLY_VERBS = frozenset(("SELECT", "WITH", "VALUES", "RELEASE")) | _TX_START | _TX_END


def _verb(text: str) -> str:
    m = _VERB.match(text)
    return m.group(1).upper() if m else ""


def _decode(cell: str) -> tuple:
    flat = json.loads(cell)
    out = []
    for i in range(0, len(flat), 2):
        tag, text = flat[i], flat[i + 1]
        if text is None:
            out.append(None)
        else:
            decode = DECODERS.get(tag)
            out.append(decode(text) if decode is not None else text)
    return tuple(out)


def _output_names(tree: exp.Expression) -> list[str] | None:
    """The unqualified output names of a query, or None when they cannot be read off the SQL
    (a `*`, an unnamed expression, a name used twice)."""
    while isinstance(tree, exp.SetOperation):
        tree = tree.left
    if not isinstance(tree, exp.Select):
        return None
    names = _item_names(tree.selects)
    return names if names and len(set(names)) == len(names) else None


def _item_names(items: Sequence[exp.Expression]) -> list[str] | None:
    names = []
    for item in items:
        if isinstance(item, exp.Alias):
            names.append(item.alias)
        elif isinstance(item, exp.Column) and not isinstance(item.this, exp.Star):
            names.append(item.name)
        else:
            return None
    return names


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _builder(values: Sequence[str]) -> str:
    """The row builder over value texts (as the engine SQL writes them): each value's runtime
    type and text, all in one JSON array."""
    parts: list[str] = []
    for value in values:
        parts.append(f"pg_typeof(COALESCE({value}))")
        parts.append(f"CAST({value} AS TEXT)")
    return f"json_build_array({', '.join(parts)}) AS hsq_row"


_OPEN = frozenset((TokenType.L_PAREN, TokenType.L_BRACKET))
_CLOSE = frozenset((TokenType.R_PAREN, TokenType.R_BRACKET))
# what ends a select list at the top level
_LIST_END = frozenset((
    TokenType.FROM, TokenType.WHERE, TokenType.GROUP_BY, TokenType.HAVING, TokenType.ORDER_BY,
    TokenType.LIMIT, TokenType.OFFSET, TokenType.WINDOW, TokenType.UNION, TokenType.INTERSECT,
    TokenType.EXCEPT, TokenType.FETCH, TokenType.INTO, TokenType.SEMICOLON))
_TOKENIZER = Postgres().tokenizer_class()


def _list_values(text: str, keyword: TokenType,
                 items: Sequence[exp.Expression]) -> tuple[int, int, list[str]] | None:
    """The top-level select list (keyword SELECT) or RETURNING list of `text`, read from its
    tokens: (start, end) of the list in `text` and each item's value as written (its alias
    dropped). None when the tokens do not line up with the parsed `items`.

    The values are cut from the text, never regenerated from sqlglot's parse: regenerating
    rewrites engine SQL into forms Nano lacks (strpos() becomes POSITION(.. IN ..), btrim()
    TRIM(.. FROM ..))."""
    try:
        tokens = _TOKENIZER.tokenize(text)
    except TokenError:
        return None
    depth, begin = 0, None
    for i, token in enumerate(tokens):
        if token.token_type in _OPEN:
            depth += 1
        elif token.token_type in _CLOSE:
            depth -= 1
        elif depth == 0 and token.token_type == keyword:
            begin = i + 1
            break
    if begin is None or begin >= len(tokens) or tokens[begin].token_type in (
            TokenType.DISTINCT, TokenType.ALL):
        return None
    groups: list[list] = [[]]
    for token in tokens[begin:]:
        if depth == 0 and token.token_type in _LIST_END:
            break
        if depth == 0 and token.token_type == TokenType.COMMA:
            groups.append([])
            continue
        if token.token_type in _OPEN:
            depth += 1
        elif token.token_type in _CLOSE:
            depth -= 1
        groups[-1].append(token)
    if len(groups) != len(items) or not all(groups):
        return None
    values = []
    for group, item in zip(groups, items):
        if isinstance(item, exp.Alias):
            if group[-1].text != item.alias:
                return None
            group = group[:-1]
            if group and group[-1].token_type == TokenType.ALIAS:
                group = group[:-1]
            if not group:
                return None
        values.append(text[group[0].start:group[-1].end + 1])
    return groups[0][0].start, groups[-1][-1].end + 1, values


def _spliced(text: str, keyword: TokenType, items: Sequence[exp.Expression]) -> str | None:
    """`text` with its select or RETURNING list replaced by the row builder, or None."""
    found = _list_values(text, keyword, items)
    if found is None:
        return None
    start, end, values = found
    return text[:start] + _builder(values) + text[end:]


def _inlinable(select: exp.Select) -> bool:
    """Whether the row builder can take the select list's place (the engine then still uses
    its indexes; a wrapping subquery makes a point lookup a scan). Not under DISTINCT, nor when
    ORDER BY / GROUP BY / HAVING name an output column or position that would be gone."""
    if select.args.get("distinct"):
        return False
    if any(item.find(exp.Query) for item in select.selects):
        return False  # Nano materialises subqueries only at the top of a select-list item
    renamed = {item.alias for item in select.selects if isinstance(item, exp.Alias)
               and not (isinstance(item.this, exp.Column) and item.this.name == item.alias)}
    for key in ("order", "group", "having"):
        clause = select.args.get(key)
        if clause is None:
            continue
        for node in ([clause.this] if key == "having" else clause.expressions):
            target = node.this if isinstance(node, exp.Ordered) else node
            if isinstance(target, exp.Literal):
                return False  # ORDER BY 1 / GROUP BY 1
            if any(not c.table and c.name in renamed for c in node.find_all(exp.Column)):
                return False
    return True


def _wrap(sql: str, names: Sequence[str]) -> str:
    return f"SELECT {_builder([_quoted(n) for n in names])} FROM ({sql}) AS hsq_q"


class _Shape:
    """How one engine statement is asked for rows (cached per statement text)."""

    __slots__ = ("template", "names", "pending")

    def __init__(self, template: str | None, names: list[str] | None, pending=None) -> None:
        self.template = template  # the statement asking for JSON rows; None: probe names first
        self.names = names  # output names; [] for a statement that returns no rows
        self.pending = pending  # RETURNING * : (tree, target table) until its columns are known


def _shape_of(sql: str) -> _Shape:
    """How to ask for SQL's rows. The parse is only read (names, where the lists are); the
    statement sent is SQL's own text with the row builder spliced in."""
    text = parseable(sql)
    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except Exception:
        tree = None
    if isinstance(tree, exp.Query):
        names = _output_names(tree)
        if names is None:
            return _Shape(None, None)
        if isinstance(tree, exp.Select) and _inlinable(tree):
            template = _spliced(text, TokenType.SELECT, tree.selects)
            if template is not None:
                return _Shape(template, names)
        return _Shape(_wrap(sql, names), names)
    returning = tree.args.get("returning") if tree is not None else None
    if returning is None:
        if sql.lstrip("( ")[:6].upper().startswith(_QUERY_VERBS):
            return _Shape(None, None)  # a query sqlglot cannot read: probe its names
        return _Shape("", [])
    if any(isinstance(item, exp.Star) for item in returning.expressions):
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        return _Shape(None, None, (tree, text, target.sql(dialect="postgres")))
    return _returning_shape(tree, text, [])


def _returning_shape(tree: exp.Expression, text: str, star_columns: Sequence[str]) -> _Shape:
    """RETURNING's list replaced by the row builder; `*` stands for `star_columns`."""
    returning = tree.args["returning"]
    found = _list_values(text, TokenType.RETURNING, returning.expressions)
    if found is None:
        raise RuntimeError("the REPL transport cannot read this statement's RETURNING list")
    start, end, written = found
    items: list[exp.Expression] = []
    values: list[str] = []
    for item, value in zip(returning.expressions, written):
        if isinstance(item, exp.Star):
            items.extend(exp.column(exp.to_identifier(c, quoted=True)) for c in star_columns)
            values.extend(_quoted(c) for c in star_columns)
        elif isinstance(item, (exp.Alias, exp.Column)):
            items.append(item)
            values.append(value)
        else:  # unnamed: the shim names result columns itself; this is the engine's fallback
            items.append(exp.alias_(item, item.sql(dialect="postgres"), quoted=True))
            values.append(value)
    return _Shape(text[:start] + _builder(values) + text[end:], _item_names(items))


class ReplEngine:
    dialect = "nano"
    snapshots = False  # the REPL has no read-only open and holds the directory's lock

    def __init__(self, path: str | None, read_only: bool = False) -> None:
        binary = find_binary()
        if binary is None:
            raise ReplDied("no heliosdb-nano binary: set HELIOSDB_BIN, put it on PATH, or run "
                           "scripts/install_nano_cli.sh")
        self._read_only = read_only
        self._proc = ReplProcess(binary, os.path.abspath(path) if path else None)
        self._in_tx = False
        self._shapes: dict[str, _Shape] = {}

    @property
    def alive(self) -> bool:
        return self._proc.alive

    # -- the seam ------------------------------------------------------------------------
    def query(self, sql: str, params: Sequence[Any]) -> Result:
        shape = self._shapes.get(sql)
        if shape is None:
            shape = self._shape(sql)
        if shape.pending is not None:  # RETURNING *: the target table's columns, once
            tree, text, table = shape.pending
            shape = self._shapes[sql] = _returning_shape(
                tree, text, self._probe(f"SELECT * FROM {table}", ()))
        elif shape.template is None:  # names unknown: ask the engine for the header, once
            shape.names = self._probe(sql, params)
            shape.template = _wrap(sql, shape.names)
        names, template = shape.names, shape.template
        if not names:  # a statement that returns nothing (no RETURNING, not a query)
            self._run(render(sql, params))
            return Result(None, [], -1)
        out = self._run(render(template, params))
        nulls = (None,) * len(names)
        rows = [nulls if cell is None else _decode(cell) for cell in iter_data(out)]
        self._check_count(out, len(rows))
        return Result(names, rows, -1)

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        text = render(sql, params)
        verb = _verb(text)
        if self._read_only and verb not in _READ_ONLY_VERBS:
            raise RuntimeError("Database is in read-only mode")
        count = self._count(self._run(self._visible(text, verb)))
        self._track(verb, text)
        return count

    execute_with = execute

    def rows_with(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        return self.query(sql, params).rows

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        if not rows:
            return 0
        texts = [render(sql, r) for r in rows]
        verb = _verb(texts[0])
        if self._read_only and verb not in _READ_ONLY_VERBS:
            raise RuntimeError("Database is in read-only mode")
        answers = self._proc.exchange([self._visible(t, verb) for t in texts])
        total = 0
        for out, errors in answers:  # the caller undoes a failed batch (savepoint) and replays
            self._raise(errors)
            total += self._count(out)
        return total

    def close(self) -> None:
        self._proc.close()

    # -- statements ----------------------------------------------------------------------
    def _shape(self, sql: str) -> _Shape:
        shape = _shape_of(sql)
        if len(self._shapes) > 2048:
            self._shapes.clear()
        self._shapes[sql] = shape
        return shape

    def _probe(self, sql: str, params: Sequence[Any]) -> list[str]:
        """The output names of a query, from the header of a one-row outer join around it
        (the join gives a header even when the query itself has no rows)."""
        probe = f"SELECT * FROM (SELECT 1 AS hsq_probe) AS hsq_p LEFT JOIN ({sql}) AS hsq_q ON TRUE LIMIT 1"
        out = self._run(render(probe, params))
        header = next((line for line in out if line.startswith("│")), None)
        if header is None:
            raise RuntimeError("the REPL printed no header for a query")
        return [cell.strip() for cell in header.strip("│").split("│")][1:]

    def _visible(self, text: str, verb: str) -> str:
        """Nano 4.31: a parameterless UPDATE/DELETE in an explicit transaction misses the rows
        the transaction inserted; with RETURNING it takes the query path, which sees them."""
        if self._in_tx and verb in ("UPDATE", "DELETE") and " RETURNING " not in text.upper():
            return text[:-1] + " RETURNING 1;"
        return text

    def _track(self, verb: str, text: str) -> None:
        if verb in _TX_START:
            self._in_tx = True
        elif verb in _TX_END and not text.upper().startswith("ROLLBACK TO"):
            self._in_tx = False

    def _run(self, text: str) -> list[str]:
        out, errors = self._proc.exchange([text])[0]
        self._raise(errors)
        return out

    @staticmethod
    def _raise(errors: list[str]) -> None:
        for i, line in enumerate(errors):
            if line.startswith("ERROR: "):
                raise RuntimeError("\n".join([line[7:], *errors[i + 1:]]))

    @staticmethod
    def _count(out: list[str]) -> int:
        for line in reversed(out):
            m = _AFFECTED.match(line) or _ROW_COUNT.match(line)
            if m is not None:
                return int(m.group(1) or 0)
        return 0

    @staticmethod
    def _check_count(out: list[str], decoded: int) -> None:
        for line in reversed(out):
            m = _ROW_COUNT.match(line)
            if m is not None:
                if int(m.group(1)) != decoded:
                    raise RuntimeError(f"the REPL reported {m.group(1)} rows but {decoded} were read")
                return
