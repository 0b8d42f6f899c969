"""UPDATE OR IGNORE / REPLACE / FAIL: SQLite checks each row's new values as it updates it, in
rowid order, against the rows as they are by then. IGNORE skips a row that would break a
UNIQUE / PRIMARY KEY / NOT NULL / CHECK constraint; REPLACE deletes the other rows holding one of
its new keys (NULL for a NOT NULL column with a default takes the default; otherwise it fails as
ABORT); FAIL stops at the first conflict and keeps the rows changed before it. rowcount and
changes() count the rows updated."""
from ...differential.harness import Case

KV = "CREATE TABLE t (id INTEGER PRIMARY KEY, k INTEGER UNIQUE, v TEXT)"
KV_FILL = "INSERT INTO t VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 3, 'c'), (4, 5, 'd'), (5, 6, 'e')"
KV_ROWS = "SELECT id, k, v FROM t ORDER BY id"
AB = "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT UNIQUE, b TEXT UNIQUE, v TEXT)"
AB_FILL = ("INSERT INTO t VALUES (1, 'a1', 'b1', 'r1'), (2, 'a2', 'b2', 'r2'), "
           "(3, 'a3', 'b3', 'r3'), (4, 'a4', 'b4', 'r4')")
AB_ROWS = "SELECT id, a, b, v FROM t ORDER BY id"
CONSTRAINED = ("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL, "
               "tag TEXT NOT NULL DEFAULT 'untagged', n INTEGER CONSTRAINT positive CHECK (n > 0), "
               "m INTEGER, CHECK (m IS NULL OR m < n))")
CONSTRAINED_FILL = ("INSERT INTO t VALUES (1, 'one', 't1', 1, NULL), (2, 'two', 't2', 2, 1), "
                    "(3, 'three', 't3', 3, 2), (4, 'four', 't4', 4, NULL)")
CONSTRAINED_ROWS = "SELECT id, name, tag, n, m FROM t ORDER BY id"
COUNTS = "SELECT changes(), total_changes()"

CASES = [
    # a key column without a declared type: the probe compares its stored form with the new value
    Case("update_or_typeless_unique_key", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, u UNIQUE, v)",
        "INSERT INTO t VALUES (1, 1, 'a'), (2, 2, 'b'), (3, 'x', 'c')",
        "UPDATE OR IGNORE t SET u = 2 WHERE id = 1",
        "UPDATE OR IGNORE t SET u = 'x' WHERE id = 2",
        "UPDATE OR IGNORE t SET u = 7 WHERE id = 3",
        "SELECT id, u, typeof(u), v FROM t ORDER BY id",
        "UPDATE OR FAIL t SET u = 2 WHERE id = 1",
    ]),
    Case("update_or_ignore_skips_rows_that_conflict", [
        # each row is checked against the rows as they are when its turn comes: 1 -> 2 and
        # 2 -> 3 hit rows not yet updated, 3 -> 4 is free, 5 -> 6 hits, 6 -> 7 is free
        KV, KV_FILL,
        "UPDATE OR IGNORE t SET k = k + 1",
        COUNTS,
        KV_ROWS,
        "UPDATE OR IGNORE t SET k = 1 WHERE id > 1",
        COUNTS,
        "UPDATE OR IGNORE t SET k = 100, v = 'x' WHERE v = 'nothing'",
        COUNTS,
        KV_ROWS,
    ]),
    Case("update_or_ignore_several_unique_keys", [
        AB, AB_FILL,
        # row 1 takes a free a but b2 (conflict: skipped); row 3 takes a free a and b
        ("UPDATE OR IGNORE t SET a = 'x' || id, b = CASE id WHEN 1 THEN 'b2' ELSE 'y' || id END "
         "WHERE id IN (1, 3)"),
        COUNTS,
        AB_ROWS,
        # the second row to take 'same' conflicts with the first
        "UPDATE OR IGNORE t SET a = 'same' WHERE id >= 2",
        COUNTS,
        AB_ROWS,
    ]),
    Case("update_or_ignore_multi_column_key_and_nulls", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER, UNIQUE (a, b))",
        "INSERT INTO t VALUES (1, 'x', 1), (2, 'x', 2), (3, 'y', 1), (4, NULL, 1)",
        "UPDATE OR IGNORE t SET b = 1 WHERE a = 'x'",
        COUNTS,
        # NULLs are distinct in a unique key: no conflict
        "UPDATE OR IGNORE t SET a = NULL WHERE id IN (1, 3)",
        COUNTS,
        "SELECT id, a, b FROM t ORDER BY id",
    ]),
    Case("update_or_ignore_not_null_and_check", [
        CONSTRAINED, CONSTRAINED_FILL,
        "UPDATE OR IGNORE t SET name = CASE WHEN id % 2 = 0 THEN NULL ELSE name || '!' END",
        COUNTS,
        "UPDATE OR IGNORE t SET n = n - 2",
        COUNTS,
        "UPDATE OR IGNORE t SET m = 3",
        COUNTS,
        "UPDATE OR IGNORE t SET tag = NULL WHERE id = 1",
        COUNTS,
        CONSTRAINED_ROWS,
    ]),
    Case("update_or_ignore_unique_index_and_text_key", [
        "CREATE TABLE t (code TEXT PRIMARY KEY, label TEXT, rank INTEGER)",
        "CREATE UNIQUE INDEX t_label ON t (label)",
        "INSERT INTO t VALUES ('a', 'A', 1), ('b', 'B', 2), ('c', 'C', 3)",
        "UPDATE OR IGNORE t SET code = 'b' WHERE code = 'a'",
        "UPDATE OR IGNORE t SET label = 'C', rank = 0 WHERE code = 'b'",
        "UPDATE OR IGNORE t SET code = code || code, label = lower(label)",
        COUNTS,
        "SELECT code, label, rank FROM t ORDER BY code",
    ]),
    Case("update_or_ignore_rowid", [
        KV, KV_FILL,
        "UPDATE OR IGNORE t SET id = id + 1",
        COUNTS,
        "UPDATE OR IGNORE t SET rowid = 10 WHERE k = 1",
        KV_ROWS,
        # no algorithm stores a NULL rowid: the statement fails (datatype mismatch)
        "UPDATE OR IGNORE t SET id = NULL WHERE k = 1",
        "UPDATE OR REPLACE t SET id = NULL WHERE k = 1",
        KV_ROWS,
        # nothing the UPDATE sets is constrained: one plain UPDATE
        "UPDATE OR IGNORE t SET v = v || '?' WHERE id > 3",
        COUNTS,
        KV_ROWS,
    ], messages=True),
    Case("update_or_replace_deletes_rows_in_conflict", [
        AB, AB_FILL,
        # row 4 takes a1 and b2: rows 1 and 2 go
        "UPDATE OR REPLACE t SET a = 'a1', b = 'b2' WHERE id = 4",
        COUNTS,
        AB_ROWS,
        "UPDATE OR REPLACE t SET v = 'same' WHERE id = 3",
        AB_ROWS,
    ]),
    Case("update_or_replace_row_by_row", [
        # row 1 takes 2 and deletes row 2, whose turn then never comes; row 3 takes the free 4;
        # row 4 takes 6 and deletes row 5
        KV, KV_FILL,
        "UPDATE OR REPLACE t SET k = k + 1",
        COUNTS,
        KV_ROWS,
    ]),
    Case("update_or_replace_rowid", [
        KV, KV_FILL,
        "UPDATE OR REPLACE t SET id = 1 WHERE id = 3",
        COUNTS,
        "UPDATE OR REPLACE t SET id = 2, k = 5 WHERE id = 1",
        KV_ROWS,
        "INSERT INTO t (k, v) VALUES (50, 'new')",
        KV_ROWS,
    ]),
    Case("update_or_replace_not_null_and_check", [
        CONSTRAINED, CONSTRAINED_FILL,
        # NULL into a NOT NULL column with a default stores the default
        "UPDATE OR REPLACE t SET tag = NULL WHERE id <= 2",
        COUNTS,
        CONSTRAINED_ROWS,
        # without a default, and for a CHECK, REPLACE fails like ABORT: nothing changes
        "UPDATE OR REPLACE t SET name = CASE id WHEN 3 THEN NULL ELSE 'renamed' END",
        "UPDATE OR REPLACE t SET n = 5 - id",
        "UPDATE OR REPLACE t SET m = 10 WHERE id = 3",
        CONSTRAINED_ROWS,
    ], messages=True),
    Case("update_or_fail_keeps_earlier_rows_autocommit", [
        KV, KV_FILL,
        # rows 1 and 2 are updated; row 3 would take 5 (row 4's): the statement stops there
        ("UPDATE OR FAIL t SET k = CASE id WHEN 1 THEN 10 WHEN 2 THEN 20 WHEN 3 THEN 5 ELSE 30 "
         "END, v = v || '!'"),
        COUNTS,
        KV_ROWS,
        "UPDATE OR FAIL t SET v = NULL WHERE id = 99",
        COUNTS,
        # a datatype mismatch undoes the statement, FAIL or not
        "UPDATE OR FAIL t SET v = 'z', id = CASE id WHEN 2 THEN NULL ELSE id END",
        KV_ROWS,
    ], messages=True, connect_kwargs={"isolation_level": None}),
    Case("update_or_fail_in_transaction", [
        KV, KV_FILL,
        "BEGIN",
        "UPDATE t SET v = 'before' WHERE id = 5",
        "UPDATE OR FAIL t SET k = CASE id WHEN 3 THEN 5 ELSE k + 100 END",
        COUNTS,
        KV_ROWS,
        "ROLLBACK",
        KV_ROWS,
        "BEGIN",
        "UPDATE OR FAIL t SET k = CASE id WHEN 3 THEN 5 ELSE k + 100 END",
        "COMMIT",
        KV_ROWS,
    ], messages=True, connect_kwargs={"isolation_level": None}),
    Case("update_or_fail_legacy_transaction", [
        # legacy transaction control opens a transaction before the UPDATE: the kept rows are
        # pending in it, and rollback() undoes them
        CONSTRAINED, CONSTRAINED_FILL,
        lambda conn, module: conn.commit(),
        "UPDATE OR FAIL t SET n = CASE id WHEN 1 THEN 9 ELSE n - 2 END",
        COUNTS,
        lambda conn, module: conn.in_transaction,
        CONSTRAINED_ROWS,
        lambda conn, module: conn.rollback(),
        CONSTRAINED_ROWS,
        "UPDATE OR FAIL t SET name = CASE WHEN id < 3 THEN upper(name) END",
        lambda conn, module: conn.commit(),
        CONSTRAINED_ROWS,
    ], messages=True),
    Case("update_or_returning", [
        KV, KV_FILL,
        "UPDATE OR IGNORE t SET k = k + 1 RETURNING id, k, v",
        "UPDATE OR REPLACE t SET k = 1 WHERE id >= 4 RETURNING id, k",
        KV_ROWS,
    ]),
    Case("update_or_parameters_and_executemany", [
        KV, KV_FILL,
        ("UPDATE OR IGNORE t SET k = ?, v = :v WHERE id = :id", {"v": "p", "id": 1}),
        ("UPDATE OR IGNORE t SET k = ? WHERE id = ?", (2, 1)),
        ("UPDATE OR IGNORE t SET k = ? WHERE id = ?", (7, 1)),
        ("many", "UPDATE OR REPLACE t SET k = ? WHERE id = ?", [(20, 2), (3, 4), (20, 5)]),
        KV_ROWS,
    ]),
    Case("update_or_hidden_rowid", [
        # no INTEGER PRIMARY KEY: rows are visited, and told apart, by the hidden rowid
        "CREATE TABLE t (k INTEGER UNIQUE, s TEXT UNIQUE, note TEXT)",
        "INSERT INTO t VALUES (1, 'a', 'x'), (2, 'b', 'y'), (3, 'c', 'z')",
        "UPDATE OR IGNORE t SET k = k + 1, note = note || '+'",
        COUNTS,
        "UPDATE OR REPLACE t SET s = 'c' WHERE k = 1",
        COUNTS,
        "SELECT rowid, k, s, note FROM t ORDER BY rowid",
    ]),
    Case("update_or_without_rowid", [
        "CREATE TABLE t (a TEXT PRIMARY KEY, b INTEGER UNIQUE) WITHOUT ROWID",
        "INSERT INTO t VALUES ('x', 1), ('y', 2), ('z', 3)",
        "UPDATE OR IGNORE t SET b = b + 1",
        COUNTS,
        "UPDATE OR REPLACE t SET a = 'y' WHERE a = 'x'",
        COUNTS,
        "SELECT a, b FROM t ORDER BY a",
    ]),
    Case("update_or_replace_rolled_back", [
        AB, AB_FILL,
        "BEGIN",
        "UPDATE OR REPLACE t SET a = 'a1' WHERE id = 2",
        "UPDATE OR IGNORE t SET b = 'b3' WHERE id = 2",
        AB_ROWS,
        "ROLLBACK",
        AB_ROWS,
        "UPDATE OR REPLACE t SET a = 'a1' WHERE id = 2",
        "UPDATE OR IGNORE t SET b = 'b3' WHERE id = 2",
        AB_ROWS,
    ], connect_kwargs={"isolation_level": None}),
]
