"""PRAGMAs, answered from the shadow catalog and the connection with SQLite-shaped results.

Each entry of PRAGMAS is a function (session, argument) -> (column names, rows). `session` is the
connection's view of its database (catalog, settings); an unknown PRAGMA is a no-op with no rows,
as in SQLite.
"""
from __future__ import annotations

from typing import Any, Callable

from ..catalog import Catalog
from ..exceptions import NotSupportedError, OperationalError, make_error
from .lexer import Token, unquote
from .params import ParamSpec
from .plan import Plan

Result = tuple[tuple[str, ...], list[tuple]]

# PRAGMAs whose argument names what to report on, rather than a new value.
_ARGUMENT_QUERIES = frozenset(("table_info", "table_xinfo", "index_list", "index_info",
                               "index_xinfo", "foreign_key_list"))


def _table_info(session, arg: str | None, hidden: bool = False) -> Result:
    names = ("cid", "name", "type", "notnull", "dflt_value", "pk")
    if hidden:
        names += ("hidden",)
    table = session.catalog.relation(arg or "")
    if table is None:
        return names, []
    rows = []
    for cid, col in enumerate(table.columns):
        row = (cid, col.name, col.decltype, int(col.notnull), col.default, col.pk)
        rows.append(row + (0,) if hidden else row)
    return names, rows


def _index_list(session, arg: str | None) -> Result:
    names = ("seq", "name", "unique", "origin", "partial")
    catalog: Catalog = session.catalog
    table = catalog.table(arg or "")
    if table is None:
        return names, []
    indexes = [i for i in catalog.indexes.values() if i.table.lower() == table.name.lower()]
    rows = [(seq, idx.name, int(idx.unique), idx.origin, 0)
            for seq, idx in enumerate(reversed(indexes))]
    return names, rows


def _index_info(session, arg: str | None) -> Result:
    names = ("seqno", "cid", "name")
    catalog: Catalog = session.catalog
    index = catalog.indexes.get((arg or "").lower())
    if index is None:
        return names, []
    table = catalog.table(index.table)
    cols = [c.name.lower() for c in table.columns] if table else []
    rows = [(seq, cols.index(name.lower()) if name.lower() in cols else -1,
             table.column(name).name if table and table.column(name) else name)
            for seq, name in enumerate(index.columns)]
    return names, rows


def _foreign_key_list(session, arg: str | None) -> Result:
    names = ("id", "seq", "table", "from", "to", "on_update", "on_delete", "match")
    table = session.catalog.table(arg or "")
    if table is None:
        return names, []
    rows = []
    for fid, fk in enumerate(reversed(table.foreign_keys)):
        for seq, col in enumerate(fk["from"]):
            to = fk["to"][seq] if seq < len(fk["to"]) else None
            rows.append((fid, seq, fk["table"], col, to, fk["on_update"], fk["on_delete"],
                         fk["match"]))
    return names, rows


def _user_version(session, arg: str | None) -> Result:
    if arg is not None:
        session.set_user_version(_int(arg))
        return ("user_version",), []
    return ("user_version",), [(session.catalog.user_version,)]


def _foreign_keys(session, arg: str | None) -> Result:
    if arg is not None:
        session.foreign_keys = _bool(arg)
        return ("foreign_keys",), []
    return ("foreign_keys",), [(int(session.foreign_keys),)]


def _busy_timeout(session, arg: str | None) -> Result:
    if arg is not None:
        session.timeout = max(_int(arg), 0) / 1000.0
    return ("timeout",), [(int(session.timeout * 1000),)]


def _journal_mode(session, arg: str | None) -> Result:
    if session.in_memory:
        return ("journal_mode",), [("memory",)]
    if arg is not None:
        session.journal_mode = arg.lower()
    return ("journal_mode",), [(session.journal_mode,)]


def _setting(name: str, default: Any) -> Callable[[Any, str | None], Result]:
    """A setting the engine manages itself: accepted, remembered per connection, reported back."""
    def pragma(session, arg: str | None) -> Result:
        if arg is not None:
            session.settings[name] = _int(arg) if isinstance(default, int) else arg
            return (name,), []
        return (name,), [(session.settings.get(name, default),)]
    return pragma


def _constant(name: str, rows: list[tuple]) -> Callable[[Any, str | None], Result]:
    def pragma(session, arg: str | None) -> Result:
        return (name,), list(rows)
    return pragma


def _table_list(session, arg: str | None) -> Result:
    names = ("schema", "name", "type", "ncol", "wr", "strict")
    rows = [("main", t.name, "table", len(t.columns), int(t.without_rowid), 0)
            for t in session.catalog.tables.values()]
    return names, rows


def _database_list(session, arg: str | None) -> Result:
    return ("seq", "name", "file"), [(0, "main", session.filename)]


PRAGMAS: dict[str, Callable[[Any, str | None], Result]] = {
    "table_info": _table_info,
    "table_xinfo": lambda s, a: _table_info(s, a, hidden=True),
    "index_list": _index_list,
    "index_info": _index_info,
    "index_xinfo": _index_info,
    "foreign_key_list": _foreign_key_list,
    "user_version": _user_version,
    "foreign_keys": _foreign_keys,
    "busy_timeout": _busy_timeout,
    "journal_mode": _journal_mode,
    "table_list": _table_list,
    "database_list": _database_list,
    "synchronous": _setting("synchronous", 2),
    "cache_size": _setting("cache_size", -2000),
    "temp_store": _setting("temp_store", 0),
    "mmap_size": _setting("mmap_size", 0),
    "wal_autocheckpoint": _setting("wal_autocheckpoint", 1000),
    "locking_mode": _setting("locking_mode", "normal"),
    "auto_vacuum": _setting("auto_vacuum", 0),
    "application_id": _setting("application_id", 0),
    "recursive_triggers": _setting("recursive_triggers", 0),
    "defer_foreign_keys": _setting("defer_foreign_keys", 0),
    "case_sensitive_like": _setting("case_sensitive_like", 0),
    "page_size": _setting("page_size", 4096),
    "encoding": _constant("encoding", [("UTF-8",)]),
    "integrity_check": _constant("integrity_check", [("ok",)]),
    "quick_check": _constant("quick_check", [("ok",)]),
    "optimize": _constant("optimize", []),
    "compile_options": _constant("compile_options", []),
    "wal_checkpoint": lambda s, a: (("busy", "log", "checkpointed"), [(0, -1, -1)]),
    "schema_version": lambda s, a: (("schema_version",), [(s.catalog.version,)]),
}


def _int(text: str) -> int:
    try:
        return int(text, 0) if not text.lstrip("+-").isdigit() else int(text)
    except ValueError:
        return 1 if _bool(text) else 0


def _bool(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("on", "yes", "true"):
        return True
    if lowered in ("off", "no", "false"):
        return False
    try:
        return int(lowered) != 0
    except ValueError:
        return False


def plan(tokens: list[Token], sql: str, params: ParamSpec, catalog: Catalog) -> Plan:
    """PRAGMA [schema.]name [= value | (value)]."""
    rest = tokens[1:]
    if len(rest) >= 2 and rest[1].text == ".":
        rest = rest[2:]
    if not rest:
        raise make_error(OperationalError, "incomplete input")
    name = unquote(rest[0].text).lower()
    arg: str | None = None
    tail = rest[1:]
    if tail and tail[0].text == "=":
        arg = "".join(t.text for t in tail[1:])
    elif tail and tail[0].kind == "lparen":
        arg = "".join(t.text for t in tail[1:-1])
    if arg is not None:
        arg = unquote(arg) if arg[:1] in "\"`[" else arg
        if arg[:1] == "'" and arg[-1:] == "'":
            arg = arg[1:-1].replace("''", "'")
    func = PRAGMAS.get(name)
    if func is None:
        return Plan("PRAGMA", params, schema_version=catalog.version)
    if arg is not None and name not in _ARGUMENT_QUERIES:
        def assign(session) -> Result:  # setting a PRAGMA returns no result set
            func(session, arg)
            return (), []
        return Plan("PRAGMA", params, pragma=assign, schema_version=catalog.version)
    return Plan("PRAGMA", params, pragma=lambda session: func(session, arg),
                schema_version=catalog.version)


# -- table-valued forms: SELECT ... FROM pragma_table_info('t') ---------------------------------
# Those answered from the catalog alone; the plan is cached per schema version, so their rows can
# be written into the statement as a derived table when it is translated.
TABLE_VALUED = frozenset(("table_info", "table_xinfo", "index_list", "index_info", "index_xinfo",
                          "foreign_key_list"))


class _CatalogOnly:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog


def table_valued(tree, catalog: Catalog) -> None:
    """Replace each `pragma_<name>('arg')` source by a derived table of its rows."""
    from sqlglot import exp

    for table in list(tree.find_all(exp.Table)):
        fn = table.this
        if not (isinstance(fn, exp.Anonymous) and fn.name.lower().startswith("pragma_")):
            continue
        name = fn.name.lower()[len("pragma_"):]
        if name not in TABLE_VALUED:
            raise make_error(OperationalError, f"no such table: {fn.name}")
        args = fn.expressions
        if len(args) > 1 or (args and not (isinstance(args[0], exp.Literal) and args[0].is_string)):
            raise make_error(OperationalError if len(args) > 1 else NotSupportedError,
                             f"{fn.name}() takes one quoted name here (parameters are not "
                             "supported in table-valued PRAGMAs)")
        columns, rows = PRAGMAS[name](_CatalogOnly(catalog), args[0].this if args else None)
        selects = [exp.select(*(exp.alias_(_literal(v), c, quoted=True)
                                for v, c in zip(row, columns))) for row in rows]
        if not selects:
            selects = [exp.select(*(exp.alias_(exp.null(), c, quoted=True) for c in columns))
                       .where(exp.false())]
        query = selects[0]
        for more in selects[1:]:
            query = exp.union(query, more, distinct=False)
        alias = table.alias or fn.name
        table.replace(exp.Subquery(this=query, alias=exp.TableAlias(
            this=exp.to_identifier(alias))))


def _literal(value: Any):
    from sqlglot import exp

    if value is None:
        return exp.null()
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)
