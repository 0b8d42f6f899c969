"""heliosdb_sqlite: `import heliosdb_sqlite as sqlite3` runs a sqlite3 application on HeliosDB Nano.

With HELIOSDB_SQLITE_BACKEND=sqlite the module is the standard library's sqlite3: every public
name is the stdlib's own object, so an application rolls back to SQLite by environment alone.
"""
import os as _os

if _os.environ.get("HELIOSDB_SQLITE_BACKEND", "").strip().lower() == "sqlite":
    import sqlite3 as _stdlib

    globals().update({k: v for k, v in vars(_stdlib).items() if not k.startswith("__")})
    dbapi2 = _stdlib.dbapi2
    BACKEND = "sqlite"
else:
    from . import dbapi2
    from .dbapi2 import *  # noqa: F401,F403
    from .dbapi2 import __all__ as _all

    from .dbapi2 import __getattr__  # noqa: F401  (deprecated names answered by the stdlib)

    BACKEND = "heliosdb"
    __all__ = list(_all) + ["dbapi2"]
