"""SQLite's bare columns: a column of an aggregate query that is neither aggregated nor grouped.

SQLite reads such a column from one row of its group (https://www.sqlite.org/lang_select.html,
"bare columns"): when the query has exactly one min() or max() aggregate, the first row, in scan
order, that holds the min/max (any row if all its values are NULL: the first one); otherwise the
first row of the group in scan order (measured with SQLite 3.40). The engine rejects such a
column, so it is expressed in what the engine has:

- grouped by a table's rowid (or a WITHOUT ROWID table's primary key), the table's columns are
  the same on every row of a group: they join the GROUP BY;
- no GROUP BY, one table: the column is a scalar subquery that picks the row
  (`SELECT b FROM t WHERE <same> ORDER BY <min/max argument>, rowid LIMIT 1`);
- GROUP BY, one table: the table becomes a derived table whose rows carry, per bare column,
  `first_value(b) OVER (PARTITION BY <group keys> ORDER BY <min/max argument>, rowid)`, constant
  in each group, which then joins the GROUP BY.

Left to the engine (which rejects them, as before): two or more min()/max() aggregates (SQLite's
row then depends on the order the values arrive), a bare column in HAVING (Nano 4.31 compares a
grouped column in HAVING wrongly), joins not grouped by a rowid, window functions in the query,
and a bare column inside a nested subquery.
"""
from __future__ import annotations

from sqlglot import exp

from ..catalog import Catalog, Table
from .transforms import ROWID_NAMES

_ANONYMOUS_AGGREGATES = frozenset(("total",))  # still an Anonymous call at this point


def bare_columns(tree: exp.Expression, catalog: Catalog, dialect: str) -> None:
    """Rewrite, in place, every SELECT of `tree` that reads bare columns (see the module doc)."""
    if tree.find(exp.Group, exp.AggFunc, exp.Anonymous) is None:
        return
    for select in list(tree.find_all(exp.Select)):
        if select.args.get("group") is not None or any(
                _is_aggregate(n) for n in _own_nodes(select)):
            _rewrite(select, catalog, dialect)


def _is_aggregate(node: exp.Expression) -> bool:
    if isinstance(node.parent, exp.Window):
        return False
    return isinstance(node, exp.AggFunc) or (
        isinstance(node, exp.Anonymous) and node.name.lower() in _ANONYMOUS_AGGREGATES)


def _parts(select: exp.Select) -> list[exp.Expression]:
    """The clauses evaluated once per group: result columns, HAVING, ORDER BY."""
    parts = list(select.expressions)
    parts.extend(select.args[k] for k in ("having", "order") if select.args.get(k) is not None)
    return parts


def _own_nodes(select: exp.Select, stop=lambda node: False):
    """Nodes of the per-group clauses that belong to this SELECT (nested queries left out),
    not descending below a node `stop` accepts."""
    for part in _parts(select):
        for node in part.walk(prune=lambda n: stop(n) or isinstance(n, (exp.Select, exp.Subquery))):
            if isinstance(node, (exp.Select, exp.Subquery)):
                continue
            yield node


def _sources(select: exp.Select, catalog: Catalog) -> list[tuple[str, Table | None, exp.Expression]]:
    """(reference name, catalog table or None, FROM node) per FROM/JOIN source."""
    from_ = select.args.get("from_") or select.args.get("from")
    nodes = [from_.this] if from_ is not None else []
    nodes.extend(j.this for j in select.args.get("joins") or [])
    return [(n.alias_or_name.lower(),
             catalog.relation(n.name) if isinstance(n, exp.Table) and not n.args.get("db")
             else None, n) for n in nodes]


class _Unknown(Exception):
    """A column whose source cannot be told: the SELECT is left as it is."""


def _owner(col: exp.Column, sources) -> tuple[str, Table] | None:
    """The source a column reads, or None when it names no source of this SELECT (an output
    alias, or a column of an enclosing query)."""
    qualifier = col.table.lower()
    name = col.name.lower()
    unknown = False
    for ref, table, _ in sources:
        if qualifier and qualifier != ref:
            continue
        if table is None:
            unknown = True
        elif table.column(name) is not None or (name in ROWID_NAMES and table.rowid is not None):
            return ref, table
    if unknown:
        raise _Unknown
    return None


def _key(node: exp.Expression, sources) -> str:
    """An expression's identity for matching GROUP BY terms: each column qualified by its source,
    and a rowid by the engine column that holds it."""
    copy = node.copy()
    for col in [copy] if isinstance(copy, exp.Column) else list(copy.find_all(exp.Column)):
        try:
            owner = _owner(col, sources)
        except _Unknown:
            owner = None
        if owner is None:
            continue
        ref, table = owner
        name = col.name.lower()
        if table.column(name) is None and name in ROWID_NAMES:
            name = table.rowid.lower()
        replacement = exp.column(name, table=ref)
        if col is copy:
            return replacement.sql()
        col.replace(replacement)
    return copy.sql().lower()


def group_term(select: exp.Select, term: exp.Expression) -> exp.Expression | None:
    """A GROUP BY term as written, or the result column a position names (`GROUP BY 2`); None
    for a position out of range."""
    if isinstance(term, exp.Literal) and not term.is_string and term.this.isdigit():
        position = int(term.this)
        if not 0 < position <= len(select.expressions):
            return None
        term = select.expressions[position - 1]
        return term.this if isinstance(term, exp.Alias) else term
    return term


def _group_terms(select: exp.Select) -> list[exp.Expression] | None:
    """GROUP BY terms as expressions over the source rows (`GROUP BY 2` is the second result
    column); None when one is not such an expression."""
    group = select.args.get("group")
    if group is None:
        return []
    terms = []
    for term in group.expressions:
        term = group_term(select, term)
        if term is None or any(_is_aggregate(n) for n in term.walk()):
            return None
        terms.append(term)
    return terms


def _find_bare(select: exp.Select, sources, group_keys: set[str]):
    """The bare column references of the per-group clauses, each with its owning source."""
    aliases = {p.alias.lower() for p in select.expressions if isinstance(p, exp.Alias)}
    order = select.args.get("order")
    bare = []
    for node in _own_nodes(select, stop=lambda n: _is_aggregate(n) or (
            group_keys and not isinstance(n, (exp.Literal, exp.Identifier))
            and _key(n, sources) in group_keys)):
        if not isinstance(node, exp.Column) or isinstance(node.this, exp.Star):
            continue
        if _key(node, sources) in group_keys:
            continue
        if order is not None and not node.table and node.name.lower() in aliases \
                and node.find_ancestor(exp.Order) is order:
            continue  # ORDER BY names a result column
        owner = _owner(node, sources)
        if owner is not None:
            bare.append((node, owner))
    return bare


def _rewrite(select: exp.Select, catalog: Catalog, dialect: str) -> None:
    sources = _sources(select, catalog)
    if not sources:
        return
    try:
        if any(isinstance(n, exp.Window) for n in _own_nodes(select)):
            return
        terms = _group_terms(select)
        if terms is None:
            return
        group_keys = {_key(t, sources) for t in terms}
        bare = _find_bare(select, sources, group_keys)
    except _Unknown:
        return
    if not bare:
        return
    if terms and _grouped_by_key(bare, group_keys):
        _extend_group(select, bare)
        return
    if len(sources) > 1 or not isinstance(sources[0][2], exp.Table):
        return
    ordering = _row_order(select, sources)
    if ordering is not None:
        _window_source(select, bare, terms, ordering, dialect)


def _row_keys(table: Table) -> list[str]:
    """The columns that order a table's rows as SQLite scans them, and identify each row."""
    if table.rowid is not None:
        return [table.rowid]
    return [c.name for c in sorted((c for c in table.columns if c.pk), key=lambda c: c.pk)]


def _grouped_by_key(bare, group_keys: set[str]) -> bool:
    """True when, for every bare column, GROUP BY holds its table's row key (a rowid, or a WITHOUT
    ROWID table's primary key, never NULL): its value is then the same on every row of a group."""
    for _, (ref, table) in bare:
        keys = _row_keys(table)
        if table.rowid is None and not table.without_rowid:
            return False
        if not keys or any(exp.column(k.lower(), table=ref).sql() not in group_keys for k in keys):
            return False
    return True


def _extend_group(select: exp.Select, bare) -> None:
    group = select.args["group"]
    seen = set()
    for col, (ref, _) in bare:
        qualified = exp.column(col.name, table=col.table or ref)
        if qualified.sql().lower() not in seen:
            seen.add(qualified.sql().lower())
            group.append("expressions", qualified)


def _row_order(select: exp.Select, sources) -> list[exp.Ordered] | None:
    """The order in which the row SQLite reads bare columns from comes first: by the argument of
    the one min()/max() aggregate (NULLs last, ties in scan order), else in scan order. None when
    the query has several min()/max() aggregates."""
    extremes: dict[str, exp.Expression] = {}
    for node in _own_nodes(select):
        if isinstance(node, (exp.Max, exp.Min)) and _is_aggregate(node):
            if isinstance(node.parent, exp.Filter) or isinstance(node.this, exp.Distinct):
                return None  # SQLite's row is then not the first reaching the min/max
            extremes.setdefault(node.sql().lower(), node)
    if len(extremes) > 1:
        return None
    ordering = []
    for node in extremes.values():
        argument = node.this
        ordering.append(exp.Ordered(this=exp.Is(this=argument.copy(), expression=exp.Null())))
        ordering.append(exp.Ordered(this=argument.copy(), desc=isinstance(node, exp.Max)))
    ref, table, _ = sources[0]
    ordering.extend(exp.Ordered(this=exp.column(k, table=ref)) for k in _row_keys(table))
    return ordering


def _source_node(select: exp.Select) -> exp.Expression:
    from_ = select.args.get("from_") or select.args.get("from")
    return from_.this


def _window_source(select: exp.Select, bare, terms: list[exp.Expression],
                   ordering: list[exp.Ordered], dialect: str) -> None:
    """The table becomes a derived table of the same name whose rows also carry each bare
    column's value for their group (the same on every row of it); the query reads that value
    through an aggregate, which any clause may hold."""
    table_node = _source_node(select)
    table = bare[0][1][1]
    names: dict[str, str] = {}
    windows = []
    for col, _ in bare:
        key = exp.column(col.name, table=col.table or None).sql().lower()
        if key not in names:
            names[key] = f"_hb{len(names)}"
            window = exp.Window(this=exp.FirstValue(this=col.copy()),
                                partition_by=[t.copy() for t in terms],
                                order=exp.Order(expressions=[o.copy() for o in ordering]))
            windows.append(exp.alias_(window, names[key]))
        col.replace(_any_value(exp.column(names[key]), dialect))
    columns = [exp.column(c.name) for c in table.columns]
    if table.rowid is not None and table.rowid_alias is None:
        columns.append(exp.column(table.rowid))
    inner = exp.select(*columns, *windows).from_(table_node.copy())
    where = select.args.get("where")
    if where is not None:
        inner.set("where", where.copy())
        select.set("where", None)
    table_node.replace(exp.Subquery(this=inner, alias=exp.TableAlias(
        this=exp.to_identifier(table_node.alias_or_name))))


def _any_value(value: exp.Expression, dialect: str) -> exp.Expression:
    """An aggregate of a value that is the same on every row of the group. PostgreSQL has
    any_value() (16+) and no min() of bytea or boolean; Nano has no any_value() and a min() of
    every type."""
    if dialect == "postgres":
        return exp.Anonymous(this="ANY_VALUE", expressions=[value])
    return exp.Min(this=value)
