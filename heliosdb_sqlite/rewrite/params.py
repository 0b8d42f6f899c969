"""SQLite's parameter numbering: `?`, `?NNN`, `:name`, `@name`, `$name`.

`?` takes the next index after the largest so far; `?NNN` is index NNN; a name takes the next index
the first time it is seen and keeps it. The count sqlite3 checks bindings against is the largest
index (sqlite3_bind_parameter_count), and a mapping is read by each name without its prefix.
"""
from __future__ import annotations

from typing import NamedTuple

from ..exceptions import OperationalError, make_error
from .lexer import Token

MAX_VARIABLE_NUMBER = 250000


class ParamSpec(NamedTuple):
    count: int
    names: tuple[str | None, ...]  # per index (0-based): the name with its prefix, None for ?/?NNN


def number(tokens: list[Token], sql: str) -> tuple[str, ParamSpec]:
    """`sql` with every parameter written `:pN` (N its SQLite index) for sqlglot, and the spec."""
    names: dict[str, int] = {}
    by_index: dict[int, str | None] = {}
    largest = 0
    pieces: list[str] = []
    last = 0
    for tok in tokens:
        if tok.kind != "param":
            continue
        text = tok.text
        if text[0] == "?":
            if len(text) > 1:
                index = int(text[1:])
                if not 0 < index <= MAX_VARIABLE_NUMBER:
                    raise make_error(
                        OperationalError,
                        f"variable number must be between ?1 and ?{MAX_VARIABLE_NUMBER}")
            else:
                index = largest + 1
            by_index.setdefault(index, None)
        else:
            index = names.get(text) or largest + 1
            names[text] = index
            by_index[index] = text
        largest = max(largest, index)
        pieces.append(sql[last:tok.start])
        pieces.append(f":p{index}")
        last = tok.end
    if not pieces:
        return sql, ParamSpec(0, ())
    pieces.append(sql[last:])
    spec = ParamSpec(largest, tuple(by_index.get(i) for i in range(1, largest + 1)))
    return "".join(pieces), spec
