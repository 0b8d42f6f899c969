"""What the connection's hot path (heliosdb_sqlite/hotpath.py) runs: one-row INSERTs inside a
transaction and plain queries, repeated so the cached plan is used, with every kind of parameter
value it takes itself or hands to the general path, and the rowid bookkeeping it shares."""
import sys

from ...differential.harness import Case

T = "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n NUMERIC, d)"
INS = "INSERT INTO t (i, r, s, b, n, d) VALUES (?, ?, ?, ?, ?, ?)"
INS_ID = "INSERT INTO t (id, i) VALUES (?, ?)"
# (typeof() of NUMERIC and typeless columns, and numeric-looking text in them, differ: differs.py)
ROWS = "SELECT id, i, r, s, b, n, d, typeof(i), typeof(r), typeof(s) FROM t ORDER BY id"


def _many_one_by_one(sql, rows):
    """Each row through execute() (the hot path after the first), then the cursor's state."""
    def step(conn, module):
        out = []
        for row in rows:
            cur = conn.execute(sql, row)
            out.append((cur.rowcount, cur.lastrowid, cur.description))
        return out
    return step


def _select_each(sql, params):
    def step(conn, module):
        return [(tuple(conn.execute(sql, p).fetchall()), conn.execute(sql, p).description)
                for p in params]
    return step


CASES = [
    Case("hot_insert_values_and_coercions", [
        T,
        "BEGIN",
        _many_one_by_one(INS, [
            (1, 1.5, "a", b"\x00", 1, 1),
            (2**63 - 1, 2, 3, b"", "12", "x"),
            ("7", "2.5", 4.5, None, 2.5, 2.5),
            (None, None, None, None, None, None),
            (-(2**63), float("inf"), "ünïcødé", b"blob", "1e3", b"\x01"),
            (True, False, "", bytearray(b"ba"), " 5 ", "y"),
        ]),
        "COMMIT",
        ROWS,
    ]),
    Case("hot_insert_values_refused", [
        T,
        "BEGIN",
        # remembered (with a binder for these types) before the values it must refuse
        (INS, (1, 1.0, "a", None, None, None)),
        (INS, (1, 1.0, "a", None, None, None)),
        (INS, (1, 1.0, "a", None, None, 7)),
        (INS, (2**63, 1.0, "a", None, None, None)),  # OverflowError, as sqlite3
        (INS, (1, 1.0, "a", None, None, -2**63 - 1)),  # an untyped place: the same
        (INS, (1, 1.0, object(), None, None, None)),  # ProgrammingError
        (INS, (1, 1.0, "a", None, None)),  # wrong count
        (INS, (1, float("nan"), "a", None, None, None)),  # NaN is stored as NULL
        (INS, (1, 1.0, "\ud800", None, None, None)),  # a lone surrogate
        (INS, (1, 1.0, "a", None, None, float("nan"))),
        (INS, (1, 1.0, "a", None, None, "\udc00")),
        (INS, (None, 1.0, "a", None, None, None)),
        "COMMIT",
        ROWS,
        # each on its own: the first error would end a step
        *(("SELECT id FROM t WHERE i = ? AND s = ?", p)
          for p in [(1, "a"), (1, "a"), (1, "a"), (2**63, "a"), (1, "\ud800"),
                    (float("nan"), "a"), (1.0, "a"), ("1", "a"), (True, "a")]),
        # a place with no column type, first seen NULL: any value sqlite3 binds as it is
        *(("SELECT id FROM t WHERE i IS ?", p)
          for p in [(None,), (None,), (None,), (float("nan"),), (2**63,), ("\ud800",), (1,)]),
    ]),
    Case("hot_insert_explicit_and_null_rowids", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, i)",
        "BEGIN",
        _many_one_by_one(INS_ID, [(None, 1), (10, 2), (None, 3), (5, 4), (None, 5), ("20", 6),
                                  (None, 7)]),
        (INS_ID, (10, 8)),  # UNIQUE constraint failed
        _many_one_by_one(INS_ID, [(None, 9)]),
        "COMMIT",
        "SELECT id, i FROM t ORDER BY id",
        "SELECT last_insert_rowid(), changes(), total_changes()",
    ]),
    Case("hot_explicit_rowid_below_the_largest", [
        # an explicit rowid under the table's largest does not become the counter
        "CREATE TABLE t (id INTEGER PRIMARY KEY, i)",
        ("many", "INSERT INTO t VALUES (?, ?)", [(i, i) for i in range(1, 11)]),
        "DELETE FROM t WHERE id = 5",
        "INSERT INTO t VALUES (5, 0)",
        "INSERT INTO t (i) VALUES (1)",
        "BEGIN",
        "DELETE FROM t WHERE id = 3",
        ("INSERT INTO t VALUES (?, ?)", (3, 0)),
        ("INSERT INTO t (i) VALUES (?)", (2,)),
        "COMMIT",
        "SELECT id, i FROM t ORDER BY id",
    ]),
    Case("hot_replace_new_rowid_before_delete", [
        # SQLite picks REPLACE's new rowid before it deletes the rows in conflict
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE, v TEXT)",
        "INSERT INTO t VALUES (1, 'a', 'one'), (2, 'b', 'two'), (3, 'c', 'three')",
        "INSERT OR REPLACE INTO t VALUES (1, 'b', 'both')",
        "REPLACE INTO t (k, v) VALUES ('c', 'new c')",
        "SELECT id, k, v FROM t ORDER BY id",
        "SELECT last_insert_rowid()",
        "CREATE TABLE u (id INTEGER PRIMARY KEY, k TEXT UNIQUE)",
        "INSERT INTO u VALUES (5, 'a')",
        "REPLACE INTO u (k) VALUES ('a')",
        "SELECT id, k FROM u",
    ]),
    Case("hot_insert_or_ignore_in_tx", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE)",
        "BEGIN",
        _many_one_by_one("INSERT OR IGNORE INTO t (k) VALUES (?)",
                         [("a",), ("b",), ("a",), ("c",)]),
        "COMMIT",
        "SELECT id, k FROM t ORDER BY id",
    ]),
    Case("hot_point_select", [
        T,
        ("many", INS, [(i, i / 2, str(i), bytes([i]), i, i) for i in range(1, 6)]),
        _select_each("SELECT id, i, r, s, b, d FROM t WHERE id = ?",
                     [(1,), (3,), ("2",), (2.0,), (None,), (99,)]),
        _select_each("SELECT i AS x, s FROM t WHERE i = ?", [(4,), ("4",)]),
        "BEGIN",
        "UPDATE t SET s = 'changed' WHERE id = 2",
        _select_each("SELECT s FROM t WHERE id = ?", [(2,)]),
        "ROLLBACK",
        _select_each("SELECT s FROM t WHERE id = ?", [(2,)]),
    ]),
    Case("hot_select_with_row_factory", [
        T,
        ("many", INS, [(i, i / 2, str(i), None, i, i) for i in range(1, 4)]),
        lambda conn, module: setattr(conn, "row_factory", module.Row),
        lambda conn, module: [tuple(r) + tuple(r.keys()) for r in
                              (conn.execute("SELECT id, s FROM t WHERE id = ?", (i,)).fetchone()
                               for i in (1, 2, 3))],
        lambda conn, module: setattr(conn, "row_factory", None),
        lambda conn, module: setattr(conn, "text_factory", bytes),
        _select_each("SELECT id, s FROM t WHERE id = ?", [(1,), (2,)]),
    ]),
    # LIMIT ? is coerced whatever the value's type (-1: no limit): a remembered statement's
    # binder must still coerce it, the third time and after
    Case("hot_remembered_limit_parameter", [
        T,
        ("many", INS_ID, [(i, i) for i in range(1, 5)]),
        _select_each("SELECT id FROM t ORDER BY id LIMIT ?", [(-1,), (2,), (-1,), (-1,), (1,)]),
        _select_each("SELECT id FROM t ORDER BY id LIMIT ? OFFSET ?",
                     [(-1, 1), (-1, 2), (1, -1), (-1, 1)]),
    ]),
    Case("hot_limits_apply", [
        T,
        lambda conn, module: conn.setlimit(module.SQLITE_LIMIT_VARIABLE_NUMBER, 1),
        ("SELECT id FROM t WHERE id = ?", (1,)),
        ("SELECT id FROM t WHERE id = ? OR id = ?", (1, 2)),
        lambda conn, module: conn.setlimit(module.SQLITE_LIMIT_SQL_LENGTH, 20),
        ("SELECT id FROM t WHERE id=?", (1,)),  # new text: sqlite3 checks the length on prepare
        "SELECT 1",
    ]),
]



def _cursor_reused(conn, module):
    """One cursor for a query, then the remembered INSERT, then the query again: each execute
    leaves only its own rows, description and counts."""
    cur = conn.cursor()
    out = []
    for k in range(3):
        cur.execute("SELECT id, s FROM t WHERE id = ?", (1,))
        out.append((cur.description, cur.rowcount, cur.fetchall()))
        cur.execute(INS, (k, 0.5, "x", None, 1, 1))
        out.append((cur.description, cur.rowcount, cur.lastrowid, cur.fetchall()))
    return out


def _traced(conn, module):
    seen = []
    stmt = "SELECT s FROM t WHERE id = 1"  # (sqlite3 traces parameters expanded into the text)
    for _ in range(3):
        conn.execute(stmt)
    conn.set_trace_callback(seen.append)
    conn.execute(stmt)
    conn.set_trace_callback(None)
    conn.execute(stmt)
    return seen


def _adapter_registered_later(conn, module):
    stmt = "SELECT ? + 1, s FROM t WHERE id = 1"
    out = [conn.execute(stmt, (5,)).fetchall() for _ in range(3)]
    module.register_adapter(int, lambda v: v * 100)
    try:
        out.append(conn.execute(stmt, (5,)).fetchall())
    finally:
        del module.adapters[(int, module.PrepareProtocol)]
    out.append(conn.execute(stmt, (5,)).fetchall())
    return out


def _function_registered_later(conn, module):
    """A remembered query and INSERT, then a function of the same name as a built-in they call:
    sqlite3 calls the application's from then on (the connection forgets its runners)."""
    query = "SELECT upper(s) FROM t WHERE id = ?"
    insert = "INSERT INTO t (s) VALUES (upper(?))"
    out = []
    conn.execute("BEGIN")
    for i in range(3):
        out.append(conn.execute(query, (1,)).fetchall())
        out.append(conn.execute(insert, (f"x{i}",)).lastrowid)
    conn.create_function("upper", 1, lambda v: f"<{v}>")
    out.append(conn.execute(query, (1,)).fetchall())
    out.append(conn.execute(insert, ("y",)).lastrowid)
    out.append(conn.execute("SELECT s FROM t ORDER BY id DESC LIMIT 2").fetchall())
    conn.rollback()
    return out


def _after_close(conn, module):
    stmt = "SELECT s FROM t WHERE id = ?"
    for _ in range(3):
        conn.execute(stmt, (1,))
    cur = conn.cursor()
    conn.close()
    out = []
    for call in (lambda: conn.execute(stmt, (1,)), lambda: cur.execute(stmt, (1,))):
        try:
            call()
            out.append("ran")
        except Exception as exc:  # noqa: BLE001 - the class is the observation
            out.append((type(exc).__name__, str(exc)))
    return out


def _other_thread(conn, module):
    import threading
    stmt = "SELECT s FROM t WHERE id = ?"
    for _ in range(3):
        conn.execute(stmt, (1,))
    out = []

    def other():
        try:
            conn.execute(stmt, (1,))
            out.append("ran")
        except Exception as exc:  # noqa: BLE001 - the class is the observation
            out.append(type(exc).__name__)
    t = threading.Thread(target=other)
    t.start()
    t.join()
    return out


# Connection.execute and Cursor.execute remember a statement that ran on the hot path and run
# it again without the general path: what changes between two executions must still count.
CASES += [
    Case("hot_remembered_cursor_reused", [
        T,
        ("many", INS, [(i, i / 2, str(i), None, i, i) for i in range(1, 4)]),
        "BEGIN",
        _cursor_reused,
        "COMMIT",
    ]),
    Case("hot_remembered_schema_changes", [
        "CREATE TABLE u (id INTEGER PRIMARY KEY, a TEXT)",
        "BEGIN",
        _many_one_by_one("INSERT INTO u VALUES (?, ?)", [(None, "x"), (None, "y")]),
        "COMMIT",
        _select_each("SELECT * FROM u WHERE id = ?", [(1,), (2,)]),
        "ALTER TABLE u ADD COLUMN b INTEGER DEFAULT 7",
        _select_each("SELECT * FROM u WHERE id = ?", [(1,), (2,)]),
        "BEGIN",
        _many_one_by_one("INSERT INTO u VALUES (?, ?)", [(None, "z")]),
        "ROLLBACK",
        "DROP TABLE u",
        "CREATE TABLE u (id INTEGER PRIMARY KEY, c REAL)",
        ("INSERT INTO u (c) VALUES (?)", (1.5,)),
        _select_each("SELECT * FROM u WHERE id = ?", [(1,), (2,)]),
    ]),
    Case("hot_alter_add_column_in_a_transaction", [
        "CREATE TABLE u (id INTEGER PRIMARY KEY, a TEXT)",
        ("many", "INSERT INTO u (a) VALUES (?)", [("x",), ("y",)]),
        "COMMIT",
        _select_each("SELECT * FROM u WHERE id = ?", [(1,), (2,)]),
        "BEGIN",
        "ALTER TABLE u ADD COLUMN b INTEGER DEFAULT 7",
        "ALTER TABLE u ADD COLUMN c TEXT",
        "COMMIT",
        _select_each("SELECT * FROM u WHERE id = ?", [(1,), (2,)]),
        _select_each("SELECT b, c FROM u WHERE id = ?", [(2,)]),
        "SELECT * FROM u ORDER BY id",
        # rows written earlier in the same transaction take the default too
        "BEGIN",
        ("INSERT INTO u (a) VALUES (?)", ("z",)),
        "ALTER TABLE u ADD COLUMN d REAL DEFAULT 1.5",
        "COMMIT",
        _select_each("SELECT * FROM u WHERE id = ?", [(1,), (3,)]),
        "SELECT * FROM u ORDER BY id",
    ]),
    Case("hot_remembered_trace_adapters", [
        T,
        ("many", INS, [(i, i / 2, str(i), None, i, i) for i in range(1, 4)]),
        _traced,
        _adapter_registered_later,
    ]),
    Case("hot_remembered_function_registered_later", [
        T,
        ("many", INS, [(i, i / 2, str(i), None, i, i) for i in range(1, 4)]),
        _function_registered_later,
    ]),
    Case("hot_remembered_after_close", [
        T,
        ("many", INS, [(i, i / 2, str(i), None, i, i) for i in range(1, 4)]),
        _after_close,
    ], messages=True),
    Case("hot_remembered_other_thread", [
        T,
        ("many", INS, [(i, i / 2, str(i), None, i, i) for i in range(1, 4)]),
        _other_thread,
    ]),
]

if sys.version_info < (3, 11):  # SQLITE_LIMIT_* constants
    CASES = [c for c in CASES if c.name != "hot_limits_apply"]

# A plan outlives a schema change that does not touch what it read (Database.plan): statements
# on `t`, remembered, then changes to other tables, an index, a view, and each time again; then
# changes to `t` itself (a unique index that INSERT OR REPLACE must now use, a new column, a
# renamed column, the table dropped and made again), and to a view over it.
_T_SEL = "SELECT * FROM t WHERE id = ?"
_T_INS = "INSERT INTO t (a) VALUES (?)"
_T_UPSERT = "INSERT OR REPLACE INTO t (a, b) VALUES (?, ?)"


def _t_statements(conn, module):
    out = []
    for i in range(3):  # the third runs the remembered runners
        cur = conn.execute(_T_INS, (f"x{i}",))
        out.append((cur.rowcount, cur.lastrowid))
        cur = conn.execute(_T_UPSERT, ("u", i))
        out.append((cur.rowcount, cur.lastrowid))
        cur = conn.execute(_T_SEL, (1,))
        out.append((cur.fetchall(), cur.description))
        out.append(sorted(conn.execute("SELECT * FROM w").fetchall(), key=repr))  # ties
    conn.commit()
    return out


CASES += [
    Case("plans_outlive_other_schema_changes", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)",
        "CREATE VIEW w AS SELECT a, b FROM t",
        _t_statements,
        "CREATE TABLE other (x)",
        _t_statements,
        "CREATE INDEX other_x ON other (x)",
        "CREATE VIEW ov AS SELECT x FROM other",
        _t_statements,
        "DROP VIEW ov",
        "DROP TABLE other",
        _t_statements,
        "CREATE UNIQUE INDEX t_a ON t (a)",  # INSERT OR REPLACE now replaces the 'u' row
        _t_statements,
        "DROP INDEX t_a",
        _t_statements,
        "DROP VIEW w",
        "CREATE VIEW w AS SELECT b, a, id FROM t WHERE b IS NOT NULL",
        _t_statements,
        "ALTER TABLE t RENAME COLUMN b TO c",
        "DROP VIEW w",
        "CREATE VIEW w AS SELECT c FROM t",
        _t_statements,  # INSERT OR REPLACE names b: no such column, as in sqlite3
        "COMMIT",  # the INSERT before it opened a transaction (a DROP TABLE in one: see below)
        "DROP VIEW w",
        "DROP TABLE t",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, b INTEGER, a TEXT UNIQUE, z DEFAULT 'zz')",
        "CREATE VIEW w AS SELECT z, a FROM t",
        _t_statements,
        "SELECT * FROM t ORDER BY id",
    ], messages=True),
]
