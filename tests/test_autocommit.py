"""Connection.autocommit with Python 3.12's semantics (the docs are the spec: this Python's stdlib,
3.11, has no autocommit attribute to compare against)."""
from __future__ import annotations

import pytest

import heliosdb_sqlite as sqlite3


@pytest.fixture()
def path(tmp_path):
    p = str(tmp_path / "ac.db")
    conn = sqlite3.connect(p)
    conn.execute("CREATE TABLE t (a INTEGER)")
    conn.commit()
    conn.close()
    return p


def count(path):
    conn = sqlite3.connect(path)
    try:
        return conn.execute("SELECT count(*) FROM t").fetchone()[0]
    finally:
        conn.close()


def test_autocommit_true_commits_every_statement(path):
    conn = sqlite3.connect(path, autocommit=True)
    conn.execute("INSERT INTO t VALUES (1)")
    assert not conn.in_transaction
    conn.rollback()  # a no-op in autocommit mode
    conn.close()
    assert count(path) == 1


def test_autocommit_false_always_in_a_transaction(path):
    conn = sqlite3.connect(path, autocommit=False)
    assert conn.in_transaction
    conn.execute("INSERT INTO t VALUES (1)")
    conn.rollback()
    assert conn.in_transaction, "rollback() opens the next transaction"
    conn.execute("INSERT INTO t VALUES (2)")
    conn.commit()
    assert conn.in_transaction, "commit() opens the next transaction"
    conn.execute("INSERT INTO t VALUES (3)")
    conn.close()  # closing rolls back the open transaction
    assert count(path) == 1


def test_switching_autocommit_on_commits(path):
    conn = sqlite3.connect(path, autocommit=False)
    conn.execute("INSERT INTO t VALUES (1)")
    conn.autocommit = True
    assert not conn.in_transaction
    conn.close()
    assert count(path) == 1


def test_executescript_does_not_commit_outside_legacy_mode(path):
    conn = sqlite3.connect(path, autocommit=False)
    conn.execute("INSERT INTO t VALUES (1)")
    conn.executescript("INSERT INTO t VALUES (2);")
    conn.rollback()
    conn.close()
    assert count(path) == 0


def test_autocommit_validation():
    with pytest.raises(ValueError):
        sqlite3.connect(":memory:", autocommit="yes")
    conn = sqlite3.connect(":memory:")
    assert conn.autocommit == sqlite3.LEGACY_TRANSACTION_CONTROL
    with pytest.raises(ValueError):
        conn.autocommit = 2
    conn.close()
