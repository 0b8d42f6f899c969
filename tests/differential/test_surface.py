"""Differential tests: every case through stdlib sqlite3 and heliosdb_sqlite on each engine."""
from __future__ import annotations

import pytest

from .cases import CASES
from .differs import DIFFERS
from .harness import compare, engines_present, first_difference

ENGINES = engines_present()


def test_engines_present():
    """The suite runs against real engines; in CI a missing engine is a failure, not a skip."""
    assert "binding" in ENGINES, "the Nano binding is not installed: pip install heliosdb-nano-embedded"
    assert "repl" in ENGINES, "no heliosdb-nano binary: run scripts/install_nano_cli.sh"


def _marked(case, engine):
    reason = DIFFERS.get(engine, {}).get(case.name)
    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
    return pytest.param(case, engine, marks=marks, id=f"{case.name}-{engine}")


@pytest.mark.parametrize("case,engine", [_marked(c, e) for e in ENGINES for c in CASES])
def test_case(case, engine):
    expected, got = compare(case, engine)
    diff = first_difference(expected, got, case)
    assert diff is None, diff


def test_differs_names_exist():
    names = {c.name for c in CASES}
    unknown = [n for cases in DIFFERS.values() for n in cases if n not in names]
    assert not unknown, f"differs.py lists unknown cases: {unknown}"
