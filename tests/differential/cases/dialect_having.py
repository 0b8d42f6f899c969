"""HAVING on grouped terms: a GROUP BY column or expression tested in HAVING is the group's value
of it (NULL for the NULL group), alone, in an expression, next to an aggregate, through a result
alias, with OR / IN / BETWEEN / LIKE / a parameter, in a subquery, with ORDER BY and LIMIT.

HAVING on aggregates in the forms Nano's HAVING cannot evaluate (rewrite/grouped_outer.py): a bound
parameter, IS NULL, IN, BETWEEN, CASE, function calls, a result alias, with the result's names,
types and order, ORDER BY / LIMIT / OFFSET / DISTINCT, in nested queries and without GROUP BY."""
from ...differential.harness import Case

G = "CREATE TABLE g (a INTEGER, b TEXT, c INTEGER, r REAL)"
G_FILL = ("INSERT INTO g VALUES (1, 'x', 1, 0.5), (2, 'y', 2, 1.5), (2, 'y', 3, 2.5), "
          "(3, 'z', 4, NULL), (NULL, 'n', 5, 4.5), (NULL, 'n', NULL, 5.5), (4, 'Y', 6, 6.5)")


def _commit(conn, module):
    conn.commit()  # Nano's subqueries do not see the open transaction's rows (see the report)


CASES = [
    Case("having_grouped_column", [
        G,
        G_FILL,
        "SELECT a FROM g GROUP BY a HAVING a <> 1 ORDER BY a",
        "SELECT a, count(*) FROM g GROUP BY a HAVING a > 1 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING a = 2",
        "SELECT a, count(*) FROM g GROUP BY a HAVING a IS NULL",
        "SELECT a FROM g GROUP BY a HAVING a IS NOT NULL ORDER BY a",
        "SELECT a, b FROM g GROUP BY a, b HAVING b <> 'x' ORDER BY a, b",
        "SELECT a, b, sum(c) FROM g GROUP BY a, b HAVING a <> 1 AND b <> 'z' ORDER BY a, b",
        "SELECT g.a FROM g GROUP BY g.a HAVING g.a > 1 ORDER BY 1",
        "SELECT a FROM g GROUP BY 1 HAVING a >= 3 ORDER BY a",
        "SELECT r FROM g GROUP BY r HAVING r > 2 ORDER BY r",
        "SELECT a FROM g WHERE c > 1 GROUP BY a HAVING a < 4 ORDER BY a",
    ]),
    Case("having_grouped_expression", [
        G,
        G_FILL,
        "SELECT a FROM g GROUP BY a HAVING a + 1 > 2 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING NOT (a = 1) ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING coalesce(a, 0) <> 1 ORDER BY a",
        "SELECT a % 2 FROM g GROUP BY a % 2 HAVING a % 2 = 0",
        "SELECT a % 2 AS m, count(*) FROM g GROUP BY a % 2 HAVING a % 2 = 1",
        "SELECT upper(b), count(*) FROM g GROUP BY upper(b) HAVING upper(b) = 'Y'",
    ]),
    Case("having_grouped_with_aggregate", [
        G,
        G_FILL,
        "SELECT a FROM g GROUP BY a HAVING a <> 1 AND count(*) >= 1 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING count(*) >= 1 AND a <> 1 ORDER BY a",
        "SELECT a, count(*) FROM g GROUP BY a HAVING count(*) > 1 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING a + count(*) > 3 ORDER BY a",
        "SELECT a, count(*) FROM g GROUP BY a HAVING a * count(*) >= 4 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING sum(c) > a ORDER BY a",
        "SELECT a, max(c) FROM g GROUP BY a HAVING max(c) > 1 AND min(c) < 5 ORDER BY a",
        "SELECT a % 2, count(*) FROM g GROUP BY a % 2 HAVING a % 2 + count(*) > 2",
    ]),
    Case("having_grouped_result_alias", [
        G,
        G_FILL,
        "SELECT a AS k FROM g GROUP BY a HAVING k <> 1 ORDER BY k",
        "SELECT a AS k, count(*) AS n FROM g GROUP BY k HAVING k > 1 AND n > 1",
        "SELECT a, count(*) AS n FROM g GROUP BY a HAVING n > 1",
    ]),
    Case("having_grouped_or", [
        G,
        G_FILL,
        "SELECT a FROM g GROUP BY a HAVING a = 1 OR a = 3 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING a = 1 OR count(*) > 1 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING count(*) > 1 OR a = 1 ORDER BY a",
        ("SELECT a, b FROM g GROUP BY a, b HAVING (a > 1 OR count(*) > 5) AND (b <> 'z' OR "
         "count(*) > 5) ORDER BY a"),
    ]),
    Case("having_grouped_in_between_like", [
        G,
        G_FILL,
        "SELECT a FROM g GROUP BY a HAVING a IN (1, 3) ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING a NOT IN (1, 3) ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING a BETWEEN 2 AND 3 ORDER BY a",
        "SELECT b FROM g GROUP BY b HAVING b LIKE 'y%' ORDER BY b",
        "SELECT b FROM g GROUP BY b HAVING b GLOB 'y*' ORDER BY b",
    ]),
    Case("having_grouped_parameter", [
        G,
        G_FILL,
        ("SELECT a FROM g GROUP BY a HAVING a <> ? ORDER BY a", (1,)),
        ("SELECT a, count(*) FROM g GROUP BY a HAVING a BETWEEN ? AND ? ORDER BY a", (2, 3)),
        ("SELECT b FROM g GROUP BY b HAVING b = :name", {"name": "y"}),
    ]),
    Case("having_without_group_by", [
        G,
        G_FILL,
        "SELECT count(*) FROM g HAVING count(*) > 0",
        "SELECT count(*) FROM g HAVING count(*) > 100",
        "SELECT max(c) FROM g HAVING max(c) > 3",
    ]),
    Case("having_grouped_in_subquery", [
        G,
        G_FILL,
        _commit,
        "SELECT * FROM (SELECT a FROM g GROUP BY a HAVING a <> 1) AS s ORDER BY a",
        "SELECT a FROM g WHERE a IN (SELECT a FROM g GROUP BY a HAVING a <> 1) ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING a IN (SELECT c FROM g) ORDER BY a",
        "SELECT (SELECT count(*) FROM g AS h GROUP BY h.a HAVING h.a = 2) AS n",
    ]),
    Case("having_grouped_order_limit", [
        G,
        G_FILL,
        "SELECT a FROM g GROUP BY a HAVING a <> 1 ORDER BY a DESC LIMIT 1",
        ("SELECT a, count(*) AS n FROM g GROUP BY a HAVING a > 0 AND n >= 1 ORDER BY a DESC "
         "LIMIT 2 OFFSET 1"),
        "SELECT a FROM g GROUP BY a HAVING 1 = 1 ORDER BY a",
    ]),
    Case("having_aggregate_parameter", [
        G,
        G_FILL,
        ("SELECT a, count(*) FROM g GROUP BY a HAVING count(*) > ? ORDER BY a", (1,)),
        ("SELECT a, count(*) FROM g GROUP BY a HAVING ? < count(*) ORDER BY a", (1,)),
        ("SELECT a, sum(c) FROM g GROUP BY a HAVING sum(c) + ? > 6 ORDER BY a", (1,)),
        ("SELECT a FROM g GROUP BY a HAVING count(*) = ? OR count(*) = ? ORDER BY a", (1, 3)),
        ("SELECT a, sum(c) FROM g WHERE c > ? GROUP BY a HAVING sum(c) > ? ORDER BY a", (1, 2)),
        ("SELECT a, sum(c) FROM g WHERE c > ?2 GROUP BY a HAVING sum(c) > ?1 ORDER BY a", (2, 1)),
        ("SELECT a, sum(c) FROM g GROUP BY a HAVING sum(c) > :lo AND a <> :skip ORDER BY a",
         {"lo": 2, "skip": 4}),
        ("SELECT a, avg(r) FROM g GROUP BY a HAVING avg(r) > ? ORDER BY a", (1.0,)),
        ("SELECT b, max(a) FROM g GROUP BY b HAVING max(b) = ? ORDER BY b", ("y",)),
        ("SELECT a FROM g GROUP BY a HAVING count(*) > ? ORDER BY a", (100,)),
    ]),
    Case("having_aggregate_null_in_between", [
        G,
        G_FILL,
        "SELECT a FROM g GROUP BY a HAVING max(c) IS NULL",
        "SELECT a, max(c) FROM g GROUP BY a HAVING max(c) IS NOT NULL ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING count(*) IN (2, 3) ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING count(*) NOT IN (2, 3) ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING count(*) BETWEEN 2 AND 3 ORDER BY a",
        ("SELECT a FROM g GROUP BY a HAVING sum(c) BETWEEN ? AND ? ORDER BY a", (2, 6)),
        "SELECT b, count(*) FROM g GROUP BY b HAVING max(a) IS NULL OR count(*) > 1 ORDER BY b",
    ]),
    Case("having_aggregate_functions", [
        G,
        G_FILL,
        "SELECT a, coalesce(max(c), 0) FROM g GROUP BY a HAVING coalesce(max(c), 0) = 0",
        "SELECT a FROM g GROUP BY a HAVING CASE WHEN count(*) > 1 THEN 1 ELSE 0 END ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING abs(sum(c)) > 4 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING sum(c) / count(*) > 2 ORDER BY a",
        "SELECT a FROM g GROUP BY a HAVING total(c) > 4 ORDER BY a",
        "SELECT a, max(b) FROM g GROUP BY a HAVING max(b) LIKE 'y%' ORDER BY a",
        "SELECT a, group_concat(b) FROM g GROUP BY a HAVING group_concat(b) = 'y,y'",
        "SELECT a FROM g GROUP BY a HAVING length(max(b)) = 1 AND count(*) > 1 ORDER BY a",
    ]),
    Case("having_aggregate_result_alias", [
        G,
        G_FILL,
        ("SELECT a, count(*) AS n FROM g GROUP BY a HAVING n > ? ORDER BY a", (1,)),
        ("SELECT a, sum(r) AS s FROM g GROUP BY a HAVING s > ? ORDER BY s DESC, a", (2.0,)),
        (("SELECT a, count(*) AS n, sum(c) FROM g GROUP BY a HAVING sum(c) IS NULL OR n > ? "
         "ORDER BY n DESC, a"), (1,)),
        "SELECT a + 1 AS k, count(*) FROM g GROUP BY a + 1 HAVING count(*) IN (2) ORDER BY k",
    ]),
    Case("having_aggregate_order_limit", [
        G,
        G_FILL,
        ("SELECT a, sum(c) FROM g GROUP BY a HAVING sum(c) > ? ORDER BY a LIMIT ?", (2, 1)),
        (("SELECT a, sum(c) FROM g GROUP BY a HAVING sum(c) > ? ORDER BY sum(c) DESC, a "
         "LIMIT ? OFFSET ?"), (0, 2, 1)),
        (("SELECT a, count(*) AS n FROM g GROUP BY a HAVING count(*) > ? ORDER BY n DESC, a "
         "LIMIT 2 OFFSET 1"), (0,)),
        ("SELECT DISTINCT count(*) AS n FROM g GROUP BY a HAVING count(*) > ? ORDER BY n", (0,)),
        ("SELECT a FROM g GROUP BY a HAVING max(c) IS NOT NULL ORDER BY max(c) DESC", ()),
    ]),
    Case("having_aggregate_nested", [
        G,
        G_FILL,
        _commit,
        (("SELECT * FROM (SELECT a, count(*) AS n FROM g GROUP BY a HAVING count(*) > ?) AS s "
         "ORDER BY a"), (1,)),
        (("SELECT a FROM g WHERE a IN (SELECT a FROM g GROUP BY a HAVING count(*) > ?) "
         "ORDER BY a"), (1,)),
        (("WITH t AS (SELECT a, count(*) AS n FROM g GROUP BY a HAVING count(*) > ?) "
         "SELECT * FROM t ORDER BY a"), (1,)),
        (("SELECT (SELECT count(*) FROM g AS h GROUP BY h.a HAVING count(*) > ? ORDER BY 1 "
         "LIMIT 1) AS x"), (1,)),
        (("SELECT g.a, count(*) AS n FROM g JOIN g AS h ON g.a = h.a GROUP BY g.a "
         "HAVING count(*) > ? ORDER BY n DESC, g.a"), (1,)),
    ]),
    Case("having_aggregate_without_group_by", [
        G,
        G_FILL,
        ("SELECT count(*) FROM g HAVING count(*) > ?", (1,)),
        ("SELECT count(*) FROM g HAVING count(*) > ?", (100,)),
        "SELECT max(c) AS m FROM g HAVING max(c) IS NOT NULL",
    ]),
]
