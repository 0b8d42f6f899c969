"""SQLite itself, at translation time: the value of a call whose arguments are all constants,
computed by the SQLite that stdlib sqlite3 links, so exact by construction (the date/time,
scalar and JSON1 builders fold such calls into literals). One in-memory connection for the
process, shared by every thread under a lock."""
from __future__ import annotations

import sqlite3
import threading
from typing import Any

_sqlite = sqlite3.connect(":memory:", check_same_thread=False)
_lock = threading.Lock()


def ask(sql: str, params: tuple = ()) -> Any:
    """The first value of the first row of `sql`; SQLite's own error (sqlite3.Error) if it fails."""
    with _lock:
        return _sqlite.execute(sql, params).fetchone()[0]


def ask_rows(sql: str, params: tuple = ()) -> list[tuple]:
    """Every row this Python's SQLite gives for `sql` (a table-valued function's rows)."""
    with _lock:
        return _sqlite.execute(sql, params).fetchall()
