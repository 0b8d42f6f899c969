"""User-defined functions, aggregates, window functions and collations (sqlite3's create_*).

The engine cannot call back into Python. A connection that registers something gets a Registry
(`Connection._udf`); a statement that uses what it holds is planned by udf_plan.py and run here:
the engine query first, through the connection's normal path, then the Python callables on its
rows (udf_calls.py, udf_windows.py), then DISTINCT / ORDER BY / LIMIT where they must follow
them (udf_order.py). A connection that registers nothing pays one attribute check per statement.
Plans are kept per connection, by SQL text: what they call belongs to this connection only.
"""
from __future__ import annotations

import operator
from typing import Any

from .exceptions import OperationalError, ProgrammingError, make_error
from .rewrite.plan import Plan
from .udf_calls import Accumulator, CollationRun, call_function
from .udf_order import BUILTIN_COLLATIONS, Term, distinct, limit, sort
from .udf_plan import Function, UdfPlan, build
from .udf_sql import fold, unsupported
from .udf_windows import Window, bind_frame, evaluate

_MAX_FUNCTION_ARG = 127  # SQLITE_MAX_FUNCTION_ARG
_MAX_NAME = 255  # bytes in a function name


class Registry:
    """What one connection registered, and its plans for the statements that use it."""

    def __init__(self) -> None:
        self.functions: dict[tuple[bytes, int], Function] = {}
        self.collations: dict[bytes, Any] = {}
        self.names: frozenset[bytes] = frozenset()  # registered function names, folded
        self.triggers: frozenset[str] = frozenset(("collate",))  # words worth a closer look
        self.arg_limit: int | None = None  # a lowered SQLITE_LIMIT_FUNCTION_ARG
        self._plans: dict[str, tuple[int, UdfPlan | None]] = {}

    def changed(self) -> None:
        self.names = frozenset(name for name, _ in self.functions)
        self.triggers = frozenset(["collate"] + [
            n.decode("utf-8", "surrogatepass").lower() for n in self.names])
        self._plans.clear()

    def plan(self, sql: str, catalog: Any) -> UdfPlan | None:
        cached = self._plans.get(sql)
        if cached is not None and cached[0] == catalog.version:
            return cached[1]
        plan = build(sql, self, catalog)
        if len(self._plans) > 512:
            self._plans.clear()
        self._plans[sql] = (catalog.version, plan)
        return plan


def registry(conn: Any) -> Registry:
    if conn._udf is None:
        conn._udf = Registry()
        conn._reset_runners()  # the runners do not look for functions
    return conn._udf


# -- registration, with sqlite3's argument checks ---------------------------------------------
def _name(value: Any, method: str, argument: str) -> str:
    if not isinstance(value, str):
        kind = "None" if value is None else type(value).__name__
        raise TypeError(f"{method}() argument {argument} must be str, not {kind}")
    if "\x00" in value:
        raise ValueError("embedded null character")
    value.encode("utf-8")  # a lone surrogate is a UnicodeEncodeError, as in sqlite3
    return value


def _c_int(value: Any) -> int:
    number = operator.index(value)
    if not -2**31 <= number < 2**31:
        raise OverflowError("Python int too large to convert to C int")
    return number


def _function_ok(name: str, narg: int) -> bool:
    return -1 <= narg <= _MAX_FUNCTION_ARG and len(name.encode("utf-8")) <= _MAX_NAME


def create_function(conn: Any, name: Any, narg: Any, func: Any, deterministic: Any) -> None:
    name = _name(name, "create_function", "'name'")
    narg = _c_int(narg)
    deterministic = bool(deterministic)
    conn._check()
    if not _function_ok(name, narg):
        raise OperationalError("Error creating function")
    _register(conn, name, narg, Function("scalar", func, deterministic))


def create_aggregate(conn: Any, name: Any, n_arg: Any, aggregate_class: Any) -> None:
    name = _name(name, "create_aggregate", "'name'")
    n_arg = _c_int(n_arg)
    conn._check()
    if not _function_ok(name, n_arg):
        raise OperationalError("Error creating aggregate")
    _register(conn, name, n_arg, Function("aggregate", aggregate_class))


def create_window_function(conn: Any, name: Any, num_params: Any, aggregate_class: Any) -> None:
    name = _name(name, "create_window_function", "1")
    num_params = _c_int(num_params)
    conn._check()
    if not _function_ok(name, num_params):
        raise ProgrammingError("bad parameter or other API misuse")
    if aggregate_class is None:  # sqlite3 clears the function
        reg = registry(conn)
        reg.functions.pop((fold(name), num_params), None)
        reg.changed()
        return
    _register(conn, name, num_params, Function("window", aggregate_class))


def _register(conn: Any, name: str, narg: int, function: Function) -> None:
    # create_function/create_aggregate with None register None, as sqlite3 does: calling it
    # raises "user-defined function raised exception" (or '__init__' for an aggregate)
    reg = registry(conn)
    reg.functions[(fold(name), narg)] = function
    reg.changed()


def create_collation(conn: Any, name: Any, callable_: Any) -> None:
    name = _name(name, "create_collation", "1")
    conn._check()
    if callable_ is not None and not callable(callable_):
        raise TypeError("parameter must be callable")
    reg = registry(conn)
    if callable_ is None:
        reg.collations.pop(fold(name), None)
    else:
        reg.collations[fold(name)] = callable_
    reg.changed()


def set_arg_limit(conn: Any, limit: int) -> None:
    """SQLITE_LIMIT_FUNCTION_ARG lowered (or restored): statements are checked against it."""
    if limit < _MAX_FUNCTION_ARG or conn._udf is not None:
        reg = registry(conn)
        reg.arg_limit = limit if limit < _MAX_FUNCTION_ARG else None
        reg._plans.clear()


# -- running a statement ----------------------------------------------------------------------
def execute(conn: Any, cursor: Any, sql: str, parameters: Any, implicit_begin: bool) -> bool:
    """Run `sql` if it uses something registered; False when it is the normal path's."""
    plan = conn._udf.plan(sql, conn._db.catalog)
    if plan is None:
        return False
    values = conn._bind(Plan("SELECT", plan.spec), parameters)
    names, decltypes, rows = conn._udf_query(cursor, sql, plan.inner_sql, values, implicit_begin)
    base = len(names) - plan.hidden
    where = _positions(plan, base)
    runs: list[CollationRun] = []
    if plan.aggregate:
        out = [tuple(_aggregate(plan, rows, base))]
    else:
        out = _rows(conn, plan, rows, base, where, values, runs)
    if plan.distinct:
        out = distinct(out, base)
    if plan.sort:
        out = sort(out, [Term(_key_index(key, where, base), key.desc,
                              key.nulls_first, _collation(conn, key.collation, runs))
                         for key in plan.sort])
        _raise_collation_error(runs)
    if plan.limit is not None or plan.offset is not None:
        out = limit(out, _count(plan.limit, values), _count(plan.offset, values))
    final_names = list(names[:base])
    final_types = list(decltypes[:base])
    for i, item in enumerate(plan.items):
        if where[i] is not None and item.name is not None:
            final_names[where[i]] = item.name
            final_types[where[i]] = None
    conn._udf_result(cursor, [tuple(r[:base]) for r in out], final_names, final_types)
    return True


def check_many(conn: Any, sql: str) -> None:
    """executemany() of a statement that uses something registered: only DML may be run so,
    and DML cannot use what the engine cannot call (udf_plan raises for it)."""
    if conn._udf.plan(sql, conn._db.catalog) is not None:
        raise ProgrammingError("executemany() can only execute DML statements.")


def _positions(plan: UdfPlan, base: int) -> list[int | None]:
    """The result column each SELECT item starts at (None: after two `*` of unknown width)."""
    unknown = sum(1 for item in plan.items if item.width is None)
    known = sum(item.width for item in plan.items if item.width is not None)
    out: list[int | None] = []
    at: int | None = 0
    for item in plan.items:
        out.append(at)
        if at is not None:
            width = item.width if item.width is not None else (
                base - known if unknown == 1 else None)
            at = None if width is None else at + width
    if any(p is None for item, p in zip(plan.items, out) if item.call is not None):
        raise unsupported("several `*` items with a user-defined function", "the SELECT list")
    return out


def _rows(conn: Any, plan: UdfPlan, rows: list, base: int, where: list, values: list,
          runs: list) -> list:
    windows: dict[int, list] = {}
    visit = None
    for c, call in enumerate(plan.calls):
        if call.kind != "window":
            continue
        window = Window(call.target, tuple(base + a for a in call.args),
                        tuple(base + p for p in call.partition),
                        tuple(Term(base + k.index, k.desc, k.nulls_first,
                                   _collation(conn, k.collation, runs)) for k in call.order),
                        bind_frame(call.frame, values))
        windows[c], order = evaluate(window, rows)
        _raise_collation_error(runs)
        visit = order if visit is None else visit
    columns = [(where[i], item.call, plan.calls[item.call]) for i, item in enumerate(plan.items)
               if item.call is not None]
    out = []
    for r, row in enumerate(rows):
        new = list(row)
        for col, c, call in columns:
            if call.kind == "window":
                new[col] = windows[c][r]
            else:
                new[col] = call_function(call.target, [row[base + a] for a in call.args])
        out.append(new)
    if plan.window_order and visit is not None:
        out = [out[i] for i in visit]
    return out


def _aggregate(plan: UdfPlan, rows: list, base: int) -> list:
    """Every item an aggregate over all rows: step per row in item order, then finalize."""
    accumulators = [Accumulator(call.target) for call in plan.calls]
    try:
        for row in rows:
            for acc, call in zip(accumulators, plan.calls):
                acc.call("step", [row[base + a] for a in call.args])
        return [acc.finalize() for acc in accumulators]
    except BaseException:
        for acc in accumulators:
            acc.discard()  # SQLite finalizes the contexts when the failed statement is reset
        raise


def _key_index(key: Any, where: list, base: int) -> int:
    if key.source == "hidden":
        return base + key.index
    if key.source == "item":
        index = where[key.index]
        if index is None:
            raise unsupported("ORDER BY after several `*` items", "a query sorted in Python")
        return index
    if not 0 <= key.index < base:
        raise make_error(OperationalError, f"{_ordinal(key)} ORDER BY term out of range - "
                                           f"should be between 1 and {base}")
    return key.index


def _ordinal(key: Any) -> str:
    n = key.term + 1
    suffix = "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _collation(conn: Any, name: str | None, runs: list) -> Any:
    if name is None:
        return BUILTIN_COLLATIONS["binary"]
    if name.isascii() and name.lower() in BUILTIN_COLLATIONS:
        return BUILTIN_COLLATIONS[name.lower()]
    run = CollationRun(conn._udf.collations[fold(name)])
    runs.append(run)
    return run


def _raise_collation_error(runs: list) -> None:
    for run in runs:
        if run.error is not None:
            error, run.error = run.error, None
            raise error


def _count(value: Any, values: list) -> int | None:
    """A LIMIT/OFFSET value as SQLite reads it (numeric text is a number)."""
    if isinstance(value, tuple):
        value = values[value[1] - 1]
    if value is None or type(value) is int:
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise make_error(OperationalError, "datatype mismatch", "SQLITE_MISMATCH")
