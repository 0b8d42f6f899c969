"""The hot path: a cached plan of the two commonest kinds, run with only the work that cannot be
done once.

`Plan.fast` (rewrite/plan.py) marks a plain query whose engine values need no conversion
(FAST_READ) and a one-row INSERT whose rowid is known before it runs (FAST_INSERT). The
connection tries `execute()` here first; each function returns False, having done nothing, when
the statement or the connection's state needs the general path (connection.py), which gives the
same results. What is checked here is exactly what the general path would decide differently:
parameters of a type that needs adapting or a conversion, a transaction to open or a lock to
wait for, converters or a text_factory. A connection with a trace callback or registered
functions, or closed, has no runners (NO_RUNNERS), and the general path does not call
execute() for it.
"""
from __future__ import annotations

import re
import sqlite3 as _stdlib
from threading import get_ident
from types import MappingProxyType
from typing import Any, Callable

from .cursor import Cursor
from .errors import engine_error, is_engine_panic
from .exceptions import OperationalError, make_error
from .rewrite.plan import AUTO_ROWID, FAST_INSERT, FAST_READ, Plan
from .values import COERCIONS

# Connection._fast while the connection is closed or has functions or a trace callback: no
# runner is found, so runners need not check those (Connection._reset_runners).
NO_RUNNERS: Any = MappingProxyType({})

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_P = _stdlib.PrepareProtocol
# sqlite3 consults adapters for these types only when one is registered for them
_ADAPTED_KEYS = frozenset((t, _P) for t in (int, float, str, bytearray, bytes, type(None)))
_ADAPTERS = _stdlib.adapters
# How many adapters there were when none of them was for a type of _ADAPTED_KEYS (-1: one was).
# A runner compares the count alone (hashing six keys cost a tenth of a hot INSERT's Python):
# adapters are only ever added (register_adapter) or taken out (del sqlite3.adapters[...]), and
# either changes the count. What it misses is one taken out and another put in between two
# statements, which no application does.
_ADAPTERS_SEEN = [-1]


def _adapted() -> bool:
    """Whether an adapter is registered for a type the hot path binds as it is (after the
    adapters' count changed)."""
    if _ADAPTED_KEYS.isdisjoint(_ADAPTERS):
        _ADAPTERS_SEEN[0] = len(_ADAPTERS)
        return False
    _ADAPTERS_SEEN[0] = -1
    return True

# The Python type a coercion leaves unchanged (None and bytes pass every one of them).
_KEEPS = {"INTEGER": int, "NUMERIC": int, "REAL": float, "TEXT": str, "DYNAMIC": str}


class _Fast:
    """What the hot path needs of a plan, derived once per cached plan."""
    __slots__ = ("auto_at", "auto_last", "coercions", "description", "floats", "general", "ints",
                 "kinds", "named", "params", "plan", "read", "rowid_at", "rowid_index", "runners",
                 "sql", "strs", "table")

    def __init__(self, plan: Plan) -> None:
        self.plan = plan
        # _make_runner's compiled code by (checks the catalog, parameter types)
        self.runners: dict[tuple, Any] = {}
        self.general: Any = None  # execute()'s runner (_make_runner without a catalog)
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
            or len(_ADAPTERS) != _ADAPTERS_SEEN[0] and _adapted():
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
    """Run `plan` on the hot path if it may; True when done (cursor filled). The caller checked
    that the plan belongs to the current catalog."""
    facts = plan.__dict__.get("_fast_info") or facts_of(plan)
    runner = facts.general
    if runner is None:
        runner = facts.general = _make_runner(facts, conn._db, None, None, None)
    return runner(conn, parameters, cursor) is not None


def remember(conn: Any, sql: str, plan: Plan, parameters: Any) -> None:
    """After `sql` ran on the hot path through execute(): keep a runner for it, which
    Connection.execute and Cursor.execute call directly. The runner checks the catalog it was
    planned against and binds through checks made for the types of `parameters`. What a runner
    does not check each time is
    fixed for the connection (its class, the parameter style) or clears the entries when it
    changes (setlimit)."""
    facts = plan.__dict__.get("_fast_info") or facts_of(plan)
    fast = conn._fast
    if facts.named or plan.params.count > conn._variable_limit or fast is NO_RUNNERS:
        return
    if len(fast) >= 256:
        fast.clear()
    fast[sql] = _make_runner(facts, conn._db, conn._db.catalog, sql, parameters)


# What the binder checks of a value, by its type, so that sqlite3 would bind it as it is: an int
# in SQLite's 64-bit range, a float that is not NaN (bound as NULL), a str that encodes (a lone
# surrogate raises, as in sqlite3).
_VALUE_CHECKS = {
    int: "type({p}) is int and -9223372036854775808 <= {p} and {p} <= 9223372036854775807",
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


def _binding_source(facts: _Fast, parameters: Any) -> str:
    """The runner's binding: checks made for the types of `parameters` (each place's own type
    where the plan coerces: then no coercion is due), in one expression, then the engine's value
    list; any other parameters go to the general binder. Only the general binder when there is
    nothing to specialise: no parameters seen (execute()'s runner), parameters that are not a
    plain sequence of such values, or a place coerced whatever its value's type (LIMIT, a LIKE
    pattern)."""
    general = ("    values = _general(conn, facts, parameters)\n"
               "    if values is None:\n"
               "        return None\n")
    if type(parameters) is not tuple and type(parameters) is not list:
        return general
    keeps = {i: keep for i, keep, _ in facts.coercions}
    if None in keeps.values():
        return general
    checks = []
    for i, value in enumerate(parameters):
        kind = type(value)
        keep = keeps.get(i)
        if kind not in _VALUE_CHECKS or keep is not None and kind is not keep and value is not None:
            return general
        p = f"p{i}"
        if keep is not None:  # a typed place: its own type, or NULL
            checks.append(f"({_VALUE_CHECKS[keep].format(p=p)} or {p} is None)")
        elif value is None:  # an untyped place seen NULL: any value bound as it is
            checks.append(f"_plain({p})")
        else:
            checks.append(f"({_VALUE_CHECKS[kind].format(p=p)} or {p} is None)")
    names = [f"p{i}" for i in range(len(parameters))]
    if facts.auto_last:
        out = names + ["None"]
    elif facts.params is not None:
        out = [names[i - 1] if i > 0 else "None" for i in facts.params]
    else:
        out = names
    unpack = f"        {', '.join(names)}, = parameters\n" if names else ""
    return (
        "    if (type(parameters) is tuple or type(parameters) is list) "
        f"and len(parameters) == {len(names)}:\n"
        + unpack
        + f"        if {' and '.join(checks) or 'True'}:\n"
        f"            values = [{', '.join(out)}]\n"
        "        else:\n"
        "            values = _general(conn, facts, parameters)\n"
        "            if values is None:\n"
        "                return None\n"
        "    else:\n"
        "        values = _general(conn, facts, parameters)\n"
        "        if values is None:\n"
        "            return None\n")


# The parts of a runner (see _make_runner). A runner returns the cursor, or None having done
# nothing when the general path must run the statement; it checks exactly what can make the
# general path decide differently: the connection used from another thread, an adapter
# registered for a plain type, parameters that need adapting or converting, converters or a
# text_factory (reads), no transaction open or a read-only database (INSERTs), another
# connection's transaction (reads). A connection closed or with functions or a trace callback
# has no remembered runners (NO_RUNNERS), and the general path does not call execute() then.
_PROLOGUE = """\
def run(conn, parameters, cursor):
    if conn._check_same_thread and get_ident() != conn._thread \\
            or len(_ADAPTERS) != _ADAPTERS_SEEN[0] and _adapted():
        return None
"""
# the engine's methods and the database's rowid counters: a remembered runner's (per
# connection, so per database) are looked up once; execute()'s, shared by the databases that
# share the plan, each time
_LOOKUPS_READ = """\
rows_with = db.engine.rows_with
"""
_LOOKUPS_INSERT = """\
rowids = db.rowids
execute_with = db.engine.execute_with
"""
_SAME_CATALOG = """\
    if db.catalog is not catalog or catalog.version != version:
        conn._fast.pop(sql, None)  # planned against another schema: the general path plans it
        return None
"""
_READ_STATE = """\
    if conn.detect_types or conn.text_factory is not str:
        return None
"""
_INSERT_STATE = """\
    if not conn._in_tx or conn._read_only:
        return None
"""
# what Cursor(conn) makes (its checks made above) ...
_NEW_CURSOR = """\
    if cursor is None:
        cursor = _NEW(Cursor)
        cursor.connection = conn
        cursor._closed = False
        cursor._initialized = True
        cursor.row_factory = conn.row_factory
"""
# ... with, for a read, what fetchone() reads of it in the cursor itself: an attribute found on
# the class (a default) is a slow lookup in Python 3.11, not one of the specialised loads ...
_NEW_READ_CURSOR = """\
        cursor._locked = False
        cursor._pos = 0
        cursor._convert = None
"""
# ... or the caller's cursor made ready (Cursor._reset, written out)
_CURSOR_READY = """\
    else:
        cursor.description = None
        cursor.rowcount = -1
        cursor._rows = ()
        cursor._pos = 0
        cursor._convert = None
"""
_READ = """\
    lock = None
    if not conn._in_tx:
        if conn._autocommit is False:
            return None  # a read opens the transaction
        if SHARED:
            # a server session of its own (storage._open_daemon): no other connection shares
            # this Database, so no lock to take; another session may have inserted since
            db.rowids.clear()
        else:
            # OwnerLock.try_acquire written out, without `with` (its special-method lookups
            # and bound methods cost a read as much as the rest of the lock)
            lock = db.lock
            mutex = lock._mutex
            mutex.acquire()
            try:
                owner = lock.owner
                if owner is None:
                    lock.owner = conn
            finally:
                mutex.release()
            if owner is not None and owner is not conn:
                return None  # another connection's transaction: a snapshot read or a wait
    conn._running = True
    try:
        if FIXED:
            rows = rows_with(SQL, values)
        else:
            result = db.engine.query(SQL, values)
            rows = result.rows
            description = result.columns and tuple(
                (n, None, None, None, None, None, None) for n in result.columns)
    except BaseException as exc:
        if SHARED and not conn._in_tx and isinstance(exc, Exception):
            return None  # the general path re-reads a schema another session may have moved
        raise _failed(db, exc, None) from None
    finally:
        conn._running = False
        if lock is not None:  # OwnerLock.release, written out
            mutex.acquire()
            try:
                if lock.owner is conn:
                    lock.owner = None
                    if lock._waiting:
                        lock._cond.notify()
            finally:
                mutex.release()
    cursor._rows = rows
    if FIXED:
        cursor.description = DESCRIPTION
    else:
        cursor.description = description or None
    cursor.lastrowid = conn._last_rowid
    if conn._interrupted:
        _interrupted(conn)
    return cursor
"""
# the INSERT, in the connection's transaction; on PostgreSQL a failing statement undoes only
# itself, as in SQLite (the transport sends the savepoint pair along with the statement: no
# round trip of its own).
_AUTO_LINE = """\
    auto = AUTO  # whether the engine gets an automatic rowid (at AUTO_AT)
"""
_INSERT = _AUTO_LINE + """\
    try:
        if GUARD:
            db.engine.execute('SAVEPOINT "hsq_statement"', ())
        if AUTOMATIC:
            try:  # a subscript, cheaper than get() (the counters hold ints only)
                known = rowids[TABLE]
            except KeyError:
                insert = facts.plan.insert
                known = db.largest_rowid(insert.table, insert.rowid, False, conn.timeout)
            values[AUTO_AT] = known + 1
        count = execute_with(SQL, values)
        if GUARD:
            db.engine.execute('RELEASE SAVEPOINT "hsq_statement"', ())
    except BaseException as exc:
        raise _failed(db, exc, facts.plan) from None
    if count:
        rowid = values[ROWID_AT]
        conn._last_rowid = rowid
        cursor.lastrowid = rowid
        if AUTOMATIC:
            rowids[TABLE] = rowid  # known + 1
        else:
            known = rowids.get(TABLE)
            if known is not None and type(rowid) is int and rowid > known:
                rowids[TABLE] = rowid
    else:
        cursor.lastrowid = conn._last_rowid
    cursor.rowcount = count
    conn._total_changes += count
    conn._changes = count
    return cursor
"""


def _make_runner(facts: _Fast, db: Any, catalog: Any, sql: str | None,
                 parameters: Any) -> Callable[[Any, Any, Any], Any]:
    """A function `run(conn, parameters, cursor)` for one plan: Connection.execute (cursor None:
    it makes the cursor) or Cursor.execute of the statement. With a catalog (a remembered
    statement) it first checks that the catalog is still the one the plan was made for, and
    binds through checks made for the types of `parameters`. Each runner is a closure, over the
    plan's facts and the catalog, of code compiled once per shape of plan (_compile)."""
    signature = tuple(map(type, parameters)) \
        if type(parameters) is tuple or type(parameters) is list else None
    key = (catalog is not None, signature)
    make = facts.runners.get(key)
    if make is None:
        if len(facts.runners) >= 16:
            facts.runners.clear()
        make = facts.runners[key] = _compile(facts, db, catalog is not None, parameters)
    return make(catalog, None if catalog is None else catalog.version, sql, db, facts, facts.sql,
                facts.table, facts.description)


# make() by what its source is made of: plans of the same shape (the same statement on another
# table of the same columns, or the same statement planned again after the schema moved) share
# the compiled code; compiling it is most of a new statement's cost once translated (about 1 ms)
_MAKERS: dict[tuple, Callable] = {}


def _compile(facts: _Fast, db: Any, checks_catalog: bool, parameters: Any) -> Callable:
    """`make(catalog, version, sql, db, facts, SQL, TABLE, DESCRIPTION)`, which returns the
    runner: the parts above, with the constants of the plan's shape and database written in and
    the branches that cannot apply to them left out by the compiler (they test constants)."""
    at = facts.rowid_at
    # an automatic rowid always, never, or when the rowid's parameter is NULL (`auto`, set from
    # it); AUTOMATIC is the constant itself where it is one, so that the compiler drops the test
    dynamic = facts.auto_at is None and facts.rowid_index is not None
    constants = {  # written into the code: the compiler drops a branch that tests False
        "SHARED": repr(db.shared), "GUARD": repr(db.guard_statements), "ROWID_AT": repr(at),
        "FIXED": repr(facts.description is not None),
        "AUTO": f"values[{at}] is None",
        "AUTOMATIC": "auto" if dynamic else repr(facts.auto_at is not None),
        "AUTO_AT": repr(facts.auto_at if facts.auto_at is not None else at)}
    binding = _binding_source(facts, parameters)
    key = (checks_catalog, facts.read, dynamic, binding, *constants.values())
    make = _MAKERS.get(key)
    if make is not None:
        return make
    lookups = _LOOKUPS_READ if facts.read else _LOOKUPS_INSERT
    if checks_catalog:  # a remembered runner: the connection's database, looked up once
        head, prologue = lookups, _PROLOGUE + _SAME_CATALOG
    else:
        head = ""
        prologue = _PROLOGUE + "    db = conn._db\n" + "".join(
            f"    {line}\n" for line in lookups.splitlines())
    body = (head + prologue
            + (_READ_STATE if facts.read else _INSERT_STATE)
            + binding
            + _NEW_CURSOR + (_NEW_READ_CURSOR if facts.read else "") + _CURSOR_READY
            + (_READ if facts.read else _INSERT if dynamic else _INSERT.replace(_AUTO_LINE, "")))
    body = re.sub(r"\b(SHARED|GUARD|ROWID_AT|AUTOMATIC|AUTO_AT|AUTO|FIXED)\b",
                  lambda m: constants[m[1]], body)
    source = ("def make(catalog, version, sql, db, facts, SQL, TABLE, DESCRIPTION):\n"
              + "".join(f"    {line}\n" if line else "\n" for line in body.splitlines())
              + "    return run\n")
    scope: dict = {
        "get_ident": get_ident, "_ADAPTERS": _ADAPTERS, "_ADAPTERS_SEEN": _ADAPTERS_SEEN,
        "_adapted": _adapted, "_NEW": _NEW, "Cursor": Cursor, "_encodes": _encodes,
        "_plain": _plain, "_general": _general, "_failed": _failed,
        "_interrupted": _interrupted,
    }
    kind = "read" if facts.read else "insert"
    exec(compile(source, f"<hot runner: {kind}>", "exec"), scope)  # noqa: S102
    if len(_MAKERS) >= 256:
        _MAKERS.clear()
    make = _MAKERS[key] = scope["make"]
    return make


def _general(conn: Any, facts: _Fast, parameters: Any) -> list | None:
    """The engine values by the general binder's rules (bind()), in the engine's order."""
    values = bind(conn, facts.plan, facts, parameters)
    if values is None:
        return None
    if facts.auto_last:
        values.append(None)  # the rowid's place, filled by the runner
    elif facts.params is not None:
        values = [values[i - 1] if i > 0 else None for i in facts.params]
    return values


def _failed(db: Any, exc: BaseException, plan: Plan | None) -> BaseException:
    """What a runner raises when the engine failed: an INSERT is undone (its savepoint on a
    server that needs one) and the rowid counters forgotten; an engine error becomes sqlite3's."""
    if plan is not None:
        if db.guard_statements:
            try:
                db.engine.execute('ROLLBACK TO SAVEPOINT "hsq_statement"', ())
                db.engine.execute('RELEASE SAVEPOINT "hsq_statement"', ())
            except Exception:  # noqa: BLE001, S110 - the statement's own error is the one to raise
                pass
        db.forget_rowids()
    if isinstance(exc, Exception) or is_engine_panic(exc):
        return engine_error(exc, db.catalog, plan.table if plan is not None else None)
    return exc


_NEW = object.__new__


def _interrupted(conn: Any) -> None:
    if conn._interrupted:
        conn._interrupted = False
        raise make_error(OperationalError, "interrupted", "SQLITE_INTERRUPT")
