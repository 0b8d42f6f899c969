"""INSERT: rowid assignment, INSERT OR REPLACE / IGNORE, upserts, as SQLite does them.

- A rowid table's rowid is always written explicitly: omitted or NULL takes the next rowid (the
  connection fills AUTO_ROWID slots: largest rowid + 1, never reused under AUTOINCREMENT), so
  explicit and automatic keys never collide, and `RETURNING` it gives `lastrowid` exactly.
- OR REPLACE deletes the rows that conflict on any unique key, then inserts (SQLite's REPLACE
  algorithm), one VALUES row at a time so later rows replace earlier ones.
- OR IGNORE skips rows that conflict: ON CONFLICT DO NOTHING.
- An upsert without a conflict target (legal in SQLite) gets the table's primary key as target.
"""
from __future__ import annotations

from sqlglot import exp

from ..catalog import Table
from ..exceptions import NotSupportedError, OperationalError, make_error
from .plan import InsertInfo, Step
from .transforms import Context, apply

AUTO = "auto"  # placeholder name for an AUTO_ROWID slot


def _auto() -> exp.Placeholder:
    return exp.Placeholder(this=AUTO)


def _target(tree: exp.Insert) -> tuple[exp.Table, list[str] | None]:
    target = tree.this
    if isinstance(target, exp.Schema):
        return target.this, [c.name for c in target.expressions]
    return target, None


def _finish(tree: exp.Expression, catalog, dialect: str, returns_rows: bool) -> Step:
    ctx = Context(catalog, dialect)
    tree = apply(tree, ctx)
    return Step(tree.sql(dialect="postgres"), tuple(ctx.params), returns_rows)


def plan_insert(tree: exp.Insert, catalog, dialect: str) -> tuple[tuple[Step, ...], InsertInfo | None]:
    table_node, columns = _target(tree)
    table = catalog.writable(table_node.name)
    alternative = (tree.args.get("alternative") or "").upper()
    if table is None:
        if catalog.kind(table_node.name) == "view":
            raise make_error(OperationalError, f"cannot modify {table_node.name} because it is a view")
        raise make_error(OperationalError, f"no such table: {table_node.name}")
    tree.set("alternative", None)
    if columns is None:
        columns = [c.name for c in table.columns]
        source = tree.expression
        width = _width(source)
        if width is not None and width != len(columns) and not tree.args.get("default"):
            raise make_error(OperationalError,
                             f"table {table.name} has {len(columns)} columns but {width} values were supplied")
        if width is not None and width < len(columns):
            columns = columns[:width]
    else:
        for name in columns:
            if table.column(name) is None and name.lower() not in ("rowid", "oid", "_rowid_"):
                raise make_error(OperationalError, f"table {table.name} has no column named {name}")
    tree.set("this", exp.Schema(this=table_node, expressions=[exp.to_identifier(c) for c in columns]))
    if _width(tree.expression) not in (None, len(columns)):
        raise make_error(OperationalError,
                         f"{_width(tree.expression)} values for {len(columns)} columns")

    info = None
    user_returning = tree.args.get("returning") is not None
    if table.rowid is not None:
        info = _assign_rowids(tree, table, columns)
        if not user_returning:
            tree.set("returning", exp.Returning(expressions=[exp.column(table.rowid)]))

    if alternative == "IGNORE":
        tree.set("conflict", exp.OnConflict(action=exp.var("DO NOTHING")))
    elif alternative == "REPLACE":
        return _replace(tree, table, columns, catalog, dialect, user_returning), info
    elif alternative in ("", "ABORT", "FAIL", "ROLLBACK"):
        _default_conflict_target(tree, table)
    return (_finish(tree, catalog, dialect, True if info or user_returning else False),), info


def _width(source: exp.Expression | None) -> int | None:
    if isinstance(source, exp.Values):
        widths = {len(row.expressions) for row in source.expressions}
        if len(widths) > 1:
            raise make_error(OperationalError, "all VALUES must have the same number of terms")
        return widths.pop()
    if isinstance(source, exp.Select):
        return None if any(isinstance(p, exp.Star) for p in source.expressions) else len(source.expressions)
    return None


def _assign_rowids(tree: exp.Insert, table: Table, columns: list[str]) -> InsertInfo:
    rowid = table.rowid
    names = [c.lower() for c in columns]
    aliases = {rowid.lower(), "rowid", "oid", "_rowid_"}
    position = next((i for i, n in enumerate(names) if n in aliases), None)
    source = tree.expression
    rowid_params: list[int] = []
    per_row_auto = 0
    if tree.args.get("default"):
        tree.set("default", None)
        tree.set("this", exp.Schema(this=tree.this.this, expressions=[exp.to_identifier(rowid)]))
        tree.set("expression", exp.Values(expressions=[exp.Tuple(expressions=[_auto()])]))
        per_row_auto = 1
    elif isinstance(source, exp.Values):
        for row in source.expressions:
            if position is None:
                row.append("expressions", _auto())
            else:
                value = row.expressions[position]
                if isinstance(value, exp.Null):
                    value.replace(_auto())
                elif isinstance(value, exp.Placeholder):
                    rowid_params.append(int(value.name[1:]))
        if position is None:
            tree.this.append("expressions", exp.to_identifier(rowid))
            per_row_auto = 1
    elif position is None:
        # INSERT ... SELECT: number the selected rows after the current largest rowid.
        sub = exp.select("*").from_(exp.Subquery(this=source.copy(), alias=exp.TableAlias(
            this=exp.to_identifier("_hsq_src"))))
        numbered = exp.Add(this=exp.Placeholder(this=AUTO + "base"), expression=exp.Window(
            this=exp.RowNumber()))
        sub.select(numbered, copy=False)
        tree.set("expression", sub)
        tree.this.append("expressions", exp.to_identifier(rowid))
    return InsertInfo(table.name, rowid, tuple(rowid_params), table.autoincrement, per_row_auto)


def _default_conflict_target(tree: exp.Insert, table: Table) -> None:
    conflict = tree.args.get("conflict")
    if conflict is None or conflict.args.get("conflict_keys"):
        return
    action = conflict.args.get("action")
    if action is not None and "NOTHING" in action.sql().upper():
        return
    if not table.uniques:
        raise make_error(OperationalError, "ON CONFLICT clause does not match any PRIMARY KEY or UNIQUE constraint")
    conflict.set("conflict_keys", [exp.to_identifier(c) for c in table.uniques[0]])


def _replace(tree: exp.Insert, table: Table, columns: list[str], catalog, dialect: str,
             user_returning: bool) -> tuple[Step, ...]:
    source = tree.expression
    insert_cols = [i.name for i in tree.this.expressions]
    lower_cols = [c.lower() for c in insert_cols]
    keys = [k for k in catalog.unique_keys(table) if all(c.lower() in lower_cols for c in k)]
    if table.rowid is not None and table.rowid.lower() in lower_cols \
            and (table.rowid,) not in keys and not any(k == (table.rowid,) for k in keys):
        keys.append((table.rowid,))
    if not isinstance(source, exp.Values):
        if len(keys) == 1:
            conflict = exp.OnConflict(
                conflict_keys=[exp.to_identifier(c) for c in keys[0]],
                action=exp.var("DO UPDATE"),
                expressions=[exp.EQ(this=exp.column(c), expression=exp.column(c, table="excluded"))
                             for c in insert_cols if c.lower() not in {k.lower() for k in keys[0]}],
            )
            tree.set("conflict", conflict)
            return (_finish(tree, catalog, dialect, True),)
        raise make_error(NotSupportedError,
                         "INSERT OR REPLACE ... SELECT on a table with several unique keys is not supported")
    steps: list[Step] = []
    for row in source.expressions:
        values = row.expressions
        conditions = []
        for key in keys:
            parts = []
            for col in key:
                value = values[lower_cols.index(col.lower())]
                if isinstance(value, exp.Placeholder) and value.name == AUTO:
                    parts = []
                    break
                parts.append(exp.EQ(this=exp.column(col), expression=value.copy()))
            if parts:
                conditions.append(exp.and_(*parts) if len(parts) > 1 else parts[0])
        if conditions:
            delete = exp.Delete(this=exp.Table(this=exp.to_identifier(table.name)),
                                where=exp.Where(this=exp.or_(*conditions) if len(conditions) > 1
                                                else conditions[0]))
            steps.append(_finish(delete, catalog, dialect, False))
        single = tree.copy()
        single.set("expression", exp.Values(expressions=[row.copy()]))
        steps.append(_finish(single, catalog, dialect, True if table.rowid or user_returning else False))
    return tuple(steps)
