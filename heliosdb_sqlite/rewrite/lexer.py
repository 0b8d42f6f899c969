"""A small SQLite lexer: just enough to split scripts, find parameters and slice result columns.

sqlglot's parser is used for the translation itself, but it cannot see SQLite's `?NNN`, `:name`,
`@name` and `$name` parameters, and it drops the original text of result columns, which SQLite uses
as column names (`SELECT count( * )` is named "count( * )"). This lexer keeps source spans.
"""
from __future__ import annotations

import re
from typing import NamedTuple


class Token(NamedTuple):
    kind: str  # word, quoted, string, blob, number, param, op, lparen, rparen, comma, semi
    text: str
    start: int
    end: int


_TOKEN = re.compile(
    r"""
    (?P<ws>\s+|--[^\n]*(?:\n|$)|/\*.*?(?:\*/|$))
  | (?P<blob>[xX]'[^']*')
  | (?P<string>'(?:[^']|'')*'?)
  | (?P<quoted>"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?)
  | (?P<number>(?:0[xX][0-9a-fA-F]+)|(?:\d+\.?\d*(?:[eE][+-]?\d+)?)|(?:\.\d+(?:[eE][+-]?\d+)?))
  | (?P<param>\?\d*|[:@$][A-Za-z_\u0080-\U0010ffff][\w$\u0080-\U0010ffff]*(?:::[\w]+)*(?:\([^)]*\))?)
  | (?P<word>[A-Za-z_\u0080-\U0010ffff][\w$\u0080-\U0010ffff]*)
  | (?P<lparen>\()
  | (?P<rparen>\))
  | (?P<comma>,)
  | (?P<semi>;)
  | (?P<op>\|\||<<|>>|<=|>=|==|!=|<>|->>|->|.)
    """,
    re.VERBOSE | re.DOTALL,
)


def tokenize(sql: str) -> list[Token]:
    """Tokens of `sql` without whitespace and comments; every token keeps its source span."""
    out: list[Token] = []
    append = out.append
    for m in _TOKEN.finditer(sql):
        kind = m.lastgroup
        if kind == "ws":
            continue
        append(Token(kind, m.group(), m.start(), m.end()))  # type: ignore[arg-type]
    return out


def unquote(text: str) -> str:
    """The name an identifier token stands for: SQLite accepts "x", `x` and [x]."""
    if text[:1] == '"':
        return text[1:-1].replace('""', '"')
    if text[:1] == "`":
        return text[1:-1].replace("``", "`")
    if text[:1] == "[":
        return text[1:-1]
    return text


def split_statements(sql: str) -> list[str]:
    """The statements of a script, each without its terminating ';'; empty statements dropped.

    A CREATE TRIGGER body holds ';' between BEGIN and END, so those do not end the statement.
    """
    statements: list[str] = []
    start = 0
    in_trigger = False
    depth_begin = 0
    first_words: list[str] = []
    for tok in tokenize(sql):
        if tok.kind == "word" and len(first_words) < 4:
            first_words.append(tok.text.upper())
            if first_words[0] == "CREATE" and "TRIGGER" in first_words:
                in_trigger = True
        if in_trigger and tok.kind == "word":
            word = tok.text.upper()
            if word == "BEGIN":
                depth_begin += 1
            elif word == "END" and depth_begin:
                depth_begin -= 1
        if tok.kind == "semi" and not (in_trigger and depth_begin):
            text = sql[start:tok.start].strip()
            if text:
                statements.append(text)
            start = tok.end
            in_trigger = False
            first_words = []
    tail = sql[start:].strip()
    if tail and tokenize(tail):
        statements.append(tail)
    return statements


def first_statement_end(tokens: list[Token]) -> int | None:
    """Index of the token that ends the first statement (a ';' outside a trigger body), or None."""
    in_trigger = False
    depth_begin = 0
    words = 0
    for i, tok in enumerate(tokens):
        if tok.kind == "word":
            word = tok.text.upper()
            words += 1
            if words <= 4 and word == "TRIGGER" and tokens[0].text.upper() == "CREATE":
                in_trigger = True
            elif in_trigger and word == "BEGIN":
                depth_begin += 1
            elif in_trigger and word == "END" and depth_begin:
                depth_begin -= 1
        elif tok.kind == "semi" and not (in_trigger and depth_begin):
            return i
    return None
