"""The drop-in smoke test, and the basics every sqlite3 app relies on."""
from ...differential.harness import Case

SCHEMA = """
CREATE TABLE files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT UNIQUE NOT NULL,
    size INTEGER DEFAULT 0,
    mtime REAL
);
CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    file_id INTEGER REFERENCES files(id) ON DELETE CASCADE,
    body TEXT
);
"""


def _row_access(conn, module):
    conn.row_factory = module.Row
    row = conn.execute("SELECT id, path, size FROM files ORDER BY id").fetchone()
    return (row["id"], row["PATH"], row[2], tuple(row.keys()), len(row), tuple(row))


CASES = [
    Case("smoke_drop_in", [
        ("script", SCHEMA),
        "PRAGMA foreign_keys = ON",
        "PRAGMA foreign_keys",
        ("INSERT OR REPLACE INTO files (path, size, mtime) VALUES (?, ?, ?)", ("/a.txt", 10, 1.5)),
        ("INSERT OR REPLACE INTO files (path, size, mtime) VALUES (?, ?, ?)", ("/a.txt", 20, 2.5)),
        ("INSERT INTO files (path) VALUES (?)", ("/b.txt",)),
        ("INSERT INTO notes (file_id, body) VALUES (?, ?)", (2, "hello")),
        "SELECT * FROM files ORDER BY id",
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'files'",
        "PRAGMA table_info(files)",
        "SELECT * FROM sqlite_sequence",
        _row_access,
    ]),
    Case("reopen_file", [
        ("script", SCHEMA),
        ("INSERT INTO files (path, size) VALUES (?, ?)", ("/x", 1)),
        "COMMIT",
        lambda conn, module: _reopen(conn, module),
    ], file=True),
    Case("lastrowid_rowcount", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
        ("INSERT INTO t (v) VALUES (?)", ("a",)),
        ("INSERT INTO t (id, v) VALUES (?, ?)", (10, "b")),
        ("INSERT INTO t (v) VALUES (?)", ("c",)),
        ("INSERT INTO t VALUES (NULL, ?)", ("d",)),
        "SELECT * FROM t ORDER BY id",
        "UPDATE t SET v = v || '!' WHERE id > 5",
        "DELETE FROM t WHERE id = 12",
        ("INSERT INTO t (v) VALUES (?)", ("e",)),
        "SELECT id, v FROM t ORDER BY id",
        "SELECT 1",
    ]),
    Case("rowid_without_alias", [
        "CREATE TABLE k (name TEXT PRIMARY KEY, n INTEGER)",
        ("INSERT INTO k VALUES (?, ?)", ("a", 1)),
        ("INSERT INTO k VALUES (?, ?)", ("b", 2)),
        "SELECT rowid, name, n FROM k ORDER BY rowid",
        "SELECT * FROM k ORDER BY name",
        "SELECT oid, _rowid_ FROM k WHERE name = 'b'",
    ]),
    Case("autoincrement_never_reuses", [
        "CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
        "CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT)",
        "INSERT INTO a (v) VALUES ('x'), ('y'), ('z')",
        "INSERT INTO p (v) VALUES ('x'), ('y'), ('z')",
        "DELETE FROM a WHERE id = 3",
        "DELETE FROM p WHERE id = 3",
        "INSERT INTO a (v) VALUES ('w')",
        "INSERT INTO p (v) VALUES ('w')",
        "SELECT id FROM a ORDER BY id",
        "SELECT id FROM p ORDER BY id",
        "SELECT name, seq FROM sqlite_sequence",
    ]),
    # a table dropped and made again with other columns: Nano 4.31 kept the old table's CHECKs
    # (NOT NULL is one) for the new one, and every insert failed on a column it no longer has.
    # Autocommit: inside a transaction the DROP is a rename, which has an engine bug of its own
    # (docs/compatibility.md).
    Case("ddl_drop_and_recreate_with_checks", connect_kwargs={"isolation_level": None}, steps=[
        "CREATE TABLE q (k TEXT NOT NULL, v INTEGER CHECK (v > 0))",
        "INSERT INTO q VALUES ('a', 1)",
        "DROP TABLE q",
        "CREATE TABLE q (id INTEGER PRIMARY KEY, w TEXT)",
        "INSERT INTO q (w) VALUES ('x')",
        "SELECT * FROM q",
    ]),
    # ... and its PRIMARY KEY and UNIQUE constraints: an UPDATE of the new table failed on a key
    # it never had ("UNIQUE constraint 'q_k_pkey' violated")
    Case("ddl_drop_and_recreate_with_keys", connect_kwargs={"isolation_level": None}, steps=[
        "CREATE TABLE q (k TEXT PRIMARY KEY, v)",
        "DROP TABLE q",
        "CREATE TABLE q (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v, w, UNIQUE (v, w))",
        "DROP TABLE q",
        "CREATE TABLE q (k TEXT, v, PRIMARY KEY (k, v)) WITHOUT ROWID",
        "DROP TABLE q",
        "CREATE TABLE q (k TEXT, v, w, id INTEGER)",
        ("INSERT INTO q VALUES (?, ?, ?, ?)", ("a", 1, 1, 1)),
        ("INSERT INTO q VALUES (?, ?, ?, ?)", ("b", 2, 1, 1)),
        "UPDATE q SET k = 'z', v = 3, w = 1, id = 2",
        "SELECT * FROM q ORDER BY rowid",
    ]),
]


def _reopen(conn, module):
    conn.commit()
    path = conn.execute("PRAGMA database_list").fetchall()[0][2]
    other = module.connect(path) if module.__name__ == "sqlite3" else None
    if other is None:
        # heliosdb_sqlite: the same path reopens the same database
        conn.close()
        other = module.connect(path)
    try:
        return other.execute("SELECT path, size FROM files").fetchall()
    finally:
        other.close()
