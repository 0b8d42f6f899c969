"""Daemon mode where it cannot match stdlib sqlite3 exactly: the error it gives instead must be a
sqlite3 exception with an actionable message, never the server's own text. Runs on the Nano
server and PostgreSQL that scripts/servers.py started (HELIOSDB_TEST_NANO_DSN /
HELIOSDB_TEST_PG_DSN); the behaviours that can match are differential cases
(tests/differential/cases/daemon_parity.py)."""
from __future__ import annotations

import sqlite3
import threading

import pytest

import heliosdb_sqlite
from heliosdb_sqlite.daemon.pgwire import ServerError

from .daemon_reset import wipe
from .test_daemon import emptied_server


@pytest.fixture(params=["nano", "postgres"])
def server(request):
    return request.param, emptied_server(request.param)


@pytest.mark.parametrize("sql", ["INSERT INTO t (v) VALUES (?)", "SELECT ?"])
def test_text_with_nul(server, sql):
    """SQLite text may hold U+0000 (CPython: test_string_with_null_character). A Nano server
    keeps it; PostgreSQL text cannot, and says so as a DataError naming the NUL and the way out,
    leaving the transaction usable."""
    kind, dsn = server
    oracle = sqlite3.connect(":memory:")
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        for db in (oracle, conn):
            db.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
            db.execute("INSERT INTO t (v) VALUES ('before')")
        expected = oracle.execute(sql, ("Hu\x00go",)).fetchall()
        if kind == "nano":
            assert conn.execute(sql, ("Hu\x00go",)).fetchall() == expected
        else:
            with pytest.raises(heliosdb_sqlite.DataError, match=r"NUL character.*as bytes") as info:
                conn.execute(sql, ("Hu\x00go",))
            assert info.value.sqlite_errorname == "SQLITE_MISMATCH"
        assert conn.in_transaction
        conn.execute("INSERT INTO t (v) VALUES ('after')")
        conn.commit()
        rows = conn.execute("SELECT v FROM t WHERE v IN ('before', 'after') ORDER BY id")
        assert rows.fetchall() == [("before",), ("after",)]
    finally:
        conn.close()
        oracle.close()


def test_first_connects_at_once_to_an_empty_database(server):
    """Several processes starting together on a new server database all make SQLite's catalog
    tables: every connect() must succeed (on PostgreSQL all but one CREATE TABLE IF NOT EXISTS
    of the same table fail on a catalog index, which reached the application as IntegrityError)."""
    _, dsn = server
    failures: list[str] = []
    for _ in range(3):
        wipe(dsn)
        start = threading.Barrier(6)

        def connect(start: threading.Barrier = start) -> None:
            start.wait()
            try:
                heliosdb_sqlite.connect(":memory:", dsn=dsn).close()
            except Exception as exc:  # noqa: BLE001 - every failure is the observation
                failures.append(f"{type(exc).__name__}: {exc}")

        threads = [threading.Thread(target=connect) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert failures == []
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        conn.execute("CREATE TABLE t (x INTEGER)")
        assert conn.execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
    finally:
        conn.close()


def test_a_failed_transaction_refuses_statements_as_sqlite3_errors(server):
    """After a statement fails inside a transaction on a server without statement savepoints
    (the engine seam itself has none), everything but the statements that end the transaction
    is refused. That refusal is the sqlite3 OperationalError asking for rollback(), even to
    callers that map no errors (the catalog read after a failed DDL statement let the server's
    own 'current transaction is aborted' escape as a raw ServerError)."""
    _, dsn = server
    conn = heliosdb_sqlite.connect(":memory:", dsn=dsn)
    try:
        engine = conn._db.engine
        engine.execute("BEGIN", ())
        with pytest.raises(ServerError):  # the seam's own error: mapped above it
            engine.query("SELECT 1 / 0 AS x", ())
        with pytest.raises(heliosdb_sqlite.OperationalError, match=r"call rollback\(\)") as info:
            engine.query("SELECT 1 AS x", ())
        assert info.value.sqlite_errorname == "SQLITE_ABORT"
        engine.execute("ROLLBACK", ())
        assert engine.query("SELECT 2 AS x", ()).rows == [(2,)]
    finally:
        conn.close()
