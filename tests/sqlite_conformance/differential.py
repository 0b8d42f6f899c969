#!/usr/bin/env python3
"""Run the differential corpus (tests/differential/cases) on one module against stdlib sqlite3.

Each case runs through stdlib sqlite3 (the oracle) and through the module named by --module,
with tests/differential/harness.py recording what a user sees; a case passes when the two
observations agree. The engine is whatever the environment selects (the scoreboard sets it).

Usage: python3 tests/sqlite_conformance/differential.py [--module NAME] [-k PATTERN] [--json PATH]
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from types import ModuleType
from typing import Sequence

REPO_ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(1, str(REPO_ROOT))


def run_case(module: ModuleType, case: object) -> str | None:
    """None if ``module`` agrees with stdlib sqlite3 on ``case``, else the first difference."""
    from tests.differential import harness

    with tempfile.TemporaryDirectory(prefix="differential_") as scratch:
        expected = harness.run(sqlite3, case, os.path.join(scratch, "oracle.db"))
        try:
            got = harness.run(module, case, os.path.join(scratch, "module.db"))
        except Exception as exc:  # e.g. connect() failing: the case cannot agree
            return f"{type(exc).__name__}: {exc}"
    return harness.first_difference(expected, got, case)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="heliosdb_sqlite", help="module to test (default heliosdb_sqlite)")
    parser.add_argument("-k", dest="keywords", action="append", default=[], metavar="PATTERN",
                        help="only cases whose name contains PATTERN; repeatable")
    parser.add_argument("--show-failures", type=int, default=10, metavar="N",
                        help="print the first N differences (default 10)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the counts as JSON to PATH")
    args = parser.parse_args(argv)

    from tests.differential.cases import CASES

    module = importlib.import_module(args.module)
    cases = [c for c in CASES if not args.keywords or any(k in c.name for k in args.keywords)]
    started = time.monotonic()
    failures: dict[str, str] = {}
    for case in cases:
        difference = run_case(module, case)
        if difference is not None:
            failures[case.name] = difference
    passed = len(cases) - len(failures)
    for name, difference in list(failures.items())[: args.show_failures]:
        print(f"DIFF {name}: {difference}")
    if len(failures) > args.show_failures:
        print(f"... and {len(failures) - args.show_failures} more differences")
    print(f"differential: {passed}/{len(cases)} cases agree with stdlib sqlite3, "
          f"module {args.module}, {time.monotonic() - started:.1f}s")
    if args.json:
        args.json.write_text(json.dumps({"module": args.module, "passed": passed, "total": len(cases),
                                         "failures": sorted(failures)}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
