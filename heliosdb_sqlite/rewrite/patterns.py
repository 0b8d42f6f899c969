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
    runs = like_runs(pattern, escape)
    if runs is None:
        return NEVER
    atoms = []
    for i, run in enumerate(runs):
        if i and (not atoms or atoms[-1] != ".*"):
            atoms.append(".*")
        for ch in run:
            if ch is None:
                atoms.append(".")
            elif ch.isascii() and ch.isalpha():
                atoms.append(f"[{ch.lower()}{ch.upper()}]")
            else:
                atoms.append(char(ch))
    return _anchored(atoms)


# A LIKE pattern read as its `%`-separated runs; a run is its characters, None for `_`.
Run = tuple[str | None, ...]


def like_runs(pattern: str, escape: str | None) -> list[Run] | None:
    """The pattern's runs between its `%` wildcards (an escaped character is a literal one);
    None when an escape character ends it (the pattern then matches nothing)."""
    runs: list[Run] = []
    run: list[str | None] = []
    chars = iter(pattern)
    for ch in chars:
        if ch == escape:
            ch = next(chars, None)
            if ch is None:
                return None
        elif ch == "%":
            runs.append(tuple(run))
            run = []
            continue
        elif ch == "_":
            ch = None
        run.append(ch)
    runs.append(tuple(run))
    return runs


# Characters outside ASCII whose lower case holds an ASCII letter (Unicode's full mappings, the
# same in Python and in Nano's Rust): the KELVIN SIGN is 'k', U+0130 is 'i' and a combining dot.
_KELVIN, _DOTTED_I = "\\212A", "\\0130"  # U&'' escapes


def like_fast(subject: exp.Expression, pattern: str, escape: str | None,
              simple: bool) -> exp.Expression | None:
    """A literal LIKE pattern as string functions Nano evaluates fast, exactly as SQLite
    matches, or None (the regular expression is then the match). `subject` is the text matched;
    `simple` says it may be written twice (a column or a literal: the same value each time).

    Nano compiles a `~` pattern again for every row (0.1 ms for a few case classes); lower(),
    left(), right(), strpos() and `=` cost microseconds. The shapes (a literal run L with no `_`):
    'L' is `f(x) = L`, 'L%' `f(left(x, n)) = L`, '%L' `f(right(x, n)) = L`, '%L%'
    `strpos(f(x), L) > 0`, and '%' alone `length(x) >= 0` (true, NULL for NULL). f is nothing
    when L has no ASCII letter, else lower() with L in lower case, exact when L is ASCII only: a
    character of x outside ASCII lowers to no ASCII letter (its run of x then cannot equal L),
    except the KELVIN SIGN ('k') and U+0130 ('i' before a combining dot, so it can only end a
    run strpos finds): a row holding one of those that L needs goes to the regular expression.
    Any other pattern keeps the regular expression, after tests every match passes
    (_prefilter): only the rows they let through compile the expression."""
    runs = like_runs(pattern, escape)
    if runs is None:
        return _no_match(subject)
    if len(runs) > 2:  # `%%` is `%`
        runs = [runs[0], *[run for run in runs[1:-1] if run], runs[-1]]
    regex = exp.Literal.string(like_regex(pattern, escape))
    shape = _shape(subject, runs)
    if shape is not None:
        test, text, contains = shape
        needs = text.lower() if _folded(text) else ""
        guards = [ch for ch, hit in ((_KELVIN, "k" in needs),
                                     (_DOTTED_I, contains and needs.endswith("i"))) if hit]
        if not guards:
            return test
        if not simple:
            return None
        unusual = exp.or_(*[_contains(subject, exp.UnicodeString(this=ch)) for ch in guards])
        return exp.Case(ifs=[exp.If(this=unusual, true=_regex_match(subject, regex))],
                        default=test)
    tests = _prefilter(subject, runs)
    if not tests or not simple:
        return None
    # a CASE: Nano evaluates an AND of three operands in full (it compiles the expression for
    # every row); the tests are NULL only for a NULL subject
    return exp.Case(ifs=[exp.If(this=exp.and_(*tests), true=_regex_match(subject, regex))],
                    default=_no_match(subject))


def _no_match(subject: exp.Expression) -> exp.Expression:
    """False, or NULL for a NULL subject."""
    return exp.LT(this=_call("LENGTH", subject), expression=exp.Literal.number(0))


def _prefilter(subject: exp.Expression, runs: list[Run]) -> list[exp.Expression]:
    """Tests every match passes: the length of a pattern without `%`; the literal characters
    it starts with (or else ends with), as far as _pure takes them; else strpos of the longest
    such stretch of its two longest runs."""
    tests: list[exp.Expression] = []
    if len(runs) == 1:
        tests.append(exp.EQ(this=_call("LENGTH", subject),
                            expression=exp.Literal.number(len(runs[0]))))
    head, tail = _pure_end(runs[0]), _pure_end(runs[-1][::-1])[::-1]
    for text, side in ((head, "LEFT"), (tail, "RIGHT")):
        if text:
            part = _call(side, subject, exp.Literal.number(len(text)))
            tests.append(exp.EQ(this=_fold(part, text),
                                expression=exp.Literal.string(_key_text(text))))
            return tests
    keys = sorted(filter(None, (_key_run([run]) for run in runs)), key=len, reverse=True)
    for key in keys[:2]:  # few rows pass both
        tests.append(_contains(_fold(subject, key), exp.Literal.string(_key_text(key))))
    return tests


def _pure_end(run: Run) -> str:
    """The longest start of the run that is literal characters _pure takes."""
    text = ""
    for ch in run:
        if ch is None or not _pure(text + ch):
            break
        text += ch
    return text


def _shape(subject: exp.Expression,
           runs: list[Run]) -> tuple[exp.Expression, str, bool] | None:
    """The fast test of a pattern with `%` at most at its ends, its literal run, and whether
    the test is strpos (the run may be found anywhere); None for any other pattern."""
    if any(None in run for run in runs) or len(runs) > 3 or len(runs) > 1 and (
            runs[0] and runs[-1] or len(runs) == 3 and (runs[0] or runs[-1])):
        return None
    if len(runs) == 2 and not any(runs):
        return exp.GTE(this=_call("LENGTH", subject), expression=exp.Literal.number(0)), "", False
    text = "".join(max(runs, key=len))  # type: ignore[arg-type]
    if not _pure(text):
        return None
    key = exp.Literal.string(_key_text(text))
    if len(runs) == 3:
        return _contains(_fold(subject, text), key), text, True
    if len(runs) == 1:
        part = subject
    else:
        part = _call("LEFT" if runs[0] else "RIGHT", subject, exp.Literal.number(len(text)))
    return exp.EQ(this=_fold(part, text), expression=key), text, False


def _folded(text: str) -> bool:
    """True if the text is compared in lower case (it has an ASCII letter)."""
    return any(ch.isascii() and ch.isalpha() for ch in text)


def _pure(text: str) -> bool:
    """True if matching the text needs no fold outside ASCII: no ASCII letter, or ASCII only."""
    return text.isascii() or not _folded(text)


def _key_text(text: str) -> str:
    return text.lower() if _folded(text) else text


def _fold(node: exp.Expression, text: str) -> exp.Expression:
    return _call("LOWER", node) if _folded(text) else node


def _key_run(runs: list[Run]) -> str | None:
    """The longest stretch of literal characters every match holds that _pure takes."""
    best = ""
    for run in runs:
        stretch: list[str] = []
        for ch in (*run, None):  # `_` (None) ends a stretch, and so does the run's end
            if ch is not None:
                stretch.append(ch)
                continue
            text = "".join(stretch)
            stretch = []
            for found in (_longest(text, str.isascii),
                          _longest(text, lambda c: not _folded(c))):
                if len(found) > len(best):
                    best = found
    return best or None


def _longest(text: str, keep: Callable[[str], bool]) -> str:
    """The longest stretch of the text whose characters all pass `keep`."""
    best, start = "", 0
    for end in range(len(text) + 1):
        if end == len(text) or not keep(text[end]):
            if end - start > len(best):
                best = text[start:end]
            start = end + 1
    return best


def _call(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=[arg.copy() for arg in args])


def _contains(node: exp.Expression, text: exp.Expression) -> exp.Expression:
    return exp.GT(this=_call("STRPOS", node, text), expression=exp.Literal.number(0))


def _regex_match(subject: exp.Expression, regex: exp.Expression) -> exp.Expression:
    return exp.Paren(this=exp.RegexpLike(this=subject.copy(), expression=regex))


def negated(node: exp.Expression, negate: bool) -> exp.Expression:
    """A condition, negated if asked, parenthesised to stand anywhere an operand can."""
    return exp.Paren(this=exp.Not(this=exp.Paren(this=node)) if negate else node)


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
