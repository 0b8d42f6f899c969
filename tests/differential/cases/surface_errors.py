"""Errors: the exception class (and, where stated, the message) for what applications catch."""
from ...differential.harness import Case


def _hierarchy(conn, module):
    m = module
    return (issubclass(m.Error, Exception), issubclass(m.Warning, Exception),
            issubclass(m.InterfaceError, m.Error), issubclass(m.DatabaseError, m.Error),
            issubclass(m.DataError, m.DatabaseError), issubclass(m.OperationalError, m.DatabaseError),
            issubclass(m.IntegrityError, m.DatabaseError), issubclass(m.InternalError, m.DatabaseError),
            issubclass(m.ProgrammingError, m.DatabaseError),
            issubclass(m.NotSupportedError, m.DatabaseError),
            issubclass(m.IntegrityError, m.OperationalError))


def _connection_exception_attrs(conn, module):
    return tuple(getattr(conn, n) is getattr(module, n) for n in (
        "Error", "Warning", "InterfaceError", "DatabaseError", "DataError", "OperationalError",
        "IntegrityError", "InternalError", "ProgrammingError", "NotSupportedError"))


def _error_code_attrs(sql_setup, sql):
    def step(conn, module):
        for s in sql_setup:
            conn.execute(s)
        try:
            conn.execute(sql)
        except module.Error as exc:
            return (type(exc).__name__, getattr(exc, "sqlite_errorcode", "missing"),
                    getattr(exc, "sqlite_errorname", "missing"))
        return None
    return step


_GUARDED = "CREATE TABLE t (a INTEGER PRIMARY KEY, b INTEGER NOT NULL CHECK (b > 0), u INTEGER UNIQUE)"
_GUARDED_FILL = "INSERT INTO t VALUES (1, 1, 1), (2, 2, 2)"


def _usable_after_error(conn, module):
    conn.execute("CREATE TABLE t (k INTEGER PRIMARY KEY)")
    conn.execute("INSERT INTO t VALUES (1)")
    try:
        conn.execute("INSERT INTO t VALUES (1)")
    except module.IntegrityError:
        pass
    try:
        conn.execute("SELEC 1")
    except module.OperationalError:
        pass
    conn.execute("INSERT INTO t VALUES (2)")
    return tuple(r[0] for r in conn.execute("SELECT k FROM t ORDER BY k"))


def _execute_none(conn, module):
    return conn.execute(None)


CASES = [
    Case("errors_unique_integer_primary_key", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)",
        "INSERT INTO t VALUES (1, 'a')",
        "INSERT INTO t VALUES (1, 'b')",
        "SELECT * FROM t",
    ], messages=True),
    Case("errors_unique_text_primary_key", [
        "CREATE TABLE t (k TEXT PRIMARY KEY, v TEXT)",
        ("INSERT INTO t VALUES (?, ?)", ("x", "a")),
        ("INSERT INTO t VALUES (?, ?)", ("x", "b")),
    ], messages=True),
    Case("errors_unique_text_key_prefix_of_others", [
        # 'k1' is a prefix of 'k10'..'k19': Nano 4.31's radix-tree index then misses it
        "CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER)",
        ("INSERT INTO t VALUES (?, ?)", ("k1", 1)),
        *[("INSERT INTO t VALUES (?, ?)", (f"k1{i}", i)) for i in range(10)],
        ("INSERT INTO t VALUES (?, ?)", ("k1", 2)),
        "SELECT count(*) FROM t WHERE k = 'k1'",
    ], messages=True),
    Case("errors_update_or_abort_fail_rollback", [
        "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT UNIQUE)",
        "INSERT INTO t VALUES (1, 'a'), (2, 'b'), (3, 'c')",
        "UPDATE OR ABORT t SET v = 'z' WHERE k = 1",
        "BEGIN",
        "INSERT INTO t VALUES (10, 'x')",
        "UPDATE OR ABORT t SET v = 'b' WHERE k = 3",
        "UPDATE OR FAIL t SET v = 'b' WHERE k = 3",
        "SELECT * FROM t ORDER BY k",
        "UPDATE OR ROLLBACK t SET v = 'b' WHERE k = 3",
        "SELECT * FROM t ORDER BY k",
    ], messages=True, connect_kwargs={"isolation_level": None}),
    Case("errors_unique_column", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE)",
        "INSERT INTO t (k) VALUES ('x')",
        "INSERT INTO t (k) VALUES ('x')",
        "INSERT INTO t (k) VALUES (NULL)",
        "INSERT INTO t (k) VALUES (NULL)",
        "SELECT count(*) FROM t",
    ], messages=True),
    Case("errors_unique_index", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT)",
        "CREATE UNIQUE INDEX t_k ON t (k)",
        "INSERT INTO t (k) VALUES ('x')",
        "INSERT INTO t (k) VALUES ('x')",
    ], messages=True),
    Case("errors_unique_index_created_over_duplicates", [
        "CREATE TABLE t (k TEXT)",
        "INSERT INTO t VALUES ('x'), ('x')",
        "CREATE UNIQUE INDEX t_k ON t (k)",
    ], messages=True),
    Case("errors_unique_composite", [
        "CREATE TABLE t (a INTEGER, b INTEGER, UNIQUE (a, b))",
        "INSERT INTO t VALUES (1, 1)",
        "INSERT INTO t VALUES (1, 2)",
        "INSERT INTO t VALUES (1, 1)",
    ], messages=True),
    Case("errors_unique_on_update", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT UNIQUE)",
        "INSERT INTO t (k) VALUES ('x'), ('y')",
        "UPDATE t SET k = 'x' WHERE k = 'y'",
        "SELECT k FROM t ORDER BY id",
    ], messages=True),
    Case("errors_unique_class_only", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY)",
        "INSERT INTO t VALUES (1)",
        "INSERT INTO t VALUES (1)",
    ]),
    Case("errors_not_null", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY, c TEXT NOT NULL)",
        "INSERT INTO t (c) VALUES (NULL)",
        "INSERT INTO t (id) VALUES (1)",
        "INSERT INTO t (c) VALUES ('ok')",
        "UPDATE t SET c = NULL",
        "SELECT id, c FROM t",
    ], messages=True),
    Case("errors_check_constraint", [
        "CREATE TABLE t (v INTEGER CHECK (v > 0))",
        "INSERT INTO t VALUES (1)",
        "INSERT INTO t VALUES (-1)",
        "SELECT v FROM t",
    ], messages=True),
    Case("errors_named_check_constraint", [
        "CREATE TABLE t (v INTEGER, CONSTRAINT positive CHECK (v > 0))",
        "INSERT INTO t VALUES (0)",
    ], messages=True),
    Case("errors_foreign_key_enforced", [
        "PRAGMA foreign_keys = ON",
        "CREATE TABLE p (id INTEGER PRIMARY KEY)",
        "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id))",
        "INSERT INTO p VALUES (1)",
        "INSERT INTO c VALUES (1, 1)",
        "INSERT INTO c VALUES (2, 99)",
        "DELETE FROM p WHERE id = 1",
        "SELECT * FROM c",
    ], messages=True),
    Case("errors_foreign_key_off_by_default", [
        "CREATE TABLE p (id INTEGER PRIMARY KEY)",
        "CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER REFERENCES p(id))",
        "INSERT INTO c VALUES (2, 99)",
        "SELECT * FROM c",
    ]),
    Case("errors_datatype_mismatch_rowid", [
        "CREATE TABLE t (id INTEGER PRIMARY KEY)",
        "INSERT INTO t VALUES ('abc')",
    ], messages=True),
    Case("errors_statement_atomic", [
        "CREATE TABLE t (k INTEGER UNIQUE)",
        "INSERT INTO t VALUES (1)",
        "INSERT INTO t VALUES (2), (3), (1), (4)",
        "SELECT k FROM t ORDER BY k",
    ]),
    Case("errors_no_such_table", [
        "SELECT * FROM t",
        "INSERT INTO t VALUES (1)",
        "UPDATE t SET x = 1",
        "DELETE FROM t",
    ], messages=True),
    Case("errors_no_such_column", [
        "CREATE TABLE t (a INTEGER)",
        "SELECT nope FROM t",
        "SELECT a FROM t WHERE nope = 1",
        "INSERT INTO t (nope) VALUES (1)",
        "UPDATE t SET nope = 1",
        "SELECT t.nope FROM t",
    ], messages=True),
    Case("errors_no_such_column_class_only", [
        "CREATE TABLE t (a INTEGER)",
        "SELECT nope FROM t",
    ]),
    Case("errors_ambiguous_column", [
        "CREATE TABLE a (id INTEGER)",
        "CREATE TABLE b (id INTEGER)",
        "SELECT id FROM a, b",
    ], messages=True),
    Case("errors_syntax_class", [
        "SELEC 1",
        "SELECT FROM",
        "SELECT * FROM WHERE",
        "CREATE TABLE (x)",
        "SELECT (",
    ]),
    Case("errors_syntax_message", [
        "SELEC 1",
        "SELECT 1 FROM",
        "SELECT (",
        "INSERT INTO",
    ], messages=True),
    Case("errors_table_already_exists", [
        "CREATE TABLE t (a)",
        "CREATE TABLE t (b)",
        "CREATE TABLE IF NOT EXISTS t (c)",
        "CREATE TABLE T (d)",
    ], messages=True),
    Case("errors_index_already_exists", [
        "CREATE TABLE t (a)",
        "CREATE INDEX i ON t (a)",
        "CREATE INDEX i ON t (a)",
        "CREATE INDEX IF NOT EXISTS i ON t (a)",
    ], messages=True),
    Case("errors_drop_missing", [
        "DROP TABLE nope",
        "DROP TABLE IF EXISTS nope",
        "DROP INDEX nope",
        "DROP VIEW IF EXISTS nope",
    ], messages=True),
    Case("errors_wrong_value_count", [
        "CREATE TABLE t (a, b)",
        "INSERT INTO t VALUES (1, 2, 3)",
        "INSERT INTO t (a) VALUES (1, 2)",
    ], messages=True),
    Case("errors_no_such_function", [
        "SELECT nofunc(1)",
        "SELECT abs(1, 2)",
    ], messages=True),
    Case("errors_misuse_of_aggregate", [
        "CREATE TABLE t (a)",
        "SELECT a FROM t WHERE count(*) > 1",
    ], messages=True),
    Case("errors_two_statements_in_execute", [
        "CREATE TABLE t (a)",
        "INSERT INTO t VALUES (1); INSERT INTO t VALUES (2)",
        "SELECT 1; SELECT 2",
        "SELECT count(*) FROM t",
    ], messages=True),
    Case("errors_two_statements_class_only", [
        "SELECT 1; SELECT 2",
    ]),
    Case("errors_executemany_select", [
        "CREATE TABLE t (a)",
        ("many", "SELECT ?", [(1,), (2,)]),
        ("many", "SELECT a FROM t WHERE a = ?", [(1,)]),
    ], messages=True),
    Case("errors_executemany_ddl", [
        ("many", "CREATE TABLE t (a)", [()]),
    ]),
    Case("errors_executemany_two_statements", [
        "CREATE TABLE t (a)",
        ("many", "INSERT INTO t VALUES (?); INSERT INTO t VALUES (?)", [(1, 2)]),
    ]),
    Case("errors_hierarchy", [_hierarchy]),
    Case("errors_connection_exception_attrs", [_connection_exception_attrs]),
    Case("errors_sqlite_errorcode_unique", [
        _error_code_attrs(["CREATE TABLE t (k INTEGER PRIMARY KEY)", "INSERT INTO t VALUES (1)"],
                          "INSERT INTO t VALUES (1)"),
    ]),
    Case("errors_sqlite_errorcode_not_null", [
        _error_code_attrs(["CREATE TABLE t (k NOT NULL)"], "INSERT INTO t VALUES (NULL)"),
    ]),
    # UPDATE OR FAIL checks each row itself (rewrite/update.py): each guard carries its code
    Case("errors_sqlite_errorcode_update_or_fail", [_GUARDED, _GUARDED_FILL] + [
        _error_code_attrs([], sql)
        for sql in ("UPDATE OR FAIL t SET b = NULL WHERE a = 1",
                    "UPDATE OR FAIL t SET b = -1 WHERE a = 1",
                    "UPDATE OR FAIL t SET a = NULL WHERE a = 1",
                    "UPDATE OR FAIL t SET u = 2 WHERE a = 1")
    ] + ["SELECT * FROM t ORDER BY a"]),
    Case("errors_sqlite_errorcode_no_table", [
        _error_code_attrs([], "SELECT * FROM nope"),
    ]),
    Case("errors_connection_usable_after_errors", [_usable_after_error]),
    Case("errors_execute_none_sql", [_execute_none]),
    Case("errors_upsert_paths_do_not_raise", [
        "CREATE TABLE t (k INTEGER PRIMARY KEY, n INTEGER DEFAULT 0)",
        "INSERT INTO t (k) VALUES (1)",
        "INSERT OR IGNORE INTO t (k) VALUES (1)",
        "INSERT OR REPLACE INTO t (k, n) VALUES (1, 5)",
        "INSERT INTO t (k) VALUES (1) ON CONFLICT (k) DO UPDATE SET n = n + 1",
        "INSERT INTO t (k) VALUES (1) ON CONFLICT DO NOTHING",
        "SELECT k, n FROM t",
    ]),
    Case("errors_insert_or_abort_fail_rollback", [
        "CREATE TABLE t (k INTEGER PRIMARY KEY)",
        "INSERT INTO t VALUES (1)",
        "INSERT OR ABORT INTO t VALUES (1)",
        "INSERT OR FAIL INTO t VALUES (1)",
        "INSERT OR ROLLBACK INTO t VALUES (1)",
        lambda conn, module: conn.in_transaction,
        "SELECT k FROM t",
    ], messages=True),
    Case("errors_raise_in_trigger", [
        "CREATE TABLE t (v INTEGER)",
        """CREATE TRIGGER no_neg BEFORE INSERT ON t WHEN new.v < 0
           BEGIN SELECT RAISE(ABORT, 'negative not allowed'); END""",
        "INSERT INTO t VALUES (1)",
        "INSERT INTO t VALUES (-1)",
        "SELECT v FROM t",
    ], messages=True),
]
