"""Result shape: SQLite's column names, declared types and value converters for a query.

SQLite names a result column by its alias, else by the declared name of the column it reads, else
by the expression's text exactly as written. The binding returns rows as dicts, so the engine query
gets one distinct alias per output column and `*` is expanded from the catalog (which also keeps
the engine's hidden rowid column out of `SELECT *`).
"""
from __future__ import annotations

from sqlglot import exp

from ..catalog import Catalog, Column, Table
from ..exceptions import OperationalError, make_error
from ..values import dynamic_value, integral_float_to_int, numeric_text, real_text, to_storage
from .lexer import Token, unquote
from .plan import Shape
from .transforms import ROWID_NAMES
from .types import NUMERIC, affinity, is_dynamic

_CLAUSE_END = frozenset(("FROM", "WHERE", "GROUP", "HAVING", "ORDER", "LIMIT", "UNION",
                         "INTERSECT", "EXCEPT", "WINDOW"))


def first_select(tree: exp.Expression) -> exp.Select | None:
    node = tree
    while isinstance(node, (exp.Union, exp.Intersect, exp.Except)):
        node = node.this
    if isinstance(node, exp.Subquery):
        return first_select(node.this)
    return node if isinstance(node, exp.Select) else None


def projection_texts(sql: str, tokens: list[Token], keyword: str = "SELECT") -> list[str]:
    """Source text of each result column of the outermost SELECT (or RETURNING list), split at
    top-level commas."""
    depth = 0
    start = None
    for i, tok in enumerate(tokens):
        if tok.kind == "lparen":
            depth += 1
        elif tok.kind == "rparen":
            depth -= 1
        elif depth == 0 and tok.kind == "word" and tok.text.upper() == keyword:
            start = i + 1
            if keyword == "SELECT":
                break
    if start is None:
        return []
    while start < len(tokens) and tokens[start].kind == "word" \
            and tokens[start].text.upper() in ("DISTINCT", "ALL"):
        start += 1
    texts: list[str] = []
    depth = 0
    begin = start
    i = start
    while i < len(tokens):
        tok = tokens[i]
        if tok.kind == "lparen":
            depth += 1
        elif tok.kind == "rparen":
            if depth == 0:
                break
            depth -= 1
        elif depth == 0 and (tok.kind == "semi" or (
                tok.kind == "word" and tok.text.upper() in _CLAUSE_END)):
            break
        elif depth == 0 and tok.kind == "comma":
            texts.append(sql[tokens[begin].start:tok.start].rstrip())
            begin = i + 1
        i += 1
    if begin < i:
        # SQLite's span runs to the next token, so a trailing comment is part of the name
        end = tokens[i].start if i < len(tokens) else len(sql)
        texts.append(sql[tokens[begin].start:end].rstrip().rstrip(";").rstrip())
    return texts


def _sources(select: exp.Select, catalog: Catalog,
             derived: bool = False) -> list[tuple[str, Table | None]]:
    """(reference name, catalog table or None) for each FROM/JOIN source, in order. With
    `derived`, a subquery whose result columns are all named counts as a table of those names
    (for expanding `*`; it has no declared types)."""
    out = []
    nodes = []
    from_ = select.args.get("from_") or select.args.get("from")
    if from_ is not None:
        nodes.append(from_.this)
    for join in select.args.get("joins") or []:
        nodes.append(join.this)
    for node in nodes:
        if isinstance(node, exp.Table):
            out.append(((node.alias or node.name), catalog.relation(node.name)))
        elif derived and isinstance(node, exp.Subquery) and _named(node.this):
            inner = first_select(node.this)
            out.append((node.alias_or_name,
                        Table(node.alias_or_name, [Column(n) for n in inner.named_selects], None)))
        else:
            out.append((node.alias_or_name, None))
    return out


def _named(query: exp.Expression) -> bool:
    inner = first_select(query)
    return inner is not None and all(
        isinstance(p, exp.Alias) or (isinstance(p, exp.Column) and not isinstance(p.this, exp.Star))
        for p in inner.expressions)


def expand_stars(select: exp.Select, catalog: Catalog) -> None:
    """Replace `*` and `t.*` by the declared columns, when every source is a known table."""
    projections = select.expressions
    if not any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
               for p in projections):
        return
    sources = _sources(select, catalog, derived=True)
    using: set[str] = set()
    for join in select.args.get("joins") or []:
        for ident in join.args.get("using") or []:
            using.add(ident.name.lower())
    out: list[exp.Expression] = []
    for p in projections:
        if isinstance(p, exp.Star):
            if any(table is None for _, table in sources):
                return
            seen_using: set[str] = set()
            for ref, table in sources:
                for col in table.columns:
                    lname = col.name.lower()
                    if lname in using:
                        if lname in seen_using:
                            continue
                        seen_using.add(lname)
                    out.append(exp.column(col.name, table=ref, quoted=True))
        elif isinstance(p, exp.Column) and isinstance(p.this, exp.Star):
            match = [t for ref, t in sources if ref.lower() == p.table.lower()]
            if not match or match[0] is None:
                return
            out.extend(exp.column(c.name, table=p.table, quoted=True) for c in match[0].columns)
        else:
            out.append(p)
    select.set("expressions", out)


def _rowid_owner(col: exp.Column, sources: list[tuple[str, Table | None]]) -> Table | None:
    """The table whose rowid `rowid`/`oid`/`_rowid_` names (none if a real column has the name)."""
    qualifier = col.table.lower()
    for ref, table in sources:
        if table is None or (qualifier and qualifier != ref.lower()):
            continue
        if table.column(col.name) is None and table.rowid is not None:
            return table
    return None


def _resolve(col: exp.Column, sources: list[tuple[str, Table | None]]):
    qualifier = col.table.lower()
    for ref, table in sources:
        if table is None or (qualifier and qualifier != ref.lower()):
            continue
        found = table.column(col.name)
        if found is not None:
            return found
    return None


def returning_shape(tree: exp.Expression, sql: str, tokens: list[Token], catalog: Catalog) -> Shape:
    """The result shape of INSERT/UPDATE/DELETE ... RETURNING, as a SELECT of the same list from
    the target table would have it: `*` expanded to the declared columns, names from the source
    text, converters by declared type. The engine's RETURNING list becomes that SELECT's."""
    returning = tree.args["returning"]
    if any(isinstance(p, exp.Column) and isinstance(p.this, exp.Star) for p in returning.expressions):
        raise make_error(OperationalError, 'RETURNING may not use "TABLE.*" wildcards')
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    texts = projection_texts(sql, tokens, "RETURNING")
    select = exp.Select(expressions=[p.copy() for p in returning.expressions])
    select.set("from", exp.From(this=exp.to_table(target.name)))
    if len(texts) == len(select.expressions):
        # a `*` item stands for several columns: its text is not any of their names
        texts = [t for p, t in zip(select.expressions, texts) for _ in _star_width(p, target, catalog)]
    expand_stars(select, catalog)
    result = _shape_select(select, texts, catalog)
    returning.set("expressions", select.expressions)
    return result


def _star_width(p: exp.Expression, target: exp.Table, catalog: Catalog) -> range:
    if isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star)):
        table = catalog.relation(target.name)
        return range(len(table.columns) if table is not None else 1)
    return range(1)


def shape(tree: exp.Expression, sql: str, tokens: list[Token], catalog: Catalog) -> Shape:
    """Names, declared types and converters for the outermost query; gives each output column a
    distinct engine alias so no value is lost to a dict key collision."""
    select = first_select(tree)
    if select is None:
        return Shape(None, (), ())
    return _shape_select(select, projection_texts(sql, tokens), catalog)


def _shape_select(select: exp.Select, texts: list[str], catalog: Catalog) -> Shape:
    if any(isinstance(p, exp.Star) or (isinstance(p, exp.Column) and isinstance(p.this, exp.Star))
           for p in select.expressions):
        return Shape(None, (), ())
    sources = _sources(select, catalog)
    names: list[str] = []
    decltypes: list[str | None] = []
    converters = []
    aliases: set[str] = set()
    for i, p in enumerate(select.expressions):
        decltype = None
        if isinstance(p, exp.Alias):
            name = p.alias
            inner = p.this
        else:
            inner = p
            if isinstance(p, exp.Column):
                name = unquote(p.name)
            elif len(texts) == len(select.expressions):
                name = texts[i]
            else:
                name = p.sql(dialect="sqlite")
        converter = to_storage
        if isinstance(inner, exp.Sum):
            converter = numeric_text  # Nano's sum() over doubles is a numeric, returned as text
        elif isinstance(inner, exp.Anonymous) and inner.name.lower() == "total":
            converter = real_text
        if isinstance(inner, exp.Column) and inner.name.lower() in ROWID_NAMES:
            table = _rowid_owner(inner, sources)
            if table is not None and not isinstance(p, exp.Alias):
                name = table.rowid_alias or "rowid"
            if table is not None and table.rowid_alias:
                decltype = "INTEGER"
            converter = None
        elif isinstance(inner, exp.Column):
            declared = _resolve(inner, sources)
            if declared is not None:
                decltype = declared.decltype or None
                if not isinstance(p, exp.Alias):
                    name = declared.name
                if is_dynamic(declared.decltype):
                    converter = dynamic_value
                elif affinity(declared.decltype) == NUMERIC:
                    converter = integral_float_to_int
                else:
                    converter = None
        names.append(name)
        decltypes.append(decltype)
        converters.append(converter)
        alias = (p.alias if isinstance(p, exp.Alias) else
                 inner.name if isinstance(inner, exp.Column) else f"_h{i}").lower()
        if alias in aliases:
            alias = f"_h{i}"
        aliases.add(alias)
        if not isinstance(p, exp.Alias) or p.alias.lower() != alias:
            p.replace(exp.alias_(inner.copy(), alias, quoted=True))
    return Shape(tuple(names), tuple(decltypes), tuple(converters))
