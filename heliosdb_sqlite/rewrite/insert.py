"""INSERT: rowid assignment, INSERT OR REPLACE / IGNORE, upserts, INSERT ... SELECT, as SQLite.

- A rowid table's rowid is always written explicitly: omitted or NULL takes the next rowid (the
  connection fills AUTO_ROWID slots: largest rowid + 1, never reused under AUTOINCREMENT), so
  explicit and automatic keys never collide, and `RETURNING` it gives `lastrowid` exactly.
- OR REPLACE deletes the rows that conflict on any unique key, then inserts (SQLite's REPLACE
  algorithm), one VALUES row at a time so later rows replace earlier ones.
- OR IGNORE skips rows that conflict: ON CONFLICT DO NOTHING. Several VALUES rows go one at a
  time, so that a skipped row gives its automatic rowid back (SQLite gives one only to a row it
  inserts).
- An upsert (ON CONFLICT ... DO UPDATE) runs, row by row, as INSERT ... DO NOTHING; if that
  inserted nothing, a probe per key of each ON CONFLICT clause in turn finds the first clause
  whose key conflicts (a clause without a target: the rowid, then the unique keys in the order
  SQLite checks them, newest first) and its DO UPDATE changes that row, `excluded.c` being the
  row's value for c; when no clause's key conflicts, the plain INSERT raises the engine's
  UNIQUE error. Nano's own DO UPDATE cannot find rows written earlier in the same transaction.
- INSERT ... SELECT runs the SELECT first and inserts its rows one by one through the same plan
  (Nano passes no parameters into an INSERT's SELECT and has no window functions there).
"""
from __future__ import annotations

import dataclasses

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from ..catalog import Table
from ..exceptions import NotSupportedError, OperationalError, make_error
from .lexer import Token, tokenize
from .plan import AUTO_ROWID, InsertInfo, Step
from .select import expand_stars
from .transforms import Context, apply, engine_sql

AUTO = "auto"  # placeholder name for an AUTO_ROWID slot


def _auto() -> exp.Placeholder:
    return exp.Placeholder(this=AUTO)


def _target(tree: exp.Insert) -> tuple[exp.Table, list[str] | None]:
    target = tree.this
    if isinstance(target, exp.Schema):
        return target.this, [c.name for c in target.expressions]
    return target, None


def _finish(tree: exp.Expression, catalog, dialect: str, returns_rows: bool, **kw) -> Step:
    ctx = Context(catalog, dialect)
    tree = apply(tree, ctx)
    return Step(engine_sql(tree), tuple(ctx.params), returns_rows, **kw)


def _conflict_starts(tokens: list[Token]) -> list[int]:
    """Indexes of the `ON CONFLICT` tokens outside parentheses."""
    depth = 0
    starts = []
    for i, tok in enumerate(tokens):
        if tok.kind == "lparen":
            depth += 1
        elif tok.kind == "rparen":
            depth -= 1
        elif depth == 0 and tok.kind == "word" and tok.text.upper() == "ON" \
                and i + 2 < len(tokens) and tokens[i + 1].text.upper() == "CONFLICT" \
                and (tokens[i + 2].kind == "lparen" or tokens[i + 2].text.upper() == "DO"):
            starts.append(i)  # not a join's `ON conflict = ...`
    return starts


def split_conflict_clauses(text: str, tokens: list[Token]) -> tuple[str, list[exp.OnConflict]]:
    """SQLite 3.35+ takes several upsert clauses (`ON CONFLICT (a) DO NOTHING ON CONFLICT (b) DO
    UPDATE ...`), and only the last may omit its target; sqlglot parses one. The statement keeps
    its first clause (and its RETURNING); the others come back parsed, in order. `tokens` are
    those of the original text, checked first so a statement with one clause pays nothing."""
    if len(_conflict_starts(tokens)) < 2:
        return text, []
    tokens = tokenize(text)  # `text` has the parameters renamed
    starts = _conflict_starts(tokens)
    end = next((i for i, tok in enumerate(tokens) if i > starts[-1] and tok.kind == "word"
                and tok.text.upper() == "RETURNING"), len(tokens))
    clauses = []
    for position, start in enumerate(starts):
        following = starts[position + 1] if position + 1 < len(starts) else end
        if position + 1 < len(starts) and tokens[start + 2].kind != "lparen":
            # only the last clause may omit its conflict target
            raise make_error(OperationalError, f'near "{tokens[following].text}": syntax error')
        if position:
            stop = tokens[following].start if following < len(tokens) else len(text)
            clauses.append(_parse_clause(text[tokens[start].start:stop], tokens[start]))
    first_end = tokens[starts[1]].start
    tail = text[tokens[end].start:] if end < len(tokens) else ""
    return text[:first_end] + " " + tail, clauses


def _parse_clause(clause: str, at: Token) -> exp.OnConflict:
    try:
        tree = sqlglot.parse_one(f"INSERT INTO t VALUES (1) {clause}", read="sqlite")
    except ParseError:
        raise make_error(OperationalError, f'near "{at.text}": syntax error') from None
    conflict = tree.args.get("conflict") if isinstance(tree, exp.Insert) else None
    if conflict is None:
        raise make_error(OperationalError, f'near "{at.text}": syntax error')
    return conflict


def plan_insert(tree: exp.Insert, catalog, dialect: str, nparams: int,
                more_clauses: list[exp.OnConflict] = ()):
    """(steps, InsertInfo or None, source step or None, parameter coercions) for one INSERT;
    `more_clauses` are its upsert clauses after the first (see split_conflict_clauses)."""
    table_node, columns = _target(tree)
    table = catalog.writable(table_node.name)
    alternative = (tree.args.get("alternative") or "").upper()
    if table is None:
        if catalog.kind(table_node.name) == "view":
            raise make_error(OperationalError, f"cannot modify {table_node.name} because it is a view")
        raise make_error(OperationalError, f"no such table: {table_node.name}")
    tree.set("alternative", None)

    source_step = None
    if isinstance(tree.expression, (exp.Select, exp.Union, exp.Intersect, exp.Except)):
        source_step, tree = _materialize(tree, catalog, dialect, nparams)

    width = _width(tree.expression)
    if columns is None:
        columns = [c.name for c in table.columns]
        if width is not None and width != len(columns) and not tree.args.get("default"):
            raise make_error(OperationalError, f"table {table.name} has {len(columns)} columns "
                             f"but {width} values were supplied")
    else:
        for name in columns:
            if table.column(name) is None and name.lower() not in ("rowid", "oid", "_rowid_"):
                raise make_error(OperationalError, f"table {table.name} has no column named {name}")
        if width is not None and width != len(columns):
            raise make_error(OperationalError, f"{width} values for {len(columns)} columns")
    tree.set("this", exp.Schema(this=table_node, expressions=[exp.to_identifier(c) for c in columns]))
    coercions = _values_coercions(tree, table, columns)

    info = None
    user_returning = tree.args.get("returning") is not None
    if user_returning:
        _refuse_typeless_arithmetic(tree.args["returning"], table)
    conflict = tree.args.get("conflict")
    clauses = [] if conflict is None else [conflict, *more_clauses]
    if clauses and alternative == "REPLACE":
        raise make_error(NotSupportedError, "INSERT OR REPLACE with an ON CONFLICT clause is not "
                         "supported by heliosdb_sqlite")
    keys = [_clause_keys(c, table, catalog) for c in clauses]
    # several clauses: each key is probed in the clauses' order, even when all do nothing
    upsert = any(_updates(c) for c in clauses) or len(clauses) > 1
    if table.rowid is not None:
        info = _assign_rowids(tree, table, columns)
        if not user_returning:
            tree.set("returning", exp.Returning(expressions=[exp.column(table.rowid)]))
        else:  # the rowid rides at the end of the user's rows, for lastrowid
            tree.args["returning"].append("expressions", exp.alias_(
                exp.column(table.rowid), HIDDEN_RETURNING, quoted=True))
            info = dataclasses.replace(info, returning_rowid=True)
    returns = bool(info) or user_returning
    several = isinstance(tree.expression, exp.Values) and len(tree.expression.expressions) > 1

    if upsert:
        # a last clause that names no target and does nothing skips a row any key conflicts with
        skip_any = alternative == "IGNORE" or keys[-1] is None
        steps = _upsert(tree, table, list(zip(keys, clauses)), catalog, dialect, returns, info,
                        user_returning, skip_any)
    elif alternative == "REPLACE":
        steps = _replace(tree, table, catalog, dialect, user_returning)
    else:
        if alternative == "IGNORE":
            tree.set("conflict", exp.OnConflict(action=exp.var("DO NOTHING")))
        elif clauses and keys[0] is not None:  # DO NOTHING on the key the target names
            conflict.set("conflict_keys", [exp.column(c) for c in keys[0][0]])
        if (alternative == "IGNORE" or clauses) and several and info is not None:
            steps = tuple(dataclasses.replace(
                _with_plain(single, catalog, dialect, returns, info, user_returning),
                new_row=True) for _, single in _rows(tree))
        else:
            step = _with_plain(tree, catalog, dialect, returns, info, user_returning)
            if clauses and alternative != "IGNORE":
                # no plain form: executemany would send the rows as one batch with a rowid drawn
                # for each, and a skipped row's rowid would be lost (its plan is batched when
                # the statement has a plain form and no OR IGNORE)
                step = dataclasses.replace(step, plain_sql=None, rowid_at=None)
            steps = (step,)
    return steps, info, source_step, coercions


def _updates(clause: exp.OnConflict) -> bool:
    return "UPDATE" in (clause.args.get("action") or exp.var("")).sql().upper()


_ROWID_NAMES = ("rowid", "oid", "_rowid_")


def _clause_keys(clause: exp.OnConflict, table: Table, catalog) -> list[tuple[str, ...]] | None:
    """The unique keys an ON CONFLICT clause covers, in the order SQLite checks them: the one its
    target names, or, without a target (None when it is DO NOTHING: the engine's own), the
    rowid, then the unique keys newest first (SQLite puts each new index at the head of the
    table's list, and a CREATE TABLE's constraints go in in the order they are written)."""
    if clause.args.get("index_predicate") is not None:
        raise make_error(NotSupportedError, "an ON CONFLICT target with a WHERE clause (a partial "
                         "index) is not supported by heliosdb_sqlite")
    targets = [k.this if isinstance(k, exp.Ordered) else k
               for k in clause.args.get("conflict_keys") or []]
    uniques = catalog.unique_keys(table)
    rowid = table.rowid
    if not targets:
        if not _updates(clause):
            return None
        keys = [(rowid,)] if rowid is not None else []
        return keys + [k for k in reversed(uniques)
                       if rowid is None or [c.lower() for c in k] != [rowid.lower()]]
    names = [t.name.lower() for t in targets]
    for target in targets:
        if table.column(target.name) is None and (rowid is None or target.name.lower()
                                                  not in (rowid.lower(), *_ROWID_NAMES)):
            raise make_error(OperationalError, f"no such column: {target.name}")
    if rowid is not None and len(names) == 1 and names[0] in (rowid.lower(), *_ROWID_NAMES):
        return [(rowid,)]
    for key in uniques:
        if len(key) == len(names) and {c.lower() for c in key} == set(names):
            return [key]
    raise make_error(OperationalError, "ON CONFLICT clause does not match any PRIMARY KEY or "
                     "UNIQUE constraint")


HIDDEN_RETURNING = "_hsq_rowid"


def _with_plain(tree: exp.Insert, catalog, dialect: str, returns: bool, info,
                user_returning: bool) -> Step:
    """The INSERT step; for one VALUES row whose rowid is known before it runs, also the form
    without RETURNING (a plain execute: faster, and the engine scans such rows faster)."""
    original = tree.copy()  # _finish transforms the tree in place
    step = _finish(tree, catalog, dialect, returns)
    tree = original
    values = tree.expression
    if info is None or user_returning or not isinstance(values, exp.Values) \
            or len(values.expressions) != 1:
        return step
    rowid_position = [c.name.lower() for c in tree.this.expressions].index(info.rowid.lower())
    value = values.expressions[0].expressions[rowid_position]
    if not isinstance(value, exp.Placeholder):
        return step
    plain = tree.copy()
    plain.set("returning", None)
    ctx = Context(catalog, dialect)
    plain_sql = engine_sql(apply(plain, ctx))
    slot = AUTO_ROWID if value.name == AUTO else int(value.name[1:])
    return Step(step.sql, step.params, step.returns_rows, plain_sql=plain_sql,
                rowid_at=ctx.params.index(slot))


def _refuse_typeless_arithmetic(returning: exp.Returning, table: Table) -> None:
    """INSERT ... RETURNING does not get dynamic_math's numbers (the pipeline's scope finds no
    source for RETURNING's columns), and the engine gives NULL for arithmetic on a typeless
    column's text: a clear error instead of a silent NULL."""
    from .types import is_dynamic
    for column in returning.find_all(exp.Column):
        declared = table.column(column.name)
        if declared is not None and is_dynamic(declared.decltype) and column.find_ancestor(
                exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.AggFunc) is not None:
            raise make_error(NotSupportedError, "arithmetic on a column without a declared type "
                             "in INSERT ... RETURNING is not supported by heliosdb_sqlite")


def _values_coercions(tree: exp.Insert, table: Table, columns: list[str]):
    """Parameters inserted into a typed column take its affinity; a double-quoted name in VALUES
    is a string (VALUES can name no column, so SQLite falls back to the literal)."""
    from .names import affinity_key, dynamic_literal
    coercions = []
    source = tree.expression
    if not isinstance(source, exp.Values):
        return ()
    for row in source.expressions:
        for col in list(row.find_all(exp.Column)):
            if col.find_ancestor(exp.Select) is None:
                if not col.this.quoted or col.table:
                    raise make_error(OperationalError, f"no such column: {col.sql(dialect='sqlite')}")
                col.replace(exp.Literal.string(col.name))
        for name, value in zip(columns, row.expressions):
            column = table.column(name)
            if column is not None and isinstance(value, exp.Placeholder) and value.name[1:].isdigit():
                key = affinity_key(column.decltype)
                if key is not None:
                    coercions.append((int(value.name[1:]), key))
            elif column is not None:
                stored = dynamic_literal(value, affinity_key(column.decltype))
                if stored is not None:
                    value.replace(stored)
    return tuple(coercions)


def _materialize(tree: exp.Insert, catalog, dialect: str, nparams: int):
    """The SELECT as a source step, and the INSERT rewritten to take one selected row."""
    query = tree.expression
    for select in query.find_all(exp.Select):
        expand_stars(select, catalog)
    width = _width(query)
    if width is None:
        raise make_error(NotSupportedError,
                         "INSERT ... SELECT * from a source whose columns are unknown")
    source = _finish(query.copy(), catalog, dialect, True)
    row = exp.Tuple(expressions=[exp.Placeholder(this=f"p{nparams + j + 1}") for j in range(width)])
    tree.set("expression", exp.Values(expressions=[row]))
    return source, tree


def _width(source: exp.Expression | None) -> int | None:
    if isinstance(source, exp.Values):
        widths = {len(row.expressions) for row in source.expressions}
        if len(widths) > 1:
            raise make_error(OperationalError, "all VALUES must have the same number of terms")
        return widths.pop()
    if isinstance(source, (exp.Union, exp.Intersect, exp.Except)):
        return _width(source.this)
    if isinstance(source, exp.Select):
        if any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
               for p in source.expressions):
            return None
        return len(source.expressions)
    return None


def _assign_rowids(tree: exp.Insert, table: Table, columns: list[str]) -> InsertInfo:
    rowid = table.rowid
    names = [c.lower() for c in columns]
    aliases = {rowid.lower(), "rowid", "oid", "_rowid_"}
    position = next((i for i, n in enumerate(names) if n in aliases), None)
    rowid_params: list[int] = []
    per_row_auto = 0
    if tree.args.get("default"):
        tree.set("default", None)
        tree.set("this", exp.Schema(this=tree.this.this, expressions=[exp.to_identifier(rowid)]))
        tree.set("expression", exp.Values(expressions=[exp.Tuple(expressions=[_auto()])]))
        per_row_auto = 1
    else:
        for row in tree.expression.expressions:
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
        else:
            tree.this.expressions[position].set("this", rowid)
    return InsertInfo(table.name, rowid, tuple(rowid_params), table.autoincrement, per_row_auto)


def _rows(tree: exp.Insert):
    """Each VALUES row as its own INSERT (later rows must see earlier ones)."""
    for row in tree.expression.expressions:
        single = tree.copy()
        single.set("expression", exp.Values(expressions=[row.copy()]))
        yield row, single


def _key_condition(key, insert_cols: list[str], values) -> exp.Expression | None:
    parts = []
    for col in key:
        value = values[insert_cols.index(col.lower())]
        if isinstance(value, exp.Placeholder) and value.name == AUTO:
            return None  # a new rowid conflicts with nothing
        parts.append(exp.EQ(this=exp.column(col), expression=value.copy()))
    return exp.and_(*parts) if len(parts) > 1 else parts[0]


def _replace(tree: exp.Insert, table: Table, catalog, dialect: str,
             user_returning: bool) -> tuple[Step, ...]:
    insert_cols = [i.name.lower() for i in tree.this.expressions]
    keys = [k for k in catalog.unique_keys(table) if all(c.lower() in insert_cols for c in k)]
    if table.rowid is not None and table.rowid.lower() in insert_cols and (table.rowid,) not in keys:
        keys.append((table.rowid,))
    steps: list[Step] = []
    for row, single in _rows(tree):
        conditions = [c for c in (_key_condition(k, insert_cols, row.expressions) for k in keys) if c]
        if conditions:
            delete = exp.Delete(this=exp.Table(this=exp.to_identifier(table.name)),
                                where=exp.Where(this=exp.or_(*conditions)))
            steps.append(_finish(delete, catalog, dialect, False, counts=False, new_row=True))
        steps.append(_finish(single, catalog, dialect, bool(table.rowid) or user_returning,
                             new_row=not conditions))
    return tuple(steps)


def _upsert(tree: exp.Insert, table: Table, clauses: list, catalog, dialect: str, returns: bool,
            info, user_returning: bool, ignore: bool) -> tuple[Step, ...]:
    insert_cols = [i.name.lower() for i in tree.this.expressions]
    returning = tree.args.get("returning") if user_returning else None
    steps: list[Step] = []
    for row, single in _rows(tree):
        values = row.expressions
        first = single.copy()
        first.set("conflict", exp.OnConflict(action=exp.var("DO NOTHING")))
        steps.append(dataclasses.replace(
            _with_plain(first, catalog, dialect, returns, info, user_returning), new_row=True))
        for keys, clause in clauses:
            for key in keys or ():
                condition = _probe_condition(key, insert_cols, values, table)
                if condition is None:
                    continue
                probe = exp.select(exp.Literal.number(1)).from_(table.name).where(
                    condition.copy()).limit(1)
                steps.append(_finish(probe, catalog, dialect, True, counts=False, probe=True,
                                     unless_settled=True))
                if _updates(clause):
                    steps.append(_do_update(clause, condition, table, insert_cols, values,
                                            returning, catalog, dialect))
        if not ignore:  # no clause's key conflicts: the INSERT raises the engine's error
            single.set("conflict", None)
            steps.append(dataclasses.replace(
                _with_plain(single, catalog, dialect, returns, info, user_returning),
                unless_settled=True))
    return tuple(steps)


def _probe_condition(key, insert_cols: list[str], values, table: Table) -> exp.Expression | None:
    """The key's columns equal to the values the row would insert (a column the INSERT leaves
    out takes its default); None when a value is a new rowid, which conflicts with nothing."""
    parts = []
    for col in key:
        value = _excluded(exp.column(col, table="excluded"), insert_cols, values, table)
        if isinstance(value, exp.Placeholder) and value.name == AUTO:
            return None
        parts.append(exp.EQ(this=exp.column(col), expression=value))
    return exp.and_(*parts) if len(parts) > 1 else parts[0]


def _do_update(clause: exp.OnConflict, condition: exp.Expression, table: Table,
               insert_cols: list[str], values, returning, catalog, dialect: str) -> Step:
    """The DO UPDATE of the conflicting row (its key equals the row's), with its WHERE."""
    where = clause.args.get("where")
    if where is not None:
        where = where.this if isinstance(where, exp.Where) else where
        condition = exp.and_(condition.copy(), _excluded(where.copy(), insert_cols, values, table))
    update = exp.Update(this=exp.Table(this=exp.to_identifier(table.name)),
                        expressions=[_excluded(s.copy(), insert_cols, values, table)
                                     for s in clause.expressions],
                        where=exp.Where(this=condition))
    if returning is not None:
        update.set("returning", returning.copy())
    return _finish(update, catalog, dialect, returning is not None, only_if_prev_rows=True)


def _excluded(node: exp.Expression, insert_cols: list[str], values, table: Table) -> exp.Expression:
    """`excluded.c` is the value the row would have inserted into c."""
    for col in list(node.find_all(exp.Column)):
        if col.table.lower() == "excluded":
            name = col.name.lower()
            if name in insert_cols:
                replacement = values[insert_cols.index(name)].copy()
            else:
                declared = table.column(name)
                replacement = exp.maybe_parse(declared.default, dialect="sqlite") \
                    if declared is not None and declared.default else exp.Null()
            if col is node:
                return replacement
            col.replace(replacement)
        elif col.table.lower() == table.name.lower():
            col.set("table", None)
    return node
