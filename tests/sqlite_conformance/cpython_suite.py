#!/usr/bin/env python3
"""Run CPython's own sqlite3 test suite (test.test_sqlite3) against a sqlite3-compatible module.

The module named by --module is installed as ``sys.modules["sqlite3"]`` (and its ``dbapi2``
as ``sqlite3.dbapi2``) before the suite is imported, so every ``import sqlite3`` in the suite
gets it. The suite is loaded file by file with unittest's loader, as the package's load_tests
does, so a file that fails to import is reported as an error and the others still run.

Tests matching cpython_scope.OUT_OF_SCOPE (SQLite internals) are excluded from the in-scope
totals and not run unless --include-out-of-scope is given; tests in cpython_scope.KNOWN_GAPS are
counted in scope and listed separately, so that new failures stand out.

Usage: python3 tests/sqlite_conformance/cpython_suite.py [--module NAME] [-k PATTERN] [--json PATH]
"""
from __future__ import annotations

import argparse
import contextlib
import fnmatch
import functools
import importlib
import json
import os
import pkgutil
import signal
import sys
import tempfile
import time
import traceback
import unittest
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Iterator, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# So that --module heliosdb_sqlite finds the package in this working tree.
sys.path.insert(1, str(HERE.parents[1]))
import cpython_scope  # noqa: E402  (lives next to this script)

SUITE_PACKAGE = "test.test_sqlite3"
STATUSES = ("passed", "failed", "errors", "skipped")


@dataclass
class Outcome:
    """One test, or one suite file that could not be imported."""

    test_id: str  # short id: file.Class.test_name (file.<import> for an import failure)
    status: str  # one of STATUSES
    detail: str = ""  # first line of the failure, or the skip reason
    out_of_scope: str = ""  # the reason, if the test is out of scope
    ran: bool = True  # False for out-of-scope tests that were not run


@dataclass
class SuiteReport:
    module: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def in_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.out_of_scope]

    @property
    def out_of_scope(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.out_of_scope]


def count(outcomes: list[Outcome]) -> dict[str, int]:
    """Passed/failed/errors/skipped and total over the outcomes that ran."""
    totals = dict.fromkeys(STATUSES, 0)
    for outcome in outcomes:
        if outcome.ran:
            totals[outcome.status] += 1
    totals["total"] = sum(totals.values())
    return totals


def matches(pattern: str, test_id: str) -> bool:
    """True if the dot-separated parts of ``pattern`` fnmatch a contiguous run of the parts
    of ``test_id`` (see cpython_scope)."""
    parts, wanted = test_id.split("."), pattern.split(".")
    return any(all(fnmatch.fnmatchcase(parts[i + j], wanted[j]) for j in range(len(wanted)))
               for i in range(len(parts) - len(wanted) + 1))


def scope_reason(test_id: str) -> str:
    return next((reason for pattern, reason in cpython_scope.OUT_OF_SCOPE.items()
                 if matches(pattern, test_id)), "")


@functools.cache
def transport() -> str:
    """The cpython_scope.TRANSPORT_GAPS key of this run: daemon-nano or daemon-pg when a DSN
    selects daemon mode (the scoreboard's names for those engines), else HELIOSDB_EMBEDDED."""
    from tests.daemon_reset import daemon_dsn
    dsn = daemon_dsn()
    if dsn is None:
        return os.environ.get("HELIOSDB_EMBEDDED", "")
    from heliosdb_sqlite.daemon.dsn import parse
    from heliosdb_sqlite.daemon.pgwire import Session
    session = Session(parse(dsn), 5.0)
    try:
        return "daemon-nano" if session.dialect == "nano" else "daemon-pg"
    finally:
        session.close()


def known_gap(test_id: str) -> str:
    gaps = {**cpython_scope.KNOWN_GAPS, **cpython_scope.TRANSPORT_GAPS.get(transport(), {})}
    return next((reason for pattern, reason in gaps.items() if matches(pattern, test_id)), "")


def _short_id(test: unittest.TestCase) -> str:
    return test.id().removeprefix(SUITE_PACKAGE + ".")


def _first_line(err: tuple) -> str:
    lines = traceback.format_exception_only(err[0], err[1])
    text = lines[-1].strip() if lines else ""
    return text.splitlines()[0] if text else err[0].__name__


class _TestTimeout(Exception):
    """Raised inside a test by SIGALRM when it runs past the per-test time limit."""


def _alarm(signum: int, frame: object) -> None:
    raise _TestTimeout("test exceeded the per-test time limit")


_RESET = None  # set by install_module in daemon mode: empties the server database


class _RecordingResult(unittest.TestResult):
    """Keeps one status per test; a failing subtest fails its test. Arms a per-test alarm so a
    hung test becomes an error instead of hanging the run."""

    def __init__(self, timeout: float) -> None:
        super().__init__()
        self.timeout = timeout
        self.status: dict[str, tuple[str, str]] = {}

    def _set(self, test: unittest.TestCase, status: str, detail: str) -> None:
        test_id = _short_id(test)
        # Keep the first problem: a later subtest or cleanup error should not hide it.
        if self.status.get(test_id, ("passed",))[0] == "passed":
            self.status[test_id] = (status, detail)

    def startTest(self, test: unittest.TestCase) -> None:
        super().startTest(test)
        if _RESET is not None:
            _RESET()
        if self.timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, self.timeout)

    def stopTest(self, test: unittest.TestCase) -> None:
        if self.timeout > 0:
            signal.setitimer(signal.ITIMER_REAL, 0)
        super().stopTest(test)

    def addSuccess(self, test: unittest.TestCase) -> None:
        self._set(test, "passed", "")

    def addExpectedFailure(self, test: unittest.TestCase, err: tuple) -> None:
        self._set(test, "passed", "expected failure")

    def addUnexpectedSuccess(self, test: unittest.TestCase) -> None:
        self._set(test, "failed", "unexpected success")

    def addFailure(self, test: unittest.TestCase, err: tuple) -> None:
        self._set(test, "failed", _first_line(err))

    def addError(self, test: unittest.TestCase, err: tuple) -> None:
        # Class and module fixture errors arrive here with a placeholder, not a TestCase.
        if isinstance(test, unittest.TestCase):
            self._set(test, "errors", _first_line(err))
        else:
            super().addError(test, err)

    def addSkip(self, test: unittest.TestCase, reason: str) -> None:
        self._set(test, "skipped", reason)

    def addSubTest(self, test: unittest.TestCase, subtest: unittest.TestCase, err: tuple | None) -> None:
        if err is not None:
            status = "failed" if issubclass(err[0], test.failureException) else "errors"
            params = subtest.id().removeprefix(test.id()).strip()
            self._set(test, status, f"{params} {_first_line(err)}")


def install_module(name: str) -> ModuleType:
    """Import ``name`` and make it what ``import sqlite3`` returns from now on."""
    # Import the module first, so that a stdlib sqlite3 it uses internally is the real one.
    module = importlib.import_module(name)
    if name != "sqlite3":
        from tests.daemon_reset import fresh_per_test
        global _RESET
        _RESET = fresh_per_test(module)  # daemon mode: each test starts on an empty database
    # The stdlib's C iterdump() imports "sqlite3.dump" by name; keep the real one loaded so
    # that a module delegating to stdlib connections is not broken by this harness.
    with contextlib.suppress(ImportError):
        importlib.import_module("sqlite3.dump")
    sys.modules["sqlite3"] = module
    dbapi2 = getattr(module, "dbapi2", None)
    if isinstance(dbapi2, ModuleType):
        sys.modules["sqlite3.dbapi2"] = dbapi2
    # The suite's __init__ only checks that the C extension exists; let a Python built without
    # it still run the suite against a pure-Python module.
    try:
        importlib.import_module("_sqlite3")
    except ImportError:
        sys.modules["_sqlite3"] = module
    _remove_data_directories_with_files(getattr(module, "__name__", name))
    return module


def _remove_data_directories_with_files(module_name: str) -> None:
    """The suite deletes a test database with os_helper.unlink(TESTFN). heliosdb_sqlite keeps a
    database in the directory '<path>.helios' beside a zero-byte file at the path (its documented
    layout), so deleting the database means deleting both."""
    if module_name == "sqlite3":
        return
    import os
    import shutil

    from test.support import os_helper

    unlink = os_helper.unlink

    def unlink_database(filename):  # noqa: ANN001 - os_helper's own signature
        unlink(filename)
        shutil.rmtree(os.fsdecode(filename) + ".helios", ignore_errors=True)

    os_helper.unlink = unlink_database


def _iter_tests(suite: unittest.TestSuite) -> Iterator[unittest.TestCase]:
    for item in suite:
        if isinstance(item, unittest.TestSuite):
            yield from _iter_tests(item)
        else:
            yield item


def _keyword_match(pattern: str, test_id: str) -> bool:
    # The rule of unittest's -k: a pattern without wildcards matches as a substring.
    if not any(c in pattern for c in "*?["):
        pattern = f"*{pattern}*"
    return fnmatch.fnmatchcase(test_id, pattern)


def run_suite(module_name: str, keywords: Sequence[str] = (), include_out_of_scope: bool = False,
              timeout: float = 120.0) -> SuiteReport:
    """Run test.test_sqlite3 against ``module_name`` in this process and return the outcomes.

    Replaces sys.modules["sqlite3"] for the rest of the process. The suite creates files in
    the current directory, so callers should run it in a scratch directory."""
    report = SuiteReport(module_name)
    install_module(module_name)
    if timeout > 0:
        signal.signal(signal.SIGALRM, _alarm)
    import test.support

    test.support.verbose = 0  # keeps the package's version banner out of the report
    try:
        package = importlib.import_module(SUITE_PACKAGE)
    except Exception as exc:  # SkipTest or ImportError: there is no suite to run
        report.outcomes.append(Outcome("__init__.<import>", "errors", f"{type(exc).__name__}: {exc}"))
        return report

    loader = unittest.TestLoader()
    names = sorted(info.name for info in pkgutil.iter_modules(package.__path__) if info.name.startswith("test_"))
    for file_name in names:
        try:
            suite_module = importlib.import_module(f"{SUITE_PACKAGE}.{file_name}")
            tests = list(_iter_tests(loader.loadTestsFromModule(suite_module)))
        except Exception as exc:  # report the file and go on with the others
            status = "skipped" if isinstance(exc, unittest.SkipTest) else "errors"
            detail = f"{type(exc).__name__}: {exc}".splitlines()[0]
            report.outcomes.append(Outcome(f"{file_name}.<import>", status, detail))
            continue
        if keywords:
            tests = [t for t in tests if any(_keyword_match(k, t.id()) for k in keywords)]
        by_class: dict[type, list[unittest.TestCase]] = defaultdict(list)
        for test in tests:
            by_class[type(test)].append(test)
        for tests_of_class in by_class.values():
            report.outcomes.extend(_run_class(tests_of_class, include_out_of_scope, timeout))
    return report


def _run_class(tests: list[unittest.TestCase], include_out_of_scope: bool, timeout: float) -> list[Outcome]:
    reasons = {_short_id(t): scope_reason(_short_id(t)) for t in tests}
    to_run = [t for t in tests if include_out_of_scope or not reasons[_short_id(t)]]
    result = _RecordingResult(timeout)
    if to_run:
        # One TestSuite per class, so that class fixtures run as they do under unittest.
        unittest.TestSuite(to_run).run(result)
    # A test with no status of its own did not run because a class or module fixture failed.
    fixture_error = "; ".join(formatted.strip().splitlines()[-1] for _, formatted in result.errors)
    outcomes = []
    for test in tests:
        test_id = _short_id(test)
        if test in to_run:
            status, detail = result.status.get(test_id, ("errors", fixture_error or "did not run"))
            outcomes.append(Outcome(test_id, status, detail, reasons[test_id]))
        else:
            outcomes.append(Outcome(test_id, "skipped", "out of scope", reasons[test_id], ran=False))
    return outcomes


def _group(outcomes: list[Outcome]) -> dict[str, dict[str, list[Outcome]]]:
    """{file: {class: [outcomes]}} in the order the suite defines them."""
    grouped: dict[str, dict[str, list[Outcome]]] = {}
    for outcome in outcomes:
        file_name, _, rest = outcome.test_id.partition(".")
        grouped.setdefault(file_name, {}).setdefault(rest.split(".")[0], []).append(outcome)
    return grouped


def _format_counts(counts: dict[str, int]) -> str:
    return (f"{counts['passed']} passed, {counts['failed']} failed, {counts['errors']} errors, "
            f"{counts['skipped']} skipped")


def _problems(outcomes: list[Outcome]) -> list[Outcome]:
    return [o for o in outcomes if o.ran and o.status in ("failed", "errors")]


def print_report(report: SuiteReport, show_failures: int) -> None:
    """Per-file and per-class counts, in-scope failures, out-of-scope list, known gaps, totals."""
    module = sys.modules["sqlite3"]
    print(f"CPython {SUITE_PACKAGE} against module {report.module} "
          f"(sqlite_version {getattr(module, 'sqlite_version', '?')}, Python {sys.version.split()[0]})")
    for file_name, classes in _group(report.outcomes).items():
        in_file = [o for outs in classes.values() for o in outs if not o.out_of_scope]
        print(f"{file_name}.py: {_format_counts(count(in_file))}")
        for class_name, outs in classes.items():
            in_scope = [o for o in outs if not o.out_of_scope]
            out = [o for o in outs if o.out_of_scope]
            line = f"    {class_name:<40}"
            if in_scope:
                line += f" {_format_counts(count(in_scope))}"
            if out:
                ran = count(out)
                ran_text = f" (ran: {_format_counts(ran)})" if ran["total"] else ""
                line += f"{' +' if in_scope else ''} {len(out)} out of scope{ran_text}"
            print(line)

    unexpected = [o for o in _problems(report.in_scope) if not known_gap(o.test_id)]
    if unexpected:
        shown = unexpected[:show_failures]
        print(f"\nin-scope failures and errors ({len(unexpected)}; showing {len(shown)}):")
        for outcome in shown:
            print(f"    {outcome.status.upper():<7} {outcome.test_id}: {outcome.detail[:200]}")

    print("\nout of scope (not counted):")
    for pattern, reason in cpython_scope.OUT_OF_SCOPE.items():
        tests = [o for o in report.out_of_scope if matches(pattern, o.test_id)]
        if tests:
            print(f"    {pattern} ({len(tests)} tests): {reason}")
    if not report.out_of_scope:
        print("    none")

    print("\nknown gaps (in scope, expected to fail):")
    gaps = [o for o in report.in_scope if known_gap(o.test_id)]
    for outcome in gaps:
        now = "still failing" if outcome.status in ("failed", "errors") else f"now {outcome.status}"
        print(f"    {outcome.test_id} ({now}): {known_gap(outcome.test_id)}")
    if not gaps:
        print("    none")

    counts = count(report.in_scope)
    ran = counts["total"] - counts["skipped"]
    percent = 100.0 * counts["passed"] / ran if ran else 0.0
    print(f"\nin scope: {counts['passed']}/{ran} passed ({percent:.1f}%), {counts['failed']} failed, "
          f"{counts['errors']} errors, {counts['skipped']} skipped; {len(report.out_of_scope)} tests out of scope")


def report_json(report: SuiteReport) -> dict:
    """Totals (passed/total over in-scope tests that ran and were not skipped), counts per
    file and class, and every test's status."""
    counts = count(report.in_scope)
    files = {file_name: {class_name: {**count([o for o in outs if not o.out_of_scope]),
                                      "out_of_scope": sum(1 for o in outs if o.out_of_scope)}
                         for class_name, outs in classes.items()}
             for file_name, classes in _group(report.outcomes).items()}
    return {
        "module": report.module,
        "passed": counts["passed"],
        "total": counts["total"] - counts["skipped"],
        "in_scope": counts,
        "out_of_scope": len(report.out_of_scope),
        "known_gaps": {o.test_id: o.status for o in report.in_scope if known_gap(o.test_id)},
        "files": files,
        "tests": {o.test_id: o.status if o.ran else "out of scope" for o in report.outcomes},
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="heliosdb_sqlite", help="module to test (default heliosdb_sqlite)")
    parser.add_argument("-k", dest="keywords", action="append", default=[], metavar="PATTERN",
                        help="only tests whose id matches PATTERN (substring or fnmatch, as unittest -k); repeatable")
    parser.add_argument("--include-out-of-scope", action="store_true",
                        help="also run out-of-scope tests (shown separately, never counted in scope)")
    parser.add_argument("--show-failures", type=int, default=25, metavar="N",
                        help="list the first N in-scope failures and errors (default 25)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="per-test time limit in seconds, 0 = none (default 120)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write counts and per-test statuses to PATH")
    args = parser.parse_args(argv)

    json_path = args.json.resolve() if args.json else None
    started = time.monotonic()
    # The suite creates files named after os_helper.TESTFN in the current directory.
    with tempfile.TemporaryDirectory(prefix="cpython_sqlite3_") as scratch, contextlib.chdir(scratch):
        report = run_suite(args.module, args.keywords, args.include_out_of_scope, args.timeout)
    print_report(report, args.show_failures)
    print(f"({time.monotonic() - started:.1f}s)")
    if json_path:
        json_path.write_text(json.dumps(report_json(report), indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
