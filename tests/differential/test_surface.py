"""Differential tests: every case through stdlib sqlite3 and heliosdb_sqlite on each engine."""
from __future__ import annotations

import pytest

from .cases import CASES
from .harness import compare, engines_present, first_difference

ENGINES = engines_present()


def test_engines_present():
    """The suite runs against real engines; in CI a missing engine is a failure, not a skip."""
    assert "binding" in ENGINES, "the Nano binding is not installed: pip install heliosdb-nano-embedded"


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case(case, engine):
    expected, got = compare(case, engine)
    diff = first_difference(expected, got, case)
    assert diff is None, diff
