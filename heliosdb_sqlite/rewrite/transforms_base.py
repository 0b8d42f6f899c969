"""What every transform is given: the catalog, the target dialect, and the parameter order."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Catalog


@dataclass
class Context:
    catalog: Catalog
    dialect: str
    params: list[int] = field(default_factory=list)  # SQLite index of each engine $n, in order
    # (SQLite parameter index, values.COERCIONS kind) the transforms ask of the bound values;
    # None where the plan cannot carry coercions (transforms then keep to the SQL text)
    coercions: list[tuple[int, str]] | None = None
