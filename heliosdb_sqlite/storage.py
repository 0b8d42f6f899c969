"""Where a database lives, and the one shared Database per location in this process.

`connect("app.db")` keeps its data in the Nano data directory `app.db.helios` beside the path. An
SQLite file at the path is never written: it stays untouched, and rolling back to stdlib sqlite3
(HELIOSDB_SQLITE_BACKEND=sqlite) opens it as it always did. Where nothing is at the path, a zero-byte
placeholder is created there, so `os.path.exists("app.db")` is true as it is with SQLite.
"""
from __future__ import annotations

import os
import shutil
import threading
from urllib.parse import parse_qs, unquote, urlsplit

from .catalog import Catalog
from .database import Database
from .errors import engine_error
from .exceptions import OperationalError, make_error

DATA_SUFFIX = ".helios"
SQLITE_HEADER = b"SQLite format 3\x00"

_registry: dict[str, Database] = {}
# Re-entrant: a connection dropped without close() may be collected (Connection.__del__ ->
# release()) while this thread is inside open_database() holding the lock.
_registry_lock = threading.RLock()


class Target:
    """A parsed connect() target."""

    def __init__(self, database, uri: bool, beside_sqlite: bool = False) -> None:
        self.beside_sqlite = beside_sqlite  # the importer writes next to an SQLite file on purpose
        self.read_only = False
        self.must_exist = False
        self.shared_memory: str | None = None
        if isinstance(database, bytes):
            database = os.fsdecode(database)
        database = os.fspath(database)
        self.name = database
        if uri and database.startswith("file:"):
            parts = urlsplit(database)
            path = unquote(parts.path)
            options = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            mode = options.get("mode", "rwc")
            if mode not in ("ro", "rw", "rwc", "memory"):
                raise make_error(OperationalError, f"no such access mode: {mode}")
            self.read_only = mode == "ro"
            self.must_exist = mode in ("ro", "rw")
            memory = mode == "memory" or path in (":memory:", "")
            if memory:
                if options.get("cache") == "shared" and path not in (":memory:", ""):
                    self.shared_memory = path
                elif options.get("cache") == "shared":
                    self.shared_memory = ":memory:"
                self.path = None
            else:
                self.path = path
        elif database in (":memory:", ""):
            self.path = None
        else:
            self.path = database

    @property
    def in_memory(self) -> bool:
        return self.path is None

    def data_dir(self) -> str:
        return os.path.abspath(self.path) + DATA_SUFFIX


def _engine_factory(mode: str):
    """The transport for embedded mode: HELIOSDB_EMBEDDED=auto|binding|repl. `auto` is the
    in-process binding, or the `heliosdb-nano repl` child process when the binding is missing."""
    from .embedded import binding, repl
    choice = os.environ.get("HELIOSDB_EMBEDDED", "auto").lower()
    if choice not in ("auto", "binding", "repl"):
        raise make_error(OperationalError,
                         f"HELIOSDB_EMBEDDED must be auto, binding or repl, not {choice!r}")
    if choice in ("auto", "binding") and binding.available():
        return binding.BindingEngine
    if choice == "binding":
        raise make_error(OperationalError, "HELIOSDB_EMBEDDED=binding but the Nano binding is not "
                         "installed: pip install heliosdb-nano-embedded")
    if repl.available():
        return repl.ReplEngine
    raise make_error(OperationalError,
                     ("HELIOSDB_EMBEDDED=repl but " if choice == "repl" else
                      "the Nano binding is not installed (pip install heliosdb-nano-embedded) and ")
                     + "no heliosdb-nano binary was found (HELIOSDB_BIN, PATH, or "
                     "scripts/install_nano_cli.sh)", "SQLITE_CANTOPEN")


def select_mode(mode: str | None, dsn: str | None) -> tuple[str, str | None]:
    """embedded or daemon, and the DSN: connect(mode=, dsn=), else HELIOSDB_MODE, else
    HELIOSDB_DSN alone."""
    mode = mode or os.environ.get("HELIOSDB_MODE") or None
    dsn = dsn or os.environ.get("HELIOSDB_DSN") or None
    if mode is None:
        mode = "daemon" if dsn else "embedded"
    mode = mode.lower()
    if mode not in ("embedded", "daemon"):
        raise make_error(OperationalError, f"HELIOSDB_MODE must be embedded or daemon, not {mode!r}")
    if mode == "daemon" and not dsn:
        raise make_error(OperationalError, "daemon mode needs a server: pass dsn= to connect() or "
                         "set HELIOSDB_DSN=postgresql://user:password@host:port/database",
                         "SQLITE_CANTOPEN")
    return mode, dsn


def open_database(target: Target, mode: tuple[str, str | None] = ("embedded", None),
                  timeout: float = 5.0) -> Database:
    kind, dsn = mode
    if kind == "daemon":
        return _open_daemon(target, dsn, timeout)
    factory = _engine_factory("embedded")
    if target.in_memory and target.shared_memory is None:
        db = _new(factory, None, None, ":memory:", True, False)
        db.refs += 1
        return db
    key = "memory:" + target.shared_memory if target.shared_memory else target.data_dir()
    with _registry_lock:
        db = _registry.get(key)
        if db is not None and not getattr(db.engine, "alive", True):
            _registry.pop(key)  # its engine process died: the next connection gets a new one
            db = None
        if db is None:
            if target.shared_memory:
                db = _new(factory, key, None, "", True, False)
            else:
                db = _open_path(factory, key, target)
            _registry[key] = db
        db.refs += 1
        return db


def _open_daemon(target: Target, dsn: str, timeout: float) -> Database:
    """A server session of its own for each connection: the server shares the database between
    connections and processes, and isolates them. The connect() target names nothing there; the
    DSN names the database (see docs/daemon.md)."""
    from .daemon import dsn as dsns
    from .daemon.pgwire import PgwireEngine
    engine = PgwireEngine(dsns.parse(dsn), timeout)
    try:
        db = Database(None, engine, "", False, None, target.read_only)
    except Exception as exc:
        engine.close()
        raise engine_error(exc, _EMPTY) from None
    db.refs += 1
    return db


def _open_path(factory, key: str, target: Target) -> Database:
    path = target.path
    data_dir = key
    if os.path.isdir(path) and not os.path.isdir(data_dir):
        raise make_error(OperationalError, "unable to open database file", "SQLITE_CANTOPEN")
    exists = os.path.isdir(data_dir)
    if not exists and not target.beside_sqlite and os.path.isfile(path) and _is_sqlite_file(path):
        raise make_error(
            OperationalError,
            f"{path!r} is an SQLite database; heliosdb_sqlite keeps its data in {data_dir!r} and "
            "never touches the SQLite file. Import it once with "
            f"`python -m heliosdb_sqlite import {path}`, or set HELIOSDB_SQLITE_BACKEND=sqlite "
            "to keep using SQLite.", "SQLITE_CANTOPEN")
    if not exists and (target.must_exist or target.read_only):
        raise make_error(OperationalError, "unable to open database file", "SQLITE_CANTOPEN")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(parent):
        raise make_error(OperationalError, "unable to open database file", "SQLITE_CANTOPEN")
    try:
        db = _new(factory, key, data_dir, os.path.abspath(path), False, target.read_only)
    except OperationalError as err:
        if "locked" in str(err):
            raise make_error(
                OperationalError,
                f"database is locked: another process has {path!r} open in embedded mode "
                "(one process per database); use daemon mode (HELIOSDB_DSN) to share it",
                "SQLITE_BUSY") from None
        if not exists:
            shutil.rmtree(data_dir, ignore_errors=True)
        raise
    if not os.path.exists(path) and not target.read_only:
        # A zero-byte placeholder: apps that test os.path.exists(db) before creating their
        # schema see the database, and stdlib sqlite3 opens an empty file as an empty database.
        open(path, "ab").close()
    return db


def _new(factory, key, data_dir, filename, in_memory, read_only) -> Database:
    snapshots = getattr(factory, "snapshots", True)  # the REPL cannot open a second reader
    snapshot = (lambda: factory(data_dir, True)) if data_dir and not read_only and snapshots else None
    try:
        engine = factory(data_dir, read_only) if data_dir else factory(None)
        return Database(key, engine, filename, in_memory, snapshot, read_only)
    except Exception as exc:  # the engine's own open errors (RocksDB lock, I/O)
        raise engine_error(exc, _EMPTY) from None


def release(db: Database) -> None:
    with _registry_lock:
        db.refs -= 1
        if db.refs > 0:
            return
        if db.key is not None and _registry.get(db.key) is db:
            _registry.pop(db.key, None)
    db.engine.close()


def _is_sqlite_file(path: str) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(16) == SQLITE_HEADER
    except OSError:
        return False


_EMPTY = Catalog()  # for mapping engine errors raised before a database has a catalog
