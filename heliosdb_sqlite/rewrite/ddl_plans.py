"""CREATE / DROP / ALTER: the engine DDL, and the catalog change recorded once it succeeds.

sqlite_master keeps the statement as SQLite does: the original text from the object's name on,
after a normalised `CREATE TABLE ` (IF NOT EXISTS and TEMP dropped).
"""
from __future__ import annotations

import sqlglot
from sqlglot import exp

from ..catalog import Catalog, Column, Entry, Index, Table
from ..exceptions import NotSupportedError, OperationalError, make_error
from .collate import BINARY, fold, name_of
from .ddl import (
    _Cursor,
    build_table,
    drop_checks,
    engine_column,
    engine_create_table,
    folded_unique_indexes,
    parse_create_table,
    quote,
    syntax_error,
)
from .lexer import Token
from .params import ParamSpec
from .plan import Plan, Step
from .select import expand_stars, shape
from .transforms import Context, apply, engine_sql
from .types import TEXT, affinity


def expression(text: str, catalog: Catalog, dialect: str) -> str:
    """A SQLite expression's text in the engine's dialect."""
    tree = sqlglot.parse_one(f"SELECT {text}", read="sqlite")
    tree = apply(tree, Context(catalog, dialect))
    return engine_sql(tree.expressions[0])


def plan(verb: str, sql: str, tokens: list[Token], params: ParamSpec, catalog: Catalog,
         dialect: str) -> Plan:
    words = [t.text.upper() for t in tokens[:6] if t.kind == "word"]
    if verb == "CREATE":
        kind = next((w for w in words[1:] if w in ("TABLE", "INDEX", "VIEW", "TRIGGER")), None)
        if kind == "TABLE":
            return _create_table(sql, tokens, params, catalog, dialect)
        if kind == "INDEX":
            return _create_index(sql, tokens, params, catalog, dialect)
        if kind == "VIEW":
            return _create_view(sql, tokens, params, catalog, dialect)
        if kind == "TRIGGER":
            raise make_error(NotSupportedError, "CREATE TRIGGER is not supported by heliosdb_sqlite yet")
        if "VIRTUAL" in words:
            raise make_error(NotSupportedError, "CREATE VIRTUAL TABLE is not supported by heliosdb_sqlite")
    if verb == "DROP":
        return _drop(tokens, params, catalog, dialect)
    if verb == "ALTER":
        return _alter(sql, tokens, params, catalog, dialect)
    raise syntax_error(sql, tokens[1] if len(tokens) > 1 else tokens[0])


def _check_new_name(name: str, catalog: Catalog, kind: str, if_not_exists: bool) -> bool:
    """False when the statement is a no-op (IF NOT EXISTS and the object is there)."""
    if name.lower().startswith("sqlite_"):
        raise make_error(OperationalError, f"object name reserved for internal use: {name}")
    existing = catalog.kind(name)
    if existing is None:
        return True
    if if_not_exists and existing == kind:
        return False
    raise make_error(OperationalError, f"{existing} {name} already exists" if existing != "index"
                     else f"index {name} already exists")


def _create_table(sql, tokens, params, catalog, dialect) -> Plan:
    tdef = parse_create_table(sql, tokens)
    if not _check_new_name(tdef.name, catalog, "table", tdef.if_not_exists):
        return Plan("CREATE", params, schema_version=catalog.version)
    if tdef.as_select is not None:
        raise make_error(NotSupportedError, "CREATE TABLE ... AS SELECT is not supported yet")
    table = build_table(tdef)
    ddl = engine_create_table(tdef, table, dialect,
                                     lambda text: expression(text, catalog, dialect))
    stored = "CREATE TABLE " + sql[tdef.name_start:].rstrip().rstrip(";").rstrip()

    def record(db) -> None:
        db.record(Entry(db.catalog.next_seq(), "table", table.name, table.name, stored,
                        table.to_json()))
        # SQLite lists the index behind each UNIQUE / non-rowid PRIMARY KEY constraint
        for n, key in enumerate((k for k in table.uniques if k != (table.rowid,)), 1):
            is_pk = all(table.column(c) is not None and table.column(c).pk for c in key)
            index = Index(f"sqlite_autoindex_{table.name}_{n}", table.name, list(key), True,
                          "pk" if is_pk else "u")
            db.record(Entry(db.catalog.next_seq(), "index", index.name, table.name, None,
                            index.to_json()))
        if table.autoincrement and db.catalog.kind("sqlite_sequence") is None:
            db.record(Entry(db.catalog.next_seq(), "table", "sqlite_sequence", "sqlite_sequence",
                            "CREATE TABLE sqlite_sequence(name,seq)", None))
    steps = (Step(ddl, (), False),) + tuple(  # a NOCASE/RTRIM key is unique once folded
        Step(index, (), False) for index in folded_unique_indexes(table, dialect))
    return Plan("CREATE", params, steps, catalog_change=record,
                undo=f"DROP TABLE {quote(table.name)}", schema_version=catalog.version)


def _create_index(sql, tokens, params, catalog, dialect) -> Plan:
    cur = _Cursor(sql, tokens)
    cur.accept("CREATE")
    unique = cur.accept("UNIQUE")
    cur.accept("INDEX")
    if_not_exists = cur.if_not_exists()
    name_start = cur.peek().start
    name = cur.name()
    if cur.peek() is not None and cur.peek().text == ".":
        cur.take()
        name = cur.name()
    if not cur.accept("ON"):
        raise syntax_error(sql, cur.peek())
    table_name = cur.name()
    table = catalog.table(table_name)
    if not _check_new_name(name, catalog, "index", if_not_exists):
        return Plan("CREATE", params, schema_version=catalog.version)
    if table is None:
        raise make_error(OperationalError, f"no such table: main.{table_name}")
    items = cur.items()
    where_sql = ""
    if cur.accept("WHERE"):
        where_sql = " WHERE " + expression(sql[cur.peek().start:], catalog, dialect)
    columns, engine_items = [], []
    for item in items:
        words = item.split()
        direction = ""
        if words and words[-1].upper() in ("ASC", "DESC"):
            direction = " " + words.pop().upper()
        collation = None
        if len(words) >= 2 and words[-2].upper() == "COLLATE":
            collation = words[-1].strip('"`[]')
            words = words[:-2]
        text = " ".join(words)
        col = table.column(text.strip('"`[]'))
        if col is not None:
            columns.append(col.name)
            engine_items.append(_index_item(col, collation, unique, dialect) + direction)
        else:
            columns.append(text)
            engine_items.append(f"({expression(text, catalog, dialect)}){direction}")
    ddl = (f"CREATE {'UNIQUE ' if unique else ''}INDEX {quote(name)} ON {quote(table.name)}"
                  f" ({', '.join(engine_items)}){where_sql}")
    steps = [Step(ddl, (), False)]
    if unique:
        # existing duplicates make a unique index fail in SQLite (several NULLs are allowed)
        engine_items_plain = [quote(c) for c in columns if table.column(c)]
        cols = ", ".join(item.removesuffix(" ASC").removesuffix(" DESC")
                         for item in engine_items)
        if len(engine_items_plain) == len(columns):
            not_null = " AND ".join(f"{c} IS NOT NULL" for c in engine_items_plain)
            failed = ", ".join(f"{table.name}.{table.column(c).name}" for c in columns)
            steps.insert(0, Step(
                f"SELECT 1 AS dup FROM {quote(table.name)} WHERE {not_null} GROUP BY {cols} "
                "HAVING count(*) > 1 LIMIT 1", (), True,
                fail_if_rows=f"UNIQUE constraint failed: {failed}"))
    stored = f"CREATE {'UNIQUE ' if unique else ''}INDEX " + sql[name_start:].rstrip().rstrip(";")
    index = Index(name, table.name, columns, unique)

    def record(db) -> None:
        db.record(Entry(db.catalog.next_seq(), "index", name, table.name, stored, index.to_json()))
    return Plan("CREATE", params, tuple(steps), catalog_change=record,
                undo=f"DROP INDEX {quote(name)}", schema_version=catalog.version)


def _index_item(column: Column, collation: str | None, unique: bool, dialect: str) -> str:
    """A column of CREATE INDEX for the engine. A UNIQUE index compares with the item's COLLATE
    or the column's collation; PostgreSQL's enforces a NOCASE/RTRIM one on the folded value
    (Nano 4.31 indexes columns only: there the index stays binary)."""
    if collation is not None:
        collation = name_of(exp.Collate(this=exp.column(column.name),
                                        expression=exp.var(collation)))
    collation = collation or (column.collate or BINARY).lower()
    if not unique or dialect != "postgres" or collation == BINARY \
            or affinity(column.decltype) != TEXT:
        return quote(column.name)
    folded = fold(exp.column(column.name.lower(), quoted=True), collation, dialect, True)
    return f"({folded.sql(dialect='postgres')})"


def _named_columns(select_sql: str, tree: exp.Expression, names: list[str]) -> str:
    """The view's query with its result columns named `names` (a column list, or SQLite's names
    for repeated ones). Nano 4.31 ignores a CREATE VIEW column list: the query's own names are
    renamed in a derived table around it when they differ."""
    first = tree
    while isinstance(first, exp.SetOperation):
        first = first.this
    inner = [p.alias_or_name for p in first.expressions] if isinstance(first, exp.Select) else []
    if not names or inner == names:
        return select_sql
    if len(inner) != len(names) or len(set(inner)) != len(inner) or not all(inner):
        raise make_error(OperationalError, "heliosdb_sqlite could not name this view's columns")
    renamed = ", ".join(f"{quote(i)} AS {quote(n)}" for i, n in zip(inner, names))
    return f'SELECT {renamed} FROM ({select_sql}) AS "_v"'


def _create_view(sql, tokens, params, catalog, dialect) -> Plan:
    cur = _Cursor(sql, tokens)
    cur.accept("CREATE")
    cur.accept("TEMP", "TEMPORARY")
    cur.accept("VIEW")
    if_not_exists = cur.if_not_exists()
    name_start = cur.peek().start
    name = cur.name()
    if not _check_new_name(name, catalog, "view", if_not_exists):
        return Plan("CREATE", params, schema_version=catalog.version)
    column_names = cur.name_list() if cur.peek() is not None and cur.peek().kind == "lparen" else None
    if not cur.accept("AS"):
        raise syntax_error(sql, cur.peek())
    select_tokens = tokens[cur.i:]
    select_sql = sql[select_tokens[0].start:]
    tree = sqlglot.parse_one(select_sql, read="sqlite")
    for select in tree.find_all(exp.Select):
        expand_stars(select, catalog)
    offset = select_tokens[0].start
    local = [Token(t.kind, t.text, t.start - offset, t.end - offset) for t in select_tokens]
    result = shape(tree, select_sql, local, catalog)
    names = list(column_names or result.names or [])
    tree = apply(tree, Context(catalog, dialect))
    if names:
        unique_names, seen = [], {}
        for n in names:  # SQLite names a repeated view column "a:1", "a:2"
            key = n.lower()
            if key in seen:
                seen[key] += 1
                n = f"{n}:{seen[key]}"
            else:
                seen[key] = 0
            unique_names.append(n)
        names = unique_names
    ddl = f"CREATE VIEW {quote(name)} AS {_named_columns(engine_sql(tree), tree, names)}"
    stored = "CREATE VIEW " + sql[name_start:].rstrip().rstrip(";")
    view = Table(name, [Column(n, decl or "") for n, decl in zip(names, result.decltypes or
                                                                   (None,) * len(names))],
                 rowid=None)

    def record(db) -> None:
        db.record(Entry(db.catalog.next_seq(), "view", name, name, stored, view.to_json()))
    return Plan("CREATE", params, (Step(ddl, (), False),), catalog_change=record,
                undo=f"DROP VIEW {quote(name)}", schema_version=catalog.version)


def _drop(tokens, params, catalog, dialect: str) -> Plan:
    words = [t.text.upper() for t in tokens]
    if len(words) < 3:
        raise make_error(OperationalError, "incomplete input")
    kind = words[1]
    rest = tokens[2:]
    if_exists = False
    if len(rest) >= 2 and rest[0].text.upper() == "IF" and rest[1].text.upper() == "EXISTS":
        if_exists = True
        rest = rest[2:]
    if len(rest) >= 3 and rest[1].text == ".":
        rest = rest[2:]
    if len(rest) != 1:
        raise make_error(OperationalError, f'near "{rest[-1].text if rest else words[-1]}": syntax error')
    from .lexer import unquote
    name = unquote(rest[0].text)
    if kind == "TRIGGER":
        if if_exists:
            return Plan("DROP", params, schema_version=catalog.version)
        raise make_error(OperationalError, f"no such trigger: {name}")
    lkind = kind.lower()
    existing = catalog.kind(name)
    if existing == "index" and name.lower().startswith("sqlite_autoindex_"):
        raise make_error(OperationalError, "index associated with UNIQUE or PRIMARY KEY "
                         "constraint cannot be dropped")
    if existing != lkind:
        if existing in ("table", "view") and lkind in ("table", "view"):
            raise make_error(OperationalError, f"use DROP {existing.upper()} to delete {existing} {name}")
        if if_exists:
            return Plan("DROP", params, schema_version=catalog.version)
        raise make_error(OperationalError, f"no such {lkind}: {name}")
    ddl = f"DROP {kind} {quote(name)}"

    def record(db) -> None:
        db.forget(name)
    if lkind != "table":
        return Plan("DROP", params, (Step(ddl, (), False),), catalog_change=record,
                    schema_version=catalog.version)
    hidden = f"_hsq_dropped_{catalog.entries[name.lower()].seq}"
    table = catalog.table(name)
    steps = tuple(Step(sql, (), False) for sql in (drop_checks(table, dialect) if table else ()))
    return Plan("DROP", params, steps + (Step(ddl, (), False),), catalog_change=record,
                in_tx_steps=(Step(f"ALTER TABLE {quote(name)} RENAME TO {quote(hidden)}", (), False),),
                undo=f"ALTER TABLE {quote(hidden)} RENAME TO {quote(name)}",
                on_commit=f"DROP TABLE {quote(hidden)}", schema_version=catalog.version)


def _alter(sql, tokens, params, catalog, dialect) -> Plan:
    cur = _Cursor(sql, tokens)
    cur.accept("ALTER")
    cur.accept("TABLE")
    name = cur.name()
    table = catalog.table(name)
    if table is None:
        raise make_error(OperationalError, f"no such table: {name}")
    if cur.accept("ADD"):
        cur.accept("COLUMN")
        from .ddl import _column_def
        col_start = cur.peek().start
        cdef = _column_def(cur)
        if table.column(cdef.column.name) is not None:
            raise make_error(OperationalError, f"duplicate column name: {cdef.column.name}")
        col = cdef.column
        col_sql = engine_column(cdef, table, dialect, lambda text: expression(text, catalog, dialect))
        if cdef.check is not None:
            col_sql += f" CHECK ({expression(cdef.check[1], catalog, dialect)})"
        ddl = f"ALTER TABLE {quote(table.name)} ADD COLUMN {col_sql}"
        col_text = sql[col_start:].rstrip().rstrip(";")

        def record(db) -> None:
            entry = db.catalog.entries[table.name.lower()]
            new = Table.from_json(table.name, entry.info)
            new.columns.append(Column(col.name, col.decltype, col.notnull, col.default, 0,
                                      col.collate))
            stored = entry.sql.rstrip()
            stored = stored[:-1].rstrip() + ", " + col_text + ")" if stored.endswith(")") else stored
            db.replace_entry(Entry(entry.seq, "table", table.name, table.name, stored, new.to_json()))
        steps = (Step(ddl, (), False),)
        if dialect == "nano":
            # Nano 4.31 bug: a row stored before ADD COLUMN, read by a parameterised primary-key
            # lookup, fails ("Column index N out of bounds in tuple"). Rewriting the rows once
            # stores them with the new column: its default, which is what SQLite reads there (a
            # constant: SQLite refuses any other). Not `SET col = col`: reading the new column
            # fails the same way inside a transaction.
            # Inside a transaction a second rewrite of the same rows is lost: there it runs
            # after COMMIT, in a transaction of its own.
            value = "NULL" if cdef.default_sql is None else expression(cdef.default_sql, catalog,
                                                                         dialect)
            rewrite = f"UPDATE {quote(table.name)} SET {quote(col.name)} = {value}"
            return Plan("ALTER", params, steps + (Step(rewrite, (), False),),
                        catalog_change=record, in_tx_steps=steps,
                        on_commit=("BEGIN", rewrite, "COMMIT"),
                        undo=f"ALTER TABLE {quote(table.name)} DROP COLUMN {quote(col.name)}",
                        schema_version=catalog.version)
        return Plan("ALTER", params, steps, catalog_change=record,
                    undo=f"ALTER TABLE {quote(table.name)} DROP COLUMN {quote(col.name)}",
                    schema_version=catalog.version)
    if cur.accept("RENAME"):
        if cur.accept("TO"):
            new_name = cur.name()
            _check_new_name(new_name, catalog, "table", False)
            ddl = f"ALTER TABLE {quote(table.name)} RENAME TO {quote(new_name)}"

            def record(db) -> None:
                db.rename_table(table.name, new_name)
            return Plan("ALTER", params, (Step(ddl, (), False),), catalog_change=record,
                        undo=f"ALTER TABLE {quote(new_name)} RENAME TO {quote(table.name)}",
                        schema_version=catalog.version)
        cur.accept("COLUMN")
        old = cur.name()
        cur.accept("TO")
        new = cur.name()
        col = table.column(old)
        if col is None:
            raise make_error(OperationalError, f'no such column: "{old}"')
        ddl = f"ALTER TABLE {quote(table.name)} RENAME COLUMN {quote(old)} TO {quote(new)}"

        def record(db) -> None:
            db.rename_column(table.name, col.name, new)
        return Plan("ALTER", params, (Step(ddl, (), False),), catalog_change=record,
                    undo=f"ALTER TABLE {quote(table.name)} RENAME COLUMN {quote(new)} TO "
                         f"{quote(col.name)}", schema_version=catalog.version)
    raise make_error(NotSupportedError, "this ALTER TABLE form is not supported yet")
