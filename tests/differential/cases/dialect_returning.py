"""RETURNING on INSERT, UPDATE and DELETE: names as written, `*` as the table's columns, values
converted by declared type, rowcount and lastrowid alongside."""
from ...differential.harness import Case

TABLE = "CREATE TABLE r (id INTEGER PRIMARY KEY, v TEXT, n INTEGER, x REAL, d, b BLOB)"

CASES = [
    Case("returning_insert_star", [
        TABLE,
        ("INSERT INTO r (v, n, x, d, b) VALUES (?, ?, ?, ?, ?) RETURNING *",
         ("a", 1, 1.5, 7, b"\x01")),
        ("INSERT INTO r (v, d) VALUES (?, ?) RETURNING *", ("b", "text")),
    ]),
    Case("returning_names_as_written", [
        TABLE,
        ("INSERT INTO r (v, n) VALUES (?, ?) RETURNING id, v || '!', n*2, n AS twice, 1",
         ("a", 21)),
    ]),
    Case("returning_multi_row_values", [
        TABLE,
        "INSERT INTO r (v) VALUES ('a'), ('b'), ('c') RETURNING id, v",
        "SELECT count(*) FROM r",
    ]),
    Case("returning_update_star_and_rowcount", [
        TABLE,
        "INSERT INTO r (v, n) VALUES ('a', 1), ('b', 2), ('c', 3)",
        "UPDATE r SET n = n + 10 WHERE id >= 2 RETURNING *",
        "UPDATE r SET v = 'z' WHERE id = 99 RETURNING id",
    ], unordered=True),
    Case("returning_delete", [
        TABLE,
        "INSERT INTO r (v, n) VALUES ('a', 1), ('b', 2)",
        "DELETE FROM r WHERE n = 2 RETURNING id, v",
        "SELECT id FROM r",
    ]),
    Case("returning_table_star_qualified", [
        TABLE,
        "INSERT INTO r (v) VALUES ('q') RETURNING r.*",
    ]),
    Case("returning_in_transaction", [
        TABLE,
        "BEGIN",
        "INSERT INTO r (v, n) VALUES ('a', 1)",
        "UPDATE r SET n = 5 RETURNING id, n",
        "DELETE FROM r RETURNING v",
        "COMMIT",
        "SELECT count(*) FROM r",
    ]),
]
