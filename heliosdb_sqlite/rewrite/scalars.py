"""SQLite's core scalar functions that the engine lacks or computes differently (issue #3).

A call whose arguments are all constants is computed by SQLite itself at translate time (the
statement is cached, so this happens once); otherwise each builder below writes the SQLite rule
as an engine expression for the target dialect, using only functions both Nano 4.31 and
PostgreSQL 16 have unless it says otherwise. Nano has no chr(), ascii(), to_hex(), strpos() the
REPL transport keeps, or a random(): its random() is a clock. split_part() stands in for a
character lookup, and gen_random_uuid() (v4: random hex digits) for randomness.
"""
from __future__ import annotations

import math
import sqlite3
import threading
from collections.abc import Callable

from sqlglot import exp

from ..engine import unicode_body
from ..exceptions import NotSupportedError, make_error
from .datetime import _pg

E = exp.Expression
Builder = Callable[[list[E]], E]

_sqlite = sqlite3.connect(":memory:", check_same_thread=False)
_sqlite_lock = threading.Lock()


# -- building blocks ---------------------------------------------------------------------------

def unsupported(what: str) -> NotSupportedError:
    return make_error(NotSupportedError, f"{what} is not supported by heliosdb_sqlite")


def lit(value) -> E:
    """An engine literal for a Python value as SQLite returns it."""
    if value is None:
        return exp.Null()
    if isinstance(value, (bool, int)):
        return exp.Literal.number(int(value))
    if isinstance(value, float):
        return cast(exp.Literal.number(repr(value)), "DOUBLE PRECISION")
    if isinstance(value, bytes):
        return cast(exp.Literal.string("\\x" + value.hex()), "BYTEA")
    if value.isprintable() and value.isascii():
        return exp.Literal.string(value)
    return exp.UnicodeString(this=unicode_body(value))


def fn(name: str, *args: E) -> E:
    return exp.Anonymous(this=name, expressions=list(args))


def cast(x: E, to: str) -> E:
    return exp.Cast(this=x, to=exp.DataType.build(to))


def text(x: E) -> E:
    return cast(x.copy(), "TEXT")


def case(pairs: list[tuple[E, E]], default: E | None = None) -> E:
    return exp.Case(ifs=[exp.If(this=c, true=v) for c, v in pairs], default=default)


def concat(*parts: E) -> E:
    out = parts[0]
    for part in parts[1:]:
        out = exp.DPipe(this=out, expression=part)
    return out


def is_null(x: E) -> E:
    return exp.Is(this=x.copy(), expression=exp.Null())


def type_is(x: E, *names: str) -> E:
    """The engine's type of X is one of NAMES (pg_typeof as text)."""
    name = cast(fn("pg_typeof", x.copy()), "TEXT")
    return exp.In(this=name, expressions=[exp.Literal.string(n) for n in names])


INTEGER_TYPES = ("bigint", "integer", "smallint", "boolean")
REAL_TYPES = ("double precision", "real", "numeric")


def failure(message: str, to: str = "BIGINT") -> E:
    """A value that fails the statement at run time with MESSAGE (the engine cannot convert it)."""
    return cast(exp.Literal.string(f"heliosdb_sqlite does not support {message}"), to)


def constant_value(node: E):
    """(True, value) for a literal SQLite would read as that value, else (False, None)."""
    if isinstance(node, exp.Null):
        return True, None
    if isinstance(node, exp.Paren):
        return constant_value(node.this)
    if isinstance(node, exp.Neg):
        ok, value = constant_value(node.this)
        return (True, -value) if ok and isinstance(value, (int, float)) else (False, None)
    if isinstance(node, exp.HexString):
        return True, bytes.fromhex(node.this)
    if isinstance(node, exp.Literal):
        if node.is_string:
            return True, node.this
        body = node.this
        if body.lower().startswith("0x"):
            return True, int(body, 16)
        return True, float(body) if any(c in body for c in ".eE") else int(body)
    return False, None


def folded(name: str, build: Builder | None = None) -> Builder:
    """A builder that computes a call of constants with SQLite, and BUILD otherwise."""
    def builder(args: list[E]) -> E:
        values = [constant_value(a) for a in args]
        if all(ok for ok, _ in values):
            params = tuple(v for _, v in values)
            marks = ", ".join("?" * len(params))
            with _sqlite_lock:
                try:
                    result = _sqlite.execute(f"SELECT {name}({marks})", params).fetchone()[0]
                except sqlite3.Error:
                    result = _fold_failed
            if result is not _fold_failed and not (isinstance(result, float)
                                                   and not math.isfinite(result)):
                return lit(result)
        if build is None:
            raise unsupported(f"{name}() with a non-constant argument")
        return build(args)
    return builder


_fold_failed = object()


# -- SQLite's text of a value ---------------------------------------------------------------------

def real_text(x: E) -> E:
    """A real as SQLite writes it (%!.15g). The engine's shortest round-trip text is the same for
    a value of up to 15 significant digits in [1e-4, 1e15), once an integral value gets SQLite's
    '.0'; a value needing more digits shows them (documented). Outside that range the statement
    fails rather than print a different text."""
    as_real = cast(x.copy(), "DOUBLE PRECISION")
    magnitude = fn("abs", as_real.copy())
    integral = exp.EQ(this=as_real.copy(), expression=fn("trunc", as_real.copy()))
    return case([
        (exp.EQ(this=as_real.copy(), expression=exp.Literal.number(0)), exp.Literal.string("0.0")),
        (exp.Or(this=exp.GTE(this=magnitude, expression=exp.Literal.number("1e15")),
                expression=exp.LT(this=magnitude.copy(), expression=exp.Literal.number("1e-4"))),
         failure("this real's text (beyond 1e15 or below 1e-4)", "TEXT")),
        (integral, concat(text(cast(as_real.copy(), "BIGINT")), exp.Literal.string(".0"))),
    ], text(as_real))


def value_text(x: E) -> E:
    """Any value's text as SQLite converts it (NULL stays NULL)."""
    return case([(type_is(x, *REAL_TYPES), real_text(x))], text(x))


# -- the functions ------------------------------------------------------------------------------

def _quote(args: list[E]) -> E:
    """quote(X): an SQL literal for X: NULL, an integer or real as text, a blob as X'..', text
    in single quotes with quotes doubled."""
    x = args[0]
    quoted = concat(exp.Literal.string("'"), fn("replace", text(x), exp.Literal.string("'"),
                                                 exp.Literal.string("''")),
                    exp.Literal.string("'"))
    return case([
        (is_null(x), exp.Literal.string("NULL")),
        (type_is(x, *INTEGER_TYPES), text(x)),
        (type_is(x, *REAL_TYPES), real_text(x)),
        # a blob's text is its '\\x..' form in both engines (a cast to bytea of a column of
        # another type would be refused by PostgreSQL even in a branch never taken)
        (type_is(x, "bytea"), concat(exp.Literal.string("X'"), exp.Upper(this=fn(
            "substr", text(x), exp.Literal.number(3))), exp.Literal.string("'"))),
    ], quoted)


def _char(args: list[E]) -> E:
    """char(X1, ..., XN): the characters of those code points (PostgreSQL's chr(); Nano has
    none, so there only constant arguments, computed by SQLite)."""
    if not args:
        return exp.Literal.string("")
    if not _pg():
        raise unsupported("char() with a non-constant argument on HeliosDB Nano")
    return concat(*[fn("chr", cast(fn("coalesce", a.copy(), exp.Literal.number(0)), "INTEGER"))
                    for a in args])


_ASCII = "".join(chr(i) for i in range(1, 128))


def _unicode(args: list[E]) -> E:
    """unicode(X): the code point of X's first character, NULL for ''. PostgreSQL's ascii() is
    that in UTF-8; on Nano the position of the character among ASCII's (split_part: its strpos
    is rewritten by the REPL transport's parser), and a run-time failure beyond ASCII."""
    x = text(args[0])
    empty = exp.EQ(this=x.copy(), expression=exp.Literal.string(""))
    if _pg():
        return case([(empty, exp.Null())], fn("ascii", x))
    before = fn("length", fn("split_part", exp.UnicodeString(this=unicode_body(_ASCII)),
                             fn("substr", x.copy(), exp.Literal.number(1), exp.Literal.number(1)),
                             exp.Literal.number(1)))
    return case([
        (exp.Or(this=is_null(x), expression=empty), exp.Null()),
        (exp.LT(this=before, expression=exp.Literal.number(len(_ASCII))),
         exp.Add(this=before.copy(), expression=exp.Literal.number(1))),
    ], failure("unicode() of a non-ASCII character on HeliosDB Nano", "INTEGER"))


def _uuid_hex() -> E:
    return text(fn("gen_random_uuid"))


def _random_hex_digits(count: int) -> E:
    """COUNT random hex digits: 24 per v4 UUID (its time_low, time_mid and node fields; the
    version and variant digits are not random)."""
    parts = []
    for _ in range((count + 23) // 24):
        u = _uuid_hex()
        parts.append(concat(fn("substr", u, exp.Literal.number(1), exp.Literal.number(8)),
                            fn("substr", u.copy(), exp.Literal.number(10), exp.Literal.number(4)),
                            fn("substr", u.copy(), exp.Literal.number(25), exp.Literal.number(12))))
    return fn("substr", concat(*parts), exp.Literal.number(1), exp.Literal.number(count))


def _randomblob(args: list[E]) -> E:
    """randomblob(N): N random bytes (one for N < 1)."""
    ok, n = constant_value(args[0])
    if ok:
        size = max(int(n) if isinstance(n, (int, float)) else 0, 1)
        return cast(concat(exp.Literal.string("\\x"), _random_hex_digits(2 * size)), "BYTEA")
    if not _pg():
        raise unsupported("randomblob() with a non-constant size on HeliosDB Nano")
    size = fn("greatest", cast(args[0].copy(), "BIGINT"), exp.Literal.number(1))
    byte = fn("lpad", fn("to_hex", cast(exp.Mul(this=fn("random"), expression=exp.Literal.number(
        256)), "INTEGER")), exp.Literal.number(2), exp.Literal.string("0"))
    hexes = exp.select(fn("string_agg", byte, exp.Literal.string(""))).from_(
        exp.Table(this=fn("generate_series", exp.Literal.number(1), size)))
    return fn("decode", exp.Subquery(this=hexes), exp.Literal.string("hex"))


def _random(args: list[E]) -> E:
    """random(): a random 64-bit signed integer."""
    if _pg():
        scaled = exp.Sub(this=exp.Mul(this=fn("random"), expression=cast(
            exp.Literal.number("18446744073709551616"), "DOUBLE PRECISION")),
            expression=cast(exp.Literal.number("9223372036854775808"), "DOUBLE PRECISION"))
        return cast(fn("floor", scaled), "BIGINT")
    # Nano's random() is a clock: 16 hex digits, each from its own UUID (so a digit cannot be
    # read twice), the first shifted to -8..7 to give the sign
    digits = [fn("length", fn("split_part", exp.Literal.string("0123456789abcdef"),
                               fn("substr", _uuid_hex(), exp.Literal.number(1),
                                  exp.Literal.number(1)), exp.Literal.number(1)))
              for _ in range(16)]
    total: E = exp.Mul(this=exp.Paren(this=exp.Sub(this=cast(digits[0], "BIGINT"),
                                                   expression=exp.Literal.number(8))),
                       expression=exp.Literal.number(16 ** 15))
    for i, digit in enumerate(digits[1:], start=1):
        total = exp.Add(this=total, expression=exp.Mul(this=cast(digit, "BIGINT"),
                                                       expression=exp.Literal.number(16 ** (15 - i))))
    return total


def _instr(args: list[E]) -> E:
    """instr(X, Y): 1 + the characters of X before the first Y, 0 if none, 1 for an empty Y.
    Written with split_part(): the REPL transport's parser turns strpos() into POSITION(), which
    Nano lacks."""
    x, y = text(args[0]), text(args[1])
    before = fn("split_part", x, y, exp.Literal.number(1))
    return case([
        (exp.Or(this=is_null(x), expression=is_null(y)), exp.Null()),
        (exp.EQ(this=y.copy(), expression=exp.Literal.string("")),
         exp.Literal.number(1)),
        (exp.EQ(this=fn("length", before.copy()), expression=fn("length", x.copy())),
         case([(exp.EQ(this=x.copy(), expression=y.copy()), exp.Literal.number(1))],
              exp.Literal.number(0))),
    ], exp.Add(this=fn("length", before.copy()), expression=exp.Literal.number(1)))


def _substr(args: list[E]) -> E:
    """substr(X, P[, N]): the characters [s, s+N) of X, 0-based, clipped to X, where s is P-1
    for P > 0, P+len(X) for P < 0 (counting from the end) and -1 for P = 0; a negative N takes
    [s+N, s) instead, and without N the rest of X."""
    x = text(args[0])
    p = cast(args[1].copy(), "BIGINT")
    size = fn("length", x.copy())
    zero, one = exp.Literal.number(0), exp.Literal.number(1)
    s = case([(exp.LT(this=p.copy(), expression=zero.copy()), exp.Add(this=p.copy(), expression=size)),
              (exp.GT(this=p.copy(), expression=zero.copy()), exp.Sub(this=p.copy(), expression=one.copy()))],
             exp.Literal.number(-1))
    if len(args) > 2:
        n = cast(args[2].copy(), "BIGINT")
        negative = exp.LT(this=n.copy(), expression=zero.copy())
        lo = case([(negative, exp.Add(this=s.copy(), expression=n.copy()))], s.copy())
        hi = case([(negative.copy(), s.copy())], exp.Add(this=s.copy(), expression=n.copy()))
    else:
        lo, hi = s, size.copy()
    first = fn("greatest", lo, zero.copy())
    last = fn("least", hi, size.copy())
    count = fn("greatest", exp.Sub(this=last, expression=first.copy()), zero.copy())
    taken = fn("substr", x.copy(), cast(exp.Add(this=first, expression=one.copy()), "INTEGER"),
               cast(count, "INTEGER"))
    # greatest() and least() skip NULLs: a NULL position or count is a NULL result
    return case([(exp.Or(this=is_null(p), expression=is_null(n)) if len(args) > 2 else is_null(p),
                  exp.Null())], taken)


SCALAR_FUNCTIONS: dict[str, Builder] = {
    "quote": folded("quote", _quote),
    "char": folded("char", _char),
    "chr": folded("char", _char),  # sqlglot reads char() as exp.Chr
    "unicode": folded("unicode", _unicode),
    "randomblob": _randomblob,
    "random": _random,
    "rand": _random,  # sqlglot reads random() as exp.Rand
    "str_position": folded("instr", _instr),  # instr() as read by sqlglot
    "substring": folded("substr", _substr),
    "substr": folded("substr", _substr),
}
