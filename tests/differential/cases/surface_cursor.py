"""Cursor and connection API: description, rowcount, lastrowid, fetching, closing, row/text factories,
executescript."""
from ...differential.harness import Case, as_tuples, fill_t

T = "CREATE TABLE t (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)"


FILL = fill_t
SEL = "SELECT id, a, b FROM t ORDER BY id"


_t = as_tuples


def _full_description(sql):
    def step(conn, module):
        return _t(conn.execute(sql).description)
    return step


def _fresh_cursor_state(conn, module):
    cur = conn.cursor()
    return (cur.description, cur.rowcount, cur.lastrowid, cur.arraysize, cur.row_factory,
            cur.connection is conn)


def _subclass_state_set_before_init(conn, module):
    """A Cursor subclass that sets attributes before calling the base __init__: sqlite3's
    __init__ gives the cursor a new cursor's state all the same."""
    class Early(module.Cursor):
        def __init__(self, connection):
            self.arraysize = 7
            self.row_factory = lambda cursor, row: row
            super().__init__(connection)

    cur = conn.cursor(Early)
    return (cur.arraysize, cur.row_factory, cur.rowcount, cur.lastrowid, cur.description)


def _lastrowid_sequence(conn, module):
    cur = conn.cursor()
    out = [cur.lastrowid]
    cur.execute("INSERT INTO t (a, b) VALUES (1, 'x')")
    out.append(cur.lastrowid)
    cur.execute("INSERT INTO t (id, a, b) VALUES (100, 2, 'y')")
    out.append(cur.lastrowid)
    cur.execute("UPDATE t SET a = a + 1")
    out.append(cur.lastrowid)
    cur.execute("SELECT * FROM t")
    out.append(cur.lastrowid)
    cur.execute("DELETE FROM t WHERE id = 100")
    out.append(cur.lastrowid)
    return tuple(out)


def _lastrowid_other_cursor(conn, module):
    a, b = conn.cursor(), conn.cursor()
    a.execute("INSERT INTO t (a, b) VALUES (1, 'x')")
    b.execute("INSERT INTO t (a, b) VALUES (2, 'y')")
    return (a.lastrowid, b.lastrowid)


def _lastrowid_executemany(conn, module):
    cur = conn.cursor()
    cur.executemany("INSERT INTO t (a, b) VALUES (?, ?)", [(1, "x"), (2, "y")])
    return (cur.lastrowid, cur.rowcount)


def _fetchone_sequence(conn, module):
    cur = conn.execute(SEL)
    return _t((cur.fetchone(), cur.fetchone(), cur.fetchall(), cur.fetchone(), cur.fetchone()))


def _fetchmany_sequence(conn, module):
    cur = conn.execute(SEL)
    return _t((cur.arraysize, cur.fetchmany(), cur.fetchmany(2), cur.fetchmany(size=1),
               cur.fetchmany(10), cur.fetchmany()))


def _arraysize(conn, module):
    cur = conn.cursor()
    cur.arraysize = 3
    cur.execute(SEL)
    return _t((cur.fetchmany(), cur.fetchmany(), cur.fetchmany()))


def _iterate(conn, module):
    return _t([row for row in conn.execute(SEL)])


def _iterate_partial(conn, module):
    cur = conn.execute(SEL)
    first = next(cur)
    rest = list(cur)
    return _t((first, rest))


def _next_exhausted(conn, module):
    conn.execute("CREATE TABLE empty (x)")
    cur = conn.execute("SELECT x FROM empty")
    return next(cur)


def _re_execute(conn, module):
    cur = conn.cursor()
    cur.execute(SEL)
    first = cur.fetchone()
    cur.execute("SELECT b FROM t WHERE id = 5")
    return _t((first, cur.fetchall(), [d[0] for d in cur.description]))


def _execute_returns_self(conn, module):
    cur = conn.cursor()
    return (cur.execute("SELECT 1") is cur, cur.executemany("INSERT INTO t (a) VALUES (?)", [(1,)]) is cur,
            cur.executescript("SELECT 1;") is cur)


def _conn_shortcuts(conn, module):
    c1 = conn.execute("INSERT INTO t (a, b) VALUES (?, ?)", (9, "nine"))
    c2 = conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)", [(10, "ten"), (11, "eleven")])
    c3 = conn.executescript("INSERT INTO t (a, b) VALUES (12, 'twelve');")
    return (type(c1).__name__, c1.rowcount, c2.rowcount, type(c3).__name__,
            isinstance(c1, module.Cursor), c1 is not c2)


def _cursor_close_then_execute(conn, module):
    cur = conn.cursor()
    cur.close()
    return cur.execute("SELECT 1")


def _cursor_close_then_fetch(conn, module):
    cur = conn.execute(SEL)
    cur.close()
    return cur.fetchall()


def _cursor_close_then_fetchone(conn, module):
    cur = conn.execute(SEL)
    cur.close()
    return cur.fetchone()


def _cursor_close_then_iterate(conn, module):
    cur = conn.execute(SEL)
    cur.close()
    return list(cur)


def _cursor_close_twice(conn, module):
    cur = conn.cursor()
    cur.close()
    return cur.close()


def _conn_close(conn, module):
    return conn.close()


def _conn_close_then_cursor(conn, module):
    conn.close()
    return conn.cursor()


def _conn_close_then_fetch_old_cursor(conn, module):
    cur = conn.execute(SEL)
    conn.close()
    return cur.fetchall()


def _conn_close_then_commit(conn, module):
    conn.close()
    return conn.commit()


def _conn_close_then_rollback(conn, module):
    conn.close()
    return conn.rollback()


def _conn_close_then_in_transaction(conn, module):
    conn.close()
    return conn.in_transaction


def _conn_close_then_total_changes(conn, module):
    conn.close()
    return conn.total_changes


def _set_row_factory_row(conn, module):
    conn.row_factory = module.Row
    return conn.row_factory is module.Row


def _row_access(conn, module):
    conn.row_factory = module.Row
    row = conn.execute("SELECT id, a AS Alpha, b FROM t WHERE id = 2").fetchone()
    return (type(row).__name__, tuple(row.keys()), row[0], row[-1], row["alpha"], row["ALPHA"],
            row["Alpha"], row["B"], len(row), tuple(row), row[0:2], isinstance(row, tuple))


def _row_missing_key(conn, module):
    conn.row_factory = module.Row
    row = conn.execute("SELECT 1 AS x").fetchone()
    return row["y"]


def _row_index_out_of_range(conn, module):
    conn.row_factory = module.Row
    row = conn.execute("SELECT 1 AS x").fetchone()
    return row[5]


def _row_equality(conn, module):
    conn.row_factory = module.Row
    r1 = conn.execute("SELECT 1 AS x, 'a' AS y").fetchone()
    r2 = conn.execute("SELECT 1 AS x, 'a' AS y").fetchone()
    r3 = conn.execute("SELECT 1 AS x, 'b' AS y").fetchone()
    r4 = conn.execute("SELECT 1 AS z, 'a' AS y").fetchone()
    return (r1 == r2, r1 != r3, r1 == r4, hash(r1) == hash(r2), r1 == (1, "a"),
            dict(zip(r1.keys(), r1)) == {"x": 1, "y": "a"})


def _row_duplicate_names(conn, module):
    conn.row_factory = module.Row
    row = conn.execute("SELECT 1 AS x, 2 AS x, 3 AS X").fetchone()
    return (tuple(row.keys()), row["x"], row["X"])


def _row_to_dict(conn, module):
    conn.row_factory = module.Row
    rows = conn.execute("SELECT id, b FROM t ORDER BY id LIMIT 2").fetchall()
    return tuple(_t(dict(r)) for r in rows)


def _dict_factory(cursor, row):
    return {d[0]: v for d, v in zip(cursor.description, row)}


def _set_dict_factory(conn, module):
    conn.row_factory = _dict_factory
    return None


def _cursor_level_row_factory(conn, module):
    cur = conn.cursor()
    cur.row_factory = lambda c, r: ("custom",) + r
    plain = conn.execute("SELECT 1, 2").fetchone()
    return _t((cur.execute("SELECT 1, 2").fetchone(), plain))


def _cursor_inherits_row_factory(conn, module):
    conn.row_factory = lambda c, r: list(r)
    cur = conn.cursor()
    conn.row_factory = None
    return _t((type(cur.execute("SELECT 1").fetchone()).__name__,
               type(conn.execute("SELECT 1").fetchone()).__name__))


def _row_factory_reset(conn, module):
    conn.row_factory = module.Row
    conn.row_factory = None
    return _t(conn.execute("SELECT 1 AS x").fetchone())


def _text_factory(value):
    def step(conn, module):
        conn.text_factory = value
        return conn.text_factory is value
    return step


def _upper_text(b):
    return b.decode("utf-8").upper()


def _text_factory_invalid_utf8(conn, module):
    return conn.execute("SELECT CAST(x'ff' AS TEXT)").fetchone()


def _text_factory_bytes_invalid_utf8(conn, module):
    conn.text_factory = bytes
    return conn.execute("SELECT CAST(x'ff' AS TEXT)").fetchone()


def _set_input_output_sizes(conn, module):
    cur = conn.cursor()
    return (cur.setinputsizes([1, 2]), cur.setoutputsize(10), cur.setoutputsize(10, 0))


def _execute_non_str(conn, module):
    return conn.execute(123)


def _cursor_execute_none(conn, module):
    return conn.cursor().execute(None)


def _executescript_with_params(conn, module):
    return conn.executescript("SELECT ?;", (1,))


def _executescript_cursor_state(conn, module):
    cur = conn.executescript("CREATE TABLE s (x); INSERT INTO s VALUES (1); SELECT x FROM s;")
    return _t((cur.description, cur.rowcount, cur.fetchall()))


def _script(sql):
    """executescript observing only success; the script cursor's state has its own case."""
    def step(conn, module):
        conn.executescript(sql)
        return None
    return step


def _iterdump(conn, module):
    return tuple(conn.iterdump())


def _connection_attrs(conn, module):
    return (conn.in_transaction, conn.isolation_level, conn.row_factory, conn.text_factory is str,
            conn.total_changes, isinstance(conn, module.Connection))


def _rowcount_on_fresh_and_after_ddl(conn, module):
    cur = conn.cursor()
    out = [cur.rowcount]
    cur.execute("CREATE TABLE r (x)")
    out.append(cur.rowcount)
    cur.execute("INSERT INTO r VALUES (1)")
    out.append(cur.rowcount)
    cur.execute("SELECT * FROM r")
    out.append(cur.rowcount)
    cur.fetchall()
    out.append(cur.rowcount)
    return tuple(out)


SCRIPT_MIXED = """
-- a leading comment; with a semicolon
CREATE TABLE s (id INTEGER PRIMARY KEY, txt TEXT);  /* block comment; with ; inside */
INSERT INTO s (txt) VALUES ('semi;colon');
INSERT INTO s (txt) VALUES ('quote''s; -- not a comment');
INSERT INTO s (txt) VALUES ('two;semis;');;
;
INSERT INTO s (txt) VALUES ('/* not a comment */')
"""

SCRIPT_TRIGGER = """
CREATE TABLE s (x INTEGER);
CREATE TABLE log (msg TEXT);
CREATE TRIGGER s_ins AFTER INSERT ON s BEGIN
    INSERT INTO log VALUES ('inserted ' || new.x);
    INSERT INTO log VALUES ('second; statement');
END;
INSERT INTO s VALUES (1);
INSERT INTO s VALUES (2);
"""

CASES = [
    Case("cursor_description_aliases", [
        "SELECT 1 AS one, 'a' AS \"two words\", 3 AS [bracketed], 4 AS `backtick`, 5 AS MixedCase",
    ]),
    Case("cursor_description_expressions", [
        T, FILL,
        "SELECT count( * ) FROM t",
        "SELECT count(*), COUNT(a), max(a)+1, a * 2, upper(max(b)) FROM t GROUP BY a ORDER BY a LIMIT 1",
        "SELECT 1+2, 'x'||'y', NULL, -a, a  *  2 FROM t ORDER BY id LIMIT 1",
        "SELECT (SELECT 1), CAST(a AS TEXT), a IS NULL FROM t ORDER BY id LIMIT 1",
    ]),
    Case("cursor_description_column_names", [
        T, FILL,
        "SELECT A, B, t.id, T.ID FROM t ORDER BY id",
        "SELECT x.a FROM t AS x ORDER BY x.id",
        "SELECT t.* FROM t ORDER BY id",
    ]),
    Case("cursor_description_star_join", [
        "CREATE TABLE l (id INTEGER PRIMARY KEY, v TEXT)",
        "CREATE TABLE r (id INTEGER PRIMARY KEY, l_id INTEGER, v TEXT)",
        "INSERT INTO l VALUES (1, 'left')",
        "INSERT INTO r VALUES (7, 1, 'right')",
        "SELECT * FROM l JOIN r ON l.id = r.l_id",
        "SELECT l.v, r.v FROM l JOIN r ON l.id = r.l_id",
        "SELECT * FROM l, r",
    ]),
    Case("cursor_description_subquery_and_union", [
        "SELECT x FROM (SELECT 1 AS x)",
        "SELECT 1 AS a UNION ALL SELECT 2 AS b ORDER BY 1",
        "WITH c(n) AS (SELECT 5) SELECT n, n * 2 FROM c",
    ]),
    Case("cursor_description_full_tuple", [
        T, _full_description("SELECT id, a AS x, b || '' FROM t"),
    ]),
    Case("cursor_description_empty_result", [
        T, "SELECT a, b FROM t WHERE 0", "SELECT * FROM t",
    ]),
    Case("cursor_description_none_for_dml", [
        T, "INSERT INTO t (a) VALUES (1)", "UPDATE t SET a = 2", "DELETE FROM t",
        "CREATE TABLE u (x)", "DROP TABLE u",
    ]),
    Case("cursor_fresh_state", [_fresh_cursor_state]),
    Case("cursor_subclass_state_set_before_init", [_subclass_state_set_before_init]),
    Case("cursor_rowcount_select", [
        T, FILL, SEL, "SELECT count(*) FROM t",
    ]),
    Case("cursor_rowcount_insert", [
        T,
        "INSERT INTO t (a) VALUES (1)",
        "INSERT INTO t (a) VALUES (2), (3), (4)",
        "INSERT INTO t (a, b) SELECT a, b FROM t",
    ]),
    Case("cursor_rowcount_update_delete", [
        T, FILL,
        "UPDATE t SET b = 'x' WHERE a > 2",
        "UPDATE t SET b = 'y' WHERE a > 100",
        "UPDATE t SET b = b",
        "DELETE FROM t WHERE a = 1",
        "DELETE FROM t",
        "DELETE FROM t",
    ]),
    Case("cursor_rowcount_executemany", [
        T, FILL,
        ("many", "UPDATE t SET b = ? WHERE a > ?", [("x", 3), ("y", 4), ("z", 100)]),
        ("many", "INSERT INTO t (a, b) VALUES (?, ?)", [(6, "six"), (7, "seven")]),
        ("many", "DELETE FROM t WHERE a = ?", [(1,), (2,), (99,)]),
    ]),
    Case("cursor_rowcount_ddl_and_fresh", [_rowcount_on_fresh_and_after_ddl]),
    Case("cursor_rowcount_replace_and_ignore", [
        "CREATE TABLE k (k INTEGER PRIMARY KEY, v TEXT)",
        "INSERT INTO k VALUES (1, 'a')",
        "INSERT OR IGNORE INTO k VALUES (1, 'b')",
        "INSERT OR REPLACE INTO k VALUES (1, 'c')",
        "INSERT INTO k VALUES (1, 'd') ON CONFLICT (k) DO UPDATE SET v = excluded.v",
        "INSERT INTO k VALUES (1, 'e') ON CONFLICT DO NOTHING",
        "SELECT * FROM k",
    ]),
    Case("cursor_lastrowid_sequence", [T, _lastrowid_sequence]),
    Case("cursor_lastrowid_conn_execute", [
        T,
        "INSERT INTO t (a) VALUES (1)",
        "INSERT INTO t (id, a) VALUES (50, 2)",
        "UPDATE t SET a = 3 WHERE id = 1",
        "SELECT 1",
        "DELETE FROM t WHERE id = 1",
        "INSERT OR IGNORE INTO t (id, a) VALUES (50, 9)",
        "CREATE TABLE u (x)",
    ]),
    Case("cursor_lastrowid_other_cursor", [T, _lastrowid_other_cursor]),
    Case("cursor_lastrowid_executemany", [T, _lastrowid_executemany]),
    Case("cursor_lastrowid_without_alias", [
        "CREATE TABLE n (name TEXT PRIMARY KEY)",
        "INSERT INTO n VALUES ('a')",
        "INSERT INTO n VALUES ('b')",
        "SELECT rowid, name FROM n ORDER BY rowid",
    ]),
    Case("cursor_fetchone", [T, FILL, _fetchone_sequence]),
    Case("cursor_fetchmany", [T, FILL, _fetchmany_sequence]),
    Case("cursor_arraysize", [T, FILL, _arraysize]),
    Case("cursor_iteration", [T, FILL, _iterate, _iterate_partial]),
    Case("cursor_next_exhausted", [_next_exhausted]),
    Case("cursor_re_execute_resets", [T, FILL, _re_execute]),
    Case("cursor_execute_returns_self", [T, _execute_returns_self]),
    Case("cursor_conn_shortcuts", [T, _conn_shortcuts, SEL]),
    Case("cursor_close_then_execute", [_cursor_close_then_execute]),
    Case("cursor_close_then_fetchall", [T, FILL, _cursor_close_then_fetch]),
    Case("cursor_close_then_fetchone", [T, FILL, _cursor_close_then_fetchone]),
    Case("cursor_close_then_iterate", [T, FILL, _cursor_close_then_iterate]),
    Case("cursor_close_twice", [_cursor_close_twice]),
    Case("cursor_conn_close_then_execute", [
        T, _conn_close, "SELECT 1", _conn_close,
    ], messages=True),
    Case("cursor_conn_close_then_cursor", [_conn_close_then_cursor]),
    Case("cursor_conn_close_then_old_cursor", [T, FILL, _conn_close_then_fetch_old_cursor]),
    Case("cursor_conn_close_then_commit", [_conn_close_then_commit]),
    Case("cursor_conn_close_then_rollback", [_conn_close_then_rollback]),
    Case("cursor_conn_close_then_in_transaction", [_conn_close_then_in_transaction]),
    Case("cursor_conn_close_then_total_changes", [_conn_close_then_total_changes]),
    Case("cursor_connection_attrs", [_connection_attrs]),
    Case("cursor_row_factory_row_sql", [
        T, FILL, _set_row_factory_row,
        "SELECT id, a, b AS Bee FROM t ORDER BY id LIMIT 2",
        "SELECT * FROM t WHERE id < 0",
    ]),
    Case("cursor_row_access", [T, FILL, _row_access]),
    Case("cursor_row_missing_key", [_row_missing_key]),
    Case("cursor_row_index_out_of_range", [_row_index_out_of_range]),
    Case("cursor_row_equality", [_row_equality]),
    Case("cursor_row_duplicate_names", [_row_duplicate_names]),
    Case("cursor_row_to_dict", [T, FILL, _row_to_dict]),
    Case("cursor_row_factory_dict", [
        T, FILL, _set_dict_factory,
        "SELECT id, b FROM t ORDER BY id LIMIT 2",
        "SELECT count(*) FROM t",
    ]),
    Case("cursor_row_factory_cursor_level", [_cursor_level_row_factory]),
    Case("cursor_row_factory_inherited_at_creation", [_cursor_inherits_row_factory]),
    Case("cursor_row_factory_reset", [_row_factory_reset]),
    Case("cursor_text_factory_bytes", [
        T, FILL, _text_factory(bytes),
        "SELECT b, 'é', a, x'00' FROM t ORDER BY id LIMIT 2",
        _text_factory(str),
        "SELECT b, 'é' FROM t ORDER BY id LIMIT 2",
    ]),
    Case("cursor_text_factory_custom", [
        _text_factory(_upper_text),
        "SELECT 'abc', 'é', 1, NULL",
    ]),
    Case("cursor_text_factory_bytearray", [
        _text_factory(bytearray),
        "SELECT 'abc'",
    ]),
    Case("cursor_text_invalid_utf8", [_text_factory_invalid_utf8]),
    Case("cursor_text_factory_bytes_invalid_utf8", [_text_factory_bytes_invalid_utf8]),
    Case("cursor_setinputsizes_setoutputsize", [_set_input_output_sizes]),
    Case("cursor_execute_non_str", [_execute_non_str]),
    Case("cursor_execute_none", [_cursor_execute_none]),
    Case("cursor_execute_empty_and_comments", [
        "",
        "   ",
        "-- only a comment",
        "/* only a block comment */",
        "SELECT 1;",
        "SELECT 2;   ",
        "SELECT 3; -- trailing comment",
        "SELECT 4 /* inline */ ;",
    ]),
    Case("cursor_executescript_mixed", [
        _script(SCRIPT_MIXED),
        "SELECT id, txt FROM s ORDER BY id",
    ]),
    Case("cursor_executescript_trigger_body", [
        _script(SCRIPT_TRIGGER),
        "SELECT msg FROM log ORDER BY rowid",
    ]),
    Case("cursor_executescript_empty", [
        ("script", ""),
        ("script", "   \n -- nothing\n"),
        ("script", ";;"),
    ]),
    Case("cursor_executescript_select_results_discarded", [_executescript_cursor_state]),
    Case("cursor_executescript_with_params", [_executescript_with_params]),
    Case("cursor_executescript_cursor_state", [
        ("script", "CREATE TABLE s (x INTEGER); INSERT INTO s VALUES (1); INSERT INTO s VALUES (2);"),
        "SELECT x FROM s ORDER BY x",
    ]),
    Case("cursor_executescript_error_midway", [
        _script("CREATE TABLE s (x); INSERT INTO s VALUES (1); INSERT INTO nope VALUES (2); "
                "INSERT INTO s VALUES (3);"),
        "SELECT x FROM s ORDER BY x",
    ]),
    Case("cursor_executescript_no_trailing_semicolon", [
        _script("CREATE TABLE s (x); INSERT INTO s VALUES (1)"),
        "SELECT x FROM s",
    ]),
    Case("cursor_iterdump", [
        T, "INSERT INTO t (a, b) VALUES (1, 'it''s')", "CREATE INDEX ia ON t (a)",
        lambda conn, module: conn.commit(),
        _iterdump,
    ]),
]
