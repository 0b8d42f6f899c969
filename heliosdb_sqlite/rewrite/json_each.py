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
- A scalar subquery in the document argument (Nano evaluates none among a FROM item's
  expressions) becomes part of a one-row derived table joined to the query; one that reads
  another source's columns would need LATERAL and raises NotSupportedError.
- The storage class of each value: a Nano server describes a UNION or CASE column by its first
  row or branch, PostgreSQL gives a column one type. So `key`, `value` and `atom` shown as whole
  items of the outermost SELECT list come as text that Python decodes per row (the JSON text of
  the value, json1.decoded_shape), and typeof() of them is computed from the JSON type (SQLite's
  own answer for a literal's column of mixed classes, which its derived table carries).
- json_tree() of a run-time value: the engine has no recursive walk of a correlated value, so
  it walks two levels below the root, with a second index series for the members' members, in
  SQLite's order (the root, each member, then its members). A document nested deeper, or with
  more members than the series hold (TREE_LIMIT; TREE_LIMIT_PER_ROW for another table's
  column), fails the statement. `id` and `parent` (SQLite's node numbers) raise
  NotSupportedError. json_each() and json_tree() on the right of an outer join raise it too.
- A document that reads no other source's column is parsed once, in a derived table.
"""
from __future__ import annotations

import json
import sqlite3

from sqlglot import exp

from . import json1, oracle
from .json1 import E, _fn, _literal, _s, _unsupported
from .transforms_base import Context

TABLE_FUNCTIONS = ("json_each", "json_tree")
COLUMNS = ("key", "value", "type", "atom", "id", "parent", "fullkey", "path")
LIMIT = 1000  # members of one run-time document; more fail the statement
# json_tree(): members of a run-time document, and of each of its members (more fail the
# statement); the series are filtered before they join when the document is read once, not when
# it is another table's column (then every row of that table pays for both series)
TREE_LIMIT = 100
TREE_LIMIT_PER_ROW = 30
_INDEX = "json_each_index"
_DOC = "json_each_document"
_TEXT = "text:"  # json_each_column(): a column's value as its JSON text
_TYPEOF = "typeof:"  # ... SQLite's typeof() of the column
_TEXT_COLUMN = "{}_json_text"  # the same, as a literal's derived table carries them
_TYPEOF_COLUMN = "{}_sqlite_typeof"
_SQLITE_TYPES = {type(None): "null", int: "integer", float: "real", str: "text", bytes: "blob"}


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
            outermost = select is tree
            if all(json1._constant(a) for a in args):
                _rows_of_literal(select, source, name, args, ctx, outermost)
            else:
                _series(select, source, name, args, ctx, outermost)
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


def _rows_of_literal(select: exp.Select, source: exp.Table, name: str, args: list[E],
                     ctx: Context, outermost: bool) -> None:
    """SQLite's own rows, as a derived table. A column of mixed classes also carries each value's
    JSON text and SQLite's typeof() of it: a Nano server describes a UNION's column by its first
    row, PostgreSQL gives it one type (text here), so a shown value is read back from its JSON
    text and typeof() is SQLite's own answer."""
    call = f"{name}({', '.join(a.sql(dialect='sqlite') for a in args)})"
    rows = _rows(f"SELECT {', '.join(COLUMNS)} FROM {call}")
    columns = list(zip(*rows)) if rows else [()] * len(COLUMNS)
    mixed = [len({type(v) for v in col if v is not None}) > 1 for col in columns]
    as_text = ctx.dialect == "postgres"
    alias = _alias(source, name)
    others = [s for s in _sources(select) if s is not source]
    stars = [e for e in select.expressions if isinstance(e, exp.Star) or (
        isinstance(e, exp.Column) and isinstance(e.this, exp.Star) and e.table == alias)]
    # a `*` would show the extra columns: it is spelled out only where nothing else is selected
    extras = any(mixed) and (not stars or (outermost and not others))
    selects: list[E] = []
    for row in rows or [(None,) * len(COLUMNS)]:
        items = [exp.alias_(_typed_null(col, as_text) if v is None
                            else _literal(str(v) if m and as_text else v), c)
                 for v, m, c, col in zip(row, mixed, COLUMNS, columns or [()] * len(COLUMNS))]
        for v, m, c in zip(row, mixed, COLUMNS):
            if m and extras:
                items.append(exp.alias_(_literal(None if v is None else json.dumps(v)),
                                          _TEXT_COLUMN.format(c)))
                items.append(exp.alias_(_literal(_SQLITE_TYPES[type(v)]),
                                          _TYPEOF_COLUMN.format(c)))
        one = exp.select(*items)
        if not rows:
            one = one.where(exp.false())
        selects.append(one)
    union = selects[0]
    for more in selects[1:]:
        union = exp.union(union, more, distinct=False)
    source.replace(exp.Subquery(this=union, alias=exp.TableAlias(
        this=exp.to_identifier(alias))))
    if not extras:
        return
    names = {c for c, m in zip(COLUMNS, mixed) if m}
    _expand_stars(select, alias, others)
    known = _other_columns(others, ctx)
    for col in _references(select, alias, names, known):
        column = col.name.lower()
        if isinstance(col.parent, exp.Typeof):
            col.parent.replace(exp.column(_TYPEOF_COLUMN.format(column), table=alias))
        elif outermost:
            _show_decoded(select, col, exp.column(_TEXT_COLUMN.format(column), table=alias),
                          exp.column(column, table=alias), json1.decode_value)


def _typed_null(column: tuple, as_text: bool) -> E:
    """A NULL of its column's type: PostgreSQL types a UNION's NULL in its first row as text
    (and then cannot match the integers after it), a Nano server describes the column by it."""
    classes = {type(v) for v in column if v is not None}
    if len(classes) > 1:  # mixed: text on PostgreSQL, a value's own type on Nano
        return json1._cast(exp.Null(), "TEXT") if as_text else exp.Null()
    engine_type = _ENGINE_TYPES.get(classes.pop()) if classes else None
    return json1._cast(exp.Null(), engine_type) if engine_type else exp.Null()


_ENGINE_TYPES = {int: "BIGINT", float: "DOUBLE PRECISION", str: "TEXT"}


def _series(select: exp.Select, source: exp.Table, function: str, args: list[E],
            ctx: Context, outermost: bool) -> None:
    """json_each() / json_tree() of a run-time value: index series, its columns as
    expressions. json_tree() walks two levels below the root: a series for the root's members
    (-1: the root) and one for theirs (-1: the member itself), in SQLite's order."""
    join = source.parent if isinstance(source.parent, exp.Join) else None
    if join is not None and (join.side or "").upper() in ("LEFT", "RIGHT", "FULL"):
        raise _unsupported(f"{function}() on the right of an outer join")
    tree = function == "json_tree"
    alias = _alias(source, function)
    others = [s for s in _sources(select) if s is not source]
    args[0] = _hoist_document(select, args[0], others, ctx)
    doc = args[0]
    path = args[1] if len(args) > 1 else _s("$")
    index = exp.column(_INDEX, table=alias)
    members = TREE_LIMIT if doc.meta.get("jsonb") else TREE_LIMIT_PER_ROW
    first, last = (-1, members - 1) if tree else (0, LIMIT - 1)
    source.replace(_index_series(first, last, alias, _INDEX))
    indexes = [index]
    if tree:
        inner = f"{alias}_members"
        select.append("joins", exp.Join(this=_index_series(first, last, inner, _INDEX)))
        indexes.append(exp.column(_INDEX, table=inner))

    def column(name: str) -> E:
        if name == "id" or (tree and name == "parent"):
            raise _unsupported(f"the {name} column of {function}() on a run-time value")
        if name == "parent":
            return exp.Null()
        return _fn(f"{function}_column", _s(name), doc.copy(), path.copy(),
                   *(i.copy() for i in indexes))

    _expand_stars(select, alias, others)
    known = _other_columns(others, ctx)
    for col in _references(select, alias, set(COLUMNS), known):
        name = col.name.lower()
        if isinstance(col.parent, exp.Typeof) and name in _DECODED:
            col.parent.replace(column(_TYPEOF + name))
            continue
        plain = column(name)
        if not (outermost and name in _DECODED
                and _show_decoded(select, col, column(_TEXT + name), plain, _DECODED[name])):
            col.replace(plain)
    if tree:
        below = exp.and_(*(exp.EQ(this=_fn("json_tree_rows", doc.copy(), path.copy(),
                                           exp.Literal.number(members),
                                           *(i.copy() for i in indexes[:n])),
                                  expression=exp.Literal.number(1)) for n in (1, 2)))
    else:
        below = exp.LT(this=index.copy(),
                       expression=_fn("json_each_count", doc.copy(), path.copy()))
    # first: where the engine stops at a false conjunct, the columns are never built past the end
    where = select.args.get("where")
    select.set("where", exp.Where(this=exp.and_(below, where.this) if where else below))


def _index_series(first: int, last: int, alias: str, column: str) -> E:
    return exp.Table(
        this=_fn("generate_series", exp.Literal.number(first), exp.Literal.number(last)),
        alias=exp.TableAlias(this=exp.to_identifier(alias), columns=[exp.to_identifier(column)]))


def _references(select: exp.Select, alias: str, names: set[str], known: set[str]) -> list[E]:
    """The columns of `select` that read one of `names` from the json_each() called `alias`
    (an unqualified name is another source's if one has it, or a nested query's own)."""
    return [col for col in select.find_all(exp.Column)
            if col.name.lower() in names and not isinstance(col.this, exp.Star)
            and (col.table == alias or (not col.table and col.name.lower() not in known
                                        and col.find_ancestor(exp.Select) is select))]


def _show_decoded(select: exp.Select, col: E, text: E, plain: E, decode) -> bool:
    """A whole item of the outermost SELECT list: the engine gives the value's text and `decode`
    reads it in Python (json1.decoded_shape), since a server's column has one type. Not where
    the value itself decides rows (DISTINCT, grouping, an aggregate). An ORDER BY naming the
    item sorts by the value, not by its text."""
    item = col.parent
    if not (isinstance(item, exp.Alias) and item.parent is select
            and item.arg_key == "expressions" and item.this is col):
        return False
    if select.args.get("distinct") or select.args.get("group") or any(
            e.find(exp.AggFunc, exp.Star) for e in select.expressions):
        return False
    position = select.expressions.index(item) + 1
    order = select.args.get("order")
    for key in order.expressions if order is not None else []:
        by = key.this if isinstance(key, exp.Ordered) else key
        if (isinstance(by, exp.Column) and not by.table
                and by.name.lower() == item.alias.lower()) or (
                isinstance(by, exp.Literal) and not by.is_string and by.this == str(position)):
            by.replace(plain.copy())
    col.replace(text)
    item.meta["json_decode"] = decode
    return True


def _hoist_document(select: exp.Select, doc: E, others: list[E], ctx: Context) -> E:
    """A document that reads no other source's column is read once, in a one-row derived table
    joined to the query, rather than parsed again for every index of the series; the argument
    becomes its column (the engine's JSON value). A scalar subquery in it (Nano evaluates none
    among a FROM item's expressions) becomes a derived table of that table's FROM: SQLite's
    value is the subquery's first row, NULL if none, which max() over the first row gives. A
    subquery reading the other sources' columns would need LATERAL. Nano resolves no qualified
    column of a derived table here: each column's name is its own."""
    outer = {o.alias_or_name.lower() for o in others}
    number = len(select.args.get("joins") or [])
    found = [doc] if isinstance(doc, exp.Subquery) else list(_top_subqueries(doc))
    tables: list[E] = []
    for n, sub in enumerate(found):
        inner = sub.this
        if not isinstance(inner, exp.Select):
            raise _unsupported("json_each() of a compound scalar subquery")
        if len(inner.expressions) != 1:
            raise json1.make_error(json1.OperationalError, f"sub-select returns "
                                   f"{len(inner.expressions)} columns - expected 1")
        own = {t.alias_or_name.lower() for t in inner.find_all(exp.Table, exp.Subquery)}
        if any(c.table.lower() in outer - own for c in inner.find_all(exp.Column)):
            raise _unsupported("json_each() of a correlated scalar subquery")
        name = f"{_DOC}{number}_{n}"
        value = inner.expressions[0]
        inner.set("expressions", [exp.alias_(
            value.this if isinstance(value, exp.Alias) else value, name)])
        if inner.args.get("limit") is not None or inner.args.get("offset") is not None:
            inner = exp.select(exp.column(name)).from_(
                exp.Subquery(this=inner, alias=exp.TableAlias(this=exp.to_identifier(f"{name}a"))))
        first = exp.select(exp.alias_(exp.Max(this=exp.column(name)), name)).from_(exp.Subquery(
            this=inner.limit(1), alias=exp.TableAlias(this=exp.to_identifier(f"{name}b"))))
        tables.append(exp.Subquery(this=first, alias=exp.TableAlias(
            this=exp.to_identifier(f"{name}c"))))
        column = exp.column(name)
        if sub is doc:
            doc = column
        else:
            sub.replace(column)
    if any(not c.name.startswith(_DOC) for c in doc.find_all(exp.Column)):
        for table in tables:
            select.append("joins", exp.Join(this=table))
        return doc
    name = f"{_DOC}{number}"
    text = doc if isinstance(doc, exp.Literal) and doc.is_string else json1._cast(doc, "TEXT")
    parsed = json1._cast(text, "JSON" if ctx.dialect == "postgres" else "JSONB")
    once = exp.select(exp.alias_(parsed, name))
    for k, table in enumerate(tables):
        once = once.join(table) if k else once.from_(table)
    select.append("joins", exp.Join(this=exp.Subquery(this=once, alias=exp.TableAlias(
        this=exp.to_identifier(f"{name}c")))))
    column = exp.column(name)
    column.meta["jsonb"] = True
    return column


def _top_subqueries(node: E):
    for child in node.iter_expressions():
        if isinstance(child, exp.Subquery):
            yield child
        else:
            yield from _top_subqueries(child)


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
    if name == "path":
        return _s(args[2].this)
    if name in _KEY_FORMS:
        return _key_forms(name, v, i)
    if name == "fullkey":
        return json1._concat(_s(args[2].this), _label(v, i))
    return _member_forms(name, _member(v, i))


def _key_forms(name: str, v: E, i: E) -> E:
    """key (and its text for _decode_key(), its typeof()) of member i of v."""
    kind = json1._typeof(v)
    key = _key_at(v, i)
    if name == _TEXT + "key":  # _decode_key() reads it: '"' and a key, or an index
        return json1._simple_case(kind, [("object", json1._concat(_s('"'), key)),
                                         ("array", json1._cast(i.copy(), "TEXT"))], None)
    if name == _TYPEOF + "key":
        return json1._simple_case(kind, [("object", _s("text")), ("array", _s("integer"))],
                                  _s("null"))
    # the text branch first: a Nano server describes a CASE column by its first branch
    index = json1._cast(i.copy(), "TEXT") if json1._pg() else i.copy()  # one type per column
    return json1._simple_case(kind, [("object", key), ("array", index)], None)


_KEY_FORMS = ("key", _TEXT + "key", _TYPEOF + "key")


def _label(v: E, i: E) -> E:
    """The step fullkey adds for member i of v: `.key` (quoted unless a plain name), `[i]`."""
    key = _key_at(v, i)
    plain = exp.RegexpLike(this=key.copy(), expression=_s("^[A-Za-z][A-Za-z0-9]*$"))
    label = exp.Case(ifs=[exp.If(this=plain, true=key.copy())], default=json1._encode(key.copy()))
    return json1._simple_case(json1._typeof(v), [
        ("object", json1._concat(_s("."), label)),
        ("array", json1._concat(_s("["), json1._cast(i.copy(), "TEXT"), _s("]")))], _s(""))


def _member(v: E, i: E) -> E:
    """Member i of v (an object's by its key, in the engine's order), v itself if a scalar."""
    kind = json1._typeof(v)
    extract = "json_extract_path" if json1._pg() else "jsonb_extract_path"
    member = json1._simple_case(kind.copy(), [
        ("object", _fn(extract, v.copy(), _key_at(v, i))),
        ("array", _fn(extract, v.copy(), json1._cast(i.copy(), "TEXT")))], v.copy())
    member.meta["jsonb"] = True
    return member


def _member_forms(name: str, member: E) -> E:
    """type, value, atom (their JSON text for decode_value(), their typeof()) of a JSON value."""
    if name == "type":
        return json1._type([member])
    container = exp.In(this=json1._typeof(member), expressions=[_s("object"), _s("array")])
    if name.startswith(_TYPEOF):
        t = json1._text(member)
        digits = _fn("LTRIM", t.copy(), _s("-"))
        largest = exp.Case(ifs=[exp.If(this=exp.EQ(this=digits.copy(), expression=t.copy()),
                                       true=_s(str(2**63 - 1)))], default=_s(str(2**63)))
        # SQLite reads an integer past 64 bits as a real
        beyond = exp.or_(
            exp.GT(this=exp.Length(this=digits.copy()), expression=exp.Literal.number(19)),
            exp.and_(exp.EQ(this=exp.Length(this=digits.copy()), expression=exp.Literal.number(19)),
                     exp.GT(this=digits.copy(), expression=largest)))
        real = exp.Case(ifs=[exp.If(this=json1._is_real(t), true=_s("real")),
                             exp.If(this=beyond, true=_s("real"))], default=_s("integer"))
        whole = _s("null" if name == _TYPEOF + "atom" else "text")
        return json1._simple_case(json1._typeof(member), [
            ("number", real), ("string", _s("text")), ("boolean", _s("integer")),
            ("null", _s("null")), ("object", whole), ("array", whole.copy())], None)
    if name.startswith(_TEXT):  # JSON text for json1.decode_value()
        text = member
        if json1._pg():  # json keeps the text as written: SQLite's has no white space
            text = json1._cast(member.copy(), "TEXT")
            text = json1._minify(text) if name == _TEXT + "value" else text
        if name == _TEXT + "value":
            return text
        return exp.Case(ifs=[exp.If(this=exp.Not(this=container), true=text)])  # atom
    value = json1._sql_value(member)
    if name == "value":
        return value
    return exp.Case(ifs=[exp.If(this=exp.Not(this=container), true=value)])  # atom


# -- json_tree() of a run-time value: rows (i, j), i member of the root (-1: the root itself),
# j member of that member (-1: the member itself) ------------------------------------------------

def _tree_levels(i: E, j: E, root: E, first: E, second: E) -> E:
    """The root's, a member's or a member's member's form of a column (the members' first: a
    Nano server describes a CASE column by its first branch, and the root's may be NULL)."""
    at_root = exp.LT(this=i.copy(), expression=exp.Literal.number(0))
    own = exp.LT(this=j.copy(), expression=exp.Literal.number(0))
    return exp.Case(ifs=[exp.If(this=exp.and_(exp.Not(this=at_root), own), true=first),
                         exp.If(this=exp.Not(this=at_root.copy()), true=second)], default=root)


def _root_step(path: str) -> tuple[str | None, str]:
    """(the root row's key, its path): the path's last step and what leads to it. SQLite gives
    the root a key only where the path ends at an object's member."""
    steps = list(json1._STEP.finditer(path[1:]))
    if not steps:
        return None, "$"
    last = steps[-1]
    key = last.group("quoted") if last.group("quoted") is not None else last.group("key")
    return key, "$" + path[1:last.start() + 1]


def _tree_column(args: list[E]) -> E:
    """json_tree_column(name, doc, path, i, j): SQLite's value of that column of row (i, j)."""
    name, i, j = args[0].this, args[3], args[4]
    v = _document(args[1:3])
    first = _member(v, i)
    path = args[2].this
    root_key, root_path = _root_step(path)
    if name == "path":
        return _tree_levels(i, j, _s(root_path), _s(path),
                            json1._concat(_s(path), _label(v, i)))
    if name == "fullkey":
        return _tree_levels(i, j, _s(path), json1._concat(_s(path), _label(v, i)),
                            json1._concat(_s(path), _label(v, i), _label(first, j)))
    if name in _KEY_FORMS:
        root = {"key": _s(root_key) if root_key is not None else exp.Null(),
                _TEXT + "key": _s('"' + root_key) if root_key is not None else exp.Null(),
                _TYPEOF + "key": _s("text" if root_key is not None else "null")}[name]
        return _tree_levels(i, j, root, _key_forms(name, v, i), _key_forms(name, first, j))
    # the root's text as the engine prints it (Nano's JSONB cast keeps the text as written)
    root = v.copy() if json1._pg() else exp.JSONBExtract(this=v.copy(), expression=_s("{}"))
    node = _tree_levels(i, j, root, first, _member(first, j))
    node.meta["jsonb"] = True
    return _member_forms(name, node)


def _children(v: E) -> E:
    """How many members a JSON value has: 0 for a scalar."""
    counted = _member_count(v)
    counted.set("default", exp.Literal.number(0))
    return counted


def _tree_rows(args: list[E]) -> E:
    """json_tree_rows(doc, path, limit, i[, j]): 1 where row i (with its j) is one of SQLite's,
    else 0, failing the statement where SQLite gives more rows than these two levels hold. The
    test of i alone is its own conjunct: the engine filters the first series before it joins
    the second. Numbers, not booleans: a CASE of booleans would become SQLite's 1/0 again."""
    i, j = args[3], (args[4] if len(args) > 4 else None)
    v = _document(args[:2])
    zero, one = exp.Literal.number(0), exp.Literal.number(1)
    limit = args[2]

    def below(x: E, bound: E) -> E:
        return exp.LT(this=x.copy(), expression=bound)

    def when(condition: E, then: E) -> exp.If:
        return exp.If(this=condition, true=then)

    def refuse(what: str, about: E) -> E:
        # `about`: PostgreSQL would otherwise compute the failing cast of a constant while planning
        return failure(f"json_tree() of {what}", about=about)

    at_root = below(i, zero.copy())
    if j is None:
        n = _children(v)
        return exp.Case(ifs=[
            when(at_root, exp.Case(ifs=[when(exp.Is(this=v.copy(), expression=exp.Null()),
                                             zero.copy())], default=one.copy())),
            when(exp.GT(this=n.copy(), expression=limit.copy()),
                 refuse(f"a document with more than {limit.this} members", n.copy())),
            when(below(i, n.copy()), one.copy())], default=zero.copy())
    first = _member(v, i)
    m = _children(first)
    deeper = exp.GT(this=_children(_member(first, j)), expression=zero.copy())
    return exp.Case(ifs=[
        when(at_root, exp.Case(ifs=[when(below(j, zero.copy()), one.copy())],
                               default=zero.copy())),
        when(below(j, zero.copy()), one.copy()),
        when(exp.GT(this=m.copy(), expression=limit.copy()),
             refuse(f"a member with more than {limit.this} members", m.copy())),
        when(exp.Not(this=below(j, m.copy())), zero.copy()),
        when(deeper, refuse("a document nested more than two levels deep", j.copy())),
    ], default=one.copy())


def _decode_key(text: str) -> str | int:
    """The key column's text (_TEXT + "key"): an object's key after '"', else an array index."""
    return text[1:] if text[:1] == '"' else int(text)


_DECODED = {"value": json1.decode_value, "atom": json1.decode_value, "key": _decode_key}


EACH_FUNCTIONS = {"json_each_column": _column, "json_each_count": _count,
                  "json_tree_column": _tree_column, "json_tree_rows": _tree_rows}

# at the end: scalars imports the function table at load
from .scalars import failure
