"""A grouped query's HAVING conditions and ORDER BY that HeliosDB Nano gets wrong, evaluated by an
outer query over the grouped one instead.

Runs on the engine's tree (after the transforms, dialect "nano" only), because whether Nano can
evaluate a condition depends on the form the transforms give it (`x LIKE 'a%'` becomes a CAST and a
regular expression, `a / b` a NULLIF, ...). Measured on Nano 4.31 (binding, REPL and server alike):

- HAVING evaluates comparisons, AND / OR / NOT, arithmetic, ||, LIKE, `~` and IS [NOT] DISTINCT
  FROM of aggregates, literals and scalar subqueries. Any other node in a condition makes it false
  for every group, so the query returns no rows and no error: a bound parameter (`count(*) > ?`),
  IS [NOT] NULL, IN, BETWEEN, CASE, CAST, a call of a non-aggregate function (coalesce, abs, ...),
  and a column outside an aggregate (a result alias: `HAVING n > 1`).
- ORDER BY in a grouped query fails with "Column 'group_0' not found" when it mixes a term that
  reads a grouped column (`a`, `a + 0`, or an alias `a` of the column a) with one that reads the
  result by alias or position, or an expression of aggregates (`ORDER BY n DESC, a`; `ORDER BY a`
  alone or `ORDER BY count(*), a` work), and with "Expression not yet implemented" when it orders
  by an aggregate that is not a result column (`SELECT a ... ORDER BY max(c)`).

For such a query the grouped SELECT keeps its FROM, WHERE, GROUP BY and the HAVING conjuncts Nano
evaluates, and becomes a derived table; every result column of it already has its output name (the
rewrite aliases them all). The aggregates the other conjuncts read and the ORDER BY terms that are
not a result column by alias or position become extra columns with hidden names (`_hh1`, `_ho1`),
the conjuncts an outer WHERE over those names, and the outer SELECT lists the result columns by
name, with the DISTINCT, ORDER BY, LIMIT and OFFSET of the query: what SQLite computes, in a form
Nano evaluates correctly. Names are unqualified: Nano cannot resolve `s.col` of a derived table.
Parameters keep their engine numbers (`$n`), so the plan's parameter map is unchanged.

Left as they are: a condition with a nested query (it may read the grouped query's sources), a
column in a moved condition that is no result column (a column of an enclosing query), result
columns without unique names, and DISTINCT with an ORDER BY term that is no result column.
"""
from __future__ import annotations

from sqlglot import exp

from ..catalog import Catalog
from .having import conjuncts

_EVALUATED = (exp.And, exp.Or, exp.Not, exp.Paren, exp.Neg, exp.EQ, exp.NEQ, exp.GT, exp.GTE,
              exp.LT, exp.LTE, exp.NullSafeEQ, exp.NullSafeNEQ, exp.Add, exp.Sub, exp.Mul,
              exp.Div, exp.Mod, exp.DPipe, exp.Like, exp.ILike, exp.RegexpLike, exp.Literal,
              exp.Null, exp.Boolean, exp.Subquery, exp.Exists)
_OUTER = ("with", "distinct", "order", "limit", "offset", "expressions")  # stay outside
_DERIVED = "_hq"


def grouped_outer(tree: exp.Expression, catalog: Catalog, dialect: str) -> None:
    """Rewrite, in place, each grouped SELECT of the engine tree `tree` whose HAVING or ORDER BY
    Nano evaluates wrongly (module doc)."""
    if dialect != "nano" or tree.find(exp.Group, exp.Having) is None:
        return
    for select in list(tree.find_all(exp.Select)):
        having = select.args.get("having")
        if having is None and select.args.get("group") is None:
            continue
        terms = conjuncts(having.this) if having is not None else []
        moved = [c for c in terms if not _evaluated(c)]
        if moved or _order_fails(select):
            _derive(select, [c for c in terms if _evaluated(c)], moved, catalog)


def _is_aggregate(node: exp.Expression) -> bool:
    return isinstance(node, exp.AggFunc) and not isinstance(node.parent, exp.Window)


def _nested(node: exp.Expression) -> bool:
    return isinstance(node, (exp.Select, exp.Subquery, exp.Union, exp.Exists))


def _own(node: exp.Expression):
    """The nodes of an expression outside aggregates and nested queries (those themselves
    included)."""
    return node.walk(prune=lambda n: _is_aggregate(n) or _nested(n))


def _evaluated(conjunct: exp.Expression) -> bool:
    """True if Nano's HAVING evaluates the conjunct (module doc)."""
    return all(_is_aggregate(n) or isinstance(n, _EVALUATED) for n in _own(conjunct))


def _unwrap(item: exp.Expression) -> exp.Expression:
    return item.this if isinstance(item, exp.Alias) else item


def _order_fails(select: exp.Select) -> bool:
    """True if the grouped SELECT's ORDER BY is one Nano fails on (module doc)."""
    order = select.args.get("order")
    if order is None or select.args.get("group") is None:
        return False
    results = {_unwrap(item).sql() for item in select.expressions}
    aliases = {item.alias: _unwrap(item) for item in select.expressions
               if isinstance(item, exp.Alias)}
    grouped = by_result = False
    for term in order.expressions:
        expr = term.this
        nodes = list(_own(expr))
        if any(_is_aggregate(n) and n.sql() not in results for n in nodes):
            return True
        reads_column = any(isinstance(n, exp.Column) and not _result_alias(n, aliases)
                           for n in nodes)
        if reads_column:
            grouped = True
        elif not (_is_aggregate(expr) or _nested(expr)):
            by_result = True  # a position, a result alias, an expression of aggregates
    return grouped and by_result


def _result_alias(col: exp.Column, aliases: dict[str, exp.Expression]) -> bool:
    """True if the column names a result alias that is not the grouped column of that name."""
    if col.table or col.name not in aliases:
        return False
    target = aliases[col.name]
    return not (isinstance(target, exp.Column) and target.name == col.name)


def _derive(select: exp.Select, kept: list, moved: list, catalog: Catalog) -> None:
    """Make `select` an outer query over its grouped part (module doc), unless it cannot be."""
    items = list(select.expressions)
    names = _result_names(select)
    if names is None:
        return
    for conjunct in moved:
        for node in _own(conjunct):
            if _nested(node) or (isinstance(node, exp.Column) and (
                    node.table or node.name not in names)):
                return
    order = select.args.get("order")
    outside = _outside_terms(select, names, catalog)
    to_hide = [term for term in (order.expressions if order is not None else [])
               if id(term) not in outside]
    if to_hide and select.args.get("distinct") is not None:
        return
    taken = set(names)
    hidden: list[exp.Expression] = []
    results = {_unwrap(item).sql(): name for item, name in zip(items, names)}

    def hide(node: exp.Expression, prefix: str) -> exp.Column:
        """A column of the grouped query with the value of `node`: a result column if one is
        the same expression, else a new one with a hidden name."""
        if node.sql() in results:
            return _column(results[node.sql()])
        name = _fresh(prefix, taken)
        hidden.append(exp.alias_(node, exp.to_identifier(name, quoted=True), copy=False))
        return _column(name)

    conditions = []
    for conjunct in moved:
        seen: dict[str, exp.Column] = {}
        for node in [n for n in _own(conjunct) if _is_aggregate(n)]:
            key = node.sql()
            if key not in seen:
                seen[key] = hide(node.copy(), "_hh")
            if node is conjunct:
                conjunct = seen[key].copy()
            else:
                node.replace(seen[key].copy())
        conditions.append(conjunct if isinstance(conjunct, (exp.Paren, exp.Column))
                          else exp.paren(conjunct, copy=False))
    for term in to_hide:
        term.set("this", hide(term.this, "_ho"))
    inner = exp.Select()
    for key, value in list(select.args.items()):
        if key not in _OUTER and value is not None:
            select.set(key, None)
            inner.set(key, value)
    inner.set("having", exp.Having(this=exp.and_(*kept, copy=False)) if kept else None)
    inner_items, outputs = [], []
    for item, name in zip(items, names):
        if not isinstance(item, exp.Alias) and not (
                isinstance(item, exp.Column) and item.name == name):
            item = exp.alias_(item, exp.to_identifier(name, quoted=True), copy=False)
        inner_items.append(item)
        column = _column(name)
        column.meta.update(item.meta)
        outputs.append(column)
    inner.set("expressions", inner_items + hidden)
    select.set("expressions", outputs)
    select.set("from_", exp.From(this=exp.Subquery(
        this=inner, alias=exp.TableAlias(this=exp.to_identifier(_DERIVED, quoted=True)))))
    if conditions:
        select.set("where", exp.Where(this=exp.and_(*conditions, copy=False)))


def _fresh(prefix: str, taken: set[str]) -> str:
    number = 1
    while f"{prefix}{number}" in taken:
        number += 1
    taken.add(f"{prefix}{number}")
    return f"{prefix}{number}"


def _result_names(select: exp.Select) -> list[str] | None:
    """The output name of each result column (a column's own name if it has no alias; a hidden
    one where nothing reads the names: an IN, EXISTS or scalar subquery); None when two are the
    same or one has no name that may be given."""
    parent = select.parent
    anonymous = isinstance(parent, exp.Exists) or (
        isinstance(parent, exp.Subquery) and not isinstance(parent.parent, (exp.From, exp.Join))
        and parent.parent is not None)
    names: list[str | None] = []
    for item in select.expressions:
        if isinstance(item, exp.Alias):
            names.append(item.alias)
        elif isinstance(item, exp.Column) and not isinstance(item.this, exp.Star):
            names.append(item.name)
        else:
            names.append(None)
    taken = {n for n in names if n is not None}
    if None in names and not anonymous:
        return None
    names = [n if n is not None else _fresh("_hc", taken) for n in names]
    return names if len(set(names)) == len(names) else None


def _outside_terms(select: exp.Select, names: list[str], catalog: Catalog) -> set[int]:
    """The ORDER BY terms the outer query can evaluate over the result columns (by id): a
    position, and an expression whose columns are all result columns named so (a name that is
    also a source column reads that column in SQLite, unless the result is that column)."""
    order = select.args.get("order")
    if order is None:
        return set()
    sources = _source_columns(select, catalog)
    same = {item.alias_or_name for item in select.expressions
            if isinstance(_unwrap(item), exp.Column)
            and _unwrap(item).name == item.alias_or_name}
    outside = set()
    for term in order.expressions:
        expr = term.this
        if isinstance(expr, exp.Literal) and not expr.is_string and expr.this.isdigit():
            if 0 < int(expr.this) <= len(names):
                outside.add(id(term))
            continue
        nodes = list(_own(expr))
        if any(_is_aggregate(n) or _nested(n) for n in nodes):
            continue
        columns = [n for n in nodes if isinstance(n, exp.Column)]
        if columns and all(
                not c.table and c.name in names
                and (c.name in same or (sources is not None and c.name not in sources))
                for c in columns):
            outside.add(id(term))
    return outside


def _source_columns(select: exp.Select, catalog: Catalog) -> set[str] | None:
    """The column names of the SELECT's FROM / JOIN sources; None if one is not known."""
    from_ = select.args.get("from_")
    nodes = [from_.this] if from_ is not None else []
    nodes.extend(j.this for j in select.args.get("joins") or [])
    columns: set[str] = set()
    for node in nodes:
        if isinstance(node, exp.Table) and not node.args.get("db"):
            table = catalog.relation(node.name)
            if table is None:
                return None
            columns.update(c.name.lower() for c in table.columns)
        elif isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select):
            columns.update(item.alias_or_name for item in node.this.expressions)
        else:
            return None
    return columns


def _column(name: str) -> exp.Column:
    return exp.Column(this=exp.to_identifier(name, quoted=True))
