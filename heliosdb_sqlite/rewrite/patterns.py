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
"""
from __future__ import annotations

from sqlglot import exp

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


def _replace(node: exp.Expression, old: str, new: str) -> exp.Expression:
    return exp.Anonymous(this="REPLACE", expressions=[node, exp.Literal.string(old),
                                                      exp.Literal.string(new)])


# characters a run-time GLOB pattern may hold that are special in a regular expression, with
# their literal spelling; `\\` first, so the escapes added after it stay escapes
_RUNTIME_SPECIAL = "\\.+()[]{}|^$"


def runtime_glob_regex(pattern: exp.Expression) -> exp.Expression:
    """The regular expression for a GLOB pattern known only at run time, without classes."""
    node = as_text(pattern)
    for ch in _RUNTIME_SPECIAL:
        node = _replace(node, ch, char(ch))
    node = _replace(_replace(node, "*", ".*"), "?", ".")
    return exp.DPipe(this=exp.DPipe(this=exp.Literal.string(FLAGS + "^"), expression=node),
                     expression=exp.Literal.string("$"))


def glob(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's GLOB (and NOT GLOB, read as NOT over GLOB), which the engines do not have."""
    for node in list(tree.find_all(exp.Glob)):
        pattern = node.expression
        if isinstance(pattern, exp.Null):
            regex: exp.Expression = pattern
        elif isinstance(pattern, exp.Literal) and pattern.is_string:
            regex = exp.Literal.string(glob_regex(pattern.this))
        else:
            node.replace(_runtime_glob(node.this, pattern))
            continue
        node.replace(matches(node.this, regex, False))
    return tree


def _runtime_glob(subject: exp.Expression, pattern: exp.Expression) -> exp.Expression:
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
    match = matches(subject, runtime_glob_regex(pattern), False)
    return exp.Paren(this=exp.Case(ifs=[exp.If(this=has_class, true=failure)], default=match))
