"""executemany() of a plan that can go to the engine as one batch (Plan.batch): every row's
values bound first, then one execute_many, with SQLite's per-row results kept (the last row's
changes(), lastrowid, the rows before a failing one). The connection replays the rows one by one
whenever the batch cannot give SQLite's answer."""
from __future__ import annotations

from typing import Any, Iterable

from . import hotpath
from .rewrite.plan import Plan
from .steps import StepRun


def run(conn: Any, cursor: Any, plan: Plan, seq_of_parameters: Iterable) -> list | None:
    """All rows to the engine as one execute_many, under a savepoint. Returns None when done,
    or the parameter sets to run one by one instead: when binding a row fails (the rows
    before it still run, then its error is raised, as in sqlite3) or the batch fails (it is
    undone and replayed row by row, so the failing row and the rows before it behave as in
    sqlite3)."""
    rows: list[list] = []
    bind_error = None
    pending = list(seq_of_parameters)
    facts = hotpath.facts_of(plan)
    fast_bind = hotpath.bind
    for parameters in pending:
        try:
            values = fast_bind(conn, plan, facts, parameters)
            rows.append(values if values is not None else conn._bind(plan, parameters))
        except Exception as exc:  # noqa: BLE001 - re-raised after the rows before it ran
            bind_error = exc
            break
    if not rows:
        if bind_error is not None:
            raise bind_error
        cursor.rowcount = 0
        return None
    step = plan.steps[0]
    db = conn._db
    # the transaction this batch opens holds nothing else: a failed batch can roll all of it
    # back and begin again, which spares the engine a savepoint (Nano 4.31 writes a batch
    # under a savepoint about 1.7x slower, and commits it 1.5x slower)
    began = False
    if conn._legacy and conn._isolation_level is not None and not conn._in_tx \
            or conn._autocommit is False and not conn._in_tx:
        conn._begin_tx(conn._isolation_level or "DEFERRED")
        began = True
    own_tx = not conn._in_tx
    if own_tx:
        db.lock.acquire(conn, conn.timeout)
    insert = plan.insert
    run = StepRun(db, insert, conn)
    try:
        if own_tx:
            db.begin()
        elif not began:
            db.engine.execute('SAVEPOINT "hsq_batch"', ())
        params = []
        ids: Any = []
        if facts.auto_last:  # the common batch: every rowid automatic, the last parameter
            first = run._rowid(base=True) + 1
            for offset, values in enumerate(rows):
                values.append(first + offset)
            params = rows
            ids = range(first, first + len(rows))
            rows = []
        for values in rows:
            if insert is not None:
                for index in insert.rowid_params:
                    if values[index - 1] is None:
                        values[index - 1] = run._rowid()
            row = [values[i - 1] if i > 0 else run._rowid() for i in step.params]
            if step.rowid_at is not None:
                rowid = row[step.rowid_at]
                run.observe(rowid)  # a later NULL rowid comes after an explicit one
                ids.append(rowid)
            params.append(row)
        # the last row alone: changes() after executemany is that row's count, as in SQLite
        sql_text = step.plain_sql or step.sql
        last = params.pop()
        affected = db.engine.execute_many(sql_text, params) if params else 0
        last_count = db.engine.execute(sql_text, last)
        affected += last_count
        if own_tx:
            db.engine.execute("COMMIT", ())
        elif not began:
            db.engine.execute('RELEASE SAVEPOINT "hsq_batch"', ())
    except BaseException:
        try:
            if own_tx:
                db.engine.execute("ROLLBACK", ())
            elif began:
                db.engine.execute("ROLLBACK", ())
                try:
                    db.begin()
                except Exception:
                    conn._in_tx = False  # the rows go one by one, each opening it anew
                    db.lock.release(conn)
                    raise
            else:
                db.engine.execute('ROLLBACK TO SAVEPOINT "hsq_batch"', ())
                db.engine.execute('RELEASE SAVEPOINT "hsq_batch"', ())
        except Exception:
            pass
        db.forget_rowids()
        return pending  # replay one by one: exact per-row semantics and errors
    finally:
        if own_tx:
            db.commits += 1
            db.lock.release(conn)
    if insert is not None and ids:
        conn._last_rowid = ids[-1]
        db.note_rowids(insert.table, max(ids), insert.autoincrement)
    elif plan.touches is not None and affected:
        db.forget_rowids(plan.touches)
    conn._total_changes += affected
    conn._changes = last_count
    cursor.rowcount = affected
    if bind_error is not None:
        raise bind_error
    return None
