"""The differential corpus: every module here defines CASES, a list of harness.Case."""
from __future__ import annotations

import importlib
import pkgutil

from ..harness import Case

CASES: list[Case] = []
for _info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
    CASES.extend(importlib.import_module(f"{__name__}.{_info.name}").CASES)
_names = [c.name for c in CASES]
assert len(_names) == len(set(_names)), "case names must be unique"
