"""Test fixtures for daemon mode: a fresh server database where the suites expect a new one.

On a server, every `connect()` reaches the same database (the DSN names it; `:memory:` names
nothing there), so the suites that expect `connect(":memory:")` to start empty empty the server
database first. This is test scaffolding only: the product never drops an application's tables.
"""
from __future__ import annotations

import os
import re
import weakref
from typing import Any


def wipe(dsn: str) -> None:
    """Drop every view and table in the server database, the shadow catalog's included, and
    forget pooled sessions (they remember that the catalog tables existed)."""
    import pg8000.native

    from heliosdb_sqlite.daemon.dsn import parse
    from heliosdb_sqlite.daemon.pgwire import POOL

    POOL.clear()
    d = parse(dsn)
    conn = pg8000.native.Connection(d.user, host=d.host, port=d.port, database=d.database,
                                    password=d.password, timeout=30)
    try:
        # a Nano 4.31 server keeps a dropped table's CHECK, PRIMARY KEY and UNIQUE constraints
        # for the next table of that name (see rewrite/ddl.py drop_checks)
        constraints = conn.run("SELECT table_name, constraint_name, constraint_type FROM "
                               "information_schema.table_constraints "
                               "WHERE constraint_schema = 'public'")
        for table, name, kind in constraints:
            if kind == "CHECK" and not re.fullmatch(r"hsq_\w+", name):
                continue  # not the shim's own (quoted ones cannot be dropped)
            if table.startswith("_hsq_") or not re.fullmatch(r"\w+", name):
                continue
            for spelling in (name, f'"{name}"'):  # `<t>_pkey` is found only quoted
                try:
                    conn.run(f'ALTER TABLE "{table}" DROP CONSTRAINT IF EXISTS {spelling}')
                except Exception:  # noqa: BLE001 - PostgreSQL: an index a key depends on
                    pass
        rows = conn.run("SELECT table_name, table_type FROM information_schema.tables "
                        "WHERE table_schema = 'public'")
        for kind in ("VIEW", "BASE TABLE"):
            for name, table_type in rows:
                if table_type == kind:
                    quoted = '"' + name.replace('"', '""') + '"'
                    conn.run(f"DROP {'VIEW' if kind == 'VIEW' else 'TABLE'} IF EXISTS {quoted}")
    finally:
        conn.close()


def daemon_dsn() -> str | None:
    if os.environ.get("HELIOSDB_SQLITE_BACKEND", "").lower() == "sqlite":
        return None
    return os.environ.get("HELIOSDB_DSN") or None


def _track_connections(module: Any, before: Any = None) -> weakref.WeakSet:
    """Replace `module.connect` (and its dbapi2's) with one that calls `before(opened)` first
    and remembers each connection it makes in `opened`, which it returns."""
    opened: weakref.WeakSet = weakref.WeakSet()
    original = module.connect

    def connect(*args: Any, **kwargs: Any) -> Any:
        if before is not None:
            before(opened)
        conn = original(*args, **kwargs)
        try:
            opened.add(conn)
        except TypeError:
            pass
        return conn

    connect._tracked = True
    module.connect = connect
    if hasattr(module, "dbapi2"):
        module.dbapi2.connect = connect
    return opened


def fresh_per_test(module: Any):
    """In daemon mode, return a reset() that closes every connection made through
    `module.connect` that is still open (CPython's tests often leave theirs to the garbage
    collector, and an open one can hold locks on the server) and empties the server database.
    Call it before each test. Outside daemon mode, returns None."""
    dsn = daemon_dsn()
    if dsn is None:
        return None
    opened = _track_connections(module)

    def reset() -> None:
        for conn in list(opened):
            try:
                conn.close()
            except Exception:  # noqa: BLE001 - a half-made or already broken connection
                pass
        opened.clear()
        wipe(dsn)

    return reset


def fresh_on_connect(module: Any) -> None:
    """In daemon mode, make `module.connect()` empty the server database whenever no other
    connection made through it is open: sequential tests each start from nothing, as they do on
    `:memory:`."""
    dsn = daemon_dsn()
    if dsn is None or getattr(module.connect, "_tracked", False):
        return

    def wipe_if_none_open(opened: weakref.WeakSet) -> None:
        if not any(not getattr(c, "_closed", True) for c in opened):
            wipe(dsn)

    _track_connections(module, wipe_if_none_open)
