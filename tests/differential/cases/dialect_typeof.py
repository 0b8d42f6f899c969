"""typeof() of a column declared without a type (or with a NUMERIC-affinity type that is not
plainly a number, DATETIME): SQLite keeps the class each value was stored with, so typeof() says
'integer', 'real', 'blob' or 'text' row by row, seen directly, through an alias, a subquery's or
a view's column, and in WHERE. CAST in a view makes the class the cast's."""
from ...differential.harness import Case

TYPELESS = "CREATE TABLE t (id INTEGER PRIMARY KEY, u, d DATETIME, s TEXT)"
TYPELESS_FILL = [
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (1, 1, 3, "1")),
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (2, 2.5, 0.0001, "2.5")),
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (3, "x", "2020-01-02", "x")),
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (4, b"\x00\xff", None, None)),
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (5, None, -7, "")),
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (6, -9223372036854775808, 1e20, "-0")),
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (7, 9223372036854775807, -1.5e-7, "1e5")),
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (8, "", 12345678901234.5, "abc")),
    ("INSERT INTO t VALUES (?, ?, ?, ?)", (9, b"", 0.1, "0.1")),
]

CASES = [
    Case("typeof_typeless_column_values", [
        TYPELESS, *TYPELESS_FILL,
        "SELECT id, u, typeof(u), d, typeof(d), typeof(s) FROM t ORDER BY id",
        "SELECT typeof(u) AS k, count(*) FROM t GROUP BY k ORDER BY k",
    ]),
    Case("typeof_typeless_literals_and_arithmetic", [
        TYPELESS,
        "INSERT INTO t VALUES (1, 1, 2.5, 'a'), (2, 'one', NULL, 'b'), (3, -0.5, 10, 'c')",
        "SELECT id, typeof(u), typeof(d), typeof((u)) FROM t ORDER BY id",
        "UPDATE t SET u = 42 WHERE id = 2",
        "SELECT id, u, typeof(u) FROM t ORDER BY id",
    ]),
    Case("typeof_typeless_where", [
        TYPELESS, *TYPELESS_FILL,
        "SELECT id FROM t WHERE typeof(u) = 'integer' ORDER BY id",
        "SELECT id FROM t WHERE typeof(u) = 'real' OR typeof(d) = 'real' ORDER BY id",
        "SELECT id FROM t WHERE typeof(u) IN ('blob', 'text') ORDER BY id",
    ]),
    Case("typeof_typeless_through_alias_subquery_view", [
        TYPELESS, *TYPELESS_FILL,
        "SELECT x.id, typeof(x.u) FROM t AS x ORDER BY x.id",
        "SELECT id, typeof(w) FROM (SELECT id, u AS w FROM t) ORDER BY id",
        "CREATE VIEW v AS SELECT id, u AS shown, CAST(u AS TEXT) AS as_text, d FROM t",
        "SELECT id, typeof(shown), typeof(as_text), typeof(d) FROM v ORDER BY id",
        "SELECT id FROM v WHERE typeof(shown) = 'blob' ORDER BY id",
    ]),
]
