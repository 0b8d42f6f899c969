"""min() and max() of a typeless column: SQLite's order of storage classes.

A typeless column (declared without a type; a DATETIME-like one is left to the engine's text
order, see _typeless) is held by the engine as text in SQLite's canonical form
(rewrite/types.py is_dynamic, values.dynamic_value), so the engine's min()/max() would compare
every value as text ('10' < '9', '1.0e+15' < '2'). SQLite compares values of different classes
as NULL < INTEGER and REAL (as numbers) < TEXT (memcmp) < BLOB (memcmp), and the aggregates skip
NULLs. Here each class is its own aggregate over the rows of that class (integers exact as
NUMERIC, reals as doubles, text and blob text as they are), and the winner is picked across them
in SQLite's order: the smallest number, else the smallest text, else the smallest blob (max():
the other way round). It stays plain aggregates, so GROUP BY, HAVING, joins and FILTER work as
they do for any aggregate. The result is the winner's canonical text, read back as its class.

A row's class is read from its text with string functions, not the exact canonical-form patterns
typeof() uses (a regular expression costs ~200 us a row on Nano): digits with at most one point
and one exponent are a number; text that looks so but is not SQLite's canonical text of one
('007', '1.50', '1e5' stored as text) compares as a number here, as text in SQLite. Among an
integer and a real of the same value, min() and max() give the integer (SQLite: the first row).
"""
from __future__ import annotations

from sqlglot import exp

from .collate import BINARY
from .dynamic_math import NUMERIC_RESULT
from .functions import _TypeScope
from .scalars import cast as _cast
from .scalars import fn as _fn
from .transforms_base import Context
from .types import BLOB, affinity, is_dynamic

_DIGITS = "0123456789"


def _s(text: str) -> exp.Literal:
    return exp.Literal.string(text)


def _count(text: exp.Expression, char: str) -> exp.Expression:
    return exp.Sub(this=exp.Length(this=text.copy()),
                   expression=exp.Length(this=_fn("replace", text.copy(), _s(char), _s(""))))


def _classes(text: exp.Expression) -> tuple[exp.Expression, exp.Expression, exp.Expression,
                                             exp.Expression]:
    """Conditions on a typeless column's text: an integer, a real, other text, a blob."""
    first = exp.Substring(this=text.copy(), start=exp.Literal.number(1),
                          length=exp.Literal.number(1))
    last = exp.Substring(this=text.copy(), start=exp.Length(this=text.copy()),
                         length=exp.Literal.number(1))
    signless = _fn("ltrim", text.copy(), _s("-"))
    number = exp.and_(
        exp.In(this=first, expressions=[_s(ch) for ch in "-" + _DIGITS]),
        exp.In(this=last, expressions=[_s(ch) for ch in _DIGITS]),
        # digits, one point, one exponent with its sign: what a double's cast reads
        exp.EQ(this=_fn("ltrim", exp.Substring(this=text.copy(), start=exp.Literal.number(2)),
                        _s(_DIGITS + ".e+-")), expression=_s("")),
        exp.EQ(this=_fn("strpos", exp.Substring(
            this=_fn("replace", _fn("replace", text.copy(), _s("e-"), _s("e")), _s("e+"), _s("e")),
            start=exp.Literal.number(2)), _s("-")), expression=exp.Literal.number(0)),
        exp.EQ(this=_fn("strpos", _fn("replace", text.copy(), _s("e+"), _s("e")), _s("+")),
               expression=exp.Literal.number(0)),
        exp.LTE(this=_count(text, "."), expression=exp.Literal.number(1)),
        exp.LTE(this=_count(text, "e"), expression=exp.Literal.number(1)),
        exp.EQ(this=_fn("strpos", text.copy(), _s(".e")), expression=exp.Literal.number(0)))
    no_fraction = exp.and_(
        exp.EQ(this=_fn("strpos", text.copy(), _s(".")), expression=exp.Literal.number(0)),
        exp.EQ(this=_fn("strpos", text.copy(), _s("e")), expression=exp.Literal.number(0)))
    # SQLite's text of an integer has no leading zero and no '-0'
    canonical = exp.or_(exp.EQ(this=text.copy(), expression=_s("0")),
                        exp.NEQ(this=exp.Substring(this=signless, start=exp.Literal.number(1),
                                                   length=exp.Literal.number(1)),
                                expression=_s("0")))
    integer = exp.and_(number.copy(), no_fraction.copy(), canonical)
    real = exp.and_(number.copy(), exp.Not(this=exp.Paren(this=no_fraction)))
    blob = exp.EQ(this=exp.Substring(this=text.copy(), start=exp.Literal.number(1),
                                     length=exp.Literal.number(2)), expression=_s("\\x"))
    other = exp.and_(exp.Not(this=exp.Paren(this=integer.copy())),
                     exp.Not(this=exp.Paren(this=real.copy())),
                     exp.Not(this=exp.Paren(this=blob.copy())))
    return integer, real, other, blob


def _real_text(double: exp.Expression) -> exp.Expression:
    """A double's text with a '.0' on a whole value, so it reads back as a real (the engines
    write 60.0 as '60')."""
    text = _cast(double, "TEXT")
    whole = exp.EQ(this=_fn("ltrim", text.copy(), _s("-" + _DIGITS)), expression=_s(""))
    return exp.DPipe(this=text, expression=exp.Case(ifs=[exp.If(this=whole, true=_s(".0"))],
                                                    default=_s("")))


def _extreme(node: exp.Expression, column: exp.Column, of_class: bool) -> exp.Expression:
    """min(column) / max(column) over the classes in SQLite's order (module doc); with
    `of_class`, typeof() of it: the winner's class, 'null' when there is none."""
    kind = type(node)
    integer, real, other, blob = _classes(column)

    def aggregate(condition: exp.Expression, value: exp.Expression) -> exp.Expression:
        return kind(this=exp.Case(ifs=[exp.If(this=condition, true=value)]))
    ints = aggregate(integer, _cast(column.copy(), "NUMERIC"))
    reals = aggregate(real, _cast(column.copy(), "DOUBLE PRECISION"))
    texts = aggregate(other, column.copy())
    blobs = aggregate(blob, column.copy())

    def present(x: exp.Expression) -> exp.Expression:
        return exp.Not(this=exp.Is(this=x.copy(), expression=exp.Null()))
    beats = exp.LTE if kind is exp.Min else exp.GTE
    integer_wins = exp.and_(present(ints), exp.or_(
        exp.Is(this=reals.copy(), expression=exp.Null()),
        beats(this=_cast(ints.copy(), "DOUBLE PRECISION"), expression=reals.copy())))
    shown = [_cast(ints.copy(), "TEXT"), _real_text(reals.copy()), texts.copy(), blobs.copy()]
    if of_class:
        shown = [_s(name) for name in ("integer", "real", "text", "blob")]
    numbers = [exp.If(this=integer_wins, true=shown[0]),
               exp.If(this=present(reals), true=shown[1])]
    words = [exp.If(this=present(texts), true=shown[2]),
             exp.If(this=present(blobs), true=shown[3])]
    ifs = numbers + words if kind is exp.Min else words[::-1] + numbers
    return exp.Case(ifs=ifs, default=_s("null") if of_class else None)


def _typeless(column: exp.Column, scope: _TypeScope) -> bool:
    """True if the column is a table's typeless (text-held) column with no collation (a collated
    one is collate_groups.py's), read straight from the table."""
    collation, _ = scope.column(column)
    if collation not in (None, BINARY):
        return False
    holder = column.find_ancestor(exp.Select)
    if holder is None:
        return False
    from_ = holder.args.get("from_") or holder.args.get("from")
    sources = ([from_.this] if from_ is not None else []) + [
        j.this for j in holder.args.get("joins") or []]
    qualifier = column.table.lower()
    found = None
    for source in sources:
        if qualifier and qualifier != source.alias_or_name.lower():
            continue
        if not isinstance(source, exp.Table):
            return False  # a subquery's column: its class is not known here
        table = scope.catalog.table(source.name)
        declared = table.column(column.name) if table is not None else None
        if declared is not None:
            if found is not None:
                return False
            found = declared
    # only a column declared without a type: a DATETIME-like one keeps the engine's text order,
    # which is SQLite's for the dates applications write there, at 1/30 of the cost (the class
    # tests above cost ~10 us a row on Nano: max(created_at) of 20,000 rows took 227 ms, not 8)
    return found is not None and is_dynamic(found.decltype) and affinity(found.decltype) == BLOB


CLASS_OF = "hsq_class_of"  # meta key: this min()/max() stands for typeof() of itself


def class_of_extreme(node: exp.Expression, scope: _TypeScope) -> exp.Expression | None:
    """typeof(min(x)) / typeof(max(x)) of a typeless column x: the min()/max() itself, marked
    for typeless_extremes() to give the winner's class rather than its value (None: not such
    a call)."""
    while isinstance(node, exp.Paren):
        node = node.this
    if not isinstance(node, (exp.Min, exp.Max)) or _argument(node, scope) is None:
        return None
    marked = node.copy()
    marked.meta[CLASS_OF] = True
    return marked


def _argument(node: exp.Expression, scope: _TypeScope) -> exp.Column | None:
    """The typeless column an aggregate min()/max() reads, else None."""
    if node.expressions or isinstance(node.parent, (exp.Window, exp.Filter)):
        return None  # scalar min(a, b), a window, FILTER
    argument = node.this
    if isinstance(argument, exp.Distinct):  # the least of the distinct values is the least
        argument = argument.expressions[0]
    while isinstance(argument, exp.Paren):
        argument = argument.this
    if not isinstance(argument, exp.Column) or not _typeless(argument, scope):
        return None
    return argument


def typeless_extremes(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """min(x) / max(x) of a typeless column, shown as a query's result column (or read by
    typeof()), compare in SQLite's order of classes (module doc)."""
    if tree.find(exp.Min, exp.Max) is None:
        return tree
    from .select import first_select  # select.py reads transforms.py, which reads this module
    scope = _TypeScope(ctx.catalog)
    outermost = first_select(tree)
    derived: list[tuple[exp.Select, str]] = []  # (a subquery, its result column's name)
    for node in list(tree.find_all(exp.Min, exp.Max)):
        item = node.parent if isinstance(node.parent, exp.Alias) else node
        select = item.parent
        shown = isinstance(select, exp.Select) and any(e is item for e in select.expressions)
        of_class = bool(node.meta.get(CLASS_OF))
        if not shown and not of_class:
            continue  # inside an expression, HAVING or ORDER BY: the engine's own
        argument = _argument(node, scope)
        if argument is None:
            continue
        node.replace(_extreme(node, argument, of_class))
        if shown and not of_class:
            if select is outermost:
                item.meta[NUMERIC_RESULT] = True
            else:
                derived.append((select, item.alias_or_name.lower()))
    _shown_through(outermost, derived)
    return tree


def _shown_through(outermost: exp.Select | None, derived: list) -> None:
    """The outermost query's column that shows such a result of a subquery in its FROM reads
    back the same way (the text is the winning row's canonical text)."""
    if outermost is None or not derived:
        return
    sources = {}
    for select, name in derived:
        holder = select.parent
        if isinstance(holder, exp.Subquery) and isinstance(holder.parent, (exp.From, exp.Join)) \
                and holder.parent.parent is outermost:
            sources.setdefault(holder.alias_or_name.lower(), set()).add(name)
    for item in outermost.expressions:
        column = item.this if isinstance(item, exp.Alias) else item
        if not isinstance(column, exp.Column):
            continue
        qualifier = column.table.lower()
        owners = [ref for ref, names in sources.items()
                  if column.name.lower() in names and qualifier in ("", ref)]
        if owners and (qualifier or len(sources) == 1 and not outermost.args.get("joins")):
            item.meta[NUMERIC_RESULT] = True
