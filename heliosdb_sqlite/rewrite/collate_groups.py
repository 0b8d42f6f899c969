"""SQLite collations in GROUP BY, DISTINCT and min()/max() (the rules: collate.py's docstring):
groups of the folded value showing their first row's value, and collated extremes showing the
winning row's own value."""
from __future__ import annotations

from sqlglot import exp

from ..catalog import Catalog
from .collate import (
    BINARY,
    _cte,
    _fold_comparisons,
    _fold_operand,
    _has_collated_columns,
    _Scope,
    _sources,
    _unsupported,
    strip,
)
from .collate_order import _term_collation, result_term
from .transforms_base import Context


def extremes(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """min()/max() of a collated value compare with its collation (_collated_extremes); runs
    before collate.leftovers, which refuses any left."""
    if tree.find(exp.Min, exp.Max) is not None and (
            tree.find(exp.Collate) is not None or _has_collated_columns(tree, ctx.catalog)):
        scope = _Scope(ctx.catalog)
        for select in list(tree.find_all(exp.Select)):
            _collated_extremes(select, scope, ctx)
    return tree


def grouping(tree: exp.Expression, catalog: Catalog, dialect: str) -> None:
    """GROUP BY and DISTINCT group by each term's collation (module doc). Runs before
    bare_columns.py, which then reads each group's shown value from its first row."""
    if tree.find(exp.Collate) is None and not _has_collated_columns(tree, catalog):
        return
    scope = _Scope(catalog)
    ctx = Context(catalog, dialect)
    for select in list(tree.find_all(exp.Select)):
        distinct = select.args.get("distinct")
        if distinct is not None and select.args.get("group") is None and not distinct.args.get(
                "on") and not any(p.find(exp.AggFunc, exp.Window) for p in select.expressions) \
                and any(_grouped_collation(p, scope) != BINARY for p in select.expressions):
            _distinct_to_group(select)
        group = select.args.get("group")
        if group is None:
            continue
        folded = False
        for i, term in enumerate(list(group.expressions)):
            target = term
            if isinstance(term, exp.Literal) and not term.is_string and term.this.isdigit():
                position = int(term.this)
                if 0 < position <= len(select.expressions):
                    target = select.expressions[position - 1]
                    target = target.this if isinstance(target, exp.Alias) else target
            collation = _grouped_collation(target, scope)
            if collation == BINARY or not scope.textual(target):
                continue
            group.expressions[i].replace(_fold_operand(target, collation, scope, ctx))
            folded = True
        if folded:
            _shown_group_values(select, scope, catalog)
            _fold_group_order(select, scope, ctx)
            having = select.args.get("having")
            if having is not None:  # a grouped column compared in HAVING is the folded key
                _fold_comparisons(having, scope, ctx)


def _shown_group_values(select: exp.Select, scope: _Scope, catalog: Catalog) -> None:
    """A group's shown value is its first row's in scan order (bare_columns.py reads it by
    rowid): a view, a CTE or a subquery has no rowid, so showing a collated grouped column read
    from one is refused rather than shown from an arbitrary row."""
    sources = _sources(select)
    if len(sources) == 1 and isinstance(sources[0], exp.Table) and _cte(sources[0]) is None:
        table = catalog.table(sources[0].name)
        if table is not None and (table.rowid or table.without_rowid):
            return
    for projection in select.expressions:
        for col in projection.find_all(exp.Column):
            if col.find_ancestor(exp.AggFunc, exp.Subquery, exp.Select) is not select:
                continue
            collation = scope.column(col)[0]
            if collation not in (None, BINARY) and scope.textual(col):
                raise _unsupported(collation, "a GROUP BY or DISTINCT column shown from a view, "
                                   "a CTE, a subquery or a join (SQLite shows the group's first "
                                   "row in scan order)")


def _grouped_collation(node: exp.Expression, scope: _Scope) -> str:
    node = node.this if isinstance(node, exp.Alias) else node
    return scope.explicit(node) or scope.implicit(node) or BINARY


def _distinct_to_group(select: exp.Select) -> None:
    """SELECT DISTINCT a, b is SELECT a, b GROUP BY a, b (no aggregates in it)."""
    select.set("distinct", None)
    select.set("group", exp.Group(expressions=[
        (p.this if isinstance(p, exp.Alias) else p).copy() for p in select.expressions]))


def _fold_group_order(select: exp.Select, scope: _Scope, ctx: Context) -> None:
    """In a grouped query a collated ORDER BY term becomes the folded group key now, before
    bare_columns.py reads the unfolded column as a bare one."""
    order = select.args.get("order")
    if order is None:
        return
    for ordered in order.expressions:
        collation, target = _term_collation(ordered.this, select, scope)
        if collation != BINARY and scope.textual(target) and not target.find(exp.AggFunc):
            ordered.set("this", _fold_operand(target, collation, scope, ctx))
        elif target is not ordered.this:
            # Nano cannot order by a position or alias next to a grouped expression ('group_0'):
            # the term names the result column's expression
            ordered.set("this", target.copy())


def _collated_extremes(select: exp.Select, scope: _Scope, ctx: Context) -> None:
    """min(x) / max(x) compare with x's collation and give the winning row's own value; among
    values equal under the collation the first row in scan order wins (SQLite's minmaxStep
    replaces its value only on a strictly smaller / larger one). The engine's min()/max() are
    binary: without GROUP BY see _extremes_by_row; grouped, the table becomes a derived table
    of the same name whose rows also carry, per
    collated aggregate, `first_value(x) OVER (PARTITION BY <group keys> ORDER BY x IS NULL,
    fold(x) [DESC], rowid)`, the same on every row of a group; the aggregate reads that."""
    found = []
    for node in select.find_all(exp.Min, exp.Max):
        if node.expressions or isinstance(node.parent, exp.Window) \
                or _enclosing_select(node) is not select:
            continue  # scalar min(a, b), a window, or a nested query's own aggregate
        argument = node.this
        if isinstance(argument, exp.Distinct):  # the least of the distinct values is the least
            argument = argument.expressions[0]
        collation = _grouped_collation(argument, scope)
        if collation != BINARY and scope.textual(argument):
            found.append((node, argument, collation))
    if not found:
        return
    place = f"{found[0][0].key}()"
    sources = _sources(select)
    if select.args.get("joins") or len(sources) != 1 \
            or any(p.find(exp.Window) for p in select.expressions) \
            or any(isinstance(n.parent, exp.Filter) for n, _, _ in found) \
            or (select.args.get("where") is not None
                and scope.correlated(select.args["where"].this)):
        raise _unsupported(found[0][2], place + " in a join, a window query, a correlated "
                           "subquery or with FILTER")
    if select.args.get("group") is None:
        _extremes_by_row(select, found, sources[0], scope, ctx)
        return
    inner, table = _row_source(sources[0], ctx)
    keys = [] if table is None else [table.rowid] if table.rowid else [c.name for c in sorted(
        (c for c in table.columns if c.pk), key=lambda c: c.pk)]
    partition = [_unqualified(_group_key(select, t)) for t in
                 (select.args["group"].expressions if select.args.get("group") else [])]
    names: dict[tuple, str] = {}
    for node, argument, collation in found:
        key = (node.key, argument.sql().lower(), collation)
        if key not in names:
            names[key] = f"_hm{len(names)}"
            value = _unqualified(strip(argument.copy()))
            folded = _unqualified(_fold_operand(argument, collation, scope, ctx))
            order = [exp.Ordered(this=exp.Is(this=value.copy(), expression=exp.Null())),
                     exp.Ordered(this=folded, desc=isinstance(node, exp.Max))]
            order.extend(exp.Ordered(this=exp.column(k)) for k in keys)
            inner.append("expressions", exp.alias_(exp.Window(
                this=exp.FirstValue(this=value), partition_by=[t.copy() for t in partition],
                order=exp.Order(expressions=order)), names[key]))
        column = exp.column(names[key])
        node.replace(exp.Anonymous(this="ANY_VALUE", expressions=[column])
                     if ctx.dialect == "postgres" else exp.Min(this=column))
    where = select.args.get("where")
    if where is not None:  # the windows see the rows the aggregate sees
        inner.where(_unqualified(where.this.copy()), copy=False)
        select.set("where", None)
    if inner.parent is None:
        sources[0].replace(exp.Subquery(this=inner, alias=exp.TableAlias(
            this=exp.to_identifier(sources[0].alias_or_name))))


def _extremes_by_row(select: exp.Select, found, source: exp.Expression, scope: _Scope,
                     ctx: Context) -> None:
    """Without GROUP BY each collated min()/max() is its winning row, picked by a one-row
    derived table cross-joined to the query: `SELECT x FROM <source> WHERE <same> ORDER BY
    x IS NULL, fold(x) [DESC], rowid LIMIT 1` (a top-1 sort, ten times cheaper than a window on
    Nano). It is NULL when every x is NULL and has no row when no row qualifies, so the other
    aggregates see the rows they saw (count(*) is 0 then, as the aggregate's NULL is)."""
    table = ctx.catalog.table(source.name) \
        if isinstance(source, exp.Table) and _cte(source) is None else None
    keys = [] if table is None else [table.rowid] if table.rowid else [c.name for c in sorted(
        (c for c in table.columns if c.pk), key=lambda c: c.pk)]
    where = select.args.get("where")
    names: dict[tuple, str] = {}
    for node, argument, collation in found:
        key = (node.key, argument.sql().lower(), collation)
        if key not in names:
            names[key] = f"_hm{len(names)}"
            value = strip(argument.copy())
            order = [exp.Ordered(this=exp.Is(this=value.copy(), expression=exp.Null())),
                     exp.Ordered(this=_fold_operand(argument, collation, scope, ctx),
                                 desc=isinstance(node, exp.Max))]
            order.extend(exp.Ordered(this=exp.column(k, table=source.alias_or_name))
                         for k in keys)
            pick = exp.select(exp.alias_(value, names[key])).from_(source.copy())
            if where is not None:
                pick.set("where", where.copy())
            pick.set("order", exp.Order(expressions=order))
            pick.set("limit", exp.Limit(expression=exp.Literal.number(1)))
            select.join(exp.Subquery(this=pick, alias=exp.TableAlias(
                this=exp.to_identifier(names[key]))), join_type="cross", copy=False)
        # unqualified: Nano 4.31 finds no `alias.column` of a joined derived table
        column = exp.column(names[key])
        node.replace(exp.Anonymous(this="ANY_VALUE", expressions=[column])
                     if ctx.dialect == "postgres" else exp.Min(this=column))


def _row_source(source: exp.Expression, ctx: Context):
    """(the SELECT that reads the source's rows, the table whose rowid orders them or None):
    a derived table that reads one table's every column (as bare_columns.py builds) itself,
    else a new `SELECT <all columns> FROM <source>` (a view, a CTE or a subquery has no rowid:
    its rows that tie under the collation come in the engine's order)."""
    table = ctx.catalog.table(source.name) if isinstance(source, exp.Table) else None
    if table is not None:
        columns = [exp.column(c.name) for c in table.columns]
        if table.rowid is not None and table.rowid_alias is None:
            columns.append(exp.column(table.rowid))
        return exp.select(*columns).from_(source.copy()), table
    anything = exp.select(exp.Star()).from_(source.copy())
    if not isinstance(source, exp.Subquery) or not isinstance(source.this, exp.Select):
        return anything, None
    inner = source.this
    inner_sources = _sources(inner)
    if len(inner_sources) != 1 or not isinstance(inner_sources[0], exp.Table) \
            or inner.args.get("joins") or any(inner.args.get(k) for k in (
                "group", "distinct", "limit", "having", "order")):
        return anything, None
    table = ctx.catalog.table(inner_sources[0].name)
    names = {p.name.lower() for p in inner.expressions if isinstance(p, exp.Column)}
    if table is None or any(c.name.lower() not in names for c in table.columns):
        return anything, None
    return inner, table


def _unqualified(node: exp.Expression) -> exp.Expression:
    """The expression over the one source's columns without their qualifier (it moves inside
    a derived table that reads the table under its own name)."""
    for col in [node] if isinstance(node, exp.Column) else list(node.find_all(exp.Column)):
        if col.table:
            col.set("table", None)
    return node


def _enclosing_select(node: exp.Expression) -> exp.Expression | None:
    holder = node.parent
    while holder is not None and not isinstance(holder, exp.Select):
        holder = holder.parent
    return holder


def _group_key(select: exp.Select, term: exp.Expression) -> exp.Expression:
    """A GROUP BY term as an expression over the source rows, without its COLLATE."""
    return strip(result_term(select, term).copy())
