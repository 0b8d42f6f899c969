"""Values across the engine seam: Python parameters in, SQLite storage classes out.

One table per direction. In: what sqlite3 binds (after adapters and `__conform__`) and what the
engine is given for it. Out: how an engine value becomes the storage class SQLite would return.
"""
from __future__ import annotations

import re
from sqlite3 import PrepareProtocol
from typing import Any, Callable

from .exceptions import ProgrammingError

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1

# Types bound without looking for an adapter, as sqlite3 does while no base type is adapted.
_BASE_TYPES = frozenset((int, float, str, bytearray))


def _bind_int(value: int) -> int:
    if not _INT64_MIN <= value <= _INT64_MAX:
        raise OverflowError("Python int too large to convert to SQLite INTEGER")
    return int(value)  # bool and int subclasses bind as plain integers, as in SQLite


def _bind_blob(value: Any) -> bytes:
    # The binding reads a bytearray as a VECTOR; SQLite treats every buffer as a BLOB.
    if type(value) is memoryview and not value.c_contiguous:
        # sqlite3 asks for a simple (C-contiguous) buffer
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    return bytes(value)


def _bind_float(value: float) -> float | None:
    return None if value != value else float(value)  # SQLite stores NaN as NULL


# Engine value for each bindable Python type (exact type first, then isinstance in this order).
_BINDERS: tuple[tuple[type, Callable[[Any], Any]], ...] = (
    (int, _bind_int),
    (float, _bind_float),
    (str, str),
    (bytes, _bind_blob),
    (bytearray, _bind_blob),
    (memoryview, _bind_blob),
)
_EXACT_BINDERS: dict[type, Callable[[Any], Any]] = {
    int: _bind_int, float: _bind_float, str: lambda v: v, bytes: lambda v: v,
    bytearray: _bind_blob, memoryview: _bind_blob, type(None): lambda v: v, bool: _bind_int,
}


def adapt(value: Any, adapters: dict, base_types_adapted: bool, position: int = 0) -> Any:
    """The value sqlite3 would bind for `value`: registered adapter, `__adapt__`, `__conform__`.
    As in sqlite3's microprotocols: an adapter's error propagates; a TypeError from __conform__
    means "cannot adapt", leaving the value unbindable (ProgrammingError from bind())."""
    if not base_types_adapted and type(value) in _BASE_TYPES:
        return value
    return _adapted(value, adapters)


def _adapted(value: Any, adapters: dict) -> Any:
    adapter = adapters.get((type(value), PrepareProtocol))
    if adapter is not None:
        return adapter(value)
    adapt_hook = getattr(PrepareProtocol, "__adapt__", None)
    if adapt_hook is not None:
        adapted = adapt_hook(value)
        if adapted is not None:
            return adapted
    conform = getattr(value, "__conform__", None)
    if conform is not None:
        try:
            adapted = conform(PrepareProtocol)
        except TypeError:
            return value
        if adapted is not None:
            return adapted
    return value


def bind(value: Any, position: int) -> Any:
    """The engine value for an adapted parameter; `position` (1-based) names it in errors."""
    if type(value) is str and not value.isascii():
        value.encode("utf-8")  # a lone surrogate is a UnicodeEncodeError, as in sqlite3
    binder = _EXACT_BINDERS.get(type(value))
    if binder is not None:
        return binder(value)
    for typ, binder in _BINDERS:
        if isinstance(value, typ):
            return binder(value)
    raise ProgrammingError(
        f"Error binding parameter {position}: type '{type(value).__name__}' is not supported"
    )


def to_storage(value: Any) -> Any:
    """An engine value as the SQLite storage class it stands for (engine types never leak)."""
    if type(value) is bool:  # PostgreSQL booleans (comparisons, IS, EXISTS) are 1/0 in SQLite
        return int(value)
    return value


def integral_float_to_int(value: Any) -> Any:
    """NUMERIC affinity: a real that is an exact integer is stored (and returned) as an integer."""
    if type(value) is float and value.is_integer() and -2.0**63 < value < 2.0**63:
        return int(value)  # SQLite: strictly inside the 64-bit range
    if type(value) is bool:
        return int(value)
    return value


def as_converter_input(value: Any) -> bytes:
    """What a registered converter receives: the value's text as bytes, as sqlite3_column_blob."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, float):
        return float_text(value).encode("ascii")
    return str(value).encode("ascii")


def float_text(value: float) -> str:
    """SQLite's text form of a REAL ("%!.15g"): 1.0 -> '1.0', 1e20 -> '1.0e+20'."""
    return _sqlite_layout("%.15g" % value)


def _sqlite_layout(text: str) -> str:
    """A "%g" text as SQLite's "%!g" writes it: a '.0' on whole mantissas, Inf/-Inf."""
    if text in ("inf", "-inf"):
        return "Inf" if text == "inf" else "-Inf"
    if "e" in text:
        mantissa, exp = text.split("e")
        if "." not in mantissa:
            mantissa += ".0"
        return f"{mantissa}e{exp}"
    if "." not in text and "n" not in text:
        text += ".0"
    return text


def numeric_text(value: Any) -> Any:
    """A number the engine returned as text (NUMERIC results) as SQLite's integer or real."""
    if type(value) is str:
        try:
            return int(value)
        except ValueError:
            try:
                return float(value)
            except ValueError:
                return value
    return to_storage(value)


def real_text(value: Any) -> Any:
    """A result SQLite always gives as a real (total()), whatever form the engine used."""
    return float(value) if type(value) in (str, int) else value


def _numeric(value: Any, real: bool) -> Any:
    """SQLite's numeric affinity on a value: well-formed numeric text becomes a number."""
    if type(value) is str:
        text = value.strip()
        try:
            number = int(text) if not real else float(text)
        except ValueError:
            try:
                number = float(text)
            except ValueError:
                return value
        if not real and isinstance(number, float) and number.is_integer() \
                and -2**63 <= number < 2**63:
            return int(number)
        return number
    if real and type(value) is int:
        return float(value)
    return value


def _text(value: Any) -> Any:
    """TEXT affinity: numbers are stored as their SQLite text."""
    if type(value) is int:
        return str(value)
    if type(value) is float:
        return float_text(value)
    return value


def _limit(value: Any) -> Any:
    # SQLite: a negative limit is none. LIMIT NULL says so to the engine (a huge number would
    # make Nano's top-k operator allocate for it).
    return None if type(value) is int and value < 0 else value


def _offset(value: Any) -> Any:
    return 0 if type(value) is int and value < 0 else value


def dynamic_real_text(value: float) -> str:
    """A REAL as a dynamic column holds it: SQLite's text (float_text, 15 significant digits)
    when that reads back as the same double, else the first of 16 and 17 digits that does, in
    the same layout. The column must give back the double it was given (SQLite stores 8 bytes)."""
    text = float_text(value)
    if text in ("Inf", "-Inf", "NaN") or float(text) == value:
        return text
    for digits in (16, 17):
        longer = _sqlite_layout("%.*g" % (digits, value))
        if float(longer) == value:
            return longer
    return longer


def _dynamic(value: Any) -> Any:
    """Into a dynamic (text-held) column: numbers as their canonical text (dynamic_real_text)."""
    if type(value) is float:
        return dynamic_real_text(value)
    return _text(value)


def _dynamic_numeric(value: Any) -> Any:
    """NUMERIC affinity into a dynamic column: numeric text becomes a number first ('3.0' -> 3),
    and a whole real an integer (123456789012345.0 -> 123456789012345)."""
    return _dynamic(integral_float_to_int(_numeric(value, real=False)))


def _digits_at_most(limit: str) -> str:
    """A regular expression for the decimal numerals of len(limit) digits that are <= limit."""
    branches = []
    for i, digit in enumerate(limit):
        low = "1" if i == 0 else "0"
        if digit > low:
            rest = len(limit) - i - 1
            branches.append(limit[:i] + f"[{low}-{chr(ord(digit) - 1)}]"
                            + (f"[0-9]{{{rest}}}" if rest else ""))
    return "|".join(branches + [limit])


def _real_pattern(digits: int = 17) -> str:
    """dynamic_real_text()'s forms ("%!.15g", or 16 or 17 digits where 15 do not give the
    double back: at most 17 significant digits, no trailing zero but the one of '.0'): fixed
    notation for exponents -4 to 16, else d.ddde[+-]XX (from e+15)."""
    fixed = [f"0\\.(0|0{{0,3}}[1-9]([0-9]{{0,{digits - 2}}}[1-9])?)"]
    for width in range(1, digits + 1):  # digits before the point
        rest = digits - 1 - width  # fraction digits before the last, nonzero one
        fraction = "0" + ("|" + (f"[0-9]{{0,{rest}}}" if rest else "") + "[1-9]"
                          if width < digits else "")
        fixed.append("[1-9]" + (f"[0-9]{{{width - 1}}}" if width > 1 else "")
                     + f"\\.({fraction})")
    exponent = "e(-(0[5-9]|[1-9][0-9]|[12][0-9][0-9]|3[01][0-9]|32[0-4])" \
               "|\\+(1[5-9]|[2-9][0-9]|[12][0-9][0-9]|30[0-8]))"
    return ("-?(" + "|".join(fixed) + f"|[1-9]\\.(0|[0-9]{{0,{digits - 2}}}[1-9])" + exponent
            + ")")


# A dynamic column's text that is exactly SQLite's canonical text of a 64-bit integer or of a
# real (dynamic_real_text), or the engine's text of bytes, is that class again: dynamic_value(),
# typeof() in the engine (rewrite/functions.py). One definition for both, so plain regular
# expressions that Python, Rust's regex (Nano's ~) and PostgreSQL's ARE read alike: groups,
# classes, bounded repeats, alternation and the one escape \\. (and \\\\, \\+).
CANONICAL_INT = "-?(0|[1-9][0-9]{0,17}|" + _digits_at_most(str(2**63 - 1)) + ")|-" + str(2**63)
CANONICAL_REAL = _real_pattern()
HEX_BLOB = "\\\\x([0-9a-f]{2})*"

_CANONICAL_INT = re.compile(f"(?:{CANONICAL_INT})\\Z")
_CANONICAL_REAL = re.compile(f"(?:{CANONICAL_REAL})\\Z")
_HEX_BLOB = re.compile(f"(?:{HEX_BLOB})\\Z")


def dynamic_value(value: Any) -> Any:
    """A value read from a dynamic column: text that is exactly SQLite's canonical form of an
    integer, a real or (as the engine writes bytes into text) a blob is that class again."""
    if type(value) is not str or not value:
        return to_storage(value)
    first = value[0]
    if first.isdigit() or first == "-":
        if _CANONICAL_INT.match(value):
            return int(value)
        if _CANONICAL_REAL.match(value):
            real = float(value)
            # 16 or 17 digits only where 15 would not do: the longer texts are checked
            digits = value.partition("e")[0].lstrip("-").replace(".", "").lstrip("0")
            if len(digits) <= 15 or dynamic_real_text(real) == value:
                return real
    elif first == "\\" and _HEX_BLOB.match(value):
        return bytes.fromhex(value[2:])
    return value


class _Coercions(dict):
    """The coercions by kind. A LIKE or GLOB pattern's kind (`like`, `like:<escape>`, `glob`:
    one per escape character) is made the first time a plan names it."""

    def __missing__(self, kind: str) -> Callable[[Any], Any]:
        from .rewrite.patterns import pattern_coercion  # rewrite/ reads this module

        coerce = pattern_coercion(kind)
        if coerce is None:
            raise KeyError(kind)
        self[kind] = coerce
        return coerce


# What a parameter bound to a given place becomes: a column of an affinity, LIMIT/OFFSET, or
# the pattern of a LIKE or GLOB (its regular expression, rewrite/patterns.py).
COERCIONS: dict[str, Callable[[Any], Any]] = _Coercions({
    "DYNAMIC": _dynamic,
    "DYNAMIC_NUMERIC": _dynamic_numeric,
    "INTEGER": lambda v: _numeric(v, real=False),
    "NUMERIC": lambda v: _numeric(v, real=False),
    "REAL": lambda v: _numeric(v, real=True),
    "TEXT": _text,
    "limit": _limit,
    "offset": _offset,
})
