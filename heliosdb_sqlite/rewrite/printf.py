"""SQLite's printf() / format(): a literal format string becomes engine text operations.

A call whose arguments are all constants is computed by SQLite (scalars.folded). Otherwise the
format is parsed here as SQLite's printf.c reads it (flags `-+ 0#,!`, width, precision, `*`, the
`l`/`ll` size prefixes) and each conversion becomes an expression over its argument. SQLite
reads a NULL or missing argument as 0, 0.0 or ''. %f is SQLite 3.40's digit loop written as
decimal arithmetic on the value's exact decimal text (see _fixed); %e/%E/%g/%G are its exponent
loop on the same decimal, bounded both ways (see _scientific); %x/%X/%o are the 64-bit two's
complement digits, one integer division per digit (see _radix). A numeric argument is read once
around the conversion (see _read). The `!` flag (SQLite's long double digits past the 16th) and
%e/%g past 16 significant digits raise NotSupportedError naming printf and the specifier.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_FLOOR, Context, Decimal

from sqlglot import exp

from .datetime import _pg
from .oracle import ask
from .params import needs_literal
from .scalars import (
    INTEGER_TYPES,
    TEXT_TYPES,
    E,
    case,
    cast,
    concat,
    constant_value,
    decimal,
    failure,
    fn,
    folded,
    is_null,
    lit,
    text,
    type_is,
    unsupported,
    value_text,
)

_SPEC = re.compile(r"%([-+ 0#,!]*)(\*|\d+)?(?:\.(\*|\d+)?)?(l{0,2})(.?)", re.DOTALL)


@dataclass
class Spec:
    flags: str
    width: int | None
    precision: int | None
    kind: str
    source: str


def _number_argument(args: list[E], index: int, spec: str) -> int:
    """A `*` width or precision: only a constant can be honoured."""
    ok, value = constant_value(args[index]) if index < len(args) else (True, 0)
    if not ok:
        raise unsupported(f"printf() specifier {spec} with a non-constant '*'")
    return int(value or 0) if isinstance(value, (int, float)) or value is None else 0


def _pieces(fmt: str, args: list[E]) -> list[str | tuple[Spec, E | None]]:
    out: list[str | tuple[Spec, E | None]] = []
    pos = 0
    index = 0
    while True:
        at = fmt.find("%", pos)
        if at < 0:
            if pos < len(fmt):
                out.append(fmt[pos:])
            return out
        if at > pos:
            out.append(fmt[pos:at])
        m = _SPEC.match(fmt, at)
        flags, width, precision, _, kind = m.groups()
        source = m.group(0)
        pos = m.end()
        if kind == "":
            return out  # a lone '%' at the end prints nothing
        if width == "*":
            value = _number_argument(args, index, source)
            index += 1
            if value < 0:
                flags, value = flags + "-", -value
            width = str(value)
        if precision == "*":
            value = _number_argument(args, index, source)
            index += 1
            precision = str(value) if value >= 0 else None
        spec = Spec(flags, int(width) if width else None,
                    int(precision) if precision is not None and precision != "" else (
                        0 if "." in source and precision is None and kind != "%" else None),
                    kind, source)
        if kind == "%":
            out.append((spec, None))
            continue
        arg = args[index] if index < len(args) else None
        index += 1
        out.append((spec, arg))


def _pad(value: E, width: int | None, left: bool, fill: str = " ") -> E:
    """VALUE padded with FILL to WIDTH characters (lpad/rpad cut a longer value: not here)."""
    if not width:
        return value
    padded = fn("rpad" if left else "lpad", value.copy(), exp.Literal.number(width),
                exp.Literal.string(fill))
    return case([(exp.GTE(this=fn("length", value.copy()), expression=exp.Literal.number(width)),
                  value)], padded)


def _integer(arg: E | None) -> E:
    """The argument as SQLite's printf reads an integer: a real truncated, NULL as 0 (on
    PostgreSQL; Nano reads it in _read)."""
    if arg is None:
        return exp.Literal.number(0)
    truncated = cast(fn("trunc", cast(text(arg), "DOUBLE PRECISION")), "BIGINT")
    return case([(is_null(arg), exp.Literal.number(0)),
                 (type_is(arg, *INTEGER_TYPES), cast(arg.copy(), "BIGINT")),
                 (type_is(arg, *TEXT_TYPES), _text_integer(arg))], truncated)


_INTEGER_PREFIX = r"^\s*[-+]?[0-9]+"


def _text_integer(arg: E) -> E:
    """A text read as an integer the way SQLite reads one: its leading integer ('12abc' is 12,
    ' -7.9' is -7), 0 when it does not start with one (PostgreSQL cuts the prefix with a
    regular expression)."""
    return cast(fn("coalesce", fn("substring", text(arg), exp.Literal.string(_INTEGER_PREFIX)),
                   exp.Literal.string("0")), "BIGINT")


def _zero(spec: Spec, value: int = 0) -> E:
    """SPEC's text of a 0 (or another constant) argument, as SQLite writes it."""
    precision = "" if spec.precision is None else f".{spec.precision}"
    own = f"%{spec.flags}{spec.width or ''}{precision}{spec.kind}"
    return lit(ask("SELECT printf(?, ?)", (own, value)))


def _read(spec: Spec, arg: E, build: Callable[[E], E]) -> E:
    """BUILD over the argument as SQLite's printf reads a number for SPEC: a double for %f,
    else a 64-bit integer (a real truncated); NULL as 0, a text by its leading number ('12.5abc'
    is 12.5, 'abc' 0).

    BUILD copies its value many times and the engines have no way to name a value inside an
    expression (Nano evaluates an outer column inside a scalar subquery as NULL), so the value
    it is given is a cast of the argument's text, never the test of its type: on Nano a text is
    matched by a regular expression (Nano compiles one at each evaluation, about 0.1 ms) once,
    in a CASE around BUILD. Nano has no regular expression that extracts, so there a text with
    characters after its number fails the statement naming it; PostgreSQL cuts the prefix."""
    real = spec.kind in "feEgG"
    if isinstance(arg, (exp.Predicate, exp.Connector, exp.Not, exp.Boolean)):
        # a comparison is SQLite's 1 or 0 (NULL read as 0); PostgreSQL casts no boolean to bigint
        return build(case([(arg.copy(), exp.Literal.number(1))], exp.Literal.number(0)))
    if _pg():
        return build(_real(arg) if real else _integer(arg))
    as_text = text(arg)
    prefix = _REAL_PREFIX if real else _INTEGER_PREFIX
    whole = prefix + (r"\s*$" if real else r"(\.[0-9]*)?\s*$")

    def matches(pattern: str) -> E:
        return exp.RegexpLike(this=as_text.copy(), expression=exp.Literal.string(pattern))
    # Nano plans an expression in time exponential in its nesting depth (x2 per level past
    # about 10), and BUILD nests its value several levels deep: the value is a cast of the
    # argument, NULL and booleans are answered by constants in the CASE around it. An integer
    # is a number cast (Nano truncates a double), or the digits of a text before any '.', exact
    # where a double would lose digits past 2**53: two BUILDs, as a CASE on the type inside
    # each copy of the value would be evaluated in each.
    # an integer flag, not a boolean CASE: the SQLite-to-engine transforms rewrite a boolean
    # CASE into a comparison with 0
    not_a_number = exp.EQ(this=case([(type_is(arg, *TEXT_TYPES), case(
        [(matches(whole), exp.Literal.number(0))], exp.Literal.number(1)))],
        exp.Literal.number(0)), expression=exp.Literal.number(1))
    from_text = case([(exp.Not(this=matches(prefix)), _zero(spec))],
                     failure(f"printf() %{spec.kind} of a text with characters after its number "
                             "on HeliosDB Nano", "TEXT", as_text))
    true = exp.EQ(this=text(arg), expression=exp.Literal.string("true"))
    cases = [(is_null(arg), _zero(spec)), (not_a_number, from_text),
             (type_is(arg, "boolean"), case([(true, _zero(spec, 1))], _zero(spec)))]
    if real:
        return case(cases, build(cast(arg.copy(), "DOUBLE PRECISION")))
    digits = fn("split_part", arg.copy(), exp.Literal.string("."), exp.Literal.number(1))
    cases.append((type_is(arg, *TEXT_TYPES), build(cast(digits, "BIGINT"))))
    return case(cases, build(cast(arg.copy(), "BIGINT")))


def _integer_conversion(spec: Spec, arg: E | None, of_constant: Callable[[int], E],
                        of_value: Callable[[E], E]) -> E:
    """An integer conversion's argument: missing (0), a constant (SQLite reads it now), or a
    value the engine reads (_read)."""
    if arg is None:
        return _zero(spec)
    ok, value = constant_value(arg)
    if ok:
        if isinstance(value, str):
            raise unsupported("printf() of a text constant as an integer alongside "
                              "non-constant arguments")
        return of_constant(int(value or 0))
    return _read(spec, arg, of_value)


def _decimal(spec: Spec, arg: E | None) -> E:
    """%d %i: sign, digits (at least `precision`), padded to `width` by spaces or zeros."""
    if "," in spec.flags:
        raise unsupported(f"printf() specifier {spec.source} (thousands separators) with a "
                          "non-constant argument")
    return _integer_conversion(spec, arg, lambda n: _decimal_of(spec, lit(n)),
                               lambda v: _decimal_of(spec, v))


def _decimal_of(spec: Spec, value: E) -> E:
    negative = exp.LT(this=value.copy(), expression=exp.Literal.number(0))
    plus = "+" if "+" in spec.flags else " " if " " in spec.flags else ""
    sign = case([(negative, exp.Literal.string("-"))], exp.Literal.string(plus))
    digits = fn("ltrim", text(value), exp.Literal.string("-"))  # abs() overflows on -2**63
    if spec.precision is not None:
        digits = _pad(digits, spec.precision, False, "0")
    return _signed(spec, sign, digits, integer=True)


def _string(spec: Spec, arg: E | None) -> E:
    """%s %z: the value's text (NULL as ''), cut to `precision`, padded to `width`."""
    if arg is None:
        return _pad(exp.Literal.string(""), spec.width, "-" in spec.flags)
    body = fn("coalesce", value_text(arg), exp.Literal.string(""))
    if spec.precision is not None:
        body = fn("substr", body, exp.Literal.number(1), exp.Literal.number(spec.precision))
    return _pad(body, spec.width, "-" in spec.flags)


def _char(spec: Spec, arg: E | None) -> E:
    """%c: the first character of the value's text, repeated `precision` times."""
    if arg is None:
        first: E = exp.Literal.string("")
    else:
        first = fn("substr", fn("coalesce", value_text(arg), exp.Literal.string("")),
                   exp.Literal.number(1), exp.Literal.number(1))
    if spec.precision is not None and spec.precision > 1:
        first = fn("repeat", first, exp.Literal.number(spec.precision))
    return _pad(first, spec.width, "-" in spec.flags)


def _quoted(spec: Spec, arg: E | None) -> E:
    """%q doubles single quotes, %Q also wraps the text in them (NULL: NULL), %w doubles
    double quotes; a NULL to %q or %w prints (NULL)."""
    quote = '"' if spec.kind == "w" else "'"
    if arg is None:
        body: E = exp.Literal.string("NULL" if spec.kind == "Q" else "(NULL)")
        return _pad(body, spec.width, "-" in spec.flags)
    escaped = fn("replace", value_text(arg), exp.Literal.string(quote),
                 exp.Literal.string(quote * 2))
    if spec.kind == "Q":
        escaped = concat(exp.Literal.string("'"), escaped, exp.Literal.string("'"))
    null_text = "NULL" if spec.kind == "Q" else "(NULL)"
    body = case([(is_null(arg), exp.Literal.string(null_text))], escaped)
    return _pad(body, spec.width, "-" in spec.flags)


_REAL_PREFIX = r"^\s*[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?"


def _real(arg: E) -> E:
    """The argument as SQLite's printf reads a double, on PostgreSQL: NULL as 0.0, an integer
    converted, a text by its leading number ('12.5abc' is 12.5, 'abc' 0.0). One expression, no
    CASE on the type: PostgreSQL checks every branch's casts against the column's type."""
    as_text = fn("coalesce", text(arg), exp.Literal.string("0"))
    return cast(fn("coalesce", fn("substring", as_text, exp.Literal.string(_REAL_PREFIX)),
                   exp.Literal.string("0")), "DOUBLE PRECISION")


# SQLite 3.40 (printf.c, etFLOAT) adds a rounder 0.5e-P to the value, plus value * 3e-16 when
# P + (binary exponent)/3 < 15, then writes 16 significant digits and '0' after them, truncating,
# all in long double. Here that sum is computed exactly in NUMERIC from the value's integer part
# and the shortest decimal text of its fraction (both exact doubles: the subtraction is exact).
# That text is within half a unit in the fraction's last place (2**-53 relative) of it, the
# rounder is the double SQLite adds, give or take what adding value * 3e-16 to it in double
# arithmetic may round off, and the long double steps err by under 2e-18 relative: so SQLite's
# sum lies between the two bounds _digits computes. When both give the same digits those are
# SQLite's; when they do not (a value within about 1e-16 of a rounding boundary that the 3e-16
# nudge does not settle) the statement fails rather than guess.
_HALF_ULP = Decimal("1.2e-16")
_NUDGE = Decimal("3e-16")
_LONG_DOUBLE = Decimal("2e-18")
_SIGNIFICANT = 16
_MAX_PRECISION = 28  # Nano's NUMERIC keeps 28 decimal places


_EXACT = Context(prec=80)


def _numeric(value: Decimal | int) -> E:
    """An exact NUMERIC constant: Nano reads a bare literal as a double before a cast."""
    return cast(exp.Literal.string(str(value) if isinstance(value, int) else format(value, "f")),
                "NUMERIC")


def _bound(value: Decimal, rounding: str) -> E:
    places = Decimal(1).scaleb(-_MAX_PRECISION)
    return _numeric(value.quantize(places, rounding=rounding, context=_EXACT))


def _nudged(p: int) -> float:
    """The magnitude below which SQLite adds value * 3e-16: P + trunc(ex / 3) < 15 for the
    binary exponent ex (C division truncates toward zero)."""
    return 2.0 ** (45 - 3 * p) if p <= 14 else 2.0 ** (43 - 3 * p)


def _digits(x: E, p: int, low: bool) -> E:
    """trunc(a bound of SQLite's sum * 10**P): the digits %f prints, as a NUMERIC integer."""
    sign = -1 if low else 1
    rounding = ROUND_FLOOR if low else ROUND_CEILING
    rounder = Decimal(float(Decimal(5).scaleb(-p - 1)))
    long_double = _EXACT.add(1, sign * _LONG_DOUBLE)
    nudged = _EXACT.multiply(long_double, _EXACT.add(1, _NUDGE))
    factor = case([(exp.LT(this=fn("abs", x.copy()), expression=lit(_nudged(p))),
                    _bound(nudged, rounding))], _bound(long_double, rounding))
    slack = _EXACT.add(_EXACT.add(Decimal(math.ulp(float(rounder))) / 2,
                                  _EXACT.multiply(rounder, Decimal("1e-18"))), Decimal("1e-27"))
    addend = _bound(_EXACT.add(rounder, sign * slack), rounding)
    magnitude = fn("abs", x.copy())
    whole = fn("trunc", magnitude)
    fraction = exp.Sub(this=magnitude.copy(), expression=whole.copy())
    value = exp.Add(this=decimal(whole), expression=exp.Mul(
        this=decimal(fraction), expression=_bound(_EXACT.add(1, sign * _HALF_ULP), rounding)))
    total = exp.Add(this=exp.Mul(this=exp.Paren(this=value), expression=factor),
                    expression=addend)
    return fn("trunc", exp.Mul(this=exp.Paren(this=total), expression=_power(p)))


def _power(p: int) -> E:
    return _numeric(10 ** p)


def _fixed(spec: Spec, arg: E | None) -> E:
    """%f: sign, integer digits, '.', P decimals (6 by default), rounded as SQLite 3.40 does
    (half up on the decimal text: 2.675 to 2.68, 1.005 to 1.01), padded to `width` by spaces
    or, with `0`, zeros after the sign. -0.0 prints no '-'; -0.125 to 0 places prints '-0'.
    A value that would show more than 16 significant digits fails the statement (SQLite's are
    its long double's digits, then zeros)."""
    if "!" in spec.flags:
        raise unsupported(f"printf() specifier {spec.source} with a non-constant argument")
    p = 6 if spec.precision is None else spec.precision
    if p > _MAX_PRECISION:
        raise unsupported(f"printf() specifier {spec.source} (over {_MAX_PRECISION} decimals) "
                          "with a non-constant argument")
    ok, value = (True, None) if arg is None else constant_value(arg)
    if ok:
        # a constant (or missing) argument among non-constant ones: SQLite writes it here, and
        # PostgreSQL never meets a failure() it would evaluate while planning
        own = f"%{spec.flags}{spec.width or ''}.{p}f"
        return lit(ask("SELECT printf(?, ?)", (own, value)))
    return _read(spec, arg, lambda x: _fixed_of(spec, p, x, arg))


def _fixed_of(spec: Spec, p: int, x: E, arg: E) -> E:
    low, high = _digits(x, p, True), _digits(x, p, False)
    if p:
        # Nano writes a zero NUMERIC as '0' whatever its scale; PostgreSQL as '0.00'
        shown = text(exp.Mul(this=high.copy(), expression=_numeric(Decimal(1).scaleb(-p))))
        body: E = fn("coalesce", fn("nullif", shown, exp.Literal.string("0")),
                     exp.Literal.string("0." + "0" * p))
    else:
        body = text(high.copy())
    if "#" in spec.flags and p == 0:
        body = concat(body, exp.Literal.string("."))
    limit = float(Decimal(10 ** _SIGNIFICANT - 10).scaleb(-p))
    digits = case([
        (exp.GTE(this=fn("abs", x.copy()), expression=lit(limit)),
         failure(f"printf() {spec.source} of a real with more than {_SIGNIFICANT} significant "
                 "digits", "TEXT", _about(arg))),
        (exp.NEQ(this=low, expression=high),
         failure(f"printf() {spec.source} of a real within 1e-16 of a rounding boundary",
                 "TEXT", _about(arg))),
    ], body)
    plus = "+" if "+" in spec.flags else " " if " " in spec.flags else ""
    sign = case([(exp.LT(this=x.copy(), expression=lit(0.0)), exp.Literal.string("-"))],
                exp.Literal.string(plus))
    return _signed(spec, sign, digits)


# SQLite 3.40 (printf.c, etEXP and etGENERIC) scales the value into [1, 10) in long double (a
# division by a power of ten built from the doubles 1e100, 1e10 and 10, or multiplications by 1e8
# and 10 below 1), adds the double rounder 0.5e-P, multiplies by the double 0.1 when the sum
# reaches 10, then writes 16 significant digits and '0' after them. Here the scaled value is the
# exact decimal of the value's shortest text (a double within 2**-53 of it, exact for an integer
# below 2**53) divided by the power of ten SQLite's scale misses (1e100 is 1.59e-17 above
# 10**100), with the long double steps' error (under 3e-18 relative over the 50 multiplications
# of the smallest normal value) as slack: both bounds' digits agree, or the statement fails.
_LONG_DOUBLE_STEPS = Decimal("4e-18")
_SUM_SLACK = Decimal("2e-18")  # the sum's and the digit loop's long double roundings
# SQLite's scale over 10**E, by E's hundreds: the low and high of each band (measured by
# rounding each of printf.c's products to a 64-bit mantissa, for every E from 0 to 308)
_SCALE_ERROR = ((100, Decimal("-1e-19"), Decimal("2e-19")),
                (200, Decimal("1.565e-17"), Decimal("1.600e-17")),
                (300, Decimal("3.173e-17"), Decimal("3.201e-17")),
                (None, Decimal("4.771e-17"), Decimal("4.777e-17")))
_SMALLEST_NORMAL = 2.2250738585072014e-308
_LARGEST = 1.7976931348623157e308


def _rounder(p: int) -> Decimal:
    """SQLite's rounder for precision P: the double 0.5e-(P % 10) times the double 1e-10 once
    per ten places, in double arithmetic."""
    rounder = (0.5, 0.05, 0.005, 0.0005, 5e-05, 5e-06, 5e-07, 5e-08, 5e-09, 5e-10)[p % 10]
    for _ in range(p // 10):
        rounder *= 1e-10
    return Decimal(rounder)


def _scientific(spec: Spec, arg: E | None) -> E:
    """%e %E: sign, one digit, '.', P digits (6 by default; '.' kept at 0 places by `#`), then
    'e', the exponent's sign and at least two digits. %g %G: P significant digits (1 at least),
    in %e form when the exponent is below -4 or over P - 1, else in %f form, trailing zeros and
    a bare '.' removed unless `#`. 0.0 and -0.0 print as 0, an infinity as Inf. Padded to
    `width` by spaces or, with `0`, zeros after the sign. A value whose bounds give different
    digits (a decimal half-way between two, within about 1e-16: 1234565 to 6 digits) fails the
    statement; so do most values past 14 significant digits."""
    p = 6 if spec.precision is None else spec.precision
    general = spec.kind in "gG"
    if general and p > 0:
        p -= 1
    if p >= _SIGNIFICANT:
        # SQLite writes its long double's 16th digit and '0' after it: the 16th digit of a
        # value on that digit's boundary (most short decimals) is its long double's rounding
        raise unsupported(f"printf() specifier {spec.source} (over {_SIGNIFICANT} significant "
                          "digits) with a non-constant argument")
    ok, value = (True, None) if arg is None else constant_value(arg)
    if ok:
        precision = "" if spec.precision is None else f".{spec.precision}"
        own = f"%{spec.flags}{spec.width or ''}{precision}{spec.kind}"
        return lit(ask("SELECT printf(?, ?)", (own, value)))
    return _read(spec, arg, lambda x: _scientific_of(spec, p, x, arg))


def _shortest(v: E) -> tuple[E, E]:
    """A positive finite double's shortest text as (its digits as a NUMERIC in [1, 10), its
    decimal exponent), read from the text in full ('1000…0', '0.000…5'): Nano writes a double
    so; PostgreSQL writes an exponent past 1e15 and below 1e-4, its NUMERIC of that text not."""
    t = text(cast(text(v), "NUMERIC")) if _pg() else text(v)
    # the significant digits: a '.' and the zeros before and after them dropped
    digits = fn("rtrim", fn("ltrim", fn("replace", t, exp.Literal.string("."),
                                        exp.Literal.string("")), exp.Literal.string("0")),
                exp.Literal.string("0"))
    scaled = exp.Mul(this=cast(concat(exp.Literal.string("0."), digits), "NUMERIC"),
                     expression=exp.Literal.number(10))
    whole = fn("length", fn("split_part", t.copy(), exp.Literal.string("."),
                            exp.Literal.number(1)))
    # below 1: minus the count of the zeros after '0.', minus one
    fraction = exp.Add(this=exp.Sub(this=fn("length", fn("ltrim", t.copy(),
                                                         exp.Literal.string("0."))),
                                    expression=fn("length", t.copy())),
                       expression=exp.Literal.number(1))
    power = case([(exp.GTE(this=v.copy(), expression=lit(1.0)),
                   exp.Sub(this=whole, expression=exp.Literal.number(1)))], fraction)
    return scaled, power


def _factor(v: E, low: bool) -> E:
    """The low or high bound of SQLite's scaled value over the shortest text's: the text's
    error (none for an integer below 2**53), the long double steps', and the error of SQLite's
    power of ten, by the value's band (SQLite picks the band by comparing with 1e100 so)."""
    sign = -1 if low else 1
    rounding = ROUND_FLOOR if low else ROUND_CEILING
    steps = _EXACT.add(1, sign * _LONG_DOUBLE_STEPS)
    shortest = _EXACT.add(steps, sign * _HALF_ULP)
    exact = exp.And(this=exp.EQ(this=v.copy(), expression=fn("trunc", v.copy())),
                    expression=exp.LT(this=v.copy(), expression=lit(2.0 ** 53)))
    pairs = [(exact, _bound(steps, rounding))]
    for below, least, most in _SCALE_ERROR:
        factor = _bound(_EXACT.divide(shortest, _EXACT.add(1, most if low else least)), rounding)
        if below is None:
            return case(pairs, factor)
        pairs.append((exp.LT(this=v.copy(), expression=lit(float(f"1e{below}"))), factor))
    raise AssertionError("the last band has no bound")


def _scientific_digits(v: E, scaled: E, p: int, low: bool) -> E:
    """trunc(a bound of SQLite's rounded scaled value * 10**P): its first P + 1 digits
    (10**(P + 1) when the sum reached 10)."""
    sign = -1 if low else 1
    rounding = ROUND_FLOOR if low else ROUND_CEILING
    addend = _bound(_EXACT.add(_rounder(p), sign * _SUM_SLACK), rounding)
    total = exp.Add(this=exp.Mul(this=scaled.copy(), expression=_factor(v, low)),
                    expression=addend)
    return fn("trunc", exp.Mul(this=exp.Paren(this=total),
                               expression=_power(p)))


def _subnormal(v: E) -> tuple[E, E]:
    """_shortest of a subnormal double: of the value times 2**54 (exact, and normal), times
    10**17 / 2**54 (exact in 37 digits) and its exponent less 17, brought back into [1, 10)."""
    scaled, power = _shortest(exp.Mul(this=v.copy(), expression=lit(2.0 ** 54)))
    ratio = Decimal(10 ** 17) / Decimal(2 ** 54)
    over = exp.GTE(this=scaled.copy(), expression=_numeric(Decimal(2 ** 54) / Decimal(10 ** 16)))
    factor = case([(over, _bound(ratio / 10, ROUND_FLOOR))], _bound(ratio, ROUND_FLOOR))
    shift = case([(over.copy(), exp.Literal.number(-16))], exp.Literal.number(-17))
    return exp.Mul(this=scaled, expression=factor), exp.Add(this=power, expression=shift)


def _scientific_of(spec: Spec, p: int, x: E, arg: E) -> E:
    v = fn("abs", x.copy())
    normal = _scientific_text(spec, p, v, *_shortest(v), arg)
    tiny = _scientific_text(spec, p, v, *_subnormal(v), arg)
    plus = "+" if "+" in spec.flags else " " if " " in spec.flags else ""
    sign = case([(exp.LT(this=x.copy(), expression=lit(0.0)), exp.Literal.string("-"))],
                exp.Literal.string(plus))
    infinite = _pad(concat(sign.copy(), exp.Literal.string("Inf")), spec.width,
                    "-" in spec.flags)
    digits = case([(exp.LT(this=v.copy(), expression=lit(_SMALLEST_NORMAL)), tiny)], normal)
    return case([(exp.EQ(this=v.copy(), expression=lit(0.0)), _zero(spec)),
                 (exp.GT(this=v.copy(), expression=lit(_LARGEST)), infinite)],
                _signed(spec, sign, digits))


def _scientific_text(spec: Spec, p: int, v: E, scaled: E, power: E, arg: E) -> E:
    """The digits, '.', exponent of V (positive, finite) whose shortest text is SCALED *
    10**POWER; the statement fails where the bounds of SQLite's digits disagree."""
    rtz = spec.kind in "gG" and "#" not in spec.flags
    low = _scientific_digits(v, scaled, p, True)
    high = _scientific_digits(v, scaled, p, False)
    # a sum that reached 10 has the digits 10**(P + 1): one more in the exponent, and the
    # mantissa's leading '10' (which no other sum writes) read as '1'
    exponent = exp.Add(this=power.copy(), expression=fn("trunc", exp.Mul(
        this=high.copy(), expression=_numeric(Decimal(1).scaleb(-p - 1)))))

    def trimmed(body: E) -> E:
        return fn("rtrim", fn("rtrim", body, exp.Literal.string("0")), exp.Literal.string("."))

    if p:
        mantissa = fn("replace", text(exp.Mul(this=high.copy(),
                                              expression=_numeric(Decimal(1).scaleb(-p)))),
                      exp.Literal.string("10."), exp.Literal.string("1."))
        if rtz:
            mantissa = trimmed(mantissa)
    else:
        mantissa = fn("replace", text(high.copy()), exp.Literal.string("10"),
                      exp.Literal.string("1"))
        if "#" in spec.flags:
            mantissa = concat(mantissa, exp.Literal.string("."))
    magnitude = fn("abs", exponent.copy())
    scientific = concat(
        mantissa, exp.Literal.string("E" if spec.kind in "EG" else "e"),
        case([(exp.LT(this=exponent.copy(), expression=exp.Literal.number(0)),
               exp.Literal.string("-"))], exp.Literal.string("+")),
        case([(exp.LT(this=magnitude.copy(), expression=exp.Literal.number(10)),
               exp.Literal.string("0"))], exp.Literal.string("")), text(magnitude))
    body = scientific
    if spec.kind in "gG":
        # %f form (exponent -4 to P): the digits times 10**(power - P), the power before a sum
        # that reached 10 (whose extra digit is then one extra '0' place, trimmed here)
        shown = text(exp.Mul(this=high.copy(), expression=exp.Case(this=power.copy(), ifs=[
            exp.If(this=exp.Literal.number(e), true=_numeric(Decimal(1).scaleb(e - p)))
            for e in range(-5, p + 1)])))
        if rtz:
            fixed = case([(exp.LT(this=power.copy(), expression=exp.Literal.number(p)),
                           trimmed(shown))], shown.copy())
        else:
            dot = case([(exp.EQ(this=power.copy(), expression=exp.Literal.number(p)),
                         exp.Literal.string("."))], exp.Literal.string(""))
            length = exp.Sub(this=exp.Literal.number(p + 2), expression=case(
                [(exp.LT(this=exponent.copy(), expression=exp.Literal.number(0)),
                  exponent.copy())], exp.Literal.number(0)))
            fixed = fn("substr", concat(shown, dot), exp.Literal.number(1),
                       cast(length, "INTEGER"))
        far = exp.Or(this=exp.LT(this=exponent.copy(), expression=exp.Literal.number(-4)),
                     expression=exp.GT(this=exponent.copy(), expression=exp.Literal.number(p)))
        body = case([(far, scientific)], fixed)
    unsettled = exp.NEQ(this=low, expression=high.copy())
    return case([(unsettled, failure(f"printf() {spec.source} of a real within 1e-16 of a "
                                     "rounding boundary", "TEXT", _about(arg)))], body)


_RADIX = {"x": (16, "0123456789abcdef", "0x"), "X": (16, "0123456789ABCDEF", "0X"),
          "o": (8, "01234567", "0")}


def _radix(spec: Spec, arg: E | None) -> E:
    """%x %X %o: the 64-bit two's complement digits of the integer (a negative one shows all 16
    hex or 22 octal digits), at least `precision` of them, or `width` with the `0` flag (even
    with `-`); `#` puts 0x, 0X or 0 before a non-zero value's digits; then padded by spaces to
    `width`. The engines have no bit operators SQLite's digits can come from (Nano has no
    to_hex, shifts or &): each digit is (v / base**k) % base looked up in the digit string, and
    a negative value's are base - 1 minus those of -1 - v (its bitwise complement)."""
    return _integer_conversion(spec, arg, lambda n: _zero(spec, n),
                               lambda v: _radix_of(spec, v))


def _radix_of(spec: Spec, v: E) -> E:
    base, symbols, prefix = _RADIX[spec.kind]
    count = 16 if base == 16 else 21  # digits below bit 63 (octal's 22nd is that bit alone)
    least = max(spec.precision or 0, spec.width or 0 if "0" in spec.flags else 0, 1)

    def digit(k: int, of: E, table: str) -> E:
        # typed: the engine's integer division (sqlglot otherwise writes a double division)
        place = exp.Div(this=of.copy(), expression=exp.Literal.number(base ** k), typed=True)
        index = fn("mod", place if k else of.copy(), exp.Literal.number(base))
        at = exp.Add(this=index, expression=exp.Literal.number(1))
        if _pg():
            at = cast(at, "INTEGER")  # PostgreSQL's substr() takes no bigint
        return fn("substr", exp.Literal.string(table), at, exp.Literal.number(1))

    def joined(parts: list[E]) -> E:
        return fn("concat", *parts)

    # a non-negative value: its leading zeros cut from all but the last `least` digits
    places = [digit(k, v, symbols) for k in reversed(range(count))]
    kept = min(least, count)
    head = places[:count - kept]
    tail = joined(places[count - kept:])
    positive = concat(fn("ltrim", joined(head), exp.Literal.string("0")), tail) if head else tail
    complement = exp.Paren(this=exp.Sub(this=exp.Literal.number(-1), expression=v.copy()))
    negative = joined([digit(k, complement, symbols[::-1]) for k in reversed(range(count))])
    if base == 8:
        negative = concat(exp.Literal.string("1"), negative)
    full = count + (base == 8)
    if least > full:
        positive = fn("lpad", positive, exp.Literal.number(least), exp.Literal.string("0"))
        negative = fn("lpad", negative, exp.Literal.number(least), exp.Literal.string("0"))
    elif least > count:
        positive = fn("lpad", positive, exp.Literal.number(least), exp.Literal.string("0"))
    if "#" in spec.flags:
        positive = case([(exp.EQ(this=v.copy(), expression=exp.Literal.number(0)), positive)],
                        concat(exp.Literal.string(prefix), positive.copy()))
        negative = concat(exp.Literal.string(prefix), negative)
    body = case([(exp.LT(this=v.copy(), expression=exp.Literal.number(0)), negative)], positive)
    return _pad(body, spec.width, "-" in spec.flags)


def _about(arg: E) -> E:
    return fn("coalesce", text(arg), exp.Literal.string("NULL"))


def _signed(spec: Spec, sign: E, digits: E, integer: bool = False) -> E:
    """SIGN then DIGITS, padded to `width`: with the `0` flag by zeros between them (an
    integer's even with the `-` flag, a real's not)."""
    if "0" in spec.flags and ("-" not in spec.flags or integer) and spec.width:
        width = exp.Sub(this=exp.Literal.number(spec.width), expression=fn("length", sign.copy()))
        zero_padded = case([(exp.GTE(this=fn("length", digits.copy()), expression=width),
                             digits.copy())],
                           fn("lpad", digits.copy(), width.copy(), exp.Literal.string("0")))
        return concat(sign, zero_padded)
    return _pad(concat(sign, digits), spec.width, "-" in spec.flags)


_CONVERSIONS = {"d": _decimal, "i": _decimal, "s": _string, "z": _string, "c": _char,
                "q": _quoted, "Q": _quoted, "w": _quoted, "f": _fixed, "x": _radix, "X": _radix,
                "o": _radix, "e": _scientific, "E": _scientific, "g": _scientific,
                "G": _scientific}




def _piece(spec: Spec, arg: E | None) -> E:
    if spec.kind == "%":
        return exp.Literal.string("%")
    convert = _CONVERSIONS.get(spec.kind)
    if convert is None or "!" in spec.flags or ("#" in spec.flags and convert not in (
            _fixed, _radix, _scientific)):
        why = " (the ! flag's long double digits)" if "!" in spec.flags else ""
        raise unsupported(f"printf() specifier {spec.source} with a non-constant argument{why}")
    return convert(spec, arg)


def _printf(args: list[E]) -> E:
    if not args:
        return exp.Null()
    ok, fmt = constant_value(args[0])
    if not ok:
        raise needs_literal(args[0], "printf() with a non-constant format")
    if fmt is None:
        return exp.Null()
    rest = args[1:]
    parts = [lit(p) if isinstance(p, str) else _piece(*p) for p in _pieces(str(fmt), rest)]
    if not parts:
        return exp.Literal.string("")
    return concat(*parts)


PRINTF_FUNCTIONS = {
    "printf": folded("printf", _printf),
    "format": folded("format", _printf),
}
