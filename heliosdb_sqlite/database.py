"""One open database: the engine handle, the writer lock, the catalog and the plan cache.

All connections of a process to the same database share one Database (the engine allows one handle
per data directory per process). The engine's transaction belongs to the handle, so a connection
holds `lock` for as long as its transaction is open, and for single statements outside one: no
connection sees another's uncommitted rows, and a second writer waits up to its timeout and then
gets "database is locked", as with SQLite.
"""
from __future__ import annotations

import contextlib
import secrets
import threading
import time
from typing import Any

from . import catalog as cat
from .catalog import Catalog, Entry, Table
from .exceptions import NotSupportedError, OperationalError, make_error
from .rewrite import translate
from .rewrite.params import inline_literal
from .rewrite.plan import Plan


class OwnerLock:
    """A lock held by a connection (not a thread), re-entrant for its owner, with a timeout.
    hotpath._READ writes try_acquire and release out for its reads: keep them the same."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()  # guards owner; `with` on it directly is the cheap path
        self._cond = threading.Condition(self._mutex)
        self._waiting = 0  # threads in acquire(): release() notifies only when there are some
        self.owner: Any = None

    def try_acquire(self, owner: Any) -> bool:
        with self._mutex:
            if self.owner is None or self.owner is owner:
                self.owner = owner
                return True
            return False

    def acquire(self, owner: Any, timeout: float) -> None:
        if self.owner is owner:  # already ours (only we can change that): no lock needed
            return
        with self._mutex:
            deadline = time.monotonic() + max(timeout, 0.0)
            while self.owner is not None:
                remaining = deadline - time.monotonic()
                self._waiting += 1
                try:
                    woken = remaining > 0 and self._cond.wait(remaining)
                finally:
                    self._waiting -= 1
                if not woken:
                    if self.owner is None:
                        break
                    raise make_error(OperationalError, "database is locked", "SQLITE_BUSY")
            self.owner = owner

    def release(self, owner: Any) -> None:
        with self._mutex:
            if self.owner is owner:
                self.owner = None
                if self._waiting:
                    self._cond.notify()


class Database:
    def __init__(self, key: str | None, engine, filename: str, in_memory: bool,
                 snapshot_factory=None, read_only: bool = False) -> None:
        self.key = key
        self.engine = engine
        # Opens a read-only engine on the committed state (file databases only): readers that
        # find another connection's transaction open read from it instead of waiting.
        self._snapshot_factory = snapshot_factory
        self._snapshot = None
        self._snapshot_commits = -1
        self.commits = 0  # committed writes so far: a snapshot older than the last is stale
        self.read_only = read_only
        self.dialect: str = engine.dialect
        self.filename = filename
        self.in_memory = in_memory
        self.lock = OwnerLock()
        self.catalog = Catalog()
        self._plans: dict[str, Plan] = {}
        self._bound_plans: dict[tuple, Plan] = {}  # plan_bound's, by SQL and literals
        self._translating = threading.RLock()  # see _translate
        self.rowids: dict[str, int] = {}  # table (lower) -> largest rowid known
        self.refs = 0
        self.total_changes = 0
        # Daemon mode: other sessions and processes change the same database, so cached rowids
        # are not trusted past one statement and the catalog is re-read when its version moves.
        self.shared: bool = getattr(engine, "shared", False)
        # a failed statement inside a transaction can be undone by a savepoint around it (the
        # embedded engines and PostgreSQL; not a Nano 4.31 server, see daemon/pgwire.py)
        self.guard_statements = self.shared and getattr(engine, "savepoint_recovers", False)
        # A shared database's catalog and plans, as last read from the server (see _Schema)
        self._schema_key = getattr(engine, "catalog_key", None) if self.shared else None
        self._schema: _Schema | None = None
        if self._schema_key is not None:
            self._load_shared(self._read_meta(create=not read_only))
            return
        if not read_only:
            for sql in cat.BOOTSTRAP:  # a read-only database has its catalog already, or none
                engine.execute(sql, ())
        self.reload_catalog()

    def begin(self) -> None:
        """Open an engine transaction; on a shared database, see the catalog as it now is."""
        self.engine.execute("BEGIN", ())
        if self.shared:
            self.refresh()

    def refresh(self) -> bool:
        """Shared databases: forget cached rowids, and reload the catalog if another session
        changed the schema. True when it did."""
        self.rowids.clear()
        if self._schema_key is None:
            rows = self.engine.query(
                f"SELECT value FROM {cat.META} WHERE key = 'schema_version'", ()).rows
            version = rows[0][0] if rows else 0
            if version == self.catalog.version:
                return False
            self.reload_catalog()
            return True
        meta = self._read_meta()
        # PRAGMA user_version reads what is committed, as SQLite reads it from the file header
        self.catalog.user_version = meta.get("user_version", 0)
        schema = self._schema
        if (meta.get("schema_version", 0) == self.catalog.version and schema is not None
                and schema.catalog_id == meta.get(_CATALOG_ID)):
            return False
        self._load_shared(meta)
        return True

    @property
    def plans(self) -> dict[str, Plan]:
        """Translations by SQL text. While this connection's catalog is the one read from the
        server, those of every connection that read the same one (translating is the costly
        part of a first statement); once its own DDL moves it on, its own."""
        schema = self._schema
        if schema is not None and schema.version == self.catalog.version:
            return schema.plans
        return self._plans

    def snapshot(self):
        """A read-only engine showing the last committed state, or None (in-memory databases)."""
        if self._snapshot_factory is None:
            return None
        if self._snapshot is None or self._snapshot_commits != self.commits:
            self._snapshot = self._snapshot_factory()
            self._snapshot_commits = self.commits
        return self._snapshot

    # -- plans -------------------------------------------------------------------------------
    def plan(self, sql: str) -> Plan:
        plans = self.plans
        plan = plans.get(sql)
        if plan is not None and (plan.schema_version == self.catalog.version
                                 or self._still_valid(plan, plans)):
            return plan
        plan = self._translate(sql)
        if len(plans) > 4096:
            plans.clear()
        plans[sql] = plan
        return plan

    def _translate(self, sql: str, literals: dict[int, str] | None = None) -> Plan:
        """translate(), with the catalog names it read kept in the plan (Plan.reads)."""
        catalog = self.catalog
        with self._translating:  # one translation records at a time (a thread reading the
            outer = catalog.reads  # catalog meanwhile only adds names: a plan goes stale sooner)
            catalog.reads = reads = set()
            try:
                plan = translate(sql, catalog, self.dialect, literals)
            finally:
                catalog.reads = outer
            if outer is not None:
                outer |= reads
        object.__setattr__(plan, "reads", frozenset(reads))
        return plan

    def _still_valid(self, plan: Plan, plans: dict) -> bool:
        """A plan of a query or a write, made before the schema last changed, that read none of
        what changed: as translating it again would make it. It takes the current version, so
        that the checks that compare versions (the hot path's) pass again. Not for the plans
        shared by a server's sessions (the version is theirs), nor for DDL, PRAGMA or
        transaction control, which are cheap to translate and read the catalog as it is."""
        if plans is not self._plans or plan.catalog_change is not None \
                or plan.pragma is not None or plan.tx is not None \
                or not self.catalog.unchanged_for(plan.reads, plan.schema_version):
            return False
        object.__setattr__(plan, "schema_version", self.catalog.version)
        return True

    def plan_bound(self, sql: str, plan: Plan, values: list) -> Plan:
        """The plan of `sql` with the bound values of plan.literal_params written in (SQLite
        values by index, 0-based); each set of values is planned once."""
        needed = plan.literal_params
        while True:
            literals = {i: inline_literal(values[i - 1]) for i in needed}
            if None in literals.values():
                raise make_error(NotSupportedError, "a value that cannot be written as a literal "
                                 "(text with a NUL character) bound where the "
                                 "statement needs a literal is not supported by heliosdb_sqlite")
            key = (sql, tuple(sorted(literals.items())))
            found = self._bound_plans.get(key)
            if found is not None and found.schema_version == self.catalog.version:
                return found
            fresh = self._translate(sql, literals)
            if fresh.literal_params is None:
                if len(self._bound_plans) >= 256:
                    self._bound_plans.clear()
                self._bound_plans[key] = fresh
                return fresh
            needed = fresh.literal_params  # another construct needs more of them
            self.plans[sql] = fresh

    # -- catalog persistence -----------------------------------------------------------------
    def reload_catalog(self) -> None:
        self._plans = {}
        if self._schema_key is not None:
            self._load_shared(self._read_meta())
            return
        try:
            rows = self.engine.query(
                f"SELECT seq, type, name, tbl_name, sql, info FROM {cat.MASTER} ORDER BY seq",
                ()).rows
            meta = dict(self.engine.query(f"SELECT key, value FROM {cat.META}", ()).rows)
        except Exception:
            if self.engine.query("SELECT 1 AS x", ()).rows:  # the engine works: no catalog yet
                rows, meta = [], {}
            else:
                raise
        self.catalog.load(rows, meta)
        self.rowids.clear()

    # -- the catalog of a shared database -----------------------------------------------------
    def _read_meta(self, create: bool = False) -> dict[str, int]:
        """The server's catalog stamp (schema_version, catalog_id) and user_version: one round
        trip. `create` (a connect, outside any transaction): make the catalog tables where they
        are missing (a new server database, or one emptied since) and name the catalog."""
        engine = self.engine
        try:
            meta = _meta(engine.query(_META_READ, ()).rows)
        except Exception:
            try:
                works = bool(engine.query("SELECT 1 AS x", ()).rows)
            except Exception:  # noqa: BLE001 - the engine itself fails: its first error counts
                works = False
            if not works:
                raise
            if not create:
                return {}  # no catalog on the server: nothing of SQLite's to see
            for sql in cat.BOOTSTRAP:
                try:
                    engine.execute(sql, ())
                except Exception:  # noqa: BLE001 - the second try's error is the one that counts
                    # PostgreSQL: a session making the same table at the same moment wins, and
                    # this one's CREATE TABLE IF NOT EXISTS fails on a catalog unique index
                    engine.execute(sql, ())
            meta = _meta(engine.query(_META_READ, ()).rows)
        if create and (_CATALOG_ID not in meta or "schema_version" not in meta):
            # a catalog made before catalog ids, or just now: name it, so that one dropped and
            # made again is never taken for the one cached here at the same schema_version; and
            # give it its version row, which a schema change locks (lock_schema)
            for key, value in ((_CATALOG_ID, secrets.randbits(62)), ("schema_version", 0)):
                if key not in meta:
                    with contextlib.suppress(Exception):  # another session made it first
                        engine.execute(f"INSERT INTO {cat.META} (key, value) VALUES ($1, $2)",
                                       (key, value))
            meta = _meta(engine.query(_META_READ, ()).rows)
        return meta

    def _load_shared(self, meta: dict[str, int]) -> None:
        """Load the catalog `meta` stamps: from the last one read from this server database in
        this process when the stamp is the same, else from the server (one more round trip)."""
        key = self._schema_key
        schema = _SCHEMAS.get(key)
        version, catalog_id = meta.get("schema_version", 0), meta.get(_CATALOG_ID)
        if schema is None or catalog_id is None or schema.catalog_id != catalog_id \
                or schema.version != version:
            global catalog_reads
            catalog_reads += 1
            try:
                rows = self.engine.query(f"SELECT seq, type, name, tbl_name, sql, info FROM "
                                         f"{cat.MASTER} ORDER BY seq", ()).rows
            except Exception:
                if meta or not self.engine.query("SELECT 1 AS x", ()).rows:
                    raise
                rows = []  # read-only, and no catalog on the server
            schema = _Schema(catalog_id, version, Catalog())
            schema.catalog.load(rows, meta)
            if catalog_id is not None:
                _SCHEMAS[key] = schema
        self.catalog.load_copy(schema.catalog, meta)
        self._schema = schema
        self._plans = {}
        self.rowids.clear()

    def lock_schema(self) -> None:
        """Shared databases, before a schema change: wait for the schema changes of other
        sessions (the row lock on the version lasts until the end of the transaction), then
        read the catalog again if one of them moved it on, so that this change is planned and
        numbered against theirs."""
        rows = self.engine.query(
            f"UPDATE {cat.META} SET value = value WHERE key = 'schema_version' RETURNING value",
            ()).rows
        if rows and int(rows[0][0]) != self.catalog.version:
            self.reload_catalog()

    def _bump_version(self) -> None:
        if self.shared:
            # Several sessions may change the schema at once: the server counts, so each change
            # gets a number of its own (the row lock orders them), and this catalog takes it.
            rows = self.engine.query(
                f"UPDATE {cat.META} SET value = value + 1 WHERE key = 'schema_version' "
                "RETURNING value", ()).rows
            if rows:
                self.catalog.version = max(int(rows[0][0]), self.catalog.version)
                return
        self._set_meta("schema_version", self.catalog.version)

    def _set_meta(self, key: str, value: int) -> None:
        updated = self.engine.execute(f"UPDATE {cat.META} SET value = $1 WHERE key = $2", (value, key))
        if not updated:
            self.engine.execute(f"INSERT INTO {cat.META} (key, value) VALUES ($1, $2)", (key, value))

    def record(self, entry: Entry) -> None:
        self.engine.execute(
            f"INSERT INTO {cat.MASTER} (seq, type, name, tbl_name, sql, info) "
            "VALUES ($1, $2, $3, $4, $5, $6)",
            (entry.seq, entry.type, entry.name, entry.tbl_name, entry.sql, entry.info))
        self.catalog.add(entry)
        self._bump_version()

    def replace_entry(self, entry: Entry) -> None:
        self.engine.execute(f"DELETE FROM {cat.MASTER} WHERE seq = $1", (entry.seq,))
        self.record(entry)

    def forget(self, name: str) -> None:
        entry = self.catalog.entries.get(name.lower())
        if entry is None:
            return
        doomed = [entry] + (self.catalog.dependents(entry.name) if entry.type == "table" else [])
        for e in doomed:
            self.engine.execute(f"DELETE FROM {cat.MASTER} WHERE seq = $1", (e.seq,))
            self.catalog.remove(e.name)
        if entry.type == "table":
            self.engine.execute(f"DELETE FROM {cat.SEQUENCE} WHERE name = $1", (entry.name,))
            self.rowids.pop(entry.name.lower(), None)
        self._bump_version()

    def rename_table(self, old: str, new: str) -> None:
        entry = self.catalog.entries[old.lower()]
        table = Table.from_json(new, entry.info)
        sql = entry.sql
        head = "CREATE TABLE "
        rest = sql[len(head):].lstrip()
        for quoteless in (old, f'"{old}"', f"[{old}]", f"`{old}`"):
            if rest.lower().startswith(quoteless.lower()):
                rest = rest[len(quoteless):]
                break
        new_sql = f'{head}"{new}"{rest}'
        self.engine.execute(f"DELETE FROM {cat.MASTER} WHERE seq = $1", (entry.seq,))
        self.catalog.remove(old)
        self.record(Entry(entry.seq, "table", new, new, new_sql, table.to_json()))
        for dep in [e for e in self.catalog.entries.values() if e.tbl_name.lower() == old.lower()]:
            self.engine.execute(f"UPDATE {cat.MASTER} SET tbl_name = $1 WHERE seq = $2",
                                (new, dep.seq))
            dep.tbl_name = new
            self.catalog.touch(dep.name)
        self.rowids.pop(old.lower(), None)

    def rename_column(self, table_name: str, old: str, new: str) -> None:
        entry = self.catalog.entries[table_name.lower()]
        table = Table.from_json(entry.name, entry.info)
        for col in table.columns:
            if col.name.lower() == old.lower():
                col.name = new
        if table.rowid and table.rowid.lower() == old.lower():
            table.rowid = new
        table.uniques = [tuple(new if c.lower() == old.lower() else c for c in u)
                         for u in table.uniques]
        self.replace_entry(Entry(entry.seq, "table", entry.name, entry.tbl_name,
                                 entry.sql, table.to_json()))

    def set_user_version(self, value: int) -> None:
        self._set_meta("user_version", value)
        self.catalog.user_version = value

    # -- rowids ------------------------------------------------------------------------------
    def largest_rowid(self, table: str, rowid_col: str, autoincrement: bool,
                      timeout: float = 5.0) -> int:
        """The largest rowid ever relevant: max(rowid) or, under AUTOINCREMENT, the sequence."""
        key = table.lower()
        known = self.rowids.get(key)
        if known is None:
            if self.shared:
                # other sessions assign rowids too: hold the table's rowid lock until this
                # transaction ends, so the largest read below stays the largest
                self._rowid_lock(key, timeout)
            rows = self.engine.query(
                f'SELECT MAX("{rowid_col.lower()}") AS m FROM "{key}"', ()).rows
            known = rows[0][0] if rows and rows[0][0] is not None else 0
            if autoincrement:
                seq = self.engine.query(
                    f"SELECT seq FROM {cat.SEQUENCE} WHERE name = $1", (table,)).rows
                if seq:
                    known = max(known, seq[0][0])
            self.rowids[key] = known
        return known

    def _rowid_lock(self, table: str, timeout: float) -> None:
        """Wait for the table's rowid lock as SQLite waits for a writer: up to the connection's
        timeout, then "database is locked"."""
        deadline = time.monotonic() + max(timeout, 0.0)
        delay = 0.001
        # as 1/0: a Nano 4.31 server sends this boolean as the text 't' or 'f' (both truthy)
        while not self.engine.query("SELECT CASE WHEN pg_try_advisory_xact_lock($1) THEN 1 "
                                    "ELSE 0 END AS x", (_lock_key(table),)).rows[0][0]:
            if time.monotonic() >= deadline:
                raise make_error(OperationalError, "database is locked", "SQLITE_BUSY")
            time.sleep(delay)
            delay = min(delay * 2, 0.05)

    def note_rowids(self, table: str, largest: int, autoincrement: bool) -> None:
        key = table.lower()
        known = self.rowids.get(key)
        # unknown stays unknown: an explicit rowid below the table's largest must not become
        # the counter (the next automatic one would collide); largest_rowid reads it when needed
        if known is not None and largest > known:
            self.rowids[key] = largest
        if autoincrement:
            done = self.engine.execute(
                f"UPDATE {cat.SEQUENCE} SET seq = $1 WHERE name = $2 AND seq < $1",
                (largest, table))
            if not done and not self.engine.query(
                    f"SELECT 1 AS x FROM {cat.SEQUENCE} WHERE name = $1", (table,)).rows:
                self.engine.execute(f"INSERT INTO {cat.SEQUENCE} (name, seq) VALUES ($1, $2)",
                                    (table, largest))

    def forget_rowids(self, table: str | None = None) -> None:
        if table is None or table.lower() == "sqlite_sequence":
            self.rowids.clear()
        else:
            self.rowids.pop(table.lower(), None)


_CATALOG_ID = "catalog_id"  # _hsq_meta key: a random name given to each catalog when made
# the keys by name: a Nano 4.31 server that has seen many rows deleted scans even a 3-row table
# slowly (up to ~100 ms), while it still finds keys through the primary key in ~0.1 ms
_META_READ = (f"SELECT key, value FROM {cat.META} WHERE key IN "
              f"('schema_version', 'user_version', '{_CATALOG_ID}')")


class _Schema:
    """One committed catalog of a shared database, as read from the server, and the plans
    translated against it. Connections opened later to the same server database whose stamp
    (catalog_id, schema_version) is the same start from it: a pooled connect costs one read of
    _hsq_meta instead of the whole catalog, and no statement is translated twice."""

    __slots__ = ("catalog", "catalog_id", "plans", "version")

    def __init__(self, catalog_id: int | None, version: int, catalog: Catalog) -> None:
        self.catalog_id = catalog_id
        self.version = version
        self.catalog = catalog  # never changed: each connection works on a copy
        self.plans: dict[str, Plan] = {}


_SCHEMAS: dict[tuple, _Schema] = {}  # per server database (engine.catalog_key): the newest
catalog_reads = 0  # shared catalogs read from a server (not from _SCHEMAS), for tests


def _meta(rows: list[tuple]) -> dict[str, int]:
    """_hsq_meta as numbers: a Nano 4.31 server sends the BIGINT values as text to the session
    that created the table."""
    return {key: int(value) for key, value in rows if value is not None}


def _lock_key(table: str) -> int:
    """A stable 63-bit advisory lock key for a table's rowid assignment."""
    import zlib
    return (0x4853 << 32) | zlib.crc32(table.encode())
