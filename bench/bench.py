#!/usr/bin/env python3
"""heliosdb_sqlite vs the raw Nano binding vs stdlib sqlite3, in one process.

    python3 bench/bench.py                 # default run (< ~2 min on 2 cores)
    python3 bench/bench.py --quick         # smoke run (well under 30 s)
    python3 bench/bench.py --rounds 9      # more rounds, tighter medians
    python3 bench/bench.py --no-file       # skip the file-backed databases
    python3 bench/bench.py --only insert --only point   # only the workloads so named
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
  raw        the Nano binding replaying exactly the engine calls heliosdb_sqlite makes for the
             workload: its SQL (BIGINT / DOUBLE PRECISION columns, `$n` params, quoted names,
             aliases, ORDER BY "t"."id" for the plain scan), the rowid it assigns, INSERTs through
             execute(), the batch as one execute_many() of all rows but the last, then the last
             through execute() (no savepoint when the batch opens the transaction),
             its BEGIN/COMMIT and its SELECT MAX("id") rowid probe (once per table per
             transaction). shim/raw is the shim's Python overhead.
  raw-plain  the Nano binding with the SQL one would write by hand: INSERT through execute(),
             execute_many() for the batch (no savepoint, no probe), SELECT without aliases or
             ORDER BY.
  shim       heliosdb_sqlite (the default embedded binding transport).
  repl       heliosdb_sqlite over a `heliosdb-nano repl` child process (HELIOSDB_EMBEDDED=repl);
             present when the binary is found (scripts/install_nano_cli.sh), --no-repl skips it.

For the connect rows, `raw` replays the exact engine calls the shim makes for connect + first
query + close (open, bootstrap DDL, catalog reads, the query, flush), captured from a traced shim
connection at start-up; `raw-plain` is open + query + drop.

The engine calls in RAW_* and `Raw` below are what the shim made when this file was written. At
start-up the bench runs each workload's body once, small, through the shim (its engine calls
traced) and through `raw` (its binding calls recorded), and warns if they differ: then the `raw`
column is stale (update RAW_* and `Raw`).
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
from typing import Any, Callable, Iterable

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
RAW_INS = 'INSERT INTO "{t}" ("a", "b", "c", "id") VALUES ($1, $2, $3, $4)'
RAW_SEL = 'SELECT "id" AS "id", "a" AS "a", "b" AS "b", "c" AS "c" FROM "t" WHERE "id" = $1'
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

class Variant:
    """What every column shares: the setup of the table the read workloads use."""

    def populate(self, n: int) -> None:
        # written as the executemany workload writes it, by every column alike (how a table was
        # written changes how fast the engine scans it), then the statement / plan caches warmed
        self.create("t")
        self.executemany(self.rows(range(1, n + 1)))
        self.point_select([1])
        self.aggregate(1)
        self.fetch(1)


class Dbapi(Variant):
    """stdlib sqlite3 or heliosdb_sqlite: the same application code for both."""

    def __init__(self, name: str, module: Any, path: str | None) -> None:
        self.name = name
        self.module = module
        self.path = path
        self.target = path or ":memory:"
        self.conn = module.connect(self.target)
        self.keeper = None

    @staticmethod
    def rows(ids: Iterable[int]) -> list:
        return [row_values(i) for i in ids]

    def create(self, table: str) -> None:
        # A new, empty table per round (never dropped): every round starts from the same state,
        # and no DROP TABLE work of the engine's lands near a timed run.
        c = self.conn
        c.execute(DDL_SQLITE.format(t=table))
        c.commit()
        # one INSERT rolled back: translation (~1.5 ms in the shim) stays out of the timed run,
        # and the shim forgets the table's rowid counter again, so the timed run probes for it
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


class Raw(Variant):
    """The Nano binding called directly; `plain` picks hand-written SQL over the shim's calls."""

    def __init__(self, name: str, plain: bool, data_dir: str | None) -> None:
        self.name = name
        self.plain = plain
        cls = heliosdb_nano.EmbeddedDatabase
        self.db = cls(data_dir) if data_dir else cls.in_memory()
        self.replay_mem: list = []
        self.replay_file: list = []

    @staticmethod
    def rows(ids: Iterable[int]) -> list:
        return [[*row_values(i), i] for i in ids]  # with the rowid the shim assigns

    def create(self, table: str) -> None:
        # the table as the shim creates it (not its catalog rows: untimed setup), then the
        # DB-API variants' rolled-back INSERT
        db = self.db
        db.execute(DDL_RAW.format(t=table))
        db.execute("BEGIN")
        if self.plain:
            db.execute(PLAIN_INS.format(t=table), [*row_values(0), 1])
        else:
            db.query(RAW_MAX.format(t=table))
            db.execute(RAW_INS.format(t=table), [*row_values(0), 1])
        db.execute("ROLLBACK")
        self.table = table

    # -- timed bodies --
    def insert(self, rows: list) -> int:
        db = self.db
        db.execute("BEGIN")
        if self.plain:
            sql = PLAIN_INS.format(t=self.table)
        else:
            db.query(RAW_MAX.format(t=self.table))  # the shim's once-per-table rowid probe
            sql = RAW_INS.format(t=self.table)
        execute = db.execute
        for r in rows:
            execute(sql, r)
        db.execute("COMMIT")
        return len(rows)

    def point_select(self, ids: list) -> int:
        query = self.db.query
        sql = PLAIN_SEL if self.plain else RAW_SEL
        for i in ids:
            row = query(sql, [i])[0]
        assert row["id"] == ids[-1]
        return len(ids)

    def executemany(self, rows: list) -> int:
        db = self.db
        db.execute("BEGIN")
        if self.plain:
            db.execute_many(PLAIN_INS.format(t=self.table), rows)
        else:
            # the batch opened the transaction: no savepoint; the last row alone (its count is
            # changes())
            db.query(RAW_MAX.format(t=self.table))
            sql = RAW_INS.format(t=self.table)
            db.execute_many(sql, rows[:-1])
            db.execute(sql, rows[-1])
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
        for name in ("__init__", "query", "rows_with", "execute", "execute_many", "close"):
            original = self.cls.__dict__[name]
            self.saved[name] = original

            def wrapper(engine, *args, _name=name, _original=original):
                if _name == "__init__":
                    calls.append(("open", None, None))
                    result = _original(engine, *args)
                    native = engine.execute_with  # the hot path's INSERT call, recorded too

                    def execute_with(sql, params, _native=native):
                        calls.append(("execute", sql, list(params)))
                        return _native(sql, params)
                    engine.execute_with = execute_with
                    return result
                elif _name == "close":
                    calls.append(("close", None, None))
                else:  # (rows_with is query without the column names)
                    calls.append(("query" if _name == "rows_with" else _name, args[0],
                                  list(args[1]) if len(args) > 1 else []))
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


class _Recorder:
    """A binding handle that records its calls in _Capture's form (a `raw` variant's, for the
    staleness check)."""

    def __init__(self, db: Any) -> None:
        self.db = db
        self.calls: list = []

    def query(self, sql: str, params: Any = None) -> Any:
        self.calls.append(("query", sql, list(params or ())))
        return self.db.query(sql, params) if params else self.db.query(sql)

    def execute(self, sql: str, params: Any = None) -> int:
        self.calls.append(("execute", sql, list(params or ())))
        return self.db.execute(sql, params) if params else self.db.execute(sql)

    def execute_many(self, sql: str, rows: Any) -> int:
        self.calls.append(("execute_many", sql, list(rows)))
        return self.db.execute_many(sql, rows)

    def take(self) -> list:
        out = list(self.calls)
        self.calls.clear()
        return out


def _ddl_as_raw(calls: list) -> list:
    """The shim's DDL transaction (BEGIN, the CREATE TABLE, its catalog rows in the _hsq_
    tables, COMMIT) as the lone CREATE TABLE `raw` sends: untimed setup either way."""
    for k, (_, sql, _) in enumerate(calls):
        if k and sql and sql.startswith("CREATE TABLE") and calls[k - 1][1] == "BEGIN":
            end = next((j for j in range(k + 1, len(calls)) if calls[j][1] == "COMMIT"), None)
            if end is not None and all("_hsq_" in c[1] for c in calls[k + 1:end]):
                return calls[:k - 1] + [calls[k]] + calls[end + 1:]
    return calls


def _first_difference(shim: list, raw: list) -> str:
    def show(calls: list, k: int) -> str:
        return repr(calls[k])[:160] if k < len(calls) else "nothing"
    pairs = enumerate(zip(shim, raw, strict=False))
    k = next((k for k, (a, b) in pairs if a != b), min(len(shim), len(raw)))
    return (f"call {k + 1} of {len(shim)}: the shim sends {show(shim, k)}, "
            f"`raw` sends {show(raw, k)}")


def check_shim_sql() -> list[str]:
    """Each workload's body run once, small, through the shim (engine calls traced) and through
    `raw` (binding calls recorded): where they differ, as warnings."""
    warnings = []
    raw = Raw("raw", False, None)
    raw.db = _Recorder(raw.db)
    rows = {cls: cls.rows((1, 2, 3)) for cls in (Dbapi, Raw)}
    steps: list[tuple[str, Callable[[Any], Any]]] = [
        ("create", lambda v: v.create("t")),
        ("insert (in tx)", lambda v: v.insert(rows[type(v)])),
        ("point SELECT", lambda v: v.point_select([2])),
        ("count/sum/avg", lambda v: v.aggregate(1)),
        ("fetchall", lambda v: v.fetch(1)),
        ("create", lambda v: v.create("many")),
        ("executemany", lambda v: v.executemany(rows[type(v)])),
    ]
    with _Capture() as cap:
        shim = Dbapi("shim", heliosdb_sqlite, None)  # (its engine made under the capture)
        cap.take()
        for name, step in steps:
            step(shim)
            sent = _ddl_as_raw(cap.take())
            try:
                step(raw)
            except Exception as exc:  # noqa: BLE001 - RAW_* so stale the engine refuses them
                warnings.append(f"{name}: `raw` failed ({exc}) after "
                                f"{_first_difference(sent, raw.db.take())}")
                break
            replayed = raw.db.take()
            if sent != replayed:
                warnings.append(f"{name}: {_first_difference(sent, replayed)}")
    shim.close()
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
    # each variant class's own row form (`raw` rows carry the rowid the shim assigns)
    ins_rows = {cls: cls.rows(range(1, cfg.insert_n + 1)) for cls in (Dbapi, Raw)}
    many_rows = {cls: cls.rows(range(1, cfg.many_n + 1)) for cls in (Dbapi, Raw)}
    ids = [rng.randint(1, cfg.table_n) for _ in range(cfg.select_n)]

    out = []
    for st in storages:
        out += [
            Workload("insert 1 row (in tx)", "row", st,
                     lambda v: v.insert(ins_rows[type(v)]),
                     setup=lambda v, rnd: v.create(f"ins_{rnd}")),
            Workload("point SELECT by pk", "query", st, lambda v: v.point_select(ids)),
            Workload(f"executemany {cfg.many_n // 1000}k", "row", st,
                     lambda v: v.executemany(many_rows[type(v)]),
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

    workloads = [w for w in build_workloads(cfg, storages, paths)
                 if not cfg.only or any(text in w.name for text in cfg.only)]
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
            f"{'raw-plain':>9} | {'shim':>8} | {'shim/raw':>8} | {'(q1-q3)':>11} | {'shim/plain':>10} | "
            f"{'shim/sqlite3':>12} |"
            + (f" {'repl':>8} | {'repl/shim':>9} |" if "repl" in VARIANTS else ""))
    print()
    print(f"median µs per unit over {cfg.rounds} rounds; ratios are medians of per-round ratios "
          "(raw = Nano binding running the shim's SQL; raw-plain = hand-written SQL); q1-q3: the "
          "middle half of the per-round shim/raw ratios, how much the machine moved them")
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

        def spread(a: str, b: str) -> str:
            pairs = [x / y for x, y in zip(rounds[a], rounds[b]) if y]
            if len(pairs) < 2:
                return "-"
            q1, _, q3 = statistics.quantiles(pairs, n=4)
            return f"{q1:.2f}-{q3:.2f}"
        print(f"| {w.name:<28} | {w.storage:<4} | {w.unit:<7} | {cell(med['sqlite3']):>8} | "
              f"{cell(med['raw']):>8} | {cell(med['raw-plain']):>9} | {cell(med['shim']):>8} | "
              f"{ratio('shim', 'raw'):>8} | {spread('shim', 'raw'):>11} | "
              f"{ratio('shim', 'raw-plain'):>10} | "
              f"{ratio('shim', 'sqlite3'):>12} |"
              + (f" {cell(med['repl']):>8} | {ratio('repl', 'shim'):>9} |"
                 if "repl" in VARIANTS else ""))
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
    results (every query the point SELECT's row, which also answers the rowid probe; every
    execute one affected row), so what is left of a statement's time is the shim's own Python."""
    dialect = "nano"

    def __init__(self, real: Any) -> None:
        from heliosdb_sqlite.engine import Result
        self.real = real
        self.select = Result(["id", "a", "b", "c"], [(5, 5, 2.5, "row 000005")], -1)

    def query(self, sql: str, params: Any) -> Any:
        return self.select

    def execute(self, sql: str, params: Any) -> int:
        return 1  # an INSERT's one row, as the hot path sends it through execute()

    execute_with = execute

    def rows_with(self, sql: str, params: Any) -> list:
        return self.select.rows

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
        extra = f"  ({best[label] - above:+6.2f})" if layered and above is not None else " " * 10
        print(f"  {best[label]:7.2f}{extra}  {label}")
        above = best[label]
    return best


def stage_breakdown() -> None:
    """The shim's per-statement path peeled layer by layer, without a profiler.

    Two paths. A statement's first runs: Connection._execute (the plan cache probe) ->
    hotpath.execute (the plan's hot-path facts) -> the plan's general runner (hotpath.bind, the
    lock, the cursor fill) -> the engine. Once it ran there, Connection.execute and
    Cursor.execute call the runner remembered for it (checks made for its parameter types) ->
    the engine. Each layer's entry point runs the same statement in a loop; entries are
    interleaved in blocks and each reports its fastest block, so a layer's own cost is the
    difference to the entry above it. Run twice: on the real engine, and on a stub engine that
    answers at once (the pure Python cost, free of the engine's noise). Private functions are
    called as their callers call them; if the package has changed shape, or the statements no
    longer take the hot path, the breakdown says so and stops."""
    from heliosdb_sqlite import hotpath
    from heliosdb_sqlite.cursor import Cursor
    from heliosdb_sqlite.embedded.binding import BindingEngine

    n_rows = 20000
    conn = heliosdb_sqlite.connect(":memory:")
    conn.execute(DDL_SQLITE.format(t="t"))
    conn.executemany(INS_SQLITE.format(t="t"), Dbapi.rows(range(1, n_rows + 1)))
    conn.commit()
    conn.execute(DDL_SQLITE.format(t="ins"))
    conn.commit()
    ins_sql = INS_SQLITE.format(t="ins")
    try:
        real = conn._db.engine
        raw = real._db
        cur = conn.cursor()
        sel_plan, ins_plan = conn._plan(SEL_SQLITE), conn._plan(ins_sql)
        sel_facts, ins_facts = hotpath.facts_of(sel_plan), hotpath.facts_of(ins_plan)
        if not hotpath.execute(conn, cur, sel_plan, (1,)):
            raise RuntimeError("the point SELECT no longer takes the hot path")
        conn.execute(SEL_SQLITE, (1,))  # remembered from now on
        execute, bind = hotpath.execute, hotpath.bind
        sel_general, sel_remembered = sel_facts.general, conn._fast[SEL_SQLITE]

        def sel_id(i: int) -> int:
            return i * 7919 % n_rows + 1

        def layers_select(engine: Any) -> list:
            return [
                ("BindingEngine.query  (the binding's dicts -> tuples)" if engine is real
                 else "stub engine.query",
                 lambda i: engine.query(RAW_SEL, [sel_id(i)])),
                ("remembered runner    (checks, typed bind, lock, cursor fill)",
                 lambda i: sel_remembered(conn, (sel_id(i),), cur)),
                ("Cursor.execute       (its checks, the remembered runner)",
                 lambda i: cur.execute(SEL_SQLITE, (sel_id(i),))),
                ("Connection.execute   (the runner makes the Cursor)",
                 lambda i: conn.execute(SEL_SQLITE, (sel_id(i),))),
                ("... .fetchone()",
                 lambda i: conn.execute(SEL_SQLITE, (sel_id(i),)).fetchone()),
            ]

        def general_select(engine: Any) -> list:
            return [
                ("engine.query" if engine is real else "stub engine.query",
                 lambda i: engine.query(RAW_SEL, [sel_id(i)])),
                ("general runner       (hotpath.bind, lock, cursor fill)",
                 lambda i: sel_general(conn, (sel_id(i),), cur)),
                ("hotpath.execute      (the plan's facts)",
                 lambda i: execute(conn, cur, sel_plan, (sel_id(i),))),
                ("Connection._execute  (the plan cache probe)",
                 lambda i: conn._execute(cur, SEL_SQLITE, (sel_id(i),), False)),
            ]

        # the engine-level INSERTs go to a table of their own, behind the shim's back: rowids
        # of theirs in "ins" would move the shim's counter
        raw.execute(DDL_RAW.format(t="x"))
        raw_ins_x = RAW_INS.format(t="x")
        xid = iter(range(1, 10 ** 9))

        def layers_insert(engine: Any) -> list:
            return [
                ("BindingEngine.execute (INSERT)" if engine is real else "stub engine.execute",
                 lambda i: engine.execute(raw_ins_x, [i, 0.5, "row", next(xid)])),
                ("remembered runner    (checks, typed bind, rowid, counters, cursor fill)",
                 lambda i: conn._fast[ins_sql](conn, (i, 0.5, "row"), cur)),
                ("Cursor.execute       (its checks, the remembered runner)",
                 lambda i: cur.execute(ins_sql, (i, 0.5, "row"))),
                ("Connection.execute   (the runner makes the Cursor)",
                 lambda i: conn.execute(ins_sql, (i, 0.5, "row"))),
            ]

        def general_insert(engine: Any) -> list:
            return [
                ("engine.execute" if engine is real else "stub engine.execute",
                 lambda i: engine.execute(raw_ins_x, [i, 0.5, "row", next(xid)])),
                ("general runner       (hotpath.bind + coercions, engine order, rowid, ...)",
                 lambda i: ins_facts.general(conn, (i, 0.5, "row"), cur)),
                ("hotpath.execute      (the plan's facts)",
                 lambda i: execute(conn, cur, ins_plan, (i, 0.5, "row"))),
                ("Connection._execute  (the plan cache probe)",
                 lambda i: conn._execute(cur, ins_sql, (i, 0.5, "row"), False)),
            ]

        print("\n== engine floor (raw binding, µs per call, best of 7 blocks) ==")
        raw.execute("BEGIN")
        _measure([
            ("raw db.execute(INSERT)  <- what the shim sends",
             lambda i: raw.execute(raw_ins_x, [i, 0.5, "row", next(xid)])),
        ], block=1000, layered=False)
        raw.execute("COMMIT")
        _measure([
            ("raw db.query(point SELECT, plain SQL)", lambda i: raw.query(PLAIN_SEL, [sel_id(i)])),
            ("raw db.query(point SELECT, shim SQL)  <- what the shim sends",
             lambda i: raw.query(RAW_SEL, [sel_id(i)])),
        ], block=500, layered=False)

        for engine in (real, _StubEngine(real)):
            conn._db.engine = engine
            what = "real engine" if engine is real else "STUB engine: the pure Python cost"
            print(f"\n== point SELECT through the layers, {what} (µs per statement; "
                  "(+x) = that layer's own cost) ==")
            _measure(layers_select(engine), block=1000 if engine is real else 5000)
            print(f"\n== point SELECT, its first runs (the general path), {what} ==")
            _measure(general_select(engine), block=1000 if engine is real else 5000)
            conn.execute(ins_sql, row_values(0))  # opens the transaction, primes the counter
            if not execute(conn, cur, ins_plan, row_values(0)):
                raise RuntimeError("the INSERT in a transaction no longer takes the hot path")
            conn.execute(ins_sql, row_values(0))  # remembered from now on
            print(f"\n== INSERT in a transaction through the layers, {what} ==")
            _measure(layers_insert(engine), block=1000 if engine is real else 5000)
            print(f"\n== INSERT in a transaction, its first runs (the general path), {what} ==")
            _measure(general_insert(engine), block=1000 if engine is real else 5000)
            conn.commit()  # on the engine that saw the BEGIN
            conn._db.engine = real

        print("\n== pieces on their own (µs per call, best of 7 blocks) ==")
        lock = conn._db.lock
        # BindingEngine.query around a binding that answers at once: its own work alone
        post = object.__new__(BindingEngine)
        one_row = [{"id": 5, "a": 5, "b": 2.5, "c": "row 000005"}]
        post._query = lambda sql, params=None: one_row
        pieces = [
            ("Cursor(conn)", lambda i: Cursor(conn)),
            ("hotpath.bind(insert plan, 3 params) incl. coercions",
             lambda i: bind(conn, ins_plan, ins_facts, (i, 0.5, "row"))),
            ("hotpath.bind(select plan, 1 param)",
             lambda i: bind(conn, sel_plan, sel_facts, (i,))),
            ("lock.try_acquire + release (a read outside a transaction)",
             lambda i: (lock.try_acquire(conn), lock.release(conn))),
            ("BindingEngine.query post-processing of a 1-row result (4 columns)",
             lambda i: post.query(RAW_SEL, [i])),
        ]
        _measure(pieces, block=20000, layered=False)
    except Exception as exc:  # the package is being edited: internals may have moved
        import traceback
        traceback.print_exc()
        print(f"  (stage breakdown stopped: {type(exc).__name__}: {exc})")
    conn.close()


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
    ap.add_argument("--only", action="append", default=[], metavar="TEXT",
                    help="run only the workloads whose name contains TEXT (repeatable)")
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
