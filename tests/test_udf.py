"""User-defined functions and collations: what heliosdb_sqlite refuses (NotSupportedError naming
the function and the place), and how registrations stay with their connection. What it runs is
compared with stdlib sqlite3 in tests/differential/cases/surface_udf.py."""
from __future__ import annotations

import sqlite3
import sys

import pytest

import heliosdb_sqlite


class Total:
    def __init__(self):
        self.n = 0

    def step(self, v):
        self.n += v

    def inverse(self, v):
        self.n -= v

    def value(self):
        return self.n

    def finalize(self):
        return self.n


@pytest.fixture()
def conn():
    c = heliosdb_sqlite.connect(":memory:")
    c.execute("CREATE TABLE t (a INTEGER, b TEXT, g INTEGER)")
    c.executemany("INSERT INTO t VALUES (?, ?, ?)", [(1, "x", 1), (2, "y", 1), (3, "z", 2)])
    c.create_function("f", 1, lambda v: v)
    c.create_function("det", 1, lambda v: v, deterministic=True)
    c.create_function("upper", 1, lambda v: "U")
    c.create_function("like", 2, lambda a, b: 1)
    c.create_aggregate("agg", 1, Total)
    c.create_window_function("win", 1, Total)
    c.create_collation("rev", lambda a, b: (a < b) - (a > b))
    yield c
    c.close()


@pytest.mark.parametrize("sql, name, place", [
    ("SELECT a FROM t WHERE f(a) = 1", "f()", "a WHERE clause"),
    ("SELECT a FROM t GROUP BY f(a)", "f()", "GROUP BY"),
    ("SELECT count(*) FROM t GROUP BY g HAVING f(count(*)) > 0", "f()", "HAVING"),
    ("SELECT a FROM t ORDER BY f(a) + 1", "f()", "ORDER BY"),
    ("SELECT f(a) + 1 FROM t", "f()", "an expression in the SELECT list"),
    ("SELECT abs(f(a)) FROM t", "f()", "an expression in the SELECT list"),
    ("SELECT (SELECT f(1))", "f()", "a subquery"),
    ("SELECT a FROM (SELECT f(a) AS a FROM t)", "f()", "a subquery"),
    ("WITH c AS (SELECT f(a) FROM t) SELECT * FROM c", "f()", "a WITH clause"),
    ("SELECT t.a FROM t JOIN t AS u ON f(t.a) = u.a", "f()", "a JOIN"),
    ("SELECT a FROM t LIMIT f(1)", "f()", "LIMIT"),
    ("SELECT f(a) FROM t UNION SELECT 1", "f()", "a compound SELECT"),
    ("SELECT row_number() OVER (PARTITION BY f(a)) FROM t", "f()", "a window definition"),
    ("INSERT INTO t VALUES (f(1), 'w', 3)", "f()", "an INSERT statement"),
    ("INSERT INTO t SELECT f(a), b, g FROM t", "f()", "an INSERT statement"),
    ("UPDATE t SET a = f(a)", "f()", "an UPDATE statement"),
    ("DELETE FROM t WHERE f(a) = 1", "f()", "a DELETE statement"),
    ("CREATE TABLE u (x CHECK (f(x) > 0))", "f()", "CREATE TABLE"),
    ("CREATE VIEW v AS SELECT f(a) FROM t", "f()", "CREATE VIEW"),
    ("CREATE UNIQUE INDEX i ON t (a) WHERE det(a) IS NOT NULL", "det()", "CREATE INDEX"),
    ("SELECT upper(b) FROM t WHERE upper(b) = 'U'", "upper()", "a WHERE clause"),
    ("SELECT a FROM t WHERE b LIKE 'x'", "like()", "a WHERE clause"),
    ("SELECT agg(a), a FROM t", "agg()", "the SELECT list"),
    ("SELECT agg(a), count(*) FROM t", "agg()", "the SELECT list"),
    ("SELECT agg(a) FROM t GROUP BY g", "agg()", "GROUP BY"),
    ("SELECT agg(DISTINCT a) FROM t", "agg()", "DISTINCT"),
    ("SELECT win(a) OVER (ORDER BY a RANGE BETWEEN 1 PRECEDING AND CURRENT ROW) FROM t",
     "win()", "RANGE"),
    ("SELECT win(a) OVER (ORDER BY a ROWS 1 PRECEDING EXCLUDE CURRENT ROW) FROM t",
     "win()", "frame"),
    ("SELECT a, f(b) AS q FROM t WHERE q = 'x'", "(q)", "a WHERE clause"),
    ("SELECT a, f(b) AS q FROM t GROUP BY q", "(q)", "GROUP BY"),
    ("SELECT a FROM t WHERE b = 'x' COLLATE rev", "collation rev", "a WHERE clause"),
    ("SELECT b COLLATE rev FROM t", "collation rev", "the SELECT list"),
    ("SELECT a FROM t GROUP BY b COLLATE rev", "collation rev", "GROUP BY"),
    ("CREATE TABLE u (x TEXT COLLATE rev)", "collation rev", "CREATE TABLE"),
    ("SELECT DISTINCT a FROM t ORDER BY b COLLATE rev", "ORDER BY", "DISTINCT"),
    ("SELECT a FROM t ORDER BY b COLLATE rev LIMIT (SELECT 1)", "LIMIT", "Python"),
])
def test_not_supported(conn, sql, name, place):
    with pytest.raises(heliosdb_sqlite.NotSupportedError) as info:
        conn.execute(sql).fetchall()
    message = str(info.value)
    assert name in message and place in message, message
    assert "heliosdb_sqlite" in message


def test_not_supported_in_executemany(conn):
    with pytest.raises(heliosdb_sqlite.NotSupportedError, match=r"f\(\) in an INSERT"):
        conn.executemany("INSERT INTO t VALUES (f(?), 'w', 3)", [(1,), (2,)])
    with pytest.raises(heliosdb_sqlite.ProgrammingError, match="only execute DML"):
        conn.executemany("SELECT f(?)", [(1,)])


def test_sqlite_errors_before_not_supported(conn):
    with pytest.raises(heliosdb_sqlite.OperationalError, match="may not be used as a window"):
        conn.execute("SELECT f(a) OVER () FROM t")
    with pytest.raises(heliosdb_sqlite.OperationalError,
                       match=r"wrong number of arguments to function f\(\)"):
        conn.execute("SELECT f(1, 2)")
    with pytest.raises(heliosdb_sqlite.OperationalError, match="non-deterministic functions "
                                                               "prohibited in index expressions"):
        conn.execute("CREATE INDEX i ON t (f(a))")
    with pytest.raises(heliosdb_sqlite.OperationalError) as info:
        conn.execute("SELECT a FROM t WHERE b = 'x' COLLATE nope")
    assert str(info.value) == "no such collation sequence: nope"
    assert info.value.sqlite_errorname == "SQLITE_ERROR_MISSING_COLLSEQ"
    assert info.value.sqlite_errorcode == 257


def test_deterministic_function_in_partial_index(conn):
    conn.execute("CREATE INDEX i ON t (a) WHERE det(b) IS NOT NULL")
    conn.execute("INSERT INTO t VALUES (4, 'w', 2)")
    assert conn.execute("SELECT count(*) FROM t").fetchone() == (4,)


def test_nothing_registered_costs_one_attribute():
    c = heliosdb_sqlite.connect(":memory:")
    assert c._udf is None
    c.execute("SELECT 1").fetchall()
    assert c._udf is None
    c.create_collation("x", None)  # even deregistering starts a registry, as it starts checks
    assert c._udf is not None


def test_plans_stay_with_their_connection(tmp_path):
    path = str(tmp_path / "udf.db")
    a = heliosdb_sqlite.connect(path)
    b = heliosdb_sqlite.connect(path)
    try:
        a.create_function("mine", 1, lambda v: v * 10)
        sql = "SELECT mine(2)"
        assert a.execute(sql).fetchall() == [(20,)]
        assert sql not in a._db.plans  # the shared cache holds only the engine query
        with pytest.raises(heliosdb_sqlite.OperationalError):
            b.execute(sql).fetchall()
        b.create_function("mine", 1, lambda v: v + 1)
        assert b.execute(sql).fetchall() == [(3,)]
        assert a.execute(sql).fetchall() == [(20,)]
    finally:
        a.close()
        b.close()


def test_redefinition_replaces_cached_plan(conn):
    assert conn.execute("SELECT f(2)").fetchall() == [(2,)]
    conn.create_function("f", 1, lambda v: v * 3)
    assert conn.execute("SELECT f(2)").fetchall() == [(6,)]
    conn.create_window_function("win", 1, None)
    with pytest.raises(heliosdb_sqlite.OperationalError):
        conn.execute("SELECT win(a) OVER () FROM t").fetchall()


def test_reopen_forgets_registrations(conn):
    conn.__init__(":memory:")
    assert conn._udf is None
    with pytest.raises(heliosdb_sqlite.OperationalError):
        conn.execute("SELECT f(1)").fetchall()


def test_registration_on_closed_connection():
    c = heliosdb_sqlite.connect(":memory:")
    c.close()
    for register in (lambda: c.create_function("f", 1, len),
                     lambda: c.create_aggregate("a", 1, Total),
                     lambda: c.create_window_function("w", 1, Total),
                     lambda: c.create_collation("c", None)):
        with pytest.raises(heliosdb_sqlite.ProgrammingError):
            register()


def test_default_unraisable_hook_report(conn, capsys, monkeypatch):
    monkeypatch.setattr(sys, "unraisablehook", sys.__unraisablehook__)

    def broken():
        raise ZeroDivisionError("boom")
    conn.create_function("broken", 0, broken)
    heliosdb_sqlite.enable_callback_tracebacks(True)
    try:
        with pytest.raises(heliosdb_sqlite.OperationalError,
                           match="user-defined function raised exception"):
            conn.execute("SELECT broken()")
    finally:
        heliosdb_sqlite.enable_callback_tracebacks(False)
    err = capsys.readouterr().err
    assert "Exception ignored in: <function" in err and "ZeroDivisionError: boom" in err


def test_function_arg_limit(conn):
    conn.setlimit(heliosdb_sqlite.SQLITE_LIMIT_FUNCTION_ARG, 1)
    assert conn.execute("SELECT abs(-1), count(*) FROM t").fetchall() == [(1, 3)]
    with pytest.raises(heliosdb_sqlite.OperationalError,
                       match="too many arguments on function max"):
        conn.execute("SELECT max(1, 2)")
    conn.setlimit(heliosdb_sqlite.SQLITE_LIMIT_FUNCTION_ARG, 127)
    assert conn.execute("SELECT max(1, 2)").fetchall() == [(2,)]


def test_same_errors_as_sqlite3_for_blob_parameters(conn):
    view = memoryview(b"abcd")[::2]
    for c in (sqlite3.connect(":memory:"), conn):
        with pytest.raises(BufferError, match="not C-contiguous"):
            c.execute("SELECT ?", (view,))
