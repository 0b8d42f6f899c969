"""sqlite3's exception classes.

These are the standard library's own classes, not look-alikes: code (or a library it uses) that
catches `sqlite3.IntegrityError` from the stdlib keeps catching ours, and the subclass relations,
`sqlite_errorcode` and `sqlite_errorname` attributes are exactly the stdlib's.
"""
from sqlite3 import (
    DatabaseError,
    DataError,
    Error,
    IntegrityError,
    InterfaceError,
    InternalError,
    NotSupportedError,
    OperationalError,
    ProgrammingError,
    Warning,
)

__all__ = [
    "DataError", "DatabaseError", "Error", "IntegrityError", "InterfaceError", "InternalError",
    "NotSupportedError", "OperationalError", "ProgrammingError", "Warning", "make_error",
]

# SQLite's primary and extended result codes for the errors we raise (sqlite3.h).
SQLITE_ERRORS: dict[str, int] = {
    "SQLITE_ERROR": 1,
    "SQLITE_ABORT": 4,
    "SQLITE_BUSY": 5,
    "SQLITE_READONLY": 8,
    "SQLITE_INTERRUPT": 9,
    "SQLITE_IOERR": 10,
    "SQLITE_CANTOPEN": 14,
    "SQLITE_CONSTRAINT": 19,
    "SQLITE_TOOBIG": 18,
    "SQLITE_MISMATCH": 20,
    "SQLITE_MISUSE": 21,
    "SQLITE_RANGE": 25,
    "SQLITE_CONSTRAINT_CHECK": 275,
    "SQLITE_CONSTRAINT_FOREIGNKEY": 787,
    "SQLITE_CONSTRAINT_NOTNULL": 1299,
    "SQLITE_CONSTRAINT_PRIMARYKEY": 1555,
    "SQLITE_CONSTRAINT_UNIQUE": 2067,
}


def make_error(cls: type[Error], message: str, errorname: str | None = "SQLITE_ERROR") -> Error:
    """An exception instance carrying SQLite's error code and name, as the stdlib sets them."""
    err = cls(message)
    if errorname is not None:
        err.sqlite_errorcode = SQLITE_ERRORS[errorname]
        err.sqlite_errorname = errorname
    return err
