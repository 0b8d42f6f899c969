"""Behaviours CPython's own sqlite3 suite checks that daemon mode once did differently from the
embedded engines. Every engine runs them: on a server they exercise the transport and the places
where two connections reach one server database."""
from ...differential.harness import Case

FOO = "CREATE TABLE foo (key INTEGER)"


def _fill_foo(conn, module):
    conn.executemany("INSERT INTO foo (key) VALUES (?)", [(3,), (4,)])
    conn.commit()
    return conn.in_transaction


def _backup_to_second_memory_connection(conn, module):
    """On a server two `connect(":memory:")` reach one database: the backup must not copy the
    database onto itself (it raised "table foo already exists")."""
    journal = []
    target = module.connect(":memory:")
    try:
        conn.backup(target, progress=lambda status, remaining, total: journal.append(remaining))
        rows = tuple(tuple(r) for r in target.execute("SELECT key FROM foo ORDER BY key"))
        return (rows, tuple(journal), target.in_transaction)
    finally:
        target.close()


def _backup_all_pages_to_second_memory_connection(conn, module):
    target = module.connect(":memory:")
    try:
        conn.backup(target, pages=-1)
        return tuple(tuple(r) for r in target.execute("SELECT key FROM foo ORDER BY key"))
    finally:
        target.close()


CASES = [
    # typeless and NUMERIC-affinity columns hold canonical text on a server; PostgreSQL refused
    # to compare them with an integer literal (text = integer)
    Case("daemon_parity_dynamic_column_equals_integer",
         ["CREATE TABLE t (id INTEGER PRIMARY KEY, x, y foo)",
          "INSERT INTO t (x, y) VALUES (1, 1), ('abc', 'abc'), (10, 10), (-2, -2), (NULL, NULL)",
          "SELECT id, x FROM t WHERE x = 1",
          "SELECT id, y FROM t WHERE 1 = y",
          "SELECT id, x FROM t WHERE x <> 1 ORDER BY id",
          "SELECT id FROM t WHERE x = -2 AND y = -2",
          "WITH v AS (SELECT * FROM t) SELECT id, y FROM t WHERE y = 10"]),
    # PostgreSQL names an unaliased expression ?column?; SQLite by its text, which `*` shows
    Case("daemon_parity_cte_expression_column_names",
         ["WITH one AS (SELECT 1) SELECT * FROM one",
          "WITH c AS (SELECT 1, 'a', 2.5) SELECT * FROM c",
          ('WITH RECURSIVE c AS (SELECT 1 UNION ALL SELECT "1" + 1 FROM c WHERE "1" < 3) '
           "SELECT * FROM c"),
          "WITH c AS (SELECT 7 AS n, 8) SELECT c.* FROM c"]),
    Case("daemon_parity_backup_to_second_memory_connection",
         [FOO, _fill_foo, _backup_to_second_memory_connection, "SELECT key FROM foo ORDER BY key"]),
    Case("daemon_parity_backup_all_pages_to_second_memory_connection",
         [FOO, _fill_foo, _backup_all_pages_to_second_memory_connection,
          "SELECT count(*) FROM foo"]),
]
