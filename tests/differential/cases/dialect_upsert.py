"""Upserts (INSERT ... ON CONFLICT) and rows a conflict skips (INSERT OR IGNORE, DO NOTHING):
which row a clause updates, `excluded`, the clause's WHERE, errors for conflicts no clause
covers, and the rowids, rowcount, lastrowid and changes() SQLite reports (a skipped row takes
no rowid)."""
from ...differential.harness import Case

KV = "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v TEXT)"
KV_ROWS = "SELECT id, k, v FROM t ORDER BY id"
AB = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE, b TEXT UNIQUE, v TEXT)"
AB_FILL = "INSERT INTO t VALUES (1, 'a1', 'b1', 'r1'), (2, 'a2', 'b2', 'r2')"
AB_ROWS = "SELECT id, a, b, v FROM t ORDER BY id"
COUNTS = "SELECT changes(), total_changes(), last_insert_rowid()"


def _many(sql, rows):
    return ("many", sql, rows)


CASES = [
    Case("upsert_without_target_updates_conflicting_row", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one'), ('b', 'two')",
        "INSERT INTO t (k, v) VALUES ('a', 'new') ON CONFLICT DO UPDATE SET v = excluded.v",
        COUNTS,
        "INSERT INTO t (k, v) VALUES ('c', 'three') ON CONFLICT DO UPDATE SET v = excluded.v",
        COUNTS,
        ("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT DO UPDATE SET v = t.v || '+' || excluded.v",
         ("b", "dos")),
        KV_ROWS,
    ]),
    Case("upsert_without_target_rowid_conflict", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one'), ('b', 'two')",
        "INSERT INTO t (id, k, v) VALUES (2, 'z', 'by id') ON CONFLICT DO UPDATE SET v = excluded.v",
        ("INSERT INTO t (id, k, v) VALUES (1, 'b', 'id first') "
        "ON CONFLICT DO UPDATE SET v = excluded.v"),
        KV_ROWS,
        COUNTS,
    ]),
    Case("upsert_without_target_check_order", [
        # a row conflicting with two rows on two keys: SQLite checks the rowid, then the unique
        # keys newest first, and updates the row of the first key that conflicts
        AB,
        AB_FILL,
        "INSERT INTO t VALUES (3, 'a1', 'b2', 'new') ON CONFLICT DO UPDATE SET v = excluded.v",
        AB_ROWS,
        "INSERT INTO t VALUES (1, 'a2', 'bx', 'id') ON CONFLICT DO UPDATE SET v = excluded.v",
        AB_ROWS,
    ]),
    Case("upsert_without_target_unique_index_order", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b TEXT, v TEXT)",
        "CREATE UNIQUE INDEX ib ON t (b)",
        "CREATE UNIQUE INDEX ia ON t (a)",
        AB_FILL,
        "INSERT INTO t VALUES (3, 'a1', 'b2', 'new') ON CONFLICT DO UPDATE SET v = excluded.v",
        AB_ROWS,
    ]),
    Case("upsert_target_picks_its_key", [
        AB,
        AB_FILL,
        "INSERT INTO t VALUES (3, 'a1', 'b2', 'B') ON CONFLICT (b) DO UPDATE SET v = excluded.v",
        "INSERT INTO t VALUES (1, 'a2', 'bx', 'A') ON CONFLICT (A) DO UPDATE SET v = excluded.v",
        "INSERT INTO t VALUES (1, 'ax', 'bx', 'ID') ON CONFLICT (id) DO UPDATE SET v = excluded.v",
        "INSERT INTO t VALUES (2, 'ay', 'by', 'RID') ON CONFLICT (rowid) DO UPDATE SET v = excluded.v",
        AB_ROWS,
        COUNTS,
    ]),
    Case("upsert_do_update_where", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one'), ('b', 'two')",
        ("INSERT INTO t (k, v) VALUES ('a', 'x') ON CONFLICT (k) DO UPDATE SET v = excluded.v "
        "WHERE t.v <> 'one'"),
        COUNTS,
        ("INSERT INTO t (k, v) VALUES ('a', 'x') ON CONFLICT DO UPDATE SET v = excluded.v "
        "WHERE excluded.v = 'x'"),
        "INSERT INTO t (k, v) VALUES ('b', 'y') ON CONFLICT DO UPDATE SET v = excluded.v WHERE 1 = 0",
        "INSERT INTO t (k, v) VALUES ('c', 'z') ON CONFLICT DO UPDATE SET v = excluded.v WHERE 1 = 0",
        KV_ROWS,
        COUNTS,
    ]),
    Case("upsert_conflict_no_clause_covers_raises", [
        AB,
        AB_FILL,
        "INSERT INTO t VALUES (3, 'a1', 'bx', 'new') ON CONFLICT (b) DO UPDATE SET v = excluded.v",
        "INSERT INTO t VALUES (3, 'a1', 'bx', 'new') ON CONFLICT (b) DO NOTHING",
        "INSERT INTO t VALUES (3, 'a1', 'b3', 'new') ON CONFLICT (a) DO UPDATE SET b = 'b2'",
        AB_ROWS,
        # autocommit: a Nano server cannot undo just the failed statement of a transaction
    ], messages=True, connect_kwargs={"isolation_level": None}),
    Case("upsert_target_not_a_unique_key", [
        AB,
        AB_FILL,
        "INSERT INTO t VALUES (3, 'a1', 'b1', 'new') ON CONFLICT (v) DO UPDATE SET v = 'x'",
        "INSERT INTO t VALUES (3, 'a1', 'b1', 'new') ON CONFLICT (a, b) DO NOTHING",
        AB_ROWS,
    ], messages=True),
    Case("upsert_multi_row_rowids_and_counts", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        ("INSERT INTO t (k, v) VALUES ('a', 'uno'), ('b', 'two'), ('a', 'eins'), ('c', 'three') "
        "ON CONFLICT (k) DO UPDATE SET v = t.v || '/' || excluded.v"),
        COUNTS,
        ("INSERT INTO t (k, v) VALUES ('b', 'dos'), ('c', 'tres') "
        "ON CONFLICT DO UPDATE SET v = excluded.v"),
        COUNTS,
        "INSERT INTO t (k, v) VALUES ('d', 'four')",
        KV_ROWS,
    ]),
    Case("upsert_excluded_rowid_and_default", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v TEXT, d TEXT DEFAULT 'dflt')",
        "INSERT INTO t (k, v) VALUES ('a', 'one'), ('b', 'two')",
        ("INSERT INTO t (k, v) VALUES ('a', 'x') "
        "ON CONFLICT DO UPDATE SET v = excluded.v || excluded.id || excluded.d"),
        "INSERT INTO t (k) VALUES ('c')",
        "SELECT id, k, v, d FROM t ORDER BY id",
    ]),
    Case("upsert_or_ignore_with_do_update", [
        AB,
        AB_FILL,
        ("INSERT OR IGNORE INTO t VALUES (3, 'a1', 'b3', 'upd') ON CONFLICT (a) DO UPDATE "
        "SET v = excluded.v"),
        ("INSERT OR IGNORE INTO t VALUES (3, 'a3', 'b2', 'ign') ON CONFLICT (a) DO UPDATE "
        "SET v = excluded.v"),
        AB_ROWS,
        COUNTS,
    ]),
    Case("upsert_returning", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        ("INSERT INTO t (k, v) VALUES ('a', 'uno') ON CONFLICT (k) DO UPDATE SET v = excluded.v "
        "RETURNING id, k, v"),
        ("INSERT INTO t (k, v) VALUES ('b', 'two') ON CONFLICT (k) DO UPDATE SET v = excluded.v "
        "RETURNING id, v"),
        ("INSERT INTO t (k, v) VALUES ('a', 'x') ON CONFLICT (k) DO UPDATE SET v = excluded.v "
        "WHERE 1 = 0 RETURNING id"),
        COUNTS,
    ]),
    Case("upsert_insert_select", [
        KV,
        "CREATE TABLE s (k TEXT, v TEXT)",
        "INSERT INTO s VALUES ('a', 's1'), ('b', 's2'), ('a', 's3'), ('c', 's4')",
        "INSERT INTO t (k, v) VALUES ('b', 'old')",
        ("INSERT INTO t (k, v) SELECT k, v FROM s WHERE true ORDER BY v "
        "ON CONFLICT (k) DO UPDATE SET v = t.v || excluded.v"),
        COUNTS,
        KV_ROWS,
    ]),
    Case("upsert_executemany", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        _many("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO UPDATE SET v = excluded.v",
              [("a", "x"), ("b", "y"), ("b", "z"), ("c", "w")]),
        KV_ROWS,
        COUNTS,
    ]),
    Case("upsert_in_transaction_sees_earlier_rows", [
        KV,
        "BEGIN",
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "INSERT INTO t (k, v) VALUES ('a', 'two') ON CONFLICT DO UPDATE SET v = excluded.v",
        ("INSERT INTO t (k, v) VALUES ('b', 'x'), ('b', 'y') ON CONFLICT DO UPDATE "
        "SET v = t.v || excluded.v"),
        "COMMIT",
        KV_ROWS,
    ], connect_kwargs={"isolation_level": None}),
    Case("upsert_without_rowid_table", [
        "CREATE TABLE w (a TEXT, b INTEGER, v TEXT, PRIMARY KEY (a, b)) WITHOUT ROWID",
        "INSERT INTO w VALUES ('x', 1, 'one')",
        ("INSERT INTO w VALUES ('x', 1, 'uno'), ('x', 2, 'two') ON CONFLICT DO UPDATE "
        "SET v = excluded.v"),
        "INSERT INTO w VALUES ('x', 2, 'dos') ON CONFLICT (b, a) DO UPDATE SET v = excluded.v",
        "SELECT a, b, v FROM w ORDER BY a, b",
    ]),
    Case("upsert_or_ignore_rowids", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        ("INSERT OR IGNORE INTO t (k, v) VALUES ('a', 'dup'), ('b', 'two'), ('b', 'dup'), "
        "('c', 'three')"),
        COUNTS,
        "INSERT INTO t (k, v) VALUES ('d', 'four')",
        KV_ROWS,
    ]),
    Case("upsert_or_ignore_null_rowid_parameters", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        ("INSERT OR IGNORE INTO t (id, k, v) VALUES (?, ?, ?), (?, ?, ?)",
         (None, "a", "dup", None, "b", "two")),
        COUNTS,
        KV_ROWS,
    ]),
    Case("upsert_or_ignore_select_rowids", [
        KV,
        "CREATE TABLE s (k TEXT, v TEXT)",
        "INSERT INTO s VALUES ('a', 's1'), ('b', 's2'), ('a', 's3'), ('c', 's4')",
        "INSERT INTO t (k, v) VALUES ('b', 'old')",
        "INSERT OR IGNORE INTO t (k, v) SELECT k, v FROM s ORDER BY v",
        COUNTS,
        KV_ROWS,
    ]),
    Case("upsert_or_ignore_executemany_rowids", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        _many("INSERT OR IGNORE INTO t (k, v) VALUES (?, ?)",
              [("a", "x"), ("b", "y"), ("b", "z"), ("c", "w")]),
        COUNTS,
        KV_ROWS,
    ]),
    Case("upsert_do_nothing_multi_row_rowids", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "INSERT INTO t (k, v) VALUES ('a', 'dup'), ('b', 'two') ON CONFLICT (k) DO NOTHING",
        "INSERT INTO t (k, v) VALUES ('b', 'dup'), ('c', 'three') ON CONFLICT DO NOTHING",
        COUNTS,
        KV_ROWS,
    ]),
    Case("upsert_do_nothing_executemany_rowids", [
        KV,
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        _many("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT DO NOTHING",
              [("a", "x"), ("b", "y"), ("b", "z"), ("c", "w")]),
        _many("INSERT INTO t (k, v) VALUES (?, ?) ON CONFLICT (k) DO NOTHING",
              [("d", "x"), ("a", "y")]),
        "INSERT INTO t (k, v) VALUES ('e', 'five')",
        KV_ROWS,
    ]),
    Case("upsert_or_ignore_autoincrement", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, k TEXT UNIQUE, v TEXT)",
        "INSERT INTO t (k, v) VALUES ('a', 'one')",
        "INSERT OR IGNORE INTO t (k, v) VALUES ('a', 'dup'), ('b', 'two')",
        ("INSERT INTO t (k, v) VALUES ('b', 'dup'), ('c', 'three') "
        "ON CONFLICT DO UPDATE SET v = excluded.v"),
        "SELECT name, seq FROM sqlite_sequence",
        KV_ROWS,
    ]),
]
