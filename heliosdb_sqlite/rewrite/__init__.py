"""SQLite SQL -> a Plan for one engine dialect. Pure: no I/O; the caller caches plans.

    translate(sql, catalog, dialect) -> Plan

Statements the engine cannot take as they are (transactions, PRAGMAs, DDL) are decided here from
tokens; queries and DML go through sqlglot's parser and the transforms in transforms.py.
"""
from __future__ import annotations

import logging
import re

import sqlglot
from sqlglot import exp
from sqlglot.errors import ParseError

from ..catalog import Catalog
from ..exceptions import NotSupportedError, OperationalError, ProgrammingError, make_error
from . import collate_groups, control, ddl_plans, dynamic_math, json1, pragma
from .bare_columns import bare_columns
from .grouped_outer import grouped_outer
from .having import having_filters
from .insert import plan_insert, split_conflict_clauses
from .lexer import Token, first_statement_end, tokenize
from .names import resolve, resolve_write
from .params import LiteralNeeded, ParamSpec, number
from .plan import Plan, Step
from .select import expand_stars, returning_shape, shape
from .transforms import Context, apply, engine_sql
from .update import ALGORITHMS, plan_update_or

logging.getLogger("sqlglot").setLevel(logging.ERROR)

__all__ = ["Plan", "translate", "split_script"]

_QUERY_VERBS = frozenset(("SELECT", "WITH", "VALUES"))
_UPDATE_OR = re.compile(r"^\s*UPDATE\s+OR\s+(?:ABORT|FAIL|ROLLBACK|IGNORE|REPLACE)\b", re.I)
_NOOP_VERBS = frozenset(("ANALYZE", "VACUUM", "REINDEX"))
_VERBS = _QUERY_VERBS | _NOOP_VERBS | control.VERBS | frozenset((
    "INSERT", "REPLACE", "UPDATE", "DELETE", "CREATE", "DROP", "ALTER", "PRAGMA", "ATTACH",
    "DETACH", "EXPLAIN"))


def translate(sql: str, catalog: Catalog, dialect: str,
              literals: dict[int, str] | None = None) -> Plan:
    """`literals`: SQL literals for some parameters (params.inline_literal), for a statement
    whose plan named them in literal_params."""
    tokens = tokenize(sql)
    end = first_statement_end(tokens)
    if end is not None:
        if end + 1 < len(tokens) and any(t.kind != "semi" for t in tokens[end + 1:]):
            raise ProgrammingError("You can only execute one statement at a time.")
        sql = sql[:tokens[end].start]  # what follows the ';' is only comments and space
        tokens = tokens[:end]
    if not tokens:
        return Plan("", ParamSpec(0, ()), schema_version=catalog.version)
    verb = tokens[0].text.upper()
    if tokens[0].kind != "word" or verb not in _VERBS:
        raise syntax_error(tokens[0])
    if verb == "EXPLAIN":
        raise make_error(NotSupportedError, "EXPLAIN is not supported by heliosdb_sqlite")
    text, params = number(tokens, sql, literals)
    try:
        return _dispatch(verb, sql, text, tokens, params, catalog, dialect)
    except LiteralNeeded as need:
        if literals is not None and need.indexes <= literals.keys():
            raise  # not a parameter's fault after all
        # planned per bound value: the statement's kind, and its parameters checked at binding
        return Plan(verb, params, schema_version=catalog.version,
                    literal_params=need.indexes | (literals or {}).keys())


def _dispatch(verb: str, sql: str, text: str, tokens: list[Token], params: ParamSpec,
              catalog: Catalog, dialect: str) -> Plan:
    version = catalog.version
    if verb in control.VERBS:
        return control.plan(verb, tokens, params, version)
    if verb == "PRAGMA":
        return pragma.plan(tokens, sql, params, catalog)
    if verb in _NOOP_VERBS:
        return Plan(verb, params, schema_version=version)
    if verb == "CREATE" and len(tokens) > 1 and tokens[1].text.upper() == "VIRTUAL":
        words = [t.text for t in tokens]
        using = next((i for i, w in enumerate(words) if w.upper() == "USING"), None)
        module = f" USING {words[using + 1]}" if using is not None and using + 1 < len(words) else ""
        raise make_error(NotSupportedError, f"CREATE VIRTUAL TABLE{module} is not supported by "
                         "heliosdb_sqlite: the engine has no virtual table modules")
    if verb in ("CREATE", "DROP", "ALTER"):
        return ddl_plans.plan(verb, sql, tokens, params, catalog, dialect)
    if verb in ("ATTACH", "DETACH"):
        raise make_error(NotSupportedError, f"{verb} DATABASE is not supported by heliosdb_sqlite")
    if verb == "REPLACE":
        text = "INSERT OR " + text.lstrip()
    more_clauses = []
    if verb in ("INSERT", "REPLACE"):
        text, more_clauses = split_conflict_clauses(text, tokens)
    rollback_on_conflict = False
    algorithm = None
    if verb == "UPDATE" and len(tokens) > 2 and tokens[1].text.upper() == "OR":
        alternative = tokens[2].text.upper()
        plain = _UPDATE_OR.sub("UPDATE", text, count=1)
        if plain == text:
            raise syntax_error(tokens[2])
        # ABORT is what an UPDATE does anyway; ROLLBACK also ends the transaction; IGNORE,
        # REPLACE and FAIL go row by row (rewrite/update.py)
        text, rollback_on_conflict = plain, alternative == "ROLLBACK"
        algorithm = alternative if alternative in ALGORITHMS else None
    tree = parse(text, tokens)
    if verb in _QUERY_VERBS:
        return _query(verb, tree, sql, tokens, params, catalog, dialect)
    if isinstance(tree, exp.Insert):
        user_returning = tree.args.get("returning") is not None
        result_shape = returning_shape(tree, sql, tokens, catalog) if user_returning else None
        target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
        rows = len(tree.expression.expressions) if isinstance(tree.expression, exp.Values) else 2
        rollback = (tree.args.get("alternative") or "").upper() == "ROLLBACK"
        alternative = (tree.args.get("alternative") or "").upper()
        steps, info, source, coercions = plan_insert(tree, catalog, dialect, params.count,
                                                    more_clauses)
        batch = (len(steps) == 1 and source is None and rows == 1 and not user_returning
                 and alternative != "IGNORE" and (info is None or steps[0].plain_sql is not None))
        return Plan("REPLACE" if verb == "REPLACE" else "INSERT", params, steps, result_shape,
                    insert=info, source=source, touches=target.name,
                    atomic=rows > 1 or len(steps) > 1 or source is not None,
                    coercions=coercions, rollback_on_conflict=rollback, batch=batch,
                    schema_version=version)
    if isinstance(tree, (exp.Update, exp.Delete)):
        table = tree.this.name if isinstance(tree.this, exp.Table) else None
        if table is not None and catalog.writable(table) is None:
            if catalog.kind(table) == "view":
                raise make_error(OperationalError, f"cannot modify {table} because it is a view")
            raise make_error(OperationalError, f"no such table: {table}")
        returning = tree.args.get("returning") is not None
        result_shape = returning_shape(tree, sql, tokens, catalog) if returning else None
        coercions = resolve_write(tree, catalog.writable(table)) if table else ()
        row_by_row = None
        if algorithm is not None and isinstance(tree, exp.Update) and table is not None:
            row_by_row = plan_update_or(tree, algorithm, catalog.writable(table), catalog,
                                        dialect, params.count)
        if row_by_row is not None:
            source, steps = row_by_row
            return Plan(verb, params, steps, result_shape, touches=table, coercions=coercions,
                        source=source, atomic=True, keeps_earlier_rows=algorithm == "FAIL",
                        schema_version=version)
        ctx = Context(catalog, dialect, coercions=[])
        tree = apply(tree, ctx)
        result_shape = dynamic_math.numeric_shape(tree, result_shape)
        step = Step(engine_sql(tree), tuple(ctx.params), returning)
        coercions += tuple(ctx.coercions)
        return Plan(verb, params, (step,), result_shape, touches=table, coercions=coercions,
                    batch=not returning, rollback_on_conflict=rollback_on_conflict,
                    schema_version=version)
    raise make_error(OperationalError, f'near "{tokens[0].text}": syntax error')


def _query(verb, tree, sql, tokens, params, catalog, dialect) -> Plan:
    pragma.table_valued(tree, catalog)
    resolve(tree, catalog)
    coercions = tuple(_limit_params(tree))
    for select in tree.find_all(exp.Select):
        expand_stars(select, catalog)
    result_shape = shape(tree, sql, tokens, catalog)
    # before bare_columns: it picks each group's shown value
    collate_groups.grouping(tree, catalog, dialect)
    bare_columns(tree, catalog, dialect)
    having_filters(tree, catalog, dialect)
    unresolved = _names_unknown_table(tree, catalog)
    ctx = Context(catalog, dialect, coercions=[])
    tree = apply(tree, ctx)
    coercions += tuple(ctx.coercions)
    grouped_outer(tree, catalog, dialect)  # after the transforms: it reads the engine's form (having.py)
    result_shape = json1.decoded_shape(tree, result_shape)
    result_shape = dynamic_math.numeric_shape(tree, result_shape)
    step = Step(engine_sql(tree), tuple(ctx.params), True)
    return Plan("SELECT", params, (step,), result_shape, coercions=coercions,
                schema_version=catalog.version, unresolved=unresolved)


def _names_unknown_table(tree: exp.Expression, catalog: Catalog) -> bool:
    """True if the query reads a table or view the catalog does not know (CTEs aside)."""
    ctes = {cte.alias.lower() for cte in tree.find_all(exp.CTE)}
    return any(t.name and not t.args.get("db") and t.name.lower() not in ctes
               and catalog.relation(t.name) is None and catalog.kind(t.name) is None
               for t in tree.find_all(exp.Table))


def _limit_params(tree: exp.Expression):
    """Parameters in LIMIT / OFFSET: SQLite reads a negative limit as none, offset as 0."""
    for clause, kind in ((exp.Limit, "limit"), (exp.Offset, "offset")):
        for node in tree.find_all(clause):
            for ph in node.find_all(exp.Placeholder):
                if ph.name[1:].isdigit():
                    yield int(ph.name[1:]), kind


def parse(text: str, tokens: list[Token]) -> exp.Expression:
    try:
        tree = sqlglot.parse_one(text, read="sqlite")
    except ParseError as err:
        detail = err.errors[0] if err.errors else {}
        near = detail.get("highlight") or tokens[0].text
        if near == tokens[-1].text and not (detail.get("end_context") or "").strip() \
                and tokens[-1].kind in ("word", "op", "comma", "lparen"):
            raise make_error(OperationalError, "incomplete input") from None
        raise make_error(OperationalError, f'near "{near}": syntax error') from None
    if isinstance(tree, exp.Command):
        raise syntax_error(tokens[0])
    return tree


def syntax_error(tok: Token) -> OperationalError:
    return make_error(OperationalError, f'near "{tok.text}": syntax error')


def split_script(sql: str) -> list[str]:
    from .lexer import split_statements
    return split_statements(sql)
