"""Table-valued PRAGMA functions (`SELECT ... FROM pragma_table_info('t')`), as migration
scripts use them to look at a schema."""
from ...differential.harness import Case

SCHEMA = [
    "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL DEFAULT 'x', v, r REAL)",
    "CREATE UNIQUE INDEX ix_name ON t (name)",
    "CREATE INDEX ix_v ON t (v, r)",
]

CASES = [
    Case("pragma_table_info_function", SCHEMA + [
        "SELECT * FROM pragma_table_info('t')",
        "SELECT name FROM pragma_table_info('t') WHERE pk = 0 ORDER BY cid",
        "SELECT count(*) FROM pragma_table_info('t') WHERE name = 'v'",
        "SELECT p.name, p.type FROM pragma_table_info('t') AS p ORDER BY p.name",
        "SELECT * FROM pragma_table_xinfo('t')",
    ]),
    Case("pragma_table_info_function_unknown_table", SCHEMA + [
        "SELECT count(*) FROM pragma_table_info('nope')",
        "SELECT * FROM pragma_table_info('nope')",
    ]),
    Case("pragma_index_functions", SCHEMA + [
        "SELECT name, \"unique\", origin FROM pragma_index_list('t') ORDER BY name",
        "SELECT seqno, cid, name FROM pragma_index_info('ix_v') ORDER BY seqno",
    ]),
    Case("pragma_function_after_alter", SCHEMA + [
        "SELECT count(*) FROM pragma_table_info('t')",
        "ALTER TABLE t ADD COLUMN extra INTEGER",
        "SELECT count(*) FROM pragma_table_info('t')",
    ]),
]
