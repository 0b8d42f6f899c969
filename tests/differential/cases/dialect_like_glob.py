"""LIKE, NOT LIKE, LIKE ... ESCAPE and GLOB (issue #3): SQLite's pattern rules on literal
patterns, patterns given as parameters, NULL operands, and the negated forms (NOT IN and
NOT BETWEEN alongside)."""
from ...differential.harness import Case

TABLE = [
    "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n INTEGER)",
    ("INSERT INTO t (s, n) VALUES ('apple', 1), ('Banana', 22), (NULL, NULL), ('a' || char(10) "
     "|| 'b', 3), ('a%b', 4), ('[x]', 5), ('a_b', 6), ('a\\b', 7), ('Éclair', 8), ('éclair', 9), "
     "('A*?', 10), ('b-]', 11)"),
]
AUTOCOMMIT = {"isolation_level": None}

CASES = [
    Case("like_not_like_values", TABLE + [
        "SELECT s NOT LIKE 'b%', s LIKE 'b%' FROM t ORDER BY id",
        "SELECT id FROM t WHERE s NOT LIKE 'b%' ORDER BY id",
        "SELECT id FROM t WHERE NOT (s LIKE 'b%') ORDER BY id",
        "SELECT id FROM t WHERE NOT s LIKE '%a%' ORDER BY id",
        "SELECT 'abc' NOT LIKE 'ABC', NULL NOT LIKE 'a', 'a' NOT LIKE NULL, 'a' LIKE NULL",
        "SELECT count(*) FROM t WHERE s NOT LIKE '%' ",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_wildcards_and_case", TABLE + [
        "SELECT id FROM t WHERE s LIKE 'A_B' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE 'a%b' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE '%\\%' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE '[%' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE 'éCLAIR' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE '%.%' OR s LIKE '%(%' ORDER BY id",
        "SELECT n LIKE '2%', n NOT LIKE '%2', 22 LIKE 22 FROM t ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_escape", TABLE + [
        "SELECT id FROM t WHERE s LIKE 'a!%b' ESCAPE '!' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE 'a\\_b' ESCAPE '\\' ORDER BY id",
        "SELECT id FROM t WHERE s NOT LIKE 'a!%%' ESCAPE '!' ORDER BY id",
        "SELECT s LIKE 'A!%B' ESCAPE '!', s NOT LIKE '%!_%' ESCAPE '!' FROM t ORDER BY id",
        "SELECT 'a%' LIKE 'a%%' ESCAPE '%', 'ab' LIKE 'a%%' ESCAPE '%', 'a' LIKE 'a!' ESCAPE '!'",
        "SELECT 'a' LIKE 'a' ESCAPE NULL, NULL LIKE 'a' ESCAPE '!', 'x!' LIKE 'X!!' ESCAPE '!'",
        "SELECT id FROM t WHERE (s LIKE 'a!%%' ESCAPE '!') AND n > 0 ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_escape_not_one_character", [
        "SELECT 'a' LIKE 'a' ESCAPE 'xx'",
    ], messages=True),
    Case("like_parameter_patterns", TABLE + [
        ("SELECT id FROM t WHERE s LIKE ? ORDER BY id", ("AP%",)),
        ("SELECT id FROM t WHERE s NOT LIKE ? ORDER BY id", ("%An%",)),
        ("SELECT id FROM t WHERE s LIKE ? ORDER BY id", ("%\\%",)),
        ("SELECT id FROM t WHERE s LIKE ? ORDER BY id", (None,)),
        ("SELECT ? LIKE 'b%', ? NOT LIKE 'B%'", ("Bob", "bob")),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_pattern_newline", TABLE + [
        "SELECT s LIKE 'a' || '%' FROM t ORDER BY id",
        ("SELECT id FROM t WHERE s LIKE ? ORDER BY id", ("a_b",)),
        ("SELECT id FROM t WHERE s LIKE ? ORDER BY id", ("a%",)),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_parameter_pattern_escape", TABLE + [
        ("SELECT id FROM t WHERE s LIKE ? ESCAPE '!' ORDER BY id", ("a!%%",)),
        ("SELECT id FROM t WHERE s LIKE ? ESCAPE '\\' ORDER BY id", ("a\\_%",)),
    ], connect_kwargs=AUTOCOMMIT),
    Case("glob_literal_patterns", TABLE + [
        "SELECT 'abc' GLOB 'a*', 'abc' GLOB 'A*', 'abc' GLOB 'a?c', 'abc' GLOB 'a?', 'abc' GLOB '*'",
        "SELECT id FROM t WHERE s GLOB 'a*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB 'a?b' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '*%*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '*\\*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB 'A[*]*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '*clair' ORDER BY id",
        "SELECT n GLOB '2*', n GLOB '?' FROM t ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("glob_character_classes", TABLE + [
        "SELECT id FROM t WHERE s GLOB '[aA]*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '[a-c]*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '[^a-z]*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '[[]*' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '*[]]' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB '?[-]*' OR s GLOB '*[x-]' ORDER BY id",
        "SELECT 'b' GLOB '[z-a]', 'z' GLOB '[z-a]', '-' GLOB '[a-c-e]', 'd' GLOB '[a-c-e]'",
        "SELECT 'a' GLOB '[a', 'x' GLOB '[^]]', ']' GLOB '[^]]', 'é' GLOB '[à-ê]'",
    ], connect_kwargs=AUTOCOMMIT),
    Case("glob_not_and_null", TABLE + [
        "SELECT s GLOB 'a*', s NOT GLOB 'a*', NOT s GLOB '[ab]*' FROM t ORDER BY id",
        "SELECT id FROM t WHERE s NOT GLOB '*a*' ORDER BY id",
        "SELECT NULL GLOB 'a', 'a' GLOB NULL, NULL NOT GLOB '[a]', 'a' NOT GLOB NULL",
    ], connect_kwargs=AUTOCOMMIT),
    Case("glob_newline", TABLE + [
        "SELECT id FROM t WHERE s GLOB 'a?b' ORDER BY id",
        "SELECT id FROM t WHERE s GLOB 'a*' AND s GLOB '*b' ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("glob_parameter_patterns", TABLE + [
        ("SELECT id FROM t WHERE s GLOB ? ORDER BY id", ("a*",)),
        ("SELECT id FROM t WHERE s GLOB ? ORDER BY id", ("*.*",)),
        ("SELECT id FROM t WHERE s GLOB ? ORDER BY id", ("a?b",)),
        ("SELECT id FROM t WHERE s NOT GLOB ? ORDER BY id", ("*\\*",)),
        ("SELECT id FROM t WHERE s GLOB ? ORDER BY id", (None,)),
        ("SELECT ? GLOB 'B*', ? GLOB ?", ("Bob", "x(y)+$", "x(y)+$")),
    ], connect_kwargs=AUTOCOMMIT),
    Case("glob_column_patterns", [
        "CREATE TABLE p (id INTEGER PRIMARY KEY, pat TEXT)",
        "INSERT INTO p (pat) VALUES ('a*'), ('?b*'), (NULL), ('*|*'), ('B*')",
        "SELECT id, 'abc' GLOB pat, 'Bob' GLOB pat, 'a|b' NOT GLOB pat FROM p ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_not_in_not_between", TABLE + [
        ("SELECT n NOT IN (1, 3), n NOT BETWEEN 2 AND 5, NOT n IN (1), NOT (n BETWEEN 1 AND 4) "
         "FROM t ORDER BY id"),
        "SELECT id FROM t WHERE n NOT IN (1, 22) AND n NOT BETWEEN 5 AND 9 ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
]
