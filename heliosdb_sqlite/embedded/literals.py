"""Parameters written into SQL text, for the one transport that has no bind protocol: the REPL.

`render(sql, params)` turns engine SQL with `$n` placeholders into one line the REPL executes as
exactly one statement: every `$n` outside quotes becomes a literal, comments are dropped, newlines
outside strings become spaces, and a string literal holding a character the REPL's line reader
would mangle (anything below 0x20, DEL) is re-emitted in `U&'…'` form. The rules, measured on Nano
4.31.1, are in docs/repl-transport.md §3 and §7.
"""
from __future__ import annotations

import math
import re
from typing import Any, Sequence

from ..engine import ENGINE_TEXT_REWRITES, escape_char, unicode_body

_INT64_MIN, _INT64_MAX = -(2 ** 63), 2 ** 63 - 1
# Characters the REPL's line discipline cannot carry raw: line breaks end the input line,
# backspace edits it, the others are dropped or mangled by the terminal layer.
_UNSAFE = re.compile(r"[\x00-\x1f\x7f]")
_NOT_ASCII_OR_UNSAFE = re.compile(r"[^\x20-\x7e]")
# The engine rewrites some spellings inside string literals (engine.ENGINE_TEXT_REWRITES), and the
# REPL sends any statement whose text contains " RETURNING " down its query path, where an
# INSERT's affected-row count is lost: a string holding one spells its first letter escaped.
_SHIELDED = re.compile(ENGINE_TEXT_REWRITES + r"|returning", re.I)
_FLOAT_WORDS = {math.inf: "'Infinity'", -math.inf: "'-Infinity'"}


def literal(value: Any, bare_int: str = "") -> str:
    """One SQL literal for a bound value; `bare_int` is "LIMIT" or "OFFSET" after those words,
    which take neither a CAST nor a NULL literal."""
    if value is None:
        # a NULL limit is no limit, as a bound parameter; as a literal the engine refuses it
        return ("ALL" if bare_int == "LIMIT" else "0" if bare_int else "NULL")
    if value is True:
        return "TRUE"
    if value is False:
        return "FALSE"
    if isinstance(value, int):
        if not _INT64_MIN <= value <= _INT64_MAX:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        # A bare small literal is int4 in the engine, and int4 constant arithmetic wraps.
        return str(int(value)) if bare_int else f"CAST({int(value)} AS BIGINT)"
    if isinstance(value, float):
        if math.isnan(value):
            return "CAST('NaN' AS DOUBLE PRECISION)"
        if math.isinf(value):
            return f"CAST({_FLOAT_WORDS[value]} AS DOUBLE PRECISION)"
        text = repr(value)
        if "." not in text and "e" not in text:
            text += ".0"
        # parenthesised so that `5-$1` cannot become the comment `5--1.5`
        return f"({text})" if text[0] == "-" else text
    if isinstance(value, str):
        return string_literal(value)
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"'\\x{bytes(value).hex()}'::bytea"
    raise TypeError(f"no SQL literal for a {type(value).__name__}")


def string_literal(text: str) -> str:
    if _UNSAFE.search(text) is None and _SHIELDED.search(text) is None:
        return "'" + text.replace("'", "''") + "'"
    return "U&'" + unicode_body(text, _SHIELDED).replace("'", "''") + "'"


# Engine SQL (PostgreSQL-flavoured, as the rewrite emits it). Strings are kept whole so that a
# `$1` or `--` inside one is never touched; E'…' allows backslash escapes.
_TOKEN = re.compile(
    r"""
    (?P<comment>--[^\n]*|/\*.*?(?:\*/|\Z))
  | (?P<estring>[eE]'(?:[^'\\]|\\.|'')*')
  | (?P<ustring>[uU]&'(?:[^']|'')*')
  | (?P<string>'(?:[^']|'')*')
  | (?P<quoted>"(?:[^"]|"")*")
  | (?P<param>\$\d+)
  | (?P<word>[A-Za-z_][\w$]*)
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_BARE_INT_AFTER = frozenset(("LIMIT", "OFFSET"))


def render(sql: str, params: Sequence[Any]) -> str:
    """`sql` as one input line for the REPL: literals in place of `$n`, ending in one `;`."""
    compiled = _compiled.get(sql)
    if compiled is None:
        compiled = _compile(sql)
    chunks, slots = compiled
    if not slots:
        return chunks[0]
    out = [chunks[0]]
    for (index, text, clause), chunk in zip(slots, chunks[1:]):
        if not 0 <= index < len(params):
            raise IndexError(f"parameter {text} has no value ({len(params)} supplied)")
        out.append(literal(params[index], clause))
        out.append(chunk)
    return "".join(out)


def parseable(sql: str) -> str:
    """`sql` on one line with a space after every `$n`, without `;`: sqlglot reads `$1,$2` as a
    dollar-quoted string, `$1 ,$2 ` as two parameters."""
    chunks, slots = _compile(sql)
    out = [chunks[0]]
    for (_, text, _), chunk in zip(slots, chunks[1:]):
        out.append(text + " ")
        out.append(chunk)
    return "".join(out)[:-1]


_compiled: dict[str, tuple[list[str], list[tuple[int, str, str]]]] = {}


def _compile(sql: str) -> tuple[list[str], list[tuple[int, str, str]]]:
    """The one-line text of `sql` split at its placeholders: chunks around (index, placeholder
    text, "LIMIT"/"OFFSET"/"") slots. The text does not depend on the values, so it is kept."""
    chunks: list[str] = []
    slots: list[tuple[int, str, str]] = []
    out: list[str] = []
    previous_word = ""
    for m in _TOKEN.finditer(sql):
        kind, text = m.lastgroup, m.group()
        if kind == "param":
            chunks.append("".join(out))
            out = []
            clause = previous_word if previous_word in _BARE_INT_AFTER else ""
            slots.append((int(text[1:]) - 1, text, clause))
        elif kind in ("space", "comment"):
            if out and out[-1] != " " or not out and (slots or chunks):
                out.append(" ")
            continue  # whitespace does not change the previous word
        elif kind == "string" or kind == "ustring":
            clean = _UNSAFE.search(text) is None and _SHIELDED.search(text) is None
            out.append(text if clean else _reencode(text))
        elif kind == "estring":
            # backslash escapes can stand for anything but the raw character itself
            out.append(_UNSAFE.sub(lambda c: f"\\x{ord(c.group()):02x}", text))
        else:
            out.append(text)
        previous_word = text.upper() if kind == "word" else ""
    tail = "".join(out).rstrip()
    while tail.endswith(";"):
        tail = tail[:-1].rstrip()
    chunks.append(tail + ";")
    chunks[0] = chunks[0].lstrip()
    if len(_compiled) > 4096:
        _compiled.clear()
    _compiled[sql] = (chunks, slots)
    return chunks, slots


def _reencode(token: str) -> str:
    """A quoted string with raw control characters or a shielded spelling, in U&'' form."""
    if token[0] in "uU":  # already U&: its escapes stay valid; decode nothing, escape the rest
        body = _NOT_ASCII_OR_UNSAFE.sub(lambda m: escape_char(m.group()), token[3:-1])
        return "U&'" + _SHIELDED.sub(lambda m: escape_char(m.group()[0]) + m.group()[1:], body) + "'"
    return string_literal(token[1:-1].replace("''", "'"))
