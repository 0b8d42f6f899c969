"""typeof() of arithmetic and of NUMERIC-affinity columns, and min()/max() of typeless columns.

SQLite's arithmetic gives an integer when both operands are integers (text counts as its numeric
prefix's class) and it fits 64 bits, a real when an operand is real, NULL on NULL or division by
zero (rewrite/functions.py _typeof). A NUMERIC-affinity column (NUMERIC, DECIMAL(10,2)) stores a
whole value inside the 64-bit range as an integer. min()/max() of a typeless column compare
numbers (as numbers) < text < blob and skip NULLs (rewrite/dynamic_minmax.py)."""
from ...differential.harness import Case

T = "CREATE TABLE t (id INTEGER PRIMARY KEY, g, n)"
ROWS = (("a", 2), ("a", 2.5), ("a", "x"), ("b", None), ("b", 1e14), ("b", 123456789012345678),
        ("c", -7), ("c", 10), ("c", "abc"), ("d", 9223372036854775807), ("d", -0.25), ("e", None))
T_FILL = [("INSERT INTO t (g, n) VALUES (?, ?)", row) for row in ROWS]
# a real past 1e15 is stored in its exponent form ('1.0e+15'); arithmetic on it is not covered
# here (dynamic_math.py's known gap on PostgreSQL), min()/max() on it is
T_FILL_BIG = [*T_FILL, ("INSERT INTO t (g, n) VALUES (?, ?)", ("b", 1e15)),
              ("INSERT INTO t (g, n) VALUES (?, ?)", ("c", -2.5e20))]

U = "CREATE TABLE u (id INTEGER PRIMARY KEY, m NUMERIC, d DECIMAL(10,2))"
U_FILL = "INSERT INTO u (m, d) VALUES (3, 2.0), (2.5, 7), ('4', '1.5'), (NULL, 1e20), (0.0, -12)"

CASES = [
    Case("dynamic_typeof_arithmetic", [
        T, *T_FILL,
        "SELECT id, typeof(n + 1), typeof(n * 2), typeof(n - 0.5), typeof(-n) FROM t ORDER BY id",
        "SELECT id, typeof(n / 2), typeof(n / 0), typeof(n % 3), typeof(n % 0) FROM t ORDER BY id",
        "SELECT id, typeof(n + n), typeof((n + 1) * 2), typeof(n * 1.0 + 1) FROM t ORDER BY id",
    ]),
    Case("dynamic_typeof_grouped_and_where", [
        T, *T_FILL,
        "SELECT typeof(n * 1) AS k, count(*) FROM t GROUP BY k ORDER BY k",
        "SELECT g, typeof(n + 0) AS k, count(*) FROM t GROUP BY g, k ORDER BY g, k",
        "SELECT id FROM t WHERE typeof(n + 1) = 'integer' ORDER BY id",
    ]),
    Case("dynamic_typeof_literals_and_params", [
        "SELECT typeof(1 + 2), typeof(1 + 2.0), typeof(5 / 2), typeof(5 / 0), typeof(5 % 0), "
        "typeof(NULL + 1), typeof(-(1)), typeof(2.5 * 2)",
        ("SELECT typeof(? + 1), typeof(? * 2), typeof(? - ?)", (2, 2.5, None, 1)),
    ]),
    Case("dynamic_typeof_numeric_columns", [
        U, U_FILL,
        "SELECT id, m, typeof(m), d, typeof(d) FROM u ORDER BY id",
        "SELECT id, typeof(m + 1), typeof(d * 2), typeof(m + d), typeof(m / 2), typeof(-m), "
        "typeof(m + 0.5) FROM u ORDER BY id",
        "SELECT typeof(m) AS k, count(*) FROM u GROUP BY k ORDER BY k",
        "SELECT id FROM u WHERE typeof(d) = 'integer' ORDER BY id",
        "SELECT id, typeof(w) FROM (SELECT id, m AS w FROM u) ORDER BY id",
    ]),
    Case("dynamic_minmax_classes", [
        T, *T_FILL_BIG,
        "SELECT min(n), max(n), count(n) FROM t",
        "SELECT min(n) AS lo, max(n) AS hi FROM t WHERE g IN ('a', 'b')",
        "SELECT min(n), max(n) FROM t WHERE typeof(n) <> 'text'",
        "SELECT min(n), max(n), count(*) FROM t WHERE id > 100",
        "SELECT min(DISTINCT n), max(n) FROM t WHERE g = 'c'",
        "SELECT typeof(min(n)), typeof(max(n)) FROM t",
    ]),
    Case("dynamic_minmax_grouped", [
        T, *T_FILL_BIG,
        "SELECT g, min(n), max(n) FROM t GROUP BY g ORDER BY g",
        "SELECT g, max(n) AS hi FROM t GROUP BY g HAVING count(n) > 1 ORDER BY g",
        "SELECT x.g, min(x.n) FROM t AS x JOIN t AS y ON x.id = y.id GROUP BY x.g ORDER BY x.g",
        "SELECT g, lo FROM (SELECT g, min(n) AS lo FROM t GROUP BY g) ORDER BY g",
    ]),
    Case("dynamic_minmax_datetime_column", [
        "CREATE TABLE ev (id INTEGER PRIMARY KEY, at DATETIME)",
        "INSERT INTO ev (at) VALUES ('2024-03-01 10:00:00'), ('2023-12-31'), (20240101), "
        "(NULL), (1.5)",
        "SELECT min(at), max(at) FROM ev",
        "SELECT min(at), max(at) FROM ev WHERE typeof(at) = 'text'",
    ]),
    Case("dynamic_minmax_nocase_column", [
        "CREATE TABLE w (id INTEGER PRIMARY KEY, v COLLATE NOCASE)",
        "INSERT INTO w (v) VALUES ('b'), ('A'), ('c'), (NULL)",
        "SELECT min(v), max(v) FROM w",
    ]),
    Case("dynamic_minmax_blob", [
        T, *T_FILL_BIG,
        ("INSERT INTO t (g, n) VALUES (?, ?)", ("e", b"\x01\x02")),
        "SELECT min(n), max(n) FROM t",
        "SELECT typeof(max(n)) FROM t",
    ]),
]
