"""SQL-level helpers of udf_plan.py: names, the places a construct can be, and the errors."""
from __future__ import annotations

from typing import Any

from sqlglot import exp

from .exceptions import NotSupportedError, OperationalError, make_error

MARK = "hsq_udf_"  # a marked call site: hsq_udf_<n>

# SQLite's built-in functions (core, aggregate, window, date/time, math, JSON): a registered name
# called with an argument count it was not registered for is one of these, or an error.
_BUILTINS = frozenset("""
abs changes char coalesce concat concat_ws format glob hex ifnull iif instr last_insert_rowid
length like likelihood likely load_extension lower ltrim max min nullif octet_length printf
quote random randomblob replace round rtrim sign soundex sqlite_compileoption_get
sqlite_compileoption_used sqlite_offset sqlite_source_id sqlite_version substr substring
total_changes trim typeof unhex unicode unlikely upper zeroblob avg count group_concat string_agg
sum total row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value
nth_value date time datetime julianday unixepoch strftime timediff acos acosh asin asinh atan
atan2 atanh ceil ceiling cos cosh degrees exp floor ln log log10 log2 mod pi pow power radians
sin sinh sqrt tan tanh trunc json json_array json_array_length json_extract json_insert
json_object json_patch json_remove json_replace json_set json_type json_valid json_quote
json_group_array json_group_object json_each json_tree
""".split())

_CLAUSES = {
    "where": "a WHERE clause", "group": "GROUP BY", "having": "HAVING", "order": "ORDER BY",
    "joins": "a JOIN", "from": "FROM", "from_": "FROM", "limit": "LIMIT", "offset": "OFFSET",
    "windows": "a WINDOW clause", "with": "a WITH clause", "with_": "a WITH clause",
    "distinct": "DISTINCT ON", "expressions": "an expression in the SELECT list",
}
_STATEMENTS = {
    exp.Insert: "an INSERT statement", exp.Update: "an UPDATE statement",
    exp.Delete: "a DELETE statement",
}


def fold(name: str) -> bytes:
    """A function or collation name as SQLite matches it: UTF-8, ASCII letters case-folded."""
    return name.encode("utf-8", "surrogatepass").lower()


def marker(text: Any) -> int | None:
    """The call-site number of a marked name, or None."""
    if isinstance(text, str) and text[:len(MARK)].lower() == MARK and text[len(MARK):].isdigit():
        return int(text[len(MARK):])
    return None


def sqlite_builtin(name: str) -> bool:
    return name.lower() in _BUILTINS


def same_expression(a: exp.Expression, b: exp.Expression, sites: list) -> bool:
    """Whether two expressions are the same as SQLite compares ORDER BY terms with result
    columns: identifiers and function names case-insensitively (marked calls by their name)."""
    return a == b or _normal(a, sites) == _normal(b, sites)


def _normal(e: exp.Expression, sites: list) -> str:
    copy = e.copy()
    for ident in copy.find_all(exp.Identifier):
        ident.set("this", ident.this.lower())
    for call in copy.find_all(exp.Anonymous):
        k = marker(call.name)
        call.set("this", (sites[k][0] if k is not None else call.name).lower())
    return copy.sql(dialect="sqlite")


def limit_value(node: exp.Expression, what: str) -> Any:
    """A LIMIT, OFFSET or frame offset the shim applies: an int, or ("param", N)."""
    while isinstance(node, exp.Paren):
        node = node.this
    negative = isinstance(node, exp.Neg)
    if negative:
        node = node.this
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        return -int(node.this) if negative else int(node.this)
    if isinstance(node, exp.Placeholder) and node.name[1:].isdigit() and not negative:
        return ("param", int(node.name[1:]))
    raise unsupported(f"{what} {node.sql(dialect='sqlite')}",
                      "a query whose rows are arranged in Python (a number or a parameter is)")


def construct(node: exp.Expression, root: exp.Expression) -> str:
    """Where `node` is in the statement, for an error message."""
    for cls, text in _STATEMENTS.items():
        if isinstance(root, cls):
            return text
    if isinstance(root, exp.Create):
        return f"CREATE {str(root.args.get('kind') or '').upper()}".rstrip()
    compound = (exp.Union, exp.Intersect, exp.Except)
    path = []  # (ancestor, the child it was reached from), innermost first
    child, parent = node, node.parent
    while parent is not None and child is not root:
        path.append((parent, child))
        child, parent = parent, parent.parent
    if any(isinstance(p, exp.CTE) for p, _ in path):
        return "a WITH clause"
    if isinstance(root, compound):
        return "a compound SELECT"
    if any(isinstance(p, (exp.Select, exp.Subquery)) and p is not root for p, _ in path):
        return "a subquery"
    if not path or not isinstance(root, exp.Select):
        return "this statement"
    key = path[-1][1].arg_key
    if key == "expressions" and any(isinstance(p, exp.Window) for p, _ in path):
        return "a window definition"
    return _CLAUSES.get(key, "this statement")


def unsupported(what: str, where: str) -> NotSupportedError:
    return make_error(NotSupportedError,
                      f"{what} in {where} is not supported by heliosdb_sqlite: the engine cannot "
                      "call back into Python, so registered functions run only as whole items of "
                      "the outermost SELECT list and registered collations only in its ORDER BY")


def missing_collation(name: str) -> OperationalError:
    err = OperationalError(f"no such collation sequence: {name}")
    err.sqlite_errorcode = 257  # SQLITE_ERROR_MISSING_COLLSEQ
    err.sqlite_errorname = "SQLITE_ERROR_MISSING_COLLSEQ"
    return err
