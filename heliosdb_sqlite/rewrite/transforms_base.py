"""What every transform is given: the catalog, the target dialect, and the parameter order."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..catalog import Catalog


@dataclass
class Context:
    catalog: Catalog
    dialect: str
    params: list[int] = field(default_factory=list)  # SQLite index of each engine $n, in order
