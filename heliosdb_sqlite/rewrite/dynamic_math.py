"""Arithmetic on typeless columns: SQLite computes with the number a value stands for.

A typeless (or DATETIME-like) column is held by the engine as text in SQLite's canonical form
(rewrite/types.py is_dynamic, values.dynamic_value). In SQLite's + - * / % and unary -, and in
sum(), total(), avg(), abs() and round(), such a value is its number: an integer's text is an
INTEGER, a real's a REAL, other text the longest prefix that is a number ('12abc' is 12,
'12.5abc' 12.5, '3e2x' 300.0, '-5kg' -5, 'abc' 0), NULL stays NULL.

Per row, integer with integer is exact (NUMERIC; / and % as BIGINT's), anything with a real is a
double's operation (0.1 * 0.1 is 0.010000000000000002). Both are carried as one NUMERIC (the
double as the NUMERIC of its shortest text), since PostgreSQL needs one type per expression and a
NUMERIC keeps the int-vs-real class in its scale, which the result's text shows (number_text reads
it back). An UPDATE stores SQLite's canonical text of the result (values.dynamic_real_text's:
1.0e+16, 3.0e-05; an integer past 64 bits is a real). An operand with a static REAL class makes
the whole operation a double. Each operation carries its forms to the enclosing one (_parts), so
the SQL grows linearly with the nesting. A NUMERIC-affinity column the engine holds as a double
(NUMERIC, DECIMAL(10,2)) is an integer where its value is whole (SQLite stored an INTEGER).

Nano plans every statement anew, in time that grows with the SQL's size, and compiles a regular
expression per row: the SQL here is kept small, and a regular expression runs only on texts that
are no plain decimal.

Known gaps: a real prefix followed by more number characters ('1.2.3', '1e5-3') reads as its
integer part (SQLite: 1.2, 100000.0); leading tabs or newlines before a number with trailing text
are not skipped; % of a real past 2**63 overflows BIGINT; INSERT ... SELECT binds the engine's
NUMERIC text of a computed real of 1e15 or more (the source rows are not shaped); a real that
overflows to Inf is stored as text.
"""
from __future__ import annotations

from sqlglot import exp

from ..values import numeric_text
from .functions import _TypeScope
from .scalars import cast as _cast
from .scalars import fn as _fn
from .transforms_base import Context
from .types import BLOB, INTEGER, NUMERIC, REAL, is_dynamic

NUMBER = "hsq_number"  # meta key: the expression is a NUMERIC standing for a SQLite number
DOUBLE = "hsq_double"  # meta key: a double standing for a SQLite real (an operand was REAL)
HELD = "hsq_held"  # meta key on number(): the column whose text it reads
TEXT_REAL = "hsq_text_real"  # meta key on number(): other text reads as a real (abs, sum)
PARTS = "hsq_parts"  # meta key on held_number(): its forms (_parts)
NUMERIC_RESULT = "hsq_numeric"  # meta key on a projection: its value is NUMERIC text

_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg)
_COMPARISONS = (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)
_NUMERIC_CALLS = (exp.Sum, exp.Avg, exp.Abs, exp.Round)
_DIGITS = "0123456789"
_EXPONENT_REAL = "^-?[0-9]\\.[0-9]+e[-+][0-9]+$"  # float_text() past 1e15 / below 1e-4


def _s(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def _as_real(x: exp.Expression) -> exp.Expression:
    """A NUMERIC with a scale, so its text shows a real: * 1.0 (Nano's + 0.0 keeps no scale)."""
    return exp.Mul(this=x, expression=_cast(_s("1.0"), "NUMERIC"))


# SQLite reads text as the longest prefix that is a number (sqlite3AtoF): spaces, a sign,
# digits, a point and digits (one digit at least), an exponent. Only a point or an exponent
# makes it a real. Nano compiles a regular expression per row and plans every statement anew
# (its time grows with the SQL's size): the texts here are small, and a regular expression
# runs only on texts that are no plain decimal.
_REAL_PREFIX = "^ *[-+]?([0-9]+(\\.|[eE][-+]?[0-9])|\\.[0-9])"
# a real number, then only e, E, + or - up to the first character that is no number's
_EXPONENT = "([eE][-+]?[0-9]+)?"
_REAL_RUN = ("^ *[-+]?([0-9]+\\.[0-9]*" + _EXPONENT + "|\\.[0-9]+" + _EXPONENT
             + "|[0-9]+[eE][-+]?[0-9]+)[-+eE]*([^-+0-9.eE]|$)")
_NUMBER_CHARS = "+-0123456789.eE"


def _regexp(text: exp.Expression, pattern: str) -> exp.Expression:
    return exp.RegexpLike(this=text, expression=_s(pattern))


def _first(text: exp.Expression, at: int = 1) -> exp.Expression:
    return exp.Substring(this=text, start=exp.Literal.number(at), length=exp.Literal.number(1))


def _run(text: exp.Expression, chars: str) -> exp.Expression:
    """The leading characters of `text` that are in `chars`."""
    return exp.Substring(this=text, start=exp.Literal.number(1), length=exp.Sub(
        this=exp.Length(this=text.copy()),
        expression=exp.Length(this=_fn("ltrim", text.copy(), _s(chars)))))


def _real_class(text: exp.Expression) -> exp.Expression:
    """True if SQLite reads the typeless column's text as a real (NULL for NULL): its digits
    (after spaces and one sign) end at a point that has a digit next to it, or at an 'e' that
    starts an exponent (a regular expression, for those texts only)."""
    body = _fn("ltrim", text.copy(), _s(" +-"))
    after = _first(_fn("ltrim", body.copy(), _s(_DIGITS)))
    one_sign = exp.LTE(this=exp.Sub(this=exp.Length(this=_fn("ltrim", text.copy(), _s(" "))),
                                    expression=exp.Length(this=body.copy())),
                       expression=exp.Literal.number(1))
    digit = exp.In(this=_first(_fn("ltrim", _fn("left", body.copy(), exp.Literal.number(2)),
                                   _s("."))), expressions=[_s(ch) for ch in _DIGITS])
    return exp.or_(
        exp.and_(exp.EQ(this=after, expression=_s(".")), digit, one_sign),
        exp.and_(exp.In(this=after.copy(), expressions=[_s("e"), _s("E")]),
                 _regexp(text.copy(), _REAL_PREFIX)))


def _prefix_text(text: exp.Expression) -> exp.Expression:
    """The number a text that is no plain decimal starts with, as a text both engines cast to
    a double, and to NUMERIC where it is an integer: a real's run of number characters when
    that is a number followed by a bare e/+/- at most ('3e2x', '12.5abc', '1.0e+16'); else
    the integer after the spaces and one sign ('-5kg'), 0 if none ('abc', '--5'); NULL stays
    NULL. Known gap: a real followed by more number characters ('1.2.3') reads as its
    integer part (SQLite: 1.2)."""
    spaced = _fn("ltrim", text.copy(), _s(" "))
    body = _fn("ltrim", text.copy(), _s(" +-"))
    minus = exp.Case(ifs=[exp.If(this=exp.EQ(this=_first(spaced.copy()), expression=_s("-")),
                                 true=_s("-"))], default=_s(""))
    signs = exp.Sub(this=exp.Length(this=spaced.copy()), expression=exp.Length(this=body.copy()))
    digits = exp.Case(ifs=[exp.If(this=exp.GT(this=signs, expression=exp.Literal.number(1)),
                                  true=_s("0"))],
                      default=exp.DPipe(this=minus, expression=exp.DPipe(
                          this=_s("0"), expression=_run(body.copy(), _DIGITS))))
    run = _fn("rtrim", _run(spaced, _NUMBER_CHARS), _s("+-eE"))
    real = exp.and_(_ends_real(body), _regexp(text.copy(), _REAL_RUN))  # AND stops at false
    return exp.Case(ifs=[exp.If(this=real, true=run)], default=digits)


def _ends_real(body: exp.Expression) -> exp.Expression:
    """True if the text's digits (after spaces and signs: `body`) end at a point or an 'e',
    the one place a real can start: a cheap test before a regular expression."""
    after = _first(_fn("ltrim", body.copy(), _s(_DIGITS)))
    return exp.In(this=after, expressions=[_s(ch) for ch in ".eE"])


def _held_text(column: exp.Expression) -> exp.Expression:
    """The column's text if it is a plain decimal, else the number it starts with."""
    return exp.Case(ifs=[exp.If(this=_plain(column), true=column.copy())],
                    default=_prefix_text(column))


def _double_number(double: exp.Expression, dialect: str) -> exp.Expression:
    """A double as a NUMERIC with a scale (a real): Nano casts a double to the NUMERIC of its
    shortest digits; PostgreSQL's cast keeps 15 digits, its cast of the double's text all."""
    if dialect == "postgres":
        double = _cast(double, "TEXT")
    return _as_real(_cast(double, "NUMERIC"))


def number(column: exp.Expression, text_real: bool = False,
           dialect: str = "nano") -> exp.Expression:
    """The NUMERIC a typeless column's text stands for in SQLite arithmetic. Plain decimals
    (every canonical integer and most canonical reals) are cast as they are; a real's other
    text (an exponent form, '12.5abc') through a double (Nano casts no exponent to NUMERIC);
    an integer's other text as the integer it starts with (_prefix_text)."""
    prefix = _prefix_text(column)
    # abs() and sum() read other text as a real (abs('12abc') is 12.0): an integer text's .0
    whole = _cast(exp.DPipe(this=prefix.copy(), expression=_s(".0")) if text_real
                  else prefix.copy(), "NUMERIC")
    out = exp.Case(ifs=[
        exp.If(this=_plain(column), true=_cast(column.copy(), "NUMERIC")),
        exp.If(this=_real_class(column),
               true=_double_number(_cast(prefix, "DOUBLE PRECISION"), dialect)),
    ], default=whole)
    out.meta[NUMBER] = True
    out.meta[HELD] = column.copy()
    out.meta[TEXT_REAL] = text_real
    return out


def _plain(c: exp.Expression) -> exp.Expression:
    """True if the text is a decimal the engines cast to NUMERIC as SQLite reads it: a sign at
    most, digits and one point at most (every canonical integer, and reals in fixed form).
    Few calls, the cheapest first: Nano evaluates them on every row (about 0.6 us a call)."""
    point = exp.StrPosition(this=c.copy(), substr=_s("."))
    return exp.and_(
        exp.EQ(this=_fn("ltrim", exp.Substring(this=c.copy(), start=exp.Literal.number(2)),
                        _s(_DIGITS + ".")), expression=_s("")),
        exp.In(this=_first(c.copy()), expressions=[_s(ch) for ch in "-" + _DIGITS]),
        exp.or_(exp.EQ(this=point, expression=exp.Literal.number(0)),
                exp.EQ(this=exp.StrPosition(this=exp.Substring(this=c.copy(), start=exp.Add(
                    this=point.copy(), expression=exp.Literal.number(1))), substr=_s(".")),
                    expression=exp.Literal.number(0))),
        exp.Not(this=exp.In(this=c.copy(), expressions=[_s("-"), _s("-.")])))


def _declared(column: exp.Column, scope: _TypeScope, tree: exp.Expression):
    """The declared type of the table column the column names, else None."""
    qualifier = column.table.lower()
    for table in tree.find_all(exp.Table):
        if qualifier and qualifier not in (table.name.lower(), (table.alias or "").lower()):
            continue
        info = scope.catalog.relation(table.name)
        declared = info.column(column.name) if info is not None else None
        if declared is not None:
            return declared.decltype
    return None


def _text_held(column: exp.Column, scope: _TypeScope, tree: exp.Expression) -> bool:
    """True if the column is a typeless (text-held) one: BLOB or NUMERIC affinity, and not a
    table column whose declared type the engine holds as bytes or numbers."""
    if scope.affinity(column) not in (BLOB, NUMERIC):
        return False
    decltype = _declared(column, scope, tree)
    return decltype is None or is_dynamic(decltype)


def _double_held(column: exp.Column, scope: _TypeScope, tree: exp.Expression) -> bool:
    """True for a NUMERIC-affinity table column the engine holds as a double (NUMERIC,
    DECIMAL(10,2)...): SQLite stores a whole value there as an INTEGER."""
    if scope.affinity(column) != NUMERIC:
        return False
    decltype = _declared(column, scope, tree)
    return (decltype is not None and not is_dynamic(decltype)
            and not decltype.upper().startswith("BOOL"))


def held_number(column: exp.Expression) -> exp.Expression:
    """A double-held NUMERIC-affinity column as an operand: an integer where its value is a
    whole one strictly inside the 64-bit range (SQLite stored it as an INTEGER), else a real."""
    out = column.copy()
    whole = exp.and_(
        exp.EQ(this=column.copy(), expression=_fn("trunc", column.copy())),
        exp.LT(this=exp.Abs(this=column.copy()), expression=_cast(_s("9.2233720368547758e18"),
                                                                   "DOUBLE PRECISION")))
    exact = _cast(_cast(column.copy(), "BIGINT"), "NUMERIC")  # exact for a whole double
    out.meta[NUMBER] = True
    out.meta[PARTS] = (whole, exact, column.copy())
    return out


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
    if held is not None:  # a plain decimal with no point, or text with an integer prefix
        return exp.Not(this=exp.Paren(this=_real_class(held)))
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


def _real_number(double: exp.Expression, dialect: str) -> exp.Expression:
    """A double as the NUMERIC of its shortest text: the same value, and a scale (a real).
    PostgreSQL writes an exponent past 1e15 (its NUMERIC of '1e+16' has no scale): adding a
    NUMERIC 0.0 gives the scale there (Nano's + 0.0 keeps none, its text has no exponent)."""
    if dialect == "postgres":
        return exp.Add(this=_cast(_cast(double, "TEXT"), "NUMERIC"),
                       expression=_cast(_s("0.0"), "NUMERIC"))
    return _cast(_real_text(double), "NUMERIC")


def _stored_real(double: exp.Expression, dialect: str) -> exp.Expression:
    """SQLite's text of a real as values.dynamic_real_text writes it, from the double's
    shortest digits: fixed notation with '.0' on a whole value; d.ddde+XX for a whole value of
    16 digits or more that "%.15g" gives back (its last digit a zero), d.ddde-XX below 1e-4.
    Each use of the double repeats its SQL: few of them. PostgreSQL writes the exponent forms
    itself (without the '.0' of a whole mantissa); Nano writes every double in fixed notation."""
    x = _cast(double, "TEXT")
    has = {ch: exp.GT(this=exp.StrPosition(this=x.copy(), substr=_s(ch)),
                      expression=exp.Literal.number(0)) for ch in ".en"}
    if dialect == "postgres":
        # SQLite's "%.16g" or "%.17g" (16 or 17 digits) is fixed below 1e16 or 1e17: 17 or 18
        # characters before PostgreSQL's 'e+15' or 'e+16'
        point = exp.StrPosition(this=_fn("ltrim", x.copy(), _s("-")), substr=_s("e"))
        long_digits = exp.or_(*(exp.and_(
            exp.GT(this=exp.StrPosition(this=x.copy(), substr=_s(f"e+{power}")),
                   expression=exp.Literal.number(0)),
            exp.GT(this=point.copy(), expression=exp.Literal.number(power + 2)))
            for power in (15, 16)))
        fixed = _cast(_cast(x.copy(), "NUMERIC"), "TEXT")
        return exp.Case(ifs=[
            exp.If(this=long_digits, true=exp.DPipe(this=fixed, expression=exp.Case(ifs=[exp.If(
                this=exp.EQ(this=exp.StrPosition(this=fixed.copy(), substr=_s(".")),
                            expression=exp.Literal.number(0)), true=_s(".0"))], default=_s("")))),
            exp.If(this=exp.or_(has["."], has["n"]), true=x.copy()),  # n: Infinity, NaN
            exp.If(this=has["e"], true=_fn("replace", x.copy(), _s("e"), _s(".0e")))],
            default=exp.DPipe(this=x.copy(), expression=_s(".0")))
    a = _fn("ltrim", x.copy(), _s("-"))
    sign = exp.Case(ifs=[exp.If(this=exp.EQ(this=_first(x.copy()), expression=_s("-")),
                                true=_s("-"))], default=_s(""))
    big = exp.and_(exp.EQ(this=_fn("right", a.copy(), exp.Literal.number(1)), expression=_s("0")),
                   exp.GT(this=exp.Length(this=a.copy()), expression=exp.Literal.number(15)))
    small = exp.EQ(this=_fn("left", a.copy(), exp.Literal.number(6)), expression=_s("0.0000"))

    def mantissa(first: exp.Expression, rest: exp.Expression) -> exp.Expression:
        return exp.DPipe(this=exp.DPipe(this=first, expression=_s(".")), expression=exp.Coalesce(
            this=exp.Nullif(this=rest, expression=_s("")), expressions=[_s("0")]))
    big_text = exp.DPipe(this=exp.DPipe(this=mantissa(
        _fn("left", a.copy(), exp.Literal.number(1)),
        _fn("rtrim", exp.Substring(this=a.copy(), start=exp.Literal.number(2)), _s("0"))),
        expression=_s("e+")), expression=_cast(exp.Sub(
            this=exp.Length(this=a.copy()), expression=exp.Literal.number(1)), "TEXT"))
    digits = _fn("ltrim", exp.Substring(this=a.copy(), start=exp.Literal.number(3)), _s("0"))
    small_text = exp.DPipe(this=exp.DPipe(this=mantissa(
        _fn("left", digits.copy(), exp.Literal.number(1)),
        exp.Substring(this=digits.copy(), start=exp.Literal.number(2))),
        expression=_s("e-")), expression=_fn("lpad", _cast(exp.Sub(
            this=exp.Sub(this=exp.Length(this=a.copy()), expression=exp.Literal.number(1)),
            expression=exp.Length(this=digits.copy())), "TEXT"), exp.Literal.number(2), _s("0")))
    fixed = exp.DPipe(this=a.copy(), expression=exp.Case(
        ifs=[exp.If(this=exp.Not(this=has["."]), true=_s(".0"))], default=_s("")))
    return exp.DPipe(this=sign, expression=exp.Case(
        ifs=[exp.If(this=big, true=big_text), exp.If(this=small, true=small_text)],
        default=fixed))


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
    if bare.meta.get(PARTS) is not None:
        return tuple(x.copy() for x in bare.meta[PARTS])
    integral = _integral(node, scope)
    held = bare.meta.get(HELD)
    if held is not None and not bare.meta.get(TEXT_REAL):
        # one text for both forms: NUMERIC only where it is an integer's
        text = _held_text(held)
        return integral, _cast(text, "NUMERIC"), _cast(text.copy(), "DOUBLE PRECISION")
    return integral, node, _double(node)


def _both(a, b):
    if _FALSE in (a, b):
        return _FALSE
    tests = [t.copy() for t in (a, b) if t is not None]
    return exp.and_(*tests) if tests else None


def _whole(x: exp.Expression) -> exp.Expression:
    return _cast(_fn("trunc", x.copy()), "BIGINT")


def _operation(node: exp.Expression, scope: _TypeScope, made: dict,
               dialect: str) -> exp.Expression:
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
                       default=_real_number(double.copy(), dialect))
    _bare(out).meta[NUMBER] = True
    made[id(_bare(out))] = (_bare(out), (flag, exact, double))
    return out


_OPERAND = "hsq_number"  # a placeholder call: sqlite_functions must not rewrite number()'s calls


def dynamic_operands(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Marks each typeless column SQLite reads as a number (arithmetic, sum/total/avg/abs/round);
    dynamic_arithmetic() makes it one after sqlite_functions, whose builders take it as it is."""
    scope = _TypeScope(ctx.catalog)
    for column in [c for c in tree.find_all(exp.Column) if _numeric_place(c)]:
        if _text_held(column, scope, tree):
            column.replace(exp.Anonymous(this=_OPERAND, expressions=[column.copy()]))
        elif _double_held(column, scope, tree) and isinstance(_parent(column), _ARITHMETIC):
            # the same mark: typeof() reads the class of what it marks from the NUMERIC made
            column.replace(exp.Anonymous(this=_OPERAND, expressions=[column.copy()]))
    return tree


def _parent(node: exp.Expression) -> exp.Expression | None:
    parent = node.parent
    while isinstance(parent, exp.Paren):
        parent = parent.parent
    return parent


def dynamic_arithmetic(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """The marked typeless columns become their numbers; SQLite's integer division and %."""
    operands = [n for n in tree.find_all(exp.Anonymous) if n.name == _OPERAND]
    if not operands:
        return tree
    scope = _TypeScope(ctx.catalog)
    for operand in operands:
        held = operand.expressions[0]  # in place: its scope resolves its table
        column = held.copy()
        if isinstance(held, exp.Column) and _double_held(held, scope, tree):
            operand.replace(held_number(column))
        else:
            operand.replace(number(column, text_real=isinstance(_parent(operand),
                                                                (exp.Abs, exp.Sum)),
                                   dialect=ctx.dialect))
    # innermost first: an outer operation reads the rewritten inner one
    made: dict = {}  # id of an operation's result -> (result, its three forms: _parts())
    for node in reversed(list(tree.find_all(*_BINARY, exp.Neg))):
        operands = (node.this,) if isinstance(node, exp.Neg) else (node.this, node.expression)
        if any(_is_number(x) or _bare(x).meta.get(DOUBLE) for x in operands):
            node.replace(_operation(node, scope, made, ctx.dialect))
    for node in list(tree.find_all(exp.Avg)):
        if _is_number(node.this):  # SQLite: the sum as a double over the count, a real
            node.replace(exp.Div(
                this=_cast(exp.Sum(this=node.this.copy()), "DOUBLE PRECISION"),
                expression=_cast(exp.Nullif(this=exp.Count(this=node.this.copy()),
                                            expression=exp.Literal.number(0)),
                                 "DOUBLE PRECISION")))
    _mark_projections(tree)
    _stored_text(tree, scope, made, ctx.dialect)
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


def _stored_text(tree: exp.Expression, scope: _TypeScope, made: dict, dialect: str) -> None:
    """UPDATE .. SET typeless = <number>: stored as SQLite's text of the number, as a bound
    value is (values.dynamic_real_text), so it reads back (and typeof() sees it) as the integer
    or real it is. Built from the operation's forms: the integer's text where the operands
    are integers, else the double's."""
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
        if declared is None or not is_dynamic(declared.decltype):
            continue
        value = _bare(assignment.expression)
        flag, exact, double = made.get(id(value), (None, None, None))[1] if id(value) in made \
            else (_integral(value, scope), value, _double(value))
        text = _stored_real(double.copy(), dialect)
        if flag != _FALSE:
            # an integer's text within 64 bits; past them SQLite computes it as a double too
            inside = exp.Between(this=exact.copy(), low=_cast(_s(str(-2**63)), "NUMERIC"),
                                 high=_cast(_s(str(2**63 - 1)), "NUMERIC"))
            if flag is not None:
                inside = exp.and_(flag.copy(), inside)
            text = exp.Case(ifs=[exp.If(this=inside, true=_cast(exact.copy(), "TEXT"))],
                            default=text)
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
