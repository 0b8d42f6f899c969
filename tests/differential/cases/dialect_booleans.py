"""A comparison, LIKE, IN, BETWEEN, NOT or AND/OR is SQLite's integer 1 or 0 (NULL stays NULL)
wherever a value is read as a number: `sum(status = 'done')`, `(x > 1) + 1`, a CASE result.
And unary minus of NULL is NULL."""
from ...differential.harness import Case

T = "CREATE TABLE t (id INTEGER PRIMARY KEY, x INTEGER, r REAL, s TEXT)"
FILL = ("INSERT INTO t (x, r, s) VALUES (1, 0.0, 'a'), (2, 1.5, 'b'), (3, -2.5, 'ki'), "
        "(NULL, NULL, NULL)")

CASES = [
    Case("booleans_in_aggregates", [
        T, FILL,
        "SELECT sum(x > 1), total(x > 1), avg(x > 1), count(x > 1), max(x > 1), min(s = 'a'), "
        "group_concat(x > 1) FROM t",
        "SELECT sum(s LIKE 'k%'), sum(s IN ('a', 'b')), sum(x BETWEEN 1 AND 2), sum(NOT x > 1), "
        "sum(x > 1 AND s = 'b'), sum(x > 1 OR s IS NULL) FROM t",
        "SELECT s IS NULL, sum(x >= 2) FROM t GROUP BY s IS NULL ORDER BY 1",
        ("SELECT sum(x > ?) FROM t", (1,)),
    ]),
    Case("booleans_in_arithmetic_and_functions", [
        T, FILL,
        "SELECT (x > 1) + 1, (x > 1) * 2, -(x > 1), (x > 1) || 'z', coalesce(x > 1, 9), "
        "abs(x > 1), x > 1 FROM t ORDER BY id",
        "SELECT iif(x > 1, x > 2, 0), CASE WHEN x > 1 THEN x > 2 ELSE 0 END, "
        "CASE WHEN x > 2 THEN 5 ELSE x = 1 END FROM t ORDER BY id",
        "SELECT count(*) FROM t WHERE (x > 1) = 1",
        "SELECT id FROM t WHERE (x > 1) + (s = 'a') >= 1 ORDER BY id",
        "SELECT printf('%d', x > 1), typeof(x > 1), typeof((x > 1) + 0) FROM t ORDER BY id",
    ]),
    Case("booleans_negation_of_null", [
        T, FILL,
        "SELECT -x, -r, -(x * 2), - - x, -abs(x), -(1), -(0.0) FROM t ORDER BY id",
        "SELECT sum(-x), min(-r) FROM t",
        "UPDATE t SET x = -x WHERE id > 2",
        "SELECT id, x FROM t ORDER BY id",
    ]),
]
