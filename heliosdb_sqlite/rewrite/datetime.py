"""SQLite's date and time functions as engine expressions (https://sqlite.org/lang_datefunc.html).

date(), time(), datetime(), julianday(), unixepoch(), strftime() and the CURRENT_TIMESTAMP,
CURRENT_DATE and CURRENT_TIME keywords. SQLite computes all of them on a julian day number in
integer milliseconds (`iJD` in date.c). Where arithmetic is needed this module does the same:
that number, as a BIGINT engine expression, is called J below, and it rounds where SQLite rounds.

How a call is computed:
- Every argument a literal and no 'now': this Python's own SQLite (the stdlib module: the very
  version an application rolls back to) computes the value at translation, and the call becomes
  that literal. Exact by construction, and cached with the plan.
- 'now', no time value, or a CURRENT_* keyword as the value: the engine's clock, UTC (read per
  call: two 'now's in one statement may differ, where SQLite reads the clock once).
- A value known only at run time (a column, a parameter, an expression): the engine reads it.
  Text in SQLite's own layouts - 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM', 'YYYY-MM-DD HH:MM:SS',
  'YYYY-MM-DD HH:MM:SS.SSS', with ' ' or 'T' between, optionally ending in 'Z' or '+00:00' -
  gives SQLite's result, modifiers included. A number is read as SQLite reads it when the call
  says so: first modifier 'unixepoch' or 'julianday', or an arithmetic expression as the value.
  NULL and '' give NULL. Other text fails the statement with the engine's message naming the
  value: an error where SQLite returns NULL (text it cannot read) or reads something these
  expressions do not (a non-zero zone offset, a time-only value, a day past the month's end,
  hour 24, a number in a text position), never a different value. The engine's parser is more
  lenient than SQLite's in one way: it reads single-digit fields ('2024-1-2') SQLite rejects.
- What cannot be expressed raises NotSupportedError when the statement is prepared: a modifier
  or strftime format that is not a literal, 'auto' on a run-time value, strftime's %J and a
  run-time %f of the one-argument form, 'localtime' / 'utc' outside the UTC time zone, a newer
  SQLite's modifiers and conversions, and chains of modifiers too large for the engine to plan.

Engine facts (Nano 4.31.1, measured) that shaped the SQL:
- Planning costs about 10 us per expression node on every execution (no prepared statements),
  doubling with each level of nested function calls, and its SQL parser has a nesting limit;
  there is no let-binding (a correlated scalar subquery returns NULL). So the expressions are
  kept to a few dozen nodes: the engine's CAST(text AS TIMESTAMP) reads the text, operands get
  parentheses only where precedence needs them, and range checks read the original text's
  characters or are decided at translation from the value's known bounds.
- CAST(text AS TIMESTAMP) drops a zone offset ('03:04:05+02:00' reads as 03:04:05 UTC); the
  text gets '+00:00' appended, so a text that already had an offset fails instead. It needs
  seconds, so 'HH:MM' gets ':00', and a date alone gets ' 00:00:00'.
- `~` and LIKE compile their pattern for every row (20 to 140 us a row): not used.
- INTERVAL 'n months' adds 30*n days and INTERVAL '1 year' 365 days: months move by whole days
  to the middle of the target month, truncated to its first day (exact for years 0001-9999).
  An interval cannot be multiplied; a difference of two timestamps is one.
- LEAST and GREATEST do not compare timestamps (they return the first argument).
- SUBSTR with a NULL position and MAKE_TIMESTAMP with a NULL field fail instead of giving NULL.
- TO_TIMESTAMP(double) rounds .678 s down to .677: it is only given whole seconds.
- Casting a timestamp to TEXT wraps it in quote characters: text comes from TO_CHAR only.
- Integer literal arithmetic past 32 bits panics in the constant folder: every product that can
  pass 2^31 has a BIGINT operand.

PostgreSQL (dialect "postgres") takes the same expressions, except where it differs (`_pg()`):
- Its calendar has no year 0: 1 BC precedes 1 AD, and TO_CHAR's YYYY prints a year BC by its
  number BC. Year 0000 is read as 1 BC and literals before year 1 are written BC (_timestamp);
  a year that may lie before 1 is printed from DATE_PART (_astronomical_year).
- Its cast reads more than SQLite's layouts (words such as 'today', hour 24 as the next day),
  rounds past the microsecond, and fails on a day past the month's end with an error that reads
  as an overflow: a text is matched against SQLite's layouts (`~` is cheap there) and checked
  with PG_INPUT_IS_VALID (PostgreSQL 16) first, and other text fails naming its value. With the
  regular expression it reads 'HH:MM' with a zone and any zero zone ('Z', '+00:00', '-00:00').
- NOW() and TO_TIMESTAMP() are in the session's time zone: they are read AT TIME ZONE 'UTC'.
- CAST(double AS BIGINT) rounds where C truncates: FLOOR first (_int64).
- Timestamps keep microseconds: a literal's digits past them are cut.
"""
from __future__ import annotations

import contextlib
import contextvars
import datetime
import functools
import re
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from sqlglot import exp

from ..exceptions import NotSupportedError, make_error
from .params import folded_constant, needs_literal
from .oracle import ask
from .transforms_base import Context

E = exp.Expression

# -- SQLite's constants (date.c) --------------------------------------------------------------

DAY_MS = 86400000
UNIX_EPOCH_JD = 210866760000000  # iJD of 1970-01-01 00:00:00
MAX_JD = 464269060799999  # iJD of 9999-12-31 23:59:59.999
_WS = " \t\n\x0b\x0c\r"  # sqlite3Isspace()


def _c_float(value: float) -> float:
    """A C float constant as SQLite's code sees it (its table of units holds floats)."""
    return struct.unpack("f", struct.pack("f", value))[0]


# 'NNN unit': the largest |NNN| SQLite accepts, and seconds per unit (date.c's aXformType)
_UNITS = {
    "second": (_c_float(4.6427e14), 1.0),
    "minute": (_c_float(7.7379e12), 60.0),
    "hour": (_c_float(1.2897e11), 3600.0),
    "day": (_c_float(5373485.0), 86400.0),
    "month": (_c_float(176546.0), 2592000.0),
    "year": (_c_float(14713.0), 31536000.0),
}

_NUMBER = re.compile(r"[ \t\n\x0b\x0c\r]*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[ \t\n\x0b\x0c\r]*\Z")

# -- SQLite itself: values of constant calls, and what this Python's SQLite understands ---------

_ask = ask


def _unsupported(what: str) -> NotSupportedError:
    return make_error(NotSupportedError, f"{what} is not supported by heliosdb_sqlite")


# -- building engine expressions --------------------------------------------------------------

def _e(value) -> E:
    if isinstance(value, E):
        return value
    if isinstance(value, str):
        return exp.Literal.string(value)
    return exp.Literal.number(value)


# Operator precedence as the engine parses it (higher binds tighter); operands are put in
# parentheses only where needed, as the engine's parser has a nesting limit.
_PRECEDENCE = {exp.Or: 1, exp.And: 2, exp.Not: 3, exp.EQ: 4, exp.NEQ: 4, exp.LT: 4, exp.LTE: 4,
               exp.GT: 4, exp.GTE: 4, exp.Between: 4, exp.Is: 4, exp.DPipe: 5, exp.Add: 6,
               exp.Sub: 6, exp.Mul: 7, exp.Div: 7, exp.Mod: 7, exp.Neg: 8}
_ASSOCIATIVE = (exp.Or, exp.And, exp.DPipe)


def _operand(node: E, parent: type, right: bool) -> E:
    inner, outer = _PRECEDENCE.get(type(node)), _PRECEDENCE[parent]
    if inner is None or inner > outer:
        return node
    if inner == outer and outer != 4 and (not right or parent in _ASSOCIATIVE):
        return node  # left-associative, or associative: `a - b - c`, `x AND y AND z`
    return exp.Paren(this=node)


def _fn(name: str, *args) -> E:
    return exp.Anonymous(this=name, expressions=[_e(a) for a in args])


def _cast(node, to: str) -> E:
    return exp.Cast(this=_e(node), to=exp.DataType.build(to))


def _binary(cls, **flags):
    return lambda a, b: cls(this=_operand(_e(a), cls, False),
                            expression=_operand(_e(b), cls, True), **flags)


_add, _sub, _mul, _mod = map(_binary, (exp.Add, exp.Sub, exp.Mul, exp.Mod))
_div = _binary(exp.Div, typed=True)  # the engine's `/`: integer division of integers, as in C
_eq, _lt, _le, _ge = map(_binary, (exp.EQ, exp.LT, exp.LTE, exp.GTE))
_cat = _binary(exp.DPipe)


def _plus(a: E, b: int) -> E:
    if b == 0:
        return a
    return _add(a, b) if b > 0 else _sub(a, -b)


def _concat(*parts) -> E:
    out = _e(parts[0])
    for part in parts[1:]:
        out = _cat(out, part)
    return out


def _and(*conds: E) -> E:
    out = conds[0]
    for cond in conds[1:]:
        out = exp.And(this=_operand(out, exp.And, False), expression=_operand(cond, exp.And, True))
    return out


def _in(x, *values) -> E:
    return exp.In(this=_operand(_e(x), exp.EQ, False), expressions=[_e(v) for v in values])


def _between(x, low, high) -> E:
    return exp.Between(this=_operand(_e(x), exp.Between, False), low=_e(low), high=_e(high))


def _case(*pairs, default=None) -> E:
    return exp.Case(ifs=[exp.If(this=cond, true=_e(value)) for cond, value in pairs],
                    default=None if default is None else _e(default))


def _interval(unit: str, amount: int) -> E:
    return exp.Interval(this=exp.Literal.string(f"{amount} {unit}"))


def _pad(value: E, width: int) -> E:
    """A non-negative integer below 10**width as %0<width>d."""
    return _fn("SUBSTR", _cast(_add(value, 10 ** width), "TEXT"), 2)


def _failure(value: E) -> E:
    """A timestamp that fails the statement at run time with a message naming the value."""
    return _cast(_cat("heliosdb_sqlite does not support this date/time value: ", value),
                 "TIMESTAMP")


def _unshare(tree: E) -> E:
    """The builders reuse subexpressions freely; sqlglot needs each node in one place (later
    transforms replace nodes through their parent), so every repeat becomes a copy."""
    seen = {id(tree)}
    stack = [tree]
    while stack:
        node = stack.pop()
        for key, value in list(node.args.items()):
            children = value if isinstance(value, list) else [value]
            fresh = []
            for child in children:
                if isinstance(child, E):
                    if id(child) in seen:
                        child = child.copy()
                    seen.add(id(child))
                    stack.append(child)
                fresh.append(child)
            if isinstance(value, list):
                node.set(key, fresh)
            elif isinstance(value, E):
                node.set(key, fresh[0])
    return tree


# -- the target dialect ---------------------------------------------------------------------------

_DIALECT: contextvars.ContextVar[str] = contextvars.ContextVar("datetime_dialect", default="nano")


@contextlib.contextmanager
def dialect_scope(dialect: str):
    """Builders called inside translate for `dialect` (functions.sqlite_functions sets it: a
    builder receives only its arguments)."""
    token = _DIALECT.set(dialect)
    try:
        yield
    finally:
        _DIALECT.reset(token)


def _for_dialect(build: Callable[[list[E]], E]) -> Callable[..., E]:
    """A builder that may be given its Context; otherwise the enclosing dialect_scope holds."""
    @functools.wraps(build)
    def builder(args: list[E], ctx: Context | None = None) -> E:
        if ctx is None:
            return build(args)
        with dialect_scope(ctx.dialect):
            return build(args)
    return builder


def _pg() -> bool:
    """The target is PostgreSQL, whose calendar has no year 0 (1 BC precedes 1 AD), whose
    timestamps keep microseconds, and whose NOW() is in the session's time zone."""
    return _DIALECT.get() == "postgres"


_TEXT_PARTS = re.compile(r"(-?)(\d{4})([^.]*)(?:\.(\d{0,6})\d*)?\Z")


def _timestamp(text: str) -> E:
    """A timestamp literal from SQLite's layout, years -4713 to 9999. For PostgreSQL a year up to
    0 is written as its year BC, and digits past the microsecond are cut (it would round them,
    which can carry into the next day)."""
    if not _pg():
        return _cast(text, "TIMESTAMP")
    sign, year, rest, fraction = _TEXT_PARTS.match(text).groups()
    text = f"{year}{rest}" + (f".{fraction}" if fraction else "")
    if sign or year == "0000":
        text = f"{int(year) + 1 if sign else 1:04d}{rest} BC"
    return _cast(text, "TIMESTAMP")


def _now() -> E:
    """The clock as a UTC timestamp."""
    if _pg():
        return exp.AtTimeZone(this=_fn("NOW"), zone=exp.Literal.string("UTC"))
    return _fn("NOW")


def _is_clock(node: E) -> bool:
    """An expression of _now()."""
    if isinstance(node, exp.AtTimeZone):
        node = node.this
    return isinstance(node, exp.Anonymous) and node.name == "NOW" and not node.expressions


def _utc_from_epoch(seconds: E) -> E:
    """TO_TIMESTAMP(seconds since 1970) as a UTC timestamp."""
    ts = _fn("TO_TIMESTAMP", seconds)
    return exp.AtTimeZone(this=ts, zone=exp.Literal.string("UTC")) if _pg() else ts


# -- SQLite's calendar in Python (for thresholds known at translation) ----------------------------

def _month_index_jd(index: int) -> int:
    """iJD of 00:00 on the first day of month `index` (year*12 + month-1), by computeJD()."""
    y, m = divmod(index, 12)
    m += 1
    if m <= 2:
        y, m = y - 1, m + 12
    a = int(y / 100)
    b = 2 - a + int(a / 4)
    x1 = int(36525 * (y + 4716) / 100)
    x2 = int(306001 * (m + 1) / 10000)
    return int((x1 + x2 + 1 + b - 1524.5) * DAY_MS)


# -- modifiers ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Op:
    """One parsed modifier. kind: 'start' (arg 'day'|'month'|'year'), 'shift' (ms milliseconds),
    'months' (arg whole months, ms the fraction's milliseconds; years are 12 months), 'weekday'
    (arg 0-6), 'local' ('localtime' / 'utc', identities in UTC), and, as first modifier only,
    'unixepoch', 'auto', 'julianday'."""
    kind: str
    arg: object = None
    ms: int = 0


def _atof(text: str) -> float | None:
    """sqlite3AtoF()'s value of text that is a number as a whole (spaces around allowed)."""
    return float(text.strip(_WS)) if _NUMBER.match(text) else None


def _ms(r: float, scale: float) -> int:
    """`(sqlite3_int64)(r*1000.0*rXform + rRounder)`."""
    return int(r * 1000.0 * scale + (-0.5 if r < 0 else 0.5))


def _hms_shift(z: str) -> int | None:
    """'(+|-)HH:MM[:SS[.FFF]]': the milliseconds it moves the time (SQLite reads it as a time of
    day, after any zone suffix, modulo one day)."""
    jd = _ask("SELECT CAST(round(julianday(?) * 86400000) AS INTEGER)",
              (z if z[0].isdigit() else z[1:],))
    if jd is None:
        return None
    ms = jd - 43200000
    ms -= int(ms / DAY_MS) * DAY_MS
    return -ms if z[0] == "-" else ms


def parse_modifier(z: str, idx: int) -> Op | None:
    """A modifier's text as SQLite 3.40's parseModifier() reads it; None where SQLite fails
    (the call is then NULL). idx is the modifier's argument position, 1 for the first."""
    lower = z.lower()
    if lower in ("auto", "julianday", "unixepoch"):
        return None if idx > 1 else Op(lower)
    if lower in ("localtime", "utc"):
        return Op("local", lower)
    if lower.startswith("weekday "):
        r = _atof(z[8:])
        return Op("weekday", int(r)) if r is not None and 0 <= r < 7 and r == int(r) else None
    if lower.startswith("start of "):
        unit = lower[9:]
        return Op("start", unit) if unit in ("day", "month", "year") else None
    if z[:1] not in tuple("+-0123456789"):
        return None
    n = 1
    while n < len(z) and z[n] != ":" and z[n] not in _WS:
        n += 1
    r = _atof(z[:n])
    if r is None:
        return None
    if z[n:n + 1] == ":":
        ms = _hms_shift(z)
        return None if ms is None else Op("shift", ms=ms)
    unit = z[n:].lstrip(_WS).lower()
    if not 3 <= len(unit) <= 10:
        return None
    unit = unit.removesuffix("s")
    limit, scale = _UNITS.get(unit, (0.0, 0.0))
    if not -limit < r < limit:
        return None
    if unit in ("month", "year"):
        whole = int(r)
        return Op("months", whole * (12 if unit == "year" else 1), _ms(r - whole, scale))
    return Op("shift", ms=_ms(r, scale))


def _local_is_utc() -> bool:
    return time.timezone == 0 and (not time.daylight or time.altzone == 0)


def parse_modifiers(mods: list[E]) -> list[Op] | None:
    """The call's modifiers, all literals; None if one makes SQLite return NULL."""
    ops = []
    for idx, node in enumerate(mods, 1):
        value = _literal_value(node)
        if value is _NOT_LITERAL:
            raise needs_literal(node, "a date/time modifier that is not a literal")
        if value is None:
            return None
        text = str(value)
        op = parse_modifier(text, idx)
        if op is None:  # NULL, unless this Python's SQLite is newer and reads it
            probe = "SELECT datetime('2000-01-01'" + ", '+0 days'" * (idx - 1) + ", ?)"
            if _ask(probe, (text,)) is not None:
                raise _unsupported(f"the date/time modifier '{text}'")
            return None
        if op.kind == "local" and not _local_is_utc():
            raise _unsupported(f"the '{text}' modifier outside the UTC time zone")
        ops.append(op)
    return ops


# -- the value during the modifiers -----------------------------------------------------------------

HALF_MS = 500  # microseconds
_LAST = "9999-12-31 23:59:59.999999999"  # the latest timestamp whose milliseconds SQLite accepts
_FIRST = "-4713-11-24 12:00:00"  # J = 0
# The clock is taken to read between these (its bounds) when deciding at translation whether a
# move from it can leave SQLite's range
_CLOCK_FROM, _CLOCK_TO = _month_index_jd(1970 * 12), _month_index_jd(2200 * 12)


@dataclass
class Moment:
    """SQLite's DateTime while modifiers apply: an engine timestamp `ts`, or J.

    SQLite prints a parsed text's fields as written (seconds cut, not rounded) but computes J
    with the seconds rounded to the millisecond. `rounding` says how the timestamp stands for
    SQLite's value: 'raw' - the text as written (J rounds it); 'floor' - SQLite's value is the
    timestamp cut to the millisecond (the clock, which SQLite reads in whole milliseconds, and
    anything moved after adding half a millisecond to a raw text, so that TO_CHAR's cut seconds
    are SQLite's); 'exact' - whole milliseconds.

    Range checks are cheapest on the text the value came from: `text` is that text while the
    value is the text moved by `offset` milliseconds (None once another modifier applied), and
    `text_month` says its year and month are still the text's."""
    ts: E | None = None
    j: E | None = None
    rounding: str = "exact"
    conds: list[E] = field(default_factory=list)  # all must hold, else the call is NULL
    checked: bool = True  # J is within SQLite's range (validJulianDay)
    month_start: bool = False  # ts is 00:00 on the first of a month
    negative_years: bool = False  # the value may lie before year 0000
    text: E | None = None
    offset: int | None = 0
    text_month: bool = False
    pending: bool = False  # ts may have left SQLite's range: checked when fields are next read
    check: list[E] | None = None  # the conditions for that check, when known cheaper than ts's
    bounds: tuple[int, int] = (0, MAX_JD)  # J's possible values, as far as known at translation

    def floored(self) -> E:
        """The timestamp whose value cut to the millisecond is SQLite's (rounded) value."""
        if self.ts is None:
            return _utc_from_epoch(_seconds(self.j))
        if self.rounding == "raw":
            return _add(self.ts, _interval("microseconds", HALF_MS))
        return self.ts

    def printed(self) -> E:
        """The timestamp whose TO_CHAR fields (seconds cut) are the ones SQLite prints."""
        return self.ts if self.ts is not None else self.floored()

    def jd(self) -> E:
        """J."""
        if self.j is not None:
            return self.j
        ts = self.floored() if self.rounding == "exact" else \
            _fn("DATE_TRUNC", "milliseconds", self.floored())
        epoch_ms = _fn("ROUND", _mul(_fn("DATE_PART", "epoch", ts), 1000))
        return _add(_cast(epoch_ms, "BIGINT"), UNIX_EPOCH_JD)

    def valid(self) -> Moment:
        """validJulianDay(): SQLite checks the range when it next reads fields from J, and at
        the end (so a value may pass 9999-12-31 and come back)."""
        if self.pending:
            conds = self.check if self.check is not None else _in_range(self)
            return replace(self, conds=self.conds + conds, pending=False, check=None)
        if self.checked:
            return self
        return replace(self, conds=self.conds + [_between(self.j, 0, MAX_JD)], checked=True)

    def then(self, ts: E | None = None, j: E | None = None, **flags) -> Moment:
        """The value after a modifier: the range facts carry over only where `flags` say so."""
        flags.setdefault("offset", None)
        rounding = "exact" if self.rounding == "exact" or ts is None else "floor"
        flags.setdefault("bounds", self.bounds)
        return Moment(ts=ts, j=j, rounding=flags.pop("rounding", rounding), conds=self.conds,
                      negative_years=self.negative_years, text=self.text,
                      **flags)


def _seconds(j: E) -> E:
    """J (>= 0) as whole seconds since 1970."""
    return _sub(_div(j, 1000), UNIX_EPOCH_JD // 1000)


def _text_key(text: E) -> E:
    """A text date/time without its separator: its order is the order of the times it names."""
    return _cat(_fn("SUBSTR", text, 1, 10), _fn("SUBSTR", text, 12))


def _jd_key(jd: int) -> str:
    """The `_text_key` of an iJD in years 0000-9999."""
    return _ask("SELECT strftime('%Y-%m-%d%H:%M:%f', ?)", (jd / DAY_MS,))


def _in_range(m: Moment) -> list[E]:
    """Conditions that the value is within SQLite's range: none where its bounds known at
    translation say so, on the text's characters where it is its text moved by a known amount,
    else on the timestamp (on the side that can be crossed)."""
    low, high = m.bounds
    if low >= 0 and high <= MAX_JD:
        return []
    if m.text is not None and m.offset is not None and not m.negative_years and m.offset >= 0:
        latest = MAX_JD - m.offset
        if latest < _month_index_jd(0):
            return [_eq(_e(1), _e(0))]
        return [_le(_text_key(m.text), _jd_key(latest))]
    return ([_le(m.ts, _timestamp(_LAST))] if high > MAX_JD else []) + \
        ([_ge(m.ts, _timestamp(_FIRST))] if low < 0 else [])


def apply(m: Moment, op: Op) -> Moment:
    """One modifier, as parseModifier() changes SQLite's DateTime."""
    if op.kind == "local":  # in UTC the same instant, its fields recomputed from J
        m = m.valid()
        if m.rounding != "raw":
            return m
        return replace(m.then(ts=m.floored()), offset=m.offset)  # (its month may be the next)
    if op.kind == "shift":
        return _shift(m, op.ms)
    if op.kind == "weekday":
        return _weekday(m.valid(), op.arg)
    if op.kind == "start":
        m = m.valid()
        bounds = (m.bounds[0] - 366 * DAY_MS, m.bounds[1])
        if m.ts is None and op.arg == "day":
            return m.then(j=_sub(_mul(_div(_add(m.j, 43200000), DAY_MS), DAY_MS), 43200000),
                          bounds=bounds)
        keeps_month = m.text_month or (m.text is not None and m.offset == 0)
        return m.then(ts=_fn("DATE_TRUNC", op.arg, m.printed()), month_start=op.arg != "day",
                      rounding="exact", text_month=keeps_month and op.arg != "year", bounds=bounds)
    return _months(m.valid(), op)


def _shift(m: Moment, ms: int) -> Moment:
    """'NNN days|hours|minutes|seconds' and '(+|-)HH:MM': SQLite adds milliseconds to J, and the
    call is NULL where the result leaves SQLite's range."""
    bounds = (m.bounds[0] + ms, m.bounds[1] + ms)
    if m.ts is None:
        return m.then(j=_plus(m.j, ms), checked=m.checked and ms == 0, bounds=bounds)
    micros = ms * 1000 + (HALF_MS if m.rounding == "raw" else 0)
    ts = _add(m.ts, _interval("microseconds", micros)) if micros else m.ts
    return m.then(ts=ts, offset=None if m.offset is None else m.offset + ms,
                  pending=m.pending or ms != 0, bounds=bounds)


def _weekday(m: Moment, n: int) -> Moment:
    """'weekday N': forward to the next day that is weekday N (0 = Sunday), or stay."""
    if m.ts is None:
        weekday = _mod(_div(_add(m.j, 129600000), DAY_MS), 7)
        return m.then(j=_add(m.j, _mul(_mod(_sub(n + 7, weekday), 7), DAY_MS)), checked=False,
                      bounds=(m.bounds[0], m.bounds[1] + 6 * DAY_MS))
    base = m.floored()
    days = _mod(_sub(n + 7, _cast(_fn("DATE_PART", "dow", base), "BIGINT")), 7)
    # a whole number of days as an interval (the engine cannot multiply one)
    # (the engine's MAKE_TIMESTAMP fails on NULL: a NULL value moves by 0 days, still NULL;
    # PostgreSQL's takes its day as an INT, not a BIGINT)
    day = _cast(_fn("COALESCE", _add(days, 1), 1), "INT")
    interval = _sub(_fn("MAKE_TIMESTAMP", 2000, 1, day, 0, 0, 0), _cast("2000-01-01", "TIMESTAMP"))
    check = None
    bounds = (m.bounds[0], m.bounds[1] + 6 * DAY_MS)
    if bounds[1] <= MAX_JD:
        check = []
    elif m.text is not None and m.offset == 0:  # the last days of 9999 whose move passes the end
        last = datetime.date(9999, 12, 31)
        days_back = [last - datetime.timedelta(days=k) for k in range(7)]
        past = [d.isoformat() for d in days_back
                if (n - (d.weekday() + 1) % 7) % 7 > (last - d).days]
        check = [exp.Not(this=_in(_fn("SUBSTR", m.text, 1, 10), *past))]
    return m.then(ts=_add(base, interval), pending=True, check=check, bounds=bounds)


def _months(m: Moment, op: Op) -> Moment:
    """'NNN months|years': SQLite adds to the month field and lets a day past the month's end
    run into the next month (2024-01-31 +1 month is 2024-03-02), then adds the fraction as
    30 or 365 days. The month's first day moves by whole days to the middle of the target
    month and is truncated to its start; the day and time of day follow as an interval."""
    text_month = m.text_month or (m.text is not None and m.offset == 0)
    if m.month_start:
        first = m.printed()
    elif text_month and not _pg():  # the text's own year and month (SQLite reads the fields
        # as written; PostgreSQL cannot cast year 0000, and its timestamp has the same fields)
        first = _cast(_cat(_fn("NULLIF", _fn("SUBSTR", m.text, 1, 7), ""), "-01"), "TIMESTAMP")
    else:
        first = _fn("DATE_TRUNC", "month", m.printed())
    target = _fn("DATE_TRUNC", "month",
                 _add(first, _interval("days", round(30.436875 * op.arg) + 15)))
    conds = list(m.conds)
    # computeJD() fails past year 9999 (NULL); before year 0 SQLite's calendar formula and the
    # engine's differ, so those years are refused rather than computed differently
    if op.arg > 0 and m.bounds[1] + op.arg * 31 * DAY_MS > MAX_JD:
        latest = _month_index_jd(9999 * 12 + 11 - op.arg)
        if text_month:
            conds.append(_le(_fn("SUBSTR", m.text, 1, 7), _jd_key(max(latest, 0))[:7]))
        else:
            conds.append(_le(first, _timestamp(_jd_key(latest)[:10])))
    if m.bounds[0] + op.arg * 31 * DAY_MS < _month_index_jd(0) or m.negative_years:
        earliest = _month_index_jd(max(-op.arg, 0))
        before = _lt(_fn("SUBSTR", m.text, 1, 7), _jd_key(earliest)[:7]) if text_month else \
            _lt(first, _timestamp(_jd_key(earliest)[:10]))
        target = _case((before, _failure(_print(first, "YYYY-MM"))), default=target)
    # n months move a date by 28n to 31n days, and a day past the month's end by up to 3 more;
    # the result lies within years 0000-9999 (refused or NULL otherwise); then the fraction
    short, long = sorted((op.arg * 28, op.arg * 31))
    bounds = (max(m.bounds[0] + (short - 4) * DAY_MS, _month_index_jd(0)) + min(op.ms, 0),
              min(m.bounds[1] + (long + 4) * DAY_MS, MAX_JD) + max(op.ms, 0))
    if m.ts is None:  # from J: keep the milliseconds
        j = _add(_sub(m.j, Moment(ts=first).jd()), Moment(ts=target).jd())
        return Moment(j=_plus(j, op.ms), conds=conds, checked=op.ms == 0, bounds=bounds)
    if m.month_start and op.ms == 0:
        return Moment(ts=target, conds=conds, month_start=True, bounds=bounds)
    ts = _add(target, _sub(m.floored(), first))  # SQLite rounds the seconds as it recomputes J
    if op.ms:  # the fraction of a month or year, as 30 or 365 days
        ts = _add(ts, _interval("microseconds", op.ms * 1000))
    moved = m.then(ts=ts, pending=op.ms != 0, bounds=bounds)
    moved.conds = conds
    return moved


# -- outputs --------------------------------------------------------------------------------------

Output = Callable[[Moment], E]


def _finish(value: Callable[[Moment], E]) -> Output:
    """An output, NULL unless SQLite's final validity test (isDate()) passes."""
    def output(m: Moment) -> E:
        m = m.valid()
        out = value(m)
        return _case((_and(*m.conds), out)) if m.conds else out
    return output


# How SQLite prints a year before 0: date() and datetime() put a '-' before 4 digits ('-0001'),
# strftime's %Y is printf's %04d ('-001')
DATE_YEAR, STRFTIME_YEAR = "date", "strftime"
_YEAR_ONE = _month_index_jd(12)  # iJD of 0001-01-01


def _to_char(m: Moment, pattern: str, year: str = DATE_YEAR) -> E:
    """TO_CHAR of the fields SQLite prints."""
    return _print(m.printed(), pattern, year, m.bounds[0] < _YEAR_ONE)


def _print(ts: E, pattern: str, year: str = DATE_YEAR, early: bool = True) -> E:
    """TO_CHAR(ts, pattern). PostgreSQL's YYYY is a year's number BC for the years before 1, so
    there, unless ts is known to lie after them (not `early`), YYYY is printed apart."""
    if not _pg() or "YYYY" not in pattern or not early:
        return _fn("TO_CHAR", ts, pattern)
    parts: list[E] = []
    for i, piece in enumerate(pattern.split("YYYY")):
        if i:
            parts.append(_astronomical_year(ts, year))
        if piece:
            parts.append(_fn("TO_CHAR", ts, piece))
    return _concat(*parts)


def _astronomical_year(ts: E, layout: str) -> E:
    """PostgreSQL: the year of ts as SQLite counts years (1 BC is year 0, 2 BC year -1), in
    SQLite's `layout`. The calendar repeats every 400 years: 3652425 days later is the same day
    10000 years on, in a year after 0 whatever ts is."""
    shifted = _fn("DATE_PART", "year", _add(ts, _interval("days", 3652425)))
    year = _fn("TO_CHAR", _sub(_cast(shifted, "INT"), 10000), "FM0000")
    return year if layout == DATE_YEAR else _fn("REPLACE", year, "-0", "-")


OUTPUTS: dict[str, Output] = {
    "date": _finish(lambda m: _to_char(m, "YYYY-MM-DD")),
    "time": _finish(lambda m: _to_char(m, "HH24:MI:SS")),
    "datetime": _finish(lambda m: _to_char(m, "YYYY-MM-DD HH24:MI:SS")),
    "julianday": _finish(lambda m: _div(_cast(m.jd(), "DOUBLE PRECISION"), 86400000.0)),
    "unixepoch": _finish(lambda m: _seconds(m.jd())),
}

# strftime conversions of SQLite 3.40, and the engine's TO_CHAR pattern where it prints the same
_CONVERSIONS = frozenset("dfHjJmMsSwWY%")
_TO_CHAR = {"Y": "YYYY", "m": "MM", "d": "DD", "H": "HH24", "M": "MI", "S": "SS", "j": "DDD"}
_TO_CHAR_SAFE = frozenset(" -:/.,")  # characters TO_CHAR copies as they are


def parse_format(fmt: str) -> list[tuple[str, str]] | None:
    """A strftime format as pieces ('lit', text) and ('conv', letter); None where SQLite 3.40
    returns NULL (an unknown conversion, a trailing '%')."""
    pieces: list[tuple[str, str]] = []
    i = 0
    while i < len(fmt):
        if fmt[i] != "%":
            pieces.append(("lit", fmt[i]))
            i += 1
            continue
        conv = fmt[i + 1:i + 2]
        if conv not in _CONVERSIONS:
            if conv and _ask("SELECT strftime(?, '2000-01-01')", ("%" + conv,)) is not None:
                raise _unsupported(f"the strftime conversion %{conv}")  # a newer SQLite's
            return None
        if conv == "J":
            raise _unsupported("strftime's %J (SQLite prints the julian day number with its own "
                               "%.16g); julianday() gives the number")
        pieces.append(("lit", "%") if conv == "%" else ("conv", conv))
        i += 2
    return pieces


def _conversion(m: Moment, conv: str) -> E:
    """A strftime conversion TO_CHAR does not print as SQLite: %s %w %W %f."""
    if conv == "s":
        return _cast(_seconds(m.jd()), "TEXT")
    if conv == "f" and m.rounding == "raw":  # printf('%06.3f') of the seconds as written,
        return _case((_ge(_fn("TO_CHAR", m.ts, "SS.US"), "59.9995"), "59.999"),  # at most 59.999
                     default=_fn("TO_CHAR", m.floored(), "SS.MS"))
    if conv == "f" and m.ts is not None:
        return _fn("TO_CHAR", m.floored(), "SS.MS")
    if conv == "f":
        digits = _fn("SUBSTR", _cast(_add(_mod(m.j, 60000), 100000), "TEXT"), 2)
        return _concat(_fn("SUBSTR", digits, 1, 2), ".", _fn("SUBSTR", digits, 3))
    if m.ts is None:
        sunday_based = _mod(_div(_add(m.j, 129600000), DAY_MS), 7)
    else:
        sunday_based = _cast(_fn("DATE_PART", "dow", m.floored()), "BIGINT")
    if conv == "w":
        return _cast(sunday_based, "TEXT")
    # %W: (day of year - 1 + 7 - weekday counted from Monday) / 7, the day of year counted
    # from 1 January at the same time of day (SQLite's fields)
    day_of_year = _cast(_fn("TO_CHAR", m.printed(), "DDD"), "BIGINT")
    return _pad(_div(_sub(_add(day_of_year, 6), _mod(_add(sunday_based, 6), 7)), 7), 2)


def strftime_output(pieces: list[tuple[str, str]]) -> Output:
    """strftime(): runs of conversions TO_CHAR prints the same, each next to the last only across
    punctuation (so the letters of two patterns never run together), are one TO_CHAR call."""
    def value(m: Moment) -> E:
        parts: list[E] = []
        pattern = literal = ""
        for kind, text in pieces + [("end", "")]:
            joins = pattern and not literal and (kind == "lit" or pattern[-1] in _TO_CHAR_SAFE)
            if kind == "lit" and joins and text in _TO_CHAR_SAFE:
                pattern += text
            elif kind == "lit":
                literal += text
            elif kind == "conv" and text in _TO_CHAR and joins:
                pattern += _TO_CHAR[text]
            else:
                if pattern:
                    parts.append(_to_char(m, pattern, STRFTIME_YEAR))
                if literal:
                    parts.append(_e(literal))
                pattern = literal = ""
                if kind == "conv" and text in _TO_CHAR:
                    pattern = _TO_CHAR[text]
                elif kind == "conv":
                    parts.append(_conversion(m, text))
        if not any(kind == "conv" for kind, _ in pieces):  # still NULL for a NULL value
            value_is_set = exp.Not(this=exp.Is(this=m.printed() if m.ts is not None else m.j,
                                               expression=exp.Null()))
            return _case((value_is_set, _concat(*parts) if parts else _e("")))
        return _concat(*parts)
    return _finish(value)


# -- reading a value known at run time ------------------------------------------------------------

def _text_moment(value: E) -> Moment:
    """Text in SQLite's layouts as an engine timestamp. The engine needs seconds (a date alone
    gets ' 00:00:00', 'HH:MM' gets ':00'; '' gets NULL, SQLite's NULL for text it cannot read)
    and a space before the time, reads 'Z' and '+00:00' as no offset, and ignores any other
    offset: the text ends in '+00:00', so one that had its own fails. (PostgreSQL reads the
    text as it is: _pg_text_timestamp.)"""
    # (a number here fails naming its value: SQLite reads it as a julian day number, which the
    # call asks for with 'julianday', or by arithmetic on the value)
    text = value if isinstance(value, exp.Literal) and value.is_string else _cast(value, "TEXT")
    bounds = (_month_index_jd(0), MAX_JD)
    if _pg():
        return Moment(ts=_pg_text_timestamp(text), rounding="raw", text=text, bounds=bounds)
    # (SUBSTR with a NULL position fails in the engine, so the length is never NULL)
    seconds = _fn("SUBSTR", " 00:00:00", _sub(_fn("COALESCE", _fn("LENGTH", text), 0), 9))
    padded = _cat(_fn("NULLIF", text, ""), seconds)
    normal = _fn("REPLACE", _fn("REPLACE", _fn("REPLACE", padded, "T", " "), "Z", ""), "+00:00", "")
    return Moment(ts=_cast(_cat(normal, "+00:00"), "TIMESTAMP"), rounding="raw", text=text,
                  bounds=bounds)


# SQLite's layouts with a zero zone, as far as PostgreSQL reads them as SQLite does (hour 24,
# which SQLite prints as written, PostgreSQL reads as the next day)
_PG_LAYOUT = (r"^[0-9]{4}-[0-9]{2}-[0-9]{2}([ T]([01][0-9]|2[0-3]):[0-5][0-9]"
              r"(:[0-5][0-9]([.][0-9]+)?)?([Zz]|[+-]00:00)?)?$")


def _pg_text_timestamp(text: E) -> E:
    """PostgreSQL's timestamp of a text in SQLite's layouts, its digits past the microsecond cut
    (the cast rounds them, which can carry into the next day) and year 0000 written as 1 BC. The
    cast also reads words ('today', 'epoch') and other layouts, and fails on a day past the
    month's end with an error that reads as an overflow: such text fails naming the value."""
    microseconds = _fn("REGEXP_REPLACE", text, "([.][0-9]{6})[0-9]+", "\\1")
    readable = _fn("REGEXP_REPLACE", microseconds, "^0000(.*)$", "0001\\1 BC")
    valid = _and(exp.RegexpLike(this=text, expression=_e(_PG_LAYOUT)),
                 _eq(_fn("PG_INPUT_IS_VALID", readable, "timestamp"), "true"))
    return _case((valid, _cast(readable, "TIMESTAMP")), default=_failure(_fn("NULLIF", text, "")))


def _int64(r: E) -> E:
    """C's (sqlite3_int64) of a double >= 0: its whole part (PostgreSQL's CAST rounds)."""
    return _cast(_fn("FLOOR", r) if _pg() else r, "BIGINT")


def _number_moment(value: E, first: str | None) -> Moment:
    """A number as SQLite reads it (setRawDateNumber): a julian day number, or with 'unixepoch'
    first, seconds since 1970; NULL outside SQLite's range."""
    r = _cast(value, "DOUBLE PRECISION")
    if first == "unixepoch":
        unix_ms = _add(_mul(r, 1000.0), float(UNIX_EPOCH_JD))
        j = _case((_and(_ge(unix_ms, 0.0), _lt(unix_ms, 464269060800000.0)),
                   _int64(_add(unix_ms, 0.5))))
    else:
        j = _case((_and(_ge(r, 0), _lt(r, 5373484.5)),
                   _int64(_add(_mul(r, 86400000.0), 0.5))))
    return Moment(j=j, negative_years=True, bounds=(0, MAX_JD))


_NUMERIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg)


def _is_numeric(node: E) -> bool:
    """A value whose SQL form makes it a number (arithmetic, a numeric cast)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if isinstance(node, exp.Cast):
        return node.to.is_type(*exp.DataType.NUMERIC_TYPES)
    return isinstance(node, _NUMERIC)


# -- the builders ---------------------------------------------------------------------------------

_NOT_LITERAL = object()


def _literal_value(node: E):
    """A literal argument's Python value (str, int, float or None); else _NOT_LITERAL."""
    if isinstance(node, exp.Paren):
        return _literal_value(node.this)
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Neg):
        inner = _literal_value(node.this)
        return -inner if isinstance(inner, (int, float)) else _NOT_LITERAL
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        try:
            return int(node.this)
        except ValueError:
            return float(node.this)
    constant, value = folded_constant(node)
    return value if constant and not isinstance(value, bytes) else _NOT_LITERAL


def _as_literal(value) -> E:
    if value is None:
        return exp.Null()
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, float):
        return _cast(repr(value), "DOUBLE PRECISION")
    return exp.Literal.number(value)


def _is_now(value) -> bool:
    return isinstance(value, str) and value.lower() == "now"


def _keyword(node: E | None) -> str | None:
    """The CURRENT_* keyword a (translated) argument is: the pattern of its TO_CHAR(_now(), ...)."""
    if isinstance(node, exp.Anonymous) and node.name == "TO_CHAR" and len(node.expressions) == 2:
        clock, pattern = node.expressions
        if _is_clock(clock):
            return _KEYWORDS.get(pattern.this) if isinstance(pattern, exp.Literal) else None
    return None


def _clock(node: E | None, exact: bool) -> Moment | None:
    """The clock as the time value: 'now' (exact) or a CURRENT_* keyword, whose text is cut to
    the second or the day (CURRENT_TIME's text is a time-only value, dated 2000-01-01)."""
    keyword = _keyword(node)
    window = (_CLOCK_FROM, _CLOCK_TO)
    if node is None or exact:
        return Moment(ts=_now(), rounding="floor", bounds=window)
    if keyword == "current_timestamp":
        return Moment(ts=_fn("DATE_TRUNC", "second", _now()), bounds=window)
    if keyword == "current_date":
        return Moment(ts=_fn("DATE_TRUNC", "day", _now()), bounds=window)
    if keyword == "current_time":  # dated 2000-01-01, inside the clock's window too
        second = _fn("DATE_TRUNC", "second", _now())
        return Moment(ts=_add(_cast("2000-01-01", "TIMESTAMP"),
                              _sub(second, _fn("DATE_TRUNC", "day", _now()))),
                      bounds=window)
    return None


# The engine plans every statement on every execution, at about 10 us per expression node
# (more with nesting): beyond this size a call would cost more than a few milliseconds.
# PostgreSQL plans once per statement, fast; its limit keeps the statement's text (a few
# hundred kilobytes) and the time to translate it (under a second) in bounds.
_MAX_NODES = {"nano": 600, "postgres": 6000}


def _constant(call: str, values: list, value_at: int) -> E | None:
    """The call's value computed by SQLite, when every argument is a literal and the time value
    (at `value_at`) is given and not 'now'."""
    if _NOT_LITERAL in values or len(values) <= value_at or _is_now(values[value_at]):
        return None
    return _as_literal(_ask(f"SELECT {call}({', '.join('?' * len(values))})", tuple(values)))


def _call(name: str, args: list[E], output: Output) -> E:
    """A call on a value: the modifiers parsed, then the value read as the clock, a number or
    text, and the output built for it."""
    values = [_literal_value(a) for a in args]
    ops = parse_modifiers(args[1:])
    if ops is None:
        return exp.Null()
    first = ops[0].kind if ops and ops[0].kind in ("unixepoch", "auto", "julianday") else None
    clock = _clock(args[0] if args else None, exact=not args or _is_now(values[0]))
    if clock is not None:
        if first in ("unixepoch", "julianday"):
            return exp.Null()  # these need a number
        moment = clock
    elif first == "auto":
        raise _unsupported("the 'auto' modifier on a value known only at run time")
    else:
        value = args[0]
        numeric = first is not None or _is_numeric(value)
        moment = _number_moment(value, first) if numeric else _text_moment(value)
    for op in ops[1:] if first else ops:
        moment = apply(moment, op)
    result = _unshare(output(moment))
    if sum(1 for _ in result.walk()) > _MAX_NODES["postgres" if _pg() else "nano"]:
        raise _unsupported("this many date/time modifiers on a value known only at run time "
                           "(the engine would take too long to plan the expression)")
    return result


_DOCS = {
    "date": "date(value, modifier...): 'YYYY-MM-DD', NULL for an invalid value or modifier.",
    "time": "time(value, modifier...): 'HH:MM:SS' (seconds cut, never rounded).",
    "datetime": "datetime(value, modifier...): 'YYYY-MM-DD HH:MM:SS' (seconds cut).",
    "julianday": "julianday(value, modifier...): the julian day number, a REAL (iJD/86400000.0).",
    "unixepoch": "unixepoch(value, modifier...): whole seconds since 1970, an INTEGER (floor).",
}


def _function(name: str) -> Callable[..., E]:
    @_for_dialect
    def build(args: list[E]) -> E:
        constant = _constant(name, [_literal_value(a) for a in args], 0)
        return constant if constant is not None else _call(name, list(args), OUTPUTS[name])
    build.__doc__ = _DOCS[name] + " With no value, or 'now', the UTC clock."
    return build


@_for_dialect
def _strftime(args: list[E]) -> E:
    """strftime(format, time-value, modifier, ...). sqlglot reads the two-argument form as
    TimeToStr(TsOrDsToTimestamp(value), format), and one argument as if the value were
    CURRENT_TIMESTAMP; the format must be a literal."""
    if args and isinstance(args[0], exp.TsOrDsToTimestamp):
        fmt_node, rest = args[1], [args[0].this]
    else:
        fmt_node, rest = args[0], list(args[1:])
    fmt = _literal_value(fmt_node)
    if fmt is _NOT_LITERAL:
        raise needs_literal(fmt_node, "a strftime format that is not a literal")
    constant = _constant("strftime", [fmt] + [_literal_value(a) for a in rest], 1)
    if constant is not None:
        return constant
    pieces = None if fmt is None else parse_format(str(fmt))
    if pieces is None:
        return exp.Null()
    if rest and _keyword(rest[0]) == "current_timestamp" and ("conv", "f") in pieces:
        # strftime('%f') and strftime('%f', CURRENT_TIMESTAMP) reach here alike, and differ
        raise _unsupported("strftime's %f without an explicit time value (write 'now')")
    return _call("strftime", rest, strftime_output(pieces))


_KEYWORDS = {"YYYY-MM-DD HH24:MI:SS": "current_timestamp", "YYYY-MM-DD": "current_date",
             "HH24:MI:SS": "current_time"}


def _current(pattern: str) -> Callable[..., E]:
    @_for_dialect
    def build(args: list[E]) -> E:
        return _fn("TO_CHAR", _now(), pattern)
    build.__doc__ = "SQLite's CURRENT_* keyword: the UTC clock as text, cut to the second."
    return build


DATETIME_FUNCTIONS: dict[str, Callable[..., E]] = {
    "date": _function("date"),
    "time": _function("time"),
    "datetime": _function("datetime"),
    "julianday": _function("julianday"),
    "unixepoch": _function("unixepoch"),
    "strftime": _strftime,
    "time_to_str": _strftime,  # sqlglot's name for strftime with at most two arguments
    "current_timestamp": _current("YYYY-MM-DD HH24:MI:SS"),
    "current_date": _current("YYYY-MM-DD"),
    "current_time": _current("HH24:MI:SS"),
}
