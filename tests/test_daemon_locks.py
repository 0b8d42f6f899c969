"""Daemon mode: a write that meets another session's row lock waits for the connection's
timeout and then raises sqlite3's "database is locked", on both servers (PostgreSQL would
otherwise wait forever; a Nano server gives up on its own with a write-write conflict)."""
from __future__ import annotations

import time

import pytest

import heliosdb_sqlite

from .test_daemon import dsn  # noqa: F401 - the servers fixture


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
