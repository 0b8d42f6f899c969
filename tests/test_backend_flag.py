"""HELIOSDB_SQLITE_BACKEND=sqlite makes the module stdlib sqlite3; backend='sqlite' per connection."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys

import heliosdb_sqlite

PROBE = """
import sqlite3, heliosdb_sqlite as h
same = [n for n in dir(sqlite3) if not n.startswith('__') and getattr(h, n) is not getattr(sqlite3, n)]
c = h.connect(r'{path}')
c.execute('CREATE TABLE t (a)'); c.execute('INSERT INTO t VALUES (1)'); c.commit()
print(h.BACKEND, type(c).__module__, same)
"""


def test_environment_flag_is_stdlib(tmp_path):
    path = str(tmp_path / "app.db")
    env = dict(os.environ, HELIOSDB_SQLITE_BACKEND="sqlite")
    out = subprocess.run([sys.executable, "-c", PROBE.format(path=path)], env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    assert out[:2] == ["sqlite", "sqlite3"]
    assert out[2] == "[]", "every public name must be the stdlib's own object"
    # the app wrote a real SQLite file at its own path
    assert sqlite3.connect(path).execute("SELECT a FROM t").fetchall() == [(1,)]


def test_per_connection_backend(tmp_path):
    path = str(tmp_path / "x.db")
    conn = heliosdb_sqlite.connect(path, backend="sqlite")
    assert isinstance(conn, sqlite3.Connection)
    conn.execute("CREATE TABLE t (a)")
    conn.close()
    assert not os.path.exists(path + ".helios")


def test_default_backend_is_nano():
    conn = heliosdb_sqlite.connect(":memory:")
    assert not isinstance(conn, sqlite3.Connection)
    assert heliosdb_sqlite.BACKEND == "heliosdb"
    conn.close()


def test_daemon_mode_is_used_not_ignored(monkeypatch):
    """A DSN selects daemon mode: with no server there, connect() fails naming it rather than
    silently running embedded; mode="embedded" still wins over the environment."""
    monkeypatch.setenv("HELIOSDB_DSN", "postgresql://u@127.0.0.1:9/heliosdb")
    import pytest
    with pytest.raises(heliosdb_sqlite.OperationalError, match="127.0.0.1:9"):
        heliosdb_sqlite.connect(":memory:")
    heliosdb_sqlite.connect(":memory:", mode="embedded").close()
