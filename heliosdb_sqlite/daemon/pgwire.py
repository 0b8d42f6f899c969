"""Daemon mode: one server session per Connection over pg8000, to a Nano server or PostgreSQL.

Thin, like the embedded transports: translation, value shaping and error mapping happen above the
engine seam. What lives here is what only the wire knows:
- values are bound as protocol parameters, typed by their Python class (SQLite's storage classes);
- a statement with parameters is prepared once per session and reused; one without goes through
  the simple protocol (one round trip, and the only way a Nano server accepts DDL);
- engine types come back as the embedded binding gives them (NUMERIC and timestamps as text,
  VECTOR as a list of floats), so nothing above needs to know the transport;
- a lost connection is OperationalError naming the server. Outside a transaction the next statement
  reconnects by itself; inside one, every statement fails until the transaction is rolled back,
  so nothing is replayed and nothing is lost silently;
- sessions come from a per-DSN pool and are rolled back before they go back to it;
- transaction control whose answer nobody reads (BEGIN, and SAVEPOINT / RELEASE SAVEPOINT inside
  a transaction) is not a round trip of its own: it goes out in the same flight as the next
  statement, and is dropped when COMMIT or ROLLBACK comes first and makes it moot. A statement
  in a transaction costs one round trip, not three, with its statement savepoint.
"""
from __future__ import annotations

import functools
import re
import select
import ssl
import threading
from collections import OrderedDict
from typing import Any, Sequence

import pg8000
import pg8000.native
from pg8000.converters import make_params
from pg8000.core import READY_FOR_QUERY, Context, _read, ci_unpack

from ..catalog import Catalog
from ..engine import Result
from ..errors import engine_error
from ..exceptions import OperationalError, make_error
from .dsn import Dsn

PREPARED_PER_SESSION = 256
IDLE_PER_DSN = 16

# the parameter type each storage class is bound with: the server sees what the binding sees
_OIDS = {int: 20, float: 701, str: 25, bytes: 17}
_UNKNOWN = 0
# A Nano 4.31 server ignores the types a Parse message declares and takes every parameter as
# text: `SELECT $1` of 5 comes back as '5', and `$1 + 1` is refused. An explicit cast gives the
# engine the typed value the binding would have passed.
_NANO_CASTS = {20: "BIGINT", 701: "DOUBLE PRECISION", 17: "BYTEA"}
# Statements a Nano 4.31 server runs only through the simple protocol ("Operator not yet
# implemented" on the extended one). Everything else goes through the extended protocol there,
# because the simple one (a) types result columns from the first row, so a NULL there makes the
# column text, and (b) inside a transaction, runs UPDATE/DELETE without seeing the rows that
# transaction inserted.
_NANO_EXTENDED = frozenset(("SELECT", "INSERT", "UPDATE", "DELETE", "WITH", "VALUES"))
_LEADING = re.compile(r"(?:\s+|--[^\n]*(?:\n|$)|/\*.*?\*/)*", re.DOTALL)
_FIRST_WORD = re.compile(r"[A-Za-z]+")
# `$N` outside literals, quoted names and comments; LIMIT and OFFSET take only a bare `$N`
_PLACEHOLDER = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/"
                          r"|\b(?:LIMIT|OFFSET)\s+\$\d+|\$(\d+)", re.DOTALL | re.IGNORECASE)


# Transaction control as the shim sends it (connection.py, Database.begin), by what deferring it
# may do: BEGIN opens, SAVEPOINT / RELEASE SAVEPOINT nest, COMMIT / ROLLBACK end.
_CONTROL = re.compile(r'(BEGIN|COMMIT|ROLLBACK)|(SAVEPOINT|RELEASE SAVEPOINT) ("(?:[^"]|"")*")\Z')
_BEGIN, _END, _SAVEPOINT, _RELEASE = "begin", "end", "savepoint", "release"
# What a session in a failed transaction is still sent: what ends the transaction, or (PostgreSQL)
# rolls back to a savepoint. The server refuses anything else (SQLSTATE 25P02).
_ENDS_FAILED = re.compile(r"\s*(?:ROLLBACK|COMMIT|END|ABORT)\b", re.IGNORECASE)


@functools.lru_cache(maxsize=256)
def _control(sql: str) -> tuple[str, str] | None:
    """(kind, savepoint name) of a transaction control statement that may be deferred or
    dropped, or None for anything else (ROLLBACK TO is sent at once: it answers a failure)."""
    match = _CONTROL.fullmatch(sql)
    if match is None:
        return None
    verb = match.group(1)
    if verb is not None:
        return (_BEGIN if verb == "BEGIN" else _END), ""
    return (_SAVEPOINT if match.group(2) == "SAVEPOINT" else _RELEASE), match.group(3)


@functools.lru_cache(maxsize=1024)
def _nano_simple(sql: str) -> bool:
    """Whether a Nano server must get `sql` (without parameters) through the simple protocol.
    (PostgreSQL gets every statement without parameters that way: one round trip.)"""
    word = _FIRST_WORD.match(sql, _LEADING.match(sql).end())
    return word is None or word.group(0).upper() not in _NANO_EXTENDED


# A Nano 4.31 server describes every aliased RETURNING item as text (returning_schema in lib.rs
# types only bare column names), so `RETURNING "id" AS "id"` sends 1 as '1'. The shim reads
# RETURNING rows by position, so a column item can go bare.
_RETURNING = re.compile(r"\bRETURNING\b")
_ALIASED_COLUMN = re.compile(r'((?:"(?:[^"]|"")*"\.)?"(?:[^"]|"")*") AS "(?:[^"]|"")*"(?=,|$)')


def _bare_returning(sql: str) -> str:
    match = _RETURNING.search(sql)
    if match is None:
        return sql
    head, tail = sql[:match.end()], sql[match.end():]
    return head + _ALIASED_COLUMN.sub(r"\1", tail)


def _sqlstate(exc: BaseException) -> str:
    fields = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {}
    return fields.get("C", "")


def _cast_placeholders(sql: str, oids: Sequence[int]) -> str:
    """`$N` wrapped in a cast to the type its value is bound as (ints, reals and blobs)."""
    def cast(match: re.Match) -> str:
        number = match.group(1)
        if number is None or not 0 < int(number) <= len(oids):
            return match.group(0)
        target = _NANO_CASTS.get(oids[int(number) - 1])
        return f"CAST(${number} AS {target})" if target else match.group(0)
    return _PLACEHOLDER.sub(cast, sql)

_TEXT_OIDS = (
    1700,  # numeric: text, as the binding gives it (the shim decides int/float/str)
    705,  # unknown: Nano sends NUMERIC and BYTEA literals so at times
    1082, 1083, 1114, 1184, 1266,  # date, time, timestamp, timestamptz, timetz: ISO text
    114, 3802,  # json, jsonb
    2950,  # uuid
    1186,  # interval
)


def _vector(text: str) -> list[float] | str:
    """Nano sends VECTOR columns as OID 1000 with text `{1,2,3}` (or `[1,2,3]`)."""
    body = text.strip()
    if len(body) >= 2 and body[0] in "{[" and body[-1] in "}]":
        inner = body[1:-1].strip()
        try:
            return [float(x) for x in inner.split(",")] if inner else []
        except ValueError:
            return text
    return text


def _connect_within(timeout: float) -> float:
    """Seconds to wait for the server to answer a login. sqlite3's `timeout` bounds waiting for
    a lock; 0 there means "never wait for a lock", not "give up connecting at once" (a socket
    timeout of 0 is a non-blocking connect, which always fails)."""
    return timeout if timeout > 0 else 5.0


def _ssl_context(mode: str) -> Any:
    if mode in ("disable", "allow"):
        return False
    if mode == "prefer":
        return None  # pg8000: ask for TLS, go on without it if the server refuses
    context = ssl.create_default_context()
    if mode != "verify-full":
        context.check_hostname = False
    if mode == "require":
        context.verify_mode = ssl.CERT_NONE
    return context


def _lost(dsn: Dsn, exc: BaseException) -> OperationalError:
    return make_error(OperationalError, f"lost the connection to the server at {dsn.where} "
                      f"({exc.__class__.__name__}: {exc})", "SQLITE_IOERR")


def _is_network_error(exc: BaseException) -> bool:
    if isinstance(exc, (OSError, EOFError)):
        return True
    return isinstance(exc, pg8000.InterfaceError) and str(exc) in (
        "network error", "connection is closed", "communication error")


class ServerError(Exception):
    """An error the server sent: its message (mapped to sqlite3 classes above) and SQLSTATE."""

    def __init__(self, fields: dict) -> None:
        super().__init__(fields.get("M", "server error"))
        self.sqlstate = fields.get("C", "")
        self.fields = fields


_ABORTED = {"C": "25P02", "M": "current transaction is aborted, commands ignored until end of "
            "transaction block"}
_NO_CATALOG = Catalog()  # the message of an aborted transaction names no table


class _Wire(pg8000.native.Connection):
    """A pg8000 connection that can send statements ahead of the next flight of messages.

    `send_ahead` writes Query messages into the socket's write buffer without flushing it; they
    leave with whatever pg8000 sends next (a Query, Bind/Execute/Sync, Parse/Describe/Sync),
    and the server answers them first, each up to its ReadyForQuery. pg8000 reads a flight's
    answer through handle_messages, so that is where the ones owed come off the wire first."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.owed: list[str] = []  # statements sent ahead whose answers are not read yet
        self.trips = 0  # answers waited for (round trips), for tests and the benchmark
        super().__init__(*args, **kwargs)

    def send_ahead(self, statements: list[str]) -> None:
        for sql in statements:
            self.send_QUERY(sql)
        self.owed.extend(statements)

    def handle_messages(self, context: Context) -> None:
        self.trips += 1
        if self.owed:
            owed, self.owed = self.owed, []
            failure = None
            for sql in owed:
                try:
                    self._answer(Context(sql))
                except pg8000.DatabaseError as exc:
                    failure = failure or exc
            if failure is not None:
                # what was sent ahead failed first: that is the error, whatever came after
                try:
                    self._answer(context)
                except pg8000.DatabaseError:
                    pass
                raise failure
        self._answer(context)

    def _answer(self, context: Context) -> None:
        """One answer, up to its ReadyForQuery, even when a value in it cannot be read: a Nano
        4.31 server may describe a column as double precision and send text in it
        (`CASE ... THEN 1.5 ELSE 'hi' END`), and pg8000 stops at the converter's error. Left
        there, the rest of that answer would be read as the next statement's."""
        try:
            super().handle_messages(context)
        except (ValueError, TypeError, ArithmeticError):
            while True:  # the failing message was read whole: what follows is message-aligned
                code, length = ci_unpack(_read(self._sock, 5))
                data = _read(self._sock, length - 4)
                if code == READY_FOR_QUERY:
                    self._transaction_status = data
                    break
            raise


class Session:
    """One pg8000 connection and the statements prepared on it."""

    def __init__(self, dsn: Dsn, timeout: float) -> None:
        try:
            conn = _Wire(
                dsn.user, host=dsn.host, port=dsn.port, database=dsn.database,
                password=dsn.password, timeout=dsn.connect_timeout or _connect_within(timeout),
                application_name=dsn.application_name, ssl_context=_ssl_context(dsn.sslmode))
        except Exception as exc:  # noqa: BLE001 - every way of failing to connect is one error
            reason = exc.args[0].get("M") if exc.args and isinstance(exc.args[0], dict) else exc
            cause = exc.__cause__ or exc.__context__
            detail = f"{reason}" + (f": {cause}" if cause is not None and cause is not exc else "")
            raise make_error(OperationalError, f"unable to connect to the server at {dsn.where}: "
                             f"{detail}", "SQLITE_CANTOPEN") from None
        conn._usock.settimeout(None)  # the timeout bounds connecting, not a long statement
        for oid in _TEXT_OIDS:
            conn.register_in_adapter(oid, str)
        version = conn.parameter_statuses.get("server_version", "")
        self.dialect = "nano" if "HeliosDB" in version else "postgres"
        # PostgreSQL gets text as an untyped literal, so the column or operator it meets types
        # it, as SQLite's affinity does: '3' compared with an INTEGER column is 3, and 'x'
        # bound into one is SQLite's "datatype mismatch" rather than a type error at Parse
        self.oids = _OIDS if self.dialect == "nano" else {**_OIDS, str: _UNKNOWN}
        if self.dialect == "nano":
            conn.register_in_adapter(1000, _vector)
        self.conn = conn
        self.server_version = version
        self.prepared: OrderedDict[tuple, tuple] = OrderedDict()
        # deferred transaction control, in order, for the next flight; only ever a BEGIN sent
        # from idle, or savepoints inside a healthy transaction, which cannot fail
        self.pending: list[str] = []

    @property
    def status(self) -> bytes | None:
        """b"I" idle, b"T" in a transaction, b"E" failed: as the server will have it once what
        is deferred has been sent (a deferred BEGIN is a transaction already)."""
        if self.pending or self.conn.owed:
            return b"T"
        return self.conn._transaction_status

    def readable(self) -> bool:
        """True when the server has sent something unasked: it closed the connection."""
        sock = self.conn._usock
        if sock is None:
            return True
        try:
            ready, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return True
        return bool(ready)

    def run(self, sql: str, params: Sequence[Any]):
        conn = self.conn
        if not params:
            control = _control(sql)
            if control is not None and self._defer(control, sql):
                return None
        if self.pending:
            conn.send_ahead(self.pending)
            self.pending = []
        if not params and (self.dialect != "nano" or _nano_simple(sql)):
            return conn.execute_simple(sql)
        # keyed by the values' classes (map(type) is cheap); their oids are worked out once
        key = (sql, tuple(map(type, params)))
        statement = self.prepared.get(key)
        if statement is None:
            oids = tuple(self.oids.get(t, _UNKNOWN) for t in key[1])
            text = sql
            if self.dialect == "nano":
                # a leading comment makes a Nano 4.31 server return no rows for an extended SELECT
                text = _bare_returning(_cast_placeholders(sql[_LEADING.match(sql).end():], oids))
            if _UNKNOWN in oids and self.dialect == "postgres":
                statement = self._prepare_untyped(text, oids)
            else:
                statement = conn.prepare_statement(text, oids)
            self.prepared[key] = statement
            if len(self.prepared) > PREPARED_PER_SESSION:
                _, (old_name, _, _) = self.prepared.popitem(last=False)
                conn.close_prepared_statement(old_name)
        else:
            self.prepared.move_to_end(key)
        name, columns, input_funcs = statement
        return conn.execute_named(name, make_params(conn.py_types, params), columns,
                                  input_funcs, sql)

    def _defer(self, control: tuple[str, str], sql: str) -> bool:
        """Keep a control statement for the next flight, or drop what it makes moot. True when
        nothing is to be sent now."""
        kind, name = control
        pending = self.pending
        if kind == _END:
            if not pending:
                return False
            began = pending[0] == "BEGIN"
            pending.clear()  # COMMIT and ROLLBACK end every savepoint with the transaction
            return began  # and a transaction that never reached the server needs no end
        if kind == _BEGIN:
            if pending or self.conn.owed or self.conn._transaction_status != b"I":
                return False  # the server's own answer (a warning, an error) is wanted
        elif self.status != b"T":
            return False  # outside a transaction, or in a failed one, the server's answer counts
        elif kind == _RELEASE and pending and pending[-1] == f"SAVEPOINT {name}":
            pending.pop()  # nothing ran inside it: set and released is nothing at all
            return True
        pending.append(sql)
        return True

    def _prepare_untyped(self, text: str, oids: tuple) -> tuple:
        """PostgreSQL cannot type a NULL parameter that nothing constrains (`SELECT $1 IS
        NULL`). SQLite's NULL has no type, so those are declared as text on a second try; inside
        a transaction the first try runs under a savepoint, so its failure costs nothing."""
        conn = self.conn
        guarded = self.status == b"T"
        if guarded:
            conn.execute_simple("SAVEPOINT hsq_prepare")
        try:
            statement = conn.prepare_statement(text, oids)
        except pg8000.DatabaseError as exc:
            # 42P18 indeterminate datatype; 42P08 a parameter typed two ways (`PG_TYPEOF($1)`
            # and `CAST($1 AS TEXT)` in one expression, as the typeof-dispatching builders write)
            if _sqlstate(exc) not in ("42P18", "42P08"):
                raise
            if guarded:
                conn.execute_simple("ROLLBACK TO SAVEPOINT hsq_prepare")
            statement = conn.prepare_statement(text, tuple(o or 25 for o in oids))
        if guarded:
            conn.execute_simple("RELEASE SAVEPOINT hsq_prepare")
        return statement

    def close(self) -> None:
        try:
            self.conn.close()
        except Exception:  # noqa: BLE001 - closing a dead socket
            pass


class Pool:
    """Idle sessions per DSN, so connect()/close() in a request loop does not log in each time."""

    def __init__(self) -> None:
        self._idle: dict[tuple, list[Session]] = {}
        self._lock = threading.Lock()
        self.logins = 0  # sessions opened, for tests and the benchmark

    def checkout(self, dsn: Dsn, timeout: float, pooled: bool = True) -> Session:
        if pooled:
            with self._lock:
                idle = self._idle.get(dsn.pool_key, [])
                while idle:
                    session = idle.pop()
                    if not session.readable():
                        return session
                    session.close()  # the server closed it while it sat idle (a restart)
        self.logins += 1
        return Session(dsn, timeout)

    def checkin(self, dsn: Dsn, session: Session) -> None:
        try:
            if session.status != b"I":
                session.run("ROLLBACK", ())
        except Exception:  # noqa: BLE001 - a session that cannot be reset is not reused
            session.close()
            return
        with self._lock:
            idle = self._idle.setdefault(dsn.pool_key, [])
            if len(idle) < IDLE_PER_DSN:
                idle.append(session)
                return
        session.close()

    def clear(self) -> None:
        with self._lock:
            sessions = [s for idle in self._idle.values() for s in idle]
            self._idle.clear()
        for session in sessions:
            session.close()


POOL = Pool()


class PgwireEngine:
    """The engine seam over one server session."""

    snapshots = False  # the server isolates readers itself
    shared = True  # other sessions and processes write the same database

    def __init__(self, dsn: Dsn, timeout: float = 5.0, pooled: bool = True) -> None:
        self._dsn = dsn
        self._timeout = timeout
        self._pooled = pooled
        self._session: Session | None = self._checkout()
        self.dialect = self._session.dialect
        # the server database whose shadow catalog Database caches between connections
        self.catalog_key = (dsn.host, dsn.port, dsn.user, dsn.database)
        # Nano 4.31's wire handler refuses ROLLBACK TO SAVEPOINT once a statement has failed in
        # a transaction (handler.rs: Failed admits only ROLLBACK/COMMIT); PostgreSQL allows it.
        self.savepoint_recovers = self.dialect == "postgres"
        self._lost_tx = False  # the connection died inside a transaction

    @property
    def alive(self) -> bool:
        return self._session is not None or not self._lost_tx

    def in_failed_transaction(self) -> bool:
        return self._session is not None and self._session.status == b"E"

    def _live(self, sql: str) -> Session | None:
        session = self._session
        if session is not None:
            return session
        if self._lost_tx:
            if sql.lstrip()[:8].upper().startswith("ROLLBACK"):
                self._lost_tx = False
                return None  # the server rolled it back when the connection died
            raise make_error(OperationalError, f"the connection to the server at "
                             f"{self._dsn.where} was lost inside a transaction, and the server "
                             "rolled it back: call rollback() to go on", "SQLITE_IOERR")
        self._session = self._checkout()
        return self._session

    def _checkout(self) -> Session:
        """A session whose row-lock wait is this connection's timeout: PostgreSQL would wait
        for another session's row lock forever ("database is locked" after `timeout`, as in
        SQLite; a Nano server gives up after its own wait). PostgreSQL also plans prepared
        statements generically: a custom plan folds the parameters into the statement as
        constants, and then a CASE branch that is never taken (a real's text for a text
        parameter, in the builders that dispatch on pg_typeof) fails the statement."""
        session = POOL.checkout(self._dsn, self._timeout, self._pooled)
        if session.dialect == "postgres":
            wait = max(1, int(self._timeout * 1000))  # lock_timeout 0 would mean no limit
            if getattr(session, "lock_timeout", None) != wait:
                try:
                    session.run(f"SET lock_timeout = {wait}; "
                                "SET plan_cache_mode = force_generic_plan", ())
                except Exception as exc:  # noqa: BLE001 - the session cannot be used
                    session.close()
                    raise make_error(OperationalError, f"the server at {self._dsn.where} "
                                     f"refused SET lock_timeout: {exc}") from None
                session.lock_timeout = wait
        return session

    def _run(self, sql: str, params: Sequence[Any]):
        session = self._session
        if session is None:
            session = self._live(sql)
            if session is None:
                return None
        status = session.conn._transaction_status
        if status == b"E" and not session.pending and not _ENDS_FAILED.match(sql):
            # the server would refuse it after a round trip; raised here as the sqlite3 error it
            # maps to, so that it is one even where the caller maps nothing (reading the catalog
            # back after a failed DDL statement)
            raise engine_error(ServerError(_ABORTED), _NO_CATALOG)
        # a transaction the server had before this flight: one whose BEGIN goes out with it
        # was never reported open, so losing it loses nothing
        in_tx = status in (b"T", b"E")
        try:
            return session.run(sql, params)
        except pg8000.DatabaseError as exc:
            fields = exc.args[0] if exc.args and isinstance(exc.args[0], dict) else {"M": str(exc)}
            raise ServerError(fields) from None
        except Exception as exc:  # noqa: BLE001 - sorted below
            if not _is_network_error(exc):
                if isinstance(exc, pg8000.InterfaceError):
                    raise ServerError({"M": str(exc)}) from None
                raise
            self._session = None
            session.close()
            self._lost_tx = in_tx
            raise _lost(self._dsn, exc) from None

    def query(self, sql: str, params: Sequence[Any]) -> Result:
        context = self._run(sql, params)
        if context is None:
            return Result(None, [], -1)
        columns = [c["name"] for c in context.columns] if context.columns else None
        rows = context.rows
        return Result(columns, list(map(tuple, rows)) if rows else [], -1)

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        context = self._run(sql, params)
        if context is None:
            return 0
        count = context.row_count
        return count if count > 0 else 0

    execute_with = execute

    def rows_with(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        context = self._run(sql, params)
        rows = context.rows if context is not None else None
        return list(map(tuple, rows)) if rows else []

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        return sum(self.execute(sql, row) for row in rows)

    def close(self) -> None:
        session, self._session = self._session, None
        if session is None:
            return
        if self._pooled:
            POOL.checkin(self._dsn, session)
        else:
            session.close()
