"""Run the same statements through stdlib sqlite3 and heliosdb_sqlite; record what a user sees.

An observation per step: the exception class and message on failure, else the description names,
the rows with each value's Python type, rowcount and lastrowid. Two runs agree when their
observations are equal; messages are compared only where a case asks for it.
"""
from __future__ import annotations

import math
import os
import sqlite3
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable

# Engine name -> environment for heliosdb_sqlite. "sqlite" is the oracle.
ENGINES: dict[str, dict[str, str]] = {
    "binding": {"HELIOSDB_EMBEDDED": "binding"},
    "repl": {"HELIOSDB_EMBEDDED": "repl"},
}
# Daemon mode on the servers scripts/servers.py started (scripts/test.sh exports their DSNs).
DAEMONS = {"daemon-nano": "HELIOSDB_TEST_NANO_DSN", "daemon-pg": "HELIOSDB_TEST_PG_DSN"}
for _name, _variable in DAEMONS.items():
    if os.environ.get(_variable):
        ENGINES[_name] = {"HELIOSDB_DSN": os.environ[_variable]}


def engines_present() -> list[str]:
    from heliosdb_sqlite.embedded.repl_process import find_binary

    present = []
    try:
        import heliosdb_nano  # noqa: F401
        present.append("binding")
    except ImportError:
        pass
    if find_binary() is not None:
        present.append("repl")
    # Daemon engines run when scripts/test.sh asks (it starts the servers): a developer's plain
    # `pytest` with DSNs exported for other work does not wipe those servers' databases.
    if os.environ.get("HELIOSDB_TEST_DAEMON_CORPUS"):
        present.extend(name for name in DAEMONS if name in ENGINES)
    return present


@dataclass
class Case:
    """Statements to run, in order. A step is `sql`, `(sql, params)`, or a callable(conn)."""
    name: str
    steps: list[Any]
    messages: bool = False  # compare exception messages too
    unordered: bool = False  # compare rows as multisets (no ORDER BY in the case)
    file: bool = False  # run on a database file instead of :memory:
    connect_kwargs: dict = field(default_factory=dict)


def _value(v: Any) -> Any:
    if isinstance(v, float):
        return ("float", "nan" if math.isnan(v) else repr(v))
    if isinstance(v, tuple):
        return tuple(_value(x) for x in v)
    if hasattr(v, "keys") and hasattr(v, "__getitem__") and not isinstance(v, dict):
        return ("row", tuple(v.keys()), tuple(_value(x) for x in v))
    return (type(v).__name__, v)


def observe(module: Any, conn: Any, step: Any, unordered: bool, messages: bool) -> Any:
    try:
        if callable(step):
            return ("call", _value(step(conn, module)))
        if isinstance(step, tuple) and len(step) == 3 and step[0] == "many":
            cur = conn.executemany(step[1], step[2])
        elif isinstance(step, tuple) and len(step) == 2 and step[0] == "script":
            cur = conn.executescript(step[1])
        elif isinstance(step, tuple):
            cur = conn.execute(step[0], step[1])
        else:
            cur = conn.execute(step)
        rows = cur.fetchall()
        rows = [_value(tuple(r) if isinstance(r, tuple) else r) for r in rows]
        if unordered:
            rows = sorted(rows, key=repr)
        names = None if cur.description is None else [d[0] for d in cur.description]
        return ("ok", names, rows, cur.rowcount, cur.lastrowid)
    except Exception as exc:  # noqa: BLE001 - the class is the observation
        cls = type(exc).__name__
        return ("error", cls, str(exc) if messages else None)


def run(module: Any, case: Case, path: str | None = None) -> list[Any]:
    database = path if case.file else ":memory:"
    if module is not sqlite3:
        from tests.daemon_reset import daemon_dsn, wipe
        dsn = daemon_dsn()
        if dsn:
            wipe(dsn)  # every case starts from an empty database, as on :memory:
    conn = module.connect(database, **case.connect_kwargs)
    try:
        return [observe(module, conn, step, case.unordered, case.messages) for step in case.steps]
    finally:
        conn.close()


def compare(case: Case, engine: str) -> tuple[list[Any], list[Any]]:
    """(oracle observations, heliosdb_sqlite observations on `engine`)."""
    import heliosdb_sqlite

    with tempfile.TemporaryDirectory() as tmp:
        expected = run(sqlite3, case, os.path.join(tmp, "oracle.db"))
        saved = {k: os.environ.get(k) for k in ENGINES[engine]}
        os.environ.update(ENGINES[engine])
        try:
            got = run(heliosdb_sqlite, case, os.path.join(tmp, "helios.db"))
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
    return expected, got


def first_difference(expected: list[Any], got: list[Any], case: Case) -> str | None:
    for i, (e, g) in enumerate(zip(expected, got)):
        if e != g:
            step = case.steps[i]
            return f"step {i} {step!r}:\n  sqlite3: {e!r}\n  helios:  {g!r}"
    return None


Step = Callable[[Any, Any], Any]


def fill_t(conn: Any, module: Any) -> int:
    """Setup step: five rows into t(a, b); only the rowcount is observed (executemany's
    lastrowid has its own cases)."""
    return conn.executemany("INSERT INTO t (a, b) VALUES (?, ?)",
                            [(1, "one"), (2, "two"), (3, "three"), (4, "four"), (5, "five")]).rowcount


def as_tuples(v: Any) -> Any:
    """Lists to tuples (so the harness compares element types), dicts to ordered item tuples."""
    if isinstance(v, (list, tuple)):
        return tuple(as_tuples(x) for x in v)
    if isinstance(v, dict):
        return ("dict",) + tuple((k, as_tuples(x)) for k, x in v.items())
    return v
