"""How a statement that uses this connection's registered functions or collations is run.

The engine cannot call back into Python, so such a statement runs only where the Python part can
be done on the rows of an ordinary engine query:

* a registered function called as a whole item of the outermost SELECT list: the item becomes a
  NULL placeholder and its arguments (and a window's PARTITION BY / ORDER BY terms) hidden
  trailing columns; the function then runs per row (scalar), over all rows (aggregate, only when
  every item is one and there is no GROUP BY), or per frame (window function);
* ORDER BY terms of the outermost query with a registered COLLATE, or on such an item: the rows
  are sorted in Python, and LIMIT/OFFSET applied after;
* CREATE INDEX with a non-deterministic function: SQLite's error (a deterministic one in a
  partial index's WHERE is accepted; the engine does not evaluate partial index predicates).

Anywhere else a registered function or collation raises NotSupportedError naming it and where it
is (udf_parse.py finds them).
"""
from __future__ import annotations

from typing import Any, NamedTuple

from sqlglot import exp

from .exceptions import OperationalError, make_error
from .rewrite.lexer import first_statement_end, tokenize, unquote
from .rewrite.params import ParamSpec
from .rewrite.select import expand_stars, first_select, projection_texts
from .udf_parse import Function, Statement, check_index, parse
from .udf_sql import construct, limit_value, same_expression, unsupported
from .udf_windows import DEFAULT_FRAME, Bound, Frame

_VERBS = frozenset(("SELECT", "WITH", "VALUES", "INSERT", "REPLACE", "UPDATE", "DELETE", "CREATE"))


class Call(NamedTuple):
    """A result column computed in Python; positions are offsets into the hidden columns."""
    kind: str  # "scalar", "aggregate" or "window"
    target: Any
    args: tuple[int, ...]
    partition: tuple[int, ...] = ()
    order: tuple[Key, ...] = ()
    frame: Frame | None = None


class Key(NamedTuple):
    """A sort term: a result column ("col"), a SELECT item ("item") or a hidden column."""
    source: str
    index: int
    desc: bool
    nulls_first: bool
    collation: str | None  # the name as written; None is BINARY
    term: int = 0  # its place in the ORDER BY (for SQLite's "Nth ORDER BY term" error)


class Item(NamedTuple):
    width: int | None  # result columns: 1, or a `*` item's count (None: as many as remain)
    name: str | None  # the column name; None: the engine query's name for it
    call: int | None  # index into UdfPlan.calls


class UdfPlan(NamedTuple):
    spec: ParamSpec
    inner_sql: str  # the engine query, parameters written ?N with the statement's numbers
    hidden: int  # trailing columns of the engine query that are not result columns
    items: tuple[Item, ...]
    calls: tuple[Call, ...]
    aggregate: bool  # one row: the aggregates over all rows
    distinct: bool  # DISTINCT applied in Python
    sort: tuple[Key, ...]  # ORDER BY applied in Python (empty: the engine's order)
    limit: Any  # LIMIT/OFFSET applied in Python: None, an int, or ("param", N)
    offset: Any
    window_order: bool  # no ORDER BY: rows come out in the first window function's order


def build(sql: str, registry: Any, catalog: Any) -> UdfPlan | None:
    """The plan for `sql`, or None when it uses nothing registered (the normal path runs it)."""
    tokens = tokenize(sql)
    end = first_statement_end(tokens)
    if end is not None:
        if any(t.kind != "semi" for t in tokens[end + 1:]):
            return None  # several statements: the normal path raises sqlite3's error
        sql, tokens = sql[:tokens[end].start], tokens[:end]
    if not tokens or tokens[0].kind != "word" or tokens[0].text.upper() not in _VERBS:
        return None
    if registry.arg_limit is None and not any(
            t.kind in ("word", "quoted") and unquote(t.text).lower() in registry.triggers
            for t in tokens):
        return None
    stmt = parse(sql, tokens, registry)
    if stmt is None or not stmt.uses and not stmt.collations:
        return None
    tree = stmt.tree
    if isinstance(tree, exp.Create) and str(tree.args.get("kind") or "").upper() == "INDEX":
        check_index(stmt)
        return None
    if isinstance(tree, exp.Select):
        return _select(stmt, catalog)
    if isinstance(tree, (exp.Union, exp.Intersect, exp.Except)):
        return _compound(stmt)
    stmt.leftovers()
    return None


def _compound(stmt: Statement) -> UdfPlan:
    """UNION/INTERSECT/EXCEPT: only ORDER BY with registered collations, on result columns."""
    tree = stmt.tree
    first = first_select(tree)
    items = list(first.expressions) if first is not None else []
    keys, _ = _order_keys(stmt, tree, items, {}, compound=True)
    stmt.leftovers()
    inner = tree.copy()
    limit, offset = _take_limit(stmt, inner) if keys else (None, None)
    if keys:
        inner.set("order", None)
    texts = _texts(stmt, items)
    layout = tuple(Item(None if _is_star(p) else 1, None if _named(p) else texts[i], None)
                   for i, p in enumerate(items))
    return UdfPlan(stmt.spec, _engine_sql(inner), 0, layout, (), False, False, tuple(keys),
                   limit, offset, False)


def _select(stmt: Statement, catalog: Any) -> UdfPlan:
    select = stmt.tree
    items = list(select.expressions)
    hidden: list[exp.Expression] = []
    calls: dict[int, Call] = {}
    names: dict[int, str] = {}

    def hide(e: exp.Expression) -> int:
        hidden.append(e.copy())
        return len(hidden) - 1

    texts = _texts(stmt, items)
    for i, item in enumerate(items):
        node = item.this if isinstance(item, exp.Alias) else item
        window = node if isinstance(node, exp.Window) else None
        call = window.this if window is not None else node
        found = stmt.use(call) if isinstance(call, exp.Anonymous) else None
        if found is None:
            continue
        name, fn = found
        if window is not None and fn.kind != "window":
            raise make_error(OperationalError, f"{name}() may not be used as a window function")
        for arg in call.expressions:
            if isinstance(arg, exp.Distinct):
                raise unsupported(f"user-defined function {name}() with DISTINCT",
                                  "the SELECT list")
        args = tuple(hide(a) for a in call.expressions if not isinstance(a, exp.Star))
        stmt.handled.add(id(call))
        names[i] = item.alias if isinstance(item, exp.Alias) else texts[i]
        if window is not None:
            calls[i] = _window_call(stmt, select, window, name, fn, args, hide)
        else:
            calls[i] = Call("scalar" if fn.kind == "scalar" else "aggregate", fn.target, args)
    aggregate = any(c.kind == "aggregate" for c in calls.values())
    windows = any(c.kind == "window" for c in calls.values())
    if aggregate:
        _check_aggregate(stmt, select, items, calls)
    _check_clauses(stmt, select, items, calls, catalog)
    keys, python_sort = _order_keys(stmt, select, items, calls, compound=False,
                                    hide=hide, aggregate=aggregate)
    stmt.leftovers()

    inner = select.copy()
    inner.set("expressions", [exp.Null() if i in calls else p
                              for i, p in enumerate(inner.expressions)] + hidden)
    limit = offset = None
    if python_sort or windows or aggregate:
        limit, offset = _take_limit(stmt, inner)
    if python_sort or aggregate:
        inner.set("order", None)
    distinct = bool(select.args.get("distinct")) and bool(calls) and not aggregate
    if (windows or aggregate) and inner.args.get("distinct"):
        inner.set("distinct", None)
    if calls and not any(p.find(exp.Window) for i, p in enumerate(items) if i not in calls):
        inner.set("windows", None)  # named windows used only by the functions run in Python
    stars = sum(1 for p in items if _is_star(p))
    layout = tuple(Item(1, names[i], list(calls).index(i)) if i in calls else
                   Item(_star_width(select, p, catalog) if stars > 1 else None, None, None)
                   if _is_star(p) else Item(1, None if _named(p) else texts[i], None)
                   for i, p in enumerate(items))
    return UdfPlan(stmt.spec, _engine_sql(inner), len(hidden), layout, tuple(calls.values()),
                   aggregate, distinct, tuple(keys), limit, offset,
                   windows and select.args.get("order") is None)


def _window_call(stmt: Statement, select: exp.Select, window: exp.Window, name: str,
                 fn: Function, args: tuple[int, ...], hide) -> Call:
    spec_node = window
    ref = window.args.get("alias")
    if ref is not None:  # OVER w: the WINDOW clause's definition
        for defined in select.args.get("windows") or []:
            if defined.name.lower() == ref.name.lower():
                spec_node = defined
                break
        else:
            raise make_error(OperationalError, f"no such window: {ref.name}")
    partition = tuple(hide(p) for p in spec_node.args.get("partition_by") or [])
    order = []
    for term in (spec_node.args.get("order").expressions if spec_node.args.get("order") else []):
        expr, collation = _collated(stmt, term.this)
        order.append(Key("hidden", hide(expr), bool(term.args.get("desc")),
                         bool(term.args.get("nulls_first")), collation))
    return Call("window", fn.target, args, partition, tuple(order),
                _frame(spec_node.args.get("spec"), name))


def _frame(spec: exp.Expression | None, name: str) -> Frame:
    if spec is None:
        return DEFAULT_FRAME
    kind = str(spec.args.get("kind") or "").upper()
    exclude = spec.args.get("exclude")
    if kind not in ("ROWS", "RANGE") or (exclude is not None and
                                          exclude.name.upper() != "NO OTHERS"):
        raise unsupported(f"user-defined window function {name}() with this frame",
                          "the SELECT list")

    def bound(value: Any, side: Any, default: str) -> Bound:
        text = value.upper() if isinstance(value, str) else None
        if value is None:
            return Bound(default)
        if text == "UNBOUNDED":
            return Bound("unbounded")
        if text == "CURRENT ROW":
            return Bound("current")
        if kind == "RANGE":
            raise unsupported(f"user-defined window function {name}() with a RANGE offset",
                              "the SELECT list")
        return Bound(str(side).lower(), limit_value(value, "frame offset"))

    start = bound(spec.args.get("start"), spec.args.get("start_side"), "unbounded")
    end = bound(spec.args.get("end"), spec.args.get("end_side"), "current")
    return Frame(kind == "ROWS", start, end)


def _collated(stmt: Statement, expr: exp.Expression) -> tuple[exp.Expression, str | None]:
    """A term without its top COLLATE, and the collation's name (handled here)."""
    if isinstance(expr, exp.Collate):
        stmt.handled.add(id(expr))
        return expr.this, expr.expression.name
    return expr, None


def _check_aggregate(stmt: Statement, select: exp.Select, items: list, calls: dict) -> None:
    name = next(stmt.use(c) for c in (i.this if isinstance(i, exp.Alias) else i for i in items)
                if stmt.use(c) is not None)[0]
    what = f"user-defined aggregate {name}()"
    if len(calls) != len(items) or any(c.kind != "aggregate" for c in calls.values()):
        raise unsupported(what + " beside other result columns", "the SELECT list")
    if select.args.get("group") is not None or select.args.get("having") is not None:
        raise unsupported(what, "a query with GROUP BY or HAVING")
    for item in items:
        call = item.this if isinstance(item, exp.Alias) else item
        if any(a.find(exp.AggFunc, exp.Window) for a in call.expressions):
            raise unsupported(what + " over another aggregate", "the SELECT list")


def _check_clauses(stmt: Statement, select: exp.Select, items: list, calls: dict,
                   catalog: Any) -> None:
    """A name that stands for a function's result column where the engine query has no such
    column (GROUP BY, WHERE, HAVING, JOIN ... ON)."""
    aliases = {items[i].alias.lower(): i for i in calls if isinstance(items[i], exp.Alias)}
    group = select.args.get("group")
    for term in (group.expressions if group is not None else []):
        if isinstance(term, exp.Literal) and not term.is_string and calls:
            raise unsupported("GROUP BY a result column number", "a query with user-defined "
                              "functions")
        if isinstance(term, exp.Column) and not term.table and term.name.lower() in aliases:
            raise unsupported(f"the result of a user-defined function ({term.name})", "GROUP BY")
    if not aliases:
        return
    clauses = [select.args.get("where"), select.args.get("having")]
    clauses += [j.args.get("on") for j in select.args.get("joins") or []]
    for clause in clauses:
        for col in (clause.find_all(exp.Column) if clause is not None else ()):
            if not col.table and col.name.lower() in aliases and not _is_column(select, col.name,
                                                                               catalog):
                raise unsupported(f"the result of a user-defined function ({col.name})",
                                  construct(col, stmt.tree))


def _is_column(select: exp.Select, name: str, catalog: Any) -> bool:
    sources = [select.args.get("from_") or select.args.get("from")]
    sources += list(select.args.get("joins") or [])
    for source in sources:
        table = source.this if source is not None else None
        if isinstance(table, exp.Table):
            found = catalog.relation(table.name)
            if found is not None and found.column(name) is not None:
                return True
    return False


def _order_keys(stmt: Statement, query: exp.Expression, items: list, calls: dict, *,
                compound: bool, hide=None, aggregate: bool = False) -> tuple[list[Key], bool]:
    """The sort keys when ORDER BY must run in Python (else [], with the terms left to the
    engine), and whether it must."""
    order = query.args.get("order")
    terms = list(order.expressions) if order is not None else []
    if aggregate:  # one result row: its ORDER BY is moot
        for term in terms:
            stmt.handle_all(term)
        return [], False
    refs = []
    python_sort = False
    for term in terms:
        expr = term.this
        collation = None
        if isinstance(expr, exp.Collate):
            collation = expr.expression.name
            if id(expr) in stmt.collations:
                python_sort = True
            expr = expr.this
        ref = _reference(expr, items, stmt.sites)
        if ref is not None and (ref[0] == "col" and calls or ref[0] == "item" and ref[1] in calls):
            python_sort = True
        refs.append((term, expr, collation, ref))
    if not python_sort:
        return [], False
    keys = []
    for place, (term, expr, collation, ref) in enumerate(refs):
        stmt.handle_all(term)
        if ref is None:
            if compound or query.args.get("distinct") or hide is None:
                where = "a compound SELECT" if compound else "a DISTINCT query"
                raise unsupported("an ORDER BY term sorted in Python that is not a result "
                                  "column", where)
            ref = ("hidden", hide(expr))
        keys.append(Key(ref[0], ref[1], bool(term.args.get("desc")),
                        bool(term.args.get("nulls_first")), collation, place))
    return keys, True


def _reference(expr: exp.Expression, items: list, sites: list) -> tuple[str, int] | None:
    """The result column an ORDER BY term names: a number, an alias, or the same expression."""
    if isinstance(expr, exp.Literal) and not expr.is_string and expr.this.isdigit():
        return ("col", int(expr.this) - 1)
    if isinstance(expr, exp.Column) and not expr.table:
        for i, item in enumerate(items):
            if isinstance(item, exp.Alias) and item.alias.lower() == expr.name.lower():
                return ("item", i)
    for i, item in enumerate(items):
        if same_expression(item.this if isinstance(item, exp.Alias) else item, expr, sites):
            return ("item", i)
    return None


def _take_limit(stmt: Statement, inner: exp.Expression) -> tuple[Any, Any]:
    """LIMIT and OFFSET out of the engine query, to apply in Python."""
    out = []
    for key in ("limit", "offset"):
        node = inner.args.get(key)
        out.append(None if node is None else limit_value(node.expression, key.upper()))
        inner.set(key, None)
    return out[0], out[1]


def _texts(stmt: Statement, items: list) -> list[str]:
    texts = projection_texts(stmt.sql, stmt.tokens)
    if len(texts) != len(items):
        texts = [p.sql(dialect="sqlite") for p in items]
    return texts


def _is_star(p: exp.Expression) -> bool:
    return isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))


def _named(p: exp.Expression) -> bool:
    """Items the engine query names as SQLite does (alias, column, `*`); others by their text."""
    return isinstance(p, (exp.Alias, exp.Column, exp.Star))


def _star_width(select: exp.Select, item: exp.Expression, catalog: Any) -> int | None:
    """How many columns a `*` item stands for, from the catalog; None if unknown."""
    probe = select.copy()
    probe.set("expressions", [item.copy()])
    expand_stars(probe, catalog)
    return None if any(_is_star(p) for p in probe.expressions) else len(probe.expressions)


def _engine_sql(tree: exp.Expression) -> str:
    """SQLite text for the engine query, parameters written ?N (the statement's numbering)."""
    tree = tree.transform(lambda n: exp.var(f"?{n.name[1:]}")
                          if isinstance(n, exp.Placeholder) and n.name[1:].isdigit() else n)
    return tree.sql(dialect="sqlite")
