"""User-defined functions, aggregates, window functions and collations (create_*): the values and
types they see and return, their errors, and the column names of their results. Only what
heliosdb_sqlite runs in Python appears here (whole items of the outermost SELECT list, ORDER BY
with a registered collation); the NotSupportedError cases are in tests/test_udf.py."""
import sys

from ...differential.harness import Case, as_tuples

_t = as_tuples

VALUES = "CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB, n)"
FILL_VALUES = ("many", "INSERT INTO v (i, r, s, b, n) VALUES (?, ?, ?, ?, ?)", [
    (1, 1.5, "a", b"\x00\x01", None),
    (-(2**63), 0.25, "ünï", b"", 7),
    (2**63 - 1, 1e300, "1\x002", b"blob", "text"),
    (None, None, "", None, 2.5),
])
WIN = "CREATE TABLE w (x TEXT, y INTEGER)"
FILL_WIN = ("many", "INSERT INTO w VALUES (?, ?)",
            [("a", 4), ("b", 5), ("c", 3), ("d", 8), ("e", 1), ("f", 5)])
AROUND = "ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING"
REST = "ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING"
AHEAD = "ROWS BETWEEN 2 FOLLOWING AND 3 FOLLOWING"
BACK_1 = "ROWS 1 PRECEDING"
BACK_N = "ROWS BETWEEN ? PRECEDING AND CURRENT ROW"
PEERS_ON = "RANGE BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING"
WORDS = "CREATE TABLE words (k INTEGER PRIMARY KEY, word)"
FILL_WORDS = ("many", "INSERT INTO words (word) VALUES (?)",
              [("b",), ("A",), (None,), (3,), (1.5,), (b"z",), ("a",), ("B",), ("c",)])


def _typename(value):
    return type(value).__name__


def _register(**functions):
    """A step registering scalar functions: name -> (narg, func)."""
    def step(conn, module):
        for name, (narg, func) in functions.items():
            conn.create_function(name, narg, func)
    return step


def _returning(value):
    return lambda: value


class _IntSub(int):
    pass


class _StrSub(str):
    pass


class Sum:
    def __init__(self):
        self.total = 0

    def step(self, value):
        self.total += value if value is not None else 0

    def finalize(self):
        return self.total


class Concat:
    def __init__(self):
        self.parts = []

    def step(self, *values):
        self.parts.append("/".join(repr(v) for v in values))

    def finalize(self):
        return "|".join(self.parts)


class WinSum:
    log = None

    def __init__(self):
        self.total = 0
        if WinSum.log is not None:
            WinSum.log.append("init")

    def step(self, value):
        self.total += value
        if WinSum.log is not None:
            WinSum.log.append(("step", value))

    def inverse(self, value):
        self.total -= value
        if WinSum.log is not None:
            WinSum.log.append(("inverse", value))

    def value(self):
        if WinSum.log is not None:
            WinSum.log.append("value")
        return self.total

    def finalize(self):
        if WinSum.log is not None:
            WinSum.log.append("finalize")
        return self.total


def _aggregates(conn, module):
    conn.create_aggregate("mysum", 1, Sum)
    conn.create_aggregate("cat", -1, Concat)
    conn.create_window_function("winsum", 1, WinSum)


def _broken(method, error=ZeroDivisionError):
    """An aggregate/window class whose `method` raises (or is missing when error is None)."""
    def boom(self, *args):
        raise error("boom")
    attrs = {name: getattr(WinSum, name) for name in
             ("__init__", "step", "inverse", "value", "finalize")}
    if error is None:
        del attrs[method]
    else:
        attrs[method] = boom
    return type(f"Broken_{method}", (), attrs)


def _error_of(sql, params=()):
    """A step: the exception (class, message) a query raises at execute or fetch."""
    def step(conn, module):
        try:
            return ("rows", _t(conn.execute(sql, params).fetchall()))
        except Exception as exc:  # noqa: BLE001 - the error is the observation
            return (type(exc).__name__, str(exc))
    return step


def _call_log(sql):
    def step(conn, module):
        WinSum.log = []
        try:
            rows = conn.execute(sql).fetchall()
            return _t((rows, WinSum.log))
        finally:
            WinSum.log = None
    return step


def _register_errors(conn, module):
    out = []
    attempts = [
        lambda: conn.create_function("f", -2, len),
        lambda: conn.create_function("f", 128, len),
        lambda: conn.create_function("f" * 256, 1, len),
        lambda: conn.create_function(None, 1, len),
        lambda: conn.create_function("f", 1.5, len),
        lambda: conn.create_function("f\x00", 1, len),
        lambda: conn.create_function("\udc80", 1, len),
        lambda: conn.create_aggregate("a", 128, Sum),
        lambda: conn.create_aggregate(3, 1, Sum),
        lambda: conn.create_window_function("w", 128, WinSum),
        lambda: conn.create_window_function(None, 1, WinSum),
        lambda: conn.create_collation(None, len),
        lambda: conn.create_collation("c", 42),
        lambda: conn.create_collation("\udc80", len),
        lambda: conn.create_function("f" * 255, 127, len),
        lambda: conn.create_collation("x" * 300, len),
    ]
    for attempt in attempts:
        try:
            out.append(("ok", attempt()))
        except Exception as exc:  # noqa: BLE001
            out.append((type(exc).__name__, str(exc)))
    return tuple(out)


def _tracebacks(sql):
    """What sys.unraisablehook gets with callback tracebacks on: (type, object name)."""
    def step(conn, module):
        seen = []
        previous = sys.unraisablehook
        sys.unraisablehook = lambda u: seen.append(
            (u.exc_type.__name__, getattr(u.object, "__name__", repr(u.object)), u.err_msg))
        module.enable_callback_tracebacks(True)
        try:
            conn.execute(sql).fetchall()
            error = None
        except Exception as exc:  # noqa: BLE001
            error = (type(exc).__name__, str(exc))
        finally:
            module.enable_callback_tracebacks(False)
            sys.unraisablehook = previous
        return _t((error, seen))
    return step


def _collations(conn, module):
    conn.create_collation("rev", lambda a, b: -((a > b) - (a < b)))
    conn.create_collation("Len", lambda a, b: len(a) - len(b))
    conn.create_collation("big", lambda a, b: ((a > b) - (a < b)) * 2**70)
    conn.create_collation("half", lambda a, b: 0.5)


def _collation_raises(conn, module):
    def boom(a, b):
        raise KeyError("collation")
    conn.create_collation("boom", boom)
    try:
        conn.execute("SELECT word FROM words ORDER BY word COLLATE boom").fetchall()
    except KeyError as exc:
        return ("KeyError", str(exc))
    return None


def _text_factory(conn, module):
    conn.text_factory = bytes
    try:
        return _t(conn.execute("SELECT upper2(s), s FROM v ORDER BY id").fetchall())
    finally:
        conn.text_factory = str


def _side_effects(conn, module):
    conn.execute("CREATE TABLE log (v)")
    conn.create_function("dup", 1, lambda v: conn.execute("INSERT INTO log VALUES (?)", (v,))
                         and None)
    conn.execute("SELECT dup(y) FROM w ORDER BY x").fetchall()
    return _t(conn.execute("SELECT v FROM log ORDER BY v").fetchall())


def _script_steps(conn, module):
    seen = []
    conn.create_function("seen", 1, seen.append)
    conn.executescript("SELECT seen(y) FROM w ORDER BY x; SELECT seen(x) FROM w ORDER BY x;")
    return tuple(seen)


def _row_factory(conn, module):
    conn.row_factory = module.Row
    try:
        row = conn.execute("SELECT twice(y) AS t2, x FROM w ORDER BY x").fetchone()
        return _t((row.keys(), tuple(row)))
    finally:
        conn.row_factory = None


CASES = [
    Case("udf_scalar_argument_types", [
        VALUES, FILL_VALUES,
        _register(ident=(1, lambda v: v), typ=(1, _typename), nargs=(-1, lambda *a: len(a))),
        "SELECT id, ident(i), ident(r), ident(s), ident(b), ident(n) FROM v ORDER BY id",
        "SELECT typ(i), typ(r), typ(s), typ(b), typ(n), typ(id) FROM v ORDER BY id",
        ("SELECT ident(?), typ(?), ident(?), typ(?)", (2**62 + 1, 3.25, b"", "x")),
        ("SELECT ident(?), typ(?), nargs(?, ?, ?), nargs()", (None, float("inf"), 1, 2, 3)),
        ("SELECT ident(:a), typ(:b), ident(:a)", {"a": "ünï", "b": bytearray(b"ab")}),
        "SELECT ident(x''), typ(x''), ident(X'00ff'), ident(1.0), typ(1.0), ident(-5)",
        ("SELECT typ(?)", (memoryview(b"mv"),)),
        ("SELECT ident(?)", (float("nan"),)),
    ], messages=True),
    Case("udf_scalar_return_types", [
        _register(r_true=(0, _returning(True)), r_max=(0, _returning(2**63 - 1)),
                  r_min=(0, _returning(-(2**63))), r_float=(0, _returning(2.0)),
                  r_nan=(0, _returning(float("nan"))), r_inf=(0, _returning(float("-inf"))),
                  r_empty=(0, _returning("")), r_text=(0, _returning("a\x00ü")),
                  r_blob=(0, _returning(b"")), r_bytearray=(0, _returning(bytearray(b"ba"))),
                  r_memoryview=(0, _returning(memoryview(b"mv"))), r_none=(0, _returning(None)),
                  r_intsub=(0, _returning(_IntSub(7))), r_strsub=(0, _returning(_StrSub("s")))),
        "SELECT r_true(), r_max(), r_min(), r_float(), r_nan(), r_inf()",
        "SELECT r_empty(), r_text(), r_blob(), r_bytearray(), r_memoryview(), r_none()",
        "SELECT r_intsub(), r_strsub()",
    ]),
    Case("udf_scalar_errors", [
        "CREATE TABLE t (k INTEGER PRIMARY KEY, a)",
        "INSERT INTO t (a) VALUES (1), (0), (2)",
        _register(inv=(1, lambda v: 1 / v), mem=(0, lambda: _raise(MemoryError)),
                  over=(0, lambda: _raise(OverflowError)), big=(0, _returning(2**63)),
                  small=(0, _returning(-(2**63) - 1)), lst=(0, _returning([1])),
                  noncontig=(0, _returning(memoryview(b"abcd")[::2])),
                  surrogate=(0, _returning("\udc80")), two=(2, lambda a, b: a),
                  kbi=(0, lambda: _raise(KeyboardInterrupt))),
        _error_of("SELECT inv(a) FROM t ORDER BY k"),
        _error_of("SELECT mem()"),
        _error_of("SELECT over()"),
        _error_of("SELECT big()"),
        _error_of("SELECT small()"),
        _error_of("SELECT lst()"),
        _error_of("SELECT noncontig()"),
        _error_of("SELECT surrogate()"),
        _error_of("SELECT two(1)"),
        _error_of("SELECT kbi()"),
        _error_of("SELECT inv(a) OVER () FROM t"),
        _error_of("SELECT nosuch(1)"),
        lambda conn, module: conn.create_function("inv", 1, None),
        _error_of("SELECT inv(a) FROM t ORDER BY k"),
        _error_of("SELECT two(?, ?)", (1 << 65, 1)),
        _error_of("SELECT two(?, ?)", (memoryview(b"abcd")[::2], 1)),
        _error_of("SELECT two(?, ?)", ("\ud803", 1)),
    ], messages=True),
    Case("udf_registration_errors", [_register_errors]),
    Case("udf_builtin_override_and_case", [
        _register(upper=(1, lambda v: "U:" + v), MixedCase=(1, lambda v: v * 2)),
        "SELECT upper('x'), UPPER('y'), lower('Z')",
        "SELECT mixedcase(2), MIXEDCASE(3), MixedCase('a')",
    ], messages=True),
    Case("udf_result_names", [
        WIN, FILL_WIN,
        _register(twice=(1, lambda v: v * 2), zero=(0, lambda: 0)),
        "SELECT twice( y ), twice(y) AS doubled, x, zero() FROM w ORDER BY x",
        "SELECT twice(y) /* a comment */, w.x FROM w ORDER BY x LIMIT 2",
        "SELECT *, twice(y) FROM w ORDER BY x",
        "SELECT twice(count(*)), count(*) FROM w",
        "SELECT x, twice(sum(y)) AS s FROM w GROUP BY x ORDER BY x",
        _row_factory,
    ]),
    Case("udf_scalar_query_shapes", [
        WIN, FILL_WIN,
        _register(twice=(1, lambda v: v * 2), neg=(1, lambda v: -v), par=(1, lambda v: v % 2)),
        ("SELECT x, twice(y) FROM w WHERE y > ? ORDER BY x LIMIT ? OFFSET ?", (1, 3, 1)),
        "SELECT DISTINCT par(y) FROM w ORDER BY 1",
        "SELECT neg(y) AS n, x FROM w ORDER BY n",
        "SELECT neg(y), x FROM w ORDER BY 1 DESC, 2 LIMIT 4",
        "SELECT x, neg(y) FROM w ORDER BY neg(y), x",
        "SELECT twice(y) FROM w ORDER BY y LIMIT 2",
        ("SELECT neg(y) AS n FROM w ORDER BY n LIMIT ?", (3,)),
        "SELECT twice(x) FROM (SELECT 'ab' AS x UNION ALL SELECT 'c')",
        "SELECT twice(y) FROM w WHERE 0",
    ]),
    Case("udf_text_factory", [
        VALUES, FILL_VALUES,
        _register(upper2=(1, lambda v: v.upper() if isinstance(v, str) else v)),
        _text_factory,
    ]),
    Case("udf_side_effects", [WIN, FILL_WIN, _side_effects, _script_steps]),
    Case("udf_aggregate", [
        WIN, FILL_WIN, VALUES, FILL_VALUES, _aggregates,
        "SELECT mysum(y) FROM w",
        "SELECT mysum(y), cat(x, y) AS c FROM w WHERE y > 3",
        "SELECT mysum(y) FROM w WHERE 0",
        "SELECT cat(x) FROM w WHERE 0",
        ("SELECT mysum(y), cat(?, ?) FROM w", (1, "p")),
        "SELECT cat(i, r, s, b, n) FROM v",
        "SELECT winsum(y) FROM w",
        "SELECT mysum(y) FROM w LIMIT 0",
        "SELECT DISTINCT mysum(y) FROM w",
        "SELECT cat() FROM w",
        _error_of("SELECT mysum(y) OVER () FROM w"),
        _error_of("SELECT mysum(y, y) FROM w"),
    ], messages=True),
    Case("udf_aggregate_errors", [
        WIN, FILL_WIN,
        lambda conn, module: [conn.create_aggregate(f"bad_{m}", 1, _broken(m))
                              for m in ("__init__", "step", "finalize")] and None,
        lambda conn, module: [conn.create_aggregate(f"no_{m}", 1, _broken(m, None))
                              for m in ("step", "finalize")] and None,
        lambda conn, module: conn.create_aggregate("attr_step", 1, _broken("step", AttributeError)),
        lambda conn, module: conn.create_aggregate("attr_fin", 1,
                                                   _broken("finalize", AttributeError)),
        lambda conn, module: conn.create_aggregate("none_agg", 1, None),
        _error_of("SELECT bad___init__(y) FROM w"),
        _error_of("SELECT bad_step(y) FROM w"),
        _error_of("SELECT bad_finalize(y) FROM w"),
        _error_of("SELECT no_step(y) FROM w"),
        _error_of("SELECT no_finalize(y) FROM w"),
        _error_of("SELECT attr_step(y) FROM w"),
        _error_of("SELECT attr_fin(y) FROM w"),
        _error_of("SELECT none_agg(y) FROM w"),
        _error_of("SELECT bad_step(y) FROM w WHERE 0"),
    ], messages=True),
    Case("udf_window", [
        WIN, FILL_WIN, _aggregates,
        f"SELECT x, winsum(y) OVER (ORDER BY x {AROUND}) AS s FROM w ORDER BY x",
        "SELECT x, winsum(y) OVER (ORDER BY y) FROM w ORDER BY x",
        "SELECT x, winsum(y) OVER (ORDER BY y DESC, x ROWS UNBOUNDED PRECEDING) FROM w ORDER BY x",
        "SELECT x, winsum(y) OVER () FROM w ORDER BY x",
        "SELECT x, winsum(y) OVER (PARTITION BY y % 2 ORDER BY x) FROM w ORDER BY x",
        f"SELECT x, winsum(y) OVER (ORDER BY x {REST}) FROM w ORDER BY x",
        f"SELECT x, winsum(y) OVER (ORDER BY x {AHEAD}) FROM w ORDER BY x",
        f"SELECT x, winsum(y) OVER (ORDER BY x {PEERS_ON}) FROM w ORDER BY x",
        f"SELECT x, winsum(y) OVER win FROM w WINDOW win AS (ORDER BY x {BACK_1}) ORDER BY x",
        (f"SELECT x, winsum(y) OVER (ORDER BY x {BACK_N}) FROM w ORDER BY x LIMIT ?", (2, 4)),
        "SELECT DISTINCT winsum(y) OVER (ORDER BY y % 2) FROM w ORDER BY 1",
        "SELECT x, winsum(y) OVER (ORDER BY x ROWS 1 PRECEDING) AS s FROM w ORDER BY s DESC, x",
        "SELECT winsum(y) OVER () FROM w WHERE 0",
        _call_log(f"SELECT x, winsum(y) OVER (ORDER BY x {AROUND}) FROM w ORDER BY x"),
        _call_log("SELECT x, winsum(y) OVER (PARTITION BY y > 3 ORDER BY y) FROM w ORDER BY x"),
    ]),
    Case("udf_window_errors", [
        WIN, FILL_WIN,
        lambda conn, module: [conn.create_window_function(f"bad_{m}", 1, _broken(m))
                              for m in ("__init__", "step", "inverse", "value")] and None,
        lambda conn, module: [conn.create_window_function(f"no_{m}", 1, _broken(m, None))
                              for m in ("step", "inverse", "value", "finalize")] and None,
        lambda conn, module: conn.create_window_function("fin", 1, _broken("finalize")),
        lambda conn, module: conn.create_window_function("large", 1, type(
            "Large", (WinSum,), {"value": lambda self: 2**64})),
        lambda conn, module: conn.create_window_function("bad_type", 1, type(
            "BadType", (WinSum,), {"value": lambda self: [1]})),
        *[_error_of(f"SELECT x, {name}(y) OVER (ORDER BY x {AROUND}) FROM w ORDER BY x")
          for name in ("bad___init__", "bad_step", "bad_inverse", "bad_value", "no_step",
                       "no_inverse", "no_value", "no_finalize", "fin", "large", "bad_type")],
        _error_of("SELECT x, bad_step(y) OVER () FROM w WHERE 0"),
    ], messages=True),
    Case("udf_collation_order_by", [
        WORDS, FILL_WORDS, _collations,
        "SELECT word FROM words ORDER BY word COLLATE rev",
        "SELECT word FROM words ORDER BY word COLLATE REV DESC",
        "SELECT word, k FROM words ORDER BY word COLLATE len, k",
        "SELECT word FROM words ORDER BY word COLLATE \"big\"",
        "SELECT word FROM words ORDER BY word COLLATE half, k",
        "SELECT word FROM words ORDER BY word COLLATE rev LIMIT 3 OFFSET 2",
        ("SELECT word FROM words ORDER BY word COLLATE rev LIMIT ?", (4,)),
        "SELECT word AS w2 FROM words WHERE k > 2 ORDER BY w2 COLLATE rev NULLS LAST",
        "SELECT k FROM words ORDER BY word COLLATE rev, k",
        "SELECT word FROM words ORDER BY 1 COLLATE rev",
        "SELECT x FROM (SELECT 'a' AS x UNION SELECT 'b' UNION SELECT 'c') ORDER BY x COLLATE rev",
        "SELECT 'a' AS x UNION SELECT 'b' AS x ORDER BY x COLLATE rev",
        "SELECT word FROM words ORDER BY word COLLATE nocase, word COLLATE rev",
        lambda conn, module: conn.create_collation("rev", None),
        _error_of("SELECT word FROM words ORDER BY word COLLATE rev"),
        _error_of("SELECT word FROM words ORDER BY word COLLATE never_registered"),
        _collation_raises,
    ], messages=True),
    Case("udf_callback_tracebacks", [
        WIN, FILL_WIN,
        _register(boom=(0, lambda: 1 / 0), big=(0, _returning(2**64))),
        lambda conn, module: conn.create_aggregate("bad_step", 1, _broken("step")),
        lambda conn, module: conn.create_window_function("bad_fin", 1, _broken("finalize")),
        _tracebacks("SELECT boom()"),
        _tracebacks("SELECT big()"),
        _tracebacks("SELECT bad_step(y) FROM w"),
        _tracebacks("SELECT x, bad_fin(y) OVER (ORDER BY x) FROM w ORDER BY x"),
    ]),
    Case("udf_partial_index", [
        "CREATE TABLE t (a, b)",
        lambda conn, module: conn.create_function("nondet", 1, lambda v: v),
        lambda conn, module: conn.create_function("det", 1, lambda v: v, deterministic=True),
        _error_of("CREATE INDEX i1 ON t (a) WHERE nondet(b) IS NOT NULL"),
        _error_of("CREATE INDEX i2 ON t (a) WHERE det(b) IS NOT NULL"),
        "INSERT INTO t VALUES (1, 2)",
        "SELECT a, b FROM t",
    ], messages=True),
]


def _raise(error):
    raise error
