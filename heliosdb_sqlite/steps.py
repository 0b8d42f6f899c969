"""One execution of a plan's engine steps (rewrite/plan.py Step): the rowids the connection
assigns (SQLite's max + 1, given back when a row inserts nothing), the upsert's probes and
settled rows, the guards that raise IntegrityError, and the rows and counts collected."""
from __future__ import annotations

from typing import Any

from .exceptions import IntegrityError, make_error
from .rewrite.plan import AUTO_ROWID, CHANGES, ROWID_BASE, TOTAL_CHANGES, Plan


class StepRun:
    """One execution of a plan's steps: fills rowid slots, collects rows and counts."""

    def __init__(self, db: Any, insert: Any, conn: Any) -> None:
        self.conn = conn
        self.db = db
        self.insert = insert
        self.next_rowid = 0
        self.inserted_ids: list[int] = []
        self.rows: list = []
        self.engine_names: list[str] | None = None
        self.affected = 0
        self.updated = 0  # rows an upsert's DO UPDATE changed (their rowids may have moved)
        # the VALUES row being carried out: its automatic rowids (one per slot, the same in each
        # of its steps), the counter before it drew them, the ids inserted before it
        self._row_autos: list[int] = []
        self._row_mark: int | None = None
        self._row_inserted = 0

    def _rowid(self, base: bool = False) -> int:
        insert = self.insert
        if base:
            return self.db.largest_rowid(insert.table, insert.rowid, insert.autoincrement,
                                         self.conn.timeout)
        if not self.next_rowid:
            self.next_rowid = self.db.largest_rowid(insert.table, insert.rowid,
                                                    insert.autoincrement, self.conn.timeout) + 1
        value = self.next_rowid
        self.next_rowid += 1
        return value

    def _draw(self) -> int:
        """A new rowid for the current row, given back if the row inserts nothing."""
        if self._row_mark is None:
            self._row_mark = self.next_rowid
        return self._rowid()

    def _new_row(self) -> None:
        """SQLite assigns a rowid only to a row it inserts: the previous row's go back."""
        if self._row_mark is not None and len(self.inserted_ids) == self._row_inserted \
                and not self.insert.autoincrement:  # AUTOINCREMENT's sequence keeps every one
            self.next_rowid = self._row_mark
        self._row_autos = []
        self._row_mark = None
        self._row_inserted = len(self.inserted_ids)

    def observe(self, rowid: Any) -> None:
        """An explicit rowid in this statement: automatic ones after it must be larger."""
        if type(rowid) is int:
            if not self.next_rowid:
                self.next_rowid = self._rowid(base=True) + 1
            self.next_rowid = max(self.next_rowid, rowid + 1)

    def execute(self, plan: Plan, values: list) -> None:
        engine = self.db.engine
        insert = self.insert
        rowid_params: tuple[int, ...] = ()
        if insert is not None:
            values = list(values)
            rowid_params = insert.rowid_params
            if insert.per_row_auto and not self.next_rowid and len(plan.steps) > 1:
                # SQLite picks a new rowid before REPLACE deletes the rows in conflict
                self.next_rowid = self._rowid(base=True) + 1
        self._new_row()
        previous_returned = 0
        settled = False  # the upsert row was inserted, or a clause's key conflicts
        for step in plan.steps:
            if step.new_row:
                self._new_row()
            if (step.only_if_prev_empty and previous_returned) or (
                    step.unless_settled and settled) or (
                    step.only_if_prev_rows and not previous_returned):
                previous_returned = 0
                continue
            params = []
            autos = 0
            for index in step.params:
                if index > 0:
                    value = values[index - 1]
                    if value is None and index in rowid_params:  # NULL asks for a new rowid
                        value = values[index - 1] = self._draw()
                    params.append(value)
                elif index == AUTO_ROWID:
                    if autos == len(self._row_autos):
                        self._row_autos.append(self._draw())
                    params.append(self._row_autos[autos])
                    autos += 1
                elif index == ROWID_BASE:
                    params.append(self._rowid(base=True))
                elif index == CHANGES:
                    params.append(self.conn._changes)
                elif index == TOTAL_CHANGES:
                    params.append(self.conn._total_changes)
                else:
                    params.append(self.conn._last_rowid)
            if step.plain_sql is not None:
                count = engine.execute(step.plain_sql, params)
                if count:
                    self.inserted_ids.append(params[step.rowid_at])
                previous_returned = count
                self.affected += count
                if step.new_row:
                    settled = count > 0
                continue
            if step.returns_rows:
                result = engine.query(step.sql, params)
                previous_returned = len(result.rows)
                if step.probe:
                    settled = previous_returned > 0
                    continue
                if step.fail_if_rows is not None:
                    if result.rows:
                        raise make_error(IntegrityError, step.fail_if_rows, step.fail_code)
                    continue
                if step.new_row:
                    settled = previous_returned > 0
                if step.only_if_prev_rows:
                    self.updated += previous_returned
                if insert is not None and plan.shape is None:
                    self.inserted_ids.extend(r[0] for r in result.rows)
                elif insert is not None and insert.returning_rowid:
                    if not step.only_if_prev_rows:  # an updated row keeps last_insert_rowid
                        self.inserted_ids.extend(r[-1] for r in result.rows)
                    self.rows.extend(r[:-1] for r in result.rows)
                else:
                    self.rows.extend(result.rows)
                    self.engine_names = self.engine_names or result.columns
                    if insert is not None and result.rows:
                        # the user's RETURNING hides the rowid: the counter must be re-read
                        self.db.forget_rowids(insert.table)
            else:
                previous_returned = count = engine.execute(step.sql, params)
                if step.new_row:
                    settled = count > 0
                if step.only_if_prev_rows:
                    self.updated += count
                if step.counts:
                    self.affected += count
                continue
            if step.counts:
                self.affected += previous_returned
        self._new_row()
