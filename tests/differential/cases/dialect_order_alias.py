"""ORDER BY in a grouped query that reads the result by alias or position, or orders by an
expression of aggregates, next to a grouped column (Nano fails such an ORDER BY with "no such
column: group_0"; rewrite/grouped_outer.py), and by an aggregate that is not a result column."""
from ...differential.harness import Case

G = "CREATE TABLE g (a INTEGER, b TEXT, c INTEGER, r REAL)"
G_FILL = ("INSERT INTO g VALUES (1, 'x', 1, 0.5), (2, 'y', 2, 1.5), (2, 'y', 3, 2.5), "
          "(3, 'z', NULL, NULL), (NULL, 'n', 5, 4.5), (NULL, 'n', NULL, 5.5), (4, 'Y', 6, 6.5), "
          "(4, 'Y', 7, 1.0)")

CASES = [
    Case("order_by_aggregate_alias_then_column", [
        G,
        G_FILL,
        "SELECT a, count(*) AS n FROM g GROUP BY a ORDER BY n DESC, a LIMIT 2 OFFSET 1",
        "SELECT a, count(*) AS n FROM g GROUP BY a ORDER BY n DESC, a",
        "SELECT a, count(*) AS n FROM g GROUP BY a ORDER BY a, n",
        "SELECT b, a, count(*) AS n FROM g GROUP BY b, a ORDER BY n DESC, b, a",
        "SELECT a, total(r) AS t FROM g GROUP BY a ORDER BY t DESC, a",
    ]),
    Case("order_by_aggregate_alias_position", [
        G,
        G_FILL,
        "SELECT a, count(*) AS n FROM g GROUP BY a ORDER BY 2 DESC, a",
        "SELECT count(*) AS n FROM g GROUP BY a ORDER BY n, a",
        "SELECT a AS k, count(*) AS n FROM g GROUP BY a ORDER BY n, k DESC",
        "SELECT DISTINCT count(*) AS n FROM g GROUP BY a ORDER BY n DESC, 1",
    ]),
    Case("order_by_aggregate_alias_expression", [
        G,
        G_FILL,
        "SELECT a, sum(c) AS s FROM g GROUP BY a ORDER BY coalesce(sum(c), 0) DESC, a",
        "SELECT upper(b) AS u, count(*) AS n FROM g GROUP BY upper(b) ORDER BY n DESC, upper(b)",
        "SELECT a + 0 AS x, count(*) AS n FROM g GROUP BY a + 0 ORDER BY n, a + 0",
    ]),
    Case("order_by_aggregate_alias_not_a_result", [
        G,
        G_FILL,
        "SELECT a FROM g GROUP BY a ORDER BY max(c) DESC",
        "SELECT a, count(*) AS n FROM g GROUP BY a ORDER BY n DESC, max(c)",
        "SELECT a FROM g GROUP BY a ORDER BY count(*) DESC, sum(r), a LIMIT 3",
    ]),
    Case("order_by_aggregate_alias_with_parameters", [
        G,
        G_FILL,
        ("SELECT a, count(*) AS n FROM g WHERE c > ? GROUP BY a ORDER BY n DESC, a LIMIT ?",
         (1, 2)),
        ("SELECT a, sum(c) + ? AS s FROM g GROUP BY a ORDER BY s DESC, a", (10,)),
    ]),
    Case("order_by_aggregate_alias_in_expression", [
        G,
        G_FILL,
        "SELECT a, sum(c) AS s FROM g GROUP BY a ORDER BY s IS NULL, s DESC, a",
        "SELECT a, count(*) AS n FROM g GROUP BY a ORDER BY -n, a",
    ]),
]
