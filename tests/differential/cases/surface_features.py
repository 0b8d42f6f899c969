"""The rows of docs/compatibility.md's feature table that no other module covers: the SQLite
dialect (conflict clauses, upserts, LIMIT forms, LIKE/GLOB, JOIN USING, scan order), the schema
surface (sqlite_master, PRAGMAs, backup), constructs heliosdb_sqlite refuses, and what several
connections to one database see."""
import os
import sqlite3
import tempfile

from ...differential.harness import Case

KV = "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v TEXT)"
KV_ROWS = "SELECT id, k, v FROM t ORDER BY id"
LIKE_TABLE = "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)"
LIKE_ROWS = ("INSERT INTO t (s) VALUES ('Apple'), ('apple pie'), ('APPLE'), ('100%'), ('a_b'), "
             "('axb'), ('Éclair'), ('éclair'), (NULL)")


def _in_tx(conn, module):
    return conn.in_transaction


def _backup_into_stdlib(conn, module):
    conn.commit()
    target = sqlite3.connect(":memory:")
    try:
        conn.backup(target)
        return (tuple(tuple(r) for r in target.execute(
                    "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name")),
                tuple(tuple(r) for r in target.execute("SELECT * FROM t ORDER BY id")),
                tuple(tuple(r) for r in target.execute("SELECT typeof(k), typeof(v) FROM t")))
    finally:
        target.close()


def _two_connections(conn, module):
    """A second connection to the same file: it reads the last committed state while the first
    has a write pending, cannot write until the first commits, then sees the commit."""
    path = conn.execute("PRAGMA database_list").fetchall()[0][2]
    conn.execute("INSERT INTO t (k, v) VALUES ('b', 'pending')")
    other = module.connect(path, timeout=0.2)
    out = []
    try:
        out.append(tuple(tuple(r) for r in other.execute(KV_ROWS)))
        try:
            other.execute("INSERT INTO t (k, v) VALUES ('c', 'other')")
            out.append("wrote")
        except module.OperationalError as exc:
            out.append(("OperationalError", str(exc)))
        other.rollback()
        conn.commit()
        out.append(tuple(tuple(r) for r in other.execute(KV_ROWS)))
        other.execute("INSERT INTO t (k, v) VALUES ('c', 'other')")
        other.commit()
        out.append(tuple(tuple(r) for r in conn.execute(KV_ROWS)))
    finally:
        other.close()
    return tuple(out)


def _two_writers_different_tables(conn, module):
    """While one connection has a write pending, a second one writes another table: SQLite
    locks the whole database, so that write waits `timeout`, then fails."""
    path = conn.execute("PRAGMA database_list").fetchall()[0][2]
    conn.execute("UPDATE t SET v = 'pending' WHERE k = 'a'")
    other = module.connect(path, timeout=0.2)
    try:
        try:
            other.execute("UPDATE u SET n = n + 1")
            out = "wrote"
        except module.OperationalError as exc:
            out = ("OperationalError", str(exc))
        other.rollback()
    finally:
        other.close()
    conn.commit()
    return out


def _read_only_uri(conn, module):
    """`mode=ro` on a database that exists: reads work, every write is refused."""
    path = conn.execute("PRAGMA database_list").fetchall()[0][2]
    conn.commit()
    ro = module.connect(f"file:{path}?mode=ro", uri=True)
    out = [tuple(tuple(r) for r in ro.execute(KV_ROWS))]
    try:
        for sql in ("INSERT INTO t (k, v) VALUES ('z', 'z')", "UPDATE t SET v = 'z'",
                    "DELETE FROM t", "CREATE TABLE u (x)"):
            try:
                ro.execute(sql)
                out.append("ok")
            except module.Error as exc:
                out.append((type(exc).__name__, str(exc)))
    finally:
        ro.close()
    out.append(tuple(tuple(r) for r in conn.execute(KV_ROWS)))
    return tuple(out)


def _read_only_uri_missing_file(conn, module):
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "missing.db")
        try:
            module.connect(f"file:{path}?mode=ro", uri=True).close()
            return "opened"
        except module.Error as exc:
            return (type(exc).__name__, str(exc))


CASES = [
    # keys and rowid
    Case("feature_rowid_pseudo_columns", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
        "INSERT INTO t (v) VALUES ('a'), ('b')",
        "INSERT INTO t (id, v) VALUES (10, 'c')",
        "INSERT INTO t (v) VALUES ('d')",
        "SELECT rowid, oid, _rowid_, id, v FROM t ORDER BY rowid",
        "SELECT last_insert_rowid(), changes(), total_changes()",
        "DELETE FROM t WHERE id = 11",
        "INSERT INTO t VALUES (NULL, 'e')",
        "SELECT id, v FROM t WHERE rowid > 2 ORDER BY _rowid_ DESC",
    ]),
    # writes
    Case("feature_insert_or_replace_every_unique_key", [
        KV,
        "INSERT INTO t VALUES (1, 'a', 'one'), (2, 'b', 'two'), (3, 'c', 'three')",
        "INSERT OR REPLACE INTO t VALUES (1, 'b', 'both')",  # conflicts with rows 1 and 2
        KV_ROWS,
        "REPLACE INTO t (k, v) VALUES ('c', 'new c')",
        KV_ROWS,
        "SELECT changes(), last_insert_rowid()",
    ]),
    Case("feature_replace_new_rowid_counts_deleted_row", [
        # SQLite picks the new rowid (max + 1) before it deletes the conflicting row
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one'), ('b', 'two')",
        "REPLACE INTO t (k, v) VALUES ('b', 'new b')",
        KV_ROWS,
    ]),
    Case("feature_insert_or_ignore", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "INSERT OR IGNORE INTO t (k, v) VALUES ('a', 'dup')",
        "INSERT OR IGNORE INTO t (k, v) VALUES ('b', 'two')",
        ("INSERT OR IGNORE INTO t (k, v) VALUES (?, ?)", ("a", "dup")),
        KV_ROWS,
        "SELECT changes(), total_changes()",
    ]),
    Case("feature_insert_or_ignore_multi_row_rowids", [
        # an ignored row of a multi-row VALUES takes no rowid in SQLite
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "INSERT OR IGNORE INTO t (k, v) VALUES ('a', 'dup'), ('b', 'two')",
        KV_ROWS,
    ]),
    Case("feature_insert_or_rollback", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "BEGIN",
        "INSERT INTO t (k, v) VALUES ('b', 'two')",
        "INSERT OR ROLLBACK INTO t (k, v) VALUES ('a', 'dup')",
        _in_tx,
        KV_ROWS,
    ], connect_kwargs={"isolation_level": None}),
    Case("feature_upsert_do_update_excluded", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one'), ('b', 'two')",
        ("INSERT INTO t (k, v) VALUES ('a', 'uno') "
        "ON CONFLICT (k) DO UPDATE SET v = excluded.v || '/' || t.v"),
        "INSERT INTO t (k, v) VALUES ('c', 'three') ON CONFLICT (k) DO UPDATE SET v = excluded.v",
        KV_ROWS,
        ("INSERT INTO t (k, v) VALUES ('b', 'dos') ON CONFLICT (k) DO UPDATE SET v = excluded.v "
        "WHERE t.v <> 'two'"),
        ("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
         ("c", "tres")),
        KV_ROWS,
        "SELECT changes()",
    ]),
    Case("feature_upsert_multi_row_rowids", [
        # a row of a multi-row upsert that updates takes no rowid in SQLite
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        ("INSERT INTO t (k, v) VALUES ('a', 'uno'), ('c', 'three') "
        "ON CONFLICT (k) DO UPDATE SET v = excluded.v"),
        KV_ROWS,
    ]),
    Case("feature_upsert_do_nothing_without_target", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "INSERT INTO t (k, v) VALUES ('a', 'dup') ON CONFLICT DO NOTHING",
        "INSERT INTO t (id, k, v) VALUES (1, 'z', 'dup id') ON CONFLICT DO NOTHING",
        KV_ROWS,
    ]),
    Case("feature_upsert_do_update_without_target", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "INSERT INTO t (k, v) VALUES ('a', 'new') ON CONFLICT DO UPDATE SET v = excluded.v",
        KV_ROWS,
    ]),
    Case("feature_default_values_and_insert_select", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER DEFAULT 7, s TEXT DEFAULT 'x')",
        "INSERT INTO t DEFAULT VALUES",
        "INSERT INTO t DEFAULT VALUES",
        "CREATE TABLE u (id INTEGER PRIMARY KEY, n INTEGER, s TEXT)",
        "INSERT INTO u (n, s) SELECT n * id, s || id FROM t WHERE id > 0 ORDER BY id",
        "SELECT * FROM t ORDER BY id",
        "SELECT * FROM u ORDER BY id",
    ]),
    Case("feature_update_or_ignore_replace", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one'), ('b', 'two')",
        "UPDATE OR IGNORE t SET k = 'a' WHERE k = 'b'",
        "UPDATE OR REPLACE t SET k = 'a' WHERE k = 'b'",
        KV_ROWS,
    ]),
    Case("feature_update_or_fail_keeps_earlier_rows", [
        # OR FAIL stops at the conflicting row and keeps the rows changed before it
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER UNIQUE)",
        "INSERT INTO t VALUES (1, 1), (2, 2), (3, 3)",
        "UPDATE OR FAIL t SET k = CASE id WHEN 1 THEN 10 WHEN 2 THEN 3 ELSE k END",
        "SELECT id, k FROM t ORDER BY id",
    ]),
    # DDL
    Case("feature_alter_table_rolled_back", [
        KV, "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "BEGIN",
        "ALTER TABLE t ADD COLUMN w INTEGER DEFAULT 5",
        "ALTER TABLE t RENAME COLUMN v TO vv",
        "ALTER TABLE t RENAME TO u",
        "CREATE INDEX u_w ON u (w)",
        "SELECT * FROM u",
        "ROLLBACK",
        "SELECT * FROM t",
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name",
        "PRAGMA table_info(t)",
    ], connect_kwargs={"isolation_level": None}),
    # schema surface
    Case("feature_schema_and_pragmas", [
        "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT UNIQUE)",
        ("CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id) ON DELETE CASCADE, "
        "note TEXT NOT NULL DEFAULT 'n', UNIQUE (p_id, note))"),
        "CREATE INDEX c_note ON c (note)",
        "CREATE VIEW pc AS SELECT p.name, c.note FROM p JOIN c ON c.p_id = p.id",
        "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY name",
        "SELECT name FROM sqlite_master WHERE type = 'index' ORDER BY name",
        "PRAGMA table_info(c)",
        "PRAGMA table_xinfo(p)",
        "PRAGMA index_list(c)",
        "PRAGMA index_info(c_note)",
        "PRAGMA index_info('sqlite_autoindex_c_1')",
        "PRAGMA foreign_key_list(c)",
        "PRAGMA user_version",
        "PRAGMA user_version = 7",
        "PRAGMA user_version",
    ]),
    Case("feature_pragma_table_list_and_database_list", [
        "CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT)",
        "CREATE VIEW pv AS SELECT name FROM p",
        "PRAGMA table_list",
        "PRAGMA table_list(p)",
        "PRAGMA database_list",
    ]),
    Case("feature_tuning_pragmas_accepted", [
        "PRAGMA synchronous = NORMAL",
        "PRAGMA cache_size = -4000",
        "PRAGMA cache_size",
        "PRAGMA temp_store = MEMORY",
        "PRAGMA foreign_keys",
        "CREATE TABLE t (x)",
        "SELECT count(*) FROM t",
    ]),
    Case("feature_tuning_pragma_answers", [
        "PRAGMA synchronous = NORMAL",
        "PRAGMA synchronous",
        "PRAGMA busy_timeout = 2500",
        "PRAGMA busy_timeout",
        "PRAGMA journal_mode",
        "PRAGMA journal_mode = WAL",
    ]),
    Case("feature_backup_into_stdlib", [
        KV, "CREATE INDEX t_v ON t (v)",
        "INSERT INTO t (k, v) VALUES ('a', 'one'), ('b', NULL)",
        _backup_into_stdlib,
    ]),
    # queries
    Case("feature_limit_forms", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', '1'), ('b', '2'), ('c', '3'), ('d', '4'), ('e', '5')",
        "SELECT k FROM t ORDER BY id LIMIT 1, 2",
        "SELECT k FROM t ORDER BY id LIMIT -1 OFFSET 3",
        "SELECT k FROM t ORDER BY id LIMIT -1",
        "SELECT k FROM t ORDER BY id DESC LIMIT 2 OFFSET 1",
        ("SELECT k FROM t ORDER BY id LIMIT ?, ?", (3, 5)),
    ]),
    Case("feature_nulls_sort_first", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER, s TEXT)",
        "INSERT INTO t (v, s) VALUES (2, 'b'), (NULL, NULL), (1, 'a'), (NULL, 'c')",
        "SELECT id, v FROM t ORDER BY v, id",
        "SELECT id, v FROM t ORDER BY v DESC, id",
        "SELECT id, s FROM t ORDER BY s DESC, id",
        "SELECT min(v), max(v), min(s), max(s) FROM t",
    ]),
    Case("feature_like", [
        LIKE_TABLE, LIKE_ROWS,
        "SELECT id FROM t WHERE s LIKE 'apple%' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE 'a_b' ORDER BY id",
        ("SELECT id FROM t WHERE s LIKE ? ORDER BY id", ("%PIE",)),
        "SELECT 'abc' LIKE 'ABC', NULL LIKE 'a', 'a' LIKE NULL",
    ], connect_kwargs={"isolation_level": None}),
    Case("feature_like_escape", [
        LIKE_TABLE, LIKE_ROWS,
        "SELECT id FROM t WHERE s LIKE 'a\\_b' ESCAPE '\\' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE '%!%' ESCAPE '!' ORDER BY id",
    ], connect_kwargs={"isolation_level": None}),
    Case("feature_like_non_ascii_is_case_sensitive", [
        LIKE_TABLE, LIKE_ROWS,
        "SELECT id FROM t WHERE s LIKE 'éclair' ORDER BY id",
    ], connect_kwargs={"isolation_level": None}),
    Case("feature_not_like", [
        LIKE_TABLE, LIKE_ROWS,
        "SELECT id FROM t WHERE s NOT LIKE '%a%' ORDER BY id",
        "SELECT s NOT LIKE 'a%' FROM t ORDER BY id",
    ], connect_kwargs={"isolation_level": None}),
    Case("feature_glob", [
        LIKE_TABLE, LIKE_ROWS,
        "SELECT id FROM t WHERE s GLOB 'A*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB 'a?b' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '[aA]pple*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '*[0-9]*' ORDER BY id",
        "SELECT 'abc' GLOB 'ABC', 'abc' GLOB 'a*'",
    ], connect_kwargs={"isolation_level": None}),
    Case("feature_is_and_is_not", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)",
        "INSERT INTO t (v) VALUES (1), (NULL), (3)",
        "SELECT id FROM t WHERE v IS NULL",
        "SELECT id FROM t WHERE v IS NOT 1 ORDER BY id",
        ("SELECT id FROM t WHERE v IS ? ORDER BY id", (None,)),
        ("SELECT id FROM t WHERE v IS ? ORDER BY id", (3,)),
        "SELECT NULL IS NULL, 1 IS 1, 1 IS NOT NULL, NULL IS NOT NULL, 'a' IS 'a'",
    ]),
    Case("feature_join_using", [
        "CREATE TABLE a (id INTEGER PRIMARY KEY, x TEXT)",
        "CREATE TABLE b (id INTEGER PRIMARY KEY, y TEXT)",
        "INSERT INTO a VALUES (1, 'a1'), (2, 'a2'), (3, 'a3')",
        "INSERT INTO b VALUES (2, 'b2'), (3, 'b3'), (4, 'b4')",
        "SELECT * FROM a JOIN b USING (id) ORDER BY id",
        "SELECT id, x, y FROM a LEFT JOIN b USING (id) ORDER BY id",
        "SELECT a.id, b.id FROM a NATURAL JOIN b ORDER BY a.id",
    ]),
    Case("feature_scan_order_without_order_by", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', '1'), ('b', '2'), ('c', '3'), ('d', '4')",
        "UPDATE t SET v = 'changed' WHERE k = 'a'",
        "DELETE FROM t WHERE k = 'b'",
        "INSERT INTO t (id, k, v) VALUES (2, 'b2', 'back')",
        "SELECT id, k, v FROM t",
        "SELECT group_concat(k) FROM t",
        "SELECT group_concat(v, '|') FROM t WHERE id > 1",
    ]),
    Case("feature_aliases_in_where_group_having", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)",
        "INSERT INTO t (n) VALUES (1), (2), (3), (4), (5), (6)",
        "SELECT n % 3 AS r, count(*) AS c FROM t WHERE r > 0 GROUP BY r HAVING c > 1 ORDER BY r",
        "SELECT n * 2 AS d FROM t WHERE d > 6 ORDER BY d",
    ]),
    Case("feature_qualified_refs_into_subqueries_and_views", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)",
        "INSERT INTO t (n) VALUES (10), (20), (30)",
        "CREATE VIEW v AS SELECT id AS vid, n * 2 AS d FROM t",
        "SELECT s.x FROM (SELECT n AS x FROM t) s WHERE s.x > 10 ORDER BY s.x",
        "SELECT v.d FROM v WHERE v.vid = 2",
        "SELECT t.n, v.d FROM t JOIN v ON v.vid = t.id ORDER BY t.id",
        "SELECT * FROM (SELECT n FROM t WHERE n > 15) ORDER BY n",
    ]),
    # a column list names the view's columns (Nano ignores it: the shim renames them)
    Case("feature_view_column_list", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT)",
        "INSERT INTO t (n, s) VALUES (10, 'a'), (20, 'b'), (30, 'c')",
        "CREATE VIEW v (k, doubled, label) AS SELECT id, n * 2, s FROM t WHERE n > 10",
        "CREATE VIEW u (a, b) AS SELECT id, n FROM t UNION SELECT n, id FROM t",
        "CREATE VIEW twice AS SELECT n, n FROM t",
        "SELECT * FROM v ORDER BY k",
        "SELECT label, doubled FROM v WHERE k = 3",
        "SELECT v.k, t.s FROM v JOIN t ON t.id = v.k ORDER BY v.k",
        "SELECT a, b FROM u ORDER BY a, b",
        "SELECT * FROM twice ORDER BY 1",
        "PRAGMA table_info(v)",
    ]),
    Case("feature_qualified_refs_same_name_both_sides", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER)",
        "INSERT INTO t (n) VALUES (10), (20), (30)",
        "CREATE VIEW v AS SELECT id, n * 2 AS d FROM t",
        "SELECT t.id, v.d FROM t JOIN v ON v.id = t.id ORDER BY t.id",
    ]),
    Case("feature_integer_overflow_in_sum", [
        "SELECT sum(x) FROM (SELECT 9223372036854775807 AS x UNION ALL SELECT 1)",
        "SELECT 1",
    ]),
    # refused constructs
    Case("feature_virtual_table_attach_explain", [
        "CREATE TABLE t (x)",
        "CREATE VIRTUAL TABLE f USING fts5(body)",
        "ATTACH DATABASE ':memory:' AS other",
        "EXPLAIN SELECT x FROM t",
        "SELECT x FROM t",
    ], connect_kwargs={"isolation_level": None}),
    # connections
    Case("feature_two_connections_one_file", [
        KV, "INSERT INTO t (k, v) VALUES ('a', 'committed')", "COMMIT", _two_connections,
    ], file=True),
    Case("feature_two_connections_write_other_table", [
        KV, "CREATE TABLE u (n INTEGER)", "INSERT INTO u VALUES (1)",
        "INSERT INTO t (k, v) VALUES ('a', 'committed')", "COMMIT", _two_writers_different_tables,
        "SELECT n FROM u",
    ], file=True),
    Case("feature_read_only_uri", [
        KV, "INSERT INTO t (k, v) VALUES ('a', 'one')", _read_only_uri,
    ], file=True, messages=True),
    Case("feature_read_only_uri_missing_file", [_read_only_uri_missing_file], messages=True),
]
