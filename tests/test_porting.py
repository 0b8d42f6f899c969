"""Porting tools and the SQLite-file guard: an SQLite file is never modified, data survives both ways."""
from __future__ import annotations

import hashlib
import os
import sqlite3

import pytest

import heliosdb_sqlite
from heliosdb_sqlite.__main__ import export_sqlite, import_sqlite, inspect

SOURCE = """
CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, data BLOB, score REAL,
                n NUMERIC);
INSERT INTO t (name, data, score, n) VALUES ('a', x'00ff', 1.5, 3), ('it''s', NULL, -2e10, 2.5),
                                            ('ünï', x'', 0.1, NULL);
DELETE FROM t WHERE name = 'a';
CREATE INDEX t_score ON t (score);
CREATE VIEW v AS SELECT name, score FROM t;
"""


def _digest(path: str) -> str:
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


@pytest.fixture()
def sqlite_file(tmp_path):
    path = str(tmp_path / "app.db")
    conn = sqlite3.connect(path)
    conn.executescript(SOURCE)
    conn.commit()
    conn.close()
    return path


def test_connect_refuses_to_shadow_an_sqlite_file(sqlite_file):
    before = _digest(sqlite_file)
    with pytest.raises(heliosdb_sqlite.OperationalError, match="import"):
        heliosdb_sqlite.connect(sqlite_file)
    assert _digest(sqlite_file) == before
    assert not os.path.exists(sqlite_file + ".helios")


def test_import_then_export_is_lossless(sqlite_file, tmp_path):
    before = _digest(sqlite_file)
    import_sqlite(sqlite_file)
    assert _digest(sqlite_file) == before, "import must only read the SQLite file"

    conn = heliosdb_sqlite.connect(sqlite_file)
    oracle = sqlite3.connect(sqlite_file)
    for query in ("SELECT * FROM t ORDER BY id", "SELECT * FROM v ORDER BY name",
                  "SELECT * FROM sqlite_sequence",
                  "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name"):
        assert conn.execute(query).fetchall() == oracle.execute(query).fetchall(), query
    cur = conn.execute("INSERT INTO t (name) VALUES ('new')")
    assert cur.lastrowid == 4  # AUTOINCREMENT continues after the imported sequence
    conn.commit()
    conn.close()
    oracle.execute("INSERT INTO t (name) VALUES ('new')")

    out = str(tmp_path / "back.db")
    export_sqlite(sqlite_file, out)
    back = sqlite3.connect(out)
    assert list(back.iterdump()) == list(oracle.iterdump())
    assert any("t: 3 rows" in line for line in inspect(sqlite_file))


def test_import_refuses_twice(sqlite_file):
    import_sqlite(sqlite_file)
    with pytest.raises(SystemExit):
        import_sqlite(sqlite_file)


@pytest.mark.parametrize("transport", ["binding", "repl"])
def test_read_only_uri(tmp_path, monkeypatch, transport):
    # the REPL has no read-only open: there heliosdb_sqlite itself refuses the writes
    monkeypatch.setenv("HELIOSDB_EMBEDDED", transport)
    path = str(tmp_path / "ro.db")
    conn = heliosdb_sqlite.connect(path)
    conn.execute("CREATE TABLE t (a INTEGER)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    ro = heliosdb_sqlite.connect(f"file:{path}?mode=ro", uri=True)
    assert ro.execute("SELECT a FROM t").fetchall() == [(1,)]
    with pytest.raises(heliosdb_sqlite.OperationalError, match="readonly"):
        ro.execute("INSERT INTO t VALUES (2)")
    ro.close()
    with pytest.raises(heliosdb_sqlite.OperationalError, match="unable to open"):
        heliosdb_sqlite.connect(f"file:{tmp_path / 'missing.db'}?mode=ro", uri=True)
