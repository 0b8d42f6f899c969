"""SQLite collating sequences (https://www.sqlite.org/datatype3.html#collation), expressed with
what the engine has: neither engine takes SQLite's COLLATE, so a collated comparison or sort key
compares a folded form of its operands.

- BINARY (the default) is the plain value; NOCASE folds ASCII letters only (PostgreSQL: translate()
  of A-Z, exact; Nano has no translate(), and its lower() also folds non-ASCII letters); RTRIM
  ignores trailing spaces (rtrim(x, ' ')).
- A comparison (=, <>, <, <=, >, >=, IS, IN, BETWEEN) uses the left operand's explicit COLLATE,
  else the right one's, else the left operand's column collation (BINARY when it declares none),
  else the right one's. A column keeps its collation under parentheses, unary + and CAST.
- ORDER BY / GROUP BY / DISTINCT use each term's collation; ties of a folded sort key keep the
  scan order (rowid) in a one-table query, as SQLite's sort does.
- GROUP BY or DISTINCT on a NOCASE/RTRIM term groups by the folded value; the value shown for the
  group is the group's first row in scan order (bare_columns.py picks it), as SQLite shows.
- min(x) / max(x) compare with x's collation and show the winning row's own value, the first
  in scan order among equals (_collated_extremes: a top-1 derived table, or per group a
  first_value() window).
- A view's, a CTE's or a subquery's column keeps the collation of the expression it shows (a
  view's is read from its stored CREATE VIEW); a compound's column has its left-most SELECT's.
- UNION ALL sorted by a collated column sorts the folded column in a derived table; a UNION
  chain without ORDER BY de-duplicates as SQLite's temporary index does (_union_as_sqlite);
  INTERSECT, EXCEPT and UNION with ORDER BY de-duplicating a collated column are refused
  (NotSupportedError), as is showing a collated group read from a source without a rowid.
- A UNIQUE / PRIMARY KEY key or unique index on a NOCASE/RTRIM column is, on PostgreSQL, a
  unique index on the folded value (ddl.folded_unique_indexes; ON CONFLICT targets name it);
  Nano 4.31 indexes no expression, so there it stays binary.
- Only text is folded: numbers compare as numbers under any collation.
- An unknown name is SQLite's "no such collation sequence: X".
"""
from __future__ import annotations

import functools
import string

import sqlglot
from sqlglot import exp

from ..catalog import Catalog
from ..exceptions import NotSupportedError, OperationalError, make_error
from .transforms_base import Context
from .types import BLOB, TEXT, affinity

BINARY, NOCASE, RTRIM = "binary", "nocase", "rtrim"
_KNOWN = frozenset((BINARY, NOCASE, RTRIM))
_COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.NullSafeEQ,
                exp.NullSafeNEQ)
# Functions whose result is text: their result may be folded as it is.
_TEXT_RESULTS = (exp.Lower, exp.Upper, exp.Substring, exp.Trim, exp.DPipe, exp.Concat,
                 exp.GroupConcat, exp.Initcap)


def name_of(node: exp.Collate) -> str:
    """The collation a COLLATE names, checked: SQLite's error for a name it does not know."""
    target = node.expression
    name = target.name if isinstance(target, (exp.Identifier, exp.Column, exp.Var,
                                              exp.Literal)) else target.sql()
    if name.lower() not in _KNOWN or not name.isascii():
        raise make_error(OperationalError, f"no such collation sequence: {name}")
    return name.lower()


class _Scope:
    """Resolves a column to its declared collation and affinity, through the FROM sources of the
    enclosing queries (subqueries in FROM pass their result columns' collation on)."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._resolving: set[tuple[int, str]] = set()  # a recursive CTE reads itself

    def column(self, col: exp.Column) -> tuple[str | None, str | None]:
        """(collation or None, affinity or None) of the column a reference reads."""
        qualifier = col.table.lower()
        name = col.name.lower()
        holder = col.parent
        while holder is not None:
            if isinstance(holder, (exp.Select, exp.Update, exp.Delete)):
                found = self._in_sources(holder, qualifier, name)
                if found is not None:
                    return found
            holder = holder.parent
        return None, None

    def correlated(self, node: exp.Expression) -> bool:
        """True if the expression reads a column of an enclosing query."""
        for col in [node] if isinstance(node, exp.Column) else node.find_all(exp.Column):
            holder = col.parent
            while holder is not None and not isinstance(holder, (exp.Select, exp.Update,
                                                                   exp.Delete)):
                holder = holder.parent
            if holder is not None and self._in_sources(
                    holder, col.table.lower(), col.name.lower()) is None \
                    and self.column(col) != (None, None):
                return True
        return False

    def _in_sources(self, holder, qualifier: str, name: str):
        for node in _sources(holder):
            if qualifier and qualifier != node.alias_or_name.lower():
                continue
            if isinstance(node, exp.Table):
                cte = _cte(node)
                if cte is not None:
                    found = self._query_column(cte.this, cte.alias_column_names, name)
                    if found is not None:
                        return found
                    continue
                view = _view_query(self.catalog, node.name)
                if view is not None:
                    found = self._query_column(*view, name)
                    if found is not None:
                        return found
                    continue
                table = self.catalog.relation(node.name)
                column = table.column(name) if table is not None else None
                if column is not None:
                    return (column.collate or "").lower() or BINARY, affinity(column.decltype)
            elif isinstance(node, exp.Subquery):
                found = self._query_column(node.this, [], name)
                if found is not None:
                    return found
        return None

    def _query_column(self, query: exp.Expression, names: list[str], name: str):
        """(collation, affinity) of a query's result column: a view's, a CTE's or a subquery's
        column keeps the collation of the expression it shows; a compound's is the one of its
        left-most SELECT whose expression has one (SQLite's multiSelectCollSeq: a column has
        one, BINARY by default; another expression without COLLATE has none)."""
        key = (id(query), name)
        if key in self._resolving:
            return None
        self._resolving.add(key)
        try:
            position = [n.lower() for n in names].index(name) if names else None
            if names and position is None:
                return None
            found = None
            for select in _compound_selects(query):
                projection = _projection(select, position, name)
                if projection is None:
                    if names or not any(isinstance(p, exp.Star) for p in select.expressions):
                        continue
                    inner = self._in_sources(select, "", name)  # SELECT * shows it as it is
                    if inner is None:
                        continue
                    found = found or (None, inner[1])
                    if inner[0] is not None:
                        return inner[0], found[1]
                    continue
                found = found or (None, self.affinity(projection))
                collation = self.explicit(projection) or self.implicit(projection)
                if collation is not None:
                    return collation, found[1]
            return None if found is None else (BINARY, found[1])
        except ValueError:
            return None
        finally:
            self._resolving.discard(key)

    def explicit(self, node: exp.Expression) -> str | None:
        """The collation an explicit COLLATE in an operand gives it (the leftmost one wins)."""
        if isinstance(node, exp.Collate):
            return name_of(node)
        if isinstance(node, exp.Subquery):
            node = node.this
        if isinstance(node, exp.Select):  # a subquery's collation is its result column's
            first = node.expressions[0] if node.expressions else None
            return self.explicit(first.this if isinstance(first, exp.Alias) else first) \
                if first is not None else None
        if isinstance(node, (exp.Column, exp.Literal)):
            return None
        for child in node.iter_expressions():
            found = self.explicit(child)
            if found is not None:
                return found
        return None

    def implicit(self, node: exp.Expression) -> str | None:
        """A column's declared collation, through parentheses, unary + and CAST."""
        node = _unwrap(node)
        if isinstance(node, exp.Column):
            return self.column(node)[0]
        if isinstance(node, exp.Subquery) and isinstance(node.this, exp.Select) \
                and node.this.expressions:
            first = node.this.expressions[0]
            first = first.this if isinstance(first, exp.Alias) else first
            return self.explicit(first) or self.implicit(first)
        return None

    def affinity(self, node: exp.Expression) -> str | None:
        node = _unwrap(node)
        if isinstance(node, exp.Column):
            return self.column(node)[1]
        return None

    def textual(self, node: exp.Expression) -> bool:
        """True if the operand may hold text (a number is never folded)."""
        while isinstance(node, (exp.Paren, exp.Collate)):
            node = node.this
        if isinstance(node, exp.Literal):
            return node.is_string
        if isinstance(node, exp.Column):
            return self.column(node)[1] in (TEXT, BLOB, None)
        if isinstance(node, exp.Cast):
            return affinity(node.to.sql()) in (TEXT, BLOB)
        return not isinstance(node, (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg,
                                     exp.Count, exp.Sum, exp.Avg, exp.Length, exp.Predicate,
                                     exp.Null))


def _cte(table: exp.Table) -> exp.CTE | None:
    """The common table expression a FROM name reads, if one in scope has that name."""
    if table.args.get("db"):
        return None
    name = table.name.lower()
    holder = table.parent
    while holder is not None:
        with_ = holder.args.get("with_") or holder.args.get("with")
        if with_ is not None:
            for cte in with_.expressions:
                if cte.alias.lower() == name:
                    return cte
        holder = holder.parent
    return None


def _view_query(catalog: Catalog, name: str) -> tuple[exp.Expression, list[str]] | None:
    """A view's query as SQLite holds it (its stored CREATE VIEW text) and its column list."""
    entry = catalog.entries.get(name.lower())
    if entry is None or entry.type != "view":
        return None
    return _parsed_view(entry.sql)


@functools.lru_cache(maxsize=256)
def _parsed_view(sql: str) -> tuple[exp.Expression, list[str]] | None:
    try:
        tree = sqlglot.parse_one(sql, read="sqlite")
    except sqlglot.errors.ParseError:
        return None
    if not isinstance(tree, exp.Create) or tree.expression is None:
        return None
    names = [i.name for i in tree.this.expressions] if isinstance(tree.this, exp.Schema) else []
    return tree.expression, names


def _compound_selects(query: exp.Expression) -> list[exp.Select]:
    """The SELECTs of a query, left-most first."""
    if isinstance(query, exp.Subquery):
        query = query.this
    if isinstance(query, exp.SetOperation):
        return _compound_selects(query.this) + _compound_selects(query.expression)
    return [query] if isinstance(query, exp.Select) else []


def _projection(select: exp.Select, position: int | None, name: str) -> exp.Expression | None:
    """A SELECT's result column by position (a column list names them) or by name."""
    projections = select.expressions
    if position is not None:
        if position >= len(projections) or any(isinstance(p, exp.Star) for p in projections):
            return None
        found = projections[position]
    else:
        found = next((p for p in projections if not isinstance(p, exp.Star)
                      and p.alias_or_name.lower() == name), None)
    return found.this if isinstance(found, exp.Alias) else found


def _unwrap(node: exp.Expression) -> exp.Expression:
    while isinstance(node, (exp.Paren, exp.Cast)):
        node = node.this
    return node


def _sources(holder) -> list[exp.Expression]:
    if isinstance(holder, (exp.Update, exp.Delete)):
        return [holder.this] if isinstance(holder.this, exp.Table) else []
    from_ = holder.args.get("from_") or holder.args.get("from")
    nodes = [from_.this] if from_ is not None else []
    nodes.extend(j.this for j in holder.args.get("joins") or [])
    return nodes


def comparison(left: exp.Expression, right: exp.Expression, scope: _Scope) -> str:
    """SQLite's collation for `left <op> right`."""
    return (scope.explicit(left) or scope.explicit(right) or scope.implicit(left)
            or scope.implicit(right) or BINARY)


def fold(node: exp.Expression, collation: str, dialect: str, known_text: bool) -> exp.Expression:
    """The operand as the value a BINARY comparison of it gives the collation's answer."""
    node = strip(node.copy())
    if collation == BINARY:
        return node
    if not known_text and not (isinstance(node, exp.Literal) and node.is_string):
        node = exp.Cast(this=node, to=exp.DataType.build("TEXT"))
    if collation == RTRIM:
        return exp.Anonymous(this="RTRIM", expressions=[node, exp.Literal.string(" ")])
    if dialect == "postgres":
        return exp.Anonymous(this="TRANSLATE", expressions=[
            node, exp.Literal.string(string.ascii_uppercase),
            exp.Literal.string(string.ascii_lowercase)])
    return exp.Lower(this=node)


def strip(node: exp.Expression) -> exp.Expression:
    """The expression without its COLLATE operators."""
    for collate in list(node.find_all(exp.Collate)):
        if collate is node:
            return node.this
        collate.replace(collate.this)
    return node


def _fold_operand(node: exp.Expression, collation: str, scope: _Scope, ctx: Context):
    return fold(node, collation, ctx.dialect, _known_text(node, scope))


def _known_text(node: exp.Expression, scope: _Scope) -> bool:
    inner = node
    while isinstance(inner, (exp.Paren, exp.Collate)):
        inner = inner.this
    if isinstance(inner, exp.Column):
        return scope.column(inner)[1] == TEXT
    return isinstance(inner, _TEXT_RESULTS) or (isinstance(inner, exp.Literal) and inner.is_string)


def comparisons(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Comparisons, IN and BETWEEN compare with SQLite's collation (module doc): both operands
    are folded when it is not BINARY and an operand may hold text."""
    if tree.find(exp.Collate) is None and not _has_collated_columns(tree, ctx.catalog):
        return tree
    if tree.find(exp.SetOperation) is not None:
        tree = _compounds(tree, ctx)
    if isinstance(tree, exp.Insert) and tree.args.get("conflict") is not None:
        _conflict_target(tree, ctx)
    _fold_comparisons(tree, _Scope(ctx.catalog), ctx)
    return tree


def _conflict_target(tree: exp.Insert, ctx: Context) -> None:
    """On PostgreSQL a NOCASE/RTRIM unique key is a unique index on the folded values
    (ddl.folded_unique_indexes): an ON CONFLICT target naming its columns names those
    expressions, or PostgreSQL finds no index to match."""
    from .ddl import folded_key  # late: ddl.py imports this module
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    table = ctx.catalog.table(target.name) if isinstance(target, exp.Table) else None
    conflict = tree.args["conflict"]
    keys = [k.this if isinstance(k, exp.Ordered) else k
            for k in conflict.args.get("conflict_keys") or []]
    if table is None or not keys or not all(isinstance(k, exp.Column) for k in keys) \
            or not folded_key(table, [k.name for k in keys], ctx.dialect):
        return
    folded = []
    for key in keys:
        column = table.column(key.name)
        collation = (column.collate or BINARY).lower() if column is not None else BINARY
        folded.append(exp.Paren(this=fold(exp.column(key.name), collation, ctx.dialect, True))
                      if collation != BINARY else key)
    conflict.set("conflict_keys", folded)


def _fold_comparisons(tree: exp.Expression, scope: _Scope, ctx: Context) -> None:
    for node in list(tree.find_all(*_COMPARISONS)):
        if isinstance(node.parent, (exp.Update, exp.OnConflict)) and node.arg_key == "expressions":
            continue  # SET column = value: an assignment
        left, right = node.this, node.expression
        collation = comparison(left, right, scope)
        if collation != BINARY and ctx.dialect != "postgres" and (
                scope.correlated(left) or scope.correlated(right)):
            continue  # Nano 4.31 evaluates a function of an outer column in a subquery as NULL
        if collation != BINARY and (scope.textual(left) or scope.textual(right)):
            node.set("this", _fold_operand(left, collation, scope, ctx))
            node.set("expression", _fold_operand(right, collation, scope, ctx))
    for node in list(tree.find_all(exp.Between)):
        low, high = node.args["low"], node.args["high"]
        collation = comparison(node.this, low, scope)
        if comparison(node.this, high, scope) != collation:
            raise _unsupported(collation, "a BETWEEN whose bounds have different collations")
        if collation != BINARY and scope.textual(node.this):
            node.set("this", _fold_operand(node.this, collation, scope, ctx))
            node.set("low", _fold_operand(low, collation, scope, ctx))
            node.set("high", _fold_operand(high, collation, scope, ctx))
    for node in list(tree.find_all(exp.In)):
        items = node.expressions
        query = node.args.get("query")
        if not items:
            if query is not None:
                _in_subquery(node, query, scope, ctx)
            continue
        kinds = {comparison(node.this, item, scope) for item in items}
        if len(kinds) > 1:
            raise _unsupported(min(kinds - {BINARY}), "an IN list whose items have "
                               "different collations")
        collation = kinds.pop()
        if collation != BINARY and scope.textual(node.this):
            node.set("this", _fold_operand(node.this, collation, scope, ctx))
            node.set("expressions", [_fold_operand(i, collation, scope, ctx) for i in items])
    for like in list(tree.find_all(exp.Like, exp.Glob)):
        strip(like)  # LIKE and GLOB have their own case rules; COLLATE does not change them


def _in_subquery(node: exp.In, query: exp.Expression, scope: _Scope, ctx: Context) -> None:
    """`x IN (SELECT y ...)` compares x with each y as `x = y` does: the subquery's result
    column is folded with x."""
    collation = comparison(node.this, query, scope)
    if collation == BINARY or not scope.textual(node.this):
        return
    select = query.this if isinstance(query, exp.Subquery) else query
    if not isinstance(select, exp.Select) or len(select.expressions) != 1:
        raise _unsupported(collation, "x IN (a compound or multi-column subquery)")
    if ctx.dialect != "postgres" and scope.correlated(node.this):
        return  # as in a comparison: Nano cannot fold an outer column in a subquery
    projection = select.expressions[0]
    inner = projection.this if isinstance(projection, exp.Alias) else projection
    folded = _fold_operand(inner, collation, scope, ctx)
    select.set("expressions", [exp.alias_(folded, projection.alias_or_name or "_hc")])
    node.set("this", _fold_operand(node.this, collation, scope, ctx))


def _has_collated_columns(tree: exp.Expression, catalog: Catalog, depth: int = 0) -> bool:
    for table in tree.find_all(exp.Table):
        view = _view_query(catalog, table.name) if depth < 8 else None
        if view is not None and (view[0].find(exp.Collate) is not None
                                 or _has_collated_columns(view[0], catalog, depth + 1)):
            return True
        info = catalog.relation(table.name)
        if info is not None and any(c.collate and c.collate.lower() != BINARY
                                    for c in info.columns):
            return True
    for sub in tree.find_all(exp.Subquery):
        if sub.find(exp.Collate):
            return True
    return False


def _term_collation(term: exp.Expression, select: exp.Select, scope: _Scope) -> tuple[
        str, exp.Expression]:
    """An ORDER BY term's collation and the expression it sorts (a result column named by
    position or alias is that column's expression)."""
    explicit = scope.explicit(term)
    if isinstance(term, exp.Collate):
        term = term.this
    target = term
    if isinstance(term, exp.Literal) and not term.is_string and term.this.isdigit():
        position = int(term.this)
        if 0 < position <= len(select.expressions):
            target = select.expressions[position - 1]
    elif isinstance(term, exp.Column) and not term.table:
        for projection in select.expressions:
            if isinstance(projection, exp.Alias) and projection.alias.lower() == term.name.lower():
                target = projection
                break
    if isinstance(target, exp.Alias):
        target = target.this
    return explicit or scope.explicit(target) or scope.implicit(target) or BINARY, target


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
    """A GROUP BY term as an expression over the source rows (a position or a result column's
    alias names that result column's expression)."""
    if isinstance(term, exp.Literal) and not term.is_string and term.this.isdigit():
        position = int(term.this)
        if 0 < position <= len(select.expressions):
            term = select.expressions[position - 1]
    elif isinstance(term, exp.Column) and not term.table:
        for projection in select.expressions:
            if isinstance(projection, exp.Alias) and projection.alias.lower() == term.name.lower():
                term = projection
                break
    return strip((term.this if isinstance(term, exp.Alias) else term).copy())


def _unsupported(collation: str, place: str) -> NotSupportedError:
    return make_error(NotSupportedError, f"COLLATE {collation.upper()} in {place} is not "
                      "supported by heliosdb_sqlite")


def leftovers(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Any COLLATE no rule above placed (a result column, a function argument) is dropped: only
    comparisons and sorts use a collation, and those were expressed already (SQLite does not
    look an unused collation's name up either). Collated min()/max() aggregates are expressed
    here (_collated_extremes); one left (a window's) is refused, as the engine's min()/max()
    cannot take a collation."""
    scope = _Scope(ctx.catalog)
    if tree.find(exp.Min, exp.Max) is not None and (
            tree.find(exp.Collate) is not None or _has_collated_columns(tree, ctx.catalog)):
        for select in list(tree.find_all(exp.Select)):
            _collated_extremes(select, scope, ctx)
    for node in tree.find_all(exp.Min, exp.Max):
        collation = scope.explicit(node.this)
        if collation not in (None, BINARY):
            raise _unsupported(collation, f"the argument of {node.key}()")
    strip(tree)
    return tree
