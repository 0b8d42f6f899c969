"""SQLite's LIKE and GLOB patterns as regular expressions both engines read alike.

Why regular expressions (engine facts, Nano 4.31.1 and PostgreSQL 16, measured):
- Nano's LIKE and ILIKE never let `%` or `_` match a newline, and Nano ignores an ESCAPE clause
  (backslash is always the escape). ILIKE folds non-ASCII letters too on both engines.
- `~` is Rust's regex on Nano and an ARE on PostgreSQL. The subset used here means the same on
  both: `(?s)` first (dot matches newline), `^`/`$` (whole text), `.`, `.*`, bracket classes,
  and every other character written as `\\UXXXXXXXX` (eight hex digits, a literal on both).

SQLite's rules kept (func.c patternCompare):
- LIKE: `%` any text, `_` one character, ASCII letters match either case (only ASCII), an
  ESCAPE character makes the next one literal; an escape with nothing after it matches nothing.
- GLOB: case-sensitive; `*`, `?`, and `[...]`: `^` first inverts, `]` first is a member, `a-z`
  is a range unless `-` is first or last (a range from high to low holds nothing), no escape
  character; a class left open matches nothing.
A NULL operand gives NULL: the engine's `~` does too.

A pattern given as a parameter (`x LIKE ?`, `x GLOB ?`) is matched the same way: the statement
says `x ~ $n` and the bound value becomes its regular expression at bind time (a coercion of kind
`like`, `like:<escape>` or `glob`, which values.COERCIONS makes on first use). Any other
pattern known only at run time (a column, an expression) goes to the engine's ILIKE (LIKE) or
LIKE (GLOB, which then takes no class), with newlines made a character Nano's `%` matches.
"""
from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from sqlglot import exp

from ..values import float_text
from .transforms_base import Context

FLAGS = "(?s)"


def char(ch: str) -> str:
    """One literal character of a regular expression, the same on both engines."""
    if ch.isascii() and ch.isalnum():
        return ch
    return f"\\U{ord(ch):08X}"


def _anchored(atoms: list[str]) -> str:
    """The atoms matched against the whole text; a leading or trailing `.*` needs no anchor."""
    start, end = "^", "$"
    if atoms and atoms[0] == ".*":
        atoms, start = atoms[1:], ""
    if atoms and atoms[-1] == ".*":
        atoms, end = atoms[:-1], ""
    return FLAGS + start + "".join(atoms) + end


NEVER = FLAGS + ".^"  # no text matches: `^` after a character


# A pattern bound as a parameter is read again at every execution (a search box repeats its
# few patterns): the regular expressions are kept for the latest ones.
@lru_cache(maxsize=512)
def like_regex(pattern: str, escape: str | None) -> str:
    """The regular expression for a SQLite LIKE pattern (ASCII letters in either case)."""
    atoms = []
    chars = iter(pattern)
    for ch in chars:
        if ch == escape:
            ch = next(chars, None)
            if ch is None:
                return NEVER
        elif ch == "%":
            if not atoms or atoms[-1] != ".*":
                atoms.append(".*")
            continue
        elif ch == "_":
            atoms.append(".")
            continue
        if ch.isascii() and ch.isalpha():
            atoms.append(f"[{ch.lower()}{ch.upper()}]")
        else:
            atoms.append(char(ch))
    return _anchored(atoms)


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> str:
    """The regular expression for a SQLite GLOB pattern."""
    atoms = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        i += 1
        if ch == "*":
            if not atoms or atoms[-1] != ".*":
                atoms.append(".*")
        elif ch == "?":
            atoms.append(".")
        elif ch == "[":
            atom, i = _glob_class(pattern, i)
            if atom is None:
                return NEVER
            atoms.append(atom)
        else:
            atoms.append(char(ch))
    return _anchored(atoms)


def _glob_class(pattern: str, i: int) -> tuple[str | None, int]:
    """The class opened before pattern[i], and the index after its `]`; None when the class
    is never closed."""
    invert = i < len(pattern) and pattern[i] == "^"
    i += invert
    members: list[str] = []
    if i < len(pattern) and pattern[i] == "]":
        members.append(char("]"))
        i += 1
    prior = None  # the last single member, which a following `-` makes the start of a range
    while i < len(pattern) and pattern[i] != "]":
        ch = pattern[i]
        if ch == "-" and prior is not None and i + 1 < len(pattern) and pattern[i + 1] != "]":
            high = pattern[i + 1]
            if prior <= high:  # the low end stays a member alone: SQLite's [z-a] holds z
                members.append(char(prior) + "-" + char(high))
            prior = None
            i += 2
            continue
        members.append(char(ch))
        prior = ch
        i += 1
    if i >= len(pattern):
        return None, i
    return "[" + ("^" if invert else "") + "".join(members) + "]", i + 1


LIKE_KIND = "like"
GLOB_KIND = "glob"


def like_kind(escape: str | None) -> str:
    """The coercion kind of a LIKE pattern parameter with this ESCAPE character (None: none)."""
    return LIKE_KIND if escape is None else f"{LIKE_KIND}:{escape}"


def pattern_coercion(kind: str) -> Callable[[Any], Any] | None:
    """The coercion of a pattern kind: a bound value to the regular expression it stands for
    (None for a kind that is not a pattern's)."""
    if kind == GLOB_KIND:
        return lambda value: _bound_regex(value, glob_regex)
    if kind == LIKE_KIND:
        return lambda value: _bound_regex(value, like_regex, None)
    if kind.startswith(LIKE_KIND + ":") and len(kind) == len(LIKE_KIND) + 2:
        escape = kind[-1]
        return lambda value: _bound_regex(value, like_regex, escape)
    return None


def _bound_regex(value: Any, regex: Callable[..., str], *escape: str | None) -> str | None:
    """SQLite reads a pattern by its text: an integer's digits, a real as SQLite prints it.
    NULL stays NULL (no match is known). SQLite (built, as here, with LIKE_DOESNT_MATCH_BLOBS)
    says a blob pattern matches nothing."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value
    elif isinstance(value, (bytes, bytearray, memoryview)):
        return NEVER
    elif isinstance(value, float):
        if value != value:  # noqa: PLR0124 - NaN, which binds as NULL
            return None
        text = float_text(value)
    else:
        text = str(int(value))
    return regex(text, *escape)


def pattern_params(tree: exp.Expression) -> dict[int, str]:
    """The parameters whose every use is the pattern of a LIKE (with one ESCAPE character or
    none) or of a GLOB, with the coercion kind for them. A parameter used anywhere else too (its
    value also means itself there), or as a pattern of two kinds, is left out: its value is one
    for all its places."""
    kinds: dict[int, str | None] = {}
    for ph in tree.find_all(exp.Placeholder):
        name = ph.name
        if not (name[:1] == "p" and name[1:].isdigit()):
            continue
        index = int(name[1:])
        kind = _use_kind(ph)
        if kinds.get(index, kind) != kind:
            kind = None
        kinds[index] = kind
    return {index: kind for index, kind in kinds.items() if kind is not None}


def _use_kind(ph: exp.Placeholder) -> str | None:
    """The pattern kind of this use of a parameter; None when it is not a pattern."""
    parent = ph.parent
    if ph.arg_key != "expression":
        return None
    if isinstance(parent, exp.Glob):
        return GLOB_KIND
    if not isinstance(parent, exp.Like):
        return None
    holder = parent.parent
    if not isinstance(holder, exp.Escape) or holder.this is not parent:
        return like_kind(None)
    escape = holder.expression
    if isinstance(escape, exp.Literal) and escape.is_string and len(escape.this) == 1:
        return like_kind(escape.this)
    return None  # ESCAPE NULL, a run-time or a malformed escape: decided where LIKE is


def as_text(node: exp.Expression) -> exp.Expression:
    """SQLite matches any value by its text; the engines' `~` takes text only."""
    if isinstance(node, exp.Literal) and node.is_string:
        return node
    return exp.Cast(this=node, to=exp.DataType.build("TEXT"))


def matches(subject: exp.Expression, regex: exp.Expression, negate: bool) -> exp.Expression:
    """`subject ~ regex`, negated if asked, parenthesised to stand anywhere an operand can."""
    if not isinstance(regex, (exp.Literal, exp.Null)):
        regex = exp.Paren(this=regex)  # `~` and `||` bind alike on PostgreSQL
    node: exp.Expression = exp.RegexpLike(this=as_text(subject), expression=regex)
    if negate:
        node = exp.Not(this=node)
    return exp.Paren(this=node)


def replace(node: exp.Expression, old: exp.Expression | str,
            new: exp.Expression | str) -> exp.Expression:
    """REPLACE(node, old, new); a str is a string literal."""
    old = exp.Literal.string(old) if isinstance(old, str) else old
    new = exp.Literal.string(new) if isinstance(new, str) else new
    return exp.Anonymous(this="REPLACE", expressions=[node, old, new])


# What a newline becomes in both operands of Nano's LIKE and ILIKE, whose `%` and `_` never
# match a newline (as U&'' escapes): U+FFFF, a noncharacter, which text holds only by mistake,
# so a pattern's newline matches nothing else.
_NEWLINE, _NEWLINE_STAND_IN = "\\000a", "\\ffff"


def one_line(node: exp.Expression, dialect: str) -> exp.Expression:
    """An operand of the engine's LIKE or ILIKE with its newlines made one character that `%`
    and `_` match, on Nano (PostgreSQL's match newlines already)."""
    if dialect == "postgres":
        return node
    return replace(node, exp.UnicodeString(this=_NEWLINE),
                   exp.UnicodeString(this=_NEWLINE_STAND_IN))


def runtime_glob_like(subject: exp.Expression, pattern: exp.Expression,
                      dialect: str) -> exp.Expression:
    """A GLOB pattern known only at run time as the engine's LIKE (case-sensitive on both, with
    backslash its escape), without classes: `\\`, `%` and `_` made literal, then `*` and `?` the
    wildcards. Five REPLACE calls deep (Nano plans deep nesting slowly)."""
    like = as_text(pattern)
    for ch in "\\%_":
        like = replace(like, ch, "\\" + ch)
    like = replace(replace(like, "*", "%"), "?", "_")
    return exp.Like(this=one_line(as_text(subject), dialect), expression=one_line(like, dialect))


def bound_pattern(pattern: exp.Expression, kinds: dict[int, str], ctx: Context) -> bool:
    """True if `pattern` is a parameter whose value becomes its regular expression when it is
    bound (see pattern_params), which the plan is then told to do; the plan must be able to
    carry the coercion (ctx.coercions is not None). The match names it as text
    (as_text): a Nano server describes a comparison with a bare parameter in it as text, and
    sends 't'/'f' for it."""
    if ctx.coercions is None or not isinstance(pattern, exp.Placeholder):
        return False
    index = int(pattern.name[1:]) if pattern.name[1:].isdigit() else None
    kind = kinds.get(index)
    if kind is None:
        return False
    if (index, kind) not in ctx.coercions:
        ctx.coercions.append((index, kind))
    return True


def glob(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's GLOB (and NOT GLOB, read as NOT over GLOB), which the engines do not have."""
    kinds = pattern_params(tree)
    for node in list(tree.find_all(exp.Glob)):
        pattern = node.expression
        if isinstance(pattern, exp.Null):
            regex: exp.Expression = pattern
        elif bound_pattern(pattern, kinds, ctx):
            regex = as_text(pattern)
        elif isinstance(pattern, exp.Literal) and pattern.is_string:
            regex = exp.Literal.string(glob_regex(pattern.this))
        else:
            node.replace(_runtime_glob(node.this, pattern, ctx.dialect))
            continue
        node.replace(matches(node.this, regex, False))
    return tree


def _runtime_glob(subject: exp.Expression, pattern: exp.Expression,
                  dialect: str) -> exp.Expression:
    """A run-time pattern: exact without `[`; with one, the statement fails with an engine error
    naming the pattern rather than match `[` as a plain character. The failure is a cast of text
    built from the pattern, so PostgreSQL cannot fold it when it plans the statement, and to
    DATE, whose error no rule in errors.py takes for another one."""
    has_class = exp.GT(this=exp.Anonymous(this="STRPOS", expressions=[
        as_text(pattern.copy()), exp.Literal.string("[")]), expression=exp.Literal.number(0))
    message = exp.DPipe(this=exp.DPipe(this=exp.Literal.string("GLOB pattern "),
                                       expression=as_text(pattern.copy())),
                        expression=exp.Literal.string(
                            " has a character class ([...]): heliosdb_sqlite takes classes only "
                            "in a pattern written in the SQL text"))
    failure = exp.Is(this=exp.Cast(this=message, to=exp.DataType.build("DATE")),
                     expression=exp.Null())
    match = runtime_glob_like(subject, pattern, dialect)
    return exp.Paren(this=exp.Case(ifs=[exp.If(this=has_class, true=failure)], default=match))
