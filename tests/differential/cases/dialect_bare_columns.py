"""Bare columns: a column of an aggregate query neither aggregated nor grouped takes its value from
one row of the group: with one min()/max(), the first row (in scan order) holding the min/max,
NULLs ignored; otherwise the group's first row. Grouped by a rowid, every row agrees."""
from ...differential.harness import Case

G = "CREATE TABLE g (id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c INTEGER, r REAL)"
G_FILL = ("INSERT INTO g VALUES (1, 1, 'x', 5, 0.5), (2, 2, 'y', 7, 1.5), (3, 2, 'z', 7, 2.5), "
          "(4, NULL, 'n', NULL, NULL), (5, 1, 'w', 3, 3.5), (6, 3, 'q', NULL, 4.5), "
          "(7, 5, 'p1', NULL, 5.5), (8, 5, 'p2', NULL, 6.5), (9, 5, 'p3', 4, 7.5), "
          "(10, 5, 'p4', NULL, 8.5), (11, 5, 'p5', 4, 9.5)")

CASES = [
    Case("bare_columns_min_max_without_group_by", [
        G,
        G_FILL,
        "SELECT b, max(c) FROM g",
        "SELECT b, r, min(c) FROM g",
        "SELECT b, max(c) + 1, count(*) FROM g",
        "SELECT upper(b) AS u, max(a) FROM g",
        "SELECT id, a, b, c, r, max(r) FROM g",
        "SELECT b, max(c) FROM g WHERE a = 5 AND c IS NULL",
        ("SELECT b, max(c) FROM g WHERE c < ?", (7,)),
        "SELECT b, max(c) FROM g WHERE c > 100",
    ]),
    Case("bare_columns_first_row_without_min_max", [
        G,
        G_FILL,
        "SELECT b, count(*) FROM g",
        "SELECT b, r, sum(c) FROM g WHERE a > 1",
        "SELECT b, count(*) FROM g WHERE 0",
    ]),
    Case("bare_columns_with_group_by", [
        G,
        G_FILL,
        "SELECT a, b, count(*) FROM g GROUP BY a ORDER BY a",
        "SELECT a, b, r, max(c) FROM g GROUP BY a ORDER BY a",
        "SELECT a, b, min(c) FROM g GROUP BY a ORDER BY b",
        "SELECT b FROM g GROUP BY a ORDER BY a",
        "SELECT a % 2, b, sum(c) FROM g GROUP BY 1 ORDER BY 1",
        "SELECT a, upper(b), count(*) FROM g WHERE c > 0 GROUP BY a ORDER BY a",
        "SELECT b AS bb, max(c) AS m FROM g GROUP BY a ORDER BY m DESC, bb",
        ("SELECT a, b, max(c) FROM g WHERE id <> ? GROUP BY a ORDER BY a", (2,)),
    ]),
    Case("bare_columns_with_having", [
        G,
        G_FILL,
        "SELECT a, b, max(c) FROM g GROUP BY a HAVING count(*) > 1 ORDER BY a",
        "SELECT a, b, count(*) FROM g GROUP BY a HAVING b <> 'x' ORDER BY a",
    ]),
    Case("bare_columns_grouped_by_rowid", [
        G,
        G_FILL,
        "CREATE TABLE o (id INTEGER PRIMARY KEY, gid INTEGER, amt INTEGER)",
        "INSERT INTO o VALUES (1, 1, 10), (2, 1, 20), (3, 2, 5), (4, 9, 1)",
        ("SELECT g.id, g.b, g.r, sum(o.amt) FROM g JOIN o ON o.gid = g.id GROUP BY g.id "
         "ORDER BY g.id"),
        ("SELECT g.b, count(o.id) FROM g LEFT JOIN o ON o.gid = g.id GROUP BY g.id "
         "ORDER BY g.id"),
    ]),
    Case("bare_columns_table_without_rowid_alias", [
        "CREATE TABLE h (k TEXT, v REAL, n INTEGER)",
        "INSERT INTO h VALUES ('a', 1.5, 1), ('b', 2.5, 2), ('a', 0.5, 3), ('b', 2.5, 4)",
        "SELECT k, n, max(v) FROM h GROUP BY k ORDER BY k",
        "SELECT k, n, count(*) FROM h",
        "SELECT rowid, k, min(v) FROM h",
        "SELECT k, v, n, count(*) FROM h GROUP BY k ORDER BY k",
    ]),
]
