"""Finding this connection's registered functions and collations in a statement.

Function names are found by token before sqlglot parses the statement: each call site of a
registered name becomes a marker function (so a registered `upper` is not sqlglot's Upper), and
markers sqlglot reads as something else (a table named like a function) get their name back.
Then each marked call is matched with a registration by name and argument count, as SQLite
matches (ASCII case-insensitively), and each COLLATE name with a registered or built-in collation;
what does not match gets SQLite's error.
"""
from __future__ import annotations

from typing import Any, NamedTuple

import sqlglot
from sqlglot import exp

from .exceptions import OperationalError, make_error
from .rewrite.lexer import Token, tokenize, unquote
from .rewrite.params import ParamSpec, number
from .udf_sql import MARK, construct, fold, marker, missing_collation, sqlite_builtin, unsupported

_BUILTIN_COLLATIONS = frozenset(("binary", "nocase", "rtrim"))
# Words that are SQL syntax when a parenthesis follows them: never a call of a registered name.
_KEYWORDS = frozenset((
    "and", "as", "by", "case", "cast", "check", "constraint", "default", "else", "exists",
    "foreign", "from", "in", "index", "into", "join", "key", "not", "on", "or", "primary",
    "references", "returning", "select", "table", "then", "unique", "using", "values", "when",
    "where", "window", "with"))
# Operators that call the function of the same name when it is registered.
_OPERATORS = {exp.Like: "like", exp.Glob: "glob", exp.RegexpLike: "regexp", exp.Match: "match"}
_OPERAND_END = frozenset(("quoted", "string", "blob", "number", "param", "rparen"))
_BEFORE_OPERAND = frozenset(("select", "where", "and", "or", "on", "when", "then", "else", "by",
                             "having", "returning", "set", "distinct", "all", "case", "values"))


class Function(NamedTuple):
    kind: str  # "scalar" (create_function), "aggregate" or "window"
    target: Any  # the callable or the class
    deterministic: bool = False


class Statement:
    """A parsed statement and the registered things it uses."""

    def __init__(self, sql: str, tokens: list[Token], tree: exp.Expression, spec: ParamSpec,
                 sites: list[tuple[str, bool]]) -> None:
        self.sql = sql
        self.tokens = tokens
        self.tree = tree
        self.spec = spec
        self.sites = sites
        self.uses: dict[int, tuple[exp.Anonymous, str, Function]] = {}  # id -> node, name, fn
        self.collations: dict[int, tuple[exp.Expression, str]] = {}  # registered COLLATE nodes
        self.handled: set[int] = set()

    def use(self, node: exp.Expression) -> tuple[str, Function] | None:
        found = self.uses.get(id(node))
        return None if found is None else (found[1], found[2])

    def handle_all(self, node: exp.Expression) -> None:
        for sub in node.walk():
            self.handled.add(id(sub))

    def leftovers(self) -> None:
        """NotSupportedError for the first registered function or collation not handled."""
        for key, (node, name, _) in self.uses.items():
            if key not in self.handled:
                raise unsupported(f"user-defined function {name}()", construct(node, self.tree))
        for key, (node, name) in self.collations.items():
            if key not in self.handled:
                raise unsupported(f"collation {name}", construct(node, self.tree))


def parse(sql: str, tokens: list[Token], registry: Any) -> Statement | None:
    """The statement with its registered functions and collations found (None: sqlglot cannot
    parse it, so the normal path reports the error); SQLite's errors for unknown ones."""
    pieces: list[str] = []
    sites: list[tuple[str, bool]] = []
    last = 0
    for i, tok in enumerate(tokens[:-1]):
        if tok.kind not in ("word", "quoted") or tokens[i + 1].kind != "lparen":
            continue
        name = unquote(tok.text)
        lname = name.lower()
        if fold(name) not in registry.names or lname in _KEYWORDS or (
                i and tokens[i - 1].kind == "rparen"):  # `) OVER (`, `) FILTER (`: syntax
            continue
        if lname in _OPERATORS.values() and i and _ends_operand(tokens[i - 1]):
            continue  # `x LIKE (...)`: the operator, found in the tree below
        pieces.append(sql[last:tok.start])
        pieces.append(f"{MARK}{len(sites)}")
        sites.append((name, tok.kind == "quoted"))
        last = tok.end
    marked = "".join(pieces) + sql[last:] if pieces else sql
    text, spec = number(tokenize(marked) if pieces else tokens, marked)
    try:
        tree = sqlglot.parse_one(text, read="sqlite")
    except Exception:  # noqa: BLE001 - not ours to report: the normal path raises its error
        return None
    if tree is None or isinstance(tree, exp.Command):
        return None
    stmt = Statement(sql, tokens, tree, spec, sites)
    if registry.arg_limit is not None:
        _check_arg_limit(stmt, registry.arg_limit)
    _resolve(stmt, registry)
    return stmt


def _ends_operand(tok: Token) -> bool:
    return tok.kind in _OPERAND_END or (
        tok.kind == "word" and tok.text.lower() not in _BEFORE_OPERAND)


def _resolve(stmt: Statement, registry: Any) -> None:
    """Which marked calls are registered functions (and with the right argument count), which
    COLLATE names are registered; SQLite's errors for the rest."""
    for ident in list(stmt.tree.find_all(exp.Identifier)):
        k = marker(ident.this)
        if k is not None:  # a marked name that is not a call: a table, a CTE
            ident.set("this", stmt.sites[k][0])
            ident.set("quoted", stmt.sites[k][1])
    for node in list(stmt.tree.find_all(exp.Anonymous)):
        k = marker(node.name)
        if k is None:
            continue
        name = stmt.sites[k][0]
        nargs = sum(len(a.expressions) if isinstance(a, exp.Distinct) else
                    0 if isinstance(a, exp.Star) else 1 for a in node.expressions)
        fn = registry.functions.get((fold(name), nargs)) or registry.functions.get((fold(name), -1))
        if fn is not None:
            stmt.uses[id(node)] = (node, name, fn)
        elif sqlite_builtin(name):
            node.set("this", name)  # a built-in's other arity: SQLite's own function
        else:
            raise make_error(OperationalError, f"wrong number of arguments to function {name}()")
    for cls, name in _OPERATORS.items():
        for node in stmt.tree.find_all(cls):
            n = 3 if isinstance(node.parent, exp.Escape) else 2
            if (fold(name), n) in registry.functions or (fold(name), -1) in registry.functions:
                raise unsupported(f"the {name.upper()} operator with a user-defined {name}()",
                                  construct(node, stmt.tree))
    for node in stmt.tree.find_all(exp.Collate, exp.CollateColumnConstraint):
        target = node.expression if isinstance(node, exp.Collate) else node.this
        name = target.name
        if name.lower() in _BUILTIN_COLLATIONS and name.isascii():
            continue
        if fold(name) not in registry.collations:
            raise missing_collation(name)
        stmt.collations[id(node)] = (node, name)


def _check_arg_limit(stmt: Statement, limit: int) -> None:
    """SQLITE_LIMIT_FUNCTION_ARG: "too many arguments on function NAME" (NAME as written), for
    every call of a built-in or of a function sqlglot sees as one."""
    called = {site[0].lower() for site in stmt.sites}
    called.update(n.name.lower() for n in stmt.tree.find_all(exp.Anonymous))
    tokens = stmt.tokens
    for i, tok in enumerate(tokens[:-1]):
        if tok.kind != "word" or tokens[i + 1].kind != "lparen" or not (
                sqlite_builtin(tok.text) or tok.text.lower() in called):
            continue
        depth, commas, inside = 0, 0, []
        for t in tokens[i + 1:]:
            depth += (t.kind == "lparen") - (t.kind == "rparen")
            if not depth:
                break
            commas += depth == 1 and t.kind == "comma"
            inside.append(t.text)
        empty = inside in (["("], ["(", "*"])  # f() and count(*) take no arguments
        if (0 if empty else commas + 1) > limit:
            raise make_error(OperationalError, f"too many arguments on function {tok.text}")


def check_index(stmt: Statement) -> None:
    """SQLite refuses non-deterministic functions in an index; the engine keeps a partial index
    without its predicate, so a deterministic one in the WHERE of a non-UNIQUE index is fine."""
    params = stmt.tree.this.args.get("params")
    where = params.args.get("where") if params is not None else None
    for node, name, fn in stmt.uses.values():
        in_where = where is not None and _inside(node, where)
        if not fn.deterministic:
            clause = "partial index WHERE clauses" if in_where else "index expressions"
            raise make_error(OperationalError,
                             f"non-deterministic functions prohibited in {clause}")
        if in_where and fn.kind == "scalar" and not stmt.tree.args.get("unique"):
            stmt.handled.add(id(node))
    stmt.leftovers()


def _inside(node: exp.Expression, ancestor: exp.Expression) -> bool:
    while node is not None:
        if node is ancestor:
            return True
        node = node.parent
    return False
