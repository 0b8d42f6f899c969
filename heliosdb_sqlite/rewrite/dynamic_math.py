"""Arithmetic on typeless columns: SQLite computes with the number a value stands for.

A typeless (or DATETIME-like) column is held by the engine as text in SQLite's canonical form
(rewrite/types.py is_dynamic, values.dynamic_value). In SQLite's + - * / % and unary -, and in
sum(), total(), avg(), abs() and round(), such a value is its number: an integer's text is an
INTEGER, a real's a REAL, other text its numeric prefix ('12abc' is 12, 'abc' 0), NULL stays NULL.

Per row, integer with integer is exact (NUMERIC; / and % as BIGINT's), anything with a real is a
double's operation (0.1 * 0.1 is 0.010000000000000002). Both are carried as one NUMERIC (the
double as the NUMERIC of its shortest text), since PostgreSQL needs one type per expression and a
NUMERIC keeps the int-vs-real class in its scale, which the result's text shows (number_text reads
it back; an UPDATE stores that text). An operand with a static REAL class makes the whole
operation a double. Each operation carries its forms to the enclosing one (_parts), so the SQL
grows linearly with the nesting. No per-row regular expression but for exponent forms.

Known gaps: a real result of 1e15 or more stored back by UPDATE is not SQLite's exponent text;
% of a real past 2**63 overflows BIGINT; text with a fraction after its digits ('12.5abc') reads
as its integer part (SQLite: 12.5).
"""
from __future__ import annotations

from sqlglot import exp

from ..values import numeric_text
from .functions import _TypeScope
from .transforms_base import Context
from .types import BLOB, INTEGER, NUMERIC, REAL, is_dynamic

NUMBER = "hsq_number"  # meta key: the expression is a NUMERIC standing for a SQLite number
DOUBLE = "hsq_double"  # meta key: a double standing for a SQLite real (an operand was REAL)
HELD = "hsq_held"  # meta key on number(): the column whose text it reads
NUMERIC_RESULT = "hsq_numeric"  # meta key on a projection: its value is NUMERIC text

_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_NUMERIC_CALLS = (exp.Sum, exp.Avg, exp.Abs, exp.Round)
_DIGITS = "0123456789"
_EXPONENT_REAL = "^-?[0-9]\\.[0-9]+e[-+][0-9]+$"  # float_text() past 1e15 / below 1e-4


def _fn(name: str, *args: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=list(args))


def _cast(x: exp.Expression, to: str) -> exp.Cast:
    return exp.Cast(this=x, to=exp.DataType.build(to))


def _s(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def _as_real(x: exp.Expression) -> exp.Expression:
    """A NUMERIC with a scale, so its text shows a real: * 1.0 (Nano's + 0.0 keeps no scale)."""
    return exp.Mul(this=x, expression=_cast(_s("1.0"), "NUMERIC"))


def number(column: exp.Expression, text_real: bool = False) -> exp.Expression:
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
    if text_real:  # abs() and sum() read other text as a real (abs('12abc') is 12.0)
        prefix = _cast(exp.DPipe(this=prefix.this, expression=_s(".0")), "NUMERIC")
    exponent = _as_real(_cast(_cast(text(), "DOUBLE PRECISION"), "NUMERIC"))
    is_exponent = exp.RegexpLike(this=text(), expression=_s(_EXPONENT_REAL))
    out = exp.Case(ifs=[
        exp.If(this=plain, true=_cast(text(), "NUMERIC")),
        exp.If(this=exp.GT(this=exp.StrPosition(this=text(), substr=_s("e")),
                           expression=exp.Literal.number(0)),
               true=exp.Case(ifs=[exp.If(this=is_exponent, true=exponent)], default=prefix.copy())),
    ], default=prefix)
    out.meta[NUMBER] = True
    out.meta[HELD] = c.copy()
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
    if isinstance(parent, _COMPARISONS) and not isinstance(parent.parent, exp.Update):
        # compared with arithmetic, as in n + 1 > n (an UPDATE's SET n = .. is no comparison)
        sides = (parent.this, parent.expression)
        return any(isinstance(_bare(side), _ARITHMETIC) for side in sides)
    return False


def _is_number(node: exp.Expression) -> bool:
    node = _bare(node)
    if node.meta.get(NUMBER):
        return True
    if isinstance(node, _ARITHMETIC):
        return any(_is_number(child) for child in (node.this, node.args.get("expression"))
                   if isinstance(child, exp.Expression))
    return isinstance(node, (exp.Abs, exp.Sum)) and _is_number(node.this)


def _static_class(node: exp.Expression, scope: _TypeScope) -> str | None:
    """INTEGER or REAL where the operand's class is known without looking at its value."""
    node = _bare(node)
    if node.meta.get(DOUBLE):
        return REAL
    if isinstance(node, exp.Literal) and not node.is_string:
        return REAL if any(ch in node.this for ch in ".eE") else INTEGER
    if isinstance(node, exp.Column) and not node.meta.get(NUMBER):
        affinity = scope.affinity(node)
        return affinity if affinity in (INTEGER, REAL) else None
    return None


def _integral(node: exp.Expression, scope: _TypeScope) -> exp.Expression | None:
    """A condition true when the operand's value is an integer (None: always). A typeless
    column's text has a point or an exponent exactly when it holds a real; a NUMERIC's text has
    a point exactly when it has a scale, i.e. stands for a real."""
    if _static_class(node, scope) == INTEGER:
        return None
    bare = _bare(node)
    held = bare.meta.get(HELD)
    if held is not None:
        return exp.and_(*(exp.EQ(this=exp.StrPosition(this=held.copy(), substr=_s(ch)),
                                 expression=exp.Literal.number(0)) for ch in ".e"))
    return exp.EQ(this=exp.StrPosition(this=_cast(node.copy(), "TEXT"), substr=_s(".")),
                  expression=exp.Literal.number(0))


def _double(x: exp.Expression) -> exp.Expression:
    return _cast(x.copy(), "DOUBLE PRECISION")


def _real_text(double: exp.Expression) -> exp.Expression:
    """A double's text with SQLite's '.0' on a whole value (the engines write 60.0 as '60')."""
    text = _cast(double, "TEXT")
    whole = exp.EQ(this=_fn("ltrim", text.copy(), _s("-" + _DIGITS)), expression=_s(""))
    return exp.DPipe(this=text, expression=exp.Case(ifs=[exp.If(this=whole, true=_s(".0"))],
                                                    default=_s("")))


def _real_number(double: exp.Expression) -> exp.Expression:
    """A double as the NUMERIC of its shortest text: the same value, and a scale (a real)."""
    return _cast(_real_text(double), "NUMERIC")



_BINARY = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod)
_FALSE = "false"


def _parts(node: exp.Expression, scope: _TypeScope, made: dict):
    """An operand as three forms: a condition true when its value is an integer (None: always,
    _FALSE: never), its exact NUMERIC form (used where the condition holds) and its double form.
    An operation's result carries its forms, so an outer operation builds on them, not on the
    result's CASE: the SQL grows linearly with the nesting, not twice per level."""
    bare = _bare(node)
    if id(bare) in made:
        return made[id(bare)][1]
    static = _static_class(node, scope)
    if static == REAL:
        return _FALSE, None, node if bare.meta.get(DOUBLE) else _double(node)
    integral = _integral(node, scope)
    return integral, node, _double(node)


def _both(a, b):
    if _FALSE in (a, b):
        return _FALSE
    tests = [t.copy() for t in (a, b) if t is not None]
    return exp.and_(*tests) if tests else None


def _whole(x: exp.Expression) -> exp.Expression:
    return _cast(_fn("trunc", x.copy()), "BIGINT")


def _operation(node: exp.Expression, scope: _TypeScope, made: dict) -> exp.Expression:
    """SQLite's + - * / % and unary - on a typeless operand: integer with integer is exact
    (NUMERIC; / truncates), anything with a real is a double's operation (0.1 * 0.1 is
    0.010000000000000002), carried as the NUMERIC of its shortest text, so that one expression
    has one type on every engine; % works on the operands' integer parts, a real if one is."""
    kind = type(node)
    if kind is exp.Neg:
        flag, exact, double = _parts(node.this, scope, made)
        exact = exp.Neg(this=exp.Paren(this=exact.copy())) if exact is not None else None
        double = exp.Neg(this=exp.Paren(this=double.copy()))
    else:
        (flag_l, exact_l, double_l), (flag_r, exact_r, double_r) = (
            _parts(node.this, scope, made), _parts(node.expression, scope, made))
        flag = _both(flag_l, flag_r)
        if kind is exp.Mod:
            exact = None
            if flag != _FALSE:  # BIGINT's %: a double cannot hold every 64-bit integer
                exact = _cast(exp.Mod(this=_cast(exact_l.copy(), "BIGINT"),
                                      expression=_cast(exact_r.copy(), "BIGINT")), "NUMERIC")
            double = _cast(exp.Mod(this=_whole(double_l), expression=_whole(double_r)),
                           "DOUBLE PRECISION")
        else:
            exact = None
            if flag != _FALSE:
                if kind is exp.Div:  # BIGINT's / truncates (NUMERIC's rounds past 16 digits)
                    exact = _cast(exp.Div(this=_cast(exact_l.copy(), "BIGINT"),
                                          expression=_cast(exact_r.copy(), "BIGINT"),
                                          typed=True), "NUMERIC")
                else:
                    exact = exp.Paren(this=kind(this=exact_l.copy(), expression=exact_r.copy()))
            double = exp.Paren(this=kind(this=double_l.copy(), expression=double_r.copy()))
    if flag == _FALSE:  # a real whatever the values: the double itself
        out = _bare(double)
        out.meta[DOUBLE] = True
        made[id(out)] = (out, (_FALSE, None, double))
        return exp.Paren(this=out)
    if flag is None:
        out = exact
    else:
        out = exp.Case(ifs=[exp.If(this=flag.copy(), true=exact.copy())],
                       default=_real_number(double.copy()))
    _bare(out).meta[NUMBER] = True
    made[id(_bare(out))] = (_bare(out), (flag, exact, double))
    return out


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
        parent = operand.parent
        while isinstance(parent, exp.Paren):
            parent = parent.parent
        operand.replace(number(operand.expressions[0].copy(),
                               text_real=isinstance(parent, (exp.Abs, exp.Sum))))
    # innermost first: an outer operation reads the rewritten inner one
    made: dict = {}  # id of an operation's result -> (result, its three forms: _parts())
    for node in reversed(list(tree.find_all(*_BINARY, exp.Neg))):
        operands = (node.this,) if isinstance(node, exp.Neg) else (node.this, node.expression)
        if any(_is_number(x) or _bare(x).meta.get(DOUBLE) for x in operands):
            node.replace(_operation(node, scope, made))
    for node in list(tree.find_all(exp.Avg)):
        if _is_number(node.this):  # SQLite: the sum as a double over the count, a real
            node.replace(exp.Div(
                this=_cast(exp.Sum(this=node.this.copy()), "DOUBLE PRECISION"),
                expression=_cast(exp.Nullif(this=exp.Count(this=node.this.copy()),
                                            expression=exp.Literal.number(0)),
                                 "DOUBLE PRECISION")))
    _mark_projections(tree)
    _stored_text(tree, scope)
    return tree


def _numeric_result(node: exp.Expression) -> bool:
    node = _bare(node)
    if node.meta.get(DOUBLE):
        return True
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


def _results(tree: exp.Expression) -> list[exp.Expression]:
    """The items of the statement's RETURNING, else of its outermost SELECT's list."""
    from .select import first_select
    returning = tree.args.get("returning")
    if returning is not None:
        return returning.expressions
    select = first_select(tree)
    return select.expressions if select is not None else []


def _mark_projections(tree: exp.Expression) -> None:
    """The outermost query's (or RETURNING's) result columns whose value is such a NUMERIC or
    double (its text reads back as SQLite's integer or real: number_text)."""
    for item in _results(tree):
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
            value = assignment.expression
            # a NUMERIC made here is SQLite's text already (exact integers; a real is the
            # shortest text of its double); a double needs the '.0' of a whole value
            text = (_real_text(value.copy()) if _bare(value).meta.get(DOUBLE)
                    else _cast(value.copy(), "TEXT"))
            assignment.set("expression", text)


_INT64 = range(-2**63, 2**63)


def number_text(value):
    """A NUMERIC result's text as SQLite's number: integer text past 64 bits is a real (SQLite
    has no such integer; a real from an exponent form shows no point as NUMERIC)."""
    value = numeric_text(value)
    if type(value) is int and value not in _INT64:
        return float(value)
    return value


def numeric_shape(tree: exp.Expression, shape):
    """`shape` with values.numeric_text for the result columns dynamic_arithmetic() marked."""
    from dataclasses import replace

    if shape is None or not shape.converters:
        return shape
    marks = [item.meta.get(NUMERIC_RESULT) for item in _results(tree)]
    if not any(marks) or len(marks) != len(shape.converters):
        return shape
    converters = tuple(number_text if mark else c for mark, c in zip(marks, shape.converters))
    return replace(shape, converters=converters)
