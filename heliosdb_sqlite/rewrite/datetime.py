"""SQLite's date and time functions as engine expressions (https://sqlite.org/lang_datefunc.html).

date(), time(), datetime(), julianday(), unixepoch(), strftime() and the CURRENT_TIMESTAMP,
CURRENT_DATE and CURRENT_TIME keywords. SQLite computes all of them on a julian day number in
integer milliseconds (`iJD` in date.c). Where arithmetic is needed this module does the same:
that number, as a BIGINT engine expression, is called J below, and it rounds where SQLite rounds.

How a call is computed:
- Every argument a literal and no 'now': this Python's own SQLite (the stdlib module: the very
  version an application rolls back to) computes the value at translation, and the call becomes
  that literal. Exact by construction, and cached with the plan.
- 'now', no time value, or a CURRENT_* keyword as the value: the engine's clock, UTC.
- A value known only at run time (a column, a parameter, an expression): the engine reads it.
  Text in SQLite's own layouts - 'YYYY-MM-DD', 'YYYY-MM-DD HH:MM', 'YYYY-MM-DD HH:MM:SS',
  'YYYY-MM-DD HH:MM:SS.SSS', with ' ' or 'T' between, optionally ending in 'Z' or '+00:00' -
  gives SQLite's result. A number is read as SQLite reads it when the call says so: first
  modifier 'unixepoch' or 'julianday', or a numeric expression as the value. NULL and '' give
  NULL. Other text fails the statement with the engine's message naming the value (SQLite would
  return NULL for most of it, or read a non-zero zone offset, a time-only value, a day past the
  month's end, hour 24): an error, never a different value.
- What cannot be expressed raises NotSupportedError when the statement is prepared: a modifier
  or strftime format that is not a literal, 'auto' on a run-time value, strftime's %J,
  'localtime' / 'utc' outside the UTC time zone, and a newer SQLite's modifiers and conversions.

Engine facts (Nano 4.31.1, measured) that shaped the SQL:
- Planning costs about 10 us per expression node on every execution (no prepared statements),
  and doubles with each level of nested function calls; there is no let-binding (a correlated
  scalar subquery returns NULL). So the expressions are kept to a few dozen nodes: the engine's
  CAST(text AS TIMESTAMP) reads the text, and nothing large is ever repeated.
- CAST(text AS TIMESTAMP) drops a zone offset ('03:04:05+02:00' reads as 03:04:05 UTC); the
  text gets '+00:00' appended, so a text that already had an offset fails instead. It needs
  seconds, so 'HH:MM' gets ':00', and a date alone gets ' 00:00:00'.
- `~` and LIKE compile their pattern for every row (20 to 140 us a row): not used.
- INTERVAL 'n months' adds 30*n days and INTERVAL '1 year' 365 days: months move by whole days
  to the middle of the target month, truncated to its first day (exact for years 0001-9999).
- TO_TIMESTAMP(double) rounds .678 s down to .677: it is only given whole seconds.
- Casting a timestamp to TEXT wraps it in quote characters: text comes from TO_CHAR only.
- Integer literal arithmetic past 32 bits panics in the constant folder: every product that can
  pass 2^31 has a BIGINT operand.
"""
from __future__ import annotations

import datetime
import re
import sqlite3
import struct
import threading
import time
from dataclasses import dataclass, field, replace
from typing import Callable

from sqlglot import exp

from ..exceptions import NotSupportedError, make_error

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

_sqlite = sqlite3.connect(":memory:", check_same_thread=False)
_sqlite_lock = threading.Lock()


def _ask(sql: str, params: tuple = ()):
    with _sqlite_lock:
        return _sqlite.execute(sql, params).fetchone()[0]


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
_eq, _ne, _lt, _le, _ge = map(_binary, (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GTE))
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
    if unit.endswith("s"):
        unit = unit[:-1]
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
            raise _unsupported("a date/time modifier that is not a literal")
        if value is None:
            return None
        text = str(value)
        op = parse_modifier(text, idx)
        if op is None:
            if _ask("SELECT datetime('2000-01-01', ?)", (text,)) is not None:
                raise _unsupported(f"the date/time modifier '{text}'")  # a newer SQLite's
            return None
        if op.kind == "local" and not _local_is_utc():
            raise _unsupported(f"the '{text}' modifier outside the UTC time zone")
        ops.append(op)
    return ops


# -- the value during the modifiers -----------------------------------------------------------------

HALF_MS = 500  # microseconds
_LAST = "9999-12-31 23:59:59.999999999"  # the latest timestamp whose milliseconds SQLite accepts
_FIRST = "-4713-11-24 12:00:00"  # J = 0
# The clock is taken to read between these when deciding at translation whether a move from it
# can leave SQLite's range
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
    clock: bool = False  # the value is the clock, moved by `offset`
    text: E | None = None
    offset: int | None = 0
    text_month: bool = False

    def floored(self) -> E:
        """The timestamp whose value cut to the millisecond is SQLite's (rounded) value."""
        if self.ts is None:
            return _fn("TO_TIMESTAMP", _seconds(self.j))
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
        """validJulianDay(), required before fields are read from J."""
        if self.checked:
            return self
        return replace(self, conds=self.conds + [_between(self.j, 0, MAX_JD)], checked=True)

    def then(self, ts: E | None = None, j: E | None = None, **flags) -> Moment:
        """The value after a modifier: the range facts carry over only where `flags` say so."""
        flags.setdefault("offset", None)
        rounding = "exact" if self.rounding == "exact" or ts is None else "floor"
        return Moment(ts=ts, j=j, rounding=flags.pop("rounding", rounding), conds=self.conds,
                      negative_years=self.negative_years, clock=self.clock, text=self.text,
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


def _in_range(m: Moment, ts: E, shift: int | None) -> list[E]:
    """Conditions that `ts`, the value moved `shift` ms further (None: up to a week), is within
    SQLite's range: decided at translation for the clock, on the text's characters where the
    value is its text moved, else on the timestamp."""
    if m.clock and m.offset is not None:
        later = _CLOCK_TO + m.offset + (7 * DAY_MS if shift is None else shift)
        if 0 <= _CLOCK_FROM + m.offset + min(shift or 0, 0) and later <= MAX_JD:
            return []
    if shift is None and m.text is not None and m.offset == 0:
        return []  # the caller checks the text's date
    if shift is not None and m.text is not None and m.offset is not None \
            and not m.negative_years:
        total = m.offset + shift
        if total >= 0:
            latest = MAX_JD - total
            if latest < _month_index_jd(0):
                return [_eq(_e(1), _e(0))]
            return [_le(_text_key(m.text), _jd_key(latest))] if latest < MAX_JD else []
        if -total <= _month_index_jd(0):
            return []  # from year 0000 back to -4713-11-24 is more than 6700 years
    return [_le(ts, _cast(_LAST, "TIMESTAMP")), _ge(ts, _cast(_FIRST, "TIMESTAMP"))]


def apply(m: Moment, op: Op) -> Moment:
    """One modifier, as parseModifier() changes SQLite's DateTime."""
    if op.kind == "local":  # in UTC the same instant, its fields recomputed from J
        if m.rounding != "raw":
            return m
        return replace(m.then(ts=m.floored()), offset=m.offset, text_month=m.text_month)
    if op.kind == "shift":
        return _shift(m, op.ms)
    if op.kind == "weekday":
        return _weekday(m.valid(), op.arg)
    if op.kind == "start":
        m = m.valid()
        if m.ts is None and op.arg == "day":
            return m.then(j=_sub(_mul(_div(_add(m.j, 43200000), DAY_MS), DAY_MS), 43200000))
        keeps_month = m.text_month or (m.text is not None and m.offset == 0)
        return m.then(ts=_fn("DATE_TRUNC", op.arg, m.printed()), month_start=op.arg != "day",
                      rounding="exact", text_month=keeps_month and op.arg != "year")
    return _months(m.valid(), op)


def _shift(m: Moment, ms: int) -> Moment:
    """'NNN days|hours|minutes|seconds' and '(+|-)HH:MM': SQLite adds milliseconds to J, and the
    call is NULL where the result leaves SQLite's range."""
    if m.ts is None:
        return m.then(j=_plus(m.j, ms), checked=m.checked and ms == 0)
    micros = ms * 1000 + (HALF_MS if m.rounding == "raw" else 0)
    ts = _add(m.ts, _interval("microseconds", micros)) if micros else m.ts
    moved = m.then(ts=ts, offset=None if m.offset is None else m.offset + ms)
    moved.conds = m.conds + (_in_range(m, ts, ms) if ms else [])
    return moved


def _weekday(m: Moment, n: int) -> Moment:
    """'weekday N': forward to the next day that is weekday N (0 = Sunday), or stay."""
    if m.ts is None:
        weekday = _mod(_div(_add(m.j, 129600000), DAY_MS), 7)
        return m.then(j=_add(m.j, _mul(_mod(_sub(n + 7, weekday), 7), DAY_MS)), checked=False)
    base = m.floored()
    days = _mod(_sub(n + 7, _cast(_fn("DATE_PART", "dow", base), "BIGINT")), 7)
    # a whole number of days as an interval (the engine cannot multiply one)
    interval = _sub(_fn("MAKE_TIMESTAMP", 2000, 1, _add(days, 1), 0, 0, 0),
                    _cast("2000-01-01", "TIMESTAMP"))
    ts = _add(base, interval)
    moved = m.then(ts=ts)
    moved.conds = m.conds + _in_range(m, ts, None)
    if m.text is not None and m.offset == 0:  # the last days of 9999 whose move passes the end
        last = datetime.date(9999, 12, 31)
        days_back = [last - datetime.timedelta(days=k) for k in range(7)]
        past = [d.isoformat() for d in days_back
                if (n - (d.weekday() + 1) % 7) % 7 > (last - d).days]
        if past:
            moved.conds.append(exp.Not(this=_in(_fn("SUBSTR", m.text, 1, 10), *past)))
    return moved


def _months(m: Moment, op: Op) -> Moment:
    """'NNN months|years': SQLite adds to the month field and lets a day past the month's end
    run into the next month (2024-01-31 +1 month is 2024-03-02), then adds the fraction as
    30 or 365 days. The month's first day moves by whole days to the middle of the target
    month and is truncated to its start; the day and time of day follow as an interval."""
    first = m.printed() if m.month_start else _fn("DATE_TRUNC", "month", m.printed())
    target = _fn("DATE_TRUNC", "month",
                 _add(first, _interval("days", round(30.436875 * op.arg) + 15)))
    text_month = m.text_month or (m.text is not None and m.offset == 0)
    conds = list(m.conds)
    # computeJD() fails past year 9999 (NULL); before year 0 SQLite's calendar formula and the
    # engine's differ, so those years are refused rather than computed differently
    if op.arg > 0 and not (m.clock and _CLOCK_TO + op.arg * 31 * DAY_MS < MAX_JD):
        latest = _month_index_jd(9999 * 12 + 11 - op.arg)
        if text_month:
            conds.append(_le(_fn("SUBSTR", m.text, 1, 7), _jd_key(max(latest, 0))[:7]))
        else:
            conds.append(_le(first, _cast(_jd_key(latest)[:10], "TIMESTAMP")))
    if op.arg < 0 and not (m.clock and _CLOCK_FROM + op.arg * 31 * DAY_MS > 0) \
            or m.negative_years:
        earliest = _month_index_jd(max(-op.arg, 0))
        before = _lt(_fn("SUBSTR", m.text, 1, 7), _jd_key(earliest)[:7]) if text_month else \
            _lt(first, _cast(_jd_key(earliest)[:10], "TIMESTAMP"))
        target = _case((before, _failure(_fn("TO_CHAR", first, "YYYY-MM"))), default=target)
    if m.ts is None:  # from J: keep the milliseconds
        j = _add(_sub(m.j, Moment(ts=first).jd()), Moment(ts=target).jd())
        return Moment(j=_plus(j, op.ms), conds=conds, checked=op.ms == 0)
    if m.month_start and op.ms == 0:
        return Moment(ts=target, conds=conds, month_start=True)
    ts = _add(target, _sub(m.floored(), first))  # SQLite rounds the seconds as it recomputes J
    if op.ms:  # the fraction of a month or year, as 30 or 365 days
        ts = _add(ts, _interval("microseconds", op.ms * 1000))
        conds += [_le(ts, _cast(_LAST, "TIMESTAMP")), _ge(ts, _cast(_FIRST, "TIMESTAMP"))]
    moved = m.then(ts=ts)
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


def _to_char(m: Moment, pattern: str) -> E:
    return _fn("TO_CHAR", m.printed(), pattern)


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
    if conv == "f" and m.ts is not None:  # '%06.3f' of the seconds, to the millisecond
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
    # %W: (day of year - 1 + 7 - weekday counted from Monday) / 7
    day_of_year = _cast(_fn("TO_CHAR", m.floored(), "DDD"), "BIGINT")
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
                    parts.append(_to_char(m, pattern))
                if literal:
                    parts.append(_e(literal))
                pattern = literal = ""
                if kind == "conv" and text in _TO_CHAR:
                    pattern = _TO_CHAR[text]
                elif kind == "conv":
                    parts.append(_conversion(m, text))
        return _concat(*parts) if parts else _e("")
    return _finish(value)


# -- reading a value known at run time ------------------------------------------------------------

def _text_moment(value: E) -> Moment:
    """Text in SQLite's layouts as an engine timestamp. The engine needs seconds (a date alone
    gets ' 00:00:00', 'HH:MM' gets ':00') and a space before the time, reads 'Z' and '+00:00' as
    no offset, and ignores any other offset: the text ends in '+00:00', so one that had its own
    fails. '' is NULL, as SQLite's NULL for text it cannot read."""
    text = value if isinstance(value, exp.Literal) and value.is_string else _cast(value, "TEXT")
    seconds = _fn("SUBSTR", " 00:00:00", _sub(_fn("LENGTH", text), 9))
    normal = _fn("REPLACE", _fn("REPLACE", _fn("REPLACE", _cat(text, seconds), "T", " "), "Z", ""),
                 "+00:00", "")
    ts = _case((_ne(text, ""), _cast(_cat(normal, "+00:00"), "TIMESTAMP")))
    return Moment(ts=ts, rounding="raw", text=text)


def _number_moment(value: E, first: str | None) -> Moment:
    """A number as SQLite reads it (setRawDateNumber): a julian day number, or with 'unixepoch'
    first, seconds since 1970; NULL outside SQLite's range."""
    r = _cast(value, "DOUBLE PRECISION")
    if first == "unixepoch":
        unix_ms = _add(_mul(r, 1000.0), float(UNIX_EPOCH_JD))
        j = _case((_and(_ge(unix_ms, 0.0), _lt(unix_ms, 464269060800000.0)),
                   _cast(_add(unix_ms, 0.5), "BIGINT")))
    else:
        j = _case((_and(_ge(r, 0), _lt(r, 5373484.5)),
                   _cast(_add(_mul(r, 86400000.0), 0.5), "BIGINT")))
    return Moment(j=j, negative_years=True)


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
    return _NOT_LITERAL


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


def _rewritten(arg: E) -> E:
    """An argument with the SQLite functions inside it translated (the caller's walk replaces an
    outer call before its inner ones, and the argument is copied into the result)."""
    from .functions import sqlite_functions

    holder = exp.Paren(this=arg.copy())
    sqlite_functions(holder, None)
    return holder.this


def _clock(node: E | None, exact: bool) -> Moment | None:
    """The clock as the time value: 'now' (exact) or a CURRENT_* keyword, whose text is cut to
    the second or the day (CURRENT_TIME's text is a time-only value, dated 2000-01-01)."""
    if node is None or exact:
        return Moment(ts=_fn("NOW"), rounding="floor", clock=True)
    if isinstance(node, exp.CurrentTimestamp):
        return Moment(ts=_fn("DATE_TRUNC", "second", _fn("NOW")), clock=True)
    if isinstance(node, exp.CurrentDate):
        return Moment(ts=_fn("DATE_TRUNC", "day", _fn("NOW")), clock=True)
    if isinstance(node, exp.CurrentTime):  # dated 2000-01-01, inside the clock's window too
        second = _fn("DATE_TRUNC", "second", _fn("NOW"))
        return Moment(ts=_add(_cast("2000-01-01", "TIMESTAMP"),
                              _sub(second, _fn("DATE_TRUNC", "day", _fn("NOW")))), clock=True)
    return None


# The engine plans every statement on every execution, at about 10 us per expression node
# (more with nesting): beyond this size a call would cost more than a few milliseconds.
_MAX_NODES = 400


def _call(name: str, args: list[E], output: Output, fmt: str | None = None) -> E:
    """A date/time call: folded by SQLite when constant, else engine SQL."""
    values = [_literal_value(a) for a in args]
    if args and _NOT_LITERAL not in values and not _is_now(values[0]):
        params = ([fmt] if fmt is not None else []) + values
        return _as_literal(_ask(f"SELECT {name}({', '.join('?' * len(params))})", tuple(params)))
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
        value = _rewritten(args[0])
        numeric = first is not None or _is_numeric(value)
        moment = _number_moment(value, first) if numeric else _text_moment(value)
    for op in ops[1:] if first else ops:
        moment = apply(moment, op)
    result = _unshare(output(moment))
    if sum(1 for _ in result.walk()) > _MAX_NODES:
        raise _unsupported("this many date/time modifiers on a value known only at run time "
                           "(the engine would take too long to plan the expression)")
    return result


def _function(name: str) -> Callable[[list[E]], E]:
    def build(args: list[E]) -> E:
        return _call(name, list(args), OUTPUTS[name])
    build.__doc__ = f"SQLite's {name}(time-value, modifier, ...)."
    return build


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
        raise _unsupported("a strftime format that is not a literal")
    pieces = None if fmt is None else parse_format(str(fmt))
    if pieces is None:
        return exp.Null()
    if rest and isinstance(rest[0], exp.CurrentTimestamp) and ("conv", "f") in pieces:
        # strftime('%f') and strftime('%f', CURRENT_TIMESTAMP) reach here alike, and differ
        raise _unsupported("strftime's %f without an explicit time value (write 'now')")
    return _call("strftime", rest, strftime_output(pieces), fmt=str(fmt))


def _current(pattern: str) -> Callable[[list[E]], E]:
    def build(args: list[E]) -> E:
        return _fn("TO_CHAR", _fn("NOW"), pattern)
    build.__doc__ = "SQLite's CURRENT_* keyword: the UTC clock as text, cut to the second."
    return build


DATETIME_FUNCTIONS: dict[str, Callable[[list[E]], E]] = {
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
