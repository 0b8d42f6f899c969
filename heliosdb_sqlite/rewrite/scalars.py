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
from collections.abc import Callable

from sqlglot import exp
from sqlglot.dialects.sqlite import SQLite
from sqlglot.parser import Parser
from sqlglot.tokens import TokenType

from ..engine import unicode_body
from ..exceptions import NotSupportedError, make_error
from .datetime import _pg
from .oracle import ask
from .params import folded_constant, needs_literal

E = exp.Expression
Builder = Callable[[list[E]], E]



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
TEXT_TYPES = ("text", "character varying", "character", "unknown")


def failure(message: str, to: str = "BIGINT", about: E | None = None) -> E:
    """A value that fails the statement at run time with MESSAGE (the engine cannot convert it
    to an integer), given the type TO for the expression it stands in. With ABOUT, the message
    ends with that value's text, and PostgreSQL cannot fail it while planning (it computes a
    cast of a constant then, even in a CASE branch never taken)."""
    said: E = exp.Literal.string(f"heliosdb_sqlite does not support {message}")
    if about is not None:
        said = concat(said, exp.Literal.string(": "), text(about))
    refused = cast(said, "BIGINT")
    return refused if to == "BIGINT" else cast(refused, to)


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
    return folded_constant(node)


def folded(name: str, build: Builder | None = None) -> Builder:
    """A builder that computes a call of constants with SQLite, and BUILD otherwise."""
    def builder(args: list[E]) -> E:
        values = [constant_value(a) for a in args]
        if all(ok for ok, _ in values):
            params = tuple(v for _, v in values)
            marks = ", ".join("?" * len(params))
            try:
                result = ask(f"SELECT {name}({marks})", params)
            except sqlite3.Error:
                result = _fold_failed
            if result is not _fold_failed and not (isinstance(result, float)
                                                   and not math.isfinite(result)):
                return lit(result)
        if build is None:
            raise needs_literal(args, f"{name}() with a non-constant argument")
        return build(args)
    return builder


_fold_failed = object()


# -- SQLite's text of a value ---------------------------------------------------------------------

def real_text(x: E) -> E:
    """A real as SQLite writes it (%!.15g). The engine's shortest round-trip text is the same for
    a value of up to 15 significant digits in [1e-4, 1e15), once an integral value gets SQLite's
    '.0'; a value needing more digits shows them (documented). Outside that range the statement
    fails rather than print a different text. The value is read through its text: PostgreSQL
    checks every CASE branch's casts against the column's type, and has no bytea-to-double cast
    (a double's text reads back as the same double)."""
    as_real = cast(text(x), "DOUBLE PRECISION")
    magnitude = fn("abs", as_real.copy())
    integral = exp.EQ(this=as_real.copy(), expression=fn("trunc", as_real.copy()))
    return case([
        (exp.EQ(this=as_real.copy(), expression=exp.Literal.number(0)), exp.Literal.string("0.0")),
        (exp.Or(this=exp.GTE(this=magnitude, expression=exp.Literal.number("1e15")),
                expression=exp.LT(this=magnitude.copy(), expression=exp.Literal.number("1e-4"))),
         failure("this real's text (beyond 1e15 or below 1e-4)", "TEXT", as_real)),
        (integral, concat(text(cast(as_real.copy(), "BIGINT")), exp.Literal.string(".0"))),
    ], text(as_real))


def decimal(x: E) -> E:
    """A double as the decimal its shortest round-trip text spells, as NUMERIC: where SQLite
    rounds a real "on its decimal text" (round(), printf's %f), the engines start from this
    exact decimal, never from their own binary rounding (Nano's round(1.005, 2) is 1.0)."""
    return cast(text(x), "NUMERIC")


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
        raise needs_literal(args, "char() with a non-constant argument on HeliosDB Nano")
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
        raise needs_literal(args, "randomblob() with a non-constant size on HeliosDB Nano")
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
    """instr(X, Y): 1 + the characters of X before the first Y, 0 if none, 1 for an empty Y:
    strpos() of their texts."""
    return fn("strpos", text(args[0]), text(args[1]))


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


# Rounding stops where a double has no fraction left (2**52), as SQLite's round() does.
_INTEGRAL = "4503599627370496"
_PLACES = 28


def _double(value: str) -> E:
    return cast(exp.Literal.number(value), "DOUBLE PRECISION")


def _round(args: list[E]) -> E:
    """round(X[, N]): X as a real rounded half away from zero to N decimal places (N below 0 is
    0, a NULL N gives NULL). To 0 places SQLite adds or subtracts 0.5 and drops the fraction, so
    that is what is computed, in doubles; to N places it rounds the decimal text of X: that
    text as NUMERIC, shifted N places, plus 0.5, truncated and shifted back (PostgreSQL has no
    round(double, n); Nano's, and its NUMERIC round(), round the binary value: 1.005 to 1.0).
    A negative X keeps its sign when it rounds to zero (round(-0.04, 1) is -0.0), except to 0
    places. Where the shifted value has no fraction left (past 1e17) X is returned as it is,
    and N stops at 28, Nano's NUMERIC digits (SQLite's: 30)."""
    x = cast(args[0].copy(), "DOUBLE PRECISION")
    zero = _double("0")
    negative = exp.LT(this=x.copy(), expression=zero.copy())
    whole = case([(negative, fn("trunc", exp.Sub(this=x.copy(), expression=_double("0.5"))))],
                 fn("trunc", exp.Add(this=x.copy(), expression=_double("0.5"))))
    # through BIGINT, as SQLite's (sqlite_int64) cast: -0.0 becomes 0.0
    rounded = cast(cast(whole, "BIGINT"), "DOUBLE PRECISION")
    if len(args) > 1:
        ok, n = constant_value(args[1])
        if ok and n is None:
            return cast(exp.Null(), "DOUBLE PRECISION")
        if ok and not isinstance(n, str):
            places = min(max(int(n), 0), _PLACES)
            if places:
                rounded = _round_places(x, _double(f"1e{places}"),
                                        cast(exp.Literal.number(10 ** places), "NUMERIC"))
        else:
            given = cast(fn("trunc", cast(args[1].copy(), "DOUBLE PRECISION")), "INTEGER")
            k = fn("greatest", fn("least", given, exp.Literal.number(_PLACES)),
                   exp.Literal.number(0))
            power = fn("power", _double("10"), k)
            scaled = _round_places(x, power, cast(cast(power.copy(), "BIGINT"), "NUMERIC"))
            rounded = case([(is_null(args[1]), exp.Null()),
                            (exp.EQ(this=k.copy(), expression=exp.Literal.number(0)), rounded)],
                           scaled)
    limit = _double(_INTEGRAL)
    return case([(exp.Or(this=exp.GT(this=x.copy(), expression=limit),
                         expression=exp.LT(this=x.copy(), expression=exp.Neg(this=limit.copy()))),
                  x.copy())], rounded)


def _round_places(x: E, scale: E, exact_scale: E) -> E:
    """X rounded to the places SCALE (10**N, a double) and EXACT_SCALE (the same, NUMERIC)
    stand for; see _round."""
    magnitude = fn("abs", x.copy())
    shifted = exp.Mul(this=magnitude, expression=scale)
    shifted_decimal = exp.Mul(this=decimal(fn("abs", x.copy())), expression=exact_scale.copy())
    back = cast(exp.Div(this=fn("trunc", exp.Add(this=shifted_decimal, expression=cast(
        exp.Literal.number("0.5"), "NUMERIC"))), expression=exact_scale.copy()),
        "DOUBLE PRECISION")
    negative = exp.LT(this=x.copy(), expression=_double("0"))
    return case([
        (exp.GTE(this=shifted, expression=_double("1e17")), x.copy()),
        (exp.LT(this=shifted.copy(), expression=_double("0.4")),
         case([(negative, exp.Neg(this=_double("0")))], _double("0"))),
        (negative.copy(), exp.Neg(this=back.copy())),
    ], back)


def _length(args: list[E]) -> E:
    """length(X): characters of a text, bytes of a blob, and of a number the characters of its
    SQLite text (length(1.0) is 3: '1.0'). A blob is read back from its '\\x..' text, a cast
    both engines accept whatever the column's type."""
    x = args[0]
    return case([
        (type_is(x, "bytea"), fn("length", cast(text(x), "BYTEA"))),
        (type_is(x, *REAL_TYPES), fn("length", real_text(x))),
    ], fn("length", text(x)))


def _abs(args: list[E]) -> E:
    """abs(X): the engine's abs() for a number (an integer stays one); a constant of another
    type is computed by SQLite (abs('-2') is 2.0, abs('a') 0.0)."""
    return exp.Abs(this=args[0].copy())


def _trim(name: str) -> Builder:
    """trim/ltrim/rtrim(X[, Y]): X's text without the characters of Y (spaces without Y) at
    both ends, the start or the end: the engines' btrim/ltrim/rtrim (Nano has no TRIM(.. FROM ..))."""
    def build(args: list[E]) -> E:
        return fn(name, value_text(args[0]), *[text(a) for a in args[1:]])
    return build


def _sign(args: list[E]) -> E:
    """sign(X): -1, 0 or +1, an integer whatever X's type (PostgreSQL's follows its argument)."""
    return cast(fn("sign", cast(args[0].copy(), "DOUBLE PRECISION")), "BIGINT")


def _group_concat(args: list[E]) -> E:
    """group_concat(X[, SEP]): each value joined as its SQLite text (a real 3.0 as '3.0')."""
    value, rest = args[0].copy(), args[1:]
    holder = value.this if isinstance(value, exp.Order) else None
    target = holder if holder is not None else value
    items = target.expressions if isinstance(target, exp.Distinct) else [target]
    for item in list(items):
        replacement = value_text(item)
        if item is value:
            value = replacement
        else:
            item.replace(replacement)
    return exp.GroupConcat(this=value, separator=rest[0].copy() if rest else None)


def integer_sums(tree: E, catalog) -> None:
    """sum() of integers is an integer in SQLite; PostgreSQL's sum(bigint) is NUMERIC. A sum
    whose argument is built only of INTEGER-affinity columns and integer literals (+, -, *) is
    cast back to BIGINT (an overflow fails there, as SQLite's does)."""
    kinds: dict[str, set[bool]] = {}
    for table in tree.find_all(exp.Table):
        info = catalog.relation(table.name)
        for column in info.columns if info is not None else ():
            kinds.setdefault(column.name.lower(), set()).add("INT" in column.decltype.upper())

    def integral(node: E) -> bool:
        if isinstance(node, exp.Paren):
            return integral(node.this)
        if isinstance(node, exp.Neg):
            return integral(node.this)
        if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
            return integral(node.this) and integral(node.expression)
        if isinstance(node, exp.Literal):
            return not node.is_string and node.this.isdigit()
        if isinstance(node, exp.Column):
            return kinds.get(node.name.lower()) == {True}
        return False

    for node in list(tree.find_all(exp.Sum)):
        value = node.this.expressions[0] if isinstance(node.this, exp.Distinct) else node.this
        if integral(value) and not isinstance(node.parent, exp.Cast):
            node.replace(cast(node.copy(), "BIGINT"))



def _parse_char(parser: Parser) -> E:
    """SQLite's char() takes no arguments too (it is ''); sqlglot's reader of CHAR(...) requires
    one, so an empty call is read as a plain call, which the `char` builder computes."""
    if parser._curr is not None and parser._curr.token_type == TokenType.R_PAREN:
        return exp.Anonymous(this="char", expressions=[])
    return _read_char(parser)


_read_char = SQLite.Parser.FUNCTION_PARSERS["CHAR"]
# SQLite's reader only, and a copy: sqlglot's base parser keeps its table
SQLite.Parser.FUNCTION_PARSERS = {**SQLite.Parser.FUNCTION_PARSERS, "CHAR": _parse_char}

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
    "round": folded("round", _round),
    "length": folded("length", _length),
    "abs": folded("abs", _abs),
    "trim": folded("trim", _trim("btrim")),
    "ltrim": folded("ltrim", _trim("ltrim")),
    "rtrim": folded("rtrim", _trim("rtrim")),
    "group_concat": _group_concat,
    "sign": folded("sign", _sign),
}
