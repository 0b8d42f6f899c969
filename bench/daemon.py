#!/usr/bin/env python3
"""heliosdb_sqlite in daemon mode vs raw pg8000, on a HeliosDB Nano server and on PostgreSQL.

    python3 bench/daemon.py                 # default run (< ~2 min per server)
    python3 bench/daemon.py --quick         # smoke run (a few seconds per server)
    python3 bench/daemon.py --rounds 11     # more rounds, tighter medians
    python3 bench/daemon.py --pg-dsn postgresql://postgres@127.0.0.1:5432/bench --nano-dsn ''

The servers come from --nano-dsn / --pg-dsn, else HELIOSDB_TEST_NANO_DSN / HELIOSDB_TEST_PG_DSN;
`eval "$(python3 scripts/servers.py start)"` starts both and exports those. A server without a DSN
is skipped. The bench creates its own tables (bench_ins, bench_many, bench_rows) through the shim
and drops them at the end (the shim's catalog tables _hsq_* stay, as after any connect).

Not part of the test suite. Every workload runs through each variant; rounds are interleaved
(A B C, B C A, ...: the order rotates so no variant always runs first). The table shows the
median over rounds of microseconds per unit (row, query or connect), and each ratio is the median
of the per-round ratios (the variants of one round run back to back, so background load that
slows a round slows both sides of its ratios). All inputs (rows, ids) are built before timing;
each timed body includes its COMMIT where it writes; the tables written are emptied (TRUNCATE,
untimed) before each run, so every variant starts from the same state.

Variants (columns):
  raw        pg8000.native sending exactly what heliosdb_sqlite sends for the workload: the same
             SQL text (after the transport's rewrites, e.g. Nano's CAST($n AS ...)), the same
             parameters, the same protocol per statement (the simple protocol, or a statement
             prepared once per connection and reused through execute_named), every extra
             statement included (BEGIN, the schema-version read, advisory lock, MAX("id") rowid
             probe, savepoints, COMMIT, the catalog reads of a connect), and the statements the
             transport sends ahead of the next one in the same flight (a deferred BEGIN,
             SAVEPOINT or RELEASE: pgwire._Wire.send_ahead, replayed the same way). It is captured at
             start-up: Session.run and the pg8000 calls under it are wrapped for one run of each
             workload (after a warm-up run), then unwrapped. shim/raw is the shim's Python cost.
  raw-plain  pg8000.native with the SQL one would write by hand: conn.run("BEGIN"), then
             conn.run("INSERT INTO bench_ins (id, a, b, c) VALUES (:id, :a, :b, :c)", ...) per
             row, conn.run("COMMIT"); conn.run(SELECT ... WHERE id = :id); for executemany one
             conn.prepare() + ps.run() per row; conn.run("SELECT * FROM bench_rows"). Note that
             pg8000 1.31's conn.run() with parameters costs three round trips (Parse+Sync,
             Describe+Sync, Bind+Execute+Sync), against one for a prepared statement.
  shim       heliosdb_sqlite.connect(":memory:", dsn=...), used as an sqlite3 application would.

Connect rows (unit = connect; each is connect + SELECT 1 + fetchone + close):
  pool       shim: the default, sessions come from heliosdb_sqlite's pool (no login). raw: what
             such a connect sends (catalog reads + the query) replayed on an open pg8000
             connection. raw-plain: pg8000 connect + run("SELECT 1") + close.
  no pool    shim: POOL.clear() after each close, so every connect logs in and bootstraps.
             raw: pg8000 connect + the captured statements of such a connect (catalog DDL and
             reads, their prepares on Nano, the query) + close. raw-plain: as above.

`sent/unit` is how many statements the shim sends per unit, from the capture, and `trips/unit`
how many round trips they take (statements sent ahead ride with the next one); the statements
themselves are listed above each table. The issue's target is shim/raw <= 1.15
(ratios above it are marked `*`).

The workloads that only read run all their rounds first, then those that write (see PHASES):
a Nano 4.31 server gets slower at scans (the shim's catalog reads at connect, fetchall) after
many rows were inserted and deleted, erratically, up to tens of milliseconds per scan, and it
stays so until restarted. A `scan check` line at the start and end of each server's run shows
a prepared one-row scan on a new connection next to SELECT 1, with a WARNING when the server is
in that state (restart it: the connect and fetchall rows then measure the server, not the shim).
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import statistics
import sys
import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # run from a checkout without installing

import pg8000  # noqa: E402
import pg8000.native  # noqa: E402
from pg8000.converters import make_params  # noqa: E402

import heliosdb_sqlite  # noqa: E402
from heliosdb_sqlite.daemon import pgwire  # noqa: E402
from heliosdb_sqlite.daemon.dsn import parse as parse_dsn  # noqa: E402

TARGET = 1.15  # the bound on shim/raw

# ------------------------------------------------------------------------------------------------
# SQL

T_INS, T_MANY, T_ROWS = "bench_ins", "bench_many", "bench_rows"
TABLES = (T_INS, T_MANY, T_ROWS)

# what the application gives heliosdb_sqlite (sqlite3 SQL)
DDL = "CREATE TABLE {t} (id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT)"
INS = "INSERT INTO {t} (a, b, c) VALUES (?, ?, ?)"
SEL = f"SELECT id, a, b, c FROM {T_ROWS} WHERE id = ?"
FETCH = f"SELECT * FROM {T_ROWS}"
CONNECT_QUERY = "SELECT 1"

# the same statements written by hand for pg8000.native
PLAIN_INS = "INSERT INTO {t} (id, a, b, c) VALUES (:id, :a, :b, :c)"
PLAIN_SEL = f"SELECT id, a, b, c FROM {T_ROWS} WHERE id = :id"
PLAIN_FETCH = f"SELECT * FROM {T_ROWS}"

VARIANTS = ("raw", "raw-plain", "shim")


def row_values(i: int) -> tuple:
    return (i, i * 0.5, f"row {i:06d}")


def pg_connect(dsn: Any, wire: bool = False) -> pg8000.native.Connection:
    """A pg8000.native connection as the shim's Session opens one (blocking socket: no timeout);
    `wire`: of the transport's pg8000 subclass, which can send statements ahead (for `raw`)."""
    ssl_context = getattr(pgwire, "_ssl_context", lambda mode: False)(dsn.sslmode)
    cls = getattr(pgwire, "_Wire", pg8000.native.Connection) if wire else pg8000.native.Connection
    return cls(
        dsn.user, host=dsn.host, port=dsn.port, database=dsn.database, password=dsn.password,
        application_name=dsn.application_name, ssl_context=ssl_context)


# ------------------------------------------------------------------------------------------------
# Capturing what the shim sends

class Capture:
    """While active, wraps Session.run and the pg8000 calls it makes; while `recording`, keeps
    what went to the server, as wire ops:
        ("simple", text)                  simple protocol (one round trip)
        ("ahead", text)                   simple protocol, sent ahead of the next op (no trip)
        ("prepare", (text, oids))         Parse + Describe of a named statement (one round trip)
        ("named", (text, oids), params)   Bind + Execute of that statement (one round trip)
    params are the Python values Session.run was given (bools as ints, as Session.run binds them),
    so a replay pays for pg8000's own conversion too. Prepared statement names are tracked for the
    whole time the capture is active, so a statement prepared before a recording is known."""

    WIRE = ("execute_simple", "prepare_statement", "execute_named")

    def __init__(self) -> None:
        self.names: dict = {}  # (id(conn), statement name) -> ((text, oids), conn)
        self.ops: list | None = None
        self.params: list | None = None  # the params of the Session.run in progress
        self.runs = 0  # Session.run calls while recording
        self.saved: list = []

    def __enter__(self) -> "Capture":
        cap = self
        cls = pg8000.native.Connection
        run = pgwire.Session.run
        simple, prepare, named = (getattr(cls, n) for n in self.WIRE)
        wire = getattr(pgwire, "_Wire", None)
        ahead = wire.send_ahead if wire is not None else None

        def session_run(session: Any, sql: str, params: Any) -> Any:
            if cap.ops is None:
                return run(session, sql, params)
            cap.runs += 1
            cap.params = [int(v) if type(v) is bool else v for v in params]
            try:
                return run(session, sql, params)
            finally:
                cap.params = None

        def execute_simple(conn: Any, statement: str) -> Any:
            if cap.ops is not None:
                cap.ops.append(("simple", statement))
            return simple(conn, statement)

        def prepare_statement(conn: Any, statement: str, oids: Any = None) -> Any:
            out = prepare(conn, statement, oids)
            key = (statement, tuple(oids or ()))
            cap.names[(id(conn), out[0])] = (key, conn)
            if cap.ops is not None:
                cap.ops.append(("prepare", key))
            return out

        def execute_named(conn: Any, name: bytes, params: Any, *args: Any) -> Any:
            if cap.ops is not None:
                if cap.params is None:
                    raise RuntimeError("execute_named outside Session.run: cannot replay it")
                cap.ops.append(("named", cap.names[(id(conn), name)][0], cap.params))
            return named(conn, name, params, *args)

        def send_ahead(conn: Any, statements: list) -> None:
            if cap.ops is not None:
                cap.ops.extend(("ahead", sql) for sql in statements)
            return ahead(conn, statements)

        self.saved = [(pgwire.Session, "run", pgwire.Session.__dict__["run"])]
        self.saved += [(cls, n, cls.__dict__.get(n)) for n in self.WIRE]
        if wire is not None:
            self.saved.append((wire, "send_ahead", wire.__dict__["send_ahead"]))
            wire.send_ahead = send_ahead
        pgwire.Session.run = session_run
        cls.execute_simple = execute_simple
        cls.prepare_statement = prepare_statement
        cls.execute_named = execute_named
        return self

    def __exit__(self, *exc: Any) -> None:
        for owner, name, original in self.saved:
            if original is None:
                delattr(owner, name)
            else:
                setattr(owner, name, original)
        self.names.clear()

    def record(self, fn: Callable[[], Any]) -> tuple[list, int]:
        """The wire ops of fn() and the number of Session.run calls they came from."""
        self.ops, self.runs = [], 0
        try:
            fn()
            return self.ops, self.runs
        finally:
            self.ops = None


def summarize(ops: list) -> list[tuple[int, str, str]]:
    """(count, protocol, SQL) per distinct statement sent, in order of first appearance."""
    counts: OrderedDict = OrderedDict()
    for op in ops:
        if op[0] in ("simple", "ahead"):
            key = (op[0], op[1])
        elif op[0] == "prepare":
            key = ("parse", op[1][0])
        else:
            key = ("prepared", op[1][0])
        counts[key] = counts.get(key, 0) + 1
    return [(n, kind, sql) for (kind, sql), n in counts.items()]


# ------------------------------------------------------------------------------------------------
# Variants: the same timed bodies per workload, each returning its number of units

class Shim:
    name = "shim"

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)

    def insert(self, rows: list) -> int:
        execute = self.conn.execute
        sql = INS.format(t=T_INS)
        for r in rows:
            execute(sql, r)  # legacy isolation: the first INSERT opens the transaction
        self.conn.commit()
        return len(rows)

    def point_select(self, ids: list) -> int:
        execute = self.conn.execute
        for i in ids:
            row = execute(SEL, (i,)).fetchone()
        assert row is not None and row[0] == ids[-1]
        return len(ids)

    def executemany(self, rows: list) -> int:
        self.conn.executemany(INS.format(t=T_MANY), rows)
        self.conn.commit()
        return len(rows)

    def fetch(self, reps: int) -> int:
        n = 0
        for _ in range(reps):
            n += len(self.conn.execute(FETCH).fetchall())
        return n

    def connect_pool(self, reps: int) -> int:
        connect, dsn = heliosdb_sqlite.connect, self.dsn
        for _ in range(reps):
            c = connect(":memory:", dsn=dsn)
            c.execute(CONNECT_QUERY).fetchone()
            c.close()
        return reps

    def connect_no_pool(self, reps: int) -> int:
        connect, dsn, clear = heliosdb_sqlite.connect, self.dsn, pgwire.POOL.clear
        for _ in range(reps):
            c = connect(":memory:", dsn=dsn)
            c.execute(CONNECT_QUERY).fetchone()
            c.close()
            clear()  # the session is closed, not kept: the next connect logs in
        return reps

    def close(self) -> None:
        self.conn.close()


class Raw:
    """pg8000.native replaying the captured wire ops of the shim."""
    name = "raw"

    def __init__(self, dsn: Any, captured: dict) -> None:
        self.dsn = dsn
        self.conn = pg_connect(dsn, wire=True)
        self.prepared: dict = {}
        # steady state: statements prepared once here (untimed), as the shim's session has them
        self.compiled = {key: self._compile(ops) for key, ops in captured.items()
                         if key != "connect_no_pool"}
        self.fresh = captured.get("connect_no_pool", [])

    def _compile(self, ops: list) -> list:
        out = []
        for op in ops:
            if op[0] in ("simple", "ahead"):
                out.append((op[0], op[1], None, None, None))
            elif op[0] == "named":
                key = op[1]
                if key not in self.prepared:
                    self.prepared[key] = self.conn.prepare_statement(*key)
                name, columns, input_funcs = self.prepared[key]
                out.append((name, key[0], columns, input_funcs, op[2]))
            # a "prepare" op is the shim's first use of a statement on its session: prepared above
        return out

    def _replay(self, compiled: list) -> Any:
        conn = self.conn
        simple, named, py_types = conn.execute_simple, conn.execute_named, conn.py_types
        ahead = getattr(conn, "send_ahead", None)
        context = None
        for name, text, columns, input_funcs, params in compiled:
            if name == "simple":
                context = simple(text)
            elif name == "ahead":
                ahead([text])
            else:
                context = named(name, make_params(py_types, params), columns, input_funcs, text)
        return context

    def insert(self, rows: list) -> int:
        self._replay(self.compiled["insert"])
        return len(rows)

    def point_select(self, ids: list) -> int:
        self._replay(self.compiled["point_select"])
        return len(ids)

    def executemany(self, rows: list) -> int:
        self._replay(self.compiled["executemany"])
        return len(rows)

    def fetch(self, reps: int) -> int:
        # the recorded run: `reps` times the shim's SELECT
        return reps * len(self._replay(self.compiled["fetch"]).rows)

    def connect_pool(self, reps: int) -> int:
        self._replay(self.compiled["connect_pool"])  # the recorded run: `reps` connects
        return reps

    def connect_no_pool(self, reps: int) -> int:
        ops = self.fresh
        for _ in range(reps):
            conn = pg_connect(self.dsn, wire=True)
            prepared: dict = {}
            for op in ops:
                if op[0] == "simple":
                    conn.execute_simple(op[1])
                elif op[0] == "ahead":
                    conn.send_ahead([op[1]])
                elif op[0] == "prepare":
                    prepared[op[1]] = conn.prepare_statement(*op[1])
                else:
                    key = op[1]
                    if key not in prepared:  # not expected on a new session
                        prepared[key] = conn.prepare_statement(*key)
                    name, columns, input_funcs = prepared[key]
                    conn.execute_named(name, make_params(conn.py_types, op[2]), columns,
                                       input_funcs, key[0])
            conn.close()
        return reps

    def close(self) -> None:
        self.conn.close()


class RawPlain:
    """pg8000.native with hand-written SQL."""
    name = "raw-plain"

    def __init__(self, dsn: Any) -> None:
        self.dsn = dsn
        self.conn = pg_connect(dsn)

    def insert(self, rows: list) -> int:
        run = self.conn.run
        sql = PLAIN_INS.format(t=T_INS)
        run("BEGIN")
        for i, a, b, c in rows:
            run(sql, id=i, a=a, b=b, c=c)
        run("COMMIT")
        return len(rows)

    def point_select(self, ids: list) -> int:
        run = self.conn.run
        for i in ids:
            row = run(PLAIN_SEL, id=i)[0]
        assert row[0] == ids[-1]
        return len(ids)

    def executemany(self, rows: list) -> int:
        run = self.conn.run
        ps = self.conn.prepare(PLAIN_INS.format(t=T_MANY))
        run("BEGIN")
        for i, a, b, c in rows:
            ps.run(id=i, a=a, b=b, c=c)
        run("COMMIT")
        ps.close()
        return len(rows)

    def fetch(self, reps: int) -> int:
        n = 0
        for _ in range(reps):
            n += len(self.conn.run(PLAIN_FETCH))
        return n

    def connect(self, reps: int) -> int:
        for _ in range(reps):
            conn = pg_connect(self.dsn)
            conn.run(CONNECT_QUERY)
            conn.close()
        return reps

    connect_pool = connect_no_pool = connect

    def close(self) -> None:
        self.conn.close()


# ------------------------------------------------------------------------------------------------
# Workloads

class Workload:
    def __init__(self, key: str, name: str, unit: str, units: int,
                 run: Callable[[Any], int], setup: Callable[[Any], None] | None = None) -> None:
        self.key = key  # the variants' method, and the capture's key
        self.name = name
        self.unit = unit  # what one operation is: a row, a query, a connect
        self.units = units  # units per run (for sent/unit)
        self.run = run  # the timed body: returns the number of units it did
        self.setup = setup  # untimed, before each run


def build_workloads(cfg: argparse.Namespace, admin: pg8000.native.Connection) -> list[Workload]:
    rng = random.Random(42)
    ins_rows = [row_values(i) for i in range(1, cfg.insert_n + 1)]
    many_rows = [row_values(i) for i in range(1, cfg.many_n + 1)]
    # raw-plain passes the ids the shim assigns (the table's id has no default)
    ins_plain = [(i, *r) for i, r in enumerate(ins_rows, 1)]
    many_plain = [(i, *r) for i, r in enumerate(many_rows, 1)]
    ids = [rng.randint(1, cfg.table_n) for _ in range(cfg.select_n)]

    def rows(v: Any, shim_rows: list, plain_rows: list) -> list:
        return plain_rows if isinstance(v, RawPlain) else shim_rows

    def truncate(table: str) -> Callable[[Any], None]:
        return lambda v: admin.run(f"TRUNCATE {table}")

    def warm_pool(v: Any) -> None:
        if isinstance(v, Shim):  # the pool holds a session (the no-pool row emptied it)
            v.connect_pool(1)

    def empty_pool(v: Any) -> None:
        if isinstance(v, Shim):  # the first connect logs in too (the pool row left a session)
            pgwire.POOL.clear()

    return [
        Workload("insert", f"insert 1 row (in tx) x{cfg.insert_n}", "row", cfg.insert_n,
                 lambda v: v.insert(rows(v, ins_rows, ins_plain)), truncate(T_INS)),
        Workload("point_select", "point SELECT by pk", "query", cfg.select_n,
                 lambda v: v.point_select(ids)),
        Workload("executemany", f"executemany {cfg.many_n} rows", "row", cfg.many_n,
                 lambda v: v.executemany(rows(v, many_rows, many_plain)), truncate(T_MANY)),
        Workload("fetch", f"fetchall {cfg.table_n} rows", "row", cfg.table_n * cfg.fetch_reps,
                 lambda v: v.fetch(cfg.fetch_reps)),
        Workload("connect_pool", "connect+SELECT 1+close, pool", "connect", cfg.pool_reps,
                 lambda v: v.connect_pool(cfg.pool_reps), warm_pool),
        Workload("connect_no_pool", "connect+SELECT 1+close, no pool", "connect",
                 cfg.no_pool_reps, lambda v: v.connect_no_pool(cfg.no_pool_reps), empty_pool),
    ]


# ------------------------------------------------------------------------------------------------
# Running

# Workloads that only read run (all their rounds) before those that write: on a Nano 4.31 server
# every batch of rows inserted and then deleted (TRUNCATE) makes later scans of any table slower
# (in a default run, the catalog reads of a connect went from ~0.2 ms to ~20 ms), which would
# swamp the connect and fetchall rows.
PHASES = (("reads", ("point_select", "fetch", "connect_pool", "connect_no_pool")),
          ("writes", ("insert", "executemany")))


def scan_check(dsn: Any, when: str) -> None:
    """How long a scan of a one-row table takes on a new connection, prepared (as the shim's
    catalog reads at connect), next to SELECT 1. On a Nano 4.31 server that has seen many rows
    inserted and deleted (earlier runs, the test suite) such scans slow down, erratically, to
    milliseconds: that inflates the connect rows and fetchall, for `raw` and `shim` alike."""
    conn = pg_connect(dsn)
    try:
        out = []
        for sql in ("SELECT key, value FROM _hsq_meta", "SELECT 1"):
            name, columns, input_funcs = conn.prepare_statement(sql, ())
            times = []
            for _ in range(9):
                t0 = time.perf_counter_ns()
                conn.execute_named(name, [], columns, input_funcs, sql)
                times.append((time.perf_counter_ns() - t0) / 1000)
            out.append(statistics.median(times))
    finally:
        conn.close()
    scan, one = out
    print(f"scan check ({when}): prepared SELECT key, value FROM _hsq_meta (1 row) {scan:,.0f} µs,"
          f" SELECT 1 {one:,.0f} µs", flush=True)
    if scan > 1000 and scan > 10 * one:
        print("WARNING: this server scans slowly (rows deleted by earlier runs?): the connect and "
              "fetchall rows measure that more than the shim; restart the server for clean "
              "numbers", flush=True)


def capture(dsn_text: str, group: list) -> tuple[Shim, dict, dict, dict]:
    """A new shim connection (a new server session, so every statement it prepares is seen) and,
    for each workload, the wire ops of one recorded run after a warm-up run."""
    captured, runs, units = {}, {}, {}
    pgwire.POOL.clear()
    with Capture() as cap:
        shim = Shim(dsn_text)
        for w in group:
            units[w.key] = w.units
            if w.key == "connect_no_pool":
                # one connect that logs in, as every timed one will: `raw` replays it per
                # connect on a new pg8000 connection
                pgwire.POOL.clear()
                captured[w.key], runs[w.key] = cap.record(lambda: shim.connect_no_pool(1))
                units[w.key] = 1
                continue
            for record in (False, True):  # a warm-up run (prepares), then the recorded one
                if w.setup:
                    w.setup(shim)
                if record:
                    captured[w.key], runs[w.key] = cap.record(lambda w=w: w.run(shim))
                else:
                    w.run(shim)
    # the wrappers are gone: from here on the shim runs unobserved
    return shim, captured, runs, units


def run_server(label: str, dsn_text: str, cfg: argparse.Namespace) -> None:
    t_start = time.perf_counter()
    dsn = parse_dsn(dsn_text)
    try:
        admin = pg_connect(dsn)
    except Exception as exc:  # noqa: BLE001 - report and go on with the other server
        print(f"\n== {label}: cannot connect to {dsn.where}/{dsn.database}: {exc}; skipped ==")
        return
    version = admin.parameter_statuses.get("server_version", "?")
    print(f"\n== {label}: server_version {version} at {dsn.where}/{dsn.database} ==", flush=True)
    pgwire.POOL.clear()
    open_variants: list = []
    try:
        c = heliosdb_sqlite.connect(":memory:", dsn=dsn_text)
        for t in TABLES:  # left over from an interrupted run
            c.execute(f"DROP TABLE IF EXISTS {t}")
        for t in TABLES:
            c.execute(DDL.format(t=t))
        c.commit()
        c.executemany(INS.format(t=T_ROWS), [row_values(i) for i in range(1, cfg.table_n + 1)])
        c.commit()
        c.close()
        scan_check(dsn, "start")
        workloads = build_workloads(cfg, admin)
        by_key = {w.key: w for w in workloads}
        plain = RawPlain(dsn)
        open_variants.append(plain)
        results: dict[str, dict[str, list[float]]] = {w.key: {} for w in workloads}
        captured, runs, units = {}, {}, {}
        logins: dict[str, int] = {"connect_pool": 0, "connect_no_pool": 0}
        for phase, keys in PHASES:
            group = [by_key[k] for k in keys]
            t_phase = time.perf_counter()
            shim, cap_ops, cap_runs, cap_units = capture(dsn_text, group)
            open_variants.append(shim)
            raw = Raw(dsn, cap_ops)
            open_variants.append(raw)
            captured.update(cap_ops)
            runs.update(cap_runs)
            units.update(cap_units)
            print_captured(group, captured, runs, units)
            variants = {"shim": shim, "raw": raw, "raw-plain": plain}
            print(f"{phase}: setup {time.perf_counter() - t_phase:.1f}s; {cfg.rounds} rounds of "
                  f"{len(group)} workloads x {len(VARIANTS)} variants", flush=True)
            for rnd in range(cfg.rounds):
                t_round = time.perf_counter()
                order = VARIANTS[rnd % len(VARIANTS):] + VARIANTS[:rnd % len(VARIANTS)]
                for w in group:
                    for vname in order:
                        v = variants[vname]
                        if w.setup:
                            w.setup(v)
                        before = pgwire.POOL.logins
                        gc.collect()
                        t0 = time.perf_counter_ns()
                        done = w.run(v)
                        elapsed = time.perf_counter_ns() - t0
                        if vname == "shim" and w.key in logins:
                            logins[w.key] += pgwire.POOL.logins - before
                        results[w.key].setdefault(vname, []).append(elapsed / 1000 / done)
                print(f"{phase} round {rnd + 1}/{cfg.rounds}: "
                      f"{time.perf_counter() - t_round:.1f}s", flush=True)
            for v in (raw, shim):
                open_variants.remove(v)
                v.close()
        scan_check(dsn, "end")
        print_table(label, version, workloads, results, captured, units, cfg)
        print("shim logins per connect: pool {:.2f}, no pool {:.2f}".format(
            logins["connect_pool"] / (cfg.pool_reps * cfg.rounds),
            logins["connect_no_pool"] / (cfg.no_pool_reps * cfg.rounds)))
    finally:
        for v in open_variants:
            v.close()
        pgwire.POOL.clear()
        c = heliosdb_sqlite.connect(":memory:", dsn=dsn_text)
        for t in TABLES:
            c.execute(f"DROP TABLE IF EXISTS {t}")
        c.commit()
        c.close()
        pgwire.POOL.clear()
        admin.close()
    print(f"{label}: wall time {time.perf_counter() - t_start:.1f}s; load average at end: "
          "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg()), flush=True)


def print_captured(workloads: list, captured: dict, runs: dict, units: dict) -> None:
    print("what the shim sends (captured; one run of each workload, after a warm-up run):")
    for w in workloads:
        ops = captured[w.key]
        n = units[w.key]
        plural = {"query": "queries"}.get(w.unit, w.unit + "s") if n != 1 else w.unit
        trips = sum(op[0] != "ahead" for op in ops)
        print(f"  {w.name}: {len(ops)} statements in {trips} round trips to the server for {n} "
              f"{plural} ({_per(len(ops) / n)} per {w.unit}; {runs[w.key]} Session.run calls)")
        for n, kind, sql in summarize(ops):
            text = " ".join(sql.split())
            text = text if len(text) <= 100 else text[:97] + "..."
            print(f"    {n:6d}x {kind:<8} {text}")


def _per(x: float) -> str:
    return f"{x:.2f}" if x >= 0.01 else f"{x:.4f}"


def print_table(label: str, version: str, workloads: list, results: dict, captured: dict,
                units: dict, cfg: argparse.Namespace) -> None:
    head = (f"| {'workload':<32} | {'unit':<7} | {'sent/unit':>9} | {'trips/unit':>10} | "
            f"{'raw':>8} | "
            f"{'raw-plain':>9} | {'shim':>8} | {'shim/raw':>8} | {'shim/plain':>10} |")
    print()
    print(f"{label} ({version}): median µs per unit over {cfg.rounds} rounds; ratios are "
          f"medians of per-round ratios; * = shim/raw above the {TARGET:.2f} target")
    print()
    print(head)
    print("|" + "|".join("-" * len(c) for c in head.split("|")[1:-1]) + "|")

    def cell(x: float) -> str:
        return f"{x:.1f}" if x < 1000 else f"{x:,.0f}"

    for w in workloads:
        rounds = results[w.key]
        med = {k: statistics.median(v) for k, v in rounds.items()}

        def ratio(a: str, b: str, rounds: dict = rounds) -> tuple[str, float]:
            pairs = [x / y for x, y in zip(rounds[a], rounds[b]) if y]
            if not pairs:
                return "-", 0.0
            r = statistics.median(pairs)
            return f"{r:.2f}x", r

        shim_raw, r = ratio("shim", "raw")
        shim_raw += "*" if r > TARGET else " "
        sent = len(captured[w.key]) / units[w.key]
        trips = sum(op[0] != "ahead" for op in captured[w.key]) / units[w.key]
        print(f"| {w.name:<32} | {w.unit:<7} | {_per(sent):>9} | {_per(trips):>10} | "
              f"{cell(med['raw']):>8} | "
              f"{cell(med['raw-plain']):>9} | {cell(med['shim']):>8} | {shim_raw:>8} | "
              f"{ratio('shim', 'raw-plain')[0]:>10} |")
    if cfg.verbose:
        print("\nall rounds (µs per unit):")
        for w in workloads:
            for vname, vals in results[w.key].items():
                print(f"  {w.name:<32} {vname:<9} " + " ".join(f"{x:.1f}" for x in vals))


def print_machine() -> None:
    cpu = platform.processor() or ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    print(f"python {platform.python_version()} ({platform.python_implementation()}), "
          f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPUs, {cpu}")
    print(f"pg8000 {pg8000.__version__}, heliosdb_sqlite daemon mode")
    print("command: python3 bench/daemon.py " + " ".join(sys.argv[1:]))
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())


# ------------------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, 3 rounds")
    ap.add_argument("--rounds", type=int, help="rounds (default 7; 3 with --quick)")
    ap.add_argument("--nano-dsn", default=os.environ.get("HELIOSDB_TEST_NANO_DSN") or None,
                    help="a HeliosDB Nano server (default: $HELIOSDB_TEST_NANO_DSN; '' skips it)")
    ap.add_argument("--pg-dsn", default=os.environ.get("HELIOSDB_TEST_PG_DSN") or None,
                    help="a PostgreSQL server (default: $HELIOSDB_TEST_PG_DSN; '' skips it)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every round's numbers")
    cfg = ap.parse_args()
    if cfg.quick:
        cfg.rounds = cfg.rounds or 3
        cfg.insert_n, cfg.select_n, cfg.many_n, cfg.table_n = 200, 200, 1000, 1000
        cfg.fetch_reps, cfg.pool_reps, cfg.no_pool_reps = 1, 20, 5
    else:
        cfg.rounds = cfg.rounds or 7
        cfg.insert_n, cfg.select_n, cfg.many_n, cfg.table_n = 2000, 2000, 5000, 5000
        cfg.fetch_reps, cfg.pool_reps, cfg.no_pool_reps = 3, 200, 30
    if cfg.rounds < 1:
        ap.error("--rounds must be at least 1")

    servers = [("Nano", cfg.nano_dsn, "--nano-dsn", "HELIOSDB_TEST_NANO_DSN"),
               ("PostgreSQL", cfg.pg_dsn, "--pg-dsn", "HELIOSDB_TEST_PG_DSN")]
    print_machine()
    missing = [s for s in servers if not s[1]]
    for label, _, option, env in missing:
        print(f"{label}: no DSN ({option} or ${env}): skipped")
    if missing:
        print('start both servers (from the repository root) with:\n'
              '    eval "$(python3 scripts/servers.py start)"\n'
              'which exports HELIOSDB_TEST_NANO_DSN and HELIOSDB_TEST_PG_DSN '
              '(python3 scripts/servers.py stop stops them)')
    for label, dsn, _, _ in servers:
        if dsn:
            run_server(label, dsn, cfg)


if __name__ == "__main__":
    main()
