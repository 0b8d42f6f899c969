"""SQLite behaviours as pure AST transforms (sqlglot), one rule each, applied in PIPELINE order.

Every transform takes the tree and a Context (catalog, dialect) and returns the tree. They run
once per distinct statement text; the result is cached with the plan, so none is on the hot path.
"""
from __future__ import annotations

import re
from typing import Callable

from sqlglot import exp

from ..catalog import HIDDEN_ROWID, MASTER, SEQUENCE, Catalog
from ..engine import needs_shield, unicode_body
from . import (collate, collate_groups, collate_order, dynamic_math, dynamic_minmax, json1,
               patterns, queries, semantics)
from .functions import sqlite_functions
from .plan import AUTO_ROWID, CHANGES, LAST_INSERT_ROWID, ROWID_BASE, TOTAL_CHANGES
from .transforms_base import Context

CONNECTION_SLOTS = {"auto": AUTO_ROWID, "autobase": ROWID_BASE, "changes": CHANGES,
                    "total_changes": TOTAL_CHANGES, "last_insert_rowid": LAST_INSERT_ROWID}

ROWID_NAMES = frozenset(("rowid", "oid", "_rowid_"))


def lower_identifiers(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite names are case-insensitive, quoted or not: the engine sees them lower-case, quoted.

    Quoting every name also lets SQLite apps use names that are reserved words in PostgreSQL.
    """
    for ident in tree.find_all(exp.Identifier):
        ident.set("this", ident.this.lower() if ident.this.isascii() else _ascii_lower(ident.this))
        # Nano does not register a CTE whose name is quoted in its WITH clause
        cte_name = isinstance(ident.parent, exp.TableAlias) and isinstance(ident.parent.parent,
                                                                           exp.CTE)
        ident.set("quoted", not (cte_name and _BARE.match(ident.this)))
    return tree


_BARE = re.compile(r"[a-z_][a-z0-9_]*\Z")


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
            if not table.alias and table.find_ancestor(exp.Select) is not None:
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


def derived_qualifiers(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Nano cannot resolve `s.col` when `s` is a subquery or a view (only `col`): such a
    qualifier is dropped wherever the column name is unambiguous among the query's sources."""
    for select in list(tree.find_all(exp.Select)):
        sources = _source_columns(select, ctx.catalog)
        derived = {ref for ref, (cols, is_derived) in sources.items() if is_derived}
        if not derived:
            continue
        for col in _own_columns(select):
            qualifier = col.table.lower()
            if qualifier not in derived:
                continue
            name = col.name.lower()
            owners = [ref for ref, (cols, _) in sources.items() if cols is None or name in cols]
            if owners == [qualifier]:
                col.set("table", None)
    return tree


def _source_columns(select: exp.Select, catalog: Catalog) -> dict[str, tuple[set | None, bool]]:
    """Per FROM/JOIN source (by reference name): its column names (None if unknown), and
    whether it is a subquery or view."""
    out: dict[str, tuple[set | None, bool]] = {}
    nodes = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        nodes.append(from_.this)
    nodes.extend(j.this for j in select.args.get("joins") or [])
    for node in nodes:
        ref = node.alias_or_name.lower()
        if isinstance(node, exp.Table):
            view = catalog.view(node.name)
            table = view or catalog.relation(node.name)
            cols = {c.name.lower() for c in table.columns} if table else None
            out[ref] = (cols, view is not None)
        elif isinstance(node, exp.Subquery):
            inner = node.this
            names = [p.alias_or_name.lower() for p in getattr(inner, "selects", [])]
            known = names and all(names) and not any(isinstance(p, exp.Star)
                                                     for p in getattr(inner, "selects", []))
            out[ref] = (set(names) if known else None, True)
    return out


def _own_columns(select: exp.Select):
    """Column references that belong to this SELECT, not to a nested one."""
    for node in select.walk(prune=lambda n: isinstance(n, exp.Select) and n is not select):
        if isinstance(node, exp.Column):
            yield node


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


def blob_literals(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's X'00FF' blob literal is a bytea literal in the engine."""
    for node in list(tree.find_all(exp.HexString)):
        node.replace(exp.Cast(this=exp.Literal.string("\\x" + node.this),
                              to=exp.DataType.build("BYTEA")))
    return tree


def shielded_strings(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """A string literal holding a spelling the engine rewrites in statement text
    (engine.ENGINE_TEXT_REWRITES) is sent as the same string in U&'' form, broken up."""
    for node in list(tree.find_all(exp.Literal)):
        if node.is_string and needs_shield(node.this):
            node.replace(exp.UnicodeString(this=unicode_body(node.this)))
    return tree


def boolean_literals(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's TRUE and FALSE are the integers 1 and 0."""
    for node in list(tree.find_all(exp.Boolean)):
        parent = node.parent
        while isinstance(parent, exp.Paren):
            parent = parent.parent
        # a condition's own place: there the engine needs a boolean (`WHERE k = 'b' AND 0`)
        if isinstance(parent, (exp.Where, exp.Having, exp.If, exp.Join, exp.And, exp.Or,
                               exp.Not)):
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
    semantics.null_negation,  # first: only the statement's own negations, not generated ones
    queries.index_hints,
    queries.correlated_outer_alias,
    queries.correlated_select_list,
    queries.using_to_on,
    queries.cte_column_lists,
    catalog_tables,
    rowid_columns,
    json1.json_calls,
    dynamic_math.dynamic_operands,  # marks the columns only: sqlite_functions keeps the marks
    sqlite_functions,
    dynamic_math.dynamic_arithmetic,  # after sqlite_functions: its builders would grow number()
    queries.scan_order,  # after sqlite_functions, which turns total() into an aggregate
    queries.ordered_concat_input,
    collate_order.compounds,
    collate.comparisons,
    collate_order.sort_keys,
    collate_groups.extremes,
    collate.leftovers,
    semantics.in_forms,
    semantics.truthiness,
    semantics.booleans_as_numbers,
    semantics.like_nocase,
    patterns.glob,
    semantics.null_safe_eq_parens,
    semantics.scalar_min_max,
    semantics.str_position,
    semantics.blob_comparisons,
    semantics.dynamic_integer_equality,
    semantics.int64_min_literal,
    semantics.real_numbers,
    semantics.concat_text,
    dynamic_minmax.typeless_extremes,  # after the rules above: its SQL is the engine's already
    division_by_zero,
    blob_literals,
    shielded_strings,
    boolean_literals,
    negative_limit,
    conflict_target,
    derived_qualifiers,
    lower_identifiers,
    placeholders,
)


def engine_sql(tree: exp.Expression) -> str:
    """The engine's text for a tree. Comments are dropped: they would hide the statement's verb
    from the transport (see embedded/binding.py) and mean nothing to the engine."""
    return tree.sql(dialect="postgres", comments=False)


def apply(tree: exp.Expression, ctx: Context) -> exp.Expression:
    for transform in PIPELINE:
        tree = transform(tree, ctx)
    return tree
