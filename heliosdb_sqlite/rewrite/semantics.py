"""SQLite expression semantics the engine does not share, as AST transforms (one rule each)."""
from __future__ import annotations

from sqlglot import exp

from . import patterns
from .transforms_base import Context
from .types import is_dynamic

_BOOLEAN = (exp.Predicate, exp.Connector, exp.Not, exp.Boolean, exp.Exists,
            exp.Escape)  # LIKE ... ESCAPE


def _is_boolean(node: exp.Expression) -> bool:
    while isinstance(node, exp.Paren):
        node = node.this
    return isinstance(node, _BOOLEAN)


def _condition(node: exp.Expression) -> exp.Expression:
    """`node` as a condition: SQLite takes any value, true when it is a non-zero number."""
    inner = node
    while isinstance(inner, exp.Paren):
        inner = inner.this
    if isinstance(inner, (exp.And, exp.Or)):
        inner.set("this", _condition(inner.this))
        inner.set("expression", _condition(inner.expression))
        return node
    if isinstance(inner, exp.Not):
        inner.set("this", _condition(inner.this))
        return node
    if _is_boolean(inner):
        return node
    if isinstance(inner, exp.Null):
        return node
    if isinstance(inner, exp.Literal):  # decided now, as SQLite converts the literal
        return exp.Boolean(this=_numeric_prefix(inner.this) != 0)
    return exp.Paren(this=exp.NEQ(this=node, expression=exp.Literal.number(0)))


def truthiness(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """WHERE, HAVING, ON, CASE WHEN and NOT/AND/OR take numbers: `WHERE flag`, `WHERE 1`."""
    for clause in list(tree.find_all(exp.Where, exp.Having)):
        clause.set("this", _condition(clause.this))
    for join in list(tree.find_all(exp.Join)):
        if join.args.get("on") is not None:
            join.set("on", _condition(join.args["on"]))
    for case_if in list(tree.find_all(exp.If)):
        case = case_if.parent
        if isinstance(case, exp.Case) and case.this is not None:
            continue  # CASE x WHEN v: v is a value compared with x, not a condition
        case_if.set("this", _condition(case_if.this))
    for node in list(tree.find_all(exp.And, exp.Or, exp.Not)):
        if isinstance(node, exp.Not):
            node.set("this", _condition(node.this))
        else:
            node.set("this", _condition(node.this))
            node.set("expression", _condition(node.expression))
    return tree


# Places where a value is read as a number: a comparison, LIKE, IN or EXISTS there is SQLite's
# integer 1 or 0 (NULL stays NULL), not the engine's boolean.
_ARITHMETIC = (exp.Add, exp.Sub, exp.Mul, exp.Div, exp.Mod, exp.Neg, exp.DPipe,
               exp.BitwiseAnd, exp.BitwiseOr, exp.BitwiseXor, exp.BitwiseLeftShift,
               exp.BitwiseRightShift, exp.BitwiseNot)
_CONDITION_TAKERS = (exp.Where, exp.Having, exp.Join, exp.And, exp.Or, exp.Not, exp.Paren,
                     exp.Select, exp.Ordered, exp.Group, exp.Count, exp.Filter)


def booleans_as_numbers(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """A comparison (or LIKE, IN, EXISTS, NOT, AND/OR) is the integer 1 or 0 in SQLite: in
    arithmetic and `||`, as a function's or an aggregate's argument (`sum(status = 'done')`),
    compared with a number, cast, or as a CASE result, the engine's boolean becomes
    `CASE b WHEN true THEN 1 WHEN false THEN 0 END` (Nano cannot cast a boolean to a number;
    NULL stays NULL). Conditions (WHERE, ON, CASE WHEN, AND/OR/NOT) and result columns keep it."""
    for node in list(tree.find_all(*_BOOLEAN)):
        if isinstance(node, exp.Boolean) or not _read_as_number(node):
            continue
        holder = node
        while isinstance(holder.parent, exp.Paren):
            holder = holder.parent
        number = exp.Case(this=None, ifs=[
            exp.If(this=exp.true(), true=exp.Literal.number(1)),
            exp.If(this=exp.false(), true=exp.Literal.number(0))])
        holder.replace(number)
        number.set("this", exp.Paren(this=holder))
    return tree


def _read_as_number(node: exp.Expression) -> bool:
    holder = node
    while isinstance(holder.parent, exp.Paren):
        holder = holder.parent
    parent, key = holder.parent, holder.arg_key
    if parent is None or isinstance(parent, _CONDITION_TAKERS):
        return False
    if isinstance(parent, exp.If):  # iif() / CASE WHEN: the branches are values
        return key in ("true", "false")
    if isinstance(parent, exp.Case):
        return key == "default" or key == "this"
    if isinstance(parent, (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE, exp.NullSafeEQ,
                           exp.NullSafeNEQ)):
        other = parent.expression if key == "this" else parent.this
        return not _is_boolean(other) and not isinstance(other, exp.Null)
    if isinstance(parent, exp.Cast):
        return not parent.to.is_type(exp.DataType.Type.BOOLEAN)
    return isinstance(parent, (_ARITHMETIC, exp.Func))


def like_nocase(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's LIKE folds ASCII letters only, lets `%` and `_` match newlines, and has no escape
    character unless ESCAPE names one; NOT LIKE is its negation. A literal pattern becomes a
    regular expression with exactly those rules (patterns.py), on Nano string functions where
    they are exact (patterns.like_fast: Nano compiles `~` for every row), and so does a pattern
    given as a parameter, when it is bound. Any other pattern known only at run time (a column, an
    expression) goes to the engine's ILIKE with backslash made literal, which also folds
    non-ASCII letters; on Nano a newline in both operands is first made one private character,
    which `%` and `_` match (Nano's never match a newline)."""
    kinds = patterns.pattern_params(tree)
    for node in list(tree.find_all(exp.Like)):
        holder = node.parent if isinstance(node.parent, exp.Escape) else None
        escape = holder.expression if holder is not None else None
        (holder or node).replace(_like(node, escape, kinds, ctx))
    return tree


def _like(like: exp.Like, escape: exp.Expression | None, kinds: dict[int, str],
          ctx: Context) -> exp.Expression:
    subject, pattern = like.this, like.expression
    negate = bool(like.args.get("negate"))
    esc = None
    if escape is not None and not isinstance(escape, exp.Null):
        if not (isinstance(escape, exp.Literal) and escape.is_string):
            raise _unsupported("LIKE ... ESCAPE with an escape character known only at run time")
        esc = escape.this
        if len(esc) != 1:
            raise _error("ESCAPE expression must be a single character")
    if isinstance(escape, exp.Null) or isinstance(pattern, exp.Null):
        return patterns.matches(subject, exp.Null(), negate)
    if isinstance(pattern, exp.Literal) and pattern.is_string:
        if ctx.dialect != "postgres":  # PostgreSQL caches a compiled `~`: it is fast there
            simple = isinstance(subject, (exp.Column, exp.Literal))
            fast = patterns.like_fast(patterns.as_text(subject), pattern.this, esc, simple)
            if fast is not None:
                return patterns.negated(fast, negate)
        regex = exp.Literal.string(patterns.like_regex(pattern.this, esc))
        return patterns.matches(subject, regex, negate)
    if patterns.bound_pattern(pattern, kinds, ctx):
        return patterns.matches(subject, patterns.as_text(pattern), negate)
    pattern = patterns.as_text(pattern)
    if esc is None:
        pattern = patterns.replace(pattern, "\\", "\\\\")
    elif esc != "\\" and ctx.dialect != "postgres":
        raise _unsupported(f"LIKE ... ESCAPE '{esc}' with a pattern known only at run time "
                           "(a column or an expression; HeliosDB Nano's LIKE takes only "
                           "backslash as its escape)")
    subject = patterns.one_line(patterns.as_text(subject), ctx.dialect)
    pattern = patterns.one_line(pattern, ctx.dialect)
    match: exp.Expression = exp.ILike(this=subject, expression=pattern, negate=negate or None)
    if esc is not None:
        match = exp.Escape(this=match, expression=exp.Literal.string(esc))
    return exp.Paren(this=match)


def _unsupported(what: str):
    from ..exceptions import NotSupportedError, make_error
    return make_error(NotSupportedError, f"{what} is not supported by heliosdb_sqlite")


def null_safe_eq_parens(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite `a IS b` (IS NOT DISTINCT FROM) binds looser than AND/OR in Nano: parenthesise."""
    for node in list(tree.find_all(exp.NullSafeEQ, exp.NullSafeNEQ)):
        if not isinstance(node.parent, exp.Paren):
            node.replace(exp.Paren(this=node.copy()))
    return tree


def scalar_min_max(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Scalar min()/max() are NULL when any argument is NULL (GREATEST/LEAST skip NULLs)."""
    for node in list(tree.find_all(exp.Greatest, exp.Least)):
        args = [node.this, *node.expressions]
        any_null = exp.or_(*[exp.Is(this=a.copy(), expression=exp.Null()) for a in args])
        node.replace(exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=node.copy()))
    return tree


def str_position(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """instr(x, y): the engine has strpos, not POSITION(y IN x)."""
    for node in list(tree.find_all(exp.StrPosition)):
        if node.args.get("position") is None:
            node.replace(exp.Anonymous(this="STRPOS", expressions=[node.this, node.args["substr"]]))
    return tree


def _numeric_prefix(text: str) -> float:
    """The number SQLite reads at the start of a text ('12abc' -> 12, 'abc' -> 0)."""
    import re
    m = re.match(r"\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)", text)
    return float(m.group(0)) if m else 0.0


def blob_comparisons(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """Nano cannot compare bytea values; their text form ('\\x0001') compares as SQLite compares
    blobs (memcmp), so a comparison with a BLOB column compares the text forms."""
    blob_columns = set()
    for table in tree.find_all(exp.Table):
        info = ctx.catalog.table(table.name)
        if info is not None:
            blob_columns.update(c.name.lower() for c in info.columns
                                if "BLOB" in c.decltype.upper())
    if not blob_columns:
        return tree
    comparisons = (exp.EQ, exp.NEQ, exp.LT, exp.LTE, exp.GT, exp.GTE)
    for node in list(tree.find_all(*comparisons)):
        sides = (node.this, node.expression)
        if any(isinstance(side, exp.Column) and side.name.lower() in blob_columns for side in sides):
            for key, side in (("this", node.this), ("expression", node.expression)):
                node.set(key, exp.Cast(this=side.copy(), to=exp.DataType.build("TEXT")))
    return tree


def dynamic_integer_equality(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """A typeless (or NUMERIC-affinity, not plainly numeric) column keeps SQLite's canonical
    text of what was stored (rewrite/types.py is_dynamic), so an integer is the text '1' there.
    SQLite finds it with `x = 1`; PostgreSQL refuses text = integer, so the integer literal is
    compared as its canonical text, as the embedded engines compare it."""
    if ctx.dialect != "postgres":
        return tree
    dynamic = set()
    for table in tree.find_all(exp.Table):
        info = ctx.catalog.table(table.name)
        if info is not None:
            dynamic.update(c.name.lower() for c in info.columns if is_dynamic(c.decltype))
    if not dynamic:
        return tree
    for node in list(tree.find_all(exp.EQ, exp.NEQ)):
        for column, other in ((node.this, node.expression), (node.expression, node.this)):
            if isinstance(column, exp.Column) and column.name.lower() in dynamic:
                text = _integer_literal(other)
                if text is not None:
                    other.replace(exp.Literal.string(text))
                break
    return tree


def _integer_literal(node: exp.Expression) -> str | None:
    """The canonical text of a decimal integer literal (`7`, `-7`), else None."""
    sign = ""
    if isinstance(node, exp.Neg):
        sign, node = "-", node.this
    if isinstance(node, exp.Literal) and not node.is_string and node.this.isdigit():
        value = int(sign + node.this)
        if -2**63 <= value < 2**63:
            return str(value)
    return None


def int64_min_literal(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """-9223372036854775808 is an integer in SQLite; the engine negates an out-of-range
    9223372036854775808 and gets a real, so it is written as (-9223372036854775807 - 1)."""
    for node in list(tree.find_all(exp.Neg)):
        if isinstance(node.this, exp.Literal) and node.this.this == "9223372036854775808":
            node.replace(exp.Paren(this=exp.Sub(this=exp.Literal.number("-9223372036854775807"),
                                                expression=exp.Literal.number(1))))
    return tree


def null_negation(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's -x of NULL is NULL, where Nano 4.31 fails ("Cannot apply unary minus to Null");
    and SQLite negates a REAL column's 0.0 to 0.0 (it stores an integral real as an integer),
    where PostgreSQL gives -0.0. A negated non-literal is 0 - x on both engines."""
    for node in list(tree.find_all(exp.Neg)):
        if not isinstance(node.this.unnest(), exp.Literal):
            operand = node.this
            node.replace(exp.Paren(this=exp.Sub(this=exp.Literal.number(0),
                                                expression=exp.Paren(this=operand))))
    return tree


def real_numbers(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's 1.5 and avg() are reals (IEEE doubles); PostgreSQL makes both NUMERIC, which
    prints 7.0 / 2 as 3.5000000000000000 and 0.1 + 0.2 as 0.3. Nano already uses doubles."""
    if ctx.dialect != "postgres":
        return tree
    for node in list(tree.find_all(exp.Literal)):
        if not node.is_string and not node.this.lower().startswith("0x") and \
                any(ch in node.this for ch in ".eE"):
            node.replace(exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE PRECISION")))
    for node in list(tree.find_all(exp.Avg)):
        if not isinstance(node.parent, exp.Cast):
            node.replace(exp.Cast(this=node.copy(), to=exp.DataType.build("DOUBLE PRECISION")))
    return tree


def concat_text(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """group_concat() and || join any values as text; PostgreSQL's string_agg() takes only
    text, and its || needs a text operand."""
    if ctx.dialect != "postgres":
        return tree
    for node in list(tree.find_all(exp.DPipe)):
        for key in ("this", "expression"):
            operand = node.args[key]
            is_text = (isinstance(operand, exp.Literal) and operand.is_string) or isinstance(
                operand, exp.DPipe) or (isinstance(operand, exp.Cast) and operand.to.is_type("text"))
            if not is_text:
                operand.replace(exp.Cast(this=operand.copy(), to=exp.DataType.build("TEXT")))
    for node in list(tree.find_all(exp.GroupConcat)):
        holder = node.this.this if isinstance(node.this, exp.Order) else node
        value = holder.this
        targets = value.expressions if isinstance(value, exp.Distinct) else [value]
        for target in list(targets):
            target.replace(exp.Cast(this=target.copy(), to=exp.DataType.build("TEXT")))
    return tree


def _filter_position(node: exp.Expression) -> bool:
    """True if only the truth of `node` matters (it sits in WHERE/HAVING/ON under AND/OR)."""
    parent = node.parent
    while isinstance(parent, (exp.And, exp.Or, exp.Paren)):
        parent = parent.parent
    return isinstance(parent, (exp.Where, exp.Having, exp.Join))


def in_forms(tree: exp.Expression, ctx: Context) -> exp.Expression:
    """SQLite's IN forms the engine lacks: `x IN ()` (false, even for NULL x), `x IN table`, and
    `x IN (subquery)` over no rows, which is false (Nano gives NULL) — that last one matters
    only where the value is seen (SELECT list, under NOT), so filters are left alone."""
    for node in list(tree.find_all(exp.In)):
        field = node.args.get("field")
        query = node.args.get("query")
        if field is not None and isinstance(field, (exp.Column, exp.Table)):
            table = ctx.catalog.relation(field.name)
            if table is None:
                continue
            if len(table.columns) != 1:
                raise _error(f"sub-select returns {len(table.columns)} columns - expected 1")
            sub = exp.select(exp.column(table.columns[0].name)).from_(exp.to_table(table.name))
            node.set("field", None)
            node.set("query", exp.Subquery(this=sub))
            query = node.args["query"]
        elif field is None and query is None and not node.expressions:
            node.replace(exp.Paren(this=exp.EQ(this=exp.Literal.number(1),
                                               expression=exp.Literal.number(0))))
            continue
        if query is not None and not _filter_position(node):
            left = node.this
            if isinstance(left, exp.Literal):
                continue  # a non-NULL literal: NULL never arises from the left side
            sub = query.this if isinstance(query, exp.Subquery) else query
            replacement = exp.Case(ifs=[exp.If(this=exp.Exists(this=sub.copy()), true=node.copy())],
                                   default=exp.Paren(this=exp.EQ(this=exp.Literal.number(1),
                                                                 expression=exp.Literal.number(0))))
            node.replace(exp.Paren(this=replacement))
    return tree


def _error(message: str):
    from ..exceptions import OperationalError, make_error
    return make_error(OperationalError, message)
