"""Transactions: legacy implicit BEGIN, autocommit, explicit SQL control, savepoints, `with conn`."""
from ...differential.harness import Case

T = "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)"
AUTO = {"isolation_level": None}


def in_tx(conn, module):
    return conn.in_transaction


def commit(conn, module):
    return conn.commit()


def rollback(conn, module):
    return conn.rollback()


def total_changes(conn, module):
    return conn.total_changes


COUNT = "SELECT count(*) FROM t"
ROWS = "SELECT id, v FROM t ORDER BY id"


def _with_commit(conn, module):
    with conn:
        conn.execute("INSERT INTO t (v) VALUES ('in-with')")
    return conn.in_transaction


def _with_rollback_on_exception(conn, module):
    try:
        with conn:
            conn.execute("INSERT INTO t (v) VALUES ('doomed')")
            raise KeyError("boom")
    except KeyError:
        pass
    return (conn.in_transaction, conn.execute(COUNT).fetchone()[0])


def _with_integrity_error(conn, module):
    try:
        with conn:
            conn.execute("INSERT INTO t (v) VALUES ('fresh')")
            conn.execute("INSERT INTO t (v) VALUES ('a')")  # duplicate of a committed row
    except module.IntegrityError as exc:
        caught = type(exc).__name__
    else:
        caught = None
    return (caught, conn.in_transaction, tuple(r[0] for r in conn.execute(
        "SELECT v FROM t ORDER BY id").fetchall()))


def _with_returns_connection(conn, module):
    with conn as c:
        return c is conn


def _with_exception_propagates(conn, module):
    with conn:
        raise ZeroDivisionError("propagates")


def _with_nested(conn, module):
    with conn:
        conn.execute("INSERT INTO t (v) VALUES ('outer')")
        with conn:
            conn.execute("INSERT INTO t (v) VALUES ('inner')")
        inner_done = conn.in_transaction
    return (inner_done, conn.in_transaction)


def script(sql):
    """executescript, observing only success (the script cursor's own state has cursor_ cases)."""
    def step(conn, module):
        conn.executescript(sql)
        return None
    return step


def _isolation_attr(conn, module):
    return conn.isolation_level


def _set_isolation(value):
    def step(conn, module):
        conn.isolation_level = value
        return conn.isolation_level
    return step


def _close_without_commit(conn, module):
    path = conn.execute("PRAGMA database_list").fetchall()[0][2]
    conn.execute("INSERT INTO t (v) VALUES ('uncommitted')")
    conn.close()
    other = module.connect(path)
    try:
        return tuple(r[0] for r in other.execute("SELECT v FROM t ORDER BY id").fetchall())
    finally:
        other.close()


def _second_connection_sees_commit(conn, module):
    path = conn.execute("PRAGMA database_list").fetchall()[0][2]
    conn.execute("INSERT INTO t (v) VALUES ('x')")
    conn.commit()
    conn.close()
    other = module.connect(path)
    try:
        return tuple(tuple(r) for r in other.execute(ROWS).fetchall())
    finally:
        other.close()


CASES = [
    Case("tx_implicit_begin_insert", [
        T, in_tx,
        "INSERT INTO t (v) VALUES ('a')", in_tx,
        commit, in_tx,
    ]),
    Case("tx_implicit_begin_update", [
        T, "INSERT INTO t (v) VALUES ('a')", commit, in_tx,
        "UPDATE t SET v = 'b'", in_tx,
        rollback, ROWS,
    ]),
    Case("tx_implicit_begin_delete", [
        T, "INSERT INTO t (v) VALUES ('a')", commit,
        "DELETE FROM t", in_tx,
        rollback, ROWS,
    ]),
    Case("tx_implicit_begin_replace", [
        T, "REPLACE INTO t (id, v) VALUES (1, 'r')", in_tx, rollback, ROWS,
    ]),
    Case("tx_no_implicit_begin_select", [
        T, "SELECT * FROM t", in_tx,
    ]),
    Case("tx_no_implicit_begin_ddl", [
        T, in_tx, "CREATE TABLE u (x)", in_tx, "DROP TABLE u", in_tx,
        "CREATE INDEX iv ON t (v)", in_tx,
    ]),
    Case("tx_rollback_undoes_insert", [
        T, "INSERT INTO t (v) VALUES ('kept')", commit,
        "INSERT INTO t (v) VALUES ('gone')",
        "INSERT INTO t (v) VALUES ('gone2')",
        rollback, ROWS, in_tx,
    ]),
    Case("tx_rollback_undoes_update_and_delete", [
        T, "INSERT INTO t (v) VALUES ('a'), ('b'), ('c')", commit,
        "UPDATE t SET v = v || '!' WHERE id = 1",
        "DELETE FROM t WHERE id = 2",
        ROWS, rollback, ROWS,
    ]),
    Case("tx_commit_then_rollback_noop", [
        T, "INSERT INTO t (v) VALUES ('a')", commit, rollback, ROWS, commit, commit,
    ]),
    Case("tx_ddl_inside_implicit_tx_rolls_back", [
        T, "INSERT INTO t (v) VALUES ('a')", "CREATE TABLE u (x)", in_tx, rollback,
        "SELECT name FROM sqlite_master WHERE name = 'u'", COUNT,
    ]),
    Case("tx_autocommit_isolation_none", [
        T, _isolation_attr, "INSERT INTO t (v) VALUES ('a')", in_tx, rollback, ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_isolation_level_default", [_isolation_attr]),
    Case("tx_isolation_level_immediate", [
        T, _isolation_attr, "INSERT INTO t (v) VALUES ('a')", in_tx, rollback, COUNT,
    ], connect_kwargs={"isolation_level": "IMMEDIATE"}),
    Case("tx_isolation_level_exclusive", [
        T, "INSERT INTO t (v) VALUES ('a')", in_tx, commit, COUNT,
    ], connect_kwargs={"isolation_level": "EXCLUSIVE"}),
    Case("tx_isolation_level_deferred_lowercase", [
        T, _isolation_attr, "INSERT INTO t (v) VALUES ('a')", in_tx, rollback, COUNT,
    ], connect_kwargs={"isolation_level": "deferred"}),
    Case("tx_isolation_level_invalid", [
        _set_isolation("BOGUS"), _isolation_attr,
    ]),
    Case("tx_isolation_level_invalid_connect", [
        lambda conn, module: module.connect(":memory:", isolation_level="BOGUS"),
    ]),
    Case("tx_set_isolation_none_commits_pending", [
        T, "INSERT INTO t (v) VALUES ('a')", in_tx, _set_isolation(None), in_tx, rollback, ROWS,
    ]),
    Case("tx_set_isolation_from_none", [
        T, _set_isolation("DEFERRED"), "INSERT INTO t (v) VALUES ('a')", in_tx, rollback, COUNT,
    ], connect_kwargs=AUTO),
    Case("tx_explicit_begin_commit", [
        T, "BEGIN", in_tx, "INSERT INTO t (v) VALUES ('a')", "COMMIT", in_tx, ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_explicit_begin_rollback", [
        T, "BEGIN", "INSERT INTO t (v) VALUES ('a')", "ROLLBACK", in_tx, ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_explicit_begin_end", [
        T, "BEGIN TRANSACTION", "INSERT INTO t (v) VALUES ('a')", "END", in_tx, rollback, ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_explicit_begin_variants", [
        T,
        "BEGIN DEFERRED", in_tx, "COMMIT TRANSACTION",
        "BEGIN IMMEDIATE", in_tx, "END TRANSACTION",
        "BEGIN EXCLUSIVE", in_tx, "ROLLBACK TRANSACTION", in_tx,
        "begin", "insert into t (v) values ('lower')", "commit", ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_explicit_begin_then_conn_commit", [
        T, "BEGIN", "INSERT INTO t (v) VALUES ('a')", commit, in_tx, "ROLLBACK",
    ], connect_kwargs=AUTO),
    Case("tx_explicit_begin_legacy_mode", [
        T, "BEGIN", in_tx, "INSERT INTO t (v) VALUES ('a')", "COMMIT", in_tx, rollback, ROWS,
    ]),
    Case("tx_begin_inside_transaction", [
        T, "BEGIN", "BEGIN", in_tx,
    ], connect_kwargs=AUTO, messages=True),
    Case("tx_begin_after_implicit_begin", [
        T, "INSERT INTO t (v) VALUES ('a')", "BEGIN", in_tx,
    ], messages=True),
    Case("tx_commit_without_transaction", [
        T, "COMMIT",
    ], connect_kwargs=AUTO, messages=True),
    Case("tx_rollback_without_transaction", [
        T, "ROLLBACK", "END",
    ], connect_kwargs=AUTO, messages=True),
    Case("tx_conn_methods_without_transaction", [
        T, commit, rollback, in_tx,
    ]),
    Case("tx_savepoint_release_rollback_to", [
        T, "BEGIN",
        "INSERT INTO t (v) VALUES ('one')",
        "SAVEPOINT sp",
        "INSERT INTO t (v) VALUES ('two')",
        "ROLLBACK TO sp",
        "INSERT INTO t (v) VALUES ('three')",
        "RELEASE sp", in_tx,
        "COMMIT", ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_savepoint_outside_transaction_release", [
        T, "SAVEPOINT s", in_tx,
        "INSERT INTO t (v) VALUES ('a')",
        "RELEASE s", in_tx, rollback, ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_savepoint_outside_transaction_rollback_to", [
        T, "SAVEPOINT s",
        "INSERT INTO t (v) VALUES ('a')",
        "ROLLBACK TO SAVEPOINT s", in_tx, ROWS,
        "RELEASE SAVEPOINT s", in_tx, ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_savepoint_nested", [
        T, "SAVEPOINT a",
        "INSERT INTO t (v) VALUES ('a')",
        "SAVEPOINT b",
        "INSERT INTO t (v) VALUES ('b')",
        "SAVEPOINT c",
        "INSERT INTO t (v) VALUES ('c')",
        "ROLLBACK TO b", ROWS,
        "RELEASE c",
        "RELEASE a", in_tx, ROWS,
    ], connect_kwargs=AUTO, messages=True),
    Case("tx_savepoint_rollback_outer_transaction", [
        T, "BEGIN", "SAVEPOINT s", "INSERT INTO t (v) VALUES ('a')", "RELEASE s", "ROLLBACK", ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_release_unknown_savepoint", [
        T, "RELEASE nope",
    ], connect_kwargs=AUTO, messages=True),
    Case("tx_savepoint_legacy_mode", [
        T, "SAVEPOINT s", in_tx, "INSERT INTO t (v) VALUES ('a')", "RELEASE s", in_tx,
        rollback, ROWS,
    ]),
    Case("tx_savepoint_in_implicit_tx", [
        T, "INSERT INTO t (v) VALUES ('a')", "SAVEPOINT s", "INSERT INTO t (v) VALUES ('b')",
        "ROLLBACK TO s", "RELEASE s", in_tx, commit, ROWS,
    ]),
    Case("tx_context_manager_commit", [
        T, _with_commit, rollback, ROWS,
    ]),
    Case("tx_context_manager_rollback_on_exception", [
        T, "INSERT INTO t (v) VALUES ('a')", commit, _with_rollback_on_exception, ROWS,
    ]),
    Case("tx_context_manager_integrity_error", [
        T, "INSERT INTO t (v) VALUES ('a')", commit, _with_integrity_error,
    ]),
    Case("tx_context_manager_returns_connection", [_with_returns_connection]),
    Case("tx_context_manager_exception_propagates", [
        T, _with_exception_propagates, in_tx,
    ]),
    Case("tx_context_manager_commits_prior_implicit_tx", [
        T, "INSERT INTO t (v) VALUES ('before')", _with_commit, rollback, ROWS,
    ]),
    Case("tx_context_manager_nested", [T, _with_nested, rollback, ROWS]),
    Case("tx_context_manager_autocommit", [
        T, _with_commit, _with_rollback_on_exception, ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_total_changes", [
        T, total_changes,
        "INSERT INTO t (v) VALUES ('a'), ('b'), ('c')", total_changes,
        "UPDATE t SET v = v || '!' WHERE id < 3", total_changes,
        "DELETE FROM t WHERE id = 3", total_changes,
        ROWS, total_changes,
        rollback, total_changes,
        "CREATE TABLE u (x)", total_changes,
    ]),
    Case("tx_changes_functions", [
        T, "INSERT INTO t (v) VALUES ('a'), ('b')", "SELECT changes(), total_changes()",
        "UPDATE t SET v = v || 'x'", "SELECT changes(), total_changes()",
        "SELECT last_insert_rowid()",
    ]),
    Case("tx_executescript_commits_pending", [
        T, "INSERT INTO t (v) VALUES ('pending')", in_tx,
        script("INSERT INTO t (v) VALUES ('scripted');"), in_tx,
        rollback, ROWS,
    ]),
    Case("tx_executescript_with_begin_commit", [
        T, script("BEGIN; INSERT INTO t (v) VALUES ('a'); INSERT INTO t (v) VALUES ('b'); COMMIT;"),
        in_tx, ROWS,
    ]),
    Case("tx_executescript_begin_left_open", [
        T, script("BEGIN; INSERT INTO t (v) VALUES ('a');"), in_tx, rollback, ROWS,
    ]),
    Case("tx_executescript_autocommit_mode", [
        T, "BEGIN", "INSERT INTO t (v) VALUES ('a')",
        script("INSERT INTO t (v) VALUES ('b');"), in_tx, "ROLLBACK", ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_failed_statement_keeps_transaction", [
        T, "INSERT INTO t (v) VALUES ('a')", commit,
        "INSERT INTO t (v) VALUES ('b')",
        "INSERT INTO t (v) VALUES ('a')",
        in_tx, commit, ROWS,
    ]),
    Case("tx_ddl_rollback_explicit", [
        T, "BEGIN", "CREATE TABLE u (x)", "INSERT INTO u VALUES (1)", "ROLLBACK",
        "SELECT * FROM u",
    ], connect_kwargs=AUTO),
    Case("tx_drop_table_rollback", [
        T, "INSERT INTO t (v) VALUES ('a')", "BEGIN", "DROP TABLE t", "ROLLBACK", ROWS,
    ], connect_kwargs=AUTO),
    Case("tx_close_without_commit_discards", [
        T, "INSERT INTO t (v) VALUES ('committed')", commit, _close_without_commit,
    ], file=True),
    Case("tx_commit_visible_after_reopen", [
        T, _second_connection_sees_commit,
    ], file=True),
    Case("tx_autocommit_update_seen_by_later_transaction", [
        # Nano 4.31 hides an UPDATE made in engine autocommit from later transactions
        "CREATE TABLE t (k INTEGER PRIMARY KEY, v TEXT)",
        "INSERT INTO t VALUES (1, 'a'), (2, 'b')",
        "UPDATE t SET v = 'z' WHERE k = 1",
        ("UPDATE t SET v = ? WHERE k = ?", ("y", 2)),
        "BEGIN",
        "SELECT * FROM t ORDER BY k",
        "UPDATE t SET v = v || '!' WHERE k = 1",
        "SELECT * FROM t ORDER BY k",
        "COMMIT",
        "SELECT * FROM t ORDER BY k",
    ], connect_kwargs={"isolation_level": None}),
    Case("tx_drop_table_with_its_writes_then_same_name", [
        # rows written in the transaction, the table dropped in it and made again by its name
        "CREATE TABLE t (id INTEGER PRIMARY KEY, a TEXT, b INTEGER)",
        "BEGIN",
        "INSERT INTO t (a) VALUES ('old')",
        "DROP TABLE t",
        "CREATE TABLE t (id INTEGER PRIMARY KEY, b INTEGER, a TEXT, z DEFAULT 'zz')",
        ("INSERT INTO t (a) VALUES (?)", ("new",)),
        "SELECT * FROM t ORDER BY id",
        "COMMIT",
        "SELECT * FROM t ORDER BY id",
    ], connect_kwargs={"isolation_level": None}),
]
