"""Scope of CPython's test.test_sqlite3 suite for sqlite3 drop-in replacements.

Keys are test-id patterns matched against short ids such as
``test_dbapi.OpenTests.test_open_uri`` (the id without ``test.test_sqlite3.``). A pattern is one
or more dot-separated parts that must match a contiguous run of the id's parts, each part
compared with fnmatch: ``BlobTests`` matches every test of that class, ``Authorizer*Tests`` every
authorizer class, ``OpenTests.test_open_uri`` one test.

OUT_OF_SCOPE lists only tests of SQLite's own machinery: its file format, page-level APIs,
virtual machine and locking. Everything else in the suite is the sqlite3 API surface and SQL
semantics a drop-in replacement is expected to provide, and counts toward the in-scope total.

KNOWN_GAPS lists in-scope tests that are known to fail, with the reason; they stay in the
in-scope totals and are reported separately so that new failures stand out.
"""

OUT_OF_SCOPE: dict[str, str] = {
    # test_dbapi.py
    "BlobTests": "incremental BLOB I/O (Connection.blobopen) reads and writes SQLite b-tree pages in place",
    "SerializeTests": "serialize()/deserialize() exchange SQLite's on-disk database file image",
    "MultiprocessTests": "a child process running stdlib sqlite3 contends for SQLite's file lock",
    # test_transactions.py
    # test_backup.py
    "BackupTests.test_progress": "counts backup progress calls per SQLite database page",
    "BackupTests.test_modifying_progress": "counts backup progress calls per SQLite database page",
    # test_dump.py
    "DumpTests.test_dump_virtual_tables": "expects the shadow tables of SQLite's FTS4 virtual-table module",
    # test_hooks.py
    "ProgressTests": "the progress handler is called every N SQLite virtual-machine instructions",
    # test_userfunctions.py
    "Authorizer*Tests": "authorizer callbacks receive action codes from SQLite's statement compiler",
}

KNOWN_GAPS: dict[str, str] = {
    "RegressionTests.test_bpo37347": "set_progress_handler and set_authorizer: the engine cannot "
                                     "call back into Python (NotSupportedError)",
    "BackupTests.test_database_source_name": "ATTACH DATABASE is not supported",
    "OpenTests.test_open_with_undecodable_path": "the engine opens paths as UTF-8 text",
    "OpenTests.test_open_undecodable_uri": "the engine opens paths as UTF-8 text",
    "ConnectionTests.test_connection_reinit": "typeless columns hold canonical text: the text '0' "
                                              "reads back as the integer 0 (docs/compatibility.md)",
    "CursorTests.test_column_count": "Nano 4.31 bug: rows written in an open transaction are not "
                                     "widened by ALTER TABLE ADD COLUMN until COMMIT",
    "DumpTests.test_table_dump": "CREATE TRIGGER is not supported; Nano's INSERT parser rejects "
                                 "identifiers with an embedded double quote",
    "RegressionTests.test_error_msg_decode_error": "text is always valid UTF-8 in the engine",
}

# Known gaps of one transport only, keyed by the HELIOSDB_EMBEDDED value that selects it, or
# daemon-nano / daemon-pg in daemon mode (a DSN; the scoreboard's names for those engines).
TRANSPORT_GAPS: dict[str, dict[str, str]] = {
    "repl": {
        # these read on a second connection while the first holds an open write transaction
        "TransactionTests.test_*_starts_transaction": "REPL transport: no read-only snapshot for "
            "readers (the REPL has no read-only open), so a reader waits for the writer",
        "TransactionTests.test_dml_does_not_auto_commit_before": "REPL transport: readers wait "
            "for the writer (no read-only snapshot)",
        "TransactionTests.test_multiple_cursors_and_iternext": "REPL transport: readers wait for "
            "the writer (no read-only snapshot)",
        "TransactionTests.test_toggle_auto_commit": "REPL transport: readers wait for the writer "
            "(no read-only snapshot)",
    },
}

# Daemon mode, on either server. The connect() target names nothing there: the DSN names the
# database, and every connect() reaches that one database.
_SERVER_PATH = ("daemon mode: the connect() target names nothing on a server (the DSN names the "
                "database), so no file appears at the path, and a path SQLite cannot open (a "
                "directory, a missing directory, mode=ro on a missing file) opens the server "
                "database")
_ONE_DATABASE = ("daemon mode: every connect(':memory:') reaches the DSN's one server database, "
                 "so a second, 'new' in-memory database already holds the first one's tables")
_DAEMON_GAPS = {
    "ConnectionTests.test_connection_bad_reinit": _SERVER_PATH,
    "ConnectionTests.test_failed_open": _SERVER_PATH,
    "ModuleTests.test_error_code_on_exception": _SERVER_PATH,
    "OpenTests.test_open_uri": _SERVER_PATH,
    "OpenTests.test_open_unquoted_uri": _SERVER_PATH,
    "OpenTests.test_open_uri_readonly": _SERVER_PATH,
    "OpenTests.test_open_with_path_like_object": _SERVER_PATH,
    "DumpTests.test_dump_autoincrement_create_new_db": _ONE_DATABASE,
}
_TX_ABORT = ("Nano 4.31 server: a failed statement rolls the whole transaction back (its wire "
             "handler refuses ROLLBACK TO SAVEPOINT after an error), so SQLite's statement-level "
             "undo of INSERT OR ABORT cannot be kept")
_PG_NUL = ("PostgreSQL text cannot hold a NUL character (U+0000): such a value raises DataError "
           "saying so")
TRANSPORT_GAPS["daemon-nano"] = {
    **_DAEMON_GAPS,
    "CursorTests.test_last_row_id_insert_o_r": _TX_ABORT,
    "SqliteOnConflictTests.test_on_conflict_abort_raises_*": _TX_ABORT,
    "CursorTests.test_rowcount_update_returning": "Nano 4.31 server: a RETURNING item other "
        "than a bare column is described as text, so `RETURNING 1` reads back as '1'",
}
TRANSPORT_GAPS["daemon-pg"] = {
    **_DAEMON_GAPS,
    "CursorTests.test_execute_arg_string_with_zero_byte": _PG_NUL,
    "TextFactoryTestsWithEmbeddedZeroBytes": _PG_NUL,
    "SqliteTypeTests.test_string_with_null_character": _PG_NUL,
    "AggregateTests.test_aggr_text": _PG_NUL,
    "FunctionTests.test_func_params": _PG_NUL,
    "FunctionTests.test_func_deterministic": "PostgreSQL evaluates a partial index's WHERE "
        "itself, so it cannot call a Python function there",
    "TraceCallbackTests.test_trace_too_much_expanded_sql": "PostgreSQL: a text parameter "
        "compared with a number is read as a number, and text that is none is an error (SQLite: "
        "the comparison is false)",
}
