"""Parameters where the translation needs a literal: a date/time modifier (`date(d, ?)`, the
commonest: "the last N days"), a strftime format, `char(?)` and `randomblob(?)` on Nano. The
statement is planned once per set of bound values, with them written in; every other parameter
stays a parameter. Expressions of parameters and literals (`'+' || ? || ' days'`) count too;
expressions of columns stay NotSupportedError."""
from ...differential.harness import Case

TABLE = [
    "CREATE TABLE ev (id INTEGER PRIMARY KEY, d TEXT, n INTEGER, note)",
    ("many", "INSERT INTO ev (d, n, note) VALUES (?, ?, ?)", [
        ("2024-01-31", 1, "a"), ("2024-02-29 10:30:00", 2, "b"), ("2023-12-31 23:59:59", -3, "c"),
        ("2024-03-01T08:00", 40, "d"), ("", 0, "e"), (None, None, None)]),
]


def _trace(conn, module):
    """A trace callback shows the statement as written, with the values bound."""
    seen = []
    conn.set_trace_callback(seen.append)
    conn.execute("SELECT id, date(d, ?) FROM ev WHERE n > ? ORDER BY id", ("+1 day", 0)).fetchall()
    conn.set_trace_callback(None)
    return tuple(seen)


def _udf(conn, module):
    """A registered function in the same statement as a modifier parameter."""
    conn.create_function("tag", 1, lambda s: None if s is None else "<" + s + ">")
    return conn.execute("SELECT id, tag(date(d, ?)) FROM ev ORDER BY id",
                        ("start of month",)).fetchall()


CASES = [
    Case("params_literal_date_modifier", TABLE + [
        ("SELECT id, date(d, ?) FROM ev ORDER BY id", ("+1 month",)),
        ("SELECT id, date(d, ?) FROM ev ORDER BY id", ("-1 year",)),
        ("SELECT id, date(d, ?) FROM ev ORDER BY id", ("+1 month",)),  # the first plan again
        ("SELECT id, datetime(d, ?, ?) FROM ev ORDER BY id", ("start of month", "+12 hours")),
        ("SELECT id, julianday(d, ?) FROM ev ORDER BY id", ("+0.5 days",)),
        ("SELECT id, time(d, ?) FROM ev ORDER BY id", ("+90 minutes",)),
        ("SELECT id, unixepoch(d, ?) FROM ev ORDER BY id", ("weekday 0",)),
    ]),
    Case("params_literal_modifier_and_plain_params", TABLE + [
        ("SELECT id FROM ev WHERE d < date(?, ?) AND n >= ? ORDER BY id",
         ("2024-03-01", "-1 day", 1)),
        ("SELECT id FROM ev WHERE d < date(?, ?) AND n >= ? ORDER BY id",
         ("2024-03-01", "-1 day", 2)),
        ("SELECT id FROM ev WHERE d < date(:day, :shift) AND n >= :least ORDER BY id",
         {"day": "2024-02-15", "shift": "+1 month", "least": -5}),
        ("SELECT count(*) FROM ev WHERE d > datetime('now', ?)", ("-100 years",)),
    ]),
    Case("params_literal_modifier_expression", TABLE + [
        ("SELECT id, date(d, '+' || ? || ' days') FROM ev ORDER BY id", (3,)),
        ("SELECT id, date(d, '+' || (? * 7) || ' days') FROM ev ORDER BY id", (2,)),
        ("SELECT id, date(d, ? || ' months') FROM ev ORDER BY id", (-1,)),
    ]),
    Case("params_literal_modifier_null_and_bad", TABLE + [
        ("SELECT id, date(d, ?) FROM ev ORDER BY id", (None,)),
        ("SELECT id, date(d, ?) FROM ev ORDER BY id", ("not a modifier",)),
        ("SELECT id, date(d, ?) FROM ev ORDER BY id", (5,)),
        ("SELECT id, date(d, ?) FROM ev ORDER BY id", ("it's",)),
        ("SELECT id, date(d, ?) FROM ev ORDER BY id", (1.5,)),
    ]),
    Case("params_literal_strftime_format", TABLE + [
        ("SELECT id, strftime(?, d) FROM ev ORDER BY id", ("%Y/%m/%d %H:%M",)),
        ("SELECT id, strftime(?, d) FROM ev ORDER BY id", ("%j %w %W",)),
        ("SELECT id, strftime(?, d, ?) FROM ev ORDER BY id", ("%Y-%m", "+1 month")),
        ("SELECT id, strftime(?, d) FROM ev ORDER BY id", ("it's %Y",)),
        ("SELECT id, strftime(?, d) FROM ev ORDER BY id", (None,)),
    ]),
    Case("params_literal_write_statements", TABLE + [
        ("UPDATE ev SET d = date(d, ?) WHERE n > ?", ("+1 day", 1)),
        ("INSERT INTO ev (d, n) VALUES (date(?, ?), ?)", ("2024-05-05", "+2 days", 7)),
        ("many", "INSERT INTO ev (d, n) VALUES (date(?, ?), ?)",
         [("2024-06-01", "+1 day", 8), ("2024-06-01", "-1 day", 9)]),
        ("DELETE FROM ev WHERE d < date(?, ?)", ("2024-01-01", "+0 days")),
        "SELECT id, d, n FROM ev ORDER BY id",
    ]),
    Case("params_literal_char_randomblob", [
        ("SELECT char(?, ?, ?)", (72, 105, 33)),
        ("SELECT char(?), char(?, ?)", (233, 0x1F600, 65)),
        ("SELECT length(randomblob(?)), typeof(randomblob(?))", (5, 0)),
        ("SELECT length(randomblob(?))", (-3,)),
    ]),
    Case("params_literal_json_path", [
        "CREATE TABLE j (id INTEGER PRIMARY KEY, doc TEXT)",
        ("INSERT INTO j (doc) VALUES (?), (?), (?)",
         ('{"a": {"b": [1, 2.5, "x"]}, "n": "joe"}', '{"n": 7}', '[10, 20]')),
        ("SELECT id, json_extract(doc, ?) FROM j ORDER BY id", ("$.n",)),
        ("SELECT id, json_extract(doc, ?) FROM j ORDER BY id", ("$.a.b[2]",)),
        ("SELECT id, doc -> ?, doc ->> ? FROM j ORDER BY id", ("$.a.b", "$[1]")),
        ("SELECT id FROM j WHERE json_extract(doc, ?) = ? ORDER BY id", ("$.n", "joe")),
        ("SELECT id, json_extract(doc, ?, ?) FROM j ORDER BY id", ("$.n", "$.a.b[0]")),
        ("SELECT id, json_extract(doc, '$.' || ?) FROM j ORDER BY id", ("n",)),
    ]),
    Case("params_literal_printf_format", TABLE + [
        ("SELECT id, printf(?, n, note) FROM ev ORDER BY id", ("%5d|%-3s|",)),
        ("SELECT id, printf(?, n) FROM ev ORDER BY id", ("%+.2f",)),
        ("SELECT id, format(?, n, ?) FROM ev ORDER BY id", ("%d of %s", "many")),
        ("SELECT printf(?, ?)", ("%05.1f%%", 2.25)),
    ]),
    Case("params_literal_column_expression_refused", TABLE + [
        "SELECT id, date(d, note) FROM ev ORDER BY id",
        ("SELECT id, date(d, ? || note) FROM ev ORDER BY id", ("+1 ",)),
    ]),
    Case("params_literal_trace_and_udf", TABLE + [_trace, _udf]),
]
