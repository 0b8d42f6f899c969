"""UPDATE OR IGNORE / REPLACE / FAIL: SQLite's conflict algorithms for an UPDATE, row by row.

SQLite visits the rows an UPDATE matches one at a time and checks each row's new values before
it writes them: NOT NULL, then CHECK, then the rowid and the unique keys the UPDATE changes;
later rows see the rows written before them. The engine checks a whole statement at once, and
on PostgreSQL and a Nano server a failed statement spoils the transaction, so these algorithms
run as probes, never as statements that fail:

- a source SELECT lists the matched rows in rowid order (their identity, and the new values of
  every unique key the UPDATE changes, computed before any row is written: a row's new values
  depend on that row, which nothing the statement runs before its turn changes);
- OR IGNORE: a probe per constraint; a row whose probe finds a violation is skipped;
- OR REPLACE: NULL for a NOT NULL column takes the column's default (without one, and for a
  CHECK, the statement fails as with ABORT); the other rows that hold one of the row's new keys
  are deleted, unless an earlier row's REPLACE deleted this row, then the row is updated;
- OR FAIL: a guard per constraint raises SQLite's error; the rows updated before it stay
  (Plan.keeps_earlier_rows).

Each row's own UPDATE carries the statement's SET expressions (so values are stored as the
plain UPDATE stores them) and RETURNING; rowcount counts the rows updated, not REPLACE's
deletes. A constraint no probe covers (a key the shadow catalog does not know) still fails in
the engine, which undoes the whole statement as ABORT does.
"""
from __future__ import annotations

from sqlglot import exp

from ..catalog import Table
from ..exceptions import NotSupportedError, make_error
from .ddl import parse_create_table
from .lexer import tokenize
from .plan import Step
from .transforms import ROWID_NAMES, Context, apply, engine_sql
from .types import is_dynamic

ALGORITHMS = ("IGNORE", "REPLACE", "FAIL")


def plan_update_or(tree: exp.Update, algorithm: str, table: Table, catalog, dialect: str,
                   nparams: int) -> tuple[Step, tuple[Step, ...]] | None:
    """(source step, per-row steps) for UPDATE OR <algorithm>; the per-row steps read the
    source row's values as SQLite parameters nparams + 1, nparams + 2, ... None when no row can
    break a constraint the catalog knows: the plain UPDATE does the same in one statement."""
    for arg in ("from", "joins", "order", "limit"):
        if tree.args.get(arg):
            raise make_error(NotSupportedError, f"UPDATE OR {algorithm} with {arg.upper()} is "
                             "not supported by heliosdb_sqlite")
    sets = _assignments(tree, table)
    defaulted = []
    not_null = [c for c in table.columns if c.notnull and c.name.lower() in sets
                and c.name.lower() != (table.rowid or "").lower()]
    if algorithm == "REPLACE":
        defaulted = [c for c in not_null if _default(c) is not None]
        not_null = [c for c in not_null if _default(c) is None]
        for column in defaulted:  # SQLite's REPLACE stores the default instead of NULL
            name = column.name.lower()
            sets[name] = exp.func("COALESCE", exp.paren(sets[name]), _default(column))
    identity = [table.rowid] if table.rowid is not None else list(table.uniques[0])
    keys = _changed_keys(table, catalog, sets)
    key_columns = list(dict.fromkeys(c.lower() for key in keys for c in key))
    # the source row: the row's identity, then the new value of each key column
    this_row = _equal(identity, [_slot(nparams, i) for i in range(len(identity))])
    values = {c: _slot(nparams, len(identity) + j) for j, c in enumerate(key_columns)}

    source = _source(tree, table, identity,
                     [_new_value(table, c, sets) for c in key_columns])
    steps: list[Step] = []
    if table.rowid is not None and table.rowid.lower() in sets:
        # SQLite cannot store a NULL rowid whatever the algorithm (it fails as ABORT)
        steps.append(_check(table, this_row, _is_null(sets[table.rowid.lower()]), "ABORT",
                            "datatype mismatch", "SQLITE_MISMATCH", catalog, dialect))
    for column in not_null:
        steps.append(_check(table, this_row, _is_null(sets[column.name.lower()]), algorithm,
                            f"NOT NULL constraint failed: {table.name}.{column.name}",
                            "SQLITE_CONSTRAINT_NOTNULL", catalog, dialect))
    for label, check in _checks(table, catalog, sets):
        steps.append(_check(table, this_row, exp.not_(exp.paren(check)), algorithm,
                            f"CHECK constraint failed: {label}", "SQLITE_CONSTRAINT_CHECK",
                            catalog, dialect))
    if algorithm == "REPLACE":
        if keys:
            steps.extend(_replace_conflicts(table, values, keys, this_row, catalog, dialect))
    else:
        for key in keys:
            steps.append(_check(table, _other_rows(this_row, values, key), None, algorithm,
                                "UNIQUE constraint failed: " + ", ".join(
                                    f"{table.name}.{_column_name(table, c)}" for c in key),
                                "SQLITE_CONSTRAINT_UNIQUE", catalog, dialect))
    if not steps and not defaulted:
        return None
    steps.append(_row_update(tree, table, sets, this_row, algorithm == "IGNORE", catalog, dialect))
    return _finish(source, catalog, dialect, True), tuple(steps)


def _source(tree: exp.Update, table: Table, identity: list[str], new_values: list) -> exp.Select:
    """The rows the UPDATE matches, in rowid order: their identity, then the new key values."""
    items = [exp.column(c) for c in identity] + new_values
    # named: Nano's REPL reuses the plan of a query that differs only in a literal, and then
    # cannot find an unnamed item by its old literal's name
    source = exp.select(*[exp.alias_(item, f"_hsq_{i}", quoted=True)
                          for i, item in enumerate(items)]).from_(table.name)
    if tree.args.get("where") is not None:
        source.set("where", tree.args["where"].copy())
    return source.order_by(*[exp.column(c) for c in identity])


def _is_null(value: exp.Expression) -> exp.Expression:
    return exp.Is(this=exp.paren(value.copy()), expression=exp.Null())


def _slot(nparams: int, i: int) -> exp.Placeholder:
    return exp.Placeholder(this=f"p{nparams + i + 1}")


def _assignments(tree: exp.Update, table: Table) -> dict[str, exp.Expression]:
    """Lower-case column name -> its new value, the rowid under the table's rowid column."""
    sets: dict[str, exp.Expression] = {}
    for assignment in tree.expressions:
        target = assignment.this
        if not isinstance(target, exp.Column):
            raise make_error(NotSupportedError, "UPDATE OR ... SET with a row value is not "
                             "supported by heliosdb_sqlite")
        sets[_target(target, table)] = assignment.expression
    return sets


def _target(target: exp.Column, table: Table) -> str:
    name = target.name.lower()
    if table.column(name) is None and name in ROWID_NAMES and table.rowid is not None:
        return table.rowid.lower()
    return name


def _changed_keys(table: Table, catalog, sets: dict) -> list[tuple[str, ...]]:
    """The unique keys whose columns the UPDATE sets, in the order SQLite checks them: the
    rowid, then the unique keys newest first (each new index goes to the head of the table's
    list)."""
    rowid = (table.rowid or "").lower()
    keys = [(table.rowid,)] if rowid in sets else []
    for key in reversed(catalog.unique_keys(table)):
        lowered = [c.lower() for c in key]
        if lowered != [rowid] and any(c in sets for c in lowered):
            keys.append(key)
    return keys


def _new_value(table: Table, column: str, sets: dict) -> exp.Expression:
    """A key column's new value as the row's UPDATE stores it: a typeless (text-held) column
    stores the engine's text of the value, which the probes compare with the column (PostgreSQL
    has no text = bigint)."""
    value = sets.get(column.lower())
    if value is None:
        return exp.column(column)
    declared = table.column(column)
    if declared is not None and is_dynamic(declared.decltype):
        return exp.Cast(this=exp.paren(value.copy()), to=exp.DataType.build("TEXT"))
    return value.copy()


def _default(column) -> exp.Expression | None:
    if column.default is None or column.default.strip().upper() == "NULL":
        return None
    return exp.maybe_parse(column.default, dialect="sqlite")


def _column_name(table: Table, name: str) -> str:
    column = table.column(name)
    return column.name if column is not None else name


def _equal(columns: list[str], values: list[exp.Expression]) -> exp.Expression:
    return exp.and_(*[exp.EQ(this=exp.column(c), expression=v.copy())
                      for c, v in zip(columns, values)])


def _other_rows(this_row: exp.Expression, values: dict, key) -> exp.Expression:
    """Rows other than this one holding the key's new value (NULL equals nothing: no conflict)."""
    holds = _equal(list(key), [values[c.lower()] for c in key])
    return exp.and_(exp.not_(exp.paren(this_row.copy())), holds)


def _checks(table: Table, catalog, sets: dict):
    """(label, expression with the new values in place of the columns the UPDATE sets) for each
    CHECK that reads a column the UPDATE sets, parsed from the table's CREATE TABLE text."""
    entry = catalog.entry(table.name)
    if entry is None or not entry.sql or "CHECK" not in entry.sql.upper():
        return
    tdef = parse_create_table(entry.sql, tokenize(entry.sql))
    for name, text in [c.check for c in tdef.columns if c.check is not None] + tdef.checks:
        check = exp.maybe_parse(text, dialect="sqlite")
        columns = [c for c in check.find_all(exp.Column) if c.name.lower() in sets]
        if not columns:
            continue
        for column in columns:
            replacement = exp.paren(sets[column.name.lower()].copy())
            if column is check:
                check = replacement
            else:
                column.replace(replacement)
        yield (name if name is not None else text.strip()), check


def _check(table: Table, where: exp.Expression, violation: exp.Expression | None,
           algorithm: str, message: str, code: str, catalog, dialect: str) -> Step:
    """A query that returns a row when the row's new values break a constraint: IGNORE skips
    the row, FAIL, REPLACE (for NOT NULL and CHECK) and ABORT raise `message` (IntegrityError
    with SQLite's error `code`)."""
    condition = where.copy() if violation is None else exp.and_(where.copy(), violation)
    probe = exp.select(exp.Literal.number(1)).from_(table.name).where(condition).limit(1)
    if algorithm == "IGNORE":
        return _finish(probe, catalog, dialect, True, counts=False, probe=True,
                       unless_settled=True)
    return _finish(probe, catalog, dialect, True, counts=False, fail_if_rows=message,
                   fail_code=code)


def _replace_conflicts(table: Table, values: dict, keys, this_row, catalog,
                       dialect: str) -> list[Step]:
    """Delete the other rows that hold one of the row's new keys, if the row is still there (an
    earlier row's REPLACE may have deleted it, and a deleted row conflicts with nothing)."""
    still_there = exp.select(exp.Literal.number(1)).from_(table.name).where(
        this_row.copy()).limit(1)
    conflicts = [_other_rows(this_row, values, key) for key in keys]
    delete = exp.Delete(this=exp.Table(this=exp.to_identifier(table.name)),
                        where=exp.Where(this=exp.or_(*[exp.paren(c) for c in conflicts])))
    return [_finish(still_there, catalog, dialect, True, counts=False, probe=True),
            _finish(delete, catalog, dialect, False, counts=False, only_if_prev_rows=True)]


def _row_update(tree: exp.Update, table: Table, sets: dict, this_row, ignore: bool, catalog,
                dialect: str) -> Step:
    """The statement's own SET (and RETURNING) for this row alone."""
    update = tree.copy()
    for assignment in update.expressions:
        assignment.set("expression", sets[_target(assignment.this, table)].copy())
    update.set("where", exp.Where(this=this_row.copy()))
    returns = update.args.get("returning") is not None
    return _finish(update, catalog, dialect, returns, unless_settled=ignore)


def _finish(tree: exp.Expression, catalog, dialect: str, returns_rows: bool, **kw) -> Step:
    ctx = Context(catalog, dialect)
    tree = apply(tree, ctx)
    return Step(engine_sql(tree), tuple(ctx.params), returns_rows, **kw)
