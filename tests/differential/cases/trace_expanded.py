"""What a trace callback is given: sqlite3_expanded_sql(), the statement (through the ';' that
ends it) with each bound value written as a literal — NULL, an integer, a real as %!.15g, quoted
text, x'hex' — the values as bound (after adapters, before any column affinity), and the plain
text when the expansion has SQLITE_LIMIT_LENGTH bytes or more."""
import sys

from ...differential.harness import Case

T = "CREATE TABLE t (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, d)"


def _traced(*steps):
    """Run `steps` (sql, params) or ("many", sql, rows) with a trace callback set; the traced
    statements, then each statement's rows."""
    def step(conn, module):
        seen = []
        rows = []
        conn.set_trace_callback(seen.append)
        try:
            for item in steps:
                if item[0] == "many":  # rows: a list, or a function making an iterator
                    conn.executemany(item[1], item[2]() if callable(item[2]) else item[2])
                else:
                    rows.append(conn.execute(item[0], item[1]).fetchall())
            conn.commit()
        finally:
            conn.set_trace_callback(None)
        return seen, rows
    return step


FLOATS = (0.1, 1e100, -0.0, 0.0, 1 / 3, 2.0**53 + 1.0, float("inf"), float("-inf"), float("nan"),
          1.0, 1e-5, 1e15, 1e16, -2.5, 5e-324, 1.7976931348623157e308, 0.30000000000000004)


def _values(conn, module):
    """A value of every kind SQLite binds, each in its own statement."""
    seen = []
    conn.set_trace_callback(seen.append)
    try:
        for value in (None, 0, -1, 2**63 - 1, -(2**63), True, False, *FLOATS,
                      "", "it's", "'", "é ü 中", "two\nlines", b"", b"\x00\xff\x10",
                      bytearray(b"ab"), memoryview(b"cd")):
            conn.execute("SELECT ?", (value,))
    finally:
        conn.set_trace_callback(None)
    return seen


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y


def _adapted(conn, module):
    """The trace shows what an adapter returned, as sqlite3 binds it."""
    module.register_adapter(Point, lambda p: f"{p.x};{p.y}")
    try:
        return _traced(("INSERT INTO t (s, d) VALUES (?, ?)", (Point(1, 2), Point(3.5, -4))),
                       ("SELECT s, d FROM t", ()))(conn, module)
    finally:
        del module.adapters[(Point, module.PrepareProtocol)]


def _too_long(conn, module):
    """SQLITE_LIMIT_LENGTH lowered: an expansion of that many bytes or more is traced unexpanded
    (and reported as a DataError to the unraisable hook while callback tracebacks are on)."""
    reported = []
    hook = sys.unraisablehook
    sys.unraisablehook = lambda u: reported.append((u.exc_type.__name__, str(u.exc_value)))
    module.enable_callback_tracebacks(True)
    old = conn.setlimit(module.SQLITE_LIMIT_LENGTH, 128)
    seen = []
    conn.set_trace_callback(seen.append)
    try:
        # CPython's test_trace_too_much_expanded_sql compares a=?, an integer with text, which
        # PostgreSQL refuses; text with text traces the same way on every engine
        template = "select 1 as a where 'b'="
        for param in ("a" * 128, "a", "a" * 101, "a" * 102, "é" * 51, "é" * 50):
            conn.execute(template + "?", (param,))
        for param in (b"a" * 55, b"a" * 54):
            conn.execute("select length(?)", (param,))
        conn.execute("select ?, ? ;  -- the tail is not the statement's", ("x" * 120, 1))
        conn.execute("select ?, ? ;  -- the tail is not the statement's", ("x", 1))
        conn.setlimit(module.SQLITE_LIMIT_LENGTH, 20)
        conn.execute("select 1, 2, 3, 4, 5, 6, 7, 8")  # no parameters: the same limit
        conn.execute("select 1, 2, 3, 4, 5")
    finally:
        conn.set_trace_callback(None)
        conn.setlimit(module.SQLITE_LIMIT_LENGTH, old)
        module.enable_callback_tracebacks(False)
        sys.unraisablehook = hook
    return seen, reported


def _user_function(conn, module):
    """A statement that calls a registered function is traced as any other."""
    conn.create_function("twice", 1, lambda v: v * 2)
    return _traced(("SELECT twice(?), :n", {"n": "x"}),
                   ("SELECT twice(i) FROM t WHERE i > ?", (1,)))(conn, module)


CASES = [
    Case("trace_expanded_value_types", [_values]),
    Case("trace_expanded_numbered_and_named", [
        T,
        _traced(
            ("SELECT ?, ?5, ?, ?1", (1, 2.5, "x", None, b"\x01", "six")),
            ("SELECT :a, @b, $c, :a, ?", ("A", "B", "C", "D")),
            ("SELECT :name, :other, :name", {"name": "it's", "other": 3}),
            ("SELECT '?', \"?\", ? /* ? :a */ -- ? @b\n, ?", (1, 2)),
            ("SELECT ?2, ?", (1, 2, 3)),
            ("SELECT ? ;  ", (7,)),
            ("SELECT 1 ; -- done", ()),
        ),
    ]),
    Case("trace_expanded_column_affinity", [
        T,
        # values as bound, not as the columns store them: '12' stays text, 1 stays an integer
        _traced(("INSERT INTO t (i, r, s, b, d) VALUES (?, ?, ?, ?, ?)", ("12", 1, 3, b"x", 1.0)),
                ("UPDATE t SET i = ?, r = ? WHERE s = ?", ("7", "2.5", "3")),
                ("SELECT i, r, s, b, d FROM t WHERE i = ?", ("7",))),
    ]),
    Case("trace_expanded_executemany", [
        T,
        _traced(("many", "INSERT INTO t (i, s) VALUES (?, ?)", [(v, str(v)) for v in range(3)]),
                ("many", "UPDATE t SET r = :r WHERE i = :i", [{"r": 0.5, "i": 0}, {"r": 1e20, "i": 2}]),
                ("many", "DELETE FROM t WHERE s = ?", lambda: iter([("1",), ("none",)])),
                ("SELECT i, r, s FROM t ORDER BY i", ())),
    ]),
    Case("trace_expanded_context_manager", [
        # CPython's TraceCallbackTests.test_trace_expanded_sql: the implicit 'BEGIN ' and COMMIT
        lambda conn, module: _traced_block(conn),
    ]),
    Case("trace_expanded_autocommit", [
        T,
        _traced(("INSERT INTO t (i) VALUES (?)", (1,)), ("SELECT i FROM t WHERE i = ?", (1,))),
    ], connect_kwargs={"isolation_level": None}),
    Case("trace_expanded_adapter", [T, _adapted]),
    Case("trace_expanded_too_long", [_too_long]),
    Case("trace_expanded_user_function", [
        T,
        ("INSERT INTO t (i) VALUES (?)", (2,)),
        _user_function,
    ]),
]


def _traced_block(conn):
    seen = []
    conn.set_trace_callback(seen.append)
    try:
        with conn:
            conn.execute("create table u(t)")
            conn.executemany("insert into u values(?)", ((v,) for v in range(3)))
    finally:
        conn.set_trace_callback(None)
    return seen
