"""Collating sequences (https://www.sqlite.org/datatype3.html#collation): a column declared
COLLATE NOCASE / RTRIM / BINARY and the postfix COLLATE operator decide how comparisons, IN,
BETWEEN, ORDER BY, GROUP BY and DISTINCT compare text; the value shown for a group is its first
row's; an unknown collation name is an error. Values are ASCII (Nano's NOCASE also folds
non-ASCII letters, see docs/compatibility.md)."""
from ...differential.harness import Case


def _commit(conn, module):
    conn.commit()  # Nano's subqueries do not see the open transaction's rows

T = "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n TEXT COLLATE NOCASE, r TEXT COLLATE RTRIM)"
T_FILL = ("INSERT INTO t (id, name, n, r) VALUES (5, 'B', 'B', 'x'), (1, 'b', 'b', 'x '), "
          "(3, 'A', 'A', 'y'), (2, 'a', 'a', 'y  '), (4, 'b ', 'b ', 'z'), (6, NULL, NULL, NULL)")

CASES = [
    Case("collate_column_nocase_where", [
        T, T_FILL,
        "SELECT id FROM t WHERE n = 'a' ORDER BY id",
        "SELECT id FROM t WHERE 'B' = n ORDER BY id",
        "SELECT id FROM t WHERE n <> 'b' ORDER BY id",
        "SELECT id FROM t WHERE n < 'B' ORDER BY id",
        "SELECT id FROM t WHERE n >= 'b' ORDER BY id",
        "SELECT id FROM t WHERE n IN ('A', 'x') ORDER BY id",
        "SELECT id FROM t WHERE n NOT IN ('A', 'x') ORDER BY id",
        "SELECT id FROM t WHERE n BETWEEN 'a' AND 'B' ORDER BY id",
        "SELECT id FROM t WHERE n IS 'a' ORDER BY id",
        "SELECT id FROM t WHERE (n) = 'a' ORDER BY id",
        "SELECT id FROM t WHERE +n = 'a' ORDER BY id",
        "SELECT id FROM t WHERE n || '' = 'a' ORDER BY id",
        ("SELECT id FROM t WHERE n = ? ORDER BY id", ("A",)),
        "SELECT id FROM t WHERE n = name ORDER BY id",
        "SELECT id FROM t WHERE name = n ORDER BY id",
        "SELECT n = 'a', n = 'c' FROM t ORDER BY id",
    ]),
    Case("collate_column_rtrim_where", [
        T, T_FILL,
        "SELECT id FROM t WHERE r = 'x' ORDER BY id",
        "SELECT id FROM t WHERE r = 'y ' ORDER BY id",
        "SELECT id FROM t WHERE r IN ('z   ') ORDER BY id",
        "SELECT id FROM t WHERE r > 'x' ORDER BY id",
    ]),
    Case("collate_explicit_where", [
        T, T_FILL,
        "SELECT id FROM t WHERE name = 'a' COLLATE NOCASE ORDER BY id",
        "SELECT id FROM t WHERE name COLLATE NOCASE = 'B' ORDER BY id",
        "SELECT id FROM t WHERE n COLLATE BINARY = 'a' ORDER BY id",
        "SELECT id FROM t WHERE n = 'a' COLLATE BINARY ORDER BY id",
        "SELECT id FROM t WHERE name = 'b' COLLATE RTRIM ORDER BY id",
        "SELECT id FROM t WHERE name COLLATE NOCASE = n COLLATE BINARY ORDER BY id",
        "SELECT id FROM t WHERE name COLLATE NOCASE IN ('a', 'b') ORDER BY id",
        "SELECT id FROM t WHERE name COLLATE NOCASE BETWEEN 'a' AND 'a' ORDER BY id",
        "SELECT 'abc' = 'ABC' COLLATE NOCASE, 'abc' = 'ABC', 'a ' = 'a' COLLATE RTRIM",
        "SELECT name COLLATE NOCASE FROM t ORDER BY id",
        "SELECT id FROM t WHERE name LIKE 'A' COLLATE BINARY ORDER BY id",
    ]),
    Case("collate_order_by", [
        T, T_FILL,
        "SELECT id, n FROM t ORDER BY n",
        "SELECT id, n FROM t ORDER BY n DESC",
        "SELECT id, n FROM t ORDER BY n, id DESC",
        "SELECT id, name FROM t ORDER BY name COLLATE NOCASE",
        "SELECT id, name FROM t ORDER BY name COLLATE NOCASE DESC, id",
        "SELECT id, name FROM t ORDER BY name COLLATE BINARY, id",
        "SELECT id, name FROM t ORDER BY name COLLATE RTRIM, id",
        "SELECT id, n FROM t ORDER BY n COLLATE BINARY, id",
        "SELECT id, r FROM t ORDER BY r, id",
        "SELECT n FROM t ORDER BY 1",
        "SELECT n AS k FROM t ORDER BY k",
        "SELECT name COLLATE NOCASE AS k FROM t ORDER BY k",
        "SELECT id, n FROM t WHERE id > 1 ORDER BY n LIMIT 3",
        "SELECT x FROM (SELECT id, n AS x FROM t) WHERE x = 'A' ORDER BY x, id",
    ]),
    Case("collate_group_by", [
        T, T_FILL,
        "SELECT n, count(*) FROM t GROUP BY n ORDER BY 1",
        "SELECT n, count(*) FROM t GROUP BY n ORDER BY n DESC",
        "SELECT n, count(*) FROM t GROUP BY 1 ORDER BY 2, 1",
        "SELECT n AS k, count(*) AS c FROM t GROUP BY n ORDER BY c, k",
        "SELECT n, max(name) FROM t GROUP BY n ORDER BY n",
        "SELECT name COLLATE NOCASE, count(*) FROM t GROUP BY name COLLATE NOCASE ORDER BY 1",
        "SELECT r, count(*) FROM t GROUP BY r ORDER BY r",
        "SELECT count(*) FROM t GROUP BY n ORDER BY 1",
    ]),
    Case("collate_distinct", [
        T, T_FILL,
        "SELECT DISTINCT n FROM t ORDER BY 1",
        "SELECT DISTINCT n FROM t ORDER BY n DESC",
        "SELECT DISTINCT r FROM t ORDER BY r",
        "SELECT DISTINCT name COLLATE NOCASE FROM t ORDER BY 1",
        "SELECT count(DISTINCT name) FROM t",
    ]),
    Case("collate_window", [
        T, T_FILL,
        "SELECT id, row_number() OVER (PARTITION BY n ORDER BY id) FROM t ORDER BY id",
        "SELECT id, row_number() OVER (ORDER BY name COLLATE NOCASE, id) FROM t ORDER BY id",
    ]),
    Case("collate_having_case", [
        T, T_FILL,
        "SELECT n, count(*) FROM t GROUP BY n HAVING n = 'B' ORDER BY 1",
        "SELECT CASE WHEN n = 'a' THEN 1 ELSE 0 END FROM t ORDER BY id",
        "SELECT n FROM t ORDER BY 1 COLLATE BINARY, id",
        "SELECT name FROM t ORDER BY 1 COLLATE NOCASE, id",
    ]),
    Case("collate_dml", [
        T, T_FILL,
        "UPDATE t SET name = 'hit' WHERE n = 'a'",
        "DELETE FROM t WHERE r = 'z'",
        "UPDATE t SET name = n COLLATE NOCASE WHERE id = 3",
        ("INSERT INTO t (id, name, n) VALUES (3, 'q', 'q') ON CONFLICT(id) DO UPDATE SET name = 'up' "
         "WHERE n = 'a'"),
        "SELECT id, name FROM t ORDER BY id",
    ]),
    Case("collate_join", [
        T, T_FILL,
        "CREATE TABLE k (code TEXT, label TEXT)",
        "INSERT INTO k VALUES ('a', 'first'), ('B', 'second')",
        "SELECT t.id, k.label FROM t JOIN k ON t.n = k.code ORDER BY t.id",
        "SELECT t.id, k.label FROM k JOIN t ON k.code = t.n ORDER BY t.id",
        _commit,
        "SELECT t.id FROM t WHERE n IN (SELECT code FROM k) ORDER BY t.id",
        "SELECT k.label FROM k WHERE code IN (SELECT n FROM t) ORDER BY 1",
        "SELECT t.id FROM t WHERE name IN (SELECT code COLLATE NOCASE FROM k) ORDER BY t.id",
    ]),
    Case("collate_correlated_subquery", [
        T, T_FILL,
        _commit,
        ("SELECT id FROM t AS a WHERE EXISTS (SELECT 1 FROM t AS b WHERE b.n = a.n AND b.id <> a.id)"
         " ORDER BY id"),
    ]),
    Case("collate_min_max", [
        T, T_FILL,
        "SELECT min(n), max(n) FROM t",
        "SELECT max(r), min(r) FROM t",
        "SELECT min(name COLLATE NOCASE), max(name COLLATE NOCASE) FROM t",
        "SELECT min(n COLLATE BINARY), max(n COLLATE BINARY) FROM t",
        "SELECT min(n) FROM t WHERE id IN (1, 5)",
        "SELECT max(n), max(r), count(*) FROM t WHERE id IN (2, 3)",
        "SELECT min(n), max(n), count(*) FROM t WHERE id > 100",
        "SELECT min(DISTINCT n) FROM t",
        "SELECT max(n), id FROM t",
    ]),
    Case("collate_min_max_group_by", [
        T, T_FILL,
        "CREATE TABLE h (id INTEGER PRIMARY KEY, g INTEGER, v TEXT COLLATE NOCASE)",
        ("INSERT INTO h VALUES (1, 1, 'b'), (2, 1, 'B'), (3, 1, 'a'), (4, 2, 'A'), (5, 2, 'a'), "
         "(6, 2, 'C'), (7, 2, 'c'), (8, 3, NULL)"),
        "SELECT g, min(v), max(v) FROM h GROUP BY g ORDER BY g",
        "SELECT g, min(v), max(v) FROM h GROUP BY 1 ORDER BY 1",
        "SELECT g, max(v) FROM h GROUP BY g HAVING max(v) = 'C' ORDER BY 1",
        "SELECT g, max(v) AS m FROM h WHERE id <> 6 GROUP BY g ORDER BY m, g",
        "SELECT n, max(r) FROM t GROUP BY n ORDER BY n",
        "SELECT x, count(*) FROM (SELECT max(v) AS x FROM h GROUP BY g) GROUP BY x ORDER BY 1",
    ]),
    Case("collate_view", [
        T, T_FILL,
        ("CREATE VIEW v AS SELECT id, n, r, name, n AS m, n || '' AS e, "
         "name COLLATE NOCASE AS x FROM t"),
        "CREATE VIEW vs AS SELECT * FROM t",
        _commit,
        "SELECT id FROM v WHERE n = 'a' ORDER BY id",
        "SELECT id FROM v WHERE m = 'a' ORDER BY id",
        "SELECT id FROM v WHERE e = 'a' ORDER BY id",
        "SELECT id FROM v WHERE x = 'a' ORDER BY id",
        "SELECT id FROM v WHERE r = 'x' ORDER BY id",
        "SELECT id FROM v WHERE n IN ('A') ORDER BY id",
        "SELECT id FROM vs WHERE n = 'B' ORDER BY id",
        "SELECT id, n FROM v ORDER BY n, id",
        "SELECT id FROM (SELECT * FROM v) WHERE n = 'A' ORDER BY id",
        "SELECT min(n) = 'a', max(n) FROM v",
        "SELECT count(*) FROM v GROUP BY n ORDER BY 1",
    ]),
    Case("collate_cte", [
        T, T_FILL,
        "WITH c AS (SELECT id, n FROM t) SELECT id FROM c WHERE n = 'a' ORDER BY id",
        "WITH c(k, z) AS (SELECT id, n FROM t) SELECT k FROM c WHERE z = 'a' ORDER BY k",
        ("WITH c AS (SELECT id, name COLLATE NOCASE AS z FROM t) SELECT id FROM c WHERE z = 'a' "
         "ORDER BY id"),
        "WITH c AS (SELECT id, name FROM t) SELECT id FROM c WHERE name = 'a' ORDER BY id",
        "WITH c AS (SELECT id, r FROM t) SELECT id, r FROM c ORDER BY r, id",
        ("WITH RECURSIVE c(x) AS (SELECT 'A' UNION ALL SELECT x || 'a' FROM c WHERE length(x) < 3) "
         "SELECT x FROM c WHERE x = 'AA'"),
    ]),
    Case("collate_view_group_shown", [
        T, T_FILL,
        "CREATE VIEW v AS SELECT id, n FROM t",
        "SELECT n, count(*) FROM v GROUP BY n ORDER BY 1",
    ], messages=True),
    Case("collate_unique_column", [
        "CREATE TABLE u (id INTEGER PRIMARY KEY, email TEXT UNIQUE COLLATE NOCASE)",
        "INSERT INTO u (email) VALUES ('A@x.org')",
        "INSERT INTO u (email) VALUES ('a@X.org')",
        "SELECT id, email FROM u ORDER BY id",
    ]),
    Case("collate_unknown_name", [
        T, T_FILL,
        "SELECT id FROM t ORDER BY name COLLATE nosuch",
        "SELECT id FROM t WHERE name = 'a' COLLATE nosuch",
        "SELECT name COLLATE nosuch FROM t",
    ], messages=True),
]
