"""SQLite's built-in functions that the engine lacks or computes differently: one table.

Each entry maps a SQLite function name (lower-case) to a builder from the call's argument
expressions to an engine expression. Functions whose value is connection state (changes(),
last_insert_rowid(), total_changes()) become parameters the connection fills at execution.
"""
from __future__ import annotations

from typing import Callable

from sqlglot import exp

from ..values import CANONICAL_INT, CANONICAL_REAL, HEX_BLOB
from .collate import _Scope
from .transforms_base import Context
from .types import BLOB, NUMERIC

Builder = Callable[[list[exp.Expression]], exp.Expression]


def _case(pairs: list[tuple[exp.Expression, exp.Expression]], default: exp.Expression) -> exp.Case:
    return exp.Case(ifs=[exp.If(this=c, true=v) for c, v in pairs], default=default)


def _type_name(x: exp.Expression) -> exp.Expression:
    """The engine's type name of X as text (PostgreSQL's pg_typeof() is a regtype, which compares
    with a string only by looking the string up as a type name)."""
    return exp.Cast(this=exp.Anonymous(this="pg_typeof", expressions=[x.copy()]),
                    to=exp.DataType.build("TEXT"))


def _typeof(args: list[exp.Expression]) -> exp.Expression:
    """typeof(X) from the engine's type of X. A typeless column's text (marked DYNAMIC by
    sqlite_functions) is the class its canonical form reads back as (values.dynamic_value);
    arithmetic on one (NUMBER_CLASS) the class its NUMERIC's scale shows (rewrite/dynamic_math.py
    carries SQLite's integers as NUMERICs without a point); a NUMERIC-affinity column's double
    is an integer where SQLite would have stored one."""
    x = args[0]
    pg_type = _type_name(x)

    def named(value: exp.Expression, *names: str) -> list[exp.If]:
        return [exp.If(this=exp.Literal.string(n), true=value.copy()) for n in names]
    double = exp.Literal.string("real")
    if x.meta.get(DYNAMIC) == NUMERIC:
        # SQLite's NUMERIC affinity stores a whole real inside the 64-bit range as an integer;
        # the CAST keeps PostgreSQL from refusing trunc() of a text-held column at planning
        whole = _whole_in_range(exp.Cast(this=x.copy(), to=exp.DataType.build("DOUBLE PRECISION")))
        double = _case([(whole, exp.Literal.string("integer"))], exp.Literal.string("real"))
    numeric = exp.Literal.string("real")  # the engine's own NUMERICs (0.0, avg()) have no rule
    if x.meta.get(NUMBER_CLASS):
        numeric = _case([(_integer_text(x), exp.Literal.string("integer"))],
                        exp.Literal.string("real"))
    # one reading of X for its type: a CASE per type name would repeat X (and X can be large)
    by_type = exp.Case(this=pg_type, ifs=[
        *named(exp.Literal.string("integer"), "bigint", "integer", "smallint", "boolean"),
        *named(double, "double precision", "real"), *named(numeric, "numeric"),
        *named(exp.Literal.string("blob"), "bytea")])
    pairs = [(exp.Is(this=x.copy(), expression=exp.Null()), exp.Literal.string("null"))]
    if x.meta.get(DYNAMIC):
        # reached by text only: the column's engine type is TEXT (rewrite/types.py); the CAST
        # keeps PostgreSQL from refusing `~` on the other types at planning. Nano compiles a
        # pattern for each row (~200 us for these), so a row tries the one pattern its first
        # character and its '.' (a real's text always has one, an integer's never) leave open.
        text = exp.Cast(this=x.copy(), to=exp.DataType.build("TEXT"))
        first = exp.Substring(this=text.copy(), start=exp.Literal.number(1),
                              length=exp.Literal.number(1))

        def matches(pattern: str) -> exp.Expression:
            return exp.RegexpLike(this=text.copy(), expression=exp.Literal.string(f"^({pattern})$"))
        no_point = exp.EQ(this=exp.StrPosition(this=text.copy(), substr=exp.Literal.string(".")),
                          expression=exp.Literal.number(0))
        number = _case([(no_point, _case([(matches(CANONICAL_INT), exp.Literal.string("integer"))],
                                         exp.Literal.string("text"))),
                        (matches(CANONICAL_REAL), exp.Literal.string("real"))],
                       exp.Literal.string("text"))
        pairs.append((exp.In(this=first.copy(), expressions=[exp.Literal.string(c)
                                                             for c in "-0123456789"]), number))
        pairs.append((exp.and_(exp.EQ(this=first, expression=exp.Literal.string("\\")),
                               matches(HEX_BLOB)), exp.Literal.string("blob")))
    by_type.set("default", _case(pairs[1:], exp.Literal.string("text")) if len(pairs) > 1
                else exp.Literal.string("text"))
    return _case(pairs[:1], by_type)


def _integer_text(x: exp.Expression) -> exp.Expression:
    """True if a NUMERIC is an integer SQLite can hold: no point in its text (no scale), and
    inside the 64-bit range (SQLite's integer arithmetic overflows to a real past it). By its
    text alone: PostgreSQL plans (and folds, for a constant X) this branch for every type X may
    have, and a cast to a number would fail there. Equal-length digit strings compare as their
    numbers."""
    text = exp.Cast(this=x.copy(), to=exp.DataType.build("TEXT"))
    digits = exp.Anonymous(this="ltrim", expressions=[text.copy(), exp.Literal.string("-")])
    width = len(str(2**63 - 1))
    return exp.and_(
        exp.EQ(this=exp.StrPosition(this=text.copy(), substr=exp.Literal.string(".")),
               expression=exp.Literal.number(0)),
        exp.or_(
            exp.LT(this=exp.Length(this=digits.copy()), expression=exp.Literal.number(width)),
            exp.and_(exp.EQ(this=exp.Length(this=digits.copy()), expression=exp.Literal.number(width)),
                     exp.LTE(this=digits, expression=exp.Literal.string(str(2**63 - 1)))),
            exp.EQ(this=text, expression=exp.Literal.string(str(-2**63)))))


def _whole_in_range(double: exp.Expression) -> exp.Expression:
    """True if a double is a whole number strictly inside the 64-bit range: what SQLite's NUMERIC
    affinity stores as an integer (values.integral_float_to_int)."""
    limit = "9.223372036854775808e18"
    return exp.and_(
        exp.EQ(this=exp.Anonymous(this="trunc", expressions=[double.copy()]), expression=double.copy()),
        exp.GT(this=double.copy(), expression=exp.Neg(this=exp.Literal.number(limit))),
        exp.LT(this=double.copy(), expression=exp.Literal.number(limit)))


def _reads_operand(node: exp.Expression) -> bool:
    """True if the expression reads a typeless or NUMERIC-affinity column as a number
    (dynamic_math's operands: their arithmetic is a NUMERIC whose scale shows the class)."""
    return any(a.name in _OPERANDS for a in node.find_all(exp.Anonymous))


# dynamic_math's marks on a typeless operand and on a double-held NUMERIC-affinity one
_OPERANDS = ("hsq_number", "hsq_held_number")


DYNAMIC = "hsq_dynamic"  # meta key: the affinity of the typeless (text-held) column read
NUMBER_CLASS = "hsq_number_class"  # meta key: a NUMERIC result shows its class by its scale


class _TypeScope(_Scope):
    """Resolves a column through FROM sources, views and subqueries as collations do, but a
    result column's affinity is a column's only when the column is shown as it is (a CAST
    changes the class typeof() sees)."""

    def affinity(self, node: exp.Expression) -> str | None:
        while isinstance(node, exp.Paren):
            node = node.this
        return self.column(node)[1] if isinstance(node, exp.Column) else None


def _reads_dynamic(node: exp.Expression, scope: _TypeScope) -> bool:
    """True if the expression is a column of a typeless (or not plainly numeric NUMERIC)
    declared type, which the engine holds as text: BLOB or NUMERIC affinity held as text."""
    while isinstance(node, exp.Paren):
        node = node.this
    if not isinstance(node, exp.Column):
        return False
    return scope.affinity(node) in (BLOB, NUMERIC)


def _hex(args: list[exp.Expression]) -> exp.Expression:
    """hex(X): the bytes of X (a blob, or the text of any other value) as upper-case hex."""
    x = args[0]
    # a blob's text is its '\\x..' form, which reads back as the same bytes: one cast for every
    # type (PostgreSQL has no cast to bytea from a number type)
    as_bytes = exp.Cast(this=exp.Cast(this=x.copy(), to=exp.DataType.build("TEXT")),
                        to=exp.DataType.build("BYTEA"))
    text = exp.Cast(this=as_bytes, to=exp.DataType.build("TEXT"))
    hex_text = exp.Upper(this=exp.Substring(this=text, start=exp.Literal.number(3)))
    return exp.Coalesce(this=hex_text, expressions=[exp.Literal.string("")])


def _total(args: list[exp.Expression]) -> exp.Expression:
    """total(X): like sum() but always a real, and 0.0 over no rows."""
    arg = args[0]
    distinct = isinstance(arg, exp.Distinct)
    value = arg.expressions[0] if distinct else arg
    cast = exp.Cast(this=value.copy(), to=exp.DataType.build("DOUBLE PRECISION"))
    summed = exp.Sum(this=exp.Distinct(expressions=[cast]) if distinct else cast)
    return exp.Coalesce(this=summed, expressions=[exp.Literal.number("0.0")])


def _zeroblob(args: list[exp.Expression]) -> exp.Expression:
    """zeroblob(N): N zero bytes (the engine reads '\\x0000' text as bytea)."""
    hex_zeros = exp.Anonymous(this="repeat", expressions=[exp.Literal.string("00"), args[0].copy()])
    text = exp.DPipe(this=exp.Literal.string("\\x"), expression=hex_zeros)
    return exp.Cast(this=text, to=exp.DataType.build("BYTEA"))


def _first(args: list[exp.Expression]) -> exp.Expression:
    return args[0].copy()


def _slot(name: str) -> Builder:
    return lambda args: exp.Placeholder(this=name)


FUNCTIONS: dict[str, Builder] = {
    "typeof": _typeof,
    "hex": _hex,
    "total": _total,
    "zeroblob": _zeroblob,
    "likely": _first,
    "unlikely": _first,
    "likelihood": _first,
    "changes": _slot("changes"),
    "total_changes": _slot("total_changes"),
    "last_insert_rowid": _slot("last_insert_rowid"),
    "sqlite_version": lambda args: exp.Literal.string(__import__("sqlite3").sqlite_version),
}


def _arguments(node: exp.Expression) -> list[exp.Expression]:
    """A call's arguments in order; a typed node (exp.Chr, exp.Format, ...) keeps them under
    named keys, some of them lists."""
    if isinstance(node, exp.Anonymous):
        return list(node.expressions)
    out: list[exp.Expression] = []
    for key in node.arg_types:
        value = node.args.get(key)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, exp.Expression):
                out.append(item)
    return out


_TRIM_NAMES = {"LEADING": "ltrim", "TRAILING": "rtrim"}


def _name(node: exp.Expression) -> str:
    """The SQLite function a call node stands for (sqlglot reads ltrim/rtrim as TRIM nodes)."""
    if isinstance(node, exp.Anonymous):
        return node.name.lower()
    if isinstance(node, exp.Trim):
        return _TRIM_NAMES.get(str(node.args.get("position") or "").upper(), "trim")
    return node.sql_name().lower() if hasattr(node, "sql_name") else ""


def sqlite_functions(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Calls of SQLite functions the engine lacks become equivalent engine expressions."""
    from .dynamic_minmax import class_of_extreme  # it reads dynamic_math, which reads this module

    if ctx.dialect == "postgres":
        integer_sums(tree, ctx.catalog)
    # innermost first: a builder copies its arguments, which must already be translated
    scope = _TypeScope(ctx.catalog)
    with dialect_scope(ctx.dialect):
        for node in reversed(list(tree.find_all(exp.Anonymous, exp.Func))):
            name = _name(node)
            builder = FUNCTIONS.get(name)
            if builder is None:
                continue
            args = _arguments(node)
            if name == "typeof" and args:
                extreme = class_of_extreme(args[0], scope)
                if extreme is not None:  # the class of the winning row's value
                    node.replace(extreme)
                    continue
                if _reads_dynamic(args[0], scope):
                    args[0].meta[DYNAMIC] = scope.affinity(args[0])
                elif _reads_operand(args[0]):
                    args[0].meta[NUMBER_CLASS] = True
            node.replace(builder(args))
    return tree


from .datetime import DATETIME_FUNCTIONS, dialect_scope  # noqa: E402 - at the end: datetime imports this module

FUNCTIONS.update(DATETIME_FUNCTIONS)

from .printf import PRINTF_FUNCTIONS  # noqa: E402
from .scalars import SCALAR_FUNCTIONS, integer_sums  # noqa: E402

FUNCTIONS.update({**SCALAR_FUNCTIONS, **PRINTF_FUNCTIONS})

from .json1 import JSON_FUNCTIONS  # noqa: E402

FUNCTIONS.update(JSON_FUNCTIONS)
