"""Arithmetic on typeless columns (rewrite/dynamic_math.py): the engine holds such a value as
SQLite's text, and SQLite computes with the number it stands for. Integer stays integer (5 + 1 is
6), real stays real (2.5 + 1 is 3.5), other text is its numeric prefix ('12abc' + 1 is 13), NULL
stays NULL; integer / integer truncates; % is a real when an operand is one; an UPDATE stores the
result so that it reads back (and typeof() sees it) as the number it is."""
from ...differential.harness import Case

T = "CREATE TABLE t (name, n)"
T_FILL = ("INSERT INTO t VALUES ('a', 1), ('b', 2.5), ('c', '12abc'), ('d', NULL), "
          "('e', 'xyz'), ('f', -7), ('g', 0.1), ('h', 3), ('i', 40), ('j', -2.75)")

# text as SQLite's arithmetic reads it (sqlite3AtoF: the longest numeric prefix)
PREFIXES = ("12.5abc", "3e2x", " 7 ", "abc", "-", "-5kg", "+5", "--5", "1.2", "1.5x-2", "5e",
            "3.5e+x", ".5x", "5.x", "-.5", ".", "2024-01-15", "12:30", "1E2", "0x10", "5.",
            "  -12.5e-1xyz", " 1 2", "", "hello", "e5", "1.5e", "- 5", "007", "-0")
# reals and integers around SQLite's switch to exponent forms (1e15, 1e-4) and 2**63
MAGNITUDES = (1e14, -1e14, 123456789012345.6, 1e-3, 3e-5, 9.2e15, 4611686018427387904,
              -4611686018427387904, 12345678901234567, 0.1, 1234567890123456.0, 99999999999999.9,
              1.5e-4, 7)

CASES = [
    Case("dynamic_math_counters", [
        "CREATE TABLE hits (page, n)",
        "INSERT INTO hits VALUES ('home', 0), ('about', 41), ('x', NULL)",
        "UPDATE hits SET n = n + 1",
        "UPDATE hits SET n = n + 1 WHERE page = 'home'",
        "SELECT page, n, typeof(n) FROM hits ORDER BY page",
        ("UPDATE hits SET n = n - ? WHERE page = ?", (2, "about")),
        "SELECT page, n, typeof(n) FROM hits ORDER BY page",
        "UPDATE hits SET n = n * 1.5",
        "SELECT page, n, typeof(n) FROM hits ORDER BY page",
    ]),
    Case("dynamic_math_operators", [
        T,
        T_FILL,
        "SELECT name, n + 1, n - 1, n * 2 FROM t ORDER BY name",
        "SELECT name, n / 2, n / 2.0, 7 / n FROM t WHERE n <> 0 ORDER BY name",
        "SELECT name, n % 3, -n FROM t ORDER BY name",
        "SELECT name, n + n, n * n FROM t ORDER BY name",
    ]),
    Case("dynamic_math_functions", [
        T,
        T_FILL,
        "SELECT name, abs(n), round(n), round(n, 1) FROM t ORDER BY name",
        "SELECT sum(n), total(n), avg(n), count(n) FROM t",
        "SELECT sum(n), total(n), avg(n) FROM t WHERE name IN ('a', 'f', 'h', 'i')",
        "SELECT sum(n), total(n), avg(n) FROM t WHERE name = 'none'",
    ]),
    Case("dynamic_math_group_by", [
        "CREATE TABLE sales (region, amount)",
        "INSERT INTO sales VALUES ('n', 10), ('n', 2.5), ('s', 7), ('s', 8), ('w', NULL)",
        "SELECT region, sum(amount), total(amount), avg(amount) FROM sales "
        "GROUP BY region ORDER BY region",
        "SELECT region, sum(amount) * 2 FROM sales GROUP BY region ORDER BY region",
    ]),
    Case("dynamic_math_where_order", [
        T,
        T_FILL,
        "SELECT name FROM t WHERE n + 1 > 2 ORDER BY name",
        "SELECT name, n FROM t ORDER BY n + 0, name",
        "SELECT name FROM t WHERE n * 2 = 5",
    ]),
    Case("dynamic_math_nested_and_mixed", [
        T,
        T_FILL,
        "CREATE TABLE m (k INTEGER, r REAL, d)",
        "INSERT INTO m VALUES (2, 0.5, 3), (5, 1.25, 0.1), (NULL, NULL, NULL)",
        "SELECT name, (n + 1) * 2, (n - n) * 3, n * 0.1, n - 0.5 FROM t ORDER BY name",
        "SELECT k * d, r * d, d / k, d + r, d % k, (d + 1) / (k - 1) FROM m ORDER BY k",
        ("SELECT name, n + ?, n * ? FROM t ORDER BY name", (1, 0.5)),
        "SELECT d * d * d, -d + 1, abs(-d) FROM m ORDER BY k",
    ]),
    Case("dynamic_math_stored_reals", [
        "CREATE TABLE s (id INTEGER PRIMARY KEY, v)",
        "INSERT INTO s (v) VALUES (0.1), (2), (-3.5), ('xyz'), (NULL), (7)",
        "UPDATE s SET v = v * 0.1",
        "SELECT id, v, typeof(v) FROM s ORDER BY id",
        "UPDATE s SET v = v * 3",
        "SELECT id, v, typeof(v) FROM s ORDER BY id",
        "UPDATE s SET v = v - v",
        "SELECT id, v, typeof(v) FROM s ORDER BY id",
    ]),
    Case("dynamic_math_big_integers", [
        "CREATE TABLE b (v)",
        ("INSERT INTO b VALUES (?), (?), (?)",
         (9223372036854775807, -9223372036854775808, 4611686018427387904)),
        "SELECT v + 0, v * 1, v / 3, v % 1000 FROM b ORDER BY v",
        "SELECT v + 1 > v FROM b ORDER BY v",
    ]),
    Case("dynamic_math_returning", [
        "CREATE TABLE r (id INTEGER PRIMARY KEY, n)",
        "INSERT INTO r (n) VALUES (1), (2.5), ('x'), (NULL)",
        "UPDATE r SET n = n + 1 RETURNING id, n, n * 2, n / 2",
        "DELETE FROM r WHERE id = 2 RETURNING n + 1, -n",
        "SELECT id, n, typeof(n) FROM r ORDER BY id",
    ], unordered=True),
    # text is the longest prefix that is a number: a point or an exponent makes it a real
    Case("dynamic_math_numeric_prefix", [
        "CREATE TABLE p (k INTEGER PRIMARY KEY, v)",
        ("INSERT INTO p (v) VALUES " + ", ".join("(?)" for _ in PREFIXES), PREFIXES),
        "SELECT k, v + 1, v - 0.5, v * 2, -v, v / 2 FROM p ORDER BY k",
        "SELECT k, v + v, v * 3 % 7, (v + 1) * (v - 1) FROM p ORDER BY k",
        "SELECT k, round(v, 1) FROM p ORDER BY k",
        # abs() of '-' is -0.0, of a plain text such as '007' a real: not followed here
        "SELECT k, abs(v) FROM p WHERE v NOT IN ('-', '007', '5.', '-0', '- 5', '--5') ORDER BY k",
        "SELECT total(v), avg(v) FROM p",
        "UPDATE p SET v = v + 0",
        "SELECT k, v, typeof(v) FROM p ORDER BY k",
    ]),
    # a result stored back is SQLite's text of the number, whatever its magnitude
    Case("dynamic_math_stored_magnitudes", [
        "CREATE TABLE s (id INTEGER PRIMARY KEY, v)",
        ("INSERT INTO s (v) VALUES " + ", ".join("(?)" for _ in MAGNITUDES), MAGNITUDES),
        "UPDATE s SET v = v * 10",
        "SELECT id, v, typeof(v) FROM s ORDER BY id",
        "UPDATE s SET v = -v * 100",
        "SELECT id, v, typeof(v) FROM s ORDER BY id",
        "UPDATE s SET v = v / 1000",
        "SELECT id, v, typeof(v) FROM s ORDER BY id",
        "UPDATE s SET v = v * 0.001",
        "SELECT id, v, typeof(v) FROM s ORDER BY id",
        "SELECT id FROM s WHERE v = v * 1 ORDER BY id",
    ]),
    Case("dynamic_math_stored_overflow", [
        "CREATE TABLE o (id INTEGER PRIMARY KEY, v)",
        ("INSERT INTO o (v) VALUES (?), (?), (?), (?)",
         (9223372036854775807, -9223372036854775808, 4611686018427387904, 3037000500)),
        "UPDATE o SET v = v + 1 WHERE id = 1",
        "UPDATE o SET v = v - 1 WHERE id = 2",
        "UPDATE o SET v = v * 4 WHERE id = 3",
        "UPDATE o SET v = v * v WHERE id = 4",
        "SELECT id, v, typeof(v) FROM o ORDER BY id",
        "UPDATE o SET v = v * 1e280",
        "SELECT id, v, typeof(v) FROM o ORDER BY id",
    ]),
    # stored back through INSERT ... SELECT: the selected numbers are bound (differs.py)
    Case("dynamic_math_insert_select", [
        "CREATE TABLE a (v)",
        "CREATE TABLE b (v)",
        "INSERT INTO a VALUES (1), (2.5), (1e15), (-3e-5), ('7x'), (NULL)",
        "INSERT INTO b SELECT v * 10 FROM a",
        "SELECT v, typeof(v) FROM b ORDER BY rowid",
    ]),
    # NUMERIC affinity keeps a whole value as an INTEGER: its arithmetic is an integer's
    Case("dynamic_math_numeric_affinity", [
        "CREATE TABLE u (k INTEGER PRIMARY KEY, m NUMERIC, d DECIMAL(10,2))",
        "INSERT INTO u (m, d) VALUES (3, 2.0), (2.5, 7), ('4', '1.5'), (NULL, -0.25), (-8, 1e20)",
        "SELECT k, m + 1, d * 2, m - d, m / 2, d / 2, m % 3, -m, -d FROM u ORDER BY k",
        "SELECT k, m * 0.5, m + 1.0, (m + 1) * (d + 1) FROM u ORDER BY k",
        "SELECT k FROM u WHERE m + 1 = 4 OR d * 2 = 3 ORDER BY k",
        "UPDATE u SET m = m * 2, d = d + 1",
        "SELECT k, m, d, m + 1, d + 1 FROM u ORDER BY k",
    ]),
    # INSERT ... RETURNING does not compute it yet: NotSupportedError (differs.py), not NULL
    Case("dynamic_math_insert_returning", [
        "CREATE TABLE r (id INTEGER PRIMARY KEY, n, m INTEGER)",
        "INSERT INTO r (n, m) VALUES (5, 1) RETURNING n, m + 1",
        "INSERT INTO r (n, m) VALUES (5, 1) RETURNING n + 1",
    ]),
]
