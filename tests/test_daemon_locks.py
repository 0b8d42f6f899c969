"""Daemon mode: a write that meets another session's row lock waits for the connection's
timeout and then raises sqlite3's "database is locked", on both servers (PostgreSQL would
otherwise wait forever; a Nano server gives up on its own with a write-write conflict)."""
from __future__ import annotations

import time

import pytest

import heliosdb_sqlite

from .test_daemon import SERVERS, dsn  # noqa: F401 - the servers fixture


@pytest.mark.parametrize("timeout", [0.3, 0])
def test_row_lock_wait_ends_in_database_is_locked(dsn, timeout):  # noqa: F811
    a = heliosdb_sqlite.connect(":memory:", dsn=dsn, isolation_level=None)
    b = heliosdb_sqlite.connect(":memory:", dsn=dsn, isolation_level=None, timeout=timeout)
    try:
        a.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)")
        a.execute("INSERT INTO t VALUES (1, 1)")
        a.execute("BEGIN")
        a.execute("UPDATE t SET v = 2 WHERE id = 1")
        started = time.monotonic()
        with pytest.raises(heliosdb_sqlite.OperationalError, match="^database is locked$"):
            b.execute("UPDATE t SET v = 3 WHERE id = 1")
        assert time.monotonic() - started < timeout + 5  # bounded: never a hang
        a.execute("ROLLBACK")
        assert b.execute("UPDATE t SET v = 3 WHERE id = 1").rowcount == 1
        assert a.execute("SELECT v FROM t").fetchall() == [(3,)]
    finally:
        a.close()
        b.close()


def test_concurrent_schema_changes_each_get_a_version(dsn):  # noqa: F811
    """Two sessions change the schema in overlapping transactions: the server numbers each
    change, so a connection made afterwards (which reuses a cached catalog when the server's
    version matches it) sees both tables, not the catalog of the first change."""
    import threading

    a = heliosdb_sqlite.connect(":memory:", dsn=dsn, isolation_level=None)
    b = heliosdb_sqlite.connect(":memory:", dsn=dsn, isolation_level=None, timeout=20,
                                check_same_thread=False)
    try:
        a.execute("SELECT 1").fetchall()
        b.execute("SELECT 1").fetchall()
        a.execute("BEGIN")
        a.execute("CREATE TABLE made_by_a (x INTEGER)")
        errors: list = []
        retried: list = []
        dsn_name = "nano" if dsn == SERVERS.get("nano") else "postgres"

        def other():
            try:
                b.execute("BEGIN")
                b.execute("CREATE TABLE made_by_b (y INTEGER)")  # waits for a's version row
                b.execute("COMMIT")
            except heliosdb_sqlite.OperationalError as exc:
                # a Nano server does not wait: a write-write conflict ends b's transaction at
                # once; b then goes on as after SQLite's busy error
                if "nano" not in dsn_name or str(exc) != "database is locked":
                    errors.append(exc)
                    return
                b.rollback() if b.in_transaction else None
                retried.append(exc)
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(exc)
        t = threading.Thread(target=other)
        t.start()
        time.sleep(0.5)
        a.execute("COMMIT")
        t.join(30)
        assert not t.is_alive() and not errors, errors
        if retried:
            b.execute("CREATE TABLE made_by_b (y INTEGER)")
        c = heliosdb_sqlite.connect(":memory:", dsn=dsn)
        try:
            names = {r[0] for r in c.execute(
                "SELECT name FROM sqlite_master WHERE name LIKE 'made_by_%'")}
            assert names == {"made_by_a", "made_by_b"}
            c.execute("INSERT INTO made_by_b VALUES (1)")
            c.execute("INSERT INTO made_by_a VALUES (1)")
        finally:
            c.close()
    finally:
        a.close()
        b.close()
