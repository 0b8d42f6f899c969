"""What rewrite/ decides about one statement, for the connection to carry out."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from .params import ParamSpec

AUTO_ROWID = -1  # an engine parameter the connection fills with the next rowid
ROWID_BASE = -2  # an engine parameter the connection fills with the largest rowid so far
CHANGES = -3  # ... with changes(): rows changed by the connection's last statement
TOTAL_CHANGES = -4  # ... with total_changes()
LAST_INSERT_ROWID = -5  # ... with last_insert_rowid()

FAST_READ = 1  # Plan.fast values
FAST_INSERT = 2


@dataclass(frozen=True)
class Step:
    sql: str
    params: tuple[int, ...]  # per engine $n: the SQLite parameter index (1-based) or AUTO_ROWID
    returns_rows: bool
    counts: bool = True  # its affected rows are the statement's (not REPLACE's deletes)
    fail_if_rows: str | None = None  # a guard: IntegrityError with this message if rows return
    fail_code: str = "SQLITE_CONSTRAINT_UNIQUE"  # ... and this SQLite error code
    only_if_prev_empty: bool = False  # an upsert's UPDATE: runs when the INSERT did nothing
    # A VALUES row carried out by its own steps (later rows see earlier ones) starts here: its
    # automatic rowid is drawn once for all its steps, and given back if the row goes nowhere
    # (SQLite gives a rowid only to a row it inserts). An upsert row's INSERT ... DO NOTHING
    # settles the row when it inserts it.
    new_row: bool = False
    # An upsert's probe: a query whose rows say that the key of an ON CONFLICT clause conflicts,
    # which settles the row (the clause's action, if any, is the next step).
    probe: bool = False
    unless_settled: bool = False  # skipped once the row is settled (probes, the final INSERT)
    only_if_prev_rows: bool = False  # an upsert's DO UPDATE: runs when the probe before it hit
    # An INSERT whose rowid is known before it runs (assigned here, or a parameter): the same
    # statement without RETURNING, and the engine parameter position holding the rowid.
    plain_sql: str | None = None
    rowid_at: int | None = None


@dataclass(frozen=True)
class Shape:
    """How engine rows become the rows and description sqlite3 returns."""
    names: tuple[str, ...] | None  # None: take the engine's column names
    decltypes: tuple[str | None, ...]  # declared type per column (PARSE_DECLTYPES), None if none
    converters: tuple[Callable[[Any], Any] | None, ...]  # engine value -> storage class, per column

    @property
    def description(self) -> tuple | None:
        """cursor.description for these names (computed once: shapes live in cached plans)."""
        cached = self.__dict__.get("_description", False)
        if cached is False:
            cached = None if self.names is None else tuple(
                (n, None, None, None, None, None, None) for n in self.names)
            object.__setattr__(self, "_description", cached)
        return cached

    @property
    def converts(self) -> bool:
        cached = self.__dict__.get("_converts")
        if cached is None:
            cached = any(c is not None for c in self.converters)
            object.__setattr__(self, "_converts", cached)
        return cached


@dataclass(frozen=True)
class InsertInfo:
    table: str
    rowid: str  # engine column holding the rowid
    rowid_params: tuple[int, ...]  # SQLite parameter indexes that give the rowid (None -> auto)
    autoincrement: bool
    per_row_auto: int  # AUTO_ROWID slots per VALUES row
    returning_rowid: bool = False  # the user's RETURNING rows end with the rowid (not shown)


@dataclass(frozen=True)
class Plan:
    verb: str  # SELECT, INSERT, UPDATE, DELETE, REPLACE, CREATE, DROP, ALTER, BEGIN, PRAGMA, ...
    params: ParamSpec
    steps: tuple[Step, ...] = ()
    shape: Shape | None = None  # set when the statement returns rows
    tx: str | None = None  # begin / commit / rollback / savepoint / release / rollback_to
    tx_arg: str | None = None
    pragma: Callable | None = None  # (connection) -> (names, rows), answered from the catalog
    catalog_change: Callable | None = None  # (database) -> None, once the steps succeed
    insert: InsertInfo | None = None
    touches: str | None = None  # table whose rowid counter an UPDATE/DELETE invalidates
    undo: str | None = None  # engine DDL reversing this one: the engine's DDL is not transactional
    # INSERT ... SELECT: the SELECT runs first; `steps` then run once per selected row, whose
    # values follow the statement's own parameters (indexes params.count + 1 ...).
    source: Step | None = None
    atomic: bool = False  # several engine writes that must succeed or fail as one statement
    # (SQLite parameter index, values.COERCIONS key): a parameter bound into a typed column, or
    # LIMIT/OFFSET, takes the value SQLite would use there
    coercions: tuple[tuple[int, str], ...] = ()
    rollback_on_conflict: bool = False  # INSERT OR ROLLBACK
    # UPDATE OR FAIL: when a step's guard (fail_if_rows) stops the statement, the rows it
    # changed before stay, and count in changes()
    keeps_earlier_rows: bool = False
    # DROP TABLE inside a transaction: the engine cannot roll a drop back, so the table is renamed
    # out of sight (in_tx_steps), renamed back on ROLLBACK (undo) and dropped at COMMIT.
    in_tx_steps: tuple[Step, ...] | None = None
    on_commit: str | tuple[str, ...] | None = None  # statements run after COMMIT, in order
    batch: bool = False  # executemany may send all rows to the engine as one batch
    schema_version: int = 0
    # the catalog names its translation read (catalog.READ_ALL: the whole schema), set by
    # Database.plan; None: not known, and the plan is stale at any schema change
    reads: frozenset[str] | None = None
    unresolved: bool = False  # names a table the catalog does not know (yet, on a shared database)
    # A construct needs these parameters (SQLite indexes) as literals (a date/time modifier, a
    # strftime or printf format): this plan has no steps; the statement is planned again for
    # each set of bound values, with them written in (Database.plan_bound).
    literal_params: frozenset[int] | None = None
    is_read: bool = field(default=False, init=False)  # a plain query: one engine read, no writes
    # The connection's hot path (hotpath.py) may run this plan: FAST_READ, a plain query whose
    # engine values need no conversion; FAST_INSERT, a one-row INSERT whose rowid is known
    # before it runs, with nothing else to do; 0 otherwise.
    fast: int = field(default=0, init=False)

    @property
    def table(self) -> str | None:
        """The table the statement writes."""
        return self.insert.table if self.insert is not None else self.touches

    @property
    def is_dml(self) -> bool:
        """Statements before which legacy transaction control opens a transaction implicitly."""
        return self.verb in ("INSERT", "UPDATE", "DELETE", "REPLACE")

    def __post_init__(self) -> None:
        # facts the connection asks on every execution, decided once per cached plan
        is_read = (self.verb == "SELECT" and len(self.steps) == 1 and self.source is None
                   and all(i > 0 for i in self.steps[0].params))
        object.__setattr__(self, "is_read", is_read)
        object.__setattr__(self, "fast", self._fast_kind())

    def _fast_kind(self) -> int:
        if self.unresolved or self.tx is not None or self.pragma is not None:
            return 0
        if self.is_read:
            shape = self.shape
            return FAST_READ if shape is not None and not shape.converts else 0
        insert = self.insert
        if (self.verb != "INSERT" or insert is None or insert.autoincrement
                or len(self.steps) != 1 or self.shape is not None or self.source is not None
                or self.atomic or self.catalog_change is not None or self.undo is not None
                or self.in_tx_steps is not None or self.rollback_on_conflict):
            return 0
        step = self.steps[0]
        if (step.plain_sql is None or step.rowid_at is None or step.fail_if_rows is not None
                or step.only_if_prev_empty or not step.counts
                or any(i <= 0 and i != AUTO_ROWID for i in step.params)):
            return 0
        return FAST_INSERT

    @property
    def returns_rows(self) -> bool:
        return self.shape is not None
