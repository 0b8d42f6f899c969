#!/usr/bin/env python3
"""The conformance scoreboard: every suite on every engine configuration that is present.

Suites: ``slt`` (sqllogictest, slt.py), ``cpython`` (CPython's test.test_sqlite3, in-scope tests,
cpython_suite.py) and ``differential`` (the tests/differential corpus compared with stdlib sqlite3,
differential.py; skipped while tests/differential does not exist). Each (suite, engine)
cell runs as its own subprocess, so a crash or hang in one cannot take down the others.

Engines are environment-variable sets for the module under test:
    sqlite       the oracle: stdlib sqlite3
    binding      heliosdb_sqlite, HELIOSDB_EMBEDDED=binding   (needs the heliosdb_nano package)
    repl         heliosdb_sqlite, HELIOSDB_EMBEDDED=repl      (needs a heliosdb-nano binary)
    daemon-nano  heliosdb_sqlite, HELIOSDB_DSN=$HELIOSDB_TEST_NANO_DSN
    daemon-pg    heliosdb_sqlite, HELIOSDB_DSN=$HELIOSDB_TEST_PG_DSN

Floors (floors.json, "suite/engine" -> minimum passed count) guard against regressions:
--check-floors fails if a cell is below its floor or an engine with a floor did not run;
--write-floors raises floors to the current numbers and never lowers them. The last line,
"scoreboard: N passed, M failed", counts cells at or above their floor (no floor = 0) against
cells below it; a cell that crashed or timed out has no number and counts as failed.

Usage: python3 tests/sqlite_conformance/scoreboard.py [--engines sqlite,binding] [--check-floors]
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Mapping, Sequence

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
FLOORS_PATH = HERE / "floors.json"
DIFFERENTIAL_DIR = REPO_ROOT / "tests" / "differential"
# Each suite script takes --module NAME and --json PATH and writes {"passed": N, "total": M}.
SUITE_SCRIPTS = {"slt": HERE / "slt.py", "cpython": HERE / "cpython_suite.py",
                 "differential": HERE / "differential.py"}
SUITES = ("slt", "cpython", "differential")
ENGINE_NAMES = ("sqlite", "binding", "repl", "daemon-nano", "daemon-pg")
# Settings that choose a backend; cleared before each engine's own are applied, so that a value
# in the caller's environment (say HELIOSDB_SQLITE_BACKEND=sqlite) cannot redirect a run.
BACKEND_VARIABLES = ("HELIOSDB_SQLITE_BACKEND", "HELIOSDB_MODE", "HELIOSDB_DSN", "HELIOSDB_EMBEDDED")


@dataclass
class Engine:
    name: str
    module: str
    env: dict[str, str] = field(default_factory=dict)
    missing: str = ""  # why the engine is not available here; empty if it is


@dataclass
class Cell:
    """One suite on one engine."""

    suite: str
    engine: str
    passed: int = 0
    total: int = 0
    problem: str = ""  # crash, timeout or missing output; the counts are then 0
    log: Path | None = None

    @property
    def key(self) -> str:
        return f"{self.suite}/{self.engine}"


def find_nano_binary() -> str | None:
    """The heliosdb-nano binary, found as the REPL transport finds it."""
    from heliosdb_sqlite.embedded.repl_process import find_binary
    return find_binary()


def detect_engines() -> list[Engine]:
    """Every engine configuration, with ``missing`` set for those not available here."""
    engines = [Engine("sqlite", "sqlite3")]

    binding = Engine("binding", "heliosdb_sqlite", {"HELIOSDB_EMBEDDED": "binding"})
    if importlib.util.find_spec("heliosdb_nano") is None:
        binding.missing = "the heliosdb_nano package (pip install heliosdb-nano-embedded) is not installed"
    engines.append(binding)

    binary = find_nano_binary()
    if binary:
        # Pass on the binary found here, so the run uses the one this detection vouched for.
        engines.append(Engine("repl", "heliosdb_sqlite", {"HELIOSDB_EMBEDDED": "repl", "HELIOSDB_BIN": binary}))
    else:
        engines.append(Engine("repl", "heliosdb_sqlite", missing="no heliosdb-nano binary "
                              "(HELIOSDB_BIN, PATH, ~/.cache/heliosdb_sqlite/nano-*/bin)"))

    for name, variable in (("daemon-nano", "HELIOSDB_TEST_NANO_DSN"), ("daemon-pg", "HELIOSDB_TEST_PG_DSN")):
        dsn = os.environ.get(variable, "")
        engines.append(Engine(name, "heliosdb_sqlite", {"HELIOSDB_DSN": dsn},
                              "" if dsn else f"{variable} is not set"))
    for engine in engines:
        if engine.module == "heliosdb_sqlite" and not engine.missing:
            engine.missing = _unsupported_transport(engine)
    return engines


PROBE = """
import heliosdb_sqlite
try:
    heliosdb_sqlite.connect(":memory:").close()
except heliosdb_sqlite.NotSupportedError as exc:
    print(exc)
"""


def _unsupported_transport(engine: Engine) -> str:
    """Why heliosdb_sqlite cannot run on this engine yet ('' if it can). Only a NotSupportedError
    (a transport not built) makes an engine absent; any other failure leaves it in the run, where
    it fails loudly."""
    result = subprocess.run([sys.executable, "-c", PROBE], env=_engine_environment(engine),
                            cwd=str(REPO_ROOT), capture_output=True, text=True, timeout=120)
    reason = result.stdout.strip()
    return f"heliosdb_sqlite has no such transport yet ({reason})" if reason else ""


def _engine_environment(engine: Engine) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in BACKEND_VARIABLES}
    env.update(engine.env)
    return env


def _run_script(script: Path, suite: str, engine: Engine, log_dir: Path, timeout: float) -> Cell:
    """Run one suite script for one engine in a subprocess and read its --json counts."""
    cell = Cell(suite, engine.name, log=log_dir / f"{suite}-{engine.name}.log")
    json_path = log_dir / f"{suite}-{engine.name}.json"
    json_path.unlink(missing_ok=True)
    command = [sys.executable, str(script), "--module", engine.module, "--json", str(json_path)]
    with open(cell.log, "w") as log:
        # A session of its own, so that on timeout the whole process group can be killed.
        process = subprocess.Popen(command, cwd=REPO_ROOT, env=_engine_environment(engine),
                                   stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            returncode = process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
            cell.problem = f"timed out after {timeout:g}s"
            return cell
    try:
        counts = json.loads(json_path.read_text())
        cell.passed, cell.total = int(counts["passed"]), int(counts["total"])
    except (OSError, ValueError, KeyError, TypeError):
        cell.problem = f"exited with status {returncode} without writing counts: {_last_line(cell.log)}"
    return cell


def _last_line(path: Path) -> str:
    """The last non-blank line of a log: for a crash, usually the exception."""
    lines = [line.strip() for line in path.read_text(errors="replace").splitlines() if line.strip()]
    return lines[-1][:200] if lines else "(no output)"


def run_differential(module: str, engine: Engine | None = None, log_dir: Path | None = None,
                     timeout: float = 1800.0) -> Cell | None:
    """The differential corpus on ``module`` (under ``engine``'s settings, if given), or None
    while tests/differential does not exist."""
    if not DIFFERENTIAL_DIR.is_dir():
        return None
    return _run_script(SUITE_SCRIPTS["differential"], "differential", engine or Engine(module, module),
                       log_dir or Path(tempfile.mkdtemp(prefix="differential_")), timeout)


def run_cell(suite: str, engine: Engine, log_dir: Path, timeout: float) -> Cell | None:
    if suite == "differential":
        return run_differential(engine.module, engine, log_dir, timeout)
    return _run_script(SUITE_SCRIPTS[suite], suite, engine, log_dir, timeout)


def load_floors() -> dict[str, int]:
    return json.loads(FLOORS_PATH.read_text()) if FLOORS_PATH.exists() else {}


def write_floors(floors: Mapping[str, int], cells: list[Cell]) -> dict[str, int]:
    """Raise each run cell's floor to its passed count; floors never go down."""
    raised = dict(floors)
    for cell in cells:
        if not cell.problem:
            raised[cell.key] = max(raised.get(cell.key, 0), cell.passed)
    FLOORS_PATH.write_text(json.dumps(dict(sorted(raised.items())), indent=2) + "\n")
    return raised


def _format_cell(cell: Cell | None, floor: int | None) -> str:
    if cell is None:
        return "-"
    if cell.problem:
        return "ERROR"
    percent = 100.0 * cell.passed / cell.total if cell.total else 0.0
    text = f"{cell.passed}/{cell.total} {percent:.1f}%"
    return text + (" !" if floor is not None and cell.passed < floor else "")


def print_table(cells: list[Cell], engines: Sequence[str], floors: Mapping[str, int]) -> None:
    by_key = {cell.key: cell for cell in cells}
    suites = [s for s in SUITES if any(c.suite == s for c in cells)]
    rows = [["suite", *engines]]
    for suite in suites:
        rows.append([suite, *(_format_cell(by_key.get(f"{suite}/{e}"), floors.get(f"{suite}/{e}")) for e in engines)])
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        print("  ".join(value.ljust(width) for value, width in zip(row, widths)).rstrip())
    print("(passed/total; '!' = below floor; ERROR = crashed or timed out; '-' = not run)")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engines", help=f"comma-separated subset of {','.join(ENGINE_NAMES)} (default: all present)")
    parser.add_argument("--suites", default=",".join(SUITES), help=f"comma-separated subset of {','.join(SUITES)}")
    parser.add_argument("--check-floors", action="store_true",
                        help="exit 1 if a cell is below its floor or an engine with a floor did not run")
    parser.add_argument("--write-floors", action="store_true", help="raise floors.json to the current numbers")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds per cell (default 1800)")
    parser.add_argument("--log-dir", type=Path, help="where each cell's output goes (default: a new temp dir)")
    args = parser.parse_args(argv)

    all_engines = {e.name: e for e in detect_engines()}
    selected = args.engines.split(",") if args.engines else list(ENGINE_NAMES)
    suites = args.suites.split(",")
    unknown = [e for e in selected if e not in all_engines] + [s for s in suites if s not in SUITES]
    if unknown:
        parser.error(f"unknown engine or suite: {', '.join(unknown)}")
    for name in selected:
        if all_engines[name].missing:
            print(f"engine {name}: not available ({all_engines[name].missing})")
    engines = [all_engines[name] for name in selected if not all_engines[name].missing]

    log_dir = args.log_dir or Path(tempfile.mkdtemp(prefix="heliosdb_scoreboard_"))
    log_dir.mkdir(parents=True, exist_ok=True)
    print(f"logs: {log_dir}")

    cells: list[Cell] = []
    for engine in engines:
        for suite in suites:
            started = time.monotonic()
            cell = run_cell(suite, engine, log_dir, args.timeout)
            if cell is None:
                continue
            cells.append(cell)
            outcome = cell.problem or f"{cell.passed}/{cell.total} passed"
            print(f"  {suite} on {engine.name}: {outcome} ({time.monotonic() - started:.1f}s)", flush=True)

    floors = load_floors()
    print()
    print_table(cells, [e.name for e in engines], floors)

    # A cell fails if it is below its floor, or crashed or timed out (it then has no number);
    # with --check-floors, so does a floor whose engine (or suite, if selected) did not run.
    failing = [c for c in cells if c.problem or c.passed < floors.get(c.key, 0)]
    for cell in failing:
        reason = f"{cell.problem}; log {cell.log}" if cell.problem else f"passed {cell.passed}"
        print(f"failed: {cell.key} {reason} (floor {floors.get(cell.key, 0)})")
    ran = {cell.key for cell in cells}
    missing = [key for key in sorted(floors) if key not in ran and key.split("/", 1)[0] in suites]
    if args.check_floors:
        for key in missing:
            print(f"missing: {key} has a floor of {floors[key]} but did not run")
    else:
        missing = []

    if args.write_floors:
        write_floors(floors, cells)
        print(f"floors written to {FLOORS_PATH}")

    failed = len(failing) + len(missing)
    print(f"scoreboard: {len(cells) - len(failing)} passed, {failed} failed")
    return 1 if args.check_floors and failed else 0


if __name__ == "__main__":
    sys.exit(main())
