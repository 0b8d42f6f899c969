"""SQLite behaviours as pure AST transforms (sqlglot), one rule each, applied in PIPELINE order.

Every transform takes the tree and a Context (catalog, dialect) and returns the tree. They run
once per distinct statement text; the result is cached with the plan, so none is on the hot path.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from sqlglot import exp

from ..catalog import HIDDEN_ROWID, MASTER, SEQUENCE, Catalog
from .plan import AUTO_ROWID, ROWID_BASE

CONNECTION_SLOTS = {"auto": AUTO_ROWID, "autobase": ROWID_BASE}

ROWID_NAMES = frozenset(("rowid", "oid", "_rowid_"))


@dataclass
class Context:
    catalog: Catalog
    dialect: str
    params: list[int] = field(default_factory=list)  # SQLite index of each engine $n, in order


def lower_identifiers(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite names are case-insensitive, quoted or not: the engine sees them lower-case, quoted.

    Quoting every name also lets SQLite apps use names that are reserved words in PostgreSQL.
    """
    for ident in tree.find_all(exp.Identifier):
        ident.set("this", ident.this.lower() if ident.this.isascii() else _ascii_lower(ident.this))
        ident.set("quoted", True)
    return tree


def _ascii_lower(text: str) -> str:
    return "".join(ch.lower() if ch.isascii() else ch for ch in text)


def catalog_tables(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """sqlite_master / sqlite_schema / sqlite_sequence read the shadow catalog."""
    for table in list(tree.find_all(exp.Table)):
        name = table.name.lower()
        if name in ("sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema"):
            where = "WHERE FALSE" if "temp" in name else ""
            sub = exp.maybe_parse(
                f"(SELECT type, name, tbl_name, seq + 1 AS rootpage, sql FROM {MASTER} {where})",
                dialect="postgres",
            )
            alias = table.alias or name
            table.replace(exp.Subquery(this=sub.this, alias=exp.TableAlias(
                this=exp.to_identifier(alias))))
        elif name == "sqlite_sequence":
            if not table.alias:
                table.set("alias", exp.TableAlias(this=exp.to_identifier(name)))
            table.set("this", exp.to_identifier(SEQUENCE))
    return tree


def rowid_columns(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """`rowid`, `oid` and `_rowid_` name the rowid: the INTEGER PRIMARY KEY column if there is one,
    else the hidden rowid column the engine table carries."""
    tables = [t for t in tree.find_all(exp.Table)]
    for col in list(tree.find_all(exp.Column)):
        if col.name.lower() not in ROWID_NAMES:
            continue
        qualifier = col.table.lower()
        for t in tables:
            if qualifier and qualifier not in (t.name.lower(), (t.alias or "").lower()):
                continue
            info = ctx.catalog.table(t.name)
            if info is None or info.column(col.name) is not None:
                continue
            target = info.rowid or HIDDEN_ROWID
            col.set("this", exp.to_identifier(target))
            break
    return tree


def placeholders(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite parameters (lexed to `:pN`) become the engine's numbered `$n`, in output order."""
    numbers: dict[int, int] = {}
    for ph in list(tree.find_all(exp.Placeholder)):
        name = ph.name
        if name in CONNECTION_SLOTS:  # filled by the connection, one value per occurrence
            ctx.params.append(CONNECTION_SLOTS[name])
            ph.replace(exp.Var(this=f"${len(ctx.params)}"))
            continue
        index = int(name[1:])
        if index not in numbers:
            ctx.params.append(index)
            numbers[index] = len(ctx.params)
        ph.replace(exp.Var(this=f"${numbers[index]}"))
    return tree


def division_by_zero(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite: x / 0 and x % 0 are NULL, not an error."""
    for node in list(tree.find_all(exp.Div, exp.Mod)):
        divisor = node.expression
        if isinstance(divisor, exp.Literal) and not divisor.is_string and divisor.this not in ("0", "0.0"):
            continue
        node.set("expression", exp.Nullif(this=divisor.copy(), expression=exp.Literal.number(0)))
    return tree


def boolean_literals(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's TRUE and FALSE are the integers 1 and 0."""
    for node in list(tree.find_all(exp.Boolean)):
        if isinstance(node.parent, (exp.Where, exp.Having, exp.If, exp.Join)):
            continue
        node.replace(exp.Literal.number(1 if node.this else 0))
    return tree


def negative_limit(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite: a negative LIMIT means no limit."""
    for limit in list(tree.find_all(exp.Limit)):
        value = limit.expression
        if isinstance(value, exp.Neg) and isinstance(value.this, exp.Literal):
            limit.pop()
    return tree


def conflict_target(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """`ON CONFLICT(k)` names plain columns (sqlglot's SQLite reader adds an ordering to each)."""
    for conflict in tree.find_all(exp.OnConflict):
        keys = conflict.args.get("conflict_keys") or []
        conflict.set("conflict_keys", [k.this if isinstance(k, exp.Ordered) else k for k in keys])
    return tree


Transform = Callable[[exp.Expression, Context], exp.Expression]

PIPELINE: tuple[Transform, ...] = (
    catalog_tables,
    rowid_columns,
    division_by_zero,
    boolean_literals,
    negative_limit,
    conflict_target,
    lower_identifiers,
    placeholders,
)


def apply(tree: exp.Expression, ctx: Context) -> exp.Expression:
    for transform in PIPELINE:
        tree = transform(tree, ctx)
    return tree
