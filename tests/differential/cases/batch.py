"""executemany sent as one engine batch must keep sqlite3's per-row semantics."""
from ...differential.harness import Case


def _many(sql, rows):
    def step(conn, module):
        cur = conn.cursor()
        try:
            cur.executemany(sql, rows)
            outcome = "ok"
        except module.Error as exc:
            outcome = type(exc).__name__
        return (outcome, cur.rowcount, cur.lastrowid)
    return step


CASES = [
    Case("batch_insert_rowids_and_counts", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT, n REAL)",
        ("many", "INSERT INTO t (v, n) VALUES (?, ?)", [(f"v{i}", i / 2) for i in range(50)]),
        ("INSERT INTO t (v) VALUES (?)", ("after",)),
        "SELECT id, v, n FROM t ORDER BY id",
        "SELECT last_insert_rowid(), changes(), total_changes()",
    ]),
    Case("batch_insert_failure_midway", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)",
        _many("INSERT INTO t (v) VALUES (?)", [("a",), ("b",), ("a",), ("c",)]),
        "SELECT id, v FROM t ORDER BY id",
        _many("INSERT INTO t (v) VALUES (?)", [("d",), (object(),), ("e",)]),
        "SELECT id, v FROM t ORDER BY id",
        "COMMIT",
        "SELECT id, v FROM t ORDER BY id",
    ]),
    Case("batch_insert_autocommit_failure", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)",
        _many("INSERT INTO t (v) VALUES (?)", [("a",), ("b",), ("b",)]),
        "ROLLBACK",
        "SELECT id, v FROM t ORDER BY id",
    ], connect_kwargs={"isolation_level": None}),
    Case("batch_opens_the_transaction_then_fails", [
        # the batch that opens the transaction is undone by rolling back and beginning again:
        # the rows before the failing one stay, later statements join the same transaction
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)",
        "INSERT INTO t (v) VALUES ('kept')",
        "COMMIT",
        _many("INSERT INTO t (v) VALUES (?)", [("a",), ("b",), ("kept",), ("c",)]),
        ("INSERT INTO t (v) VALUES (?)", ("after",)),
        "SELECT id, v FROM t ORDER BY id",
        "ROLLBACK",
        "SELECT id, v FROM t ORDER BY id",
        _many("INSERT INTO t (v) VALUES (?)", [("x",), ("x",)]),
        "COMMIT",
        "SELECT id, v FROM t ORDER BY id",
    ]),
    Case("batch_in_an_explicit_transaction_fails", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)",
        "BEGIN",
        "INSERT INTO t (v) VALUES ('first')",
        _many("INSERT INTO t (v) VALUES (?)", [("a",), ("first",)]),
        "SELECT id, v FROM t ORDER BY id",
        "COMMIT",
        "SELECT id, v FROM t ORDER BY id",
    ]),
    Case("batch_changes_is_the_last_rows", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)",
        ("many", "INSERT INTO t (v) VALUES (?)", [(1,), (2,), (3,)]),
        "SELECT changes(), total_changes()",
        ("many", "UPDATE t SET v = v + 1 WHERE v >= ?", [(1,), (3,)]),
        "SELECT changes(), total_changes()",
        ("many", "DELETE FROM t WHERE v = ?", [(2,), (99,)]),
        "SELECT changes(), total_changes()",
        ("many", "INSERT INTO t (v) VALUES (?)", [(7,)]),
        "SELECT changes(), total_changes(), last_insert_rowid()",
    ]),
    Case("batch_explicit_and_null_rowids", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, v TEXT)",
        ("many", "INSERT INTO t (id, v) VALUES (?, ?)", [(None, "a"), (10, "b"), (None, "c")]),
        "SELECT id, v FROM t ORDER BY id",
        "SELECT name, seq FROM sqlite_sequence",
    ]),
    Case("batch_update_delete_counts", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)",
        ("many", "INSERT INTO t (v) VALUES (?)", [(i,) for i in range(10)]),
        ("many", "UPDATE t SET v = v + ? WHERE id > ?", [(100, 5), (1000, 8)]),
        ("many", "DELETE FROM t WHERE v = ?", [(0,), (1,), (42,)]),
        "SELECT id, v FROM t ORDER BY id",
    ]),
]
