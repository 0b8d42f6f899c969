"""LIKE and GLOB with a pattern known only at run time: a parameter (a search box's `name LIKE ?`),
matched by SQLite's rules once its value is bound, and a column or expression pattern. SQLite folds
ASCII letters only, lets `%`, `_` (and GLOB's `*`, `?`) match a newline, reads a number pattern by
its text and (built with LIKE_DOESNT_MATCH_BLOBS) matches nothing with a blob."""
from ...differential.harness import Case

TABLE = [
    "CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, k INTEGER DEFAULT 0)",
    ("INSERT INTO t (s) VALUES ('apple'), ('Éclair'), ('éclair'), ('note' || char(10) || 'word'), "
     "('a%b'), ('a_b'), ('a\\b'), ('5'), ('1.5'), ('1.0e+20'), (NULL), ('[x]'), ('A*?'), "
     "('ÀB'), ('line' || char(10))"),
]
AUTOCOMMIT = {"isolation_level": None}
BY_PATTERN = "SELECT id FROM t WHERE s LIKE ? ORDER BY id"


def _trace(conn, module):
    """A trace callback shows the statement with the value the application bound."""
    seen = []
    conn.set_trace_callback(seen.append)
    conn.execute(BY_PATTERN, ("%É%",)).fetchall()
    conn.execute("SELECT id FROM t WHERE s GLOB ? ORDER BY id", ("a*",)).fetchall()
    conn.set_trace_callback(None)
    return tuple(seen)


# For the literal-pattern cases: ASCII letters in both cases, letters outside ASCII (é/É, the
# KELVIN SIGN and U+0130, which lower to 'k' and 'i' + a combining dot), newlines, `%`, `_`,
# backslash, numbers and NULL, in a text column and an integer one.
FAST_VALUES = ["kite", "KITE", "\u212aite", "ski", "SKI", "sk\u0130", "ai", "a\u0130", "ı",
               "Éclair", "éclair", "ÉCLAIR", "note\nword", "line\n", "\n", "a%b", "a_b", "a\\b",
               "100%", "5", None, "", "Straße", "x\u212a"]
FAST = [
    "CREATE TABLE f (id INTEGER PRIMARY KEY, s TEXT, n INTEGER)",
    ("many", "INSERT INTO f (s, n) VALUES (?, ?)",
     [(value, (15, -3, None, 150)[i % 4]) for i, value in enumerate(FAST_VALUES)]),
]


def _like_columns(*patterns: str) -> str:
    """One row per value: LIKE and NOT LIKE of each literal pattern (ESCAPE '!')."""
    columns = []
    for pattern in patterns:
        literal = "'" + pattern.replace("'", "''") + "'"
        columns.append(f"s LIKE {literal} ESCAPE '!', s NOT LIKE {literal} ESCAPE '!'")
    return f"SELECT id, {', '.join(columns)} FROM f ORDER BY id"


CASES = [
    Case("like_runtime_param_non_ascii", TABLE + [
        (BY_PATTERN, ("é%",)),
        (BY_PATTERN, ("É%",)),
        (BY_PATTERN, ("%CLAIR",)),
        (BY_PATTERN, ("àb",)),
        (BY_PATTERN, ("_B",)),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_param_newline", TABLE + [
        (BY_PATTERN, ("%word%",)),
        (BY_PATTERN, ("note_word",)),
        (BY_PATTERN, ("%" + "\n" + "%",)),
        (BY_PATTERN, ("line_",)),
        (BY_PATTERN, ("line%",)),
        ("SELECT id FROM t WHERE s NOT LIKE ? ORDER BY id", ("%o%",)),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_param_escape", TABLE + [
        ("SELECT id FROM t WHERE s LIKE ? ESCAPE '!' ORDER BY id", ("a!%%",)),
        ("SELECT id FROM t WHERE s LIKE ? ESCAPE '!' ORDER BY id", ("%!_%",)),
        ("SELECT id FROM t WHERE s LIKE ? ESCAPE '!' ORDER BY id", ("a!_B",)),
        ("SELECT id FROM t WHERE s LIKE ? ESCAPE '!' ORDER BY id", ("a\\%",)),
        ("SELECT id FROM t WHERE s LIKE ? ESCAPE '\\' ORDER BY id", ("a\\_%",)),
        ("SELECT id FROM t WHERE s LIKE ? ORDER BY id", ("a\\%",)),
        ("SELECT id FROM t WHERE s NOT LIKE ? ESCAPE '!' ORDER BY id", ("%!%%",)),
        ("SELECT id FROM t WHERE like(?, s, '!') ORDER BY id", ("%!%%",)),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_param_values", TABLE + [
        (BY_PATTERN, (5,)),
        (BY_PATTERN, (1.5,)),
        (BY_PATTERN, (1e20,)),
        (BY_PATTERN, (True,)),
        (BY_PATTERN, (None,)),
        (BY_PATTERN, (float("nan"),)),
        (BY_PATTERN, (b"a%",)),
        (BY_PATTERN, (bytearray(b"%"),)),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_param_select_list", TABLE + [
        ("SELECT ? LIKE ?, ? LIKE ?, ? LIKE ?", ("é", "É", "ä", "ä", "Straße", "STRASSE")),
        ("SELECT ? LIKE ? ESCAPE '!', ? LIKE ? ESCAPE 'a', ? LIKE ? ESCAPE '!'",
         ("a!", "a!!", "a", "aa", "a", "a!")),
        (("SELECT s LIKE ?, s NOT LIKE ?, s GLOB ?, s NOT GLOB ? FROM t WHERE s IS NOT NULL "
          "ORDER BY id"), (b"%", b"%", b"*", b"*")),
        ("SELECT 15 LIKE ?, 15 LIKE ?, 2.5 LIKE ?, ? LIKE ?", ("1_", 1, "2%", 7, 7)),
        ("SELECT s LIKE ?, s GLOB ? FROM t ORDER BY id", (None, None)),
        ("SELECT id, like(?, s), s LIKE ? OR s LIKE ? FROM t ORDER BY id", ("%a%", "%b", "5")),
        ("SELECT ? GLOB ?, ? GLOB ?, s NOT GLOB ? FROM t ORDER BY id",
         ("é", "[é]", "x(y)+$", "x(y)+$", "*[!a-z]*")),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_param_forms", TABLE + [
        ("SELECT id FROM t WHERE s NOT LIKE ? ORDER BY id", ("%a%",)),
        ("SELECT id FROM t WHERE NOT (s LIKE ?) ORDER BY id", ("%a%",)),
        ("SELECT id FROM t WHERE like(?, s) ORDER BY id", ("A_B",)),
        ("SELECT id FROM t WHERE s LIKE :q OR (id > 2 AND s NOT LIKE :q) ORDER BY id",
         {"q": "%É%"}),
        ("SELECT id FROM t WHERE s LIKE :q AND s NOT LIKE :r ORDER BY id",
         {"q": "%a%", "r": "%é%"}),
        ("SELECT id FROM t WHERE s LIKE ?1 AND s LIKE ?1 ORDER BY id", ("%B%",)),
        ("SELECT id FROM t WHERE id IN (SELECT id FROM t WHERE s LIKE ?) ORDER BY id", ("a%",)),
        ("SELECT (SELECT count(*) FROM t WHERE s LIKE ?), ?", ("%a%", "x")),
    ], connect_kwargs=AUTOCOMMIT),
    # ?1 is the pattern and a plain value too: one value serves both places, so the LIKE use
    # keeps to the engine's ILIKE (ASCII data: it means the same there)
    Case("like_runtime_param_shared_with_value", TABLE + [
        ("SELECT id FROM t WHERE s LIKE ?1 OR s = ?1 || 'x' ORDER BY id", ("apple",)),
        ("SELECT id, :p FROM t WHERE s LIKE :p ORDER BY id", {"p": "a_b"}),
        ("SELECT id FROM t WHERE s LIKE ?1 OR s GLOB ?1 ORDER BY id", ("A*?",)),
        ("SELECT ?1 LIKE ?1, ?1 GLOB ?1", ("a%",)),
        ("SELECT id FROM t WHERE s LIKE :q OR s LIKE :q || 'x' ORDER BY id", {"q": "%A_%"}),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_repeated_execution", TABLE + [
        (BY_PATTERN, ("a%",)),
        (BY_PATTERN, ("%CLAIR",)),
        (BY_PATTERN, ("%word",)),
        (BY_PATTERN, (5,)),
        (BY_PATTERN, ("a!%",)),
        (BY_PATTERN, (None,)),
        (BY_PATTERN, ("_",)),
        ("SELECT id FROM t WHERE s GLOB ? ORDER BY id", ("a*",)),
        ("SELECT id FROM t WHERE s GLOB ? ORDER BY id", ("[5-9]*",)),
        ("SELECT id FROM t WHERE s GLOB ? ORDER BY id", ("*?",)),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_write_where", TABLE + [
        ("UPDATE t SET k = k + 1 WHERE s LIKE ?", ("%A%",)),
        ("many", "UPDATE t SET k = k + 10 WHERE s LIKE ? ESCAPE '!'",
         [("%!%%",), ("%!_%",), ("%word",), (None,), ("é%",)]),
        ("UPDATE t SET k = k + 100 WHERE s GLOB ?", ("*[a-c]*",)),
        "SELECT id, k FROM t ORDER BY id",
        ("DELETE FROM t WHERE s NOT LIKE ? AND k > ?", ("%a%", 0)),
        ("many", "DELETE FROM t WHERE s LIKE ?", [("É%",), ("1._",), (5,)]),
        "SELECT id, s, k FROM t ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_join_on", TABLE + [
        "CREATE TABLE u (p TEXT, name TEXT)",
        "INSERT INTO u VALUES ('a%', 'A'), ('%word', 'W'), (NULL, 'N')",
        ("SELECT u.name, t.id FROM u JOIN t ON t.s LIKE ? ORDER BY 1, 2", ("%É%",)),
        (("SELECT u.name, t.id FROM u LEFT JOIN t ON t.s GLOB ? AND u.p IS NOT NULL "
          "ORDER BY 1, 2"), ("*1*",)),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_column_pattern", TABLE + [
        "CREATE TABLE u (p TEXT, name TEXT)",
        ("INSERT INTO u VALUES ('a%', 'A'), ('%word', 'W'), ('note_word', 'U'), ('a\\%', 'B'), "
         "('line%', 'L'), (NULL, 'N'), ('*' || char(10) || '*', 'G'), ('a?b', 'Q')"),
        "SELECT u.name, t.id FROM u JOIN t ON t.s LIKE u.p ORDER BY 1, 2",
        "SELECT u.name, t.id FROM u JOIN t ON t.s NOT LIKE u.p AND t.id < 5 ORDER BY 1, 2",
        "SELECT u.name, t.id FROM u JOIN t ON t.s GLOB u.p ORDER BY 1, 2",
        "SELECT u.name, t.id FROM u JOIN t ON t.s GLOB u.p || '*' ORDER BY 1, 2",
        "SELECT id FROM t WHERE s LIKE 'note' || '%' ORDER BY id",
        "SELECT id FROM t WHERE s LIKE substr(s, 1, 2) || '%' ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    # a column or expression pattern goes to the engine's ILIKE, which folds é and É alike
    Case("like_runtime_column_pattern_non_ascii", TABLE + [
        "SELECT id FROM t WHERE s LIKE 'é' || '%' ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_runtime_trace_shows_bound_value", TABLE + [_trace], connect_kwargs=AUTOCOMMIT),
    Case("like_fast_exact", FAST + [
        _like_columns("kite", "KITE", "ski", "Éclair", "éclair", "", "5", "a%b"),
        "SELECT id FROM f WHERE s LIKE 'KItE' OR s LIKE 'note' || char(10) || 'word' ORDER BY id",
        "SELECT id, n LIKE '15', n LIKE '-3' FROM f ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_fast_prefix", FAST + [
        _like_columns("k%", "Ki%", "SK%", "a%", "é%", "É%", "ÉC%", "note%", "5%", "%%"),
        "SELECT id FROM f WHERE s LIKE 'li%' AND s NOT LIKE 'Ab%' ORDER BY id",
        "SELECT id, n LIKE '1%', n NOT LIKE '-%' FROM f ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_fast_suffix", FAST + [
        _like_columns("%ite", "%ITE", "%KI", "%i", "%clair", "%É", "%AIR", "%e", "%%5"),
        "SELECT id FROM f WHERE s LIKE '%ord' ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_fast_contains", FAST + [
        _like_columns("%it%", "%KI%", "%ai%", "%I%", "%k%", "%éc%", "%CL%", "%%lai%%", "%0%"),
        "SELECT id FROM f WHERE s NOT LIKE '%a%' ORDER BY id",
        "SELECT count(*) FROM f WHERE s LIKE '%I%'",
        "SELECT count(*) FROM f WHERE s NOT LIKE '%I%'",
    ], connect_kwargs=AUTOCOMMIT),
    # `%` and `_` match a newline in SQLite; Nano's own LIKE never lets them
    Case("like_fast_newline", FAST + [
        _like_columns("%\n%", "note\nword", "%\nWORD", "line\n%", "\n", "%e\n", "note_word"),
    ], connect_kwargs=AUTOCOMMIT),
    Case("like_fast_escape", FAST + [
        _like_columns("a!%b", "%!%%", "%!_%", "a!_b", "100!%", "a!", "!%%", "%!!%"),
        "SELECT id, s LIKE 'a\\b', s LIKE 'a\\%', s LIKE 'a\\_' FROM f ORDER BY id",
        ("SELECT id, s LIKE 'a\\%' ESCAPE '\\', s LIKE '%\\_%' ESCAPE '\\', "
         "s LIKE 'K%' ESCAPE 'K' FROM f ORDER BY id"),
    ], connect_kwargs=AUTOCOMMIT),
    # patterns with `_` or `%` inside: the regular expression, after a test every match passes
    Case("like_fast_other_shapes", FAST + [
        _like_columns("_", "__", "k_te", "%i_e", "a_b", "n%e%d", "%c%A%", "É_L%", "_%_", "%_"),
        "SELECT id FROM f WHERE s LIKE 'k%e' AND s NOT LIKE '_i%' ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
    # a subject that is an expression (not repeated in the statement) and the select list
    Case("like_fast_expression_subject", FAST + [
        ("SELECT id, s || 'x' LIKE '%kx', trim(s) LIKE 'ki%', s || '' LIKE '%AI%', "
         "(s || '') NOT LIKE 'k_%', 'Kite' LIKE 'k%', NULL LIKE 'a%' FROM f ORDER BY id"),
        "SELECT id, like('%ki%', s), like('a!%%', s, '!'), s LIKE 'Z' IS NULL FROM f ORDER BY id",
        "SELECT id FROM f WHERE (s LIKE 'k%') = (s LIKE '%e') ORDER BY id",
    ], connect_kwargs=AUTOCOMMIT),
]
