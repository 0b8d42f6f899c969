"""CREATE TABLE: SQLite's column definitions, parsed for the catalog and rewritten for the engine.

Parsed from tokens rather than through sqlglot so the declared type keeps its exact text
(PRAGMA table_info reports it as written) and SQLite's rowid rules are applied precisely:
a column is the rowid alias only if declared exactly `INTEGER PRIMARY KEY` (not INT, not DESC,
not in a WITHOUT ROWID table).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlglot import exp

from ..catalog import HIDDEN_ROWID, Column, Table
from ..exceptions import OperationalError, make_error
from .collate import BINARY, fold
from .lexer import Token, unquote
from .types import TEXT, affinity, engine_type

_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT",
                     "COLLATE", "REFERENCES", "GENERATED", "AS"}
_STANDARD_TYPES = {"ANY", "BLOB", "INT", "INTEGER", "REAL", "TEXT"}
_TABLE_CONSTRAINT_WORDS = {"CONSTRAINT", "PRIMARY", "UNIQUE", "CHECK", "FOREIGN"}


@dataclass
class ColumnDef:
    column: Column
    unique: bool = False
    check: tuple[str | None, str] | None = None  # (constraint name, SQLite expression text)
    default_sql: str | None = None  # SQLite expression text
    pk_desc: bool = False
    autoincrement: bool = False
    references: dict | None = None
    generated: str | None = None


@dataclass
class TableDef:
    name: str
    if_not_exists: bool
    temp: bool
    columns: list[ColumnDef]
    primary_key: list[str] = field(default_factory=list)
    uniques: list[list[str]] = field(default_factory=list)
    checks: list[tuple[str | None, str]] = field(default_factory=list)  # (name, expression)
    foreign_keys: list[dict] = field(default_factory=list)
    without_rowid: bool = False
    as_select: str | None = None  # CREATE TABLE ... AS SELECT text
    name_start: int = 0  # where the table name starts in the source


class _Cursor:
    def __init__(self, sql: str, tokens: list[Token]) -> None:
        self.sql = sql
        self.toks = tokens
        self.i = 0

    def peek(self, k: int = 0) -> Token | None:
        j = self.i + k
        return self.toks[j] if j < len(self.toks) else None

    def word(self, k: int = 0) -> str:
        tok = self.peek(k)
        return tok.text.upper() if tok is not None and tok.kind == "word" else ""

    def take(self) -> Token:
        tok = self.peek()
        if tok is None:
            raise syntax_error(self.sql, None)
        self.i += 1
        return tok

    def accept(self, *words: str) -> bool:
        if self.word() in words:
            self.i += 1
            return True
        return False

    def expect(self, kind: str) -> Token:
        tok = self.take()
        if tok.kind != kind:
            raise syntax_error(self.sql, tok)
        return tok

    def name(self) -> str:
        tok = self.take()
        if tok.kind not in ("word", "quoted", "string"):
            raise syntax_error(self.sql, tok)
        return unquote(tok.text) if tok.kind != "string" else tok.text[1:-1].replace("''", "'")

    def if_not_exists(self) -> bool:
        if self.accept("IF"):
            self.accept("NOT")
            self.accept("EXISTS")
            return True
        return False

    def items(self) -> list[str]:
        """The source text of each top-level, comma-separated item of a parenthesised group."""
        open_tok = self.expect("lparen")
        depth, items, start = 1, [], open_tok.end
        while depth:
            tok = self.take()
            if tok.kind == "lparen":
                depth += 1
            elif tok.kind == "rparen":
                depth -= 1
            if depth == 0 or (depth == 1 and tok.kind == "comma"):
                items.append(self.sql[start:tok.start].strip())
                start = tok.end
        return items

    def balanced(self) -> tuple[int, int]:
        """Skip a parenthesised group; the source span inside the parentheses."""
        open_tok = self.expect("lparen")
        self.i -= 1
        self.items()
        return open_tok.end, self.toks[self.i - 1].start

    def name_list(self) -> list[str]:
        self.expect("lparen")
        names = []
        while True:
            names.append(self.name())
            # a column in a key may carry COLLATE x / ASC / DESC, or a length as in MySQL `a(10)`
            while self.peek() is not None and self.peek().kind not in ("comma", "rparen"):
                if self.peek().kind == "lparen":
                    self.balanced()
                else:
                    self.take()
            if self.take().kind == "rparen":
                return names


def syntax_error(sql: str, tok: Token | None) -> OperationalError:
    near = tok.text if tok is not None else ""
    if tok is None:
        return make_error(OperationalError, "incomplete input")
    return make_error(OperationalError, f'near "{near}": syntax error')


def parse_create_table(sql: str, tokens: list[Token]) -> TableDef:
    cur = _Cursor(sql, tokens)
    cur.accept("CREATE")
    temp = cur.accept("TEMP", "TEMPORARY")
    cur.accept("TABLE")
    if_not_exists = cur.if_not_exists()
    name_start = cur.peek().start if cur.peek() else len(sql)
    name = cur.name()
    if cur.peek() is not None and cur.peek().kind == "op" and cur.peek().text == ".":
        cur.take()  # schema-qualified: main.t / temp.t
        if name.lower() == "temp":
            temp = True
        name = cur.name()
    table = TableDef(name, if_not_exists, temp, [], name_start=name_start)
    if cur.word() == "AS":
        table.as_select = sql[cur.peek(1).start:] if cur.peek(1) else ""
        return table
    cur.expect("lparen")
    while True:
        if cur.word() in _TABLE_CONSTRAINT_WORDS:  # unquoted keywords start a table constraint
            _table_constraint(cur, table)
        else:
            table.columns.append(_column_def(cur))
        tok = cur.take()
        if tok.kind == "rparen":
            break
        if tok.kind != "comma":
            raise syntax_error(sql, tok)
    while cur.peek() is not None:
        word = cur.word()
        if word == "WITHOUT":
            cur.take()
            cur.accept("ROWID")
            table.without_rowid = True
        elif word == "STRICT" or cur.peek().kind == "comma":
            cur.take()
        else:
            raise syntax_error(sql, cur.peek())
    return table


def _column_def(cur: _Cursor) -> ColumnDef:
    col = Column(cur.name())
    cdef = ColumnDef(col)
    type_words = []
    type_start = type_end = None
    while cur.peek() is not None and cur.peek().kind in ("word", "quoted") \
            and cur.word() not in _CONSTRAINT_WORDS:
        tok = cur.take()
        type_start = tok.start if type_start is None else type_start
        type_end = tok.end
        type_words.append(tok.text)
    if type_start is not None and cur.peek() is not None and cur.peek().kind == "lparen":
        _, inner_end = cur.balanced()
        type_end = inner_end + 1
    if type_start is not None:
        col.decltype = cur.sql[type_start:type_end]
        if col.decltype.upper() in _STANDARD_TYPES:  # SQLite stores these six in upper case
            col.decltype = col.decltype.upper()
    constraint_name = None
    while cur.peek() is not None and cur.peek().kind not in ("comma", "rparen"):
        word = cur.word()
        if word == "CONSTRAINT":
            cur.take()
            constraint_name = cur.name()
            continue
        if word == "PRIMARY":
            cur.take()
            cur.accept("KEY")
            if cur.accept("DESC"):
                cdef.pk_desc = True
            cur.accept("ASC")
            _conflict_clause(cur)
            if cur.accept("AUTOINCREMENT"):
                cdef.autoincrement = True
            col.pk = 1
        elif word == "NOT":
            cur.take()
            cur.accept("NULL")
            col.notnull = True
            _conflict_clause(cur)
        elif word == "NULL":
            cur.take()
            _conflict_clause(cur)
        elif word == "UNIQUE":
            cur.take()
            cdef.unique = True
            _conflict_clause(cur)
        elif word == "CHECK":
            cur.take()
            start, end = cur.balanced()
            cdef.check = (constraint_name, cur.sql[start:end])
        elif word == "DEFAULT":
            cur.take()
            tok = cur.peek()
            if tok is not None and tok.kind == "lparen":
                start, end = cur.balanced()
                cdef.default_sql = cur.sql[start:end]
                col.default = cur.sql[start - 1:end + 1]
            else:
                first = cur.take()
                text = first.text
                if first.kind == "op" and first.text in "+-":
                    text += cur.take().text
                cdef.default_sql = text
                col.default = text
        elif word == "COLLATE":
            cur.take()
            col.collate = cur.name().upper()
        elif word == "REFERENCES":
            cdef.references = _references(cur, [col.name])
        elif word in ("GENERATED", "AS"):
            if cur.accept("GENERATED"):
                cur.accept("ALWAYS")
            cur.accept("AS")
            start, end = cur.balanced()
            cdef.generated = cur.sql[start:end]
            cur.accept("STORED", "VIRTUAL")
        else:
            raise syntax_error(cur.sql, cur.peek())
        constraint_name = None
    return cdef


def _conflict_clause(cur: _Cursor) -> None:
    if cur.word() == "ON" and cur.word(1) == "CONFLICT":
        cur.i += 3


def _references(cur: _Cursor, columns: list[str]) -> dict:
    cur.accept("REFERENCES")
    target = cur.name()
    to_cols: list[str] = []
    if cur.peek() is not None and cur.peek().kind == "lparen":
        to_cols = cur.name_list()
    fk = {"from": columns, "table": target, "to": to_cols, "on_update": "NO ACTION",
          "on_delete": "NO ACTION", "match": "NONE"}
    while cur.word() in ("ON", "MATCH", "DEFERRABLE", "NOT", "INITIALLY"):
        word = cur.take().text.upper()
        if word == "ON":
            event = cur.take().text.upper()
            action = cur.take().text.upper()
            if action in ("SET", "NO"):
                action += " " + cur.take().text.upper()
            fk["on_delete" if event == "DELETE" else "on_update"] = action
        elif word == "MATCH":
            fk["match"] = cur.take().text.upper()
        elif word == "INITIALLY":
            cur.take()
    return fk


def _table_constraint(cur: _Cursor, table: TableDef) -> None:
    name = cur.name() if cur.accept("CONSTRAINT") else None
    word = cur.word()
    if word == "PRIMARY":
        cur.take()
        cur.accept("KEY")
        table.primary_key = cur.name_list()
        cur.accept("AUTOINCREMENT")
        _conflict_clause(cur)
    elif word == "UNIQUE":
        cur.take()
        table.uniques.append(cur.name_list())
        _conflict_clause(cur)
    elif word == "CHECK":
        cur.take()
        start, end = cur.balanced()
        table.checks.append((name, cur.sql[start:end]))
    elif word == "FOREIGN":
        cur.take()
        cur.accept("KEY")
        cols = cur.name_list()
        table.foreign_keys.append(_references(cur, cols))
    else:
        raise syntax_error(cur.sql, cur.peek())


def build_table(tdef: TableDef) -> Table:
    """The catalog entry: columns with pk positions, the rowid column, every unique key."""
    columns = [c.column for c in tdef.columns]
    by_name = {c.name.lower(): c for c in columns}
    seen: set[str] = set()
    for c in columns:
        if c.name.lower() in seen:
            raise make_error(OperationalError, f"duplicate column name: {c.name}")
        seen.add(c.name.lower())
    pk_cols = [c.column.name for c in tdef.columns if c.column.pk]
    if pk_cols and tdef.primary_key:
        raise make_error(OperationalError, f'table "{tdef.name}" has more than one primary key')
    if tdef.primary_key:
        for pos, name in enumerate(tdef.primary_key, 1):
            col = by_name.get(name.lower())
            if col is None:
                raise make_error(OperationalError, f"no such column: {name}")
            col.pk = pos
        pk_cols = [by_name[n.lower()].name for n in tdef.primary_key]
    rowid: str | None = HIDDEN_ROWID
    autoincrement = any(c.autoincrement for c in tdef.columns)
    if tdef.without_rowid:
        rowid = None
        if not pk_cols:
            raise make_error(OperationalError, f"PRIMARY KEY missing on table {tdef.name}")
    elif len(pk_cols) == 1:
        col = by_name[pk_cols[0].lower()]
        desc = any(c.pk_desc for c in tdef.columns if c.column is col)
        if col.decltype.upper() == "INTEGER" and not desc:
            rowid = col.name
    if autoincrement and (rowid is None or rowid == HIDDEN_ROWID):
        raise make_error(OperationalError,
                         "AUTOINCREMENT is only allowed on an INTEGER PRIMARY KEY")
    uniques: list[tuple[str, ...]] = []
    if pk_cols:
        uniques.append(tuple(pk_cols))
    for c in tdef.columns:
        if c.unique and (c.column.name,) not in uniques:
            uniques.append((c.column.name,))
    for u in tdef.uniques:
        key = tuple(by_name[n.lower()].name if n.lower() in by_name else n for n in u)
        if key not in uniques:
            uniques.append(key)
    fks = [c.references for c in tdef.columns if c.references] + tdef.foreign_keys
    table = Table(tdef.name, columns, rowid, autoincrement, uniques, fks, tdef.without_rowid)
    for name, check in _named_checks(tdef):
        label = check[0] if check[0] is not None else check[1].strip()
        table.checks[name] = f"CHECK constraint failed: {label}"
    for cdef in tdef.columns:
        if cdef.column.notnull and cdef.column.name != rowid:
            table.checks[_not_null_name(tdef.name, cdef.column.name)] = \
                f"NOT NULL constraint failed: {tdef.name}.{cdef.column.name}"
    return table


def _named_checks(tdef: TableDef) -> list[tuple[str, tuple[str | None, str]]]:
    """Each CHECK with the engine constraint name that identifies it in engine errors."""
    checks = [c.check for c in tdef.columns if c.check is not None] + tdef.checks
    return [(f"hsq_{tdef.name.lower()}_ck{n}", check) for n, check in enumerate(checks, 1)]


def _not_null_name(table: str, column: str) -> str:
    return f"hsq_{table.lower()}_nn_{column.lower()}"


_BARE = re.compile(r"[a-z_][a-z0-9_]*\Z")


def constraint_name(name: str) -> str:
    """A CHECK's engine name, bare where it can be: Nano 4.31 keeps the quotes of a quoted
    constraint name as part of it, and then cannot drop it by name (see drop_checks)."""
    return name if _BARE.match(name) else quote(name)


def drop_checks(table: Table, dialect: str = "nano") -> list[str]:
    """Engine statements that drop a table's constraints before the table: Nano 4.31 leaves a
    dropped table's CHECKs, and its PRIMARY KEY and UNIQUE constraints (`<t>_<c>_pkey`,
    `<t>_pkey`, `<t>_<c>_unique`, `<t>_unique` for any multi-column one), behind, and a new table of the
    same name inherits them (an UPDATE of the new table then fails on a key it never had)."""
    drops = [f"ALTER TABLE {quote(table.name)} DROP CONSTRAINT {name}"
             for name in table.checks if _BARE.match(name)]
    if dialect != "nano":
        return drops
    lname = table.name.lower()
    columns = [c.name.lower() for c in table.columns]
    if table.rowid and table.rowid.lower() not in columns:
        columns.append(table.rowid.lower())
    names = [f"{lname}_{c}_{kind}" for c in columns for kind in ("pkey", "unique")]
    names.append(f"{lname}_unique")
    # a table-level PRIMARY KEY (...) is `<t>_pkey`, which Nano finds only by its quoted name
    return drops + [f"ALTER TABLE {quote(table.name)} DROP CONSTRAINT IF EXISTS {name}"
                    for name in names if _BARE.match(name)] + [
        f"ALTER TABLE {quote(table.name)} DROP CONSTRAINT IF EXISTS {quote(lname + '_pkey')}"]


def quote(name: str) -> str:
    """An engine identifier: SQLite names are case-insensitive, so the engine's are lower-case."""
    return '"' + name.lower().replace('"', '""') + '"'


def engine_column(cdef: ColumnDef, table: Table, dialect: str, expr) -> str:
    """One column's engine definition (type, key, NOT NULL, UNIQUE, DEFAULT)."""
    col = cdef.column
    pk_cols = [c.name for c in table.columns if c.pk]
    sql = f"{quote(col.name)} {engine_type(col.decltype, dialect)}"
    if table.rowid == col.name:
        sql += " PRIMARY KEY"
    elif col.notnull:
        sql += " NOT NULL"
    if cdef.unique and pk_cols != [col.name] and not folded_key(table, (col.name,), dialect):
        sql += " UNIQUE"
    if cdef.default_sql is not None:
        sql += f" DEFAULT {expr(cdef.default_sql)}"
    return sql


def folded_key(table: Table, key, dialect: str) -> bool:
    """True when a unique key holds a TEXT column declared COLLATE NOCASE or RTRIM and the
    engine takes a unique index on an expression (PostgreSQL; Nano 4.31 indexes columns only):
    SQLite compares the key's values with the column's collation, so the engine's key is the
    folded value (folded_unique_indexes)."""
    if dialect != "postgres":
        return False
    columns = [table.column(c) for c in key]
    return any(c is not None and (c.collate or BINARY).lower() != BINARY
               and affinity(c.decltype) == TEXT for c in columns)


def folded_unique_indexes(table: Table, dialect: str) -> list[str]:
    """The unique indexes that enforce a collated key (see folded_key), named as PostgreSQL
    names a UNIQUE constraint (<table>_<columns>_key), which errors.py maps back to SQLite's
    "UNIQUE constraint failed: t.c". A collated PRIMARY KEY stays the engine's key as well."""
    indexes = []
    for key in table.uniques:
        if not folded_key(table, key, dialect):
            continue
        items = []
        for name in key:
            column = table.column(name)
            collation = (column.collate or BINARY).lower() if column is not None else BINARY
            folded = fold(exp.column(name.lower(), quoted=True), collation, dialect, True)
            items.append(f"({folded.sql(dialect='postgres')})")
        index = f"{table.name.lower()}_{'_'.join(c.lower() for c in key)}_key"
        indexes.append(f"CREATE UNIQUE INDEX {quote(index)} ON {quote(table.name)} "
                       f"({', '.join(items)})")
    return indexes


def engine_create_table(tdef: TableDef, table: Table, dialect: str, expr) -> str:
    """Engine DDL for a parsed table; `expr` translates a SQLite expression's text.

    Every CHECK is named so an engine error maps back to SQLite's message, and NOT NULL is also
    a CHECK: Nano does not enforce NOT NULL on UPDATE, but does enforce CHECK.
    """
    parts = [engine_column(cdef, table, dialect, expr) for cdef in tdef.columns]
    pk_cols = [c.name for c in sorted((c for c in table.columns if c.pk), key=lambda c: c.pk)]
    if table.rowid == HIDDEN_ROWID:
        parts.append(f"{quote(HIDDEN_ROWID)} BIGINT" + ("" if pk_cols else " PRIMARY KEY"))
    if pk_cols and table.rowid not in pk_cols:
        parts.append(f"PRIMARY KEY ({', '.join(quote(c) for c in pk_cols)})")
    for u in table.uniques:
        if list(u) != pk_cols and len(u) > 1 and not folded_key(table, u, dialect):
            parts.append(f"UNIQUE ({', '.join(quote(c) for c in u)})")
    for name, (_, check) in _named_checks(tdef):
        parts.append(f"CONSTRAINT {constraint_name(name)} CHECK ({expr(check)})")
    for cdef in tdef.columns:
        if cdef.column.notnull and cdef.column.name != table.rowid:
            name = _not_null_name(tdef.name, cdef.column.name)
            parts.append(f"CONSTRAINT {constraint_name(name)} CHECK "
                         f"({quote(cdef.column.name)} IS NOT NULL)")
    return f"CREATE TABLE {quote(tdef.name)} ({', '.join(parts)})"
