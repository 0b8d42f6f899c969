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
  in scan order among equals (collate_groups.py: a top-1 derived table, or per group a
  first_value() window).
- A view's, a CTE's or a subquery's column keeps the collation of the expression it shows (a
  view's is read from its stored CREATE VIEW); a compound's column has its left-most SELECT's.
- UNION ALL sorted by a collated column sorts the folded column in a derived table; a UNION
  chain without ORDER BY de-duplicates as SQLite's temporary index does (collate_order.py);
  INTERSECT, EXCEPT and UNION with ORDER BY de-duplicating a collated column are refused
  (NotSupportedError), as is showing a collated group read from a source without a rowid.
- A UNIQUE / PRIMARY KEY key or unique index on a NOCASE/RTRIM column is, on PostgreSQL, a
  unique index on the folded value (ddl.folded_unique_indexes; ON CONFLICT targets name it);
  Nano 4.31 indexes no expression, so there it stays binary.
- Only text is folded: numbers compare as numbers under any collation.
- An unknown name is SQLite's "no such collation sequence: X".

This module holds the names, the scope that finds a column's collation, and comparisons;
collate_order.py holds ORDER BY and compound queries, collate_groups.py GROUP BY, DISTINCT and
min()/max().
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
    entry = catalog.entry(name)
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


def _unsupported(collation: str, place: str) -> NotSupportedError:
    return make_error(NotSupportedError, f"COLLATE {collation.upper()} in {place} is not "
                      "supported by heliosdb_sqlite")


def leftovers(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Any COLLATE no rule above placed (a result column, a function argument) is dropped: only
    comparisons and sorts use a collation, and those were expressed already (SQLite does not
    look an unused collation's name up either). Collated min()/max() aggregates are expressed
    before this (collate_groups.extremes); one left (a window's) is refused, as the engine's
    min()/max() cannot take a collation."""
    scope = _Scope(ctx.catalog)
    for node in tree.find_all(exp.Min, exp.Max):
        collation = scope.explicit(node.this)
        if collation not in (None, BINARY):
            raise _unsupported(collation, f"the argument of {node.key}()")
    strip(tree)
    return tree
