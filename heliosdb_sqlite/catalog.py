"""The shadow SQLite catalog, kept inside the engine so it survives restarts and is shared.

The engine knows its own schema but not SQLite's: the original DDL text (sqlite_master.sql), declared
types (affinity, PARSE_DECLTYPES, PRAGMA table_info), which column is the rowid, AUTOINCREMENT
sequences, user_version. This module holds that model in memory and persists it in three tables.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

MASTER = "_hsq_master"
META = "_hsq_meta"
SEQUENCE = "_hsq_sequence"
HIDDEN_ROWID = "rowid"
# in Catalog.reads and .changed: the whole schema (a name no entry can have: SQLite names hold
# no NUL)
READ_ALL = "\x00all"  # the engine column that holds the rowid of a table with no rowid alias

BOOTSTRAP = (
    f"CREATE TABLE IF NOT EXISTS {MASTER} (seq BIGINT PRIMARY KEY, type TEXT, name TEXT, "
    "tbl_name TEXT, sql TEXT, info TEXT)",
    f"CREATE TABLE IF NOT EXISTS {META} (key TEXT PRIMARY KEY, value BIGINT)",
    f"CREATE TABLE IF NOT EXISTS {SEQUENCE} (name TEXT PRIMARY KEY, seq BIGINT)",
)


@dataclass
class Column:
    name: str
    decltype: str = ""
    notnull: bool = False
    default: str | None = None  # the default's SQL text as written, for PRAGMA table_info
    pk: int = 0  # 1-based position in the primary key, 0 if not part of it
    collate: str | None = None


@dataclass
class Table:
    name: str
    columns: list[Column]
    rowid: str | None  # the engine column holding the rowid; None for WITHOUT ROWID
    autoincrement: bool = False
    uniques: list[tuple[str, ...]] = field(default_factory=list)  # every unique key, pk first
    foreign_keys: list[dict[str, Any]] = field(default_factory=list)
    without_rowid: bool = False
    checks: dict[str, str] = field(default_factory=dict)  # engine constraint -> SQLite message

    def column(self, name: str) -> Column | None:
        lname = name.lower()
        for col in self.columns:
            if col.name.lower() == lname:
                return col
        return None

    @property
    def rowid_alias(self) -> str | None:
        """The declared INTEGER PRIMARY KEY column, if the rowid has one."""
        if self.rowid and self.rowid != HIDDEN_ROWID:
            return self.rowid
        return None

    def to_json(self) -> str:
        return json.dumps({
            "columns": [c.__dict__ for c in self.columns], "rowid": self.rowid,
            "autoincrement": self.autoincrement, "uniques": self.uniques,
            "foreign_keys": self.foreign_keys, "without_rowid": self.without_rowid,
            "checks": self.checks,
        })

    @classmethod
    def from_json(cls, name: str, text: str) -> "Table":
        data = json.loads(text)
        return cls(
            name=name, columns=[Column(**c) for c in data["columns"]], rowid=data["rowid"],
            autoincrement=data["autoincrement"], uniques=[tuple(u) for u in data["uniques"]],
            foreign_keys=data["foreign_keys"], without_rowid=data["without_rowid"],
            checks=data.get("checks", {}),
        )


@dataclass
class Index:
    name: str
    table: str
    columns: list[str]
    unique: bool
    origin: str = "c"  # c: CREATE INDEX, u: UNIQUE constraint, pk: PRIMARY KEY constraint

    def to_json(self) -> str:
        return json.dumps({"columns": self.columns, "unique": self.unique, "origin": self.origin})


@dataclass
class Entry:
    """One sqlite_master row."""
    seq: int
    type: str
    name: str
    tbl_name: str
    sql: str | None
    info: str | None = None


_MASTER_COLUMNS = [Column("type", "text"), Column("name", "text"), Column("tbl_name", "text"),
                   Column("rootpage", "int"), Column("sql", "text")]
BUILTIN_RELATIONS: dict[str, Table] = {
    name: Table(name, _MASTER_COLUMNS, rowid=None)
    for name in ("sqlite_master", "sqlite_schema", "sqlite_temp_master", "sqlite_temp_schema")
}
BUILTIN_RELATIONS["sqlite_sequence"] = Table("sqlite_sequence", [Column("name"), Column("seq")],
                                             rowid=None)


class _Whole:
    """A Catalog dict read whole, by a name that is not the dict's (`entries` reads `_entries`):
    while a translation records what it reads, reading it counts as reading every name."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.attr = "_" + name

    def __get__(self, catalog: Catalog | None, owner: type | None = None) -> Any:
        if catalog is None:
            return self
        if catalog.reads is not None:
            catalog.reads.add(READ_ALL)
        return getattr(catalog, self.attr)


class Catalog:
    """The SQLite schema of one database, as the application declared it."""

    def __init__(self) -> None:
        self.version = 0
        self._entries: dict[str, Entry] = {}  # lower-case name -> entry
        self._tables: dict[str, Table] = {}
        self._views: dict[str, Table] = {}  # a view's columns, as SQLite names them
        self._indexes: dict[str, Index] = {}
        self.user_version = 0
        self.foreign_keys = False  # PRAGMA foreign_keys is per connection in SQLite; see pragma.py
        # So that a plan outlives a schema change that does not touch what it read (see
        # unchanged_for): the version at which each name last changed (an index's or trigger's
        # table with it; READ_ALL at every change), the version before which every plan is stale
        # (the catalog read again), and the names a translation is reading (None: none is).
        self.changed: dict[str, int] = {}
        self.floor = 0
        self.reads: set[str] | None = None

    # The whole of the schema (_Whole): a translation that reads one of these dicts depends on
    # every name. The catalog's own methods use the dicts underneath.
    entries = _Whole()
    tables = _Whole()
    views = _Whole()
    indexes = _Whole()

    def _read(self, name: str) -> str:
        """The catalog's key for `name`, recorded as read while a translation records."""
        key = name.lower()
        if self.reads is not None:
            self.reads.add(key)
        return key

    def _changed(self, *names: str) -> None:
        changed = self.changed
        if len(changed) > 4096:  # names of long-gone tables: start over, every plan stale
            changed.clear()
            self.floor = self.version
        for name in names:
            changed[name.lower()] = self.version
        changed[READ_ALL] = self.version

    def touch(self, name: str) -> None:
        """An entry edited in place (a renamed table's index or trigger): plans that read it
        are stale."""
        self._changed(name)

    def unchanged_for(self, reads: frozenset[str] | None, version: int) -> bool:
        """Whether a translation made at `version` that read the names `reads` would come out
        the same now: nothing it read has changed since (None: what it read is not known)."""
        if reads is None or version < self.floor:
            return False
        changed = self.changed
        for name in reads:
            if changed.get(name, 0) > version:
                return False
        return True

    def load(self, rows: list[tuple], meta: dict[str, int]) -> None:
        self._entries.clear()
        self._tables.clear()
        self._views.clear()
        self._indexes.clear()
        for seq, typ, name, tbl_name, sql, info in rows:
            self._add(Entry(seq, typ, name, tbl_name, sql, info))
        self.user_version = meta.get("user_version", 0)
        self.version = meta.get("schema_version", 0)
        self._reloaded()

    def load_copy(self, other: Catalog, meta: dict[str, int]) -> None:
        """Become `other` (a catalog loaded earlier from the same rows) without parsing them
        again. Entries are copied, since a rename edits them in place; tables, views and indexes
        are shared, since every change replaces them (Table.from_json) rather than editing."""
        self._entries = {k: Entry(e.seq, e.type, e.name, e.tbl_name, e.sql, e.info)
                         for k, e in other._entries.items()}
        self._tables = dict(other._tables)
        self._views = dict(other._views)
        self._indexes = dict(other._indexes)
        self.user_version = meta.get("user_version", 0)
        self.version = meta.get("schema_version", 0)
        self._reloaded()

    def _reloaded(self) -> None:
        # read again: what changed is not known, so nothing planned before holds
        self.changed.clear()
        self.floor = self.version

    def _add(self, entry: Entry) -> None:
        key = entry.name.lower()
        self._entries[key] = entry
        if entry.type == "table" and entry.info:
            self._tables[key] = Table.from_json(entry.name, entry.info)
        elif entry.type == "view" and entry.info:
            self._views[key] = Table.from_json(entry.name, entry.info)
        elif entry.type == "index" and entry.info:
            data = json.loads(entry.info)
            self._indexes[key] = Index(entry.name, entry.tbl_name, data["columns"], data["unique"],
                                       data.get("origin", "c"))

    def next_seq(self) -> int:
        return max((e.seq for e in self._entries.values()), default=0) + 1

    def add(self, entry: Entry) -> None:
        self._add(entry)
        self.version += 1
        self._changed(entry.name, entry.tbl_name)

    def remove(self, name: str) -> Entry | None:
        key = name.lower()
        entry = self._entries.pop(key, None)
        self._tables.pop(key, None)
        self._views.pop(key, None)
        self._indexes.pop(key, None)
        self.version += 1
        self._changed(name, *((entry.tbl_name,) if entry is not None else ()))
        return entry

    def table(self, name: str) -> Table | None:
        key = self._read(name)
        return self._tables.get(key)

    def relation(self, name: str) -> Table | None:
        """A table, a view or a built-in sqlite_ table: anything a query reads columns from."""
        key = self._read(name)
        return self._tables.get(key) or self._views.get(key) or BUILTIN_RELATIONS.get(key)

    def writable(self, name: str) -> Table | None:
        """A table statements may write: a user table, or sqlite_sequence (SQLite allows it)."""
        key = self._read(name)
        return self._tables.get(key) or (BUILTIN_RELATIONS[key] if key == "sqlite_sequence"
                                         else None)

    def unique_keys(self, table: Table) -> list[tuple[str, ...]]:
        """Every unique key of a table: its constraints, then its unique indexes (an index's
        change is its table's: _changed)."""
        keys = list(table.uniques)
        lname = self._read(table.name)
        for index in self._indexes.values():
            if index.unique and index.table.lower() == lname and tuple(index.columns) not in keys:
                keys.append(tuple(index.columns))
        return keys

    def entry(self, name: str) -> Entry | None:
        key = self._read(name)
        return self._entries.get(key)

    def view(self, name: str) -> Table | None:
        key = self._read(name)
        return self._views.get(key)

    def kind(self, name: str) -> str | None:
        key = self._read(name)
        entry = self._entries.get(key)
        return entry.type if entry else None

    def dependents(self, table: str) -> list[Entry]:
        """Indexes and triggers that go with a table when it is dropped."""
        ltable = self._read(table)
        return [e for e in self._entries.values()
                if e.type in ("index", "trigger") and e.tbl_name.lower() == ltable]

    def master_rows(self) -> list[tuple]:
        return [(e.type, e.name, e.tbl_name, e.seq + 1, e.sql)
                for e in sorted(self.entries.values(), key=lambda e: e.seq)]
