"""Name resolution with SQLite's rules, from the catalog, before the engine sees a query.

SQLite reports an unknown or ambiguous column when the statement is prepared; Nano only when a row
reaches the expression, so `SELECT nope FROM empty_table` would succeed. The catalog knows every
table's columns, so names are resolved here:
- an unknown column is "no such column: x"; one found in two sources is "ambiguous column name";
- a result-column alias may be used in WHERE, GROUP BY and HAVING (SQLite allows it; the engine
  does not), so such a reference is replaced by the aliased expression;
- a double-quoted name that resolves to nothing is a string literal (SQLite's fallback);
- an aggregate in WHERE is "misuse of aggregate function f()".
A SELECT reading anything whose columns are unknown (table-valued functions, unknown tables) is
left to the engine.
"""
from __future__ import annotations

from sqlglot import exp

from ..catalog import Catalog
from ..exceptions import OperationalError, make_error
from ..values import COERCIONS
from .transforms import ROWID_NAMES
from .types import affinity, is_dynamic

Columns = set[str] | None  # None: unknown


def _output_names(query: exp.Expression) -> Columns:
    node = query
    while isinstance(node, (exp.Union, exp.Intersect, exp.Except)):
        node = node.this
    if not isinstance(node, exp.Select):
        return None
    names = set()
    for p in node.expressions:
        if isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star)):
            return None
        names.add(p.alias_or_name.lower())
    return names


class _Scope:
    def __init__(self, select: exp.Select, catalog: Catalog, ctes: dict[str, Columns]) -> None:
        self.select = select
        self.sources: dict[str, Columns] = {}
        self.rowid_sources: set[str] = set()
        self.known = True
        from_ = select.args.get("from_") or select.args.get("from")
        nodes = [from_.this] if from_ is not None else []
        joins = select.args.get("joins") or []
        nodes.extend(j.this for j in joins)
        self.using = {i.name.lower() for j in joins for i in (j.args.get("using") or [])}
        for node in nodes:
            ref = node.alias_or_name.lower()
            if isinstance(node, exp.Table):
                name = node.name.lower()
                if name in ctes and not node.db:
                    cols = ctes[name]
                else:
                    relation = catalog.relation(node.name)
                    cols = {c.name.lower() for c in relation.columns} if relation else None
                    if relation is not None and relation.rowid is not None:
                        self.rowid_sources.add(ref)
                alias = node.args.get("alias")
                if alias is not None and alias.columns:
                    cols = {c.name.lower() for c in alias.columns}
            elif isinstance(node, exp.Subquery):
                cols = _output_names(node.this)
            else:
                cols = None
            self.sources[ref] = cols
            if cols is None:
                self.known = False

    def owners(self, name: str) -> list[str]:
        owners = [ref for ref, cols in self.sources.items() if cols is not None and name in cols]
        if not owners and name in ROWID_NAMES:
            owners = sorted(self.rowid_sources)[:1]
        return owners


def resolve(tree: exp.Expression, catalog: Catalog) -> None:
    ctes: dict[str, Columns] = {}
    for cte in tree.find_all(exp.CTE):
        alias = cte.args.get("alias")
        if alias is not None and alias.columns:
            ctes[cte.alias.lower()] = {c.name.lower() for c in alias.columns}
        else:
            ctes[cte.alias.lower()] = _output_names(cte.this)
    scopes: dict[int, _Scope] = {}

    def scope_of(select: exp.Select) -> _Scope:
        found = scopes.get(id(select))
        if found is None:
            found = scopes[id(select)] = _Scope(select, catalog, ctes)
        return found

    for select in list(tree.find_all(exp.Select)):
        chain = []
        node: exp.Expression | None = select
        while node is not None:
            if isinstance(node, exp.Select):
                chain.append(scope_of(node))
            node = node.parent
        if not all(s.known for s in chain):
            continue
        _check_aggregates(select)
        _resolve_select(chain)


def _check_aggregates(select: exp.Select) -> None:
    where = select.args.get("where")
    if where is None:
        return
    for agg in where.find_all(exp.AggFunc):
        if agg.find_ancestor(exp.Select) is select:
            name = (agg.key if not isinstance(agg, exp.Anonymous) else agg.name).lower()
            raise make_error(OperationalError, f"misuse of aggregate function {name}()")


def _clause(col: exp.Column, select: exp.Select) -> str | None:
    node = col.parent
    while node is not None and node is not select:
        if isinstance(node, (exp.Where, exp.Group, exp.Having, exp.Order)):
            return node.key
        if isinstance(node, exp.Select):
            return None
        node = node.parent
    return "select"


def _resolve_select(chain: list[_Scope]) -> None:
    scope = chain[0]
    select = scope.select
    aliases = {p.alias.lower(): p.this for p in select.expressions if isinstance(p, exp.Alias)}
    for col in list(select.walk(prune=lambda n: isinstance(n, exp.Select) and n is not select)):
        if not isinstance(col, exp.Column) or isinstance(col.this, exp.Star):
            continue
        if isinstance(col.parent, exp.In) and col.parent.args.get("field") is col:
            continue  # `x IN table`: a table name (see semantics.in_forms)
        name = col.name.lower()
        qualifier = col.table.lower()
        if qualifier in ("excluded", "new", "old"):
            continue
        if qualifier:
            holder = next((s for s in chain if qualifier in s.sources), None)
            if holder is None:
                raise make_error(OperationalError, f"no such column: {col.table}.{col.name}")
            cols = holder.sources[qualifier]
            if cols is not None and name not in cols and not (
                    name in ROWID_NAMES and qualifier in holder.rowid_sources):
                raise make_error(OperationalError, f"no such column: {col.table}.{col.name}")
            continue
        owners = scope.owners(name)
        if len(owners) > 1 and name not in scope.using:
            raise make_error(OperationalError, f"ambiguous column name: {col.name}")
        if owners:
            continue
        clause = _clause(col, select)
        if name in aliases and clause in ("where", "group", "having", "order"):
            if clause != "order":
                col.replace(aliases[name].copy())
            continue
        if any(s.owners(name) for s in chain[1:]):
            continue  # a correlated reference to an enclosing query
        if col.this.quoted:
            col.replace(exp.Literal.string(col.this.this))  # SQLite: "x" is 'x' if no column x
            continue
        raise make_error(OperationalError, f"no such column: {col.name}")


def resolve_write(tree: exp.Expression, table) -> tuple[tuple[int, str], ...]:
    """UPDATE / DELETE: every column it names must be the table's; a parameter assigned to a
    column gets that column's affinity. Returns the parameter coercions."""
    if table is None:
        return ()
    coercions = []
    for assignment in tree.expressions if isinstance(tree, exp.Update) else []:
        target = assignment.this
        if isinstance(target, exp.Column):
            column = table.column(target.name)
            if column is None and target.name.lower() not in ROWID_NAMES:
                raise make_error(OperationalError, f"no such column: {target.name}")
            value = assignment.expression
            if column is not None and isinstance(value, exp.Placeholder) and value.name[1:].isdigit():
                coercions.append((int(value.name[1:]), affinity_key(column.decltype)))
            elif column is not None:
                stored = dynamic_literal(value, affinity_key(column.decltype))
                if stored is not None:
                    value.replace(stored)
    where = tree.args.get("where")
    if where is not None:
        for col in where.find_all(exp.Column):
            if col.find_ancestor(exp.Select) is not None or col.table:
                continue
            if table.column(col.name) is None and col.name.lower() not in ROWID_NAMES:
                raise make_error(OperationalError, f"no such column: {col.name}")
    return tuple(c for c in coercions if c[1] is not None)


def dynamic_literal(value: exp.Expression, key: str | None) -> exp.Expression | None:
    """A number written in the SQL for a typeless (text-held) column, as the text that column
    keeps for it (values.COERCIONS[key]): the engine would print 1.0 as '1', an integer."""
    if key not in ("DYNAMIC", "DYNAMIC_NUMERIC"):
        return None
    negative = isinstance(value, exp.Neg)
    literal = value.this if negative else value
    if not isinstance(literal, exp.Literal) or literal.is_string:
        return None
    text = literal.this
    try:
        if text[:2].lower() == "0x":
            number: int | float = int(text, 16)
        elif text.isdigit():  # an integer while -2**63 <= it < 2**63, else a real
            number = -int(text) if negative else int(text)
            if not -2**63 <= number < 2**63:
                number = float(number)
            negative = False
        else:
            number = float(text)
    except ValueError:
        return None
    stored = COERCIONS[key](-number if negative else number)
    return exp.Literal.string(stored) if isinstance(stored, str) else None


def affinity_key(decltype: str) -> str | None:
    """The values.COERCIONS entry for a column's declared type (None: stored as given)."""
    aff = affinity(decltype)
    if is_dynamic(decltype):
        return "DYNAMIC_NUMERIC" if aff == "NUMERIC" else "DYNAMIC"
    if aff == "NUMERIC" and decltype.upper().startswith("BOOL"):
        return "INTEGER"
    return None if aff == "BLOB" else aff
