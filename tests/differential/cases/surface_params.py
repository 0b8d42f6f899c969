"""Parameter binding: placeholder styles, wrong shapes, unsupported types, and where `?` may appear."""
from ...differential.harness import Case, as_tuples, fill_t

T = "CREATE TABLE t (a INTEGER, b TEXT)"


FILL = fill_t


_t = as_tuples


def many(sql, seq):
    """executemany observing only the rowcount (executemany's lastrowid has cursor_ cases)."""
    def step(conn, module):
        return conn.executemany(sql, seq).rowcount
    return step


def _executemany_generator(conn, module):
    conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)", ((i, str(i)) for i in range(3)))
    return _t(conn.execute("SELECT a, b FROM t ORDER BY a").fetchall())


def _executemany_iterator_of_dicts(conn, module):
    rows = iter([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    cur = conn.executemany("INSERT INTO t (a, b) VALUES (:a, :b)", rows)
    return _t((cur.rowcount, conn.execute("SELECT a, b FROM t ORDER BY a").fetchall()))


class _DefaultingDict(dict):
    """A dict subclass: sqlite3 looks named parameters up with __getitem__, so __missing__ applies."""

    def __missing__(self, key):
        return f"missing:{key}"


CASES = [
    Case("params_qmark_basic", [
        T,
        ("INSERT INTO t (a, b) VALUES (?, ?)", (1, "x")),
        ("INSERT INTO t VALUES (?, ?)", (2, "y")),
        ("SELECT a, b FROM t WHERE a = ?", (2,)),
        ("SELECT a, b FROM t WHERE a >= ? AND b <> ? ORDER BY a", (1, "zzz")),
    ]),
    Case("params_qmark_list", [
        ("SELECT ?, ?", [1, "x"]),
    ]),
    Case("params_qmark_tuple", [
        ("SELECT ?, ?", (1, "x")),
    ]),
    Case("params_numeric_reused", [
        ("SELECT ?1, ?2, ?1", (10, 20)),
        ("SELECT ?1 + ?1", (21,)),
    ]),
    Case("params_numeric_out_of_order", [
        ("SELECT ?2, ?1", ("first", "second")),
        ("SELECT ?3, ?1, ?2", (1, 2, 3)),
    ]),
    Case("params_numeric_in_insert", [
        T,
        ("INSERT INTO t (a, b) VALUES (?2, ?1)", ("text", 7)),
        "SELECT a, b FROM t",
    ]),
    Case("params_numeric_gap_too_few", [
        ("SELECT ?2", (1,)),
    ]),
    Case("params_named_colon", [
        ("SELECT :a, :b", {"a": 1, "b": "two"}),
        ("SELECT :b, :a", {"a": 1, "b": "two"}),
    ]),
    Case("params_named_at", [
        ("SELECT @a, @b", {"a": 1, "b": 2}),
    ]),
    Case("params_named_dollar", [
        ("SELECT $a, $b", {"a": 1, "b": 2}),
    ]),
    Case("params_named_reused", [
        ("SELECT :x, :x * 2, :x || 'x'", {"x": 5}),
    ]),
    Case("params_named_extra_keys_ignored", [
        ("SELECT :a", {"a": 1, "unused": 2}),
    ]),
    Case("params_named_dict_subclass_missing", [
        ("SELECT :a, :b", _DefaultingDict({"a": 1})),
    ]),
    Case("params_named_case_sensitive", [
        ("SELECT :A", {"a": 1}),
    ]),
    Case("params_named_in_where", [
        T, FILL,
        ("SELECT a, b FROM t WHERE a > :lo AND a < :hi ORDER BY a", {"lo": 1, "hi": 4}),
    ]),
    Case("params_named_with_sequence", [
        ("SELECT :a, :b", (1, 2)),
    ]),
    Case("params_too_few", [
        ("SELECT ?, ?", (1,)),
    ]),
    Case("params_too_many", [
        ("SELECT ?", (1, 2)),
    ]),
    Case("params_none_supplied", [
        "SELECT ?",
    ]),
    Case("params_supplied_without_placeholders", [
        ("SELECT 1", (1,)),
    ]),
    Case("params_empty_tuple_no_placeholders", [
        ("SELECT 1", ()),
        ("SELECT 1", []),
        ("SELECT 1", {}),
    ]),
    Case("params_dict_missing_key", [
        ("SELECT :a, :b", {"a": 1}),
    ]),
    Case("params_dict_for_qmark", [
        ("SELECT ?", {"a": 1}),
    ]),
    Case("params_unsupported_object", [
        ("SELECT ?", (object(),)),
    ]),
    Case("params_unsupported_in_insert", [
        T,
        ("INSERT INTO t VALUES (?, ?)", (1, object())),
        "SELECT count(*) FROM t",
    ]),
    Case("params_unsupported_list_value", [
        ("SELECT ?", ([1, 2],)),
    ]),
    Case("params_non_sequence_int", [
        ("SELECT ?", 1),
    ]),
    Case("params_params_is_none", [
        ("SELECT 1", None),
    ]),
    Case("params_str_as_sequence", [
        ("SELECT ?", "a"),
        ("SELECT ?", "ab"),
    ]),
    Case("params_none_value", [
        ("SELECT ?", (None,)),
        ("SELECT ? IS NULL", (None,)),
        ("SELECT typeof(?)", (None,)),
    ]),
    Case("params_in_where", [
        T, FILL,
        ("SELECT b FROM t WHERE a = ?", (3,)),
        ("SELECT a FROM t WHERE b = ?", ("four",)),
        ("SELECT a FROM t WHERE a IN (?, ?, ?) ORDER BY a", (1, 5, 9)),
        ("SELECT a FROM t WHERE b LIKE ? ORDER BY a", ("t%",)),
        ("SELECT a FROM t WHERE a BETWEEN ? AND ? ORDER BY a", (2, 4)),
    ]),
    Case("params_in_limit_offset", [
        T, FILL,
        ("SELECT a FROM t ORDER BY a LIMIT ?", (2,)),
        ("SELECT a FROM t ORDER BY a LIMIT ? OFFSET ?", (2, 1)),
        ("SELECT a FROM t ORDER BY a LIMIT :n OFFSET :o", {"n": 10, "o": 3}),
        ("SELECT a FROM t ORDER BY a LIMIT ?", (-1,)),
    ]),
    Case("params_in_update_set", [
        T, FILL,
        ("UPDATE t SET b = ? WHERE a = ?", ("TWO", 2)),
        ("UPDATE t SET a = a + ?, b = b || ? WHERE a >= ?", (100, "!", 4)),
        "SELECT a, b FROM t ORDER BY a",
    ]),
    Case("params_in_delete", [
        T, FILL,
        ("DELETE FROM t WHERE a < ?", (3,)),
        "SELECT a FROM t ORDER BY a",
    ]),
    Case("params_in_expressions", [
        ("SELECT ? + 1", (1,)),
        ("SELECT ? + 1", (1.5,)),
        ("SELECT ? + 1", ("2",)),
        ("SELECT ? + 1", ("2.5",)),
        ("SELECT ? + 1", ("x",)),
        ("SELECT ? * ?", (6, 7)),
        ("SELECT -?", (3,)),
    ]),
    Case("params_in_concat", [
        ("SELECT ? || 'x'", ("a",)),
        ("SELECT ? || 'x'", (1,)),
        ("SELECT ? || 'x'", (1.5,)),
        ("SELECT ? || 'x'", (None,)),
        ("SELECT 'x' || ? || ?", ("y", 2)),
    ]),
    Case("params_in_functions", [
        ("SELECT upper(?), length(?), abs(?), coalesce(?, 'd')", ("abc", "hello", -4, None)),
        ("SELECT CASE WHEN ? THEN 'yes' ELSE 'no' END", (1,)),
        ("SELECT CAST(? AS INTEGER)", ("42",)),
    ]),
    Case("params_typeof_bound", [
        ("SELECT typeof(?), typeof(?), typeof(?), typeof(?), typeof(?)",
         (1, 1.5, "s", b"b", None)),
    ]),
    Case("params_bool_binds_as_int", [
        ("SELECT ?, ?", (True, False)),
        ("SELECT typeof(?)", (True,)),
    ]),
    Case("params_question_mark_in_literal", [
        ("SELECT '?', ?", (1,)),
        ("SELECT 'a?b' || ?", ("c",)),
    ]),
    Case("params_colon_in_literal", [
        ("SELECT ':a', :a", {"a": 1}),
        ("SELECT '12:30', ?", ("t",)),
    ]),
    Case("params_placeholder_in_comment", [
        ("SELECT ? -- what about ?\n", (1,)),
        ("SELECT /* ? */ ?", (2,)),
    ]),
    Case("params_mixed_qmark_numeric", [
        ("SELECT ?, ?1", (1,)),
    ]),
    Case("params_executemany_named", [
        T,
        many("INSERT INTO t (a, b) VALUES (:a, :b)", [{"a": 1, "b": "x"}, {"a": 2, "b": "y"}]),
        "SELECT a, b FROM t ORDER BY a",
    ]),
    Case("params_executemany_generator", [T, _executemany_generator]),
    Case("params_executemany_iterator_of_dicts", [T, _executemany_iterator_of_dicts]),
    Case("params_executemany_wrong_length_row", [
        T,
        many("INSERT INTO t (a, b) VALUES (?, ?)", [(1, "x"), (2,)]),
        "SELECT a, b FROM t ORDER BY a",
    ]),
    Case("params_executemany_empty", [
        T,
        many("INSERT INTO t (a, b) VALUES (?, ?)", []),
        "SELECT count(*) FROM t",
    ]),
    Case("params_blob_compare", [
        "CREATE TABLE bl (k BLOB, v INTEGER)",
        ("INSERT INTO bl VALUES (?, ?)", (b"\x00\x01", 1)),
        ("INSERT INTO bl VALUES (?, ?)", (b"\x02", 2)),
        ("SELECT v FROM bl WHERE k = ?", (b"\x00\x01",)),
        ("SELECT v FROM bl WHERE k = ?", ("\x00\x01",)),
    ]),
    Case("params_int_text_comparison_affinity", [
        T, FILL,
        ("SELECT b FROM t WHERE a = ?", ("3",)),
        ("SELECT a FROM t WHERE b = ?", (3,)),
    ]),
]
