"""The `heliosdb-nano repl` transport: selection, framing under errors, lifecycle, faults.

Runs against the real binary (scripts/install_nano_cli.sh builds it); without it these tests fail.
Values and dialect are covered by the conformance scoreboard's repl column and
tests/test_repl_literals.py; this file is about the child process.
"""
from __future__ import annotations

import os
import signal
import sqlite3 as stdlib
import subprocess
import sys
import textwrap
import time

import pytest

import heliosdb_sqlite
from heliosdb_sqlite.embedded.repl import ReplEngine
from heliosdb_sqlite.embedded.repl_process import find_binary


@pytest.fixture(autouse=True)
def repl_mode(monkeypatch):
    if find_binary() is None:
        pytest.fail("no heliosdb-nano binary: run scripts/install_nano_cli.sh (or set HELIOSDB_BIN)")
    monkeypatch.setenv("HELIOSDB_EMBEDDED", "repl")


def _child(conn) -> subprocess.Popen:
    engine = conn._db.engine
    assert isinstance(engine, ReplEngine)
    return engine._proc._proc


def _gone(pid: int, within: float = 10.0) -> bool:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        time.sleep(0.05)
    return False


def test_selected_by_environment_and_matches_stdlib(tmp_path):
    statements = [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, f REAL, b BLOB, n)",
        ("INSERT INTO t (s, f, b, n) VALUES (?, ?, ?, ?)", ("NULL", 0.1, b"\x00\xff", None)),
        ("INSERT INTO t (s, f, b, n) VALUES (?, ?, ?, ?)", ("a\nb | c", -0.0, b"", 2 ** 62)),
        ("INSERT INTO t (s, f, b, n) VALUES (?, ?, ?, ?)", ("", 1e300, b"x", "text")),
        "SELECT id, s, f, b, n, typeof(f) FROM t ORDER BY id",
        "SELECT s FROM t WHERE id > 100",
        "UPDATE t SET s = s || '!' WHERE id >= 2",
    ]
    results = []
    for module in (stdlib, heliosdb_sqlite):
        conn = module.connect(str(tmp_path / f"{module.__name__}.db"))
        seen = []
        for st in statements:
            sql, params = (st, ()) if isinstance(st, str) else st
            cur = conn.execute(sql, params)
            rows = cur.fetchall()
            seen.append(([(type(v).__name__, v) for r in rows for v in r], cur.description,
                         cur.rowcount, cur.lastrowid))
        conn.close()
        results.append(seen)
    assert results[0] == results[1]


def test_errors_belong_to_their_statement():
    conn = heliosdb_sqlite.connect(":memory:")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    for i in range(50):
        if i % 3 == 0:
            with pytest.raises(heliosdb_sqlite.OperationalError, match="no such table"):
                conn.execute("SELECT * FROM missing")
        conn.execute("INSERT INTO t VALUES (?)", (i,))
        if i % 5 == 0:
            with pytest.raises(heliosdb_sqlite.IntegrityError, match="UNIQUE constraint failed: t.k"):
                conn.execute("INSERT INTO t VALUES (?)", (i,))
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (i + 1,)
    conn.close()


def test_executemany_stops_at_the_failing_row():
    conn = heliosdb_sqlite.connect(":memory:")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT UNIQUE)")
    # zero-padded: Nano 4.31 misses UNIQUE violations on a text key that prefixes other keys
    # (docs/compatibility.md), on every transport
    rows = [(i, f"v{i:04d}") for i in range(200)] + [(999, "v0007")] + [(1000, "after")]
    with pytest.raises(heliosdb_sqlite.IntegrityError):
        conn.executemany("INSERT INTO t VALUES (?, ?)", rows)
    # sqlite3 keeps the rows before the failing one, inside the open transaction
    assert conn.execute("SELECT count(*), max(k) FROM t").fetchone() == (200, 199)
    conn.close()


def test_large_results_do_not_block_the_pipes():
    conn = heliosdb_sqlite.connect(":memory:")
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)")
    text = "x│y\n" * 256
    conn.executemany("INSERT INTO t (v) VALUES (?)", [(text + str(i),) for i in range(3000)])
    rows = conn.execute("SELECT k, v FROM t ORDER BY k").fetchall()
    assert len(rows) == 3000 and rows[-1] == (3000, text + "2999")
    conn.close()


def test_close_ends_the_child_without_a_zombie(tmp_path):
    first = heliosdb_sqlite.connect(str(tmp_path / "a.db"))
    second = heliosdb_sqlite.connect(str(tmp_path / "a.db"))
    child = _child(first)
    assert _child(second) is child  # one child per database per process
    first.close()
    assert child.poll() is None  # still serving the second connection
    second.close()
    assert child.poll() is not None
    with pytest.raises(ChildProcessError):
        os.waitpid(child.pid, os.WNOHANG)


def test_interpreter_exit_ends_the_child(tmp_path):
    script = textwrap.dedent(f"""
        import heliosdb_sqlite
        conn = heliosdb_sqlite.connect({str(tmp_path / "x.db")!r})
        conn.execute("CREATE TABLE t (a)")
        conn.execute("INSERT INTO t VALUES (1)")
        print(conn._db.engine._proc._proc.pid, flush=True)
        # no close, no commit: the open transaction must be rolled back, the child must go
    """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         timeout=60, env={**os.environ, "HELIOSDB_EMBEDDED": "repl"})
    assert out.returncode == 0, out.stderr
    assert _gone(int(out.stdout.split()[-1]))
    conn = heliosdb_sqlite.connect(str(tmp_path / "x.db"))
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
    conn.close()


def test_child_death_is_an_error_then_a_new_connection_recovers(tmp_path):
    path = str(tmp_path / "d.db")
    conn = heliosdb_sqlite.connect(path)
    conn.execute("CREATE TABLE t (a)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.execute("INSERT INTO t VALUES (2)")  # left open: lost with the process, never replayed
    child = _child(conn)
    os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(heliosdb_sqlite.OperationalError, match="repl process exited"):
        conn.execute("SELECT * FROM t")
    with pytest.raises(heliosdb_sqlite.OperationalError, match="repl process exited"):
        conn.commit()
    again = heliosdb_sqlite.connect(path)
    assert _child(again) is not child
    assert again.execute("SELECT a FROM t").fetchall() == [(1,)]
    conn.close()  # closing the broken connection is quiet
    again.close()


def test_a_database_held_by_another_process_is_locked(tmp_path):
    path = str(tmp_path / "held.db")
    holder = subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(f"""
            import sys, heliosdb_sqlite
            conn = heliosdb_sqlite.connect({path!r})
            print("ready", flush=True)
            sys.stdin.readline()
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        env={**os.environ, "HELIOSDB_EMBEDDED": "repl"})
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(heliosdb_sqlite.OperationalError, match="database is locked"):
            heliosdb_sqlite.connect(path)
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)


def test_missing_binary_is_a_clear_error(monkeypatch, tmp_path):
    monkeypatch.setenv("HELIOSDB_BIN", str(tmp_path / "nope"))
    monkeypatch.delenv("HELIOSDB_BINARY", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("HELIOSDB_SQLITE_CACHE", str(tmp_path))
    with pytest.raises(heliosdb_sqlite.OperationalError, match="install_nano_cli.sh"):
        heliosdb_sqlite.connect(":memory:")
