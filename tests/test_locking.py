"""SQLite's locking, as seen by an application: writers serialise, nobody sees uncommitted rows."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

import pytest

import heliosdb_sqlite


@pytest.fixture()
def path(tmp_path):
    p = str(tmp_path / "lock.db")
    conn = heliosdb_sqlite.connect(p)
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
    conn.commit()
    conn.close()
    return p


def test_second_writer_waits_then_is_locked(path):
    a = heliosdb_sqlite.connect(path, timeout=0.2)
    b = heliosdb_sqlite.connect(path, timeout=0.2)
    a.execute("INSERT INTO t (v) VALUES ('a')")  # implicit BEGIN: a holds the write lock
    started = time.monotonic()
    with pytest.raises(heliosdb_sqlite.OperationalError, match="database is locked"):
        b.execute("INSERT INTO t (v) VALUES ('b')")
    assert time.monotonic() - started >= 0.15
    a.commit()
    b.execute("INSERT INTO t (v) VALUES ('b')")
    b.commit()
    assert a.execute("SELECT v FROM t ORDER BY id").fetchall() == [("a",), ("b",)]
    a.close()
    b.close()


def test_reader_sees_committed_state_while_a_transaction_is_open(path):
    a = heliosdb_sqlite.connect(path)
    b = heliosdb_sqlite.connect(path, timeout=0.1)
    a.execute("INSERT INTO t (v) VALUES ('committed')")
    a.commit()
    a.execute("INSERT INTO t (v) VALUES ('pending')")  # a's transaction stays open
    started = time.monotonic()
    # like a SQLite reader: no wait, the last committed state, never a's pending row
    assert b.execute("SELECT v FROM t ORDER BY id").fetchall() == [("committed",)]
    assert time.monotonic() - started < 5
    with pytest.raises(heliosdb_sqlite.OperationalError, match="database is locked"):
        b.execute("INSERT INTO t (v) VALUES ('b')")  # but a second writer waits, then fails
    a.commit()
    assert b.execute("SELECT v FROM t ORDER BY id").fetchall() == [("committed",), ("pending",)]
    a.rollback()
    a.close()
    b.close()


def test_in_memory_shared_reader_waits_for_the_writer():
    uri = "file:lockmem?mode=memory&cache=shared"
    a = heliosdb_sqlite.connect(uri, uri=True, check_same_thread=False)
    b = heliosdb_sqlite.connect(uri, uri=True, check_same_thread=False, timeout=5)
    a.execute("CREATE TABLE t (v TEXT)")
    a.execute("INSERT INTO t VALUES ('pending')")
    seen = []

    def reader():
        seen.append(b.execute("SELECT count(*) FROM t").fetchone()[0])

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.2)
    assert seen == [], "no snapshot of an in-memory database: the reader waits"
    a.rollback()
    thread.join(5)
    assert seen == [0]
    a.close()
    b.close()


def test_second_process_gets_database_is_locked(path):
    holder = heliosdb_sqlite.connect(path)
    code = (f"import heliosdb_sqlite\ntry:\n    heliosdb_sqlite.connect({path!r})\n"
            "except heliosdb_sqlite.OperationalError as e:\n    print('OE', e)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=60).stdout
    assert out.startswith("OE database is locked"), out
    assert "daemon mode" in out
    holder.close()


def test_check_same_thread(path):
    conn = heliosdb_sqlite.connect(path)
    errors = []

    def use():
        try:
            conn.execute("SELECT 1")
        except heliosdb_sqlite.ProgrammingError as exc:
            errors.append(str(exc))

    thread = threading.Thread(target=use)
    thread.start()
    thread.join()
    assert errors and "same thread" in errors[0]
    conn.close()


def test_reopen_after_close_in_same_process(path):
    for _ in range(3):
        conn = heliosdb_sqlite.connect(path)
        conn.execute("INSERT INTO t (v) VALUES ('x')")
        conn.commit()
        conn.close()
    conn = heliosdb_sqlite.connect(path)
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (3,)
    conn.close()


def test_collecting_an_unclosed_connection_while_opening_does_not_deadlock(path):
    """A connection dropped without close() can be collected by the garbage collector at any
    point, including inside another connect(); that must not deadlock on the registry."""
    import gc

    def cycle():
        conn = heliosdb_sqlite.connect(path)
        holder = {"conn": conn}
        holder["self"] = holder  # only the cycle collector frees it
    gc.disable()
    try:
        for _ in range(3):
            cycle()
        gc.set_threshold(1)  # the next allocation inside connect() may run a collection
        gc.enable()
        conn = heliosdb_sqlite.connect(path)
        gc.collect()
        assert conn.execute("SELECT count(*) FROM t").fetchone() == (0,)
        conn.close()
    finally:
        gc.set_threshold(700, 10, 10)
        gc.enable()
