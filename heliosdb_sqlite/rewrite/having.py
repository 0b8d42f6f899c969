"""HAVING conditions on grouped terms, in a form HeliosDB Nano evaluates.

Nano 4.31 evaluates a HAVING condition over the group's aggregates only: a reference to a GROUP BY
term there (`GROUP BY a HAVING a <> 1`) makes the condition false for every group, so the query
returns no rows and no error. SQL reads a grouped term in HAVING as the group's value of it, which
is the same on every row of the group, so:

- a HAVING conjunct that uses no aggregate and only grouped terms filters whole groups exactly as
  the same conjunct in WHERE does; it moves to WHERE (AND-ed). SQLite's own optimizer does the
  same (select.c, havingToWhere: a term that is "constant or GROUP BY" moves unless a grouped term
  it uses has a non-BINARY collation), so the result is SQLite's;
- a conjunct that also uses an aggregate (`HAVING a + count(*) > 3`) stays in HAVING with each
  grouped term read through min(): min() of a value that is the same on every row of the group is
  that value (NULL for the NULL group), and an aggregate is what Nano's HAVING can read.

Left as they are: a grouped term that only appears inside a nested query (a correlated subquery
in HAVING), and HAVING without GROUP BY (its columns are bare columns, see bare_columns.py).
PostgreSQL evaluates HAVING correctly and is not rewritten. What Nano's HAVING still cannot
evaluate after this (a parameter, IS NULL, IN, CASE, function calls around aggregates) is filtered
by an outer query over the grouped one, on the engine's form of the query: grouped_outer.py.
"""
from __future__ import annotations

from sqlglot import exp

from ..catalog import Catalog
from .bare_columns import group_term

_ANONYMOUS_AGGREGATES = frozenset(("total",))  # still an Anonymous call at this point
_VOLATILE = (exp.Rand,)  # evaluated per group in HAVING but per row in WHERE
_VOLATILE_NAMES = frozenset(("random", "randomblob", "changes", "total_changes"))
_BINARY = frozenset(("", "binary"))


def having_filters(tree: exp.Expression, catalog: Catalog, dialect: str) -> None:
    """Rewrite, in place, the HAVING clause of every grouped SELECT of `tree` (module doc)."""
    if dialect != "nano" or tree.find(exp.Having) is None:
        return
    for select in list(tree.find_all(exp.Select)):
        having = select.args.get("having")
        if having is None or select.args.get("group") is None:
            continue
        grouped = _grouped_keys(select, catalog)
        if grouped is None:
            continue
        sources = _sources(select, catalog)
        kept = []
        for conjunct in conjuncts(having.this):
            uses = _grouped_uses(conjunct, sources, grouped)
            if not uses:
                kept.append(conjunct)
            elif _movable(conjunct, sources, grouped, uses):
                _and_where(select, conjunct)
            else:
                kept.append(_read_through_min(conjunct, uses))
        select.set("having", exp.Having(this=exp.and_(*kept)) if kept else None)


def conjuncts(node: exp.Expression) -> list[exp.Expression]:
    """The AND-ed terms of a condition, parentheses around an AND seen through."""
    inner = node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, exp.And):
        return conjuncts(inner.this) + conjuncts(inner.expression)
    return [node]


def _and_where(select: exp.Select, conjunct: exp.Expression) -> None:
    where = select.args.get("where")
    condition = exp.paren(conjunct.copy(), copy=False)
    if where is None:
        select.set("where", exp.Where(this=condition))
    else:
        select.set("where", exp.Where(this=exp.and_(exp.paren(where.this, copy=False), condition)))


def _is_aggregate(node: exp.Expression) -> bool:
    if isinstance(node.parent, exp.Window):
        return False
    return isinstance(node, exp.AggFunc) or (
        isinstance(node, exp.Anonymous) and node.name.lower() in _ANONYMOUS_AGGREGATES)


def _is_volatile(node: exp.Expression) -> bool:
    return isinstance(node, _VOLATILE) or (
        isinstance(node, exp.Anonymous) and node.name.lower() in _VOLATILE_NAMES)


def _sources(select: exp.Select, catalog: Catalog) -> dict[str, set[str] | None]:
    """Reference name -> its column names (None: unknown) per FROM/JOIN source."""
    from_ = select.args.get("from_") or select.args.get("from")
    nodes = [from_.this] if from_ is not None else []
    nodes.extend(j.this for j in select.args.get("joins") or [])
    sources: dict[str, set[str] | None] = {}
    for node in nodes:
        columns = None
        if isinstance(node, exp.Table) and not node.args.get("db"):
            table = catalog.relation(node.name)
            if table is not None:
                columns = {c.name.lower() for c in table.columns}
        sources[node.alias_or_name.lower()] = columns
    return sources


def _owner(col: exp.Column, sources: dict[str, set[str] | None]) -> str:
    """The source a column reads ('' when it cannot be told: it is then compared as written)."""
    if col.table:
        return col.table.lower()
    if len(sources) == 1:
        return next(iter(sources))
    owners = [ref for ref, cols in sources.items() if cols is not None and col.name.lower() in cols]
    return owners[0] if len(owners) == 1 else ""


def _key(node: exp.Expression, sources: dict[str, set[str] | None]) -> str:
    """An expression's identity for matching GROUP BY terms: each column qualified by its source."""
    copy = node.copy()
    for col in [copy] if isinstance(copy, exp.Column) else list(copy.find_all(exp.Column)):
        qualified = exp.column(col.name.lower(), table=_owner(col, sources) or None)
        if col is copy:
            return qualified.sql()
        col.replace(qualified)
    return copy.sql().lower()


def _grouped_keys(select: exp.Select, catalog: Catalog) -> dict[str, bool] | None:
    """GROUP BY term key -> whether the term compares with BINARY collation (`GROUP BY 2` is the
    second result column); None when a term is not an expression over the source rows."""
    sources = _sources(select, catalog)
    keys: dict[str, bool] = {}
    for term in select.args["group"].expressions:
        term = group_term(select, term)
        if term is None or any(_is_aggregate(n) or isinstance(n, exp.Window) for n in term.walk()):
            return None
        keys[_key(term, sources)] = _binary(term, select, catalog)
    return keys


def _binary(term: exp.Expression, select: exp.Select, catalog: Catalog) -> bool:
    """True if the term compares with BINARY collation (SQLite moves only such terms)."""
    if isinstance(term, exp.Collate):
        return term.expression.name.lower() in _BINARY
    if not isinstance(term, exp.Column):
        return True
    from_ = select.args.get("from_") or select.args.get("from")
    nodes = [from_.this] if from_ is not None else []
    nodes.extend(j.this for j in select.args.get("joins") or [])
    for node in nodes:
        if not isinstance(node, exp.Table) or (
                term.table and term.table.lower() != node.alias_or_name.lower()):
            continue
        table = catalog.relation(node.name)
        column = table.column(term.name) if table is not None else None
        if column is not None:
            return (column.collate or "").lower() in _BINARY
    return True


def _own_walk(node: exp.Expression, stop=lambda n: False):
    """The nodes of a HAVING conjunct that belong to its SELECT (nested queries left out), not
    descending below a node `stop` accepts."""
    for sub in node.walk(prune=lambda n: stop(n) or isinstance(n, (exp.Select, exp.Subquery))):
        if not isinstance(sub, (exp.Select, exp.Subquery)):
            yield sub


def _grouped_uses(conjunct: exp.Expression, sources, grouped: dict[str, bool]) -> list:
    """The outermost grouped-term occurrences of a conjunct outside aggregates and nested queries."""
    uses = []

    def stop(node: exp.Expression) -> bool:
        if _is_aggregate(node):
            return True
        if not isinstance(node, (exp.Literal, exp.Identifier, exp.Star)) \
                and _key(node, sources) in grouped:
            uses.append(node)
            return True
        return False

    for _ in _own_walk(conjunct, stop):
        pass
    return uses


def _movable(conjunct: exp.Expression, sources, grouped: dict[str, bool], uses: list) -> bool:
    """True if the conjunct reads only grouped terms (BINARY ones), no aggregate, nothing volatile."""
    if not all(grouped[_key(u, sources)] for u in uses):
        return False
    used = {id(u) for u in uses}
    for node in _own_walk(conjunct, stop=lambda n: id(n) in used):
        if id(node) in used:
            continue
        if _is_aggregate(node) or isinstance(node, exp.Window):
            return False
        if isinstance(node, exp.Column) and not isinstance(node.this, exp.Star):
            return False  # a bare column, or one of an enclosing query
    # a volatile call in a nested query too: WHERE would call it per row, HAVING per group
    return not any(_is_volatile(n) for n in conjunct.walk())


def _read_through_min(conjunct: exp.Expression, uses: list) -> exp.Expression:
    """The conjunct with each grouped term read as min() of it: its value for the group."""
    for use in uses:
        if use is conjunct:
            return exp.Min(this=use.copy())
        use.replace(exp.Min(this=use.copy()))
    return conjunct
