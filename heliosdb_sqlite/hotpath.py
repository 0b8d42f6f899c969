"""The hot path: a cached plan of the two commonest kinds, run with only the work that cannot be
done once.

`Plan.fast` (rewrite/plan.py) marks a plain query whose engine values need no conversion
(FAST_READ) and a one-row INSERT whose rowid is known before it runs (FAST_INSERT). The
connection tries `execute()` here first; each function returns False, having done nothing, when
the statement or the connection's state needs the general path (connection.py), which gives the
same results. What is checked here is exactly what the general path would decide differently:
parameters of a type that needs adapting or a conversion, a transaction to open or a lock to
wait for, converters or a text_factory, a trace callback, registered functions.
"""
from __future__ import annotations

import sqlite3 as _stdlib
from threading import get_ident
from typing import Any, Callable

from .cursor import Cursor
from .errors import engine_error, is_engine_panic
from .exceptions import OperationalError, make_error
from .rewrite.plan import AUTO_ROWID, FAST_INSERT, FAST_READ, Plan
from .values import COERCIONS

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_P = _stdlib.PrepareProtocol
# sqlite3 consults adapters for these types only when one is registered for them
_ADAPTED_KEYS = frozenset((t, _P) for t in (int, float, str, bytearray, bytes, type(None)))
_ADAPTERS = _stdlib.adapters

# The Python type a coercion leaves unchanged (None and bytes pass every one of them).
_KEEPS = {"INTEGER": int, "NUMERIC": int, "REAL": float, "TEXT": str, "DYNAMIC": str}


class _Fast:
    """What the hot path needs of a plan, derived once per cached plan."""
    __slots__ = ("auto_at", "auto_last", "binders", "coercions", "description", "floats", "ints",
                 "kinds", "named", "params", "plan", "read", "rowid_at", "rowid_index", "sql", "strs",
                 "table")

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        self.binders: dict[tuple, Any] = {}  # binder() by the parameters' types
        self.read = plan.fast == FAST_READ
        self.description = plan.shape.description if self.read else None
        step = plan.steps[0]
        count = plan.params.count
        # None: the engine takes the SQLite values as they are, in order
        self.params = None if step.params == tuple(range(1, count + 1)) else step.params
        self.named = any(plan.params.names)  # bound from a sequence: sqlite3 warns
        self.coercions = tuple((i - 1, _KEEPS.get(kind), COERCIONS[kind])
                               for i, kind in plan.coercions)
        # when every parameter goes into a typed place: the Python type per parameter that needs
        # no coercion there, and where the ints, floats and strs among them are
        keeps = {i: keep for i, keep, _ in self.coercions}
        kinds = tuple(keeps.get(i) for i in range(count))
        self.kinds = kinds if count and None not in kinds else None
        self.ints = tuple(i for i, k in enumerate(kinds) if k is int)
        self.floats = tuple(i for i, k in enumerate(kinds) if k is float)
        self.strs = tuple(i for i, k in enumerate(kinds) if k is str)
        insert = plan.insert
        if plan.fast == FAST_INSERT or plan.batch and insert is not None and step.plain_sql:
            self.sql = step.plain_sql
            self.table = insert.table.lower()
            self.auto_at = step.params.index(AUTO_ROWID) if AUTO_ROWID in step.params else None
            # a rowid given as a parameter: NULL there asks for an automatic one
            self.rowid_index = insert.rowid_params[0] - 1 if insert.rowid_params else None
            self.rowid_at = step.rowid_at
            # the engine takes the SQLite values in order, then the automatic rowid
            self.auto_last = step.params == tuple(range(1, count + 1)) + (AUTO_ROWID,) \
                and not insert.rowid_params
        else:
            self.sql = step.sql
            self.table = self.auto_at = self.rowid_index = self.rowid_at = None
            self.auto_last = False


def facts_of(plan: Plan) -> _Fast:
    """The hot path's facts of a one-step plan (a FAST_* plan, or an executemany batch)."""
    info = plan.__dict__.get("_fast_info")
    if info is None:
        info = _Fast(plan)
        object.__setattr__(plan, "_fast_info", info)
    return info


def bind(conn: Any, plan: Plan, info: _Fast, parameters: Any) -> list | None:
    """The engine values for `parameters` when sqlite3 would bind them as they are (plus the
    plan's column coercions); None when the general binder must decide."""
    if type(parameters) is not tuple and type(parameters) is not list:
        return None
    spec = plan.params
    if len(parameters) != spec.count or spec.count > conn._variable_limit or info.named \
            or not _ADAPTED_KEYS.isdisjoint(_ADAPTERS):
        return None
    if info.kinds is not None and tuple(map(type, parameters)) == info.kinds:
        # every value has its place's type already: no coercion, only the range checks
        for i in info.ints:
            if not _INT64_MIN <= parameters[i] <= _INT64_MAX:
                return None
        for i in info.floats:
            v = parameters[i]
            if v != v:  # noqa: PLR0124 - NaN, which sqlite3 binds as NULL
                return None
        for i in info.strs:
            v = parameters[i]
            if not v.isascii():
                v.encode("utf-8")  # a lone surrogate is the caller's error, as in sqlite3
        return list(parameters)
    for v in parameters:
        if not _plain(v):
            return None
    out = list(parameters)
    for index, keep, coerce in info.coercions:
        v = out[index]
        if type(v) is not keep and v is not None:
            out[index] = coerce(v)
    return out


def execute(conn: Any, cursor: Any, plan: Plan, parameters: Any) -> bool:
    """Run `plan` on the hot path if it may; True when done (cursor filled)."""
    facts = plan.__dict__.get("_fast_info") or facts_of(plan)
    values = bind(conn, plan, facts, parameters)
    if values is None:
        return False
    return _run(conn, cursor, plan, facts, values) is not None


def remember(conn: Any, sql: str, plan: Plan, parameters: Any) -> None:
    """After `sql` ran on the hot path through execute(): keep its entry for `run`, with the
    catalog it was planned against and a binder specialised to the types of `parameters`. What
    `run` does not check again each time is fixed for the connection (its class, the parameter
    style) or clears the entries when it changes (setlimit)."""
    facts = plan.__dict__.get("_fast_info") or facts_of(plan)
    if facts.named or plan.params.count > conn._variable_limit:
        return
    fast = conn._fast
    if len(fast) >= 256:
        fast.clear()
    catalog = conn._db.catalog
    fast[sql] = (facts, catalog, catalog.version, binder(facts, parameters))


# What the binder checks of a value, by its type, so that sqlite3 would bind it as it is: an int
# in SQLite's 64-bit range, a float that is not NaN (bound as NULL), a str that encodes (a lone
# surrogate raises, as in sqlite3).
_VALUE_CHECKS = {
    int: "type({p}) is int and -9223372036854775808 <= {p} <= 9223372036854775807",
    float: "type({p}) is float and {p} == {p}",
    str: "type({p}) is str and ({p}.isascii() or _encodes({p}))",
    bytes: "type({p}) is bytes",
    type(None): "{p} is None",
}


def _encodes(text: str) -> bool:
    text.encode("utf-8")
    return True


def _plain(value: Any) -> bool:
    """A value sqlite3 binds as it is (None, or a type of _VALUE_CHECKS that passes its check)."""
    kind = type(value)
    if kind is int:
        return _INT64_MIN <= value <= _INT64_MAX
    if kind is float:
        return value == value  # noqa: PLR0124 - NaN is bound as NULL
    if kind is str:
        return value.isascii() or _encodes(value)
    return kind is bytes or value is None


def binder(facts: _Fast, parameters: Any) -> Callable[[Any], list | None] | None:
    """A function of the parameters: the engine values when every value has the type it had in
    `parameters` (each place's own type where the plan coerces; then no coercion is due), else
    None. Generated once per remembered statement: a check per value, in the engine's order;
    None when `parameters` are not a plain sequence of such values."""
    if type(parameters) is not tuple and type(parameters) is not list:
        return None
    signature = tuple(map(type, parameters))
    made = facts.binders.get(signature, False)
    if made is False:
        made = facts.binders[signature] = _make_binder(facts, parameters)
    return made


def _make_binder(facts: _Fast, parameters: Any) -> Callable[[Any], list | None] | None:
    keeps = {i: keep for i, keep, _ in facts.coercions}
    if None in keeps.values():
        return None  # a place coerced whatever its value's type (LIMIT, a LIKE pattern): bind()
    checks = []
    for i, value in enumerate(parameters):
        kind = type(value)
        keep = keeps.get(i)
        if kind not in _VALUE_CHECKS or keep is not None and kind is not keep and value is not None:
            return None
        p = f"p{i}"
        if keep is not None:  # a typed place: its own type, or NULL
            checks.append(f"({p} is None or {_VALUE_CHECKS[keep].format(p=p)})")
        elif value is None:  # an untyped place seen NULL: any value bound as it is
            checks.append(f"_plain({p})")
        else:
            checks.append(f"({p} is None or {_VALUE_CHECKS[kind].format(p=p)})")
    names = [f"p{i}" for i in range(len(parameters))]
    if facts.auto_last:
        out = names + ["None"]
    elif facts.params is not None:
        out = [names[i - 1] if i > 0 else "None" for i in facts.params]
    else:
        out = names
    unpack = f"        {', '.join(names)}, = parameters\n" if names else ""
    source = (
        "def bind(parameters):\n"
        "    if (type(parameters) is tuple or type(parameters) is list) "
        f"and len(parameters) == {len(names)}:\n"
        + unpack
        + f"        if {' and '.join(checks) or 'True'}:\n"
        f"            return [{', '.join(out)}]\n"
        "    return None\n")
    scope: dict = {"_encodes": _encodes, "_plain": _plain}
    exec(compile(source, f"<hot binder {facts.sql[:40]!r}>", "exec"), scope)  # noqa: S102
    return scope["bind"]


def run(conn: Any, sql: str, entry: tuple, parameters: Any, cursor: Any = None) -> Any:
    """Connection.execute (cursor None: a new cursor) or Cursor.execute of a remembered
    statement: the cursor, or None (nothing done) when the general path must run it. The checks
    of Cursor(conn), Cursor.execute and Connection._execute that can come out differently are
    made here, inline."""
    facts, catalog, version, bind_fast = entry
    if conn._closed or conn._udf is not None or conn._trace is not None \
            or conn._check_same_thread and get_ident() != conn._thread:
        return None
    db = conn._db
    if db.catalog is not catalog or catalog.version != version:
        del conn._fast[sql]  # planned against another schema; _execute remembers it anew
        return None
    values = bind_fast(parameters) if bind_fast is not None \
        and _ADAPTED_KEYS.isdisjoint(_ADAPTERS) else None
    if values is None:
        values = bind(conn, facts.plan, facts, parameters)
        if values is None:
            return None
        values = _engine_order(facts, values)
    if facts.read:
        if conn.detect_types or conn.text_factory is not str:
            return None
    elif not conn._in_tx or conn._read_only:
        return None
    if cursor is None:  # what Cursor(conn) makes, its checks made above
        cursor = _NEW(Cursor)
        cursor.connection = conn
        cursor._closed = False
        cursor._initialized = True
        factory = conn.row_factory
        if factory is not None:
            cursor.row_factory = factory
    else:
        cursor._reset()
    if facts.read:
        return _read(conn, cursor, facts.plan, facts, values)
    return _insert(conn, cursor, facts.plan, facts, values)


def _engine_order(facts: _Fast, values: list) -> list:
    """SQLite's values in the engine's parameter order (what a generated binder returns)."""
    if facts.auto_last:
        values.append(None)  # the rowid's place, filled by _insert
    elif facts.params is not None:
        values = [values[i - 1] if i > 0 else None for i in facts.params]
    return values


def _run(conn: Any, cursor: Any, plan: Plan, facts: _Fast, values: list) -> Any:
    values = _engine_order(facts, values)
    if facts.read:
        return _read(conn, cursor, plan, facts, values)
    if not conn._in_tx or conn._read_only:
        return None
    return _insert(conn, cursor, plan, facts, values)


_NEW = object.__new__


def _read(conn: Any, cursor: Any, plan: Plan, info: _Fast, values: list) -> Any:
    if conn.detect_types or conn.text_factory is not str:
        return None
    db = conn._db
    lock = None
    if not conn._in_tx:
        if conn._autocommit is False:
            return None  # a read opens the transaction
        if db.shared:
            # a server session of its own (storage._open_daemon): no other connection shares
            # this Database, so no lock to take; another session may have inserted since
            db.rowids.clear()
        else:
            lock = db.lock
            if not lock.try_acquire(conn):
                return None  # another connection's transaction: a snapshot read or a wait
    conn._running = True
    try:
        if info.description is not None:
            rows = db.engine.rows_with(info.sql, values)
            description = info.description
        else:
            result = db.engine.query(info.sql, values)
            rows = result.rows
            description = result.columns and tuple(
                (n, None, None, None, None, None, None) for n in result.columns)
    except BaseException as exc:
        if db.shared and not conn._in_tx and isinstance(exc, Exception):
            return None  # the general path re-reads a schema another session may have moved
        if isinstance(exc, Exception) or is_engine_panic(exc):
            raise engine_error(exc, db.catalog) from None
        raise
    finally:
        conn._running = False
        if lock is not None:
            lock.release(conn)
    cursor._rows = rows
    cursor.description = description or None
    cursor.lastrowid = conn._last_rowid
    if conn._interrupted:
        _interrupted(conn)
    return cursor


def _insert(conn: Any, cursor: Any, plan: Plan, info: _Fast, values: list) -> Any:
    """The INSERT, in the connection's transaction (the caller checked it has one)."""
    db = conn._db
    auto = info.auto_at
    if auto is None and info.rowid_index is not None and values[info.rowid_at] is None:
        auto = info.rowid_at  # an explicit NULL rowid
    # PostgreSQL: a failing statement undoes only itself, as in SQLite (the transport sends the
    # savepoint pair along with the statement: no round trip of its own)
    guard = db.guard_statements
    engine = db.engine
    conn._running = True
    try:
        if guard:
            engine.execute('SAVEPOINT "hsq_statement"', ())
        if auto is not None:
            known = db.rowids.get(info.table)
            if known is None:
                insert = plan.insert
                known = db.largest_rowid(insert.table, insert.rowid, False, conn.timeout)
            values[auto] = known + 1
        count = engine.execute_with(info.sql, values)
        if guard:
            engine.execute('RELEASE SAVEPOINT "hsq_statement"', ())
    except BaseException as exc:
        if guard:
            try:
                engine.execute('ROLLBACK TO SAVEPOINT "hsq_statement"', ())
                engine.execute('RELEASE SAVEPOINT "hsq_statement"', ())
            except Exception:  # noqa: BLE001, S110 - the statement's own error is the one to raise
                pass
        db.forget_rowids()
        if isinstance(exc, Exception) or is_engine_panic(exc):
            raise engine_error(exc, db.catalog, plan.table) from None
        raise
    finally:
        conn._running = False
    if count:
        rowid = values[info.rowid_at]
        conn._last_rowid = rowid
        if auto is not None:
            db.rowids[info.table] = rowid  # known + 1
        else:
            known = db.rowids.get(info.table)
            if known is not None and type(rowid) is int and rowid > known:
                db.rowids[info.table] = rowid
    cursor.rowcount = count
    cursor.lastrowid = conn._last_rowid
    conn._total_changes += count
    conn._changes = count
    if conn._interrupted:
        _interrupted(conn)
    return cursor


def _interrupted(conn: Any) -> None:
    if conn._interrupted:
        conn._interrupted = False
        raise make_error(OperationalError, "interrupted", "SQLITE_INTERRUPT")
