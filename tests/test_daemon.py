"""Daemon mode over pg8000: selection, DSNs, the pool, faults and several processes.

Against real servers: the Nano server and PostgreSQL that scripts/servers.py started (their DSNs
in HELIOSDB_TEST_NANO_DSN / HELIOSDB_TEST_PG_DSN), and, for the restart tests, a Nano server of
the test's own. In CI (CI=true) a missing server fails the run instead of skipping it.
"""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import textwrap
import time

import pytest

import heliosdb_sqlite
from heliosdb_sqlite import database
from heliosdb_sqlite.daemon import dsn as dsns
from heliosdb_sqlite.daemon.pgwire import POOL

from .daemon_reset import wipe

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVERS = {"nano": os.environ.get("HELIOSDB_TEST_NANO_DSN"),
           "postgres": os.environ.get("HELIOSDB_TEST_PG_DSN")}


def test_servers_present():
    if os.environ.get("CI"):
        missing = [k for k, v in SERVERS.items() if not v]
        assert not missing, f"daemon servers not started: {missing} (scripts/servers.py start)"


def emptied_server(name: str) -> str:
    """The DSN of a test server, its database emptied; the test is skipped without it."""
    value = SERVERS[name]
    if not value:
        pytest.skip(f"no {name} server (scripts/servers.py start)")
    wipe(value)
    return value


@pytest.fixture(params=["nano", "postgres"])
def dsn(request):
    return emptied_server(request.param)


# -- selection and DSNs ---------------------------------------------------------------------------
def test_dsn_forms_and_options(monkeypatch):
    monkeypatch.setenv("PGPASSWORD", "from-env")
    d = dsns.parse("heliosdb://alice@db.example:6000/app?sslmode=require&connect_timeout=3"
                   "&application_name=dash")
    assert (d.host, d.port, d.user, d.password, d.database) == (
        "db.example", 6000, "alice", "from-env", "app")
    assert (d.sslmode, d.connect_timeout, d.application_name) == ("require", 3.0, "dash")
    d = dsns.parse("postgresql://bob:s%40cret@127.0.0.1")
    assert (d.password, d.port, d.database, d.user) == ("s@cret", 5432, "heliosdb", "bob")


@pytest.mark.parametrize("bad,words", [
    ("mysql://h/db", "scheme"),
    ("postgresql://h:70000/db", "port"),
    ("postgresql://h/db?sslmode=sometimes", "sslmode"),
    ("postgresql://h/db?pool=3", "unknown option"),
    ("not a dsn", "postgresql://"),
])
def test_bad_dsn_is_operational_error(bad, words):
    with pytest.raises(heliosdb_sqlite.OperationalError, match=words):
        heliosdb_sqlite.connect(":memory:", dsn=bad)


def test_password_not_echoed_in_errors():
    with pytest.raises(heliosdb_sqlite.OperationalError) as info:
        heliosdb_sqlite.connect(":memory:", dsn="postgresql://u:hunter2@h:1/db?x=1")
    assert "hunter2" not in str(info.value)


def test_unreachable_server_names_host_and_port_within_timeout():
    started = time.monotonic()
    with pytest.raises(heliosdb_sqlite.OperationalError, match=r"127\.0\.0\.1:9"):
        heliosdb_sqlite.connect(":memory:", dsn="postgresql://postgres@127.0.0.1:9/x", timeout=2)
    assert time.monotonic() - started < 10


def test_mode_daemon_without_dsn(monkeypatch):
    monkeypatch.delenv("HELIOSDB_DSN", raising=False)
    with pytest.raises(heliosdb_sqlite.OperationalError, match="HELIOSDB_DSN"):
        heliosdb_sqlite.connect(":memory:", mode="daemon")


def test_dsn_from_environment_selects_daemon(dsn, monkeypatch):
    monkeypatch.setenv("HELIOSDB_DSN", dsn)
    conn = heliosdb_sqlite.connect("app.db")
    try:
        conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)")
        conn.execute("INSERT INTO t (s) VALUES (?)", ("héllo wörld ✓",))
        conn.commit()
    finally:
        conn.close()
    other = heliosdb_sqlite.connect(":memory:", dsn=dsn)  # the same server database
    try:
        assert other.execute("SELECT id, s FROM t").fetchall() == [(1, "héllo wörld ✓")]
    finally:
        other.close()
    assert not os.path.exists("app.db"), "daemon mode writes nothing beside the path"


# -- behaviour across sessions --------------------------------------------------------------------
def test_autocommit_insert_seen_by_next_select_and_other_session(dsn):
    a = heliosdb_sqlite.connect(":memory:", dsn=dsn, isolation_level=None)
    b = heliosdb_sqlite.connect(":memory:", dsn=dsn, isolation_level=None)
    try:
        a.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        a.execute("INSERT INTO t (v) VALUES ('x')")
        assert a.execute("SELECT v FROM t").fetchall() == [("x",)]
        # b opened before the table existed: its catalog catches up when the statement misses
        assert b.execute("SELECT id, v FROM t").fetchall() == [(1, "x")]
        assert b.execute("INSERT INTO t (v) VALUES ('y')").lastrowid == 2
        a.execute("INSERT INTO t (v) VALUES ('z')")  # a's cached largest rowid is not trusted
        assert a.execute("SELECT id, v FROM t ORDER BY id").fetchall() == [
            (1, "x"), (2, "y"), (3, "z")]
    finally:
        a.close()
        b.close()


def test_uncommitted_rows_are_private(dsn):
    a = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    b = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        a.execute("CREATE TABLE t (v INTEGER)")
        a.execute("INSERT INTO t VALUES (1)")
        assert a.in_transaction
        assert b.execute("SELECT count(*) FROM t").fetchone() == (0,)
        a.commit()
        assert b.execute("SELECT count(*) FROM t").fetchone() == (1,)
    finally:
        a.close()
        b.close()


def test_rowid_assignment_waits_for_the_writer_holding_it(dsn):
    """A transaction that assigned rowids in a table holds them until it ends: another
    writer waits up to its timeout, then gets SQLite's "database is locked"."""
    a = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    b = heliosdb_sqlite.connect(":memory:", dsn=dsn, timeout=0.3)
    try:
        a.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
        a.commit()
        a.execute("INSERT INTO t (v) VALUES ('a')")
        started = time.monotonic()
        with pytest.raises(heliosdb_sqlite.OperationalError, match="database is locked"):
            b.execute("INSERT INTO t (v) VALUES ('b')")
        assert time.monotonic() - started >= 0.3
        b.rollback()
        a.commit()
        assert b.execute("INSERT INTO t (v) VALUES ('b')").lastrowid == 2
        b.commit()
    finally:
        a.close()
        b.close()


def test_error_inside_transaction(dsn):
    """PostgreSQL undoes just the failed statement (a savepoint around it), as SQLite does. A
    Nano 4.31 server cannot: the transaction is rolled back, and the connection says so on every
    later statement until rollback(), so nothing is lost silently."""
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
        conn.execute("INSERT INTO t VALUES (1)")
        conn.commit()
        conn.execute("INSERT INTO t VALUES (2)")
        with pytest.raises(heliosdb_sqlite.IntegrityError, match="UNIQUE constraint failed: t.k"):
            conn.execute("INSERT INTO t VALUES (1)")
        if conn._db.dialect == "postgres":
            conn.execute("INSERT INTO t VALUES (3)")
            conn.commit()
            assert conn.execute("SELECT k FROM t ORDER BY k").fetchall() == [(1,), (2,), (3,)]
        else:
            with pytest.raises(heliosdb_sqlite.OperationalError, match="rolled this transaction back"):
                conn.execute("INSERT INTO t VALUES (3)")
            with pytest.raises(heliosdb_sqlite.OperationalError, match="rolled this transaction back"):
                conn.commit()
            assert not conn.in_transaction
            assert conn.execute("SELECT k FROM t ORDER BY k").fetchall() == [(1,)]
    finally:
        conn.close()


# -- the pool ------------------------------------------------------------------------------------
def test_pool_reuses_sessions_and_resets_them(dsn):
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    conn.execute("CREATE TABLE t (v INTEGER)")
    conn.close()
    logins = POOL.logins
    for i in range(20):
        conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
        conn.execute("INSERT INTO t VALUES (?)", (i,))  # opens a transaction; never committed
        conn.close()  # closing without commit rolls back, as sqlite3 does
    assert POOL.logins - logins <= 1
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    finally:
        conn.close()


# -- pooled connects: the catalog is read once, and another session's DDL is still seen ----------
DDL_ELSEWHERE = textwrap.dedent("""
    import sys, heliosdb_sqlite
    conn = heliosdb_sqlite.connect(":memory:", dsn=sys.argv[1])
    conn.execute(sys.argv[2])
    conn.commit()
    conn.close()
""")


def _ddl_in_another_process(dsn: str, sql: str) -> None:
    subprocess.run([sys.executable, "-c", DDL_ELSEWHERE, dsn, sql], cwd=ROOT, check=True,
                   timeout=120)


def _columns(dsn: str, table: str) -> list[tuple]:
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        return [(r[1], r[2]) for r in conn.execute(f"PRAGMA table_info({table})")]
    finally:
        conn.close()


def test_pooled_connect_reuses_the_catalog_until_another_session_changes_it(dsn):
    setup = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    setup.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    setup.commit()
    setup.close()
    assert _columns(dsn, "t") == [("a", "INTEGER"), ("b", "TEXT")]
    reads = database.catalog_reads
    for _ in range(5):  # nothing changed: no connect reads the catalog again
        conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
        conn.close()
    assert database.catalog_reads == reads
    # another process (so nothing in this one knows) changes the schema meanwhile
    _ddl_in_another_process(dsn, "CREATE TABLE u (x REAL, y BLOB)")
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        assert database.catalog_reads == reads + 1
        assert conn.execute("SELECT name FROM sqlite_master ORDER BY name").fetchall() == [
            ("t",), ("u",)]
        conn.execute("INSERT INTO u VALUES (1, x'00')")
        assert conn.execute("SELECT x, typeof(x), y FROM u").fetchall() == [(1.0, "real", b"\0")]
    finally:
        conn.close()


def test_pooled_connect_never_takes_a_remade_catalog_for_the_cached_one(dsn):
    """The server database emptied and its schema made again up to the same schema_version,
    with other columns: a connect must not use the catalog cached from before."""
    _ddl_in_another_process(dsn, "CREATE TABLE t (a INTEGER)")
    assert _columns(dsn, "t") == [("a", "INTEGER")]
    wipe(dsn)
    _ddl_in_another_process(dsn, "CREATE TABLE t (x TEXT, y REAL)")
    assert _columns(dsn, "t") == [("x", "TEXT"), ("y", "REAL")]


def test_user_version_set_elsewhere_is_seen(dsn):
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (0,)
        _ddl_in_another_process(dsn, "PRAGMA user_version = 7")
        assert conn.execute("PRAGMA user_version").fetchone() == (7,)
    finally:
        conn.close()
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        assert conn.execute("PRAGMA user_version").fetchone() == (7,)
    finally:
        conn.close()


# -- the statement savepoint: one round trip, SQLite's statement-level undo -----------------------
UNDO_SCRIPT = [
    "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT NOT NULL)",
    "INSERT INTO t VALUES (1, 'a')",
    "INSERT INTO t VALUES (2, 'b')",
    "INSERT INTO t VALUES (1, 'dup')",  # fails: undoes only itself
    "UPDATE t SET v = v || '!' WHERE k = 2",
    "SAVEPOINT s1",
    "INSERT INTO t VALUES (3, 'c')",
    "INSERT INTO t VALUES (4, NULL)",  # fails inside the savepoint
    "INSERT INTO t VALUES (5, 'e')",
    "ROLLBACK TO s1",
    "INSERT INTO t VALUES (6, 'f')",
    "RELEASE s1",
    "UPDATE t SET k = 1 WHERE k = 6",  # fails: the UPDATE leaves no row changed
    "INSERT INTO t VALUES (7, 'g')",
]


def _run_script(conn) -> list:
    out = []
    for sql in UNDO_SCRIPT:
        try:
            conn.execute(sql)
            out.append("ok")
        except sqlite3.Error as exc:
            out.append(type(exc).__name__)
    conn.commit()
    out.append(conn.execute("SELECT k, v FROM t ORDER BY k").fetchall())
    return out


def test_failed_statement_in_a_transaction_undoes_only_itself(dsn):
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        if conn._db.dialect != "postgres":
            pytest.skip("a Nano 4.31 server rolls the whole transaction back "
                        "(test_error_inside_transaction)")
        got = _run_script(conn)
    finally:
        conn.close()
    expected = _run_script(sqlite3.connect(":memory:"))
    assert got == expected


def test_statement_savepoint_costs_no_round_trip(dsn):
    """Inside a transaction each statement runs under a savepoint (PostgreSQL); SAVEPOINT and
    RELEASE ride in the same flight as the statement: one round trip per statement."""
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
        conn.commit()
        conn.execute("INSERT INTO t VALUES (?, ?)", (1, "a"))  # opens the transaction, prepares
        wire = conn._db.engine._session.conn
        trips = wire.trips
        for k in range(2, 12):
            conn.execute("INSERT INTO t VALUES (?, ?)", (k, "x"))
        assert wire.trips - trips == 10
        with pytest.raises(heliosdb_sqlite.IntegrityError):
            conn.execute("INSERT INTO t VALUES (?, ?)", (1, "dup"))
        if conn._db.dialect == "postgres":
            conn.execute("INSERT INTO t VALUES (?, ?)", (12, "y"))
            conn.commit()
            assert conn.execute("SELECT count(*), max(k) FROM t").fetchone() == (12, 12)
        else:
            conn.rollback()
    finally:
        conn.close()


def test_a_value_the_driver_cannot_read_leaves_the_session_usable(dsn):
    """A Nano 4.31 server types this column as double precision and sends 'hi' in it; pg8000's
    converter fails mid-answer. The rest of that answer must not be read as the next
    statement's (it was: the next query came back empty, or failed). PostgreSQL refuses the
    statement itself; the session goes on the same way."""
    from heliosdb_sqlite.daemon.pgwire import PgwireEngine
    engine = PgwireEngine(dsns.parse(dsn))
    try:
        engine.execute("CREATE TABLE zz_cells (id BIGINT PRIMARY KEY)", ())
        engine.execute("INSERT INTO zz_cells VALUES (1), (2)", ())
        with pytest.raises(Exception):  # noqa: B017 - the driver's or the server's error
            engine.query("SELECT id, CASE WHEN id = 1 THEN 1.5 ELSE 'hi' END AS v FROM zz_cells "
                         "ORDER BY id", ())
        assert engine.query("SELECT id FROM zz_cells ORDER BY id", ()).rows == [(1,), (2,)]
    finally:
        engine.execute("DROP TABLE zz_cells", ())
        engine.close()


# -- faults: a server of the test's own, restarted --------------------------------------------------
@pytest.fixture
def own_server(tmp_path):
    sys.path.insert(0, os.path.join(ROOT, "scripts"))
    from servers import NanoServer
    try:
        server = NanoServer(data_dir=str(tmp_path / "data")).start()
    except RuntimeError as exc:
        if os.environ.get("CI"):
            raise
        pytest.skip(str(exc))
    yield server
    server.stop()


def test_restart_mid_session(own_server):
    conn = heliosdb_sqlite.connect(":memory:", dsn=own_server.dsn, isolation_level=None)
    try:
        conn.execute("CREATE TABLE t (v INTEGER)")
        conn.execute("INSERT INTO t VALUES (1)")
        own_server.stop()
        with pytest.raises(heliosdb_sqlite.OperationalError, match=str(own_server.port)):
            conn.execute("INSERT INTO t VALUES (2)")
        own_server.start()  # the same data directory and port
        conn.execute("INSERT INTO t VALUES (3)")  # outside a transaction: reconnects by itself
        assert conn.execute("SELECT v FROM t ORDER BY v").fetchall() == [(1,), (3,)]
    finally:
        conn.close()


def test_restart_inside_transaction_is_never_replayed(own_server):
    conn = heliosdb_sqlite.connect(":memory:", dsn=own_server.dsn)
    try:
        conn.execute("CREATE TABLE t (v INTEGER)")
        conn.commit()
        conn.execute("INSERT INTO t VALUES (1)")
        assert conn.in_transaction
        own_server.stop()
        own_server.start()
        with pytest.raises(heliosdb_sqlite.OperationalError, match="lost"):
            conn.execute("INSERT INTO t VALUES (2)")
        with pytest.raises(heliosdb_sqlite.OperationalError, match="rollback"):
            conn.execute("INSERT INTO t VALUES (3)")
        conn.rollback()
        assert not conn.in_transaction
        # nothing of the lost transaction was kept or replayed
        assert conn.execute("SELECT v FROM t").fetchall() == []
    finally:
        conn.close()


def test_pooled_session_of_a_restarted_server_is_not_reused(own_server):
    heliosdb_sqlite.connect(":memory:", dsn=own_server.dsn).close()  # one idle session pooled
    own_server.stop()
    own_server.start()
    conn = heliosdb_sqlite.connect(":memory:", dsn=own_server.dsn)
    try:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        conn.close()


# -- several processes ----------------------------------------------------------------------------
WRITER = textwrap.dedent("""
    import sys, heliosdb_sqlite
    conn = heliosdb_sqlite.connect(":memory:", dsn=sys.argv[1], timeout=30)
    for i in range(int(sys.argv[3])):
        for attempt in range(50):
            try:
                conn.execute("INSERT INTO t (who, n) VALUES (?, ?)", (sys.argv[2], i))
                conn.commit()
                break
            except heliosdb_sqlite.OperationalError:
                conn.rollback()
        else:
            raise SystemExit("gave up")
    conn.close()
""")


def test_two_processes_writing_lose_nothing(dsn):
    setup = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    setup.execute("CREATE TABLE t (who TEXT, n INTEGER)")
    setup.commit()
    setup.close()
    writers = [subprocess.Popen([sys.executable, "-c", WRITER, dsn, who, "50"], cwd=ROOT)
               for who in ("a", "b")]
    assert [w.wait(timeout=300) for w in writers] == [0, 0]
    check = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        rows = check.execute("SELECT who, count(*), count(DISTINCT n) FROM t GROUP BY who "
                             "ORDER BY who").fetchall()
    finally:
        check.close()
    assert rows == [("a", 50, 50), ("b", 50, 50)]
