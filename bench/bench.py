#!/usr/bin/env python3
"""heliosdb_sqlite vs the raw Nano binding vs stdlib sqlite3, in one process.

    python3 bench/bench.py                 # default run (< ~2 min on 2 cores)
    python3 bench/bench.py --quick         # smoke run (well under 30 s)
    python3 bench/bench.py --rounds 9      # more rounds, tighter medians
    python3 bench/bench.py --no-file       # skip the file-backed databases
    python3 bench/bench.py --profile       # also: cProfile + stage breakdown of the shim's
                                           # per-statement path (insert, point select)

Not part of the test suite. Every workload runs through each variant; rounds are interleaved
(A B C D, B C D A, ...: the order rotates so no variant always runs first). The table shows the
median over rounds of microseconds per unit (row, query or connect), and each ratio is the median
of the per-round ratios (the variants of one round run back to back, so background load that
slows a round slows both sides of its ratios). All inputs (rows, ids) are built before timing;
each timed body includes its COMMIT where it writes.

Variants (columns):
  sqlite3    stdlib sqlite3 (`:memory:`, or a file in a temp dir for the file rows)
  raw        the Nano binding running the SQL heliosdb_sqlite sends for the workload: BIGINT /
             DOUBLE PRECISION columns, `$n` params, the explicit rowid the shim assigns, INSERT ...
             RETURNING "id" through query(), the shim's ORDER BY "t"."id" and aliases, the shim's
             BEGIN/COMMIT and its one SELECT MAX("id") per table. shim/raw is the Python overhead.
  raw-plain  the Nano binding with the SQL one would write by hand: INSERT through execute()
             (no RETURNING), execute_many() for the batch, SELECT without ORDER BY.
  shim       heliosdb_sqlite (the default embedded binding transport).
  repl       heliosdb_sqlite over a `heliosdb-nano repl` child process (HELIOSDB_EMBEDDED=repl);
             present when the binary is found (scripts/install_nano_cli.sh), --no-repl skips it.

For the connect rows, `raw` replays the exact engine calls the shim makes for connect + first
query + close (open, bootstrap DDL, catalog reads, the query, flush), captured from a traced shim
connection at start-up; `raw-plain` is open + query + drop.

The SQL in RAW_* below is what the shim sent when this file was written; at start-up the bench
captures what the shim sends now and warns if it no longer matches (then the `raw` column is
stale: update RAW_*).
"""
from __future__ import annotations

import argparse
import gc
import os
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from typing import Any, Callable

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # run from a checkout without installing

import heliosdb_nano  # noqa: E402

import heliosdb_sqlite  # noqa: E402

# ------------------------------------------------------------------------------------------------
# SQL

DDL_SQLITE = "CREATE TABLE {t} (id INTEGER PRIMARY KEY, a INTEGER, b REAL, c TEXT)"
INS_SQLITE = "INSERT INTO {t} (a, b, c) VALUES (?, ?, ?)"
SEL_SQLITE = "SELECT id, a, b, c FROM t WHERE id = ?"
AGG_SQLITE = "SELECT count(*), sum(a), avg(b) FROM t"
FETCH_SQLITE = "SELECT * FROM t"
CONNECT_QUERY_MEM = "SELECT 1"
CONNECT_QUERY_FILE = "SELECT c FROM t WHERE id = ?"

# what heliosdb_sqlite sends to the engine for the statements above
DDL_RAW = 'CREATE TABLE "{t}" ("id" BIGINT PRIMARY KEY, "a" BIGINT, "b" DOUBLE PRECISION, "c" TEXT)'
RAW_MAX = 'SELECT MAX("id") AS m FROM "{t}"'
RAW_INS = 'INSERT INTO "{t}" ("a", "b", "c", "id") VALUES ($1, $2, $3, $4) RETURNING "id"'
RAW_SEL = ('SELECT "id" AS "id", "a" AS "a", "b" AS "b", "c" AS "c" FROM "t" WHERE "id" = $1 '
           'ORDER BY "t"."id"')
RAW_AGG = 'SELECT COUNT(*) AS "_h0", SUM("a") AS "_h1", AVG("b") AS "_h2" FROM "t"'
RAW_FETCH = ('SELECT "t"."id" AS "id", "t"."a" AS "a", "t"."b" AS "b", "t"."c" AS "c" FROM "t" '
             'ORDER BY "t"."id"')

# the same statements as one would write them for the binding by hand
PLAIN_INS = 'INSERT INTO {t} (a, b, c, id) VALUES ($1, $2, $3, $4)'
PLAIN_SEL = "SELECT id, a, b, c FROM t WHERE id = $1"
PLAIN_AGG = "SELECT count(*), sum(a), avg(b) FROM t"
PLAIN_FETCH = "SELECT * FROM t"
PLAIN_CONNECT_FILE = "SELECT c FROM t WHERE id = $1"

VARIANTS: tuple[str, ...] = ("sqlite3", "raw", "raw-plain", "shim")  # + "repl" when found


class ReplModule:
    """heliosdb_sqlite whose connections use the `heliosdb-nano repl` transport."""

    def __getattr__(self, name: str) -> Any:
        return getattr(heliosdb_sqlite, name)

    def connect(self, *args: Any, **kwargs: Any) -> Any:
        saved = os.environ.get("HELIOSDB_EMBEDDED")
        os.environ["HELIOSDB_EMBEDDED"] = "repl"
        try:
            return heliosdb_sqlite.connect(*args, **kwargs)
        finally:
            if saved is None:
                del os.environ["HELIOSDB_EMBEDDED"]
            else:
                os.environ["HELIOSDB_EMBEDDED"] = saved


def row_values(i: int) -> tuple:
    return (i, i * 0.5, f"row {i:06d}")


# ------------------------------------------------------------------------------------------------
# Variants: the same timed bodies per workload, each returning its operation count.

class Dbapi:
    """stdlib sqlite3 or heliosdb_sqlite: the same application code for both."""

    def __init__(self, name: str, module: Any, path: str | None) -> None:
        self.name = name
        self.module = module
        self.path = path
        self.target = path or ":memory:"
        self.conn = module.connect(self.target)
        self.keeper = None

    def populate(self, n: int) -> None:
        c = self.conn
        c.execute(DDL_SQLITE.format(t="t"))
        c.executemany(INS_SQLITE.format(t="t"), [row_values(i) for i in range(1, n + 1)])
        c.commit()
        for sql, params in ((SEL_SQLITE, (1,)), (AGG_SQLITE, ()), (FETCH_SQLITE, ())):
            c.execute(sql, params).fetchall()  # warm the statement / plan caches

    def create(self, table: str) -> None:
        # A new, empty table per round (never dropped): every round starts from the same state,
        # and no DROP TABLE work of the engine's lands near a timed run.
        c = self.conn
        c.execute(DDL_SQLITE.format(t=table))
        c.commit()
        # one INSERT rolled back: translation (~1.5 ms in the shim) stays out of the timed run,
        # and the shim forgets the table's rowid counter again, as `raw` starts without one
        c.execute(INS_SQLITE.format(t=table), row_values(0))
        c.rollback()
        self.table = table

    # -- timed bodies --
    def insert(self, rows: list) -> int:
        execute = self.conn.execute
        sql = INS_SQLITE.format(t=self.table)
        for r in rows:
            execute(sql, r)  # legacy isolation: the first INSERT opens the transaction
        self.conn.commit()
        return len(rows)

    def point_select(self, ids: list) -> int:
        execute = self.conn.execute
        for i in ids:
            row = execute(SEL_SQLITE, (i,)).fetchone()
        assert row is not None and row[0] == ids[-1]
        return len(ids)

    def executemany(self, rows: list) -> int:
        self.conn.executemany(INS_SQLITE.format(t=self.table), rows)
        self.conn.commit()
        return len(rows)

    def aggregate(self, reps: int) -> int:
        for _ in range(reps):
            row = self.conn.execute(AGG_SQLITE).fetchone()
        assert row[0] > 0
        return reps

    def fetch(self, reps: int) -> int:
        n = 0
        for _ in range(reps):
            n += len(self.conn.execute(FETCH_SQLITE).fetchall())
        return n

    def connect_mem(self, reps: int) -> int:
        connect = self.module.connect
        for _ in range(reps):
            c = connect(":memory:")
            c.execute(CONNECT_QUERY_MEM).fetchone()
            c.close()
        return reps

    def connect_file(self, path: str, reps: int) -> int:
        connect = self.module.connect
        for _ in range(reps):
            c = connect(path)
            assert c.execute(CONNECT_QUERY_FILE, (1,)).fetchone() is not None
            c.close()
        return reps

    def keep(self, path: str) -> None:
        self.keeper = self.module.connect(path)

    def unkeep(self) -> None:
        self.keeper.close()
        self.keeper = None

    connect_kept = connect_file  # another connection keeps the database open meanwhile

    def close(self) -> None:
        self.conn.close()


class Raw:
    """The Nano binding called directly; `plain` picks hand-written SQL over the shim's."""

    def __init__(self, name: str, plain: bool, data_dir: str | None) -> None:
        self.name = name
        self.plain = plain
        cls = heliosdb_nano.EmbeddedDatabase
        self.db = cls(data_dir) if data_dir else cls.in_memory()
        self.replay_mem: list = []
        self.replay_file: list = []

    def populate(self, n: int) -> None:
        # `raw` writes the table as the shim does (one INSERT ... RETURNING per row, one
        # transaction): the engine scans a table written that way measurably slower in the
        # aggregate workload than one written by execute_many, which `raw-plain` uses.
        db = self.db
        db.execute(DDL_RAW.format(t="t"))
        rows = [list(row_values(i)) + [i] for i in range(1, n + 1)]
        if self.plain:
            db.execute("BEGIN")
            db.execute_many(PLAIN_INS.format(t="t"), rows)
            db.execute("COMMIT")
        else:
            self._insert_rows("t", rows)

    def create(self, table: str) -> None:
        db = self.db
        db.execute(DDL_RAW.format(t=table))
        db.execute("BEGIN")  # the same rolled-back INSERT as the DB-API variants
        if self.plain:
            db.execute(PLAIN_INS.format(t=table), [0, 0.0, "warm", 1])
        else:
            db.query(RAW_INS.format(t=table), [0, 0.0, "warm", 1])
        db.execute("ROLLBACK")
        self.table = table

    # -- timed bodies --
    def _insert_rows(self, table: str, rows: list) -> int:
        db = self.db
        db.execute("BEGIN")
        if self.plain:
            execute = db.execute
            sql = PLAIN_INS.format(t=table)
            for r in rows:
                execute(sql, r)
        else:
            query = db.query
            query(RAW_MAX.format(t=table))  # the shim's once-per-table rowid probe
            sql = RAW_INS.format(t=table)
            for r in rows:
                query(sql, r)
        db.execute("COMMIT")
        return len(rows)

    def insert(self, rows: list) -> int:
        return self._insert_rows(self.table, rows)

    def point_select(self, ids: list) -> int:
        query = self.db.query
        sql = PLAIN_SEL if self.plain else RAW_SEL
        for i in ids:
            row = query(sql, [i])[0]
        assert row["id"] == ids[-1]
        return len(ids)

    def executemany(self, rows: list) -> int:
        if not self.plain:  # the shim runs the batch as one INSERT ... RETURNING per row
            return self._insert_rows(self.table, rows)
        db = self.db
        db.execute("BEGIN")
        db.execute_many(PLAIN_INS.format(t=self.table), rows)
        db.execute("COMMIT")
        return len(rows)

    def aggregate(self, reps: int) -> int:
        query = self.db.query
        sql = PLAIN_AGG if self.plain else RAW_AGG
        for _ in range(reps):
            rows = query(sql)
        assert rows
        return reps

    def fetch(self, reps: int) -> int:
        sql = PLAIN_FETCH if self.plain else RAW_FETCH
        n = 0
        for _ in range(reps):
            n += len(self.db.query(sql))  # list of dicts, as the binding returns them
        return n

    def connect_mem(self, reps: int) -> int:
        in_memory = heliosdb_nano.EmbeddedDatabase.in_memory
        for _ in range(reps):
            if self.plain:
                db = in_memory()
                db.query(CONNECT_QUERY_MEM)
                del db
            else:
                _replay(self.replay_mem, None)
        return reps

    def connect_file(self, data_dir: str, reps: int) -> int:
        cls = heliosdb_nano.EmbeddedDatabase
        for _ in range(reps):
            if self.plain:
                db = cls(data_dir)
                assert db.query(PLAIN_CONNECT_FILE, [1])
                del db  # releases the RocksDB lock
            else:
                _replay(self.replay_file, data_dir)
        return reps

    def keep(self, data_dir: str) -> None:
        self.kept = heliosdb_nano.EmbeddedDatabase(data_dir)

    def unkeep(self) -> None:
        self.kept.flush()
        self.kept = None

    def connect_kept(self, data_dir: str, reps: int) -> int:
        # The binding allows one handle per data directory per process: a second "connection"
        # can only be the open handle itself, so this is the first query alone.
        query = self.kept.query
        for _ in range(reps):
            assert query(PLAIN_CONNECT_FILE, [1])
        return reps

    def close(self) -> None:
        self.db.flush()
        self.db = None


def _replay(calls: list, data_dir: str | None) -> None:
    """Run a captured sequence of BindingEngine calls on a fresh binding handle."""
    cls = heliosdb_nano.EmbeddedDatabase
    db = None
    for op, sql, params in calls:
        if op == "open":
            db = cls(data_dir) if data_dir else cls.in_memory()
        elif op == "close":
            db.flush()
            db = None
        elif op == "query":
            db.query(sql, params) if params else db.query(sql)
        elif op == "execute":
            db.execute(sql, params) if params else db.execute(sql)
        elif op == "execute_many":
            db.execute_many(sql, params)


# ------------------------------------------------------------------------------------------------
# Capturing what the shim sends (for the `raw` column and the staleness check)

class _Capture:
    """Temporarily wraps heliosdb_sqlite's BindingEngine to record its engine calls."""

    def __init__(self) -> None:
        from heliosdb_sqlite.embedded import binding
        self.cls = binding.BindingEngine
        self.calls: list = []
        self.saved: dict = {}

    def __enter__(self) -> "_Capture":
        calls = self.calls
        for name in ("__init__", "query", "execute", "execute_many", "close"):
            original = self.cls.__dict__[name]
            self.saved[name] = original

            def wrapper(engine, *args, _name=name, _original=original):
                if _name == "__init__":
                    calls.append(("open", None, None))
                elif _name == "close":
                    calls.append(("close", None, None))
                else:
                    calls.append((_name, args[0], list(args[1]) if len(args) > 1 else []))
                return _original(engine, *args)
            setattr(self.cls, name, wrapper)
        return self

    def __exit__(self, *exc: Any) -> None:
        for name, original in self.saved.items():
            setattr(self.cls, name, original)

    def take(self) -> list:
        out = list(self.calls)
        self.calls.clear()
        return out


def check_shim_sql() -> list[str]:
    """What the shim sends now for each workload vs RAW_*; the differences, as warnings."""
    warnings = []
    conn = heliosdb_sqlite.connect(":memory:")
    with _Capture() as cap:
        conn.execute(DDL_SQLITE.format(t="t"))
        conn.commit()
        cap.take()
        conn.execute(INS_SQLITE.format(t="t"), row_values(1))
        conn.execute(INS_SQLITE.format(t="t"), row_values(2))
        conn.commit()
        got = [(op, sql) for op, sql, _ in cap.take()]
        want = [("execute", "BEGIN"), ("query", RAW_MAX.format(t="t")),
                ("query", RAW_INS.format(t="t")), ("query", RAW_INS.format(t="t")),
                ("execute", "COMMIT")]
        if got != want:
            warnings.append(f"insert: the shim now sends {got}")
        for sql, params, raw in ((SEL_SQLITE, (1,), RAW_SEL), (AGG_SQLITE, (), RAW_AGG),
                                 (FETCH_SQLITE, (), RAW_FETCH)):
            conn.execute(sql, params).fetchall()
            got = [(op, s) for op, s, _ in cap.take()]
            if got != [("query", raw)]:
                warnings.append(f"{sql!r}: the shim now sends {got}")
    conn.close()
    return warnings


def capture_connect(path: str) -> tuple[list, list]:
    """The engine calls of the shim's connect + first query + close, in memory and on a file."""
    with _Capture() as cap:
        c = heliosdb_sqlite.connect(":memory:")
        c.execute(CONNECT_QUERY_MEM).fetchone()
        c.close()
        mem = cap.take()
        c = heliosdb_sqlite.connect(path)
        c.execute(CONNECT_QUERY_FILE, (1,)).fetchone()
        c.close()
        file = cap.take()
    return mem, file


# ------------------------------------------------------------------------------------------------
# Workloads

class Workload:
    def __init__(self, name: str, unit: str, storage: str, run: Callable[[Any], int],
                 setup: Callable[[Any, int], None] | None = None,
                 teardown: Callable[[Any], None] | None = None) -> None:
        self.name = name
        self.unit = unit  # what one operation is: a row, a query, a connect
        self.storage = storage
        self.run = run  # the timed body: returns the number of operations it did
        self.setup = setup  # untimed, before each run: (variant, round)
        self.teardown = teardown


def build_workloads(cfg: argparse.Namespace, storages: list[str], paths: dict) -> list[Workload]:
    rng = random.Random(42)
    ins_rows = [row_values(i) for i in range(1, cfg.insert_n + 1)]
    ins_rows_raw = [list(r) + [i] for i, r in enumerate(ins_rows, 1)]
    many_rows = [row_values(i) for i in range(1, cfg.many_n + 1)]
    many_rows_raw = [list(r) + [i] for i, r in enumerate(many_rows, 1)]
    ids = [rng.randint(1, cfg.table_n) for _ in range(cfg.select_n)]

    def rows_for(v, dbapi_rows, raw_rows):
        return raw_rows if isinstance(v, Raw) else dbapi_rows

    out = []
    for st in storages:
        out += [
            Workload("insert 1 row (in tx)", "row", st,
                     lambda v: v.insert(rows_for(v, ins_rows, ins_rows_raw)),
                     setup=lambda v, rnd: v.create(f"ins_{rnd}")),
            Workload("point SELECT by pk", "query", st, lambda v: v.point_select(ids)),
            Workload(f"executemany {cfg.many_n // 1000}k", "row", st,
                     lambda v: v.executemany(rows_for(v, many_rows, many_rows_raw)),
                     setup=lambda v, rnd: v.create(f"many_{rnd}")),
            Workload(f"count/sum/avg {cfg.table_n // 1000}k", "query", st,
                     lambda v: v.aggregate(cfg.agg_reps)),
            Workload(f"fetchall {cfg.table_n // 1000}k", "row", st,
                     lambda v: v.fetch(cfg.fetch_reps)),
        ]
    out += [
        Workload("connect+query+close", "connect", "mem",
                 lambda v: v.connect_mem(cfg.connect_reps)),
        Workload("connect (first open)", "connect", "file",
                 lambda v: v.connect_file(paths[v.name], cfg.first_reps)),
        Workload("connect (db kept open)", "connect", "file",
                 lambda v: v.connect_kept(paths[v.name], cfg.kept_reps),
                 setup=lambda v, rnd: v.keep(paths[v.name]), teardown=lambda v: v.unkeep()),
    ]
    return out


# ------------------------------------------------------------------------------------------------
# Running

def make_connect_dbs(tmp: str) -> dict:
    """A small database per variant for the connect-to-a-file rows (100 rows)."""
    paths = {}
    rows = [row_values(i) for i in range(1, 101)]
    modules: list[tuple[str, Any]] = [("sqlite3", sqlite3), ("shim", heliosdb_sqlite)]
    if "repl" in VARIANTS:  # its own database: one process cannot open one twice
        modules.append(("repl", ReplModule()))
    for name, module in modules:
        p = os.path.join(tmp, f"connect_{name}.db")
        c = module.connect(p)
        c.execute(DDL_SQLITE.format(t="t"))
        c.executemany(INS_SQLITE.format(t="t"), rows)
        c.commit()
        c.close()
        paths[name] = p
    for name in ("raw", "raw-plain"):
        # the raw variants open the shim's own data directory layout: a copy of it
        d = os.path.join(tmp, f"connect_{name}.helios")
        shutil.copytree(paths["shim"] + ".helios", d)
        paths[name] = d
    return paths


def open_variants(storage: str, tmp: str) -> dict:
    if storage == "mem":
        out = {"sqlite3": Dbapi("sqlite3", sqlite3, None),
               "raw": Raw("raw", False, None),
               "raw-plain": Raw("raw-plain", True, None),
               "shim": Dbapi("shim", heliosdb_sqlite, None)}
        if "repl" in VARIANTS:
            out["repl"] = Dbapi("repl", ReplModule(), None)
        return out
    out = {"sqlite3": Dbapi("sqlite3", sqlite3, os.path.join(tmp, "data_sqlite3.db")),
           "raw": Raw("raw", False, os.path.join(tmp, "data_raw.helios")),
           "raw-plain": Raw("raw-plain", True, os.path.join(tmp, "data_raw_plain.helios")),
           "shim": Dbapi("shim", heliosdb_sqlite, os.path.join(tmp, "data_shim.db"))}
    if "repl" in VARIANTS:
        out["repl"] = Dbapi("repl", ReplModule(), os.path.join(tmp, "data_repl.db"))
    return out


def run(cfg: argparse.Namespace) -> None:
    t_start = time.perf_counter()
    tmp = tempfile.mkdtemp(prefix="hsq_bench_")
    try:
        _run(cfg, tmp, t_start)
    finally:
        gc.collect()
        shutil.rmtree(tmp, ignore_errors=True)


def _run(cfg: argparse.Namespace, tmp: str, t_start: float) -> None:
    print_machine(cfg)
    for w in check_shim_sql():
        print(f"WARNING: RAW_* SQL is stale, the `raw` column no longer mirrors the shim: {w}")

    storages = ["mem"] + (["file"] if cfg.file else [])
    variants = {st: open_variants(st, tmp) for st in storages}
    for st in storages:
        for v in variants[st].values():
            v.populate(cfg.table_n)
    paths = make_connect_dbs(tmp)
    mem_calls, file_calls = capture_connect(paths["shim"])
    for st in storages:
        variants[st]["raw"].replay_mem = mem_calls
        variants[st]["raw"].replay_file = file_calls

    workloads = build_workloads(cfg, storages, paths)
    results: dict[tuple[str, str], dict[str, list[float]]] = {}
    print(f"setup {time.perf_counter() - t_start:.1f}s; {cfg.rounds} rounds of "
          f"{len(workloads)} workloads x {len(VARIANTS)} variants", flush=True)
    for rnd in range(cfg.rounds):
        t_round = time.perf_counter()
        for w in workloads:
            order = VARIANTS[rnd % len(VARIANTS):] + VARIANTS[:rnd % len(VARIANTS)]
            for vname in order:
                # the connect rows open their own connections: any variant object will do
                v = variants[w.storage if w.unit != "connect" else "mem"][vname]
                if w.setup:
                    w.setup(v, rnd)
                gc.collect()
                t0 = time.perf_counter_ns()
                ops = w.run(v)
                elapsed = time.perf_counter_ns() - t0
                if w.teardown:
                    w.teardown(v)
                results.setdefault((w.name, w.storage), {}).setdefault(vname, []).append(
                    elapsed / 1000 / ops)
        print(f"round {rnd + 1}/{cfg.rounds}: {time.perf_counter() - t_round:.1f}s", flush=True)

    for st in storages:
        for v in variants[st].values():
            v.close()
    print_table(workloads, results, cfg)
    print(f"\ntotal wall time {time.perf_counter() - t_start:.1f}s; load average at end: "
          "%.2f %.2f %.2f" % os.getloadavg())
    if cfg.profile:
        profile(cfg)


def print_machine(cfg: argparse.Namespace) -> None:
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
    print(f"heliosdb_nano {heliosdb_nano.__version__}, SQLite {sqlite3.sqlite_version}, "
          f"heliosdb_sqlite backend={heliosdb_sqlite.BACKEND}")
    print("command: python3 bench/bench.py " + " ".join(sys.argv[1:]))
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())


def print_table(workloads: list, results: dict, cfg: argparse.Namespace) -> None:
    head = (f"| {'workload':<28} | {'db':<4} | {'unit':<7} | {'sqlite3':>8} | {'raw':>8} | "
            f"{'raw-plain':>9} | {'shim':>8} | {'shim/raw':>8} | {'shim/plain':>10} | "
            f"{'shim/sqlite3':>12} |" + (f" {'repl':>8} | {'repl/shim':>9} |" if "repl" in VARIANTS else ""))
    print()
    print(f"median µs per unit over {cfg.rounds} rounds; ratios are medians of per-round ratios "
          "(raw = Nano binding running the shim's SQL; raw-plain = hand-written SQL)")
    print()
    print(head)
    print("|" + "|".join("-" * (len(c)) for c in head.split("|")[1:-1]) + "|")
    for w in workloads:
        med = {k: statistics.median(v) for k, v in results[(w.name, w.storage)].items()}

        def cell(x: float) -> str:
            return f"{x:.1f}" if x < 1000 else f"{x:,.0f}"

        rounds = results[(w.name, w.storage)]

        def ratio(a: str, b: str) -> str:
            # the median of per-round ratios: variants of one round run back to back, so a
            # background load that slows one round slows both sides of its ratio
            pairs = [x / y for x, y in zip(rounds[a], rounds[b]) if y]
            return f"{statistics.median(pairs):.2f}x" if pairs else "-"
        print(f"| {w.name:<28} | {w.storage:<4} | {w.unit:<7} | {cell(med['sqlite3']):>8} | "
              f"{cell(med['raw']):>8} | {cell(med['raw-plain']):>9} | {cell(med['shim']):>8} | "
              f"{ratio('shim', 'raw'):>8} | {ratio('shim', 'raw-plain'):>10} | "
              f"{ratio('shim', 'sqlite3'):>12} |"
              + (f" {cell(med['repl']):>8} | {ratio('repl', 'shim'):>9} |" if "repl" in VARIANTS else ""))
    if cfg.verbose:
        print("\nall rounds (µs per unit):")
        for w in workloads:
            for vname, vals in results[(w.name, w.storage)].items():
                print(f"  {w.name:<28} {w.storage:<4} {vname:<9} "
                      + " ".join(f"{x:.1f}" for x in vals))


# ------------------------------------------------------------------------------------------------
# Profile of the shim's per-statement path

def profile(cfg: argparse.Namespace) -> None:
    """cProfile of the shim's INSERT and point-SELECT paths (own time per statement, by function),
    on the real engine and on a stub engine (the Python alone); then the stage breakdown."""
    import cProfile
    import pstats

    n_ins, n_sel = 20000, 5000
    rows = [row_values(i) for i in range(1, n_ins + 1)]
    ids = [random.Random(7).randint(1, n_ins) for _ in range(n_sel)]
    conn = heliosdb_sqlite.connect(":memory:")
    conn.execute(DDL_SQLITE.format(t="ins"))
    conn.commit()
    ins_sql = INS_SQLITE.format(t="ins")
    sel_sql = "SELECT id, a, b, c FROM ins WHERE id = ?"

    def inserts():
        execute = conn.execute
        for r in rows:
            execute(ins_sql, r)
        conn.commit()

    def selects():
        execute = conn.execute
        for i in ids:
            execute(sel_sql, (i,)).fetchone()

    real = conn._db.engine
    root = os.path.dirname(HERE)
    for engine in (real, _StubEngine(real)):
        conn._db.engine = engine
        what = "real engine" if engine is real else "STUB engine (Python only)"
        for label, fn, n in (("INSERT (in tx)", inserts, n_ins), ("point SELECT", selects, n_sel)):
            prof = cProfile.Profile()
            prof.enable()
            fn()
            prof.disable()
            stats = pstats.Stats(prof)
            total = stats.total_tt
            print(f"\n== cProfile, {what}: shim {label}, {n} statements, "
                  f"{total / n * 1e6:.1f} µs/statement under the profiler ==")
            entries = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)
            print(f"  {'own µs':>7} {'own %':>6} {'cum µs':>7} {'calls/stmt':>10}  function")
            for (file, line, func), (cc, nc, tt, ct, _) in entries[:cfg.profile_top]:
                if file.startswith(root):
                    where = f"{os.path.relpath(file, root)}:{line}"
                elif file.startswith("/"):
                    where = f"{os.path.basename(file)}:{line}"
                else:
                    where = "builtin"
                print(f"  {tt / n * 1e6:7.2f} {tt / total * 100:5.1f}% {ct / n * 1e6:7.2f} "
                      f"{nc / n:10.1f}  {func} ({where})")
    conn._db.engine = real
    conn.close()
    stage_breakdown()


class _StubEngine:
    """Stands in for BindingEngine on one private connection: answers at once with canned
    results, so what is left of a statement's time is the shim's own Python."""
    dialect = "nano"

    def __init__(self, real: Any) -> None:
        from heliosdb_sqlite.engine import Result
        self.real = real
        self.select = Result(["id", "a", "b", "c"], [(5, 5, 2.5, "row 000005")], -1)
        self.result = Result

    def query(self, sql: str, params: Any) -> Any:
        if sql.startswith("INSERT"):
            return self.result(["id"], [(params[-1],)], -1)  # RETURNING "id"
        return self.select

    def execute(self, sql: str, params: Any) -> int:
        return 1

    def execute_many(self, sql: str, rows: Any) -> int:
        return len(rows)

    def close(self) -> None:
        self.real.close()


def _measure(entries: list, block: int = 2000, blocks: int = 7, layered: bool = True) -> dict:
    """Entries interleaved in blocks; each reports its fastest block (µs per call). Layered:
    also the difference to the entry above, i.e. that layer's own cost."""
    best = {label: float("inf") for label, _ in entries}
    counter = iter(range(1, 10 ** 9))
    for _ in range(blocks):
        for label, fn in entries:
            gc.collect()
            t0 = time.perf_counter_ns()
            for _ in range(block):
                fn(next(counter))
            best[label] = min(best[label], (time.perf_counter_ns() - t0) / block / 1000)
    above = None
    for label, _ in entries:
        extra = f"  (+{best[label] - above:5.2f})" if layered and above is not None else " " * 10
        print(f"  {best[label]:7.2f}{extra}  {label}")
        above = best[label]
    return best


def stage_breakdown() -> None:
    """The shim's per-statement path peeled layer by layer, without a profiler.

    Each entry point (BindingEngine.query, Connection._steps, ._run, ._execute, Cursor.execute,
    Connection.execute) runs the same statement in a loop; entries are interleaved in blocks and
    each reports its fastest block, so a layer's own cost is the difference to the entry above
    it. Run twice: on the real engine, and on a stub engine that answers at once (the pure
    Python cost, free of the engine's noise). Private methods are called as the connection calls
    them; if the package has changed shape, the breakdown says so and stops."""
    n_rows = 20000
    conn = heliosdb_sqlite.connect(":memory:")
    conn.execute(DDL_SQLITE.format(t="t"))
    conn.executemany(INS_SQLITE.format(t="t"), [row_values(i) for i in range(1, n_rows + 1)])
    conn.commit()
    conn.execute(DDL_SQLITE.format(t="ins"))
    conn.commit()
    ins_sql = INS_SQLITE.format(t="ins")
    try:
        real = conn._db.engine
        raw = real._db
        cur = conn.cursor()
        sel_plan = conn._plan(SEL_SQLITE)
        ins_plan = conn._plan(ins_sql)

        def sel_id(i: int) -> int:
            return i * 7919 % n_rows + 1

        def layers_select(engine: Any) -> list:
            return [
                ("BindingEngine.query (dicts -> tuples)" if engine is real else "stub engine.query",
                 lambda i: engine.query(RAW_SEL, [sel_id(i)])),
                ("Connection._steps   (_StepRun, counters, _description, _set_result)",
                 lambda i: conn._steps(cur, sel_plan, [sel_id(i)])),
                ("Connection._run     (lock try_acquire/acquire/release, is_read, shape)",
                 lambda i: conn._run(cur, sel_plan, [sel_id(i)], SEL_SQLITE, True)),
                ("Connection._execute (_plan cache hit, _bind, lastrowid)",
                 lambda i: conn._execute(cur, SEL_SQLITE, (sel_id(i),), False)),
                ("Cursor.execute      (_check, isinstance, _reset, _locked try/finally)",
                 lambda i: cur.execute(SEL_SQLITE, (sel_id(i),))),
                ("Connection.execute  (+ a new Cursor)",
                 lambda i: conn.execute(SEL_SQLITE, (sel_id(i),))),
                ("... .fetchone()",
                 lambda i: conn.execute(SEL_SQLITE, (sel_id(i),)).fetchone()),
            ]

        raw_ins_x = RAW_INS.format(t="x")

        def layers_insert(engine: Any) -> list:
            return [
                ("BindingEngine.query (INSERT ... RETURNING)" if engine is real
                 else "stub engine.query",
                 lambda i: engine.query(raw_ins_x, [i, 0.5, "row", 10 ** 8 + i])),
                ("Connection._steps   (_StepRun, rowid slot, note_rowids, counters)",
                 lambda i: conn._steps(cur, ins_plan, [i, 0.5, "row"])),
                ("Connection._run     (in-tx checks, trace, is_dml)",
                 lambda i: conn._run(cur, ins_plan, [i, 0.5, "row"], ins_sql, True)),
                ("Connection._execute (_plan cache hit, _bind + coercions, lastrowid)",
                 lambda i: conn._execute(cur, ins_sql, (i, 0.5, "row"), False)),
                ("Cursor.execute      (_check, isinstance, _reset, _locked try/finally)",
                 lambda i: cur.execute(ins_sql, (i, 0.5, "row"))),
                ("Connection.execute  (+ a new Cursor)",
                 lambda i: conn.execute(ins_sql, (i, 0.5, "row"))),
            ]

        print("\n== engine floor (raw binding, µs per call, best of 7 blocks) ==")
        raw.execute('CREATE TABLE "x" ("id" BIGINT PRIMARY KEY, "a" BIGINT, '
                    '"b" DOUBLE PRECISION, "c" TEXT)')
        raw.execute("BEGIN")
        xid = iter(range(1, 10 ** 8))
        _measure([
            ("raw db.execute(INSERT, no RETURNING)",
             lambda i: raw.execute(PLAIN_INS.format(t="x"), [i, 0.5, "row", next(xid)])),
            ("raw db.query(INSERT ... RETURNING \"id\")  <- what the shim sends",
             lambda i: raw.query(RAW_INS.format(t="x"), [i, 0.5, "row", next(xid)])),
        ], block=1000, layered=False)
        raw.execute("COMMIT")
        _measure([
            ("raw db.query(point SELECT, plain SQL)", lambda i: raw.query(PLAIN_SEL, [sel_id(i)])),
            ("raw db.query(point SELECT, shim SQL: aliases, no ORDER BY)",
             lambda i: raw.query(RAW_SEL.replace(' ORDER BY "t"."id"', ""), [sel_id(i)])),
            ("raw db.query(point SELECT, shim SQL)  <- what the shim sends",
             lambda i: raw.query(RAW_SEL, [sel_id(i)])),
        ], block=500, layered=False)

        for engine in (real, _StubEngine(real)):
            conn._db.engine = engine
            what = "real engine" if engine is real else "STUB engine: the pure Python cost"
            print(f"\n== point SELECT through the layers, {what} (µs per statement; "
                  "(+x) = that layer's own cost) ==")
            _measure(layers_select(engine), block=1000 if engine is real else 5000)
            conn.execute(ins_sql, row_values(0))  # opens the transaction, primes the counter
            print(f"\n== INSERT in a transaction through the layers, {what} ==")
            _measure(layers_insert(engine), block=1000 if engine is real else 5000)
            conn.commit()  # on the engine that saw the BEGIN
            conn._db.engine = real

        print("\n== pieces on their own (µs per call, best of 7 blocks) ==")
        lock = conn._db.lock
        import sqlite3 as stdlib
        from heliosdb_sqlite.connection import _description
        adapters, proto = stdlib.adapters, stdlib.PrepareProtocol
        # Cursor.__init__ runs `from .connection import Connection` on every cursor: the same
        # statement in a function compiled in the package's namespace, timed alone
        ns: dict = {"__package__": "heliosdb_sqlite", "__name__": "heliosdb_sqlite.cursor"}
        exec("def relative_import():\n    from .connection import Connection\n", ns)
        relative_import = ns["relative_import"]
        pieces = [
            ("conn.cursor()", lambda i: conn.cursor()),
            ("  of which: a function-level `from .connection import Connection`",
             lambda i: relative_import()),
            ("conn._plan(sql) (plan cache hit)", lambda i: conn._plan(ins_sql)),
            ("conn._bind(insert plan, 3 params) incl. coercions",
             lambda i: conn._bind(ins_plan, (i, 0.5, "row"))),
            ("conn._bind(select plan, 1 param)", lambda i: conn._bind(sel_plan, (i,))),
            ("  of which: the base-types-adapted any() over stdlib adapters",
             lambda i: bool(adapters) and any((t, proto) in adapters
                                              for t in (int, float, str, bytearray))),
            ("lock.try_acquire + acquire + release (a read outside a transaction)",
             lambda i: (lock.try_acquire(conn), lock.acquire(conn, 5.0), lock.release(conn))),
            ("plan.is_read + plan.is_dml (properties, computed per call)",
             lambda i: (sel_plan.is_read, sel_plan.is_dml)),
            ("_description(4 names) (built per SELECT)", lambda i: _description(
                ("id", "a", "b", "c"))),
            ("BindingEngine.query post-processing of a 1-row result",
             lambda i: (list(d[0]), [tuple(r.values()) for r in d])
             if (d := [{"id": i}]) else None),
        ]
        _measure(pieces, block=20000, layered=False)
        what_if(conn)
    except Exception as exc:  # the package is being edited: internals may have moved
        import traceback
        traceback.print_exc()
        print(f"  (stage breakdown stopped: {type(exc).__name__}: {exc})")
    conn.close()


def what_if(conn: Any) -> None:
    """Prototypes of two suggested changes, measured on this connection's engine (never on the
    package's code): what they would cost, next to what the shim costs now."""
    engine = conn._db.engine
    raw = engine._db
    n = 20000
    rows = [row_values(i) for i in range(1, n + 1)]
    ok = (int, float, str)
    print("\n== what-if prototypes (µs per row / statement, best of 3) ==")
    best: dict[str, float] = {}
    for rnd in range(3):
        for k, label in enumerate((
                "shim executemany (now: one INSERT ... RETURNING per row)",
                "prototype: _bind per row + one engine.execute_many",
                "prototype: type-checked rows + one engine.execute_many",
                "raw-plain: engine.execute_many")):
            table = f"wi_{rnd}_{k}"
            conn.execute(DDL_SQLITE.format(t=table))
            conn.commit()
            plan = conn._plan(INS_SQLITE.format(t=table))
            sql = PLAIN_INS.format(t=f'"{table}"')
            gc.collect()
            t0 = time.perf_counter_ns()
            if label.startswith("shim"):
                conn.executemany(INS_SQLITE.format(t=table), rows)
                conn.commit()
            else:
                engine.execute("BEGIN", ())
                if "_bind" in label:
                    batch = []
                    for rowid, r in enumerate(rows, 1):
                        values = conn._bind(plan, r)
                        values.append(rowid)
                        batch.append(values)
                elif "type-checked" in label:
                    batch = [[*r, rowid] for rowid, r in enumerate(rows, 1)
                             if type(r[0]) in ok and type(r[1]) in ok and type(r[2]) in ok]
                else:
                    batch = [[*r, rowid] for rowid, r in enumerate(rows, 1)]
                engine.execute_many(sql, batch)
                engine.execute("COMMIT", ())
            us = (time.perf_counter_ns() - t0) / n / 1000
            best[label] = min(best.get(label, us), us)
    for label, us in best.items():
        print(f"  {us:7.2f}  {label}")

    # a lean single-statement path: plan dict hit, type check, rowid counter, engine.execute or
    # query + tuples, a slotted cursor; the least a DB-API layer over this binding has to do
    class LeanCursor:
        __slots__ = ("description", "rowcount", "lastrowid", "rows", "pos")

    class LeanPlan:
        def __init__(self, sql: str, n: int, insert: bool, desc: Any) -> None:
            self.sql, self.n, self.insert, self.desc = sql, n, insert, desc

    kinds = {int, float, str, type(None)}
    state = {"next": 10 ** 7, "last": 0}
    plans = {
        SEL_SQLITE: LeanPlan(RAW_SEL, 1, False, (("id",) + (None,) * 6,) * 4),
        "INSERT INTO lean (a, b, c) VALUES (?, ?, ?)": LeanPlan(
            PLAIN_INS.format(t="lean"), 3, True, None),
    }
    query, execute = raw.query, raw.execute

    def lean(sql: str, params: tuple) -> LeanCursor:
        plan = plans[sql]
        if len(params) != plan.n:
            raise ValueError("bindings")
        values = list(params)
        for v in values:
            if type(v) not in kinds:
                raise TypeError("binding")
        cur = LeanCursor()
        cur.description, cur.pos = plan.desc, 0
        if plan.insert:
            rowid = state["next"]
            state["next"] = rowid + 1
            values.append(rowid)
            cur.rowcount = execute(plan.sql, values)
            cur.rows = []
            cur.lastrowid = state["last"] = rowid
        else:
            cur.rows = [tuple(d.values()) for d in query(plan.sql, values)]
            cur.rowcount, cur.lastrowid = -1, state["last"]
        return cur

    raw.execute(DDL_RAW.format(t="lean"))
    raw.execute(DDL_RAW.format(t="lean_raw"))
    raw_ids = iter(range(10 ** 7, 10 ** 9))
    plain_lean_raw = PLAIN_INS.format(t="lean_raw")
    raw.execute("BEGIN")
    _measure([
        ("raw db.execute(INSERT)",
         lambda i: raw.execute(plain_lean_raw, [i, 0.5, "row", next(raw_ids)])),
        ("lean layer INSERT (execute, no RETURNING)",
         lambda i: lean("INSERT INTO lean (a, b, c) VALUES (?, ?, ?)", (i, 0.5, "row"))),
    ], block=2000, layered=False)
    raw.execute("COMMIT")
    _measure([
        ("raw db.query(point SELECT, shim SQL)", lambda i: raw.query(RAW_SEL, [i % n + 1])),
        ("lean layer point SELECT (same SQL) + tuples + cursor",
         lambda i: lean(SEL_SQLITE, (i % n + 1,))),
    ], block=500, layered=False)


# ------------------------------------------------------------------------------------------------

def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--quick", action="store_true", help="small sizes, 3 rounds (< 30 s)")
    ap.add_argument("--rounds", type=int, help="rounds (default 7; 3 with --quick)")
    ap.add_argument("--no-file", dest="file", action="store_false",
                    help="skip the file-backed databases (temp dir)")
    ap.add_argument("--profile", action="store_true",
                    help="after the table, profile the shim's insert and point-select path")
    ap.add_argument("--profile-only", action="store_true", help="only the profile")
    ap.add_argument("--profile-top", type=int, default=18, help="rows per profile (default 18)")
    ap.add_argument("-v", "--verbose", action="store_true", help="print every round's numbers")
    ap.add_argument("--no-repl", dest="repl", action="store_false",
                    help="leave out the REPL transport column even when the binary is found")
    cfg = ap.parse_args()
    global VARIANTS
    from heliosdb_sqlite.embedded.repl_process import find_binary
    if cfg.repl and find_binary():
        VARIANTS = VARIANTS + ("repl",)
    elif cfg.repl:
        print("no heliosdb-nano binary (scripts/install_nano_cli.sh): no repl column")
    if cfg.quick:
        cfg.rounds = cfg.rounds or 3
        cfg.insert_n, cfg.select_n, cfg.many_n, cfg.table_n = 500, 200, 5000, 20000
        cfg.agg_reps, cfg.fetch_reps = 2, 1
        cfg.connect_reps, cfg.first_reps, cfg.kept_reps = 5, 1, 20
        cfg.file = False
    else:
        cfg.rounds = cfg.rounds or 7
        cfg.insert_n, cfg.select_n, cfg.many_n, cfg.table_n = 2000, 1000, 20000, 20000
        cfg.agg_reps, cfg.fetch_reps = 5, 1
        cfg.connect_reps, cfg.first_reps, cfg.kept_reps = 20, 3, 100
    if cfg.profile_only:
        profile(cfg)
        return
    run(cfg)


if __name__ == "__main__":
    main()
