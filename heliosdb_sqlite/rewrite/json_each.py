"""SQLite's table-valued json_each() and json_tree() (https://sqlite.org/json1.html#jeach).

How a call in FROM is computed:
- Every argument a literal: this Python's own SQLite walks the document at translation and the
  call becomes a derived table of its rows (a UNION ALL of one-row SELECTs: Nano ignores the
  column names of an aliased VALUES list). Exact by construction: SQLite's row order, key
  order, duplicates, `id` and `parent`, and its errors.
- json_each() of a run-time value (a parameter, a column of another table, an expression): the
  engine has no set-returning JSON functions and no LATERAL, and its generate_series() takes
  only literal bounds. The call becomes `generate_series(0, LIMIT - 1)` under the same alias, a
  condition keeps the indexes below the number of members, and every reference to one of its
  columns becomes an expression over the document and the index (json_each_column(), built
  by sqlite_functions with the other JSON1 calls). A document with more than LIMIT members
  fails the statement rather than losing rows. `id` (SQLite's internal node number) raises
  NotSupportedError, so does `SELECT *` over it; `parent` is NULL as in SQLite.
  On Nano an object's members come in the engine's order: JSONB sorts keys and keeps a
  duplicate key's last value (SQLite: the text's order, every duplicate).
- json_tree() of a run-time value raises NotSupportedError (a recursive walk would need a
  correlated recursive CTE), and so does json_each() on the right of an outer join.
"""
from __future__ import annotations

import sqlite3

from sqlglot import exp

from . import json1, oracle
from .json1 import E, _fn, _literal, _s, _unsupported
from .transforms_base import Context

TABLE_FUNCTIONS = ("json_each", "json_tree")
COLUMNS = ("key", "value", "type", "atom", "id", "parent", "fullkey", "path")
LIMIT = 1000  # members of one run-time document; more fail the statement
_INDEX = "json_each_index"


def table_functions(tree: E, ctx: Context) -> E:
    """json_each() / json_tree() in FROM: a derived table of SQLite's rows for literal
    arguments, else an index series with the columns as expressions over it."""
    for select in reversed(list(tree.find_all(exp.Select))):
        for source in _sources(select):
            call = source.this
            if not (isinstance(source, exp.Table) and isinstance(call, exp.Anonymous)):
                continue
            name = call.name.lower()
            if name not in TABLE_FUNCTIONS:
                continue
            args = list(call.expressions)
            if not 1 <= len(args) <= 2:
                raise json1.make_error(json1.OperationalError,
                                       f"wrong number of arguments to function {name}()")
            if all(json1._constant(a) for a in args):
                _rows_of_literal(source, name, args, ctx)
            elif name == "json_tree":
                raise _unsupported("json_tree() of a run-time value")
            else:
                _series(select, source, args, ctx)
    return tree


def _rows(sql: str) -> list[tuple]:
    """Every row SQLite gives for `sql`, its errors as sqlite3's OperationalError."""
    try:
        return oracle.ask_rows(sql)
    except sqlite3.Error as err:
        raise json1.make_error(json1.OperationalError, str(err)) from None


def _sources(select: exp.Select) -> list[E]:
    from_ = select.args.get("from") or select.args.get("from_")
    found = [from_.this] if from_ is not None else []
    return found + [join.this for join in select.args.get("joins") or []]


def _alias(source: exp.Table, name: str) -> str:
    return source.alias or name


def _rows_of_literal(source: exp.Table, name: str, args: list[E], ctx: Context) -> None:
    """SQLite's own rows, as a derived table."""
    call = f"{name}({', '.join(a.sql(dialect='sqlite') for a in args)})"
    rows = _rows(f"SELECT {', '.join(COLUMNS)} FROM {call}")
    columns = list(zip(*rows)) if rows else [()] * len(COLUMNS)
    # PostgreSQL gives a UNION's column one type: a column of mixed classes goes as text
    mixed = [ctx.dialect == "postgres" and len({type(v) for v in col if v is not None}) > 1
             for col in columns]
    selects: list[E] = []
    for row in rows or [(None,) * len(COLUMNS)]:
        items = [exp.alias_(_literal(str(v) if m and v is not None else v), c)
                 for v, m, c in zip(row, mixed, COLUMNS)]
        one = exp.select(*items)
        if not rows:
            one = one.where(exp.false())
        selects.append(one)
    union = selects[0]
    for more in selects[1:]:
        union = exp.union(union, more, distinct=False)
    source.replace(exp.Subquery(this=union, alias=exp.TableAlias(
        this=exp.to_identifier(_alias(source, name)))))


def _series(select: exp.Select, source: exp.Table, args: list[E], ctx: Context) -> None:
    """json_each() of a run-time value: an index series, its columns as expressions."""
    join = source.parent if isinstance(source.parent, exp.Join) else None
    if join is not None and (join.side or "").upper() in ("LEFT", "RIGHT", "FULL"):
        raise _unsupported("json_each() on the right of an outer join")
    alias = _alias(source, "json_each")
    doc = args[0]
    path = args[1] if len(args) > 1 else _s("$")
    index = exp.column(_INDEX, table=alias)
    others = [s for s in _sources(select) if s is not source]
    source.replace(exp.Table(
        this=_fn("generate_series", exp.Literal.number(0), exp.Literal.number(LIMIT - 1)),
        alias=exp.TableAlias(this=exp.to_identifier(alias),
                             columns=[exp.to_identifier(_INDEX)])))

    def column(name: str) -> E:
        if name == "id":
            raise _unsupported("the id column of json_each() on a run-time value")
        if name == "parent":
            return exp.Null()
        return _fn("json_each_column", _s(name), doc.copy(), path.copy(), index.copy())

    _expand_stars(select, alias, others)
    known = _other_columns(others, ctx)
    for col in list(select.find_all(exp.Column)):
        if col.name.lower() not in COLUMNS or isinstance(col.this, exp.Star):
            continue
        qualifier = col.table
        if qualifier == alias or (not qualifier and col.name.lower() not in known):
            col.replace(column(col.name.lower()))
    below = exp.LT(this=index.copy(),
                   expression=_fn("json_each_count", doc.copy(), path.copy()))
    # first: where the engine stops at a false conjunct, the columns are never built past the end
    where = select.args.get("where")
    select.set("where", exp.Where(this=exp.and_(below, where.this) if where else below))


def _expand_stars(select: exp.Select, alias: str, others: list[E]) -> None:
    """`*` and `alias.*` name json_each()'s columns one by one (id among them)."""
    items: list[E] = []
    for item in select.expressions:
        if isinstance(item, exp.Star):
            items.extend(exp.Column(this=exp.Star(), table=exp.to_identifier(o.alias_or_name))
                         for o in others)
        elif not (isinstance(item, exp.Column) and isinstance(item.this, exp.Star)
                  and item.table == alias):
            items.append(item)
            continue
        items.extend(exp.alias_(exp.column(c, table=alias), c) for c in COLUMNS)
    select.set("expressions", items)


def _other_columns(others: list[E], ctx: Context) -> set[str]:
    """Column names the other sources hold: an unqualified `value` is theirs if one has it."""
    names: set[str] = set()
    for other in others:
        if isinstance(other, exp.Subquery) and isinstance(other.this, exp.Select):
            names.update(e.alias_or_name.lower() for e in other.this.expressions)
        elif isinstance(other, exp.Table) and isinstance(other.this, exp.Identifier):
            table = ctx.catalog.relation(other.name)
            if table is not None:
                names.update(c.name.lower() for c in table.columns)
    return names


# -- the columns of a run-time json_each(): builders sqlite_functions calls ---------------------

def _member_count(v: E) -> E:
    """How many rows SQLite gives: an array's elements, an object's members, 1 for any other
    value (JSON null included), none where the path finds nothing."""
    pg = json1._pg()
    members = (exp.Subquery(this=exp.select(exp.Count(this=exp.Star())).from_(
        _fn("json_object_keys", v.copy()))) if pg
        else _fn("cardinality", _fn("jsonb_object_keys", v.copy())))
    length = _fn("json_array_length" if pg else "jsonb_array_length", v.copy())
    return exp.Case(ifs=[
        exp.If(this=exp.Is(this=v.copy(), expression=exp.Null()), true=exp.Literal.number(0)),
        exp.If(this=exp.EQ(this=json1._typeof(v), expression=_s("array")), true=length),
        exp.If(this=exp.EQ(this=json1._typeof(v), expression=_s("object")), true=members),
    ], default=exp.Literal.number(1))


def _count(args: list[E]) -> E:
    """json_each_count(doc, path): the number of rows, failing past LIMIT."""
    n = _member_count(_document(args))
    beyond = exp.GT(this=n.copy(), expression=exp.Literal.number(LIMIT))
    # `about`: PostgreSQL would otherwise compute the failing cast of a constant while planning
    refused = failure(f"json_each() of a document with more than {LIMIT} members", about=n.copy())
    return exp.Case(ifs=[exp.If(this=beyond, true=refused)], default=n)


def _document(args: list[E]) -> E:
    return json1._at(args[0], json1._steps(args[1], arrow=False))


def _key_at(v: E, i: E) -> E:
    """The text of an object's i-th key (0-based), in the engine's order."""
    if json1._pg():  # json keeps the text's order (and duplicates, as SQLite)
        keys = _fn("array_to_json", exp.Array(expressions=[
            exp.select(_fn("json_object_keys", v.copy()))]))
        return _fn("json_extract_path_text", keys, json1._cast(i.copy(), "TEXT"))
    keys = _fn("jsonb_build_array", _fn("jsonb_object_keys", v.copy()))
    return _fn("jsonb_extract_path_text", keys, _s("0"), json1._cast(i.copy(), "TEXT"))


def _column(args: list[E]) -> E:
    """json_each_column(name, doc, path, index): SQLite's value of that column of the row."""
    name, i = args[0].this, args[3]
    v = _document(args[1:3])
    kind = json1._typeof(v)
    key = _key_at(v, i)
    if name == "path":
        return _s(args[2].this)
    if name == "key":
        # the text branch first: a Nano server describes a CASE column by its first branch
        index = json1._cast(i.copy(), "TEXT") if json1._pg() else i.copy()  # one type per column
        return json1._simple_case(kind, [("object", key), ("array", index)], None)
    if name == "fullkey":
        plain = exp.RegexpLike(this=key.copy(), expression=_s("^[A-Za-z][A-Za-z0-9]*$"))
        label = exp.Case(ifs=[exp.If(this=plain, true=key.copy())],
                         default=json1._encode(key.copy()))
        step = json1._simple_case(kind, [
            ("object", json1._concat(_s("."), label)),
            ("array", json1._concat(_s("["), json1._cast(i.copy(), "TEXT"), _s("]")))], _s(""))
        return json1._concat(_s(args[2].this), step)
    extract = "json_extract_path" if json1._pg() else "jsonb_extract_path"
    member = json1._simple_case(kind.copy(), [
        ("object", _fn(extract, v.copy(), key)),
        ("array", _fn(extract, v.copy(), json1._cast(i.copy(), "TEXT")))], v.copy())
    member.meta["jsonb"] = True
    if name == "type":
        return json1._type([member])
    value = json1._sql_value(member)
    if name == "value":
        return value
    container = exp.In(this=json1._typeof(member), expressions=[_s("object"), _s("array")])
    return exp.Case(ifs=[exp.If(this=exp.Not(this=container), true=value)])  # atom


EACH_FUNCTIONS = {"json_each_column": _column, "json_each_count": _count}

# at the end: scalars imports the function table at load
from .scalars import failure
