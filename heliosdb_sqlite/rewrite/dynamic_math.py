"""Arithmetic on typeless columns: SQLite computes with the number a value stands for.

A typeless (or DATETIME-like) column is held by the engine as text in SQLite's canonical form
(rewrite/types.py is_dynamic, values.dynamic_value). In SQLite's + - * / % and unary -, and in
sum(), total(), avg(), abs() and round(), such a value is its number: an integer's text is an
INTEGER, a real's a REAL, other text its numeric prefix ('12abc' is 12, 'abc' 0), NULL stays NULL.

The number is a NUMERIC on every engine: PostgreSQL needs one type per expression, and NUMERIC
keeps the int-vs-real class in its scale (2 + 1 is 3, 2.0 + 1 is 3.0; sum() of integers has no
scale), which the result's text shows and values.numeric_text reads back. Integer / integer and %
are made integer operations again. No per-row regular expression but for exponent forms.
"""
from __future__ import annotations

from sqlglot import exp

from .functions import _TypeScope
from .transforms_base import Context
from .types import BLOB, INTEGER, NUMERIC, REAL, is_dynamic

NUMBER = "hsq_number"  # meta key: the expression is a NUMERIC standing for a SQLite number
NUMERIC_RESULT = "hsq_numeric"  # meta key on a projection: its value is NUMERIC text

_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg)
_NUMERIC_CALLS = (exp.Sum, exp.Avg, exp.Abs, exp.Round)
_DIGITS = "0123456789"
_EXPONENT_REAL = "^-?[0-9]\\.[0-9]+e[-+][0-9]+$"  # float_text() past 1e15 / below 1e-4


def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _cast(x: exp.Expression, to: str) -> exp.Cast:
    return exp.Cast(this=x, to=exp.DataType.build(to))


def _s(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def number(column: exp.Expression) -> exp.Expression:
    """The NUMERIC a typeless column's text stands for in SQLite arithmetic. Plain decimals
    (every canonical integer and most canonical reals) are cast as they are; an exponent form
    through a double (Nano casts no exponent to NUMERIC), one regular expression for those rows
    only; any other text is its leading digits (SQLite also reads a sign, spaces, a fraction or
    an exponent there)."""
    c = column

    def text() -> exp.Expression:
        return c.copy()
    first = exp.Substring(this=text(), start=exp.Literal.number(1), length=exp.Literal.number(1))
    rest_digits = exp.EQ(this=_fn("ltrim", _fn("replace", exp.Substring(
        this=text(), start=exp.Literal.number(2)), _s("."), _s("")), _s(_DIGITS)),
        expression=_s(""))
    points = exp.Sub(this=exp.Length(this=text()),
                     expression=exp.Length(this=_fn("replace", text(), _s("."), _s(""))))
    plain = exp.and_(
        exp.In(this=first, expressions=[_s(ch) for ch in "-" + _DIGITS]),
        rest_digits,
        exp.LTE(this=points, expression=exp.Literal.number(1)),
        exp.Not(this=exp.In(this=text(), expressions=[_s("-"), _s("-.")])))
    digits = exp.Sub(this=exp.Length(this=text()),
                     expression=exp.Length(this=_fn("ltrim", text(), _s(_DIGITS))))
    prefix = _cast(exp.DPipe(this=_s("0"), expression=exp.Substring(
        this=text(), start=exp.Literal.number(1), length=digits)), "NUMERIC")
    exponent = exp.Add(this=_cast(_cast(text(), "DOUBLE PRECISION"), "NUMERIC"),
                       expression=_cast(exp.Literal.number("0.0"), "NUMERIC"))
    is_exponent = exp.RegexpLike(this=text(), expression=_s(_EXPONENT_REAL))
    out = exp.Case(ifs=[
        exp.If(this=plain, true=_cast(text(), "NUMERIC")),
        exp.If(this=exp.GT(this=exp.StrPosition(this=text(), substr=_s("e")),
                           expression=exp.Literal.number(0)),
               true=exp.Case(ifs=[exp.If(this=is_exponent, true=exponent)], default=prefix.copy())),
    ], default=prefix)
    out.meta[NUMBER] = True
    return out


def _text_held(column: exp.Column, scope: _TypeScope, tree: exp.Expression) -> bool:
    """True if the column is a typeless (text-held) one: BLOB or NUMERIC affinity, and not a
    table column whose declared type the engine holds as bytes or numbers."""
    if scope.affinity(column) not in (BLOB, NUMERIC):
        return False
    qualifier = column.table.lower()
    for table in tree.find_all(exp.Table):
        if qualifier and qualifier not in (table.name.lower(), (table.alias or "").lower()):
            continue
        info = scope.catalog.relation(table.name)
        declared = info.column(column.name) if info is not None else None
        if declared is not None:
            return is_dynamic(declared.decltype)
    return True


def _bare(node: exp.Expression) -> exp.Expression:
    while isinstance(node, exp.Paren):
        node = node.this
    return node


def _numeric_place(column: exp.Column) -> bool:
    """True where SQLite reads the column's value as a number: an operand of arithmetic, or the
    argument of sum/total/avg/abs/round."""
    parent = column.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    if isinstance(parent, _ARITHMETIC) or isinstance(parent, _NUMERIC_CALLS):
        return True
    if isinstance(parent, exp.Anonymous) and parent.name.lower() == "total":
        return True
    return False


def _is_number(node: exp.Expression) -> bool:
    node = _bare(node)
    if node.meta.get(NUMBER):
        return True
    if isinstance(node, _ARITHMETIC):
        return any(_is_number(child) for child in (node.this, node.args.get("expression"))
                   if isinstance(child, exp.Expression))
    return isinstance(node, exp.Abs) and _is_number(node.this)


def _static_class(node: exp.Expression, scope: _TypeScope) -> str | None:
    """INTEGER or REAL where the operand's class is known without looking at its value."""
    node = _bare(node)
    if isinstance(node, exp.Literal) and not node.is_string:
        return REAL if any(ch in node.this for ch in ".eE") else INTEGER
    if isinstance(node, exp.Column) and not node.meta.get(NUMBER):
        affinity = scope.affinity(node)
        return affinity if affinity in (INTEGER, REAL) else None
    return None


def _integral(node: exp.Expression, scope: _TypeScope) -> exp.Expression | None:
    """A condition true when the operand's value is an integer (None: always). A NUMERIC's text
    has a point exactly when it has a scale, i.e. stands for a real."""
    if _static_class(node, scope) == INTEGER:
        return None
    return exp.EQ(this=exp.StrPosition(this=_cast(node.copy(), "TEXT"), substr=_s(".")),
                  expression=exp.Literal.number(0))


def _division(node: exp.Div, scope: _TypeScope) -> exp.Expression:
    """SQLite: integer / integer is an integer, truncated toward zero; NUMERIC's / is exact."""
    left, right = node.this, node.expression
    if REAL in (_static_class(left, scope), _static_class(right, scope)):
        return node
    tests = [t for t in (_integral(left, scope), _integral(right, scope)) if t is not None]
    whole = _fn("trunc", node.copy())
    if not tests:
        return whole
    return exp.Case(ifs=[exp.If(this=exp.and_(*tests), true=whole)], default=node.copy())


def _remainder(node: exp.Mod) -> exp.Expression:
    """SQLite's % works on the operands' integer parts (Nano's % takes only integers)."""
    def whole(x: exp.Expression) -> exp.Expression:
        return _cast(_fn("trunc", x.copy()), "BIGINT")
    return _cast(exp.Mod(this=whole(node.this), expression=whole(node.expression)), "NUMERIC")


def _canonical_text(value: exp.Expression) -> exp.Expression:
    """A NUMERIC as SQLite's text of the number it stands for: NUMERIC's scale can leave
    trailing zeros (2.5 * 2.0 is 5.00), SQLite's real text has none but the one of '.0'."""
    text = _cast(value, "TEXT")
    trimmed = _fn("rtrim", text.copy(), _s("0"))
    ends_in_point = exp.EQ(this=exp.Substring(this=trimmed.copy(), start=exp.Length(
        this=trimmed.copy())), expression=_s("."))
    has_point = exp.GT(this=exp.StrPosition(this=text.copy(), substr=_s(".")),
                       expression=exp.Literal.number(0))
    return exp.Case(ifs=[
        exp.If(this=exp.Not(this=has_point), true=text.copy()),
        exp.If(this=ends_in_point, true=exp.DPipe(this=trimmed.copy(), expression=_s("0"))),
    ], default=trimmed)


_OPERAND = "hsq_number"  # a placeholder call: sqlite_functions must not rewrite number()'s calls


def dynamic_operands(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Marks each typeless column SQLite reads as a number (arithmetic, sum/total/avg/abs/round);
    dynamic_arithmetic() makes it one after sqlite_functions, whose builders take it as it is."""
    scope = _TypeScope(ctx.catalog)
    for column in [c for c in tree.find_all(exp.Column)
                   if _numeric_place(c) and _text_held(c, scope, tree)]:
        column.replace(exp.Anonymous(this=_OPERAND, expressions=[column.copy()]))
    return tree


def dynamic_arithmetic(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """The marked typeless columns become their numbers; SQLite's integer division and %."""
    operands = [n for n in tree.find_all(exp.Anonymous) if n.name == _OPERAND]
    if not operands:
        return tree
    scope = _TypeScope(ctx.catalog)
    for operand in operands:
        operand.replace(number(operand.expressions[0].copy()))
    # innermost first: an outer operation reads the rewritten inner one
    for node in reversed(list(tree.find_all(exp.Div, exp.Mod))):
        if not any(_is_number(x) for x in (node.this, node.expression)):
            continue
        node.replace(_division(node, scope) if isinstance(node, exp.Div) else _remainder(node))
    for node in list(tree.find_all(exp.Avg)):
        if _is_number(node.this) and not isinstance(node.parent, exp.Cast):
            node.replace(_cast(node.copy(), "DOUBLE PRECISION"))  # avg() is a real
    _mark_projections(tree)
    _stored_text(tree, scope)
    return tree


def _numeric_result(node: exp.Expression) -> bool:
    node = _bare(node)
    if isinstance(node, exp.Case) and node.args.get("ifs") and all(_numeric_result(i.args["true"])
                                                       for i in node.args["ifs"]):
        return True  # a division's two forms
    if isinstance(node, exp.Anonymous) and node.name.lower() == "trunc":
        return _numeric_result(node.expressions[0])
    if isinstance(node, exp.Cast) and node.to.is_type("numeric"):
        return True
    if isinstance(node, exp.Sum):
        return _is_number(node.this)
    return _is_number(node)


def _mark_projections(tree: exp.Expression) -> None:
    """The outermost query's result columns whose value is such a NUMERIC (its text reads back
    as SQLite's integer or real: values.numeric_text)."""
    select = tree
    while isinstance(select, (exp.Union, exp.Subquery)):
        select = select.this
    if not isinstance(select, exp.Select):
        return
    for item in select.expressions:
        inner = item.this if isinstance(item, exp.Alias) else item
        if _numeric_result(inner):
            item.meta[NUMERIC_RESULT] = True


def _stored_text(tree: exp.Expression, scope: _TypeScope) -> None:
    """UPDATE .. SET typeless = <number>: stored as SQLite's text of the number, so it reads
    back (and typeof() sees it) as the integer or real it is."""
    if not isinstance(tree, exp.Update):
        return
    table = tree.this
    info = scope.catalog.relation(table.name) if isinstance(table, exp.Table) else None
    if info is None:
        return
    for assignment in tree.expressions:
        if not isinstance(assignment, exp.EQ) or not _numeric_result(assignment.expression):
            continue
        declared = info.column(assignment.this.name)
        if declared is not None and is_dynamic(declared.decltype):
            assignment.set("expression", _canonical_text(assignment.expression.copy()))


def numeric_shape(tree: exp.Expression, shape):
    """`shape` with values.numeric_text for the result columns dynamic_arithmetic() marked."""
    from dataclasses import replace

    from ..values import numeric_text
    from .select import first_select
    select = first_select(tree)
    if select is None or shape is None or not shape.converters:
        return shape
    marks = [item.meta.get(NUMERIC_RESULT) for item in select.expressions]
    if not any(marks) or len(marks) != len(shape.converters):
        return shape
    converters = tuple(numeric_text if mark else c for mark, c in zip(marks, shape.converters))
    return replace(shape, converters=converters)
