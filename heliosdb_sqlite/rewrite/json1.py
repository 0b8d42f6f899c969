"""SQLite's JSON1 functions (https://sqlite.org/json1.html) as engine expressions.

json(), json_extract() and the `->` / `->>` operators, json_object(), json_array(), json_valid(),
json_type(), json_array_length(), json_quote(), json_insert(), json_set(), json_replace(),
json_remove(), json_patch(), json_group_array() and json_group_object().

How a call is computed:
- Every argument a literal (or such a call): this Python's own SQLite computes the value at
  translation, and the call becomes that literal, with the storage class SQLite gives it. Exact
  by construction, malformed JSON and path errors included (OperationalError, SQLite's message).
- A value known only at run time: the engine reads it with its JSON type, along a path that
  must be a literal. SQLite's values come back as SQLite's classes on Nano, whose expressions are
  typed per row (a JSON integer is an integer, a real a real, a string text, true/false 1/0, an
  object or array its minified text). Text that is not JSON fails the statement
  (OperationalError). json() returns text already minified as it is, else the engine's print of
  it. json_insert(), json_set(), json_replace(), json_remove() and json_patch() raise
  NotSupportedError on run-time values.
- json_each() and json_tree() (table-valued): see json_each.py.
- sqlglot reads a path without its '$' ('a') as '$.a', so json_extract() accepts it where SQLite
  raises "JSON path error".

Engine facts (Nano 4.31.1, measured) that shaped the SQL:
- JSONB keeps objects as sorted maps: an object read from a run-time value comes back with its
  keys sorted and a duplicate key's last value, where SQLite keeps the text's order; reals are
  re-printed by the engine (2e2 reads as 200.0).
- CAST(integer AS JSONB) fails: values are cast to TEXT first. CAST(jsonb AS TEXT) wraps the text
  in quote characters: a JSONB value's text is `v #>> '{}'` (strings unquoted) or the value itself.
- `->` and `#>` fail on a member name applied to an array (SQLite finds nothing there):
  paths are read with jsonb_extract_path(), which gives NULL.
- jsonb_typeof() of a missing member is 'null': a missing member is told by `v IS NULL`.
- No STRPOS/POSITION on its server and REPL, no REGEXP_REPLACE, no CHR(): characters are looked
  for with REPLACE, control characters written as U&'' escapes.
- A server describes a CASE column by the type of its first branch: the text branch comes first
  (a value typed per row arrives as text there rather than failing to convert).

PostgreSQL (dialect "postgres") reads values as `json` (which keeps the text, so key order and
duplicates as SQLite) and minifies with a regular expression. Its expressions have one type per
column, so a run-time json_extract() / `->>` value comes back as text there.
"""
from __future__ import annotations

import json
import math
import re
import sqlite3

from sqlglot import exp

from ..exceptions import NotSupportedError, OperationalError, make_error
from .datetime import _DIALECT
from .oracle import ask
from .params import folded_constant, needs_literal
from .transforms_base import Context

E = exp.Expression

# Calls whose answer SQLite marks as JSON: another JSON call embeds it as JSON, not as a string
_JSON_ANSWER = ("json", "json_array", "json_object", "json_quote", "json_insert", "json_set",
                "json_replace", "json_remove", "json_patch", "->")
_TABLE_VALUED = ("json_each", "json_tree")
_AGGREGATES = (exp.JSONArrayAgg, exp.JSONObjectAgg)

# -- SQLite itself: values of constant calls ---------------------------------------------------

def _ask(sql: str, params: tuple = ()):
    try:
        return ask(sql, params)
    except sqlite3.Error as err:
        raise make_error(OperationalError, str(err)) from None


def _unsupported(what: str) -> NotSupportedError:
    return make_error(NotSupportedError, f"{what} is not supported by heliosdb_sqlite")


def _pg() -> bool:
    return _DIALECT.get() == "postgres"


# -- sqlglot's JSON nodes back to SQLite's calls -------------------------------------------------

def _path_text(path: E) -> E:
    """sqlglot reads a literal path into a JSONPath: SQLite's path text again."""
    if not isinstance(path, exp.JSONPath):
        return path
    text = ""
    for part in path.expressions:
        if isinstance(part, exp.JSONPathKey):
            key = part.this
            plain = key.replace("_", "a").isalnum() and key.isascii()
            text += f".{key}" if plain else '."' + key + '"'
        elif isinstance(part, exp.JSONPathSubscript):
            text += f"[{part.this}]"
        elif not isinstance(part, exp.JSONPathRoot):
            raise _unsupported(f"the JSON path {path.sql(dialect='sqlite')}")
    return exp.Literal.string("$" + text)


def _call(node: E) -> tuple[str, list[E]] | None:
    """(SQLite's name, arguments) of a JSON1 call or operator, or None."""
    if isinstance(node, exp.Anonymous):
        name = node.name.lower()
        known = name in JSON_FUNCTIONS or name in _TABLE_VALUED
        return (name, list(node.expressions)) if known else None
    if isinstance(node, exp.JSONExtractScalar):
        name = "json_extract" if node.args.get("json_subtype") else "->>"
        return name, [node.this, _path_text(node.expression)]
    if isinstance(node, exp.JSONExtract):
        name = "->" if "only_json_types" in node.args else "json_extract"
        rest = node.expressions or []
        return name, [node.this, _path_text(node.expression), *rest]
    if isinstance(node, exp.Lambda) and len(node.expressions) == 1:
        # sqlglot reads `col -> 'path'` among a call's arguments as a lambda
        return "->", [exp.column(node.expressions[0].copy()), node.this]
    if isinstance(node, exp.JSONObject):
        args: list[E] = []
        for pair in node.expressions:
            args.extend([pair.this, pair.expression] if isinstance(pair, exp.JSONKeyValue)
                        else [pair])
        return "json_object", args
    if isinstance(node, exp.JSONType):
        return "json_type", [a for a in (node.this, node.expression) if a is not None]
    if isinstance(node, (exp.JSONSet, exp.JSONRemove)):
        name = "json_set" if isinstance(node, exp.JSONSet) else "json_remove"
        return name, [node.this, *node.expressions]
    if isinstance(node, exp.JSONArrayAgg):
        return "json_group_array", [node.this]
    if isinstance(node, exp.JSONObjectAgg):
        return "json_group_object", list(node.expressions)
    return None


_CONSTANT_LEAVES = (exp.Literal, exp.Null, exp.Boolean, exp.JSONPath, exp.JSONPathPart,
                    exp.JSONKeyValue, exp.Neg, exp.Paren, exp.DPipe)


def _constant(node: E) -> bool:
    """A JSON call whose value depends on nothing but literals (no columns, parameters,
    aggregates, clocks or other functions)."""
    for sub in node.walk():
        if isinstance(sub, (*_AGGREGATES, exp.Distinct)):
            return False
        if _call(sub) is not None or isinstance(sub, _CONSTANT_LEAVES):
            continue
        return False
    return True


def _literal(value) -> E:
    """SQLite's answer as an engine literal of the same storage class."""
    if value is None:
        return exp.Null()
    if isinstance(value, str):
        return exp.Literal.string(value)
    if isinstance(value, float):
        if not math.isfinite(value):  # SQLite reads 1e999 as Inf
            word = "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
            return exp.Cast(this=exp.Literal.string(word),
                            to=exp.DataType.build("DOUBLE PRECISION"))
        return exp.Literal.number(repr(value))
    if isinstance(value, int):
        return exp.Literal.number(str(value))
    raise _unsupported("a JSON function returning a blob")


def json_calls(tree: E, ctx: Context) -> E:
    """SQLite's JSON1 calls and `->` / `->>` operators: a call over literals becomes SQLite's own
    answer; the others become plain calls by SQLite's name that sqlite_functions translates
    (`->` and `->>` by those names), their literal paths as SQLite's path text."""
    from .json_each import table_functions
    table_functions(tree, ctx)
    _visit(tree)
    _outermost_values(tree)
    return tree


# A json_extract() with one path, or `->>`, that is a whole item of the outermost SELECT list:
# the engine gives the JSON text of the value and decode_value() reads it in Python. The engine's
# own SQL value has one type per column on PostgreSQL, and a Nano server describes the column by
# its CASE's first branch, so there a number would arrive as text.
_VALUE_TEXT = {"json_extract": "json_extract_as_json", "->>": "->>_as_json"}


def _outermost_values(tree: E) -> None:
    from .select import first_select
    select = first_select(tree)
    if select is None:
        return
    for item in select.expressions:
        call = item.this if isinstance(item, exp.Alias) else None
        if not isinstance(call, exp.Anonymous):
            continue
        name = call.name.lower()
        if name in _VALUE_TEXT and len(call.expressions) == 2:
            call.set("this", _VALUE_TEXT[name])
            item.meta["json_decode"] = True


def decode_value(text):
    """SQLite's SQL value of a JSON value's text: integer, real, text, 1/0 for true/false, NULL
    for null; an object or array stays its (minified) text."""
    if type(text) is not str:
        return text
    first = text[:1]
    if first in ("{", "["):
        return text
    value = json.loads(text)
    if value is True or value is False:
        return int(value)
    if type(value) is int and not -2**63 <= value < 2**63:
        return float(value)  # SQLite reads an integer past 64 bits as a real
    return value


def decoded_shape(tree: E, shape):
    """`shape` with decode_value() for the outermost items _outermost_values() marked (a mark
    may name its own decoder: json_each.py). A shape that takes the engine's names (the list
    had a `*`, expanded since) gets converters for the items as they now are."""
    from dataclasses import replace

    from .select import first_select
    select = first_select(tree)
    if select is None or shape is None:
        return shape
    marks = [item.meta.get("json_decode") for item in select.expressions]
    converters = shape.converters
    if not converters and shape.names is None and not any(
            isinstance(e, exp.Star) or isinstance(e.this, exp.Star) for e in select.expressions):
        converters = (None,) * len(marks)
    if not any(marks) or len(marks) != len(converters):
        return shape
    converters = tuple((mark if callable(mark) else decode_value) if mark else c
                       for mark, c in zip(marks, converters))
    return replace(shape, converters=converters)


def _visit(node: E) -> None:
    call = _call(node)
    if call is not None and _constant(node):
        value = _ask("SELECT " + node.sql(dialect="sqlite"))
        folded = _literal(value)
        folded.meta["json"] = call[0] in _JSON_ANSWER and value is not None
        node.replace(folded)
        return
    for child in list(node.iter_expressions()):
        _visit(child)
    if call is not None and not isinstance(node, exp.Anonymous):
        name, args = _call(node)
        node.replace(exp.Anonymous(this=name, expressions=[a.copy() for a in args]))


# -- run-time values ------------------------------------------------------------------------------

_STEP = re.compile(r'\.(?:"(?P<quoted>[^"]*)"|(?P<key>[^.\[]+))|\[(?P<end>#-)?(?P<index>\d+)\]')


def _steps(path: E, arrow: bool) -> list[str]:
    """A literal SQLite path as the engine's text path (`#>`): keys, and array indexes (from the
    end when negative). `->` and `->>` also take a bare label or integer, as SQLite does."""
    if isinstance(path, exp.Literal) and not path.is_string and arrow:
        return [path.this]
    if isinstance(path, exp.Literal) and path.is_string:
        text = path.this
    else:  # an expression of literals (a statement planned with its parameters written in)
        constant, text = folded_constant(path)
        if not constant or not isinstance(text, str):
            raise needs_literal(path, "a JSON path that is not a literal")
    written = text
    if arrow and not text.startswith("$"):
        text = f"[{text}]" if text.lstrip("-").isdigit() else f".{text}"
    else:
        _ask("SELECT json_extract('null', ?)", (text,))  # SQLite's error for a malformed path
        text = text[1:]
    steps: list[str] = []
    at = 0
    while at < len(text):
        m = _STEP.match(text, at)
        if m is None:
            raise _unsupported(f"the JSON path {written!r}")
        key = m.group("quoted") if m.group("quoted") is not None else m.group("key")
        steps.append(key if key is not None else ("-" if m.group("end") else "") + m.group("index"))
        at = m.end()
    return steps


def _cast(node: E, to: str) -> E:
    return exp.Cast(this=node, to=exp.DataType.build(to))


def _fn(name: str, *args: E) -> E:
    return exp.Anonymous(this=name, expressions=list(args))


def _s(text: str) -> E:
    return exp.Literal.string(text)


def _doc(x: E) -> E:
    """X read as the engine's JSON type (SQLite reads a number as its JSON text)."""
    if x.meta.get("jsonb"):
        return x
    text = x if (isinstance(x, exp.Literal) and x.is_string) or x.meta.get("json") \
        else _cast(x, "TEXT")
    return _cast(text, "JSON" if _pg() else "JSONB")


def _at(x: E, steps: list[str]) -> E:
    """The JSON value at a path, NULL where SQLite finds nothing (Nano's `#>` fails a member name
    applied to an array; its jsonb_extract_path() gives NULL, as SQLite)."""
    doc = _doc(x)
    if not steps:
        return doc
    return _fn("json_extract_path" if _pg() else "jsonb_extract_path", doc, *map(_s, steps))


def _text(v: E) -> E:
    """The engine's text of a JSON value: a string unquoted, anything else its JSON text."""
    return exp.JSONBExtractScalar(this=v.copy(), expression=_s("{}"))


def _typeof(v: E) -> E:
    return _fn("json_typeof" if _pg() else "jsonb_typeof", v.copy())


def _minify(text: E) -> E:
    """PostgreSQL's json keeps the text as written: SQLite prints it without white space."""
    return _fn("REGEXP_REPLACE", text, _s(r'("(?:[^"\\]|\\.)*")|\s+'), _s(r"\1"), _s("g"))


def _simple_case(subject: E, pairs: list[tuple[str, E]], default: E | None) -> E:
    return exp.Case(this=subject, ifs=[exp.If(this=_s(k), true=v) for k, v in pairs],
                    default=default)


def _free_of(t: E, chars: list[E]) -> E:
    """T holds none of CHARS (Nano's server and REPL cannot run STRPOS/POSITION)."""
    stripped = t.copy()
    for ch in chars:
        stripped = _fn("REPLACE", stripped, ch, _s(""))
    return exp.EQ(this=stripped, expression=t.copy())


def _is_real(t: E) -> E:
    """A JSON number SQLite reads as a real: written with a fraction or an exponent."""
    return exp.Not(this=_free_of(t, [_s("."), _s("e"), _s("E")]))


def _sql_value(v: E, whole: E | None = None) -> E:
    """SQLite's SQL value of a JSON value: integer, real, text, 1/0 for true/false, NULL for
    null, the minified text of an object or array (`whole`: that text, for a whole document)."""
    t = _text(v)
    if whole is not None and not _pg():
        return _simple_case(_typeof(v), [("object", whole), ("array", whole.copy())],
                            _sql_value(v))
    if _pg():  # one type per column: the value's text
        return _simple_case(_typeof(v), [
            ("boolean", _simple_case(t, [("true", _s("1"))], _s("0"))),
            ("object", _minify(t.copy())), ("array", _minify(t.copy()))], t.copy())
    number = exp.Case(ifs=[exp.If(this=_is_real(t), true=_cast(t.copy(), "DOUBLE PRECISION"))],
                      default=_cast(t.copy(), "BIGINT"))
    # text first: a Nano server describes the column by the first branch, and text converts
    return _simple_case(_typeof(v), [
        ("string", t.copy()),
        ("number", number),
        ("boolean", _simple_case(t.copy(), [("true", exp.Literal.number(1))],
                                 exp.Literal.number(0))),
        ("null", exp.Null())], t.copy())


def _json_answer(node: E, engine_json: bool = False) -> E:
    node.meta["json"] = True
    node.meta["jsonb"] = engine_json
    return node


def _json_text(v: E) -> E:
    """The minified JSON text of a JSON value (Nano: its JSONB value, read as text)."""
    if _pg():
        return _json_answer(_minify(_cast(v, "TEXT")))
    return _json_answer(v, engine_json=True)


def _extract(args: list[E]) -> E:
    """json_extract(): with one path the SQL value there, with several a JSON array of the
    values (null where nothing is found)."""
    if len(args) == 2:
        return _value_at(args[0], _steps(args[1], arrow=False))
    items = [_at(args[0], _steps(path, arrow=False)) for path in args[1:]]
    if _pg():
        items = [exp.Coalesce(this=_json_text(v), expressions=[_s("null")]) for v in items]
    else:
        items = [_encode(_json_answer(v, engine_json=True)) for v in items]
    whole = _joined("[", items, "]")
    missing = exp.Is(this=_doc(args[0]), expression=exp.Null())
    return _json_answer(exp.Case(ifs=[exp.If(this=missing, true=exp.Null())], default=whole))


def _arrow(args: list[E]) -> E:
    steps = _steps(args[1], arrow=True)
    return _json_text(_at(args[0], steps)) if steps else _json(args[:1])


def _arrow_value(args: list[E]) -> E:
    return _value_at(args[0], _steps(args[1], arrow=True))


def _value_as_json(arrow: bool):
    """The JSON text of the value at one path (decode_value reads it): Nano's JSONB value is
    already its minified text; PostgreSQL's json keeps the text as written."""
    def build(args: list[E]) -> E:
        v = _at(args[0], _steps(args[1], arrow=arrow))
        return _minify(_cast(v, "TEXT")) if _pg() else v
    return build


def _value_at(x: E, steps: list[str]) -> E:
    return _sql_value(_at(x, steps), None if steps else _json([x.copy()]))


def _json(args: list[E]) -> E:
    x = args[0]
    if _pg():
        return _json_text(_doc(x))
    if x.meta.get("jsonb"):
        return _json_text(exp.JSONBExtract(this=x, expression=_s("{}")))
    # JSONB prints objects with sorted keys: text that is already minified is its own answer
    text = x if x.meta.get("json") else _cast(x, "TEXT")
    blank = _free_of(text, [_s(" "), *(exp.UnicodeString(this=c) for c in _CONTROL_WHITE)])
    as_written = exp.and_(blank, _valid([text.copy()]))
    normalized = exp.JSONBExtract(this=_cast(text.copy(), "JSONB"), expression=_s("{}"))
    return _json_answer(exp.Case(ifs=[exp.If(this=as_written, true=text)], default=normalized))


_CONTROL_WHITE = ("\\000a", "\\000d", "\\0009")  # JSON's other white space, as U&'' escapes


def _valid(args: list[E]) -> E:
    """json_valid(): 1 or 0, and 0 for NULL (SQLite 3.40)."""
    text = _cast(args[0], "TEXT") if not args[0].meta.get("json") else args[0]
    valid = _fn("PG_INPUT_IS_VALID", text, _s("json")) if _pg() else _fn("JSON_VALID", text)
    return exp.Case(this=valid, ifs=[exp.If(this=exp.true(), true=exp.Literal.number(1))],
                    default=exp.Literal.number(0))


def _path_of(args: list[E]) -> list[str]:
    return _steps(args[1], arrow=False) if len(args) > 1 else []


def _type(args: list[E]) -> E:
    v = _at(args[0], _path_of(args))
    t = _text(v)
    number = exp.Case(ifs=[exp.If(this=_is_real(t), true=_s("real"))], default=_s("integer"))
    named = _simple_case(_typeof(v), [("number", number), ("string", _s("text")),
                                      ("boolean", t.copy())], _typeof(v))
    return exp.Case(ifs=[exp.If(this=exp.Is(this=v.copy(), expression=exp.Null()),
                                true=exp.Null())], default=named)


def _array_length(args: list[E]) -> E:
    v = _at(args[0], _path_of(args))
    length = _fn("json_array_length" if _pg() else "jsonb_array_length", v.copy())
    # the length first: a Nano server describes the column by the first branch
    return exp.Case(ifs=[
        exp.If(this=exp.EQ(this=_typeof(v), expression=_s("array")), true=length),
        exp.If(this=exp.Is(this=v.copy(), expression=exp.Null()), true=exp.Null()),
    ], default=exp.Literal.number(0))


def _encode(x: E) -> E:
    """The JSON text of an SQL value (a JSON answer of another call is embedded as JSON)."""
    if x.meta.get("json") and not x.meta.get("jsonb"):
        return exp.Coalesce(this=x, expressions=[_s("null")])
    if _pg():
        text = _cast(_fn("JSON_BUILD_ARRAY", x), "TEXT")
    else:
        text = exp.JSONBExtractScalar(this=_fn("JSONB_BUILD_ARRAY", x), expression=_s("{}"))
    inner = exp.Sub(this=exp.Length(this=text.copy()), expression=exp.Literal.number(2))
    return exp.Substring(this=text, start=exp.Literal.number(2), length=inner)


def _concat(*parts: E) -> E:
    out = parts[0]
    for part in parts[1:]:
        out = exp.DPipe(this=out, expression=part)
    return out


def _joined(open_: str, items: list[E], close: str) -> E:
    parts: list[E] = [_s(open_)]
    for i, item in enumerate(items):
        if i:
            parts.append(_s(","))
        parts.append(item)
    parts.append(_s(close))
    return _json_answer(_concat(*parts))


def _array(args: list[E]) -> E:
    return _joined("[", [_encode(a) for a in args], "]")


def _label(key: E) -> E:
    if isinstance(key, exp.Literal) and key.is_string:
        return _s(_ask("SELECT json_quote(?)", (key.this,)))
    return _encode(_cast(key, "TEXT"))  # json_group_object() labels are text


def _object(args: list[E]) -> E:
    if len(args) % 2:
        raise make_error(OperationalError, "json_object() requires an even number of arguments")
    pairs = [_concat(_label(k), _s(":"), _encode(v)) for k, v in zip(args[::2], args[1::2])]
    return _joined("{", pairs, "}")


def _quote(args: list[E]) -> E:
    return _json_answer(_encode(args[0]))


def _aggregate(open_: str, item: E, close: str) -> E:
    joined = exp.GroupConcat(this=item, separator=_s(","))
    return _json_answer(_concat(_s(open_), exp.Coalesce(this=joined, expressions=[_s("")]),
                                _s(close)))


def _group_array(args: list[E]) -> E:
    if isinstance(args[0], exp.Distinct):
        raise _unsupported("json_group_array(DISTINCT ...)")
    return _aggregate("[", _encode(args[0]), "]")


def _group_object(args: list[E]) -> E:
    # SQLite writes a NULL label as nothing at all
    key = args[0]
    label = _label(key)
    if not isinstance(key, exp.Literal):
        label = exp.Case(ifs=[exp.If(this=exp.Is(this=key.copy(), expression=exp.Null()),
                                     true=_s(""))], default=label)
    return _aggregate("{", _concat(label, _s(":"), _encode(args[1])), "}")


def _run_time_only(name: str):
    def builder(args: list[E]) -> E:
        raise _unsupported(f"{name}() on a run-time value")
    return builder


JSON_FUNCTIONS = {
    "json": _json,
    "json_extract": _extract,
    "->": _arrow,
    "->>": _arrow_value,
    "json_extract_as_json": _value_as_json(arrow=False),
    "->>_as_json": _value_as_json(arrow=True),
    "json_valid": _valid,
    "json_type": _type,
    "json_array_length": _array_length,
    "json_array": _array,
    "json_object": _object,
    "json_quote": _quote,
    "json_group_array": _group_array,
    "json_group_object": _group_object,
    **{name: _run_time_only(name) for name in (
        "json_insert", "json_set", "json_replace", "json_remove", "json_patch")},
}

# at the end: json_each builds on this module
from .json_each import EACH_FUNCTIONS

JSON_FUNCTIONS.update(EACH_FUNCTIONS)
