"""The sqlite3 module surface (CPython Lib/sqlite3/dbapi2.py and _sqlite3), on HeliosDB Nano."""
from __future__ import annotations

import datetime
import sqlite3 as _stdlib
import time
from typing import Any

from .connection import (
    LEGACY_TRANSACTION_CONTROL,
    PARSE_COLNAMES,
    PARSE_DECLTYPES,
    Connection,
    _callback_tracebacks,
)
from .cursor import Cursor
from .exceptions import (
    DatabaseError, DataError, Error, IntegrityError, InterfaceError, InternalError,
    NotSupportedError, OperationalError, ProgrammingError, Warning,
)
from .row import Row

paramstyle = "qmark"
threadsafety = _stdlib.threadsafety
apilevel = "2.0"

# The SQLite language level this module emulates is the stdlib's SQLite.
sqlite_version = _stdlib.sqlite_version
sqlite_version_info = _stdlib.sqlite_version_info
version = "2.6.0"
version_info = (2, 6, 0)

Date = datetime.date
Time = datetime.time
Timestamp = datetime.datetime


def DateFromTicks(ticks: float) -> datetime.date:
    return Date(*time.localtime(ticks)[:3])


def TimeFromTicks(ticks: float) -> datetime.time:
    return Time(*time.localtime(ticks)[3:6])


def TimestampFromTicks(ticks: float) -> datetime.datetime:
    return Timestamp(*time.localtime(ticks)[:6])


Binary = memoryview

# Shared with the stdlib so adapters registered on either module apply to both, and the default
# date/datetime adapters and converters are the stdlib's own.
PrepareProtocol = _stdlib.PrepareProtocol
adapters = _stdlib.adapters
converters = _stdlib.converters
register_adapter = _stdlib.register_adapter
register_converter = _stdlib.register_converter
adapt = _stdlib.adapt
complete_statement = _stdlib.complete_statement
Blob = _stdlib.Blob


def enable_callback_tracebacks(enable: bool, /) -> None:
    _callback_tracebacks[0] = bool(enable)
    _stdlib.enable_callback_tracebacks(enable)


def connect(database: Any, timeout: float = 5.0, detect_types: int = 0,
            isolation_level: str | None = "", check_same_thread: bool = True,
            factory: type = Connection, cached_statements: int = 128, uri: bool = False, *,
            autocommit: Any = LEGACY_TRANSACTION_CONTROL, mode: str | None = None,
            dsn: str | None = None, backend: str | None = None) -> Any:
    """Open a connection; `backend="sqlite"` opens a stdlib sqlite3 connection instead."""
    if backend == "sqlite":
        kwargs = {} if autocommit == LEGACY_TRANSACTION_CONTROL else {"autocommit": autocommit}
        return _stdlib.connect(database, timeout, detect_types, isolation_level,
                               check_same_thread, _stdlib.Connection, cached_statements, uri,
                               **kwargs)
    if backend not in (None, "heliosdb", "nano"):
        raise ValueError(f"backend must be 'sqlite' or 'heliosdb', not {backend!r}")
    if factory is Connection:
        return Connection(database, timeout, detect_types, isolation_level, check_same_thread,
                          factory, cached_statements, uri, autocommit=autocommit, mode=mode,
                          dsn=dsn)
    return factory(database, timeout=timeout, detect_types=detect_types,
                   isolation_level=isolation_level, check_same_thread=check_same_thread,
                   factory=factory, cached_statements=cached_statements, uri=uri)


# The SQLITE_* constants of the C module (authorizer actions, limits, result codes).
for _name in dir(_stdlib):
    if _name.startswith("SQLITE_"):
        globals()[_name] = getattr(_stdlib, _name)
del _name


def __getattr__(name: str) -> Any:
    """Names the stdlib module still answers with a deprecation (OptimizedUnicode,
    enable_shared_cache) are its own."""
    if name == "OptimizedUnicode":
        import warnings
        warnings.warn("OptimizedUnicode is deprecated. Use str instead.", DeprecationWarning,
                      stacklevel=2)
        return str
    if name == "enable_shared_cache":
        return _stdlib.enable_shared_cache
    raise AttributeError(f"module 'heliosdb_sqlite' has no attribute {name!r}")


__all__ = [n for n in dir() if not n.startswith("_") and n not in (
    "annotations", "datetime", "time", "Any")]
