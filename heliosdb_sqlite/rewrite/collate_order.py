"""SQLite collations in ORDER BY and compound queries (the rules: collate.py's docstring): sort
keys folded by each term's collation, ties kept in scan order, and a compound's columns
collated by its left-most SELECT."""
from __future__ import annotations

from sqlglot import exp

from .collate import (
    BINARY,
    _compound_selects,
    _cte,
    _fold_operand,
    _has_collated_columns,
    _known_text,
    _Scope,
    _sources,
    _unsupported,
    fold,
    strip,
)
from .transforms_base import Context


def compounds(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """A compound query whose columns carry a collation de-duplicates and sorts as SQLite's
    does (_compounds); runs before collate.comparisons."""
    if tree.find(exp.SetOperation) is None or (
            tree.find(exp.Collate) is None and not _has_collated_columns(tree, ctx.catalog)):
        return tree
    return _compounds(tree, ctx)


def _term_collation(term: exp.Expression, select: exp.Select, scope: _Scope) -> tuple[
        str, exp.Expression]:
    """An ORDER BY term's collation and the expression it sorts (a result column named by
    position or alias is that column's expression)."""
    explicit = scope.explicit(term)
    if isinstance(term, exp.Collate):
        term = term.this
    target = result_term(select, term)
    return explicit or scope.explicit(target) or scope.implicit(target) or BINARY, target


def result_term(select: exp.Select, term: exp.Expression) -> exp.Expression:
    """An ORDER BY / GROUP BY term as an expression over the source rows: a position or a
    result column's alias names that result column's expression."""
    if isinstance(term, exp.Literal) and not term.is_string and term.this.isdigit():
        position = int(term.this)
        if 0 < position <= len(select.expressions):
            term = select.expressions[position - 1]
    elif isinstance(term, exp.Column) and not term.table:
        for projection in select.expressions:
            if isinstance(projection, exp.Alias) and projection.alias.lower() == term.name.lower():
                term = projection
                break
    return term.this if isinstance(term, exp.Alias) else term


def sort_keys(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """ORDER BY terms sort by their collation; a folded key's ties keep the scan order."""
    if tree.find(exp.Collate) is None and not _has_collated_columns(tree, ctx.catalog):
        return tree
    scope = _Scope(ctx.catalog)
    for window in list(tree.find_all(exp.Window)):
        terms = window.args.get("partition_by") or []
        for i, term in enumerate(terms):
            collation = scope.explicit(term) or scope.implicit(term) or BINARY
            if collation != BINARY and scope.textual(term):
                terms[i] = _fold_operand(term, collation, scope, ctx)
    for order in list(tree.find_all(exp.Order)):
        select = order.parent
        if isinstance(select, exp.Window):
            for ordered in order.expressions:
                _fold_term(ordered, "this", scope, ctx)
            continue
        if isinstance(select, exp.SetOperation):
            wrapper = _compound_order(select, order, scope, ctx)
            if wrapper is not None and select is tree:
                tree = wrapper
            continue
        if not isinstance(select, exp.Select):
            _strip_or_refuse(order, "an aggregate's ORDER BY", scope)
            continue
        folded = False
        for ordered in order.expressions:
            collation, target = _term_collation(ordered.this, select, scope)
            if collation == BINARY or not scope.textual(target):
                ordered.set("this", strip(ordered.this))
                continue
            ordered.set("this", _fold_operand(target, collation, scope, ctx))
            folded = True
        if folded:
            _scan_order_ties(select, order, ctx)
    return tree


def _compound_collations(compound: exp.SetOperation, scope: _Scope) -> list[str]:
    """Each result column's collation in a compound SELECT: the one of the left-most SELECT
    whose expression has one (SQLite's multiSelectCollSeq), BINARY when none has, and BINARY
    for a column no SELECT may hold text in."""
    selects = _compound_selects(compound)
    width = len(selects[0].expressions) if selects else 0
    found = []
    for i in range(width):
        collation, textual = None, False
        for select in selects:
            if i >= len(select.expressions):
                continue
            projection = select.expressions[i]
            projection = projection.this if isinstance(projection, exp.Alias) else projection
            textual = textual or scope.textual(projection)
            collation = collation or scope.explicit(projection) or scope.implicit(projection)
        found.append(collation if collation is not None and textual else BINARY)
    return found


def _compounds(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """UNION, INTERSECT and EXCEPT compare rows with each result column's collation (see
    _compound_collations); the engine compares them binary. A chain of UNIONs without ORDER BY
    is de-duplicated as SQLite does it (_union_as_sqlite); which of the rows equal under a
    NOCASE/RTRIM collation SQLite keeps otherwise depends on its algorithm (a merge when the
    compound has ORDER BY, the left rows' for INTERSECT/EXCEPT), so those are refused."""
    scope = _Scope(ctx.catalog)
    outermost = [c for c in tree.find_all(exp.SetOperation)
                 if not isinstance(c.parent, exp.SetOperation)]
    for compound in outermost:
        chain = list(compound.find_all(exp.SetOperation))
        if all(isinstance(c, exp.Union) and not c.args.get("distinct") for c in chain):
            continue
        collations = _compound_collations(compound, scope)
        if all(c == BINARY for c in collations):
            continue
        if all(isinstance(c, exp.Union) and c.args.get("distinct") for c in chain) \
                and compound.args.get("order") is None:
            wrapper = _union_as_sqlite(compound, collations, scope, ctx)
            if wrapper is not None:
                if compound is tree:
                    tree = wrapper
                continue
        collation = next(c for c in collations if c != BINARY)
        kinds = sorted({c.key.upper() for c in chain if not (
            isinstance(c, exp.Union) and not c.args.get("distinct"))})
        mixed = any(isinstance(c, exp.Union) and not c.args.get("distinct") for c in chain)
        raise _unsupported(collation, f"the de-duplication of {'/'.join(kinds)}"
                           + (" with ORDER BY" if compound.args.get("order") else "")
                           + (" next to UNION ALL" if mixed else ""))
    return tree


def _branch_order(selects: list[exp.Select], ctx: Context) -> None:
    """Each SELECT of a compound also shows its number and its row's rowid (NULL when it reads
    no one table), which order its rows as SQLite reads them: `_hq`, `_hr`."""
    for number, select in enumerate(selects):
        row = None
        sources = _sources(select)
        if len(sources) == 1 and isinstance(sources[0], exp.Table) and _cte(sources[0]) is None \
                and not any(select.args.get(k) for k in ("group", "distinct", "joins")) \
                and not any(p.find(exp.AggFunc) for p in select.expressions):
            table = ctx.catalog.table(sources[0].name)
            if table is not None and table.rowid is not None:
                row = exp.column(table.rowid, table=sources[0].alias_or_name)
        select.append("expressions", exp.alias_(exp.Literal.number(number), "_hq"))
        select.append("expressions", exp.alias_(row if row is not None else exp.Null(), "_hr"))


def _union_as_sqlite(compound: exp.SetOperation, collations: list[str], scope: _Scope,
                     ctx: Context) -> exp.Select | None:
    """SQLite runs a UNION without ORDER BY through a temporary index keyed by the result
    columns, each compared with its collation: a row equal to one stored replaces it, so the
    last such row in reading order is shown, and the rows come out in the index's order. Here:
    the SELECTs as UNION ALL, each row numbered within its key by reading order from the last
    (row_number() over the folded key), the first kept, sorted by the key."""
    selects = _compound_selects(compound)
    names = [p.alias_or_name for p in selects[0].expressions]
    if not all(names) or len({n.lower() for n in names}) < len(names) \
            or any(len(s.expressions) != len(names) for s in selects):
        return None
    first = [p.this if isinstance(p, exp.Alias) else p for p in selects[0].expressions]
    keys = [exp.column(n, quoted=True) if c == BINARY else
            fold(exp.column(n, quoted=True), c, ctx.dialect, _known_text(p, scope))
            for n, c, p in zip(names, collations, first)]
    _branch_order(selects, ctx)
    inner = compound.copy()
    for union in [inner, *inner.find_all(exp.SetOperation)]:
        union.set("distinct", False)
    for key in ("limit", "offset", "with_", "with"):
        inner.set(key, None)
    columns = [exp.column(n, quoted=True) for n in names]
    numbered = exp.select(*columns, exp.alias_(exp.Window(
        this=exp.RowNumber(), partition_by=[k.copy() for k in keys],
        order=exp.Order(expressions=[exp.Ordered(this=exp.column("_hq"), desc=True),
                                     exp.Ordered(this=exp.column("_hr"), desc=True)])), "_hn"))
    numbered.set("from_", exp.From(this=exp.Subquery(this=inner, alias=exp.TableAlias(
        this=exp.to_identifier("_hc")))))
    wrapper = exp.select(*(exp.alias_(c.copy(), n, quoted=True) for c, n in zip(columns, names)))
    wrapper.set("from_", exp.From(this=exp.Subquery(this=numbered, alias=exp.TableAlias(
        this=exp.to_identifier("_hd")))))
    wrapper.set("where", exp.Where(this=exp.EQ(this=exp.column("_hn"),
                                               expression=exp.Literal.number(1))))
    wrapper.set("order", exp.Order(expressions=[exp.Ordered(this=k, nulls_first=True)
                                                for k in keys]))
    for key in ("limit", "offset", "with_"):
        if compound.args.get(key) is not None:
            wrapper.set(key, compound.args[key].copy())
    compound.replace(wrapper)
    return wrapper


def _compound_order(compound: exp.SetOperation, order: exp.Order, scope: _Scope,
                    ctx: Context) -> exp.Select | None:
    """A compound's ORDER BY term names a result column (by position or name) and sorts with
    its explicit COLLATE or that column's collation. The engine sorts a compound by its result
    columns only, binary, so a UNION ALL sorted by a NOCASE/RTRIM term becomes a derived table
    sorted by the folded column; ties keep SQLite's order (its merge puts the left SELECT's
    rows first, each SELECT's in scan order): a branch number and the rowid of a one-table
    branch sort them. Returns the new query, or None when the compound was kept."""
    collations = _compound_collations(compound, scope)
    selects = _compound_selects(compound)
    names = [p.alias_or_name for p in selects[0].expressions] if selects else []
    lowered = [n.lower() for n in names]
    terms = []
    for ordered in order.expressions:
        term = ordered.this
        collation = scope.explicit(term)
        target = term.this if isinstance(term, exp.Collate) else term
        index = None
        if isinstance(target, exp.Literal) and not target.is_string and target.this.isdigit():
            index = int(target.this) - 1
        elif isinstance(target, exp.Column) and target.name.lower() in lowered:
            index = lowered.index(target.name.lower())
        if index is not None and not 0 <= index < len(collations):
            index = None
        if collation is None and index is not None:
            collation = collations[index]
        terms.append((ordered, index, collation or BINARY))
    if all(c == BINARY for _, _, c in terms):
        for ordered, _, _ in terms:
            ordered.set("this", strip(ordered.this))
        return None
    collation = next(c for _, _, c in terms if c != BINARY)
    if any(not (isinstance(n, exp.Union) and not n.args.get("distinct"))
           for n in compound.find_all(exp.SetOperation)) \
            or any(i is None for _, i, c in terms if c != BINARY) or len(set(lowered)) < len(names):
        raise _unsupported(collation, "a compound query's ORDER BY (other than UNION ALL's, by "
                           "a result column)")
    _branch_order(selects, ctx)
    keys = []
    for ordered, index, term_collation in terms:
        if index is None:
            keys.append(ordered.copy())
            continue
        column = exp.column(names[index], table="_hc", quoted=True)
        if term_collation != BINARY:
            projection = selects[0].expressions[index]
            projection = projection.this if isinstance(projection, exp.Alias) else projection
            column = fold(column, term_collation, ctx.dialect, _known_text(projection, scope))
        keys.append(exp.Ordered(this=column, desc=ordered.args.get("desc"),
                                nulls_first=ordered.args.get("nulls_first")))
    keys.append(exp.Ordered(this=exp.column("_hq", table="_hc")))
    keys.append(exp.Ordered(this=exp.column("_hr", table="_hc")))
    wrapper = exp.select(*(exp.alias_(exp.column(n, table="_hc", quoted=True), n, quoted=True)
                           for n in names))
    inner = compound.copy()
    for key in ("order", "limit", "offset", "with_", "with"):
        inner.set(key, None)
    wrapper.set("from_", exp.From(this=exp.Subquery(this=inner, alias=exp.TableAlias(
        this=exp.to_identifier("_hc")))))
    wrapper.set("order", exp.Order(expressions=keys))
    for key in ("limit", "offset", "with_"):
        if compound.args.get(key) is not None:
            wrapper.set(key, compound.args[key].copy())
    compound.replace(wrapper)
    return wrapper


def _fold_term(holder: exp.Expression, key: str, scope: _Scope, ctx: Context) -> None:
    """A sort or partition term of a window, folded by its own collation."""
    term = holder.args[key]
    collation = scope.explicit(term) or scope.implicit(term) or BINARY
    if collation != BINARY and scope.textual(term):
        holder.set(key, _fold_operand(term, collation, scope, ctx))
    else:
        holder.set(key, strip(term))


def _strip_or_refuse(order: exp.Order, place: str, scope: _Scope) -> None:
    for ordered in order.expressions:
        collation = scope.explicit(ordered.this)
        if collation not in (None, BINARY):
            raise _unsupported(collation, place)
        ordered.set("this", strip(ordered.this))


def _scan_order_ties(select: exp.Select, order: exp.Order, ctx: Context) -> None:
    if select.args.get("group") or select.args.get("distinct") or select.args.get("joins"):
        return
    if any(p.find(exp.AggFunc) for p in select.expressions):
        return
    sources = _sources(select)
    if len(sources) != 1 or not isinstance(sources[0], exp.Table):
        return
    table = ctx.catalog.table(sources[0].name)
    if table is None or table.rowid is None:
        return
    order.append("expressions", exp.Ordered(this=exp.column(table.rowid,
                                                            table=sources[0].alias_or_name)))
