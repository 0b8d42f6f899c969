"""Differential cases that cannot match stdlib sqlite3 on an engine yet, each with the reason.

A case listed here runs as a strict expected failure: if it starts to pass, the suite fails until
it is taken off this list. docs/compatibility.md describes each difference for users.
"""

TYPES = ("Nano columns are strictly typed: a value SQLite would keep as another storage class "
         "(text in a numeric column, a blob in a TEXT column) cannot be stored as that class; "
         "typeless columns hold canonical text, so numeric-looking text reads back as a number")

DIFFERS: dict[str, dict[str, str]] = {
    "binding": {
        # storage classes in strictly typed columns
        "values_untyped_column": TYPES,
        "values_order_mixed_types": TYPES + "; mixed classes cannot sort in SQLite's class order",
        "values_integer_column": TYPES + " ('abc' in an INTEGER column is refused)",
        "values_real_column": TYPES + " ('abc' in a REAL column is refused)",
        "values_numeric_column": TYPES + " ('abc' in a NUMERIC column is refused)",
        "values_boolean_column": TYPES + " ('true' in a BOOLEAN column is refused)",
        "values_text_column": TYPES + " (a blob in a TEXT column becomes its \\x text)",
        "values_blob_column": TYPES + " (a number in a BLOB column is refused)",
        "types_decltypes_converter": TYPES + " (text in a column whose type contains INT)",
        "values_real_column_negative_zero": "the engine keeps -0.0; SQLite stores 0.0",
        # features the engine does not have
        "cursor_executescript_trigger_body": "CREATE TRIGGER is not supported (Nano runs only "
                                             "PL/pgSQL BEFORE INSERT triggers)",
        "errors_raise_in_trigger": "CREATE TRIGGER is not supported",
        "errors_foreign_key_enforced": "foreign keys are recorded, not enforced, even with "
                                       "PRAGMA foreign_keys = ON",
        # text encoding
        "cursor_text_invalid_utf8": "text is always valid UTF-8 in the engine",
        "cursor_text_factory_bytes_invalid_utf8": "text is always valid UTF-8 in the engine",
        "errors_unique_text_key_prefix_of_others": "Nano 4.31 bug: a UNIQUE/PRIMARY KEY index on "
            "TEXT misses a duplicate of a key that prefixes a dozen other keys (not worked around)",
        "values_select_text_embedded_nul": "SQLite's length() stops at NUL; Nano counts it",
        "tx_drop_table_with_its_writes_then_same_name": "Nano 4.31 bug: a table renamed in the "
            "transaction that wrote to it shows those rows under the old name until COMMIT "
            "(DROP TABLE in a transaction renames the table out of sight)",
        # expression semantics that differ in the engine
        "params_in_expressions": "a text parameter in arithmetic is not converted to a number",
        "values_comparison_across_types": "literal 1 = 1.0 is false in Nano",
        "values_cast": "CAST follows PostgreSQL rules ('12abc' is an error, not 12)",
        "values_int_arithmetic_overflow_to_real": "integer overflow is an error, not a real",
        "values_blob_functions": "zeroblob() and blob-to-text comparison are not available",
        "values_unicode_functions": "upper()/lower() fold non-ASCII letters too",
        "errors_no_such_function": "wrong argument counts are reported as syntax errors",
        "errors_statement_atomic": "lastrowid after a failed multi-row INSERT is not advanced",
    },
}

# The REPL transport runs the same engine through `heliosdb-nano repl`: the binding's differences,
# and those of a transport that writes parameters into the SQL text as literals.
DIFFERS["repl"] = {
    **DIFFERS["binding"],
}

# Daemon mode on a Nano server: the same engine as the binding, so its differences, and two of
# the server's wire handler (Nano 4.31).
TX_ABORT = ("a Nano server rolls the whole transaction back when one statement in it fails (its "
            "wire handler refuses ROLLBACK TO SAVEPOINT after an error), so SQLite's "
            "statement-level undo cannot be kept: later statements raise OperationalError until "
            "rollback()")
TEXT_DESCRIBED = ("a Nano server describes some result columns as text whatever their values "
                  "(coalesce()/ifnull(), and RETURNING items other than plain columns), so "
                  "numbers there arrive as strings")
DIFFERS["daemon-nano"] = {
    **DIFFERS["binding"],
    **{name: TX_ABORT for name in (
        "batch_insert_failure_midway", "batch_opens_the_transaction_then_fails",
        "batch_in_an_explicit_transaction_fails", "hot_insert_explicit_and_null_rowids",
        "errors_unique_integer_primary_key",
        "errors_update_or_abort_fail_rollback", "errors_unique_column", "errors_unique_on_update",
        "errors_not_null", "errors_check_constraint", "errors_connection_usable_after_errors",
        "errors_insert_or_abort_fail_rollback", "tx_failed_statement_keeps_transaction",
        "values_integer_primary_key_rejects_text")},
    "returning_names_as_written": TEXT_DESCRIBED,
    "booleans_in_arithmetic_and_functions": TEXT_DESCRIBED,
    "values_null_handling": TEXT_DESCRIBED,
}

# Daemon mode on PostgreSQL 16: a strictly typed engine too, with its own expression rules.
PG_TYPES = TYPES.replace("Nano columns", "PostgreSQL columns")
DIFFERS["daemon-pg"] = {
    **{name: PG_TYPES for name in (
        "values_untyped_column",
        "values_integer_column", "values_real_column", "values_numeric_column",
        "values_boolean_column", "values_text_column", "values_blob_column",
        "types_decltypes_converter")},
    "values_order_mixed_types": PG_TYPES + "; mixed classes cannot sort in SQLite's class order",
    "values_real_column_negative_zero": "PostgreSQL keeps -0.0; SQLite stores 0.0",
    "cursor_executescript_trigger_body": "CREATE TRIGGER is not supported by heliosdb_sqlite",
    "errors_raise_in_trigger": "CREATE TRIGGER is not supported by heliosdb_sqlite",
    "errors_foreign_key_enforced": "foreign keys are recorded, not enforced, even with "
                                   "PRAGMA foreign_keys = ON",
    "cursor_text_invalid_utf8": "text is always valid UTF-8 in PostgreSQL",
    "cursor_text_factory_bytes_invalid_utf8": "text is always valid UTF-8 in PostgreSQL",
    "values_select_text_embedded_nul": "PostgreSQL text cannot hold a NUL character",
    "params_in_expressions": "a text parameter in arithmetic is not converted to a number",
    "params_int_text_comparison_affinity": "an integer compared with a TEXT column is a type "
                                           "error in PostgreSQL, not a text comparison",
    "params_blob_compare": "a text parameter compared with a BLOB column is a type error in "
                           "PostgreSQL",
    "values_comparison_across_types": "PostgreSQL converts '1' to a number to compare it with 1",
    "values_cast": "CAST follows PostgreSQL rules ('12abc' is an error, not 12)",
    "values_int_arithmetic_overflow_to_real": "integer overflow is an error, not a real",
    "values_float_repr": "a double overflowing to infinity is an error in PostgreSQL",
    "values_blob_functions": "a blob compares equal to its text and CAST(blob AS TEXT) gives "
                             "its \\x form",
    "values_unicode_functions": "upper()/lower() fold non-ASCII letters too",
    "errors_no_such_function": "wrong argument counts are reported as syntax errors",
    "errors_statement_atomic": "lastrowid after a failed multi-row INSERT is not advanced",
}
DIFFERS["daemon-nano"]["udf_scalar_errors"] = TX_ABORT
NUL_TEXT = "PostgreSQL text cannot hold a NUL character (the case's data has one)"
DIFFERS["daemon-pg"].update({
    "udf_scalar_argument_types": NUL_TEXT,
    "udf_text_factory": NUL_TEXT,
    "udf_aggregate": NUL_TEXT,
    "udf_partial_index": "PostgreSQL evaluates a partial index's WHERE itself, so it cannot call "
                         "a Python function there (a Nano engine ignores that WHERE)",
})

# SQLite's scalar functions (cases/dialect_scalars.py)
PRINTF_REFUSED = ("printf() with a format read from a column, or %f over 28 decimals (or any "
                  "conversion with the ! flag) with a non-constant argument, raises "
                  "NotSupportedError; %f of a value that would show more than 16 significant "
                  "digits fails the statement")
PRINTF_EXP_UNSETTLED = ("printf('%e'/'%g') of a decimal half-way between two at the precision "
                        "asked (2.5 to 0 places, 1234565 to 6 digits) fails the statement: "
                        "SQLite's digit there comes from its long double rounding; over 16 "
                        "significant digits and the ! flag raise NotSupportedError")
PRINTF_TEXT_PREFIX = ("printf('%d') of a text column: Nano has no regular expression that "
                      "extracts, so a text with characters after its number ('12abc') fails "
                      "the statement instead of reading its leading integer")
DISTINCT_ORDER = ("group_concat(DISTINCT x) joins the values in the engine's order for DISTINCT "
                  "(sorted), SQLite in scan order")
for _engine in ("binding", "repl", "daemon-nano", "daemon-pg"):
    DIFFERS[_engine]["scalar_printf_refused"] = PRINTF_REFUSED
    DIFFERS[_engine]["printf_exp_unsettled"] = PRINTF_EXP_UNSETTLED
    DIFFERS[_engine]["dynamic_math_insert_returning"] = (
        "arithmetic on a typeless column in INSERT ... RETURNING is NotSupportedError (the "
        "rewrite does not give RETURNING's columns their numbers there yet)")
    DIFFERS[_engine]["scalar_group_concat_distinct"] = DISTINCT_ORDER
    DIFFERS[_engine]["dynamic_math_insert_select"] = (
        "INSERT ... SELECT binds the selected rows: a real of 1e15 or more computed on a "
        "typeless column arrives as the engine's NUMERIC text ('10000000000000000.0'), which "
        "is bound and stored as that text, not as SQLite's real (the source rows are not shaped)")
for _engine in ("binding", "repl", "daemon-nano"):
    DIFFERS[_engine]["scalar_printf_text_prefix"] = PRINTF_TEXT_PREFIX
for _name in ("scalar_char_unicode", "scalar_instr_substr"):
    DIFFERS["daemon-nano"][_name] = TEXT_DESCRIBED + " (the CASE that unicode()/instr() become)"
DIFFERS["daemon-nano"]["scalar_iif_ifnull"] = TEXT_DESCRIBED + " (ifnull/nullif/coalesce of numbers)"
DIFFERS["daemon-nano"]["scalar_min_max_likely"] = TEXT_DESCRIBED + " (min()/max() of several numbers)"

# SQLite's JSON1 functions (cases/dialect_json.py)
JSONB_PRINTS = ("Nano's JSONB keeps an object as a sorted map: an object or array read from a stored "
                "document comes back with its keys sorted, a duplicate key's last value, and reals "
                "re-printed (2e2 as 200.0), unless json() is given text already minified")
JSON_EACH_SORTED = ("json_each() of a stored or bound object lists its members in JSONB's order: keys "
                    "sorted, a duplicate key's last value only (SQLite: the text's order)")
JSON_EACH_ID = ("json_each() of a run-time value refuses its id column (SQLite's internal node "
                "number), so SELECT * too, with NotSupportedError")
JSON_TREE_RUN_TIME = ("json_tree() of a run-time value walks two levels below the root: a document "
                      "nested deeper fails the statement (OperationalError naming the limit)")
JSON_EACH_EMPTY = "an empty json_each() result carries no column names on the binding"
JSON_EACH_EXISTS = ("Nano 4.31 evaluates a function of an outer column inside a correlated subquery as "
                    "NULL (SELECT (SELECT length(t.j) FROM u) FROM t), so json_each(t.col) in EXISTS "
                    "finds no rows")
JSON_EACH_PG_TYPES = ("PostgreSQL expressions have one type per column: json_each()'s value of a "
                      "run-time document is text inside an expression (sum(value), IN, WHERE), so it "
                      "adds and compares as text; a whole SELECT item is decoded as SQLite's")
JSON_EACH_CORRELATED = ("json_each() of a scalar subquery that reads another FROM source's columns "
                        "raises NotSupportedError (the engine has no LATERAL)")
JSON_MODIFY = ("json_set()/json_insert()/json_replace()/json_remove()/json_patch() of a stored "
               "document raise NotSupportedError (computed only over literals)")
JSON_PG_TEXT = ("PostgreSQL expressions have one type per column: a JSON value that json_extract() "
                "or ->> reads from a stored document is text inside an expression (WHERE, "
                "arithmetic), so it compares as text; a whole SELECT item is decoded as SQLite's")
JSON_PG_REALS = ("PostgreSQL prints a real that is a whole number without SQLite's '.0' in JSON "
                 "text (1e10 as 10000000000)")
for _engine in ("binding", "repl", "daemon-nano", "daemon-pg"):
    DIFFERS[_engine]["json_column_modify"] = JSON_MODIFY
    DIFFERS[_engine]["json_each_run_time_id"] = JSON_EACH_ID
    DIFFERS[_engine]["json_tree_column"] = JSON_TREE_RUN_TIME
    DIFFERS[_engine]["json_tree_run_time_deep"] = JSON_TREE_RUN_TIME
    DIFFERS[_engine]["json_each_correlated_scalar_subquery"] = JSON_EACH_CORRELATED
for _engine in ("binding", "repl", "daemon-nano"):
    DIFFERS[_engine]["json_each_correlated_exists"] = JSON_EACH_EXISTS
    DIFFERS[_engine]["json_column_unsorted_keys"] = JSONB_PRINTS
    DIFFERS[_engine]["json_each_column_object_order"] = JSON_EACH_SORTED
DIFFERS["binding"]["json_each_literal_empty"] = JSON_EACH_EMPTY
for _case in ("json_each_parameter", "json_each_in_subquery", "json_each_order_by_value"):
    DIFFERS["daemon-pg"][_case] = JSON_EACH_PG_TYPES
DIFFERS["daemon-pg"].update({
    "json_column_filters": JSON_PG_TEXT,
    "json_column_build": JSON_PG_REALS,
    "json_group_functions": JSON_PG_REALS,
})

# Feature-table cases (cases/surface_features.py)
_FEATURES_EVERYWHERE = {
    "feature_pragma_table_list_and_database_list": "PRAGMA table_list lists tables only (no "
        "views, no sqlite_schema rows) and table_list(name) returns no row; embedded, PRAGMA "
        "database_list gives ':memory:' as the file of an in-memory database (SQLite: '')",
    "feature_tuning_pragma_answers": "tuning PRAGMAs are accepted, not applied: synchronous "
        "reads 0 whatever was set, and busy_timeout = N / journal_mode = WAL return no row "
        "(SQLite returns the value in force); a server reports journal_mode 'delete'",
    "feature_virtual_table_attach_explain": "CREATE VIRTUAL TABLE, ATTACH and EXPLAIN raise "
                                            "NotSupportedError naming the construct",
}
QUALIFIED_SAME_NAME = ("Nano cannot resolve a qualified reference into a view or derived table; "
                       "the qualifier is dropped, so a column name that both sides of the join "
                       "have fails with 'no such column'")
SUM_WRAPS = ("the heliosdb-nano CLI and server build wraps an overflowing integer sum() silently "
             "(-9223372036854775808) where SQLite raises 'integer overflow' (the binding's "
             "checked build panics, mapped to OperationalError)")
RO_SERVER = ("on a server the path names nothing: mode=ro on a missing file opens the DSN's "
             "database (SQLite: unable to open database file)")
for _engine in ("binding", "repl", "daemon-nano", "daemon-pg"):
    DIFFERS[_engine].update(_FEATURES_EVERYWHERE)
for _engine in ("binding", "repl", "daemon-nano"):
    DIFFERS[_engine]["feature_qualified_refs_same_name_both_sides"] = QUALIFIED_SAME_NAME
for _engine in ("repl", "daemon-nano"):
    DIFFERS[_engine]["feature_integer_overflow_in_sum"] = SUM_WRAPS
DIFFERS["repl"]["feature_two_connections_one_file"] = (
    "the REPL transport has no read-only snapshot: a reader of a file database waits for another "
    "connection's write transaction, then gets 'database is locked'")
DIFFERS["daemon-nano"]["feature_read_only_uri_missing_file"] = RO_SERVER
DIFFERS["daemon-pg"].update({
    "order_by_aggregate_alias_in_expression": "PostgreSQL does not let an ORDER BY expression "
                                              "read a result alias (only a bare alias or a "
                                              "position): `ORDER BY -n` is 'no such column'",
    "feature_read_only_uri_missing_file": RO_SERVER,
    "feature_integer_overflow_in_sum": "PostgreSQL's sum(bigint) is numeric: it returns "
                                       "9223372036854775808 where SQLite raises 'integer "
                                       "overflow'",
})
LIKE_COLUMN_NON_ASCII = ("a LIKE pattern that is a column or an expression (not a literal, "
                         "not a parameter) runs as the engine's ILIKE, which folds non-ASCII "
                         "letters too ('é' LIKE 'É' is true)")
LIKE_JOIN_ON_CAST = ("Nano 4.31 bug: a JOIN ... ON condition holding a CAST and a parameter "
                     "fails with 'Parameter $1 not provided' (LIKE/GLOB ? match the text of "
                     "the column, a CAST; the REPL transport writes values into the SQL)")
for _engine in ("binding", "repl", "daemon-nano", "daemon-pg"):
    DIFFERS[_engine]["like_runtime_column_pattern_non_ascii"] = LIKE_COLUMN_NON_ASCII
for _engine in ("binding", "daemon-nano"):
    DIFFERS[_engine]["like_runtime_join_on"] = LIKE_JOIN_ON_CAST
for _engine in ("daemon-nano", "daemon-pg"):
    DIFFERS[_engine]["feature_two_connections_write_other_table"] = (
        "a server locks rows, not the database: a second connection's write to another table "
        "goes ahead while the first has a write pending (SQLite: database is locked)")

# COLLATE (cases/dialect_collate.py)
COLLATE_UNIQUE = ("a UNIQUE or PRIMARY KEY key or a unique index on a COLLATE NOCASE/RTRIM "
                  "column compares binary on Nano: 'A' and 'a' are both accepted (Nano 4.31 "
                  "indexes columns only, no expression such as lower(c), and computes no "
                  "generated column; PostgreSQL enforces it on the folded value)")
for _engine in ("binding", "repl", "daemon-nano"):
    for _case in ("collate_unique_column", "collate_unique_write_paths", "collate_unique_keys"):
        DIFFERS[_engine][_case] = COLLATE_UNIQUE
for _engine in ("binding", "repl", "daemon-nano"):
    DIFFERS[_engine]["collate_correlated_subquery"] = (
        "Nano evaluates a function of an outer query's column inside a subquery as NULL, so a "
        "collated comparison with an outer column stays BINARY")
COLLATE_SHOWN = ("a NOCASE/RTRIM GROUP BY or DISTINCT column read from a view, CTE or subquery "
                 "and shown raises NotSupportedError: SQLite shows the group's first row in scan "
                 "order, and such a source has no rowid to find it by")
COLLATE_COMPOUND = ("INTERSECT, EXCEPT, and UNION with ORDER BY or next to UNION ALL, "
                    "de-duplicating a NOCASE/RTRIM result column, or sorted by a collated term "
                    "(UNION ALL aside), raise NotSupportedError: the engine compares them "
                    "binary, and which of the rows equal under the collation SQLite shows "
                    "depends on its algorithm (a merge with ORDER BY, the left rows otherwise)")
for _engine in ("binding", "repl", "daemon-nano", "daemon-pg"):
    DIFFERS[_engine]["collate_view_group_shown"] = COLLATE_SHOWN
    DIFFERS[_engine]["collate_compound"] = COLLATE_COMPOUND
DIFFERS["repl"]["collate_window"] = (
    "the REPL's Nano refuses window functions here ('Window functions must be evaluated by "
    "WindowOperator, not row-by-row'), with or without COLLATE")

# min()/max() of typeless columns (cases/dialect_dynamic_typeof.py)
MINMAX_BLOB = ("min()/max() of a typeless column whose winner is a blob gives the blob's '\\x..' "
               "text (str): the result column is read back as a number or text, not as bytes")
for _engine in ("binding", "repl", "daemon-nano", "daemon-pg"):
    DIFFERS[_engine]["dynamic_minmax_blob"] = MINMAX_BLOB

# Parameters planned as literals (cases/params_as_literals.py)
COLUMN_MODIFIER = ("a date/time modifier read from a column (or an expression of one) is "
                   "NotSupportedError: only literals and parameters can be planned")
for _engine in ("binding", "repl", "daemon-nano", "daemon-pg"):
    DIFFERS[_engine]["params_literal_column_expression_refused"] = COLUMN_MODIFIER
DATETIME_MINMAX = ("min()/max() of a DATETIME-like column compare the stored text: numbers among "
                   "dates (unix times) sort as text, where SQLite puts numbers first; the class "
                   "order costs ~30x there (columns declared without a type get it)")
for _engine in ("binding", "repl", "daemon-nano", "daemon-pg"):
    DIFFERS[_engine]["dynamic_minmax_datetime_column"] = DATETIME_MINMAX
