"""Values: Python types in and out, through SELECT ? and through columns of every affinity."""
from ...differential.harness import Case


def _rt(column_type, values):
    """Insert each value into a column of `column_type` (a step per value), read the values back
    in order (the harness records each value's Python type), then the storage classes."""
    return [f"CREATE TABLE v (id INTEGER PRIMARY KEY, c {column_type})"] + [
        ("INSERT INTO v (c) VALUES (?)", (x,)) for x in values] + [
        "SELECT c FROM v ORDER BY id",
        "SELECT typeof(c) FROM v ORDER BY id",
    ]


def _select_each(values):
    """SELECT ? per value: the harness records the value and its Python type."""
    return [("SELECT ?", (x,)) for x in values]


def _bytes_like_roundtrip(conn, module):
    conn.execute("CREATE TABLE b (id INTEGER PRIMARY KEY, c BLOB)")
    conn.execute("INSERT INTO b (c) VALUES (?)", (bytearray(b"\x01\x02"),))
    conn.execute("INSERT INTO b (c) VALUES (?)", (memoryview(b"\x03\x04"),))
    conn.execute("INSERT INTO b (c) VALUES (?)", (module.Binary(b"\x05"),))
    return tuple(conn.execute("SELECT c FROM b ORDER BY id").fetchall())


INTS = [0, 1, -1, 42, 2**31, -2**31 - 1, 2**62, 2**63 - 1, -2**63]
FLOATS = [0.0, 0.1, 1.0, 3.0, -2.5, 1e300, -1e-300, 1e16, 123456789.123456789]

CASES = [
    Case("values_select_ints", _select_each(INTS)),
    Case("values_int_overflow_positive", [("SELECT ?", (2**63,))]),
    Case("values_int_overflow_negative", [("SELECT ?", (-2**63 - 1,))]),
    Case("values_int_overflow_insert", [
        "CREATE TABLE o (c INTEGER)",
        ("INSERT INTO o VALUES (?)", (2**64,)),
        "SELECT count(*) FROM o",
    ]),
    Case("values_select_floats", _select_each(FLOATS)),
    Case("values_select_negative_zero", [("SELECT ?", (-0.0,))]),
    Case("values_select_infinity", [
        ("SELECT ?", (float("inf"),)),
        ("SELECT ?", (float("-inf"),)),
    ]),
    Case("values_select_nan_binds_null", [("SELECT ?", (float("nan"),)), ("SELECT ? IS NULL", (float("nan"),))]),
    Case("values_select_text", _select_each(
        ["", "a", "héllo", "日本語", "😀", "it's", 'say "hi"', "line\nbreak", "tab\there", " pad "])),
    Case("values_select_text_embedded_nul", [("SELECT ?, length(?)", ("a\x00b", "a\x00b"))]),
    Case("values_select_bytes", _select_each([b"", b"\x00\xff", b"abc", bytes(range(256))])),
    Case("values_select_bytearray", [("SELECT ?", (bytearray(b"ab"),))]),
    Case("values_select_memoryview", [("SELECT ?", (memoryview(b"xy"),))]),
    Case("values_select_bool", _select_each([True, False])),
    Case("values_select_none", [("SELECT ?", (None,))]),
    Case("values_typeof_bound", [
        ("SELECT typeof(?), typeof(?), typeof(?), typeof(?), typeof(?), typeof(?)",
         (1, 2**63 - 1, 0.5, "s", b"b", None)),
    ]),
    Case("values_literals", [
        "SELECT 1, -1, 1.5, 'x', x'00ff', NULL, 9223372036854775807, -9223372036854775808",
        "SELECT 1e3, 1E-2, .5, 5., 0x10",
    ]),
    Case("values_integer_column", _rt("INTEGER", [
        1, "2", "3.0", 4.0, 4.5, "abc", b"\x01", None, 2**63 - 1, -2**63, 1e20, " 7 ", True])),
    Case("values_real_column", _rt("REAL", [1, "2.5", "abc", None, 1e300, 0.1, 10, b"\x01", "1e2"])),
    Case("values_real_column_negative_zero", _rt("REAL", [-0.0])),
    Case("values_real_column_infinity", _rt("REAL", [float("inf"), float("-inf")])),
    Case("values_text_column", _rt("TEXT", [1, 1.5, "x", b"ab", None, "", 2**63 - 1, 1e300, True])),
    Case("values_blob_column", _rt("BLOB", [1, 1.5, "x", b"", b"\x00\xff", None, "1"])),
    Case("values_numeric_column", _rt("NUMERIC", [
        "10", "1.5", "1e2", "abc", 3.0, 3.5, " 5 ", "0x10", b"12", None, "9223372036854775808"])),
    Case("values_boolean_column", _rt("BOOLEAN", [True, False, "true", 1, 0, "1", None])),
    Case("values_varchar5_keeps_long", _rt("VARCHAR(5)", ["abcdefgh", "abc", 12, 1.5, "😀😀😀😀😀😀"])),
    Case("values_datetime_column", _rt("DATETIME", [
        "2024-01-02 03:04:05", "2024-01-02", "2024", 1700000000, 1.5])),
    Case("values_untyped_column", _rt("", ["1", 1, 1.0, b"1", None])),
    Case("values_affinity_rules", [
        """CREATE TABLE aff (a INT, b TINYINT, c BIGINT, d DOUBLE, e FLOAT, f CHARACTER(20),
           g CLOB, h "FLOATING POINT", i STRING, j DECIMAL(10,5), k NVARCHAR(3), l DOUBLE PRECISION)""",
        "INSERT INTO aff VALUES ('12', '12', '12', '12', '12', 12, 12, '12', '12', '12', 12, '12')",
        "SELECT * FROM aff",
        """SELECT typeof(a), typeof(b), typeof(c), typeof(d), typeof(e), typeof(f), typeof(g),
           typeof(h), typeof(i), typeof(j), typeof(k), typeof(l) FROM aff""",
    ]),
    Case("values_integer_primary_key_rejects_text", [
        "CREATE TABLE p (id INTEGER PRIMARY KEY, v TEXT)",
        ("INSERT INTO p VALUES (?, ?)", ("5", "a")),
        ("INSERT INTO p VALUES (?, ?)", (6.0, "b")),
        "SELECT id, v FROM p ORDER BY id",
        ("INSERT INTO p VALUES (?, ?)", ("x", "c")),
        "SELECT typeof(id) FROM p ORDER BY id",
    ]),
    Case("values_bytearray_memoryview_roundtrip", [_bytes_like_roundtrip]),
    Case("values_quote_literal_and_param", [
        "CREATE TABLE q (c TEXT)",
        "INSERT INTO q VALUES ('it''s')",
        ("INSERT INTO q VALUES (?)", ("it's",)),
        "SELECT c, c = 'it''s' FROM q",
        ("SELECT count(*) FROM q WHERE c = ?", ("it's",)),
    ]),
    Case("values_unicode_functions", [
        ("SELECT length(?), length(CAST(? AS BLOB)), upper(?), lower(?)",
         ("😀é", "😀é", "aé", "AÉ")),
        ("SELECT substr(?, 2, 2), instr(?, 'ü')", ("añüb", "añüb")),
    ]),
    Case("values_blob_functions", [
        ("SELECT hex(?), length(?), typeof(x'')", (b"\x00\xff", b"\x00\xff")),
        "SELECT x'41' = 'A', CAST(x'41' AS TEXT), zeroblob(3)",
    ]),
    Case("values_int_arithmetic_overflow_to_real", [
        "SELECT 9223372036854775807 + 1, typeof(9223372036854775807 + 1)",
        ("SELECT ? + 1", (2**63 - 1,)),
        "SELECT -9223372036854775808 - 1",
        "SELECT 9223372036854775808, typeof(9223372036854775808)",
    ]),
    Case("values_division", [
        "SELECT 7 / 2, 7.0 / 2, 7 % 3, -7 / 2, -7 % 3, 1 / 0, 1.0 / 0, 5 % 0",
    ]),
    Case("values_float_repr", [
        "SELECT 0.1 + 0.2, 1.0 * 3, 2.0 / 3, 1e308 * 10, 100.0",
    ]),
    Case("values_cast", [
        """SELECT CAST('12abc' AS INTEGER), CAST(3.9 AS INTEGER), CAST(-3.9 AS INTEGER),
           CAST(1 AS TEXT), CAST('1.5' AS REAL), CAST('abc' AS REAL), CAST(x'3132' AS INTEGER),
           CAST(12 AS BLOB), CAST('1e3' AS NUMERIC), CAST(NULL AS TEXT)""",
    ]),
    Case("values_comparison_across_types", [
        "SELECT 1 = '1', 1 = 1.0, '1' = 1.0",
        "SELECT NULL = NULL, NULL IS NULL, NULL <> 1",
        "SELECT 1 < 'a', 'a' < x'00', 1.5 < '1'",
        "CREATE TABLE c (i INTEGER, t TEXT)",
        "INSERT INTO c VALUES (1, '1')",
        "SELECT i = '1', t = 1, i = t FROM c",
    ]),
    Case("values_order_mixed_types", [
        "CREATE TABLE m (id INTEGER PRIMARY KEY, c)",
        "INSERT INTO m (c) VALUES ('b'), (2), (x'01'), (NULL), (1.5), ('a'), (-1), (x''), ('')",
        "SELECT c FROM m ORDER BY c, id",
        "SELECT c FROM m ORDER BY c DESC, id",
    ]),
    Case("values_aggregate_types", [
        "CREATE TABLE g (i INTEGER, r REAL)",
        "SELECT sum(i), avg(i), count(i), count(*), min(i), max(i) FROM g",
        "INSERT INTO g VALUES (1, 0.5), (2, 1.5), (4, NULL)",
        "SELECT sum(i), avg(i), count(r), sum(r), min(r), max(i) FROM g",
        "SELECT total(i), total(r) FROM g",
        "SELECT group_concat(i), group_concat(i, '-') FROM g",
    ]),
    Case("values_bool_in_where", [
        "CREATE TABLE f (id INTEGER PRIMARY KEY, flag BOOLEAN)",
        ("INSERT INTO f (flag) VALUES (?)", (True,)),
        ("INSERT INTO f (flag) VALUES (?)", (False,)),
        ("INSERT INTO f (flag) VALUES (?)", (True,)),
        ("SELECT id FROM f WHERE flag = ? ORDER BY id", (True,)),
        "SELECT id FROM f WHERE flag ORDER BY id",
        "SELECT id FROM f WHERE NOT flag ORDER BY id",
        "SELECT TRUE, FALSE",
    ]),
    Case("values_integer_truthiness_in_where", [
        "SELECT 'zero' WHERE 0",
        "SELECT 'one' WHERE 1",
        "SELECT 'two' WHERE 2",
        "SELECT 'null' WHERE NULL",
        "SELECT 'text' WHERE 'abc'",
        "SELECT 'numtext' WHERE '1'",
        "SELECT 'real' WHERE 0.5",
    ]),
    Case("values_integer_literals_in_and_or_not", [
        # a 0/1 next to a condition under AND/OR/NOT stays a condition for the engine
        "CREATE TABLE t (k TEXT, v INTEGER)",
        "INSERT INTO t VALUES ('b', 1), ('c', 0)",
        "UPDATE t SET v = 5 WHERE k = 'b' AND 0",
        "SELECT k, v FROM t WHERE k = 'b' AND 0",
        "SELECT k, v FROM t WHERE k = 'b' OR 0 ORDER BY k",
        "SELECT k, v FROM t WHERE 1 AND k = 'c'",
        "SELECT k, v FROM t WHERE NOT (0) AND (1) ORDER BY k",
        "SELECT 1 AND 0, 0 OR 1, NOT 0, TRUE AND 1, (k = 'b') AND TRUE FROM t ORDER BY k",
        "SELECT CASE WHEN 1 AND v THEN 'y' ELSE 'n' END FROM t ORDER BY k",
        "DELETE FROM t WHERE v = 0 OR 0",
        "SELECT k, v FROM t",
    ]),
    Case("values_double_quoted_string_fallback", [
        "CREATE TABLE dq (id INTEGER PRIMARY KEY, txt TEXT)",
        'INSERT INTO dq (txt) VALUES ("double;quoted")',
        'SELECT "txt", "no_such_column" FROM dq',
    ]),
    Case("values_bare_column_with_group_by", [
        "CREATE TABLE g (a INTEGER, b TEXT)",
        "INSERT INTO g VALUES (1, 'x'), (2, 'y'), (2, 'y')",
        "SELECT a, b, count(*) FROM g GROUP BY a ORDER BY a",
        "SELECT b, max(a) FROM g",
    ]),
    Case("values_null_handling", [
        "SELECT NULL + 1, NULL || 'x', coalesce(NULL, 2), ifnull(NULL, 'y'), nullif(1, 1)",
        "SELECT NULL IS NOT NULL, max(1, NULL), min(NULL, 1)",
        "SELECT typeof(NULL)",
    ]),
    Case("values_default_column_values", [
        """CREATE TABLE d (id INTEGER PRIMARY KEY, i INTEGER DEFAULT 5, r REAL DEFAULT 1.5,
           t TEXT DEFAULT 'dflt', n DEFAULT NULL, e TEXT DEFAULT '')""",
        "INSERT INTO d (id) VALUES (1)",
        "INSERT INTO d DEFAULT VALUES",
        "SELECT * FROM d ORDER BY id",
    ]),
]
