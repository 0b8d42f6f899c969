"""sqlite3.Connection on a Database: parameters, transactions, locking, and result shaping."""
from __future__ import annotations

import contextlib
import sqlite3 as _stdlib
import re
import threading
import warnings
from dataclasses import replace
from typing import Any, Callable, Iterable

from . import batch, hotpath, storage, udf
from .cursor import Cursor
from .errors import engine_error, is_engine_panic
from .exceptions import (
    DatabaseError, DataError, Error, IntegrityError, InterfaceError, InternalError,
    NotSupportedError, OperationalError, ProgrammingError, Warning, make_error,
)
from .rewrite.params import expanded_sql, statement_text
from .rewrite.plan import Plan
from .steps import StepRun
from .udf_calls import TRACEBACKS as _callback_tracebacks, unraisable
from .values import COERCIONS, adapt, as_converter_input, bind

LEGACY_TRANSACTION_CONTROL = -1
_ISOLATION_LEVELS = ("", "DEFERRED", "IMMEDIATE", "EXCLUSIVE")
_PROTOCOL = _stdlib.PrepareProtocol


class Connection:
    _closed = True
    _initialized = False
    _udf: udf.Registry | None = None  # what create_* registered (udf.py); None: nothing
    _fast: Any = hotpath.NO_RUNNERS  # until __init__ gives the connection its own
    Warning = Warning
    Error = Error
    InterfaceError = InterfaceError
    DatabaseError = DatabaseError
    DataError = DataError
    OperationalError = OperationalError
    IntegrityError = IntegrityError
    InternalError = InternalError
    ProgrammingError = ProgrammingError
    NotSupportedError = NotSupportedError

    def __init__(self, database: Any, timeout: float = 5.0, detect_types: int = 0,
                 isolation_level: str | None = "", check_same_thread: bool = True,
                 factory: Any = None, cached_statements: int = 128, uri: bool = False, *,
                 autocommit: Any = LEGACY_TRANSACTION_CONTROL, mode: str | None = None,
                 dsn: str | None = None, _beside_sqlite: bool = False) -> None:
        reinit = self._initialized
        if reinit and not self._closed:
            self.close()  # re-running __init__ reopens, as sqlite3 does
        self._initialized = False  # until this __init__ succeeds
        self._closed = True
        self._thread = threading.get_ident()
        self._check_same_thread = bool(check_same_thread)
        self._validate_autocommit(autocommit)
        self._isolation_level = self._validate_isolation(isolation_level)
        target = storage.Target(database, uri, _beside_sqlite)
        self._db = storage.open_database(target, storage.select_mode(mode, dsn), float(timeout))
        # per connection: a mode=ro connection may share the engine another connection of this
        # process opened for writing
        self._read_only = target.read_only or self._db.read_only
        self._initialized = True
        self._closed = False
        self.timeout = float(timeout)
        self.detect_types = int(detect_types)
        self._autocommit = autocommit
        if not reinit:  # a re-run __init__ keeps the factories, as sqlite3's does
            self.row_factory: Any = None
            self.text_factory: Any = str
        self._in_tx = False  # the engine has an open transaction for this connection
        self._savepoints: list[str] = []
        self._tx_from_savepoint = False
        self._catalog_dirty = False  # DDL ran in the open transaction
        # Engine DDL reversing the DDL of the open transaction, with the savepoint depth it ran
        # at: the engine does not roll DDL back, SQLite does.
        self._undo: list[tuple[int, str]] = []
        self._on_commit: list[tuple[int, Any]] = []  # Plan.on_commit work, by savepoint depth
        self._last_rowid = 0
        self._total_changes = 0
        self._changes = 0
        self._trace: Callable[[str], Any] | None = None
        self._interrupted = False
        self._running = False
        self._udf = None  # a reopened connection, like a new sqlite3 handle, has no functions
        self._session = _Session(self)
        self._sql_limit = _LIMITS[SQL_LENGTH_LIMIT]  # kept equal to getlimit(): the hot path
        self._variable_limit = _LIMITS[VARIABLE_LIMIT]
        # hot statements' runners by SQL (hotpath.remember); NO_RUNNERS while the connection is
        # closed or has functions or a trace callback, so a runner need not check those
        self._fast: Any = {}

    # -- guards ------------------------------------------------------------------------------
    def _check_thread(self) -> None:
        if self._check_same_thread and threading.get_ident() != self._thread:
            raise ProgrammingError(
                "SQLite objects created in a thread can only be used in that same thread. "
                f"The object was created in thread id {self._thread} and this is thread id "
                f"{threading.get_ident()}.")

    def _check(self) -> None:
        if not self._initialized:
            raise ProgrammingError("Base Connection.__init__ not called.")
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed database.")
        self._check_thread()

    def _reset_runners(self) -> None:
        """Forget the remembered runners; while the connection is closed or has functions or a
        trace callback, which the runners do not check, remember none."""
        hot = not self._closed and self._udf is None and self._trace is None
        self._fast = {} if hot else hotpath.NO_RUNNERS

    @staticmethod
    def _validate_isolation(level: Any) -> str | None:
        if level is None:
            return None
        if not isinstance(level, str):
            raise TypeError("isolation_level must be str or None")
        upper = str.upper(level)  # not a subclass's upper(): sqlite3 compares the characters
        if upper not in _ISOLATION_LEVELS:
            raise ValueError("isolation_level string must be '', 'DEFERRED', 'IMMEDIATE', or "
                             "'EXCLUSIVE'")
        return upper

    @staticmethod
    def _validate_autocommit(value: Any) -> None:
        if value is not LEGACY_TRANSACTION_CONTROL and value != LEGACY_TRANSACTION_CONTROL \
                and not isinstance(value, bool):
            raise ValueError("autocommit must be True, False, or "
                             "sqlite3.LEGACY_TRANSACTION_CONTROL")

    # -- properties --------------------------------------------------------------------------
    @property
    def isolation_level(self) -> str | None:
        self._check()
        return self._isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Any) -> None:
        self._check()
        level = self._validate_isolation(value)
        if level is None and self._legacy and self._in_tx:
            self._commit_tx()
        self._isolation_level = level

    @property
    def autocommit(self) -> Any:
        self._check()
        return self._autocommit

    @autocommit.setter
    def autocommit(self, value: Any) -> None:
        self._check()
        self._validate_autocommit(value)
        if value is True and self._in_tx:
            self._commit_tx()
        self._autocommit = value

    @property
    def _legacy(self) -> bool:
        return self._autocommit is LEGACY_TRANSACTION_CONTROL or (
            not isinstance(self._autocommit, bool) and self._autocommit == -1)

    @property
    def in_transaction(self) -> bool:
        self._check()
        return self._in_tx or self._autocommit is False

    @property
    def total_changes(self) -> int:
        self._check()
        return self._total_changes

    # -- cursors and shortcuts ---------------------------------------------------------------
    def cursor(self, factory: Callable[..., Cursor] = Cursor) -> Cursor:
        self._check()
        cur = factory(self)
        if not issubclass(type(cur), Cursor):
            raise TypeError("factory must return a cursor, not " + type(cur).__name__)
        if self.row_factory is not None:
            cur.row_factory = self.row_factory
        return cur

    def execute(self, sql: str, parameters: Any = (), /) -> Cursor:
        run = self._fast.get(sql)
        if run is not None:
            cur = run(self, parameters, None)
            if cur is not None:
                return cur
        if type(self).cursor is not Connection.cursor:  # sqlite3 calls self.cursor()
            return self.cursor().execute(sql, parameters)
        cur = Cursor(self)  # what cursor() does for its default factory
        if self.row_factory is not None:
            cur.row_factory = self.row_factory
        return cur.execute(sql, parameters)

    def executemany(self, sql: str, parameters: Iterable, /) -> Cursor:
        return self.cursor().executemany(sql, parameters)

    def executescript(self, sql_script: str, /) -> Cursor:
        return self.cursor().executescript(sql_script)

    # -- transactions ------------------------------------------------------------------------
    def commit(self) -> None:
        self._check()
        if self._in_tx:
            self._commit_tx()

    def rollback(self) -> None:
        self._check()
        if self._in_tx:
            self._rollback_tx()

    def _lock_schema(self, db: Any, own_tx: bool) -> None:
        """A schema change on a server: Database.lock_schema, whose failure (another session's
        schema change outlasting the timeout) undoes only itself, as SQLite's busy error."""
        guard = self._in_tx and db.guard_statements
        if guard:
            self._engine_control('SAVEPOINT "hsq_lock"')
        try:
            db.lock_schema()
        except Exception as exc:
            err = engine_error(exc, db.catalog)
            try:
                if guard:
                    db.engine.execute('ROLLBACK TO SAVEPOINT "hsq_lock"', ())
                    db.engine.execute('RELEASE SAVEPOINT "hsq_lock"', ())
                if own_tx:
                    db.engine.execute("ROLLBACK", ())
            except Exception:  # noqa: BLE001, S110 - the lock's own error is the one to raise
                pass
            if own_tx:
                db.lock.release(self)
            raise err from None
        if guard:
            db.engine.execute('RELEASE SAVEPOINT "hsq_lock"', ())

    def _begin_tx(self, mode: str = "DEFERRED") -> None:
        db = self._db
        db.lock.acquire(self, self.timeout)
        try:
            db.begin()
        except Exception as exc:
            db.lock.release(self)
            raise engine_error(exc, db.catalog) from None
        self._in_tx = True
        self._savepoints = []
        self._tx_from_savepoint = False

    def _end_tx(self, verb: str) -> None:
        db = self._db
        try:
            db.engine.execute(verb, ())
        except Exception as exc:
            err = engine_error(exc, db.catalog)
            db.commits += 1
            if verb == "COMMIT":
                try:
                    db.engine.execute("ROLLBACK", ())
                except Exception:
                    pass
                self._after_rollback()
            raise err from None
        finally:
            self._in_tx = False
            self._savepoints = []
            if verb == "ROLLBACK":
                self._undo_ddl(0)
            else:
                for _, work in self._on_commit:
                    try:
                        for sql in (work,) if isinstance(work, str) else work:
                            db.engine.execute(sql, ())
                    except Exception:
                        # a leftover is harmless: a dropped table is already out of the catalog,
                        # a row rewrite after ADD COLUMN works around an engine bug
                        if work[0] == "BEGIN":
                            with contextlib.suppress(Exception):
                                db.engine.execute("ROLLBACK", ())
            self._undo = []
            self._on_commit = []
            if verb == "COMMIT":
                db.commits += 1
            db.lock.release(self)
        if verb == "ROLLBACK":
            self._after_rollback()
        self._catalog_dirty = False

    def _commit_tx(self) -> None:
        self._trace_sql("COMMIT")
        self._end_tx("COMMIT")

    def _rollback_tx(self) -> None:
        self._trace_sql("ROLLBACK")
        self._end_tx("ROLLBACK")

    def _after_rollback(self) -> None:
        """Rolled-back rows may have held the largest rowids; rolled-back DDL the catalog."""
        self._db.forget_rowids()
        if self._catalog_dirty:
            self._db.reload_catalog()
            self._catalog_dirty = False

    def _control(self, plan: Plan) -> None:
        """BEGIN / COMMIT / ROLLBACK / SAVEPOINT / RELEASE written in SQL."""
        kind = plan.tx
        if kind == "begin":
            if self._in_tx:
                raise make_error(OperationalError, "cannot start a transaction within a transaction")
            self._begin_tx(plan.tx_arg or "DEFERRED")
        elif kind == "commit":
            if not self._in_tx:
                raise make_error(OperationalError, "cannot commit - no transaction is active")
            self._end_tx("COMMIT")
        elif kind == "rollback":
            if not self._in_tx:
                raise make_error(OperationalError, "cannot rollback - no transaction is active")
            self._end_tx("ROLLBACK")
        elif kind == "savepoint":
            if not self._in_tx:
                self._begin_tx()
                self._tx_from_savepoint = True
            self._engine_control(f'SAVEPOINT "{_sp(plan.tx_arg)}"')
            self._savepoints.append(plan.tx_arg)
        elif kind in ("release", "rollback_to"):
            depth = self._find_savepoint(plan.tx_arg)
            if kind == "release":
                del self._savepoints[depth:]
                if not self._savepoints and self._tx_from_savepoint:
                    self._end_tx("COMMIT")
                else:
                    self._engine_control(f'RELEASE SAVEPOINT "{_sp(plan.tx_arg)}"')
            else:
                del self._savepoints[depth + 1:]
                self._engine_control(f'ROLLBACK TO SAVEPOINT "{_sp(plan.tx_arg)}"')
                self._undo_ddl(depth + 1)
                self._after_rollback()

    def _undo_ddl(self, depth: int) -> None:
        """Reverse, newest first, the DDL run at savepoint depth >= `depth`."""
        self._on_commit = [(at, sql) for at, sql in self._on_commit if at < depth]
        keep = []
        for at, sql in reversed(self._undo):
            if at >= depth:
                try:
                    self._db.engine.execute(sql, ())
                except Exception:
                    pass  # already gone; the catalog reload below is what the app sees
                self._catalog_dirty = True
            else:
                keep.append((at, sql))
        self._undo = list(reversed(keep))

    def _find_savepoint(self, name: str | None) -> int:
        lname = (name or "").lower()
        for depth in range(len(self._savepoints) - 1, -1, -1):
            if self._savepoints[depth].lower() == lname:
                return depth
        raise make_error(OperationalError, f"no such savepoint: {name}")

    def _engine_control(self, sql: str) -> None:
        try:
            self._db.engine.execute(sql, ())
        except Exception as exc:
            raise engine_error(exc, self._db.catalog) from None

    # -- statements --------------------------------------------------------------------------
    def _plan(self, sql: str) -> Plan:
        if "\x00" in sql:
            raise ProgrammingError("the query contains a null character")
        if len(sql) > self._sql_limit:
            raise DataError("query string is too large")
        if not sql.isascii():
            sql.encode("utf-8")  # a lone surrogate is the caller's UnicodeEncodeError, as sqlite3
        return _translated(self._db.plan, sql)

    def _plan_bound(self, sql: str, plan: Plan, values: list) -> Plan:
        """The plan for these bound values of a statement that needs some as literals."""
        return _translated(self._db.plan_bound, sql, plan, values)

    def _plan_with(self, sql: str, values: list) -> Plan:
        plan = self._plan(sql)
        return plan if plan.literal_params is None else self._plan_bound(sql, plan, values)

    def _bind(self, plan: Plan, parameters: Any) -> list:
        """SQLite parameter values by index (0-based), adapted and checked as sqlite3 does."""
        spec = plan.params
        count = spec.count
        if count > self._variable_limit:
            raise make_error(OperationalError, "too many SQL variables")
        adapters = _stdlib.adapters
        base_adapted = bool(adapters) and (
            (int, _PROTOCOL) in adapters or (float, _PROTOCOL) in adapters
            or (str, _PROTOCOL) in adapters or (bytearray, _PROTOCOL) in adapters)
        if type(parameters) in (tuple, list) or (
                not isinstance(parameters, dict) and _is_sequence(parameters)):
            supplied = len(parameters)
            if supplied != count:
                raise ProgrammingError(
                    f"Incorrect number of bindings supplied. The current statement uses {count}, "
                    f"and there are {supplied} supplied.")
            if count and any(spec.names):
                warnings.warn("Binding named parameters from a sequence is deprecated",
                              DeprecationWarning, stacklevel=4)
            out = []
            for i in range(count):  # read one, adapt it, then the next: as sqlite3 binds
                out.append(bind(adapt(parameters[i], adapters, base_adapted, i + 1), i + 1))
        elif isinstance(parameters, dict):
            values = []
            for i, name in enumerate(spec.names, 1):
                if name is None:
                    raise ProgrammingError(
                        f"Binding {i} has no name, but you supplied a dictionary (which has only "
                        "names).")
                try:
                    values.append(parameters[name[1:]])
                except KeyError:
                    raise ProgrammingError(
                        f"You did not supply a value for binding parameter {name}.") from None
            out = [bind(adapt(value, adapters, base_adapted, i), i)
                   for i, value in enumerate(values, 1)]
        else:
            raise ProgrammingError("parameters are of unsupported type")
        if self._trace is not None:
            self._bound = out[:]  # what SQLite was given, for the trace's expanded SQL
        return self._coerce(plan, out)

    @staticmethod
    def _coerce(plan: Plan, out: list) -> list:
        count = len(out)
        for index, kind in plan.coercions:
            if index <= count:  # the others are INSERT ... SELECT row values (see _steps)
                out[index - 1] = COERCIONS[kind](out[index - 1])
        return out

    def _execute(self, cursor: Cursor, sql: str, parameters: Any, many: bool,
                 implicit_begin: bool = True) -> None:
        if self._udf is None and self._trace is None:
            plan = self._db.plans.get(sql)
            if plan is not None and plan.fast and plan.schema_version == self._db.catalog.version \
                    and len(sql) <= self._sql_limit \
                    and hotpath.execute(self, cursor, plan, parameters):
                if sql not in self._fast and type(self).cursor is Connection.cursor:
                    hotpath.remember(self, sql, plan, parameters)  # next time: its runner
                return
        elif self._udf is not None and udf.execute(self, cursor, sql, parameters, implicit_begin):
            return
        try:
            plan = self._plan(sql)
        except OperationalError as err:
            if not self._schema_moved(err):
                raise
            plan = self._plan(sql)
        if plan.unresolved and self._db.shared and not self._in_tx and self._refresh():
            plan = self._plan(sql)  # another session created a table this statement names
        if plan.tx is not None:
            self._trace_sql(sql)
            self._control(plan)
            cursor.rowcount = -1
            cursor.lastrowid = self._last_rowid
            return
        values = self._bind(plan, parameters)
        if plan.literal_params is not None:
            plan = self._plan_bound(sql, plan, values)
        if plan.pragma is not None:
            self._trace_sql(sql, bound=True)
            if self._db.shared and not self._in_tx:
                self._refresh()
            names, rows = plan.pragma(self._session)
            cursor._set_result(rows, _description(names) if names else None)
            cursor.lastrowid = self._last_rowid
            return
        if not plan.steps:
            if plan.verb:
                self._trace_sql(sql, bound=True)
                cursor.lastrowid = self._last_rowid
            return
        def replan() -> tuple[Plan, list]:
            fresh = self._plan(sql)
            bound = self._bind(fresh, parameters)
            if fresh.literal_params is not None:
                fresh = self._plan_bound(sql, fresh, bound)
            return fresh, bound

        try:
            self._run(cursor, plan, values, sql, implicit_begin, replan)
        except OperationalError as err:
            if not self._schema_moved(err):
                raise
            plan, values = replan()
            self._run(cursor, plan, values, sql, implicit_begin)
        cursor.lastrowid = self._last_rowid

    def _schema_moved(self, err: OperationalError) -> bool:
        """A shared database's schema may have moved under a plan made from the old catalog:
        after a missing-object error outside a transaction, True if it did (catalog reloaded)."""
        return (self._db.shared and not self._in_tx and _MISSING.match(str(err)) is not None
                and self._refresh())

    def _refresh(self) -> bool:
        try:
            return self._db.refresh()
        except Exception as exc:
            raise engine_error(exc, self._db.catalog) from None

    def _run(self, cursor: Cursor, plan: Plan, values: list, sql: str,
             implicit_begin: bool, replan: Callable[[], tuple[Plan, list]] | None = None,
             raw: bool = False) -> int:
        """Carry out a plan's engine steps under the database lock; the affected row count.
        `raw`: rows stay SQLite values (no text_factory, no converters), for udf.py."""
        if self._read_only and not plan.is_read:
            raise make_error(OperationalError, "attempt to write a readonly database",
                             "SQLITE_READONLY")
        if implicit_begin and not self._in_tx:
            if self._autocommit is False or (
                    self._legacy and self._isolation_level is not None and plan.is_dml):
                self._trace_sql(f"BEGIN {self._isolation_level or ''}")
                self._begin_tx(self._isolation_level or "DEFERRED")
        self._trace_sql(sql, bound=True)
        db = self._db
        own_tx = False
        if not self._in_tx and plan.is_read and not db.lock.try_acquire(self):
            snapshot = db.snapshot()
            if snapshot is not None:
                # another connection's transaction is open: read the last committed state, as a
                # SQLite reader does, instead of waiting for it
                return self._read_snapshot(cursor, plan, values, snapshot, raw)
        if not self._in_tx:
            db.lock.acquire(self, self.timeout)
            if db.shared:
                db.rowids.clear()  # another session may have inserted since
            # several engine statements (REPLACE's delete + insert, DDL + catalog) commit as one;
            # an UPDATE too: Nano 4.31 hides an UPDATE made in engine autocommit from every
            # later transaction, which keeps reading the row's old version
            # and, on a shared database, an INSERT: rowids are assigned under a lock that lasts
            # until the transaction ends (Database.largest_rowid)
            if plan.atomic or plan.catalog_change is not None or plan.verb == "UPDATE" or (
                    plan.insert is not None and (plan.insert.autoincrement or db.shared)):
                try:
                    db.begin()
                except Exception as exc:
                    db.lock.release(self)
                    raise engine_error(exc, db.catalog) from None
                own_tx = True
        if db.shared and plan.catalog_change is not None:
            self._lock_schema(db, own_tx)
        if db.shared and replan is not None and plan.schema_version != db.catalog.version:
            plan, values = replan()  # beginning read another session's schema change
        self._running = True
        ddl_done = False
        statement_savepoint = self._in_tx and (plan.atomic or db.guard_statements)
        if statement_savepoint:  # a failing statement undoes only itself, as in SQLite
            self._engine_control('SAVEPOINT "hsq_statement"')
        if self._in_tx and plan.in_tx_steps is not None:
            plan = replace(plan, steps=plan.in_tx_steps)
        try:
            if plan.is_read:
                affected = self._read(cursor, plan, values, db.engine)
            else:
                affected = self._steps(cursor, plan, values)
            ddl_done = plan.undo is not None
            if plan.catalog_change is not None:
                plan.catalog_change(db)
                self._catalog_dirty = self._in_tx
            if own_tx:
                db.engine.execute("COMMIT", ())
            if statement_savepoint:
                db.engine.execute('RELEASE SAVEPOINT "hsq_statement"', ())
            if ddl_done and self._in_tx:
                self._undo.append((len(self._savepoints), plan.undo))
                if plan.on_commit is not None:
                    self._on_commit.append((len(self._savepoints), plan.on_commit))
        except BaseException as exc:
            keep = _keeps_earlier_rows(plan, exc)
            if statement_savepoint:
                try:
                    if not keep:
                        db.engine.execute('ROLLBACK TO SAVEPOINT "hsq_statement"', ())
                    db.engine.execute('RELEASE SAVEPOINT "hsq_statement"', ())
                except Exception:
                    pass
            if own_tx:
                try:
                    db.engine.execute("COMMIT" if keep else "ROLLBACK", ())
                except Exception:
                    pass
                if ddl_done:  # the engine kept the DDL its own ROLLBACK cannot undo
                    try:
                        db.engine.execute(plan.undo, ())
                    except Exception:
                        pass
            if plan.insert is not None or plan.catalog_change is not None:
                db.forget_rowids()
                if plan.catalog_change is not None:
                    db.reload_catalog()
            if isinstance(exc, Exception) or is_engine_panic(exc):
                err = engine_error(exc, db.catalog, plan.table)
                if plan.rollback_on_conflict and isinstance(err, IntegrityError) and self._in_tx:
                    self._end_tx("ROLLBACK")  # INSERT OR ROLLBACK ends the whole transaction
                raise err from None
            raise
        finally:
            self._running = False
            if not self._in_tx:
                if not plan.is_read:
                    db.commits += 1
                db.lock.release(self)
        if self._interrupted:
            self._interrupted = False
            raise make_error(OperationalError, "interrupted", "SQLITE_INTERRUPT")
        if plan.shape is not None and cursor._rows:
            # converters and factories are the application's code: their errors are its own
            cursor._rows = self._shape_rows(plan, cursor._rows, raw)
            cursor._convert = None if raw else self._fetch_converter(plan)
        return affected

    def _read_snapshot(self, cursor: Cursor, plan: Plan, values: list, snapshot: Any,
                       raw: bool = False) -> int:
        try:
            self._read(cursor, plan, values, snapshot)
        except Exception as exc:
            raise engine_error(exc, self._db.catalog) from None
        cursor._rows = self._shape_rows(plan, cursor._rows, raw)
        cursor._convert = None if raw else self._fetch_converter(plan)
        return 0

    def _read(self, cursor: Cursor, plan: Plan, values: list, engine: Any) -> int:
        """A plain query: one engine read, rows handed to the cursor as they come."""
        step = plan.steps[0]
        params = [values[i - 1] for i in step.params] if step.params else values
        result = engine.query(step.sql, params)
        description = self._description(plan)
        if description is None and result.columns:
            description = _description(result.columns)
        cursor._rows = result.rows
        cursor._pos = 0
        cursor.description = description
        return 0

    def _udf_query(self, cursor: Cursor, sql: str, inner_sql: str, values: list,
                   implicit_begin: bool) -> tuple[tuple, tuple, list]:
        """Run the engine query udf.py made for `sql`, with the statement's bound values:
        (column names, declared types, rows as SQLite values)."""
        plan = self._plan_with(inner_sql, values)
        try:
            self._run(cursor, plan, self._coerce(plan, list(values)), sql, implicit_begin,
                      raw=True)
        except OperationalError as err:
            if not self._schema_moved(err):
                raise
            plan = self._plan_with(inner_sql, values)
            self._run(cursor, plan, self._coerce(plan, list(values)), sql, implicit_begin,
                      raw=True)
        shape = plan.shape
        if shape is not None and shape.names is not None:
            names = shape.names
            decltypes = shape.decltypes or (None,) * len(names)
        else:
            names = tuple(d[0] for d in cursor.description or ())
            decltypes = (None,) * len(names)
        return names, decltypes, cursor._rows

    def _udf_result(self, cursor: Cursor, rows: list, names: list, decltypes: list) -> None:
        """The rows udf.py computed, shaped as any result: text_factory, names, converters."""
        text_factory = self.text_factory
        if text_factory is not str:
            rows = [tuple(_text(v, text_factory) for v in r) for r in rows]
        shown = [_colname(n) for n in names] if self.detect_types & PARSE_COLNAMES else names
        cursor._set_result(rows, _description(shown))
        cursor._convert = self._row_converter(names, decltypes) if self.detect_types else None
        cursor.lastrowid = self._last_rowid

    def _steps(self, cursor: Cursor, plan: Plan, values: list) -> int:
        db = self._db
        engine = db.engine
        if plan.source is not None:
            source = engine.query(plan.source.sql, [values[i - 1] for i in plan.source.params])
            batches = [values + list(row) for row in source.rows]
            selected = [(i, COERCIONS[kind]) for i, kind in plan.coercions if i > len(values)]
            for batch in batches:
                for index, coerce in selected:
                    batch[index - 1] = coerce(batch[index - 1])
        else:
            batches = [values]
        run = StepRun(db, plan.insert, self)
        try:
            for batch in batches:
                run.execute(plan, batch)
        except IntegrityError as exc:
            if _keeps_earlier_rows(plan, exc):  # and they count
                self._total_changes += run.affected
                self._changes = run.affected
                db.forget_rowids(plan.touches)
            raise
        insert = plan.insert
        ids = run.inserted_ids
        if insert is not None and (ids or insert.autoincrement and run.next_rowid):
            largest = max(ids, default=0)
            if ids:
                self._last_rowid = ids[-1]
            if insert.autoincrement:  # SQLite's sequence takes the rowids of skipped rows too
                largest = max(largest, run.next_rowid - 1)
            db.note_rowids(insert.table, largest, insert.autoincrement)
            if run.updated:  # an upsert's DO UPDATE may have set a rowid
                db.forget_rowids(insert.table)
        elif insert is None and plan.verb in ("INSERT", "REPLACE") and run.affected:
            db.forget_rowids("sqlite_sequence")  # a write to sqlite_sequence moves the counters
        elif plan.touches is not None and run.affected:
            db.forget_rowids(plan.touches)
        if plan.is_dml:
            cursor.rowcount = run.affected
            self._total_changes += run.affected
            self._changes = run.affected
        if plan.shape is not None:
            description = self._description(plan)
            if description is None and run.engine_names:
                description = _description(run.engine_names)
            cursor._set_result(run.rows, description)
        return run.affected

    def _description(self, plan: Plan) -> tuple | None:
        if not self.detect_types & PARSE_COLNAMES:
            return plan.shape.description
        names = plan.shape.names
        return None if names is None else _description(tuple(_colname(n) for n in names))

    def _shape_rows(self, plan: Plan, rows: list, raw: bool = False) -> list:
        if plan.shape.converts:
            converters = plan.shape.converters
            rows = [tuple(v if c is None or v is None else c(v) for c, v in zip(converters, r))
                    for r in rows]
        text_factory = self.text_factory
        if text_factory is not str and not raw:
            rows = [tuple(_text(v, text_factory) for v in r) for r in rows]
        return rows

    def _fetch_converter(self, plan: Plan):
        """detect_types converters for a result, applied row by row as the cursor is fetched
        (as sqlite3 does: their errors surface at fetch time)."""
        if not self.detect_types or plan.shape is None:
            return None
        return self._row_converter(plan.shape.names or (), plan.shape.decltypes)

    def _row_converter(self, names, decltypes):
        funcs = self._type_converters(names, decltypes)
        if not any(funcs):
            return None
        return lambda row: tuple(_convert(f, v) for f, v in zip(funcs, row))

    def _type_converters(self, names, decltypes) -> list:
        converters = _stdlib.converters
        decltypes = decltypes or (None,) * len(names)
        out = []
        for name, decl in zip(names, decltypes):
            func = None
            if self.detect_types & PARSE_COLNAMES and "[" in name:
                key = name[name.index("[") + 1:].split("]")[0]
                func = converters.get(key.upper())
            if func is None and self.detect_types & PARSE_DECLTYPES and decl:
                key = decl.split("(")[0].strip().split(" ")[0]
                func = converters.get(key.upper())
            out.append(func)
        return out

    def _executemany(self, cursor: Cursor, sql: str, seq_of_parameters: Iterable) -> None:
        if self._udf is not None:
            udf.check_many(self, sql)
        plan = self._plan(sql)
        if plan.verb == "SELECT" and (plan.returns_rows or plan.literal_params is not None):
            raise ProgrammingError("executemany() can only execute DML statements.")
        lastrowid = cursor.lastrowid  # executemany leaves the cursor's lastrowid as it was
        if plan.batch and self._trace is None and not self._read_only:
            try:
                seq_of_parameters = batch.run(self, cursor, plan, seq_of_parameters)
            except BaseException:
                cursor.rowcount = -1
                cursor.lastrowid = lastrowid
                raise
            if seq_of_parameters is None:
                cursor.lastrowid = lastrowid
                cursor.description = None
                cursor._rows = []
                return
        total = 0
        try:
            for parameters in seq_of_parameters:
                self._execute(cursor, sql, parameters, many=True)
                if cursor.rowcount > 0:
                    total += cursor.rowcount
        except BaseException:
            cursor.rowcount = -1  # a failed executemany reports no count, and no new lastrowid
            cursor.lastrowid = lastrowid
            raise
        cursor.rowcount = total if plan.is_dml else -1
        cursor.lastrowid = lastrowid
        cursor.description = None
        cursor._rows = []

    def _executescript(self, cursor: Cursor, script: str) -> None:
        from .rewrite import split_script
        if "\x00" in script:
            raise ValueError("embedded null character")
        if len(script) > self._sql_limit:
            raise DataError("query string is too large")
        if self._in_tx and self._legacy:  # only legacy control commits before a script
            self._commit_tx()
        lastrowid = cursor.lastrowid  # a script leaves lastrowid as it was
        for statement in split_script(script):
            self._execute(cursor, statement, (), many=False, implicit_begin=False)
        cursor.lastrowid = lastrowid
        cursor.rowcount = -1
        cursor.description = None
        cursor._rows = []

    def __call__(self, *args: Any) -> "Statement":
        """Prepare a statement (the sqlite3 C module's Connection.__call__)."""
        self._check()
        if len(args) != 1:
            raise TypeError(f"Connection() takes exactly 1 argument ({len(args)} given)")
        sql = args[0]
        if not isinstance(sql, str):
            raise TypeError("argument must be str")
        self._plan(sql)
        return object.__new__(Statement)

    # -- lifecycle ---------------------------------------------------------------------------
    def close(self) -> None:
        if not self._initialized:
            raise ProgrammingError("Base Connection.__init__ not called.")
        if self._closed:
            return
        self._check_thread()
        try:
            if self._in_tx:
                if getattr(self._db.engine, "alive", True):
                    self._end_tx("ROLLBACK")
                else:  # the engine process is gone, and its transaction with it
                    self._in_tx = False
                    self._db.lock.release(self)
        finally:
            self._closed = True
            self._reset_runners()
            storage.release(self._db)

    def __enter__(self) -> "Connection":
        self._check()
        return self

    def __exit__(self, exc_type, exc, tb) -> bool:
        if self._autocommit is True:
            return False
        if exc_type is None:
            try:
                self.commit()
            except Error:
                self.rollback()
                raise
        else:
            self.rollback()
        return False

    def __del__(self) -> None:
        if not getattr(self, "_closed", True):
            try:
                if self._in_tx:
                    self._end_tx("ROLLBACK")
            except Exception:
                pass
            self._closed = True
            storage.release(self._db)

    # -- callbacks and SQLite C-API features -------------------------------------------------
    def set_trace_callback(self, trace_callback: Callable[[str], Any] | None) -> None:
        self._check()
        self._trace = trace_callback
        self._reset_runners()

    def _trace_sql(self, sql: str, bound: bool = False) -> None:
        """The trace callback gets sqlite3_expanded_sql(): the statement with the values `_bind`
        last gave SQLite (`bound`) written in, or its plain text when that is too long."""
        if self._trace is not None:
            text = expanded_sql(sql, getattr(self, "_bound", ()) if bound else (),
                                self._session.limits.get(0, _LIMITS[0]))  # SQLITE_LIMIT_LENGTH
            if text is None:
                if _callback_tracebacks[0]:
                    unraisable(DataError("Expanded SQL string exceeds the maximum string length"),
                               self._trace, "Exception ignored in trace callback")
                text = statement_text(sql)
            try:
                self._trace(text)
            except Exception as exc:
                if _callback_tracebacks[0]:
                    unraisable(exc, self._trace, "Exception ignored in trace callback")

    def interrupt(self) -> None:
        if self._closed:
            raise ProgrammingError("Cannot operate on a closed database.")
        if self._running:
            self._interrupted = True

    def iterdump(self):
        self._check()
        from .dump import iterdump
        return iterdump(self)

    def backup(self, target: Any, *, pages: int = -1, progress: Any = None, name: str = "main",
               sleep: float = 0.250) -> None:
        self._check()
        from .dump import backup
        backup(self, target, pages=pages, progress=progress, name=name)

    def _unsupported(self, feature: str):
        self._check()
        raise NotSupportedError(f"{feature} is not supported by heliosdb_sqlite: the engine "
                                "cannot call back into Python")

    # Registered functions and collations run in Python on the rows of an engine query, where
    # that is possible (see udf_plan.py); elsewhere they raise NotSupportedError.
    def create_function(self, name, narg, func, *, deterministic=False) -> None:
        udf.create_function(self, name, narg, func, deterministic)

    def create_aggregate(self, name, n_arg, aggregate_class) -> None:
        udf.create_aggregate(self, name, n_arg, aggregate_class)

    def create_window_function(self, name, num_params, aggregate_class, /) -> None:
        udf.create_window_function(self, name, num_params, aggregate_class)

    def create_collation(self, name, callable_, /) -> None:
        udf.create_collation(self, name, callable_)

    def set_authorizer(self, authorizer_callback) -> None:
        if authorizer_callback is None:
            self._check()
            return
        self._unsupported("set_authorizer")

    def set_progress_handler(self, progress_handler, n) -> None:
        if progress_handler is None:
            self._check()
            return
        self._unsupported("set_progress_handler")

    def enable_load_extension(self, enabled, /) -> None:
        self._unsupported("enable_load_extension")

    def load_extension(self, path, /, *, entrypoint=None) -> None:
        self._unsupported("load_extension")

    def blobopen(self, table, column, row, /, *, readonly=False, name="main"):
        self._unsupported("blobopen (incremental blob I/O)")

    def serialize(self, *, name="main") -> bytes:
        self._unsupported("serialize")

    def deserialize(self, data, /, *, name="main") -> None:
        self._unsupported("deserialize")

    def getlimit(self, category, /) -> int:
        self._check()
        if category not in _LIMITS:
            raise ProgrammingError("'category' is out of bounds")
        return self._session.limits.get(category, _LIMITS[category])

    def setlimit(self, category, limit, /) -> int:
        old = self.getlimit(category)
        if limit >= 0:
            self._session.limits[category] = min(limit, _LIMITS[category])
            self._sql_limit = self.getlimit(SQL_LENGTH_LIMIT)
            self._variable_limit = self.getlimit(VARIABLE_LIMIT)
            self._reset_runners()  # remembered under the old limits
            if category == FUNCTION_ARG_LIMIT:
                udf.set_arg_limit(self, self._session.limits[category])
        return old


class Statement:
    """A prepared statement, as returned by Connection.__call__; not created directly."""

    def __new__(cls, *args: Any, **kwargs: Any) -> "Statement":
        raise TypeError(f"cannot create '{cls.__module__}.{cls.__qualname__}' instances")


class _Session:
    """What PRAGMAs see of a connection and its database."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.foreign_keys = False
        self.journal_mode = "delete"
        self.settings: dict[str, Any] = {}
        self.limits: dict[int, int] = {}

    @property
    def catalog(self):
        return self._conn._db.catalog

    @property
    def in_memory(self) -> bool:
        return self._conn._db.in_memory

    @property
    def filename(self) -> str:
        return self._conn._db.filename

    @property
    def timeout(self) -> float:
        return self._conn.timeout

    @timeout.setter
    def timeout(self, value: float) -> None:
        self._conn.timeout = value

    def set_user_version(self, value: int) -> None:
        conn = self._conn
        db = conn._db
        if conn._read_only:
            raise make_error(OperationalError, "attempt to write a readonly database",
                             "SQLITE_READONLY")
        if conn._in_tx:
            db.set_user_version(value)
            return
        db.lock.acquire(conn, conn.timeout)
        try:
            db.set_user_version(value)
        except Exception as exc:
            raise engine_error(exc, db.catalog) from None
        finally:
            db.lock.release(conn)


PARSE_DECLTYPES = 1
PARSE_COLNAMES = 2

# sqlite3_limit categories and SQLite's default maxima
_LIMITS = {0: 1000000000, 1: 1000000000, 2: 2000, 3: 1000, 4: 500, 5: 250000000, 6: 127,
           7: 50000, 8: 10, 9: 32766, 10: 1000, 11: 1000}


def _stdlib_limits() -> None:
    """The maxima of the SQLite that stdlib sqlite3 was built with (its compile options decide
    some, e.g. the variable number), where sqlite3 can say (Python 3.11+)."""
    try:
        probe = _stdlib.connect(":memory:")
    except _stdlib.Error:
        return
    try:
        for category in _LIMITS:
            _LIMITS[category] = probe.getlimit(category)
    except (AttributeError, _stdlib.Error):
        pass
    finally:
        probe.close()


_stdlib_limits()

SQL_LENGTH_LIMIT = 1  # SQLITE_LIMIT_SQL_LENGTH
FUNCTION_ARG_LIMIT = 6  # SQLITE_LIMIT_FUNCTION_ARG
VARIABLE_LIMIT = 9  # SQLITE_LIMIT_VARIABLE_NUMBER


_MISSING = re.compile(r"no such (?:table|column|index|view)|object already exists")


def _keeps_earlier_rows(plan: Plan, exc: BaseException) -> bool:
    """UPDATE OR FAIL stopped by a guard's constraint error (engine errors are not mapped yet,
    so the engine's transaction is sound): the rows changed before it stay. A datatype mismatch
    undoes the statement, as in SQLite."""
    return (plan.keeps_earlier_rows and isinstance(exc, IntegrityError)
            and getattr(exc, "sqlite_errorname", None) != "SQLITE_MISMATCH")


def _sp(name: str | None) -> str:
    return (name or "").lower().replace('"', '""')


def _is_sequence(obj: Any) -> bool:
    return hasattr(obj, "__len__") and hasattr(obj, "__getitem__")


def _translated(make: Callable[..., Plan], *args: Any) -> Plan:
    """A plan from the translator: its own errors as they are; anything else it raised (a
    construct it cannot handle) as sqlite3's OperationalError."""
    try:
        return make(*args)
    except Error:
        raise
    except RecursionError:
        raise make_error(OperationalError, "parser stack overflow") from None
    except Exception as exc:
        raise make_error(OperationalError,
                         f"heliosdb_sqlite could not translate this statement: {exc}") from None


def _description(names) -> tuple:
    return tuple((n, None, None, None, None, None, None) for n in names)


def _colname(name: str) -> str:
    cut = name.find("[")
    return name[:cut].rstrip() if cut > 0 else name


def _convert(func: Any, value: Any) -> Any:
    """A registered converter on a value; like sqlite3, NULL and zero-length values are None."""
    if func is None:
        return value
    if value is None:
        return None
    data = as_converter_input(value)
    return func(data) if data else None


def _text(value: Any, factory: Any) -> Any:
    if type(value) is str:
        return factory(value.encode("utf-8"))
    return value
