"""SQLite query structure the engine does not share, as AST transforms (one rule each)."""
from __future__ import annotations

from sqlglot import exp

from .transforms_base import Context


def _from_sources(select: exp.Select) -> list[exp.Expression]:
    from_ = select.args.get("from_") or select.args.get("from")
    nodes = [from_.this] if from_ is not None else []
    nodes.extend(j.this for j in select.args.get("joins") or [])
    return nodes


def using_to_on(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """`JOIN b USING (x)` (a cross join in Nano) becomes `ON a.x = b.x`, and an unqualified `x`
    names the left table's column, as SQLite resolves it."""
    for select in list(tree.find_all(exp.Select)):
        joins = select.args.get("joins") or []
        if not any(j.args.get("using") for j in joins):
            continue
        sources = _from_sources(select)
        resolved: dict[str, str] = {}
        for position, join in enumerate(joins, 1):
            using = join.args.get("using")
            if not using:
                continue
            right = join.this.alias_or_name
            conditions = []
            for ident in using:
                name = ident.name
                left = _left_owner(sources[:position], name, ctx) or sources[0].alias_or_name
                resolved.setdefault(name.lower(), left)
                conditions.append(exp.EQ(this=exp.column(name, table=left),
                                         expression=exp.column(name, table=right)))
            join.set("using", None)
            join.set("on", exp.and_(*conditions) if len(conditions) > 1 else conditions[0])
        for col in select.find_all(exp.Column):
            if not col.table and col.name.lower() in resolved \
                    and col.find_ancestor(exp.Select) is select:
                col.set("table", exp.to_identifier(resolved[col.name.lower()]))
    return tree


def _left_owner(sources: list[exp.Expression], name: str, ctx: Context) -> str | None:
    for node in reversed(sources):
        if isinstance(node, exp.Table):
            table = ctx.catalog.relation(node.name)
            if table is not None and table.column(name) is not None:
                return node.alias_or_name
    return None


def _pins_one_row(select: exp.Select, table, ctx: Context) -> bool:
    """True when WHERE requires `key = value` for every column of a unique key."""
    where = select.args.get("where")
    if where is None:
        return False
    conjuncts = list(where.this.flatten()) if isinstance(where.this, exp.And) else [where.this]
    equal = set()
    for node in conjuncts:
        while isinstance(node, exp.Paren):
            node = node.this
        if isinstance(node, exp.EQ):
            for side, other in ((node.this, node.expression), (node.expression, node.this)):
                if isinstance(side, exp.Column) and not other.find(exp.Column):
                    name = side.name.lower()
                    equal.add(table.rowid.lower() if table.rowid and name in
                              ("rowid", "oid", "_rowid_") else name)
    keys = list(ctx.catalog.unique_keys(table))
    if table.rowid:
        keys.append((table.rowid,))
    return any(all(c.lower() in equal for c in key) for key in keys)


def scan_order(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """A plain scan of one table returns rows in rowid order in SQLite (Nano's order is its
    internal key order): apps that omit ORDER BY get SQLite's order."""
    if not isinstance(tree, exp.Select) or tree.args.get("order") is not None:
        return tree
    if tree.args.get("group") or tree.args.get("distinct") or tree.args.get("joins"):
        return tree
    sources = _from_sources(tree)
    if len(sources) != 1 or not isinstance(sources[0], exp.Table):
        return tree
    if any(p.find(exp.AggFunc, exp.Window) for p in tree.expressions):
        return tree
    table = ctx.catalog.table(sources[0].name)
    if table is None:
        return tree
    if _pins_one_row(tree, table, ctx):
        return tree  # at most one row: nothing to order (and the engine skips a sort)
    ref = sources[0].alias_or_name
    if table.rowid is not None:
        keys = [table.rowid]
    else:
        keys = [c.name for c in sorted((c for c in table.columns if c.pk), key=lambda c: c.pk)]
    if not keys:
        return tree
    tree.set("order", exp.Order(expressions=[exp.Ordered(this=exp.column(k, table=ref))
                                             for k in keys]))
    return tree


def cte_column_lists(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """`WITH c(n) AS (SELECT 5)`: the engine takes no CTE column list, so the names become
    aliases of the CTE's (first) SELECT. Without a list, SQLite names an expression column by
    its text (`WITH c AS (SELECT 1) SELECT * FROM c` has the column "1"; PostgreSQL would name
    it ?column?), so such columns get that name as an alias."""
    for cte in list(tree.find_all(exp.CTE)):
        alias = cte.args.get("alias")
        columns = alias.columns if alias is not None else []
        body = cte.this
        while isinstance(body, (exp.Union, exp.Intersect, exp.Except)):
            body = body.this
        if not columns:
            if isinstance(body, exp.Select):
                _name_expression_columns(body)
            continue
        if not isinstance(body, exp.Select) or len(body.expressions) != len(columns):
            continue
        body.set("expressions", [
            exp.alias_(p.this if isinstance(p, exp.Alias) else p, c.name, quoted=True)
            for p, c in zip(body.expressions, columns)])
        alias.set("columns", None)
    return tree


def _name_expression_columns(select: exp.Select) -> None:
    for item in select.expressions:
        if not isinstance(item, (exp.Alias, exp.Column, exp.Star)):
            item.replace(exp.alias_(item.copy(), item.sql(dialect="sqlite"), quoted=True))


def ordered_concat_input(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """group_concat() joins values in scan (rowid) order in SQLite; Nano scans in its internal key
    order, so the aggregate reads the table through a subquery ordered by rowid."""
    for select in list(tree.find_all(exp.Select)):
        if not any(agg.find_ancestor(exp.Select) is select
                   for agg in select.find_all(exp.GroupConcat)):
            continue
        sources = _from_sources(select)
        if len(sources) != 1 or not isinstance(sources[0], exp.Table) or select.args.get("joins"):
            continue
        node = sources[0]
        table = ctx.catalog.table(node.name)
        if table is None or table.rowid is None:
            continue
        names = [c.name for c in table.columns]
        if table.rowid_alias is None:
            names.append(table.rowid)
        inner = exp.select(*[exp.column(n) for n in names]).from_(
            exp.Table(this=exp.to_identifier(node.name))).order_by(exp.column(table.rowid))
        node.replace(exp.Subquery(this=inner, alias=exp.TableAlias(
            this=exp.to_identifier(node.alias_or_name))))
    return tree


def correlated_outer_alias(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Nano binds `t1.b` in a subquery to an inner `t1 AS x` rather than to the outer t1. When a
    table read without an alias is read again inside a nested query, the outer one gets its own
    alias and the references meant for it are requalified."""
    counter = 0
    for select in list(tree.find_all(exp.Select)):
        for node in _from_sources(select):
            if not isinstance(node, exp.Table) or (node.alias and node.alias.lower()
                                                   != node.name.lower()):
                continue
            name = node.name.lower()
            nested = [t for t in select.find_all(exp.Table)
                      if t is not node and t.name.lower() == name
                      and t.find_ancestor(exp.Select) is not select]
            if not nested:
                continue
            counter += 1
            alias = f"_o{counter}"
            shadowing = {id(t.find_ancestor(exp.Select)) for t in nested
                         if not t.alias or t.alias.lower() == name}
            for col in list(select.find_all(exp.Column)):
                if col.table.lower() != name:
                    continue
                owner = col.find_ancestor(exp.Select)
                if owner is not select and _shadowed(owner, select, shadowing):
                    continue  # names the inner t1 in that scope
                col.set("table", exp.to_identifier(alias))
            node.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
    return tree


def _shadowed(owner: exp.Expression, outer: exp.Select, shadowing: set[int]) -> bool:
    node = owner
    while node is not None and node is not outer:
        if isinstance(node, exp.Select) and id(node) in shadowing:
            return True
        node = node.parent
    return False


def correlated_select_list(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Nano evaluates a correlated subquery in the SELECT list to NULL when the query has no WHERE
    (measured on 4.31); an always-true WHERE avoids it."""
    for select in list(tree.find_all(exp.Select)):
        if select.args.get("where") is not None or not select.args.get("from_") \
                and not select.args.get("from"):
            continue
        if any(p.find(exp.Subquery, exp.Exists) for p in select.expressions):
            select.set("where", exp.Where(this=exp.Boolean(this=True)))
    return tree


def index_hints(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """`NOT INDEXED` / `INDEXED BY i` choose SQLite's plan; the engine has no such clause."""
    for table in tree.find_all(exp.Table):
        if table.args.get("indexed") is not None:
            table.set("indexed", None)
    return tree
