#!/usr/bin/env python3
"""sqllogictest runner for sqlite3-compatible Python modules.

Runs SQLite's sqllogictest files (select1-3.test, evidence/*.test) against any module with the
stdlib ``sqlite3`` surface, identifying as engine ``sqlite``. Parsing and result rendering follow
SQLite's reference runner (sqllogictest.c / slt_sqlite.c) so that the expected results in the
files, which that runner produced, compare exactly:

* lines starting with ``#`` are ignored everywhere, all-blank lines end a record;
* ``skipif``/``onlyif`` guards compare engine names case-insensitively;
* results are rendered per column type letter the way slt_sqlite.c renders them (see
  ``render_value``), sorted as strings, and compared as "N values hashing to H" (md5 of each
  value plus ``\\n``) when there are more than ``hash-threshold`` values (default 8);
* queries with the same label must produce the same hash.

Each file runs on one ``module.connect(":memory:", isolation_level=None)`` connection, each SQL
statement through ``cursor.execute`` (the reference runner's sqlite3_exec also accepts several
statements in one record; those are split and run in turn). Unlike the reference runner, the
number of result values must match the expected count exactly.

Usage: python3 tests/sqlite_conformance/slt.py [--module NAME] [--dir DIR] [FILE ...]
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import json
import math
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from types import ModuleType
from typing import Iterator, Sequence

ENGINE = "sqlite"
DEFAULT_HASH_THRESHOLD = 8
REPO_ROOT = Path(__file__).resolve().parents[2]
# So that --module heliosdb_sqlite finds the package in this working tree.
sys.path.insert(1, str(REPO_ROOT))

_INT64_MAX = 2**63 - 1
_INT64_MIN = -(2**63)
# Prefixes SQLite's sqlite3Atoi64 / sqlite3AtoF accept when converting text to a number.
_INT_PREFIX = re.compile(rb"[ \t\n\v\f\r]*([+-]?[0-9]+)")
_REAL_PREFIX = re.compile(rb"[ \t\n\v\f\r]*([+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)")
# Every byte outside printable ASCII; slt_sqlite.c tests each byte of the UTF-8 text as a
# signed char, so a multi-byte character becomes several '@'.
_NON_PRINTABLE = re.compile(rb"[^\x20-\x7e]")

# Queries whose expected result is what slt_sqlite.c records when the query fails while
# stepping: it ignores sqlite3_step() errors and reports the rows produced before the error
# (none here). The error is the behaviour under test, so for these records any module.Error
# passes, as does that empty result. Keyed by (file name, line of the query record).
STEP_ERROR_RECORDS: dict[tuple[str, int], str] = {
    ("slt_lang_aggfunc.test", 480): "sum() over integers that overflow must raise 'integer overflow'",
}


@dataclass
class Record:
    """One executable record: a statement or a query."""

    kind: str  # "statement", "query", or "unknown" (a record type this runner cannot run)
    line: int
    sql: str
    expect_error: bool = False  # statements only
    types: str = ""  # queries only, from here on
    sort: str = "nosort"
    label: str = ""
    expected: list[str] = field(default_factory=list)
    hash_threshold: int = DEFAULT_HASH_THRESHOLD


@dataclass
class Failure:
    """A record that did not give the expected outcome."""

    line: int
    sql: str
    expected: str
    got: str

    def describe(self, width: int = 300) -> str:
        return (f"line {self.line}: {_truncate(self.sql, width)}\n"
                f"      expected: {_truncate(self.expected, width)}\n"
                f"      got:      {_truncate(self.got, width)}")


def _truncate(text: str, width: int) -> str:
    text = text.replace("\n", "\\n")
    return text if len(text) <= width else text[: width - 3] + "..."


# --------------------------------------------------------------------------------------------
# Parsing


def _script_lines(text: str) -> list[tuple[int, str]]:
    """(line number, line) pairs as the reference runner's nextLine() yields them: a trailing
    \\r removed, all-whitespace lines made empty, and comment lines dropped."""
    out = []
    for number, line in enumerate(text.split("\n"), start=1):
        if line.endswith("\r"):
            line = line[:-1]
        if not line.strip():
            line = ""
        if line.startswith("#"):
            continue
        out.append((number, line))
    return out


def parse_records(text: str, engine: str = ENGINE) -> Iterator[Record]:
    """Yield the records an ``engine`` runner executes, in order, stopping at ``halt``.

    Records skipped by ``skipif``/``onlyif`` are not yielded; ``hash-threshold`` is folded into
    the query records that follow it. An unknown record type stops the file (as in the
    reference runner) after yielding a statement that cannot pass, so it shows as a failure.
    """
    lines = _script_lines(text)
    n = len(lines)
    i = 0
    hash_threshold = DEFAULT_HASH_THRESHOLD

    def take_block(start: int, stop_at_separator: bool) -> tuple[list[str], int]:
        block = []
        j = start
        while j < n and lines[j][1] and not (stop_at_separator and lines[j][1] == "----"):
            block.append(lines[j][1])
            j += 1
        return block, j

    while i < n:
        if not lines[i][1]:
            i += 1
            continue
        line_no, line = lines[i]
        tokens = line.split()
        skip = False
        while tokens and tokens[0] in ("skipif", "onlyif"):
            match = len(tokens) > 1 and tokens[1].lower() == engine.lower()
            if (tokens[0] == "skipif") == match:
                skip = True
            i += 1
            line_no, line = lines[i] if i < n else (line_no, "")
            tokens = line.split()
        if skip or not tokens:
            while i < n and lines[i][1]:
                i += 1
            continue

        kind = tokens[0]
        if kind == "statement":
            sql_lines, i = take_block(i + 1, stop_at_separator=False)
            yield Record("statement", line_no, "\n".join(sql_lines),
                         expect_error=len(tokens) > 1 and tokens[1] == "error")
        elif kind == "query":
            sql_lines, i = take_block(i + 1, stop_at_separator=True)
            expected: list[str] = []
            if i < n and lines[i][1] == "----":
                expected, i = take_block(i + 1, stop_at_separator=False)
            yield Record("query", line_no, "\n".join(sql_lines),
                         types=tokens[1] if len(tokens) > 1 else "",
                         sort=tokens[2] if len(tokens) > 2 else "nosort",
                         # The reference runner keeps only the first 20 characters of a label.
                         label=tokens[3][:20] if len(tokens) > 3 else "",
                         expected=expected, hash_threshold=hash_threshold)
        elif kind == "hash-threshold":
            hash_threshold = int(tokens[1]) if len(tokens) > 1 else 0
            i += 1
        elif kind == "halt":
            return
        else:
            yield Record("unknown", line_no, line)
            return


# One SQL token for statement splitting: a quoted string or identifier, a comment, a word, or
# any other single character.
_SQL_TOKEN = re.compile(r"""'(?:[^']|'')*'?|"(?:[^"]|"")*"?|`(?:[^`]|``)*`?|\[[^\]]*\]?"""
                        r"|--[^\n]*|/\*.*?(?:\*/|\Z)|\w+|.", re.DOTALL)
_TRIGGER_START = re.compile(r"\s*CREATE\s+(?:TEMP\s+|TEMPORARY\s+)?TRIGGER\b", re.IGNORECASE)


def split_statements(sql: str) -> list[str]:
    """Split a statement record into its SQL statements at top-level semicolons.

    The reference runner hands a statement record to sqlite3_exec, which runs every statement in
    it (evidence/slt_lang_aggfunc.test has one record with two); the sqlite3 API runs one per
    execute(). As in sqlite3_complete(), a semicolon inside a CREATE TRIGGER body only ends the
    statement when it follows END.
    """
    statements: list[str] = []
    start = 0
    last_word = ""
    for match in _SQL_TOKEN.finditer(sql):
        token = match.group()
        if token[0].isalnum() or token[0] == "_":
            last_word = token.upper()
        elif token == ";":
            current = sql[start:match.end()]
            if not _TRIGGER_START.match(current) or last_word == "END":
                statements.append(current)
                start = match.end()
                last_word = ""
    statements.append(sql[start:])
    return [s for s in statements if s.strip() and s.strip() != ";"]


# --------------------------------------------------------------------------------------------
# Rendering values as slt_sqlite.c does


def _sqlite_real_text(value: float) -> str:
    """Text of a REAL as SQLite renders it (``%!.15g``): 15 significant digits, and always a
    decimal point in the mantissa (1.0, 1.0e+20)."""
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    text = "%.15g" % value
    mantissa, e, exponent = text.partition("e")
    if "." not in mantissa:
        mantissa += ".0"
    return mantissa + e + exponent


def _column_text(value: object) -> bytes:
    """sqlite3_column_text(): the UTF-8 text of a value."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    if isinstance(value, float):
        return _sqlite_real_text(value).encode()
    if isinstance(value, str):
        return value.encode("utf-8", "surrogatepass")
    return str(value).encode("utf-8", "surrogatepass")


def _column_int64(value: object) -> int:
    """sqlite3_column_int64(): text converted by its leading digits (saturating), reals
    truncated toward zero and clamped to 64 bits.

    slt_sqlite.c itself calls sqlite3_column_int, which also narrows to 32 bits; no record in
    this corpus tells the two apart, and the 64-bit value exposes more wrong results."""
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if math.isnan(value):
            return 0
        if value <= _INT64_MIN:
            return _INT64_MIN
        if value >= _INT64_MAX:
            return _INT64_MAX
        return int(value)
    match = _INT_PREFIX.match(_column_text(value))
    return max(_INT64_MIN, min(_INT64_MAX, int(match.group(1)))) if match else 0


def _column_double(value: object) -> float:
    """sqlite3_column_double(): text converted by its longest numeric prefix, else 0.0."""
    if isinstance(value, int | float):
        return float(value)
    match = _REAL_PREFIX.match(_column_text(value))
    return float(match.group(1)) if match else 0.0


def _sqlite_fixed3(value: float) -> str:
    """``sqlite3_snprintf("%.3f")``: SQLite's printf emits at most 16 significant digits,
    rounded half up, and pads with zeros (-2**63 prints as -9223372036854776000.000)."""
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "Inf" if value > 0 else "-Inf"
    sign = "-" if value < 0 else ""
    exact = abs(Decimal(value))
    if not exact:
        return "0.000"
    quantum = Decimal(1).scaleb(max(-3, exact.adjusted() - 15))
    return sign + format(exact.quantize(quantum, rounding=ROUND_HALF_UP), ".3f")


def render_value(value: object, type_letter: str) -> str:
    """Render one result value for an I, R or T column as slt_sqlite.c does (but see
    _column_int64 for I)."""
    if value is None:
        return "NULL"
    if type_letter == "I":
        return "%d" % _column_int64(value)
    if type_letter == "R":
        return _sqlite_fixed3(_column_double(value))
    # sqlite3_column_text is a C string: it ends at the first NUL byte.
    text = _column_text(value).split(b"\0", 1)[0]
    if not text:
        return "(empty)"
    return _NON_PRINTABLE.sub(b"@", text).decode("ascii")


def _md5_of_values(values: Sequence[str]) -> str:
    digest = hashlib.md5()
    for value in values:
        digest.update(value.encode())
        digest.update(b"\n")
    return digest.hexdigest()


# --------------------------------------------------------------------------------------------
# Running


class _Watchdog:
    """Interrupts a statement that runs longer than ``limit`` seconds via the connection's
    ``interrupt()`` (part of the sqlite3 API). One polling thread for the whole run keeps the
    per-statement cost at two attribute writes."""

    def __init__(self, limit: float) -> None:
        self.limit = limit
        self._conn: object = None
        self._deadline: float | None = None
        self.fired = False
        threading.Thread(target=self._watch, name="slt-watchdog", daemon=True).start()

    def arm(self, conn: object) -> None:
        self.fired = False
        self._conn = conn
        self._deadline = time.monotonic() + self.limit

    def disarm(self) -> None:
        self._deadline = None

    def _watch(self) -> None:
        while True:
            time.sleep(min(1.0, self.limit / 4))
            deadline, conn = self._deadline, self._conn
            if deadline is not None and time.monotonic() > deadline:
                self._deadline = None
                self.fired = True
                try:
                    conn.interrupt()  # type: ignore[attr-defined]
                except Exception:  # no interrupt() or already finished: nothing more to do
                    pass


_watchdog: _Watchdog | None = None


def set_statement_timeout(seconds: float) -> None:
    """Interrupt any statement that runs longer than ``seconds`` (0 = never)."""
    global _watchdog
    _watchdog = _Watchdog(seconds) if seconds > 0 else None


def _execute(cursor: object, conn: object, sql: str) -> list:
    if _watchdog is not None:
        _watchdog.arm(conn)
    try:
        cursor.execute(sql)  # type: ignore[attr-defined]
        rows = cursor.fetchall()  # type: ignore[attr-defined]
    finally:
        if _watchdog is not None:
            _watchdog.disarm()
    return rows


def _run_record_sql(record: Record, cursor: object, conn: object) -> list:
    """Execute a record's SQL and return the rows of its (last) statement."""
    if record.kind == "query":
        return _execute(cursor, conn, record.sql)
    rows: list = []
    for statement in split_statements(record.sql) or [record.sql]:
        rows = _execute(cursor, conn, statement)
    return rows


def _describe_exception(module: ModuleType, exc: BaseException) -> str:
    kind = "error" if isinstance(exc, module.Error) else "unexpected exception"
    if _watchdog is not None and _watchdog.fired:
        kind = f"timeout after {_watchdog.limit:g}s"
    return f"{kind}: {type(exc).__name__}: {exc}"


def _check_query(record: Record, cursor: object, rows: list, labels: dict[str, str]) -> str | None:
    """None if the query result matches the record, else a description of what we got."""
    if not record.types or set(record.types) - set("IRT"):
        return f"invalid type string {record.types!r}"
    ncols = len(record.types)
    description = getattr(cursor, "description", None)
    # Column count comes from the description; fall back to the row width for a module that
    # gives no description, so the value comparison below still runs.
    width = len(description) if description else (len(rows[0]) if rows else ncols)
    if width != ncols or any(len(row) != ncols for row in rows):
        return f"wrong number of result columns: expected {ncols}, got {width}"

    values = [render_value(v, t) for row in rows for v, t in zip(row, record.types)]
    if record.sort == "rowsort":
        grouped = [values[k:k + ncols] for k in range(0, len(values), ncols)]
        grouped.sort()
        values = [v for row in grouped for v in row]
    elif record.sort == "valuesort":
        values.sort()
    elif record.sort != "nosort":
        return f"unknown sort mode {record.sort!r}"

    if record.label:
        digest = _md5_of_values(values)
        if labels.setdefault(record.label, digest) != digest:
            return f"label {record.label} result differs from an earlier query with that label"
    if 0 < record.hash_threshold < len(values):
        got = f"{len(values)} values hashing to {_md5_of_values(values)}"
        return None if record.expected == [got] else got
    return None if values == record.expected else "\n".join(values)


def _resolve_module(module: ModuleType | str) -> ModuleType:
    return importlib.import_module(module) if isinstance(module, str) else module


def run_file(module: ModuleType | str, path: str | os.PathLike) -> tuple[int, int, list[Failure]]:
    """Run one .test file on a fresh in-memory autocommit connection.

    Returns (passed, total, failures): total counts the statement and query records executed
    for engine ``sqlite``; failures lists the records that did not pass, in file order.
    """
    module = _resolve_module(module)
    records = list(parse_records(Path(path).read_text(encoding="utf-8", errors="surrogateescape")))
    failures: list[Failure] = []
    try:
        conn = module.connect(":memory:", isolation_level=None)
        cursor = conn.cursor()
    except Exception as exc:
        failures.append(Failure(0, "connect(':memory:')", "a connection", _describe_exception(module, exc)))
        return 0, len(records), failures

    labels: dict[str, str] = {}
    passed = 0
    try:
        for record in records:
            if record.kind == "unknown":
                failures.append(Failure(record.line, record.sql, "a known record type", "unknown record type"))
                continue
            try:
                rows = _run_record_sql(record, cursor, conn)
            except Exception as exc:
                error_expected = (record.expect_error if record.kind == "statement"
                                  else (Path(path).name, record.line) in STEP_ERROR_RECORDS)
                if error_expected and isinstance(exc, module.Error):
                    passed += 1
                else:
                    expected = "success" if record.kind == "statement" else "\n".join(record.expected)
                    failures.append(Failure(record.line, record.sql, expected, _describe_exception(module, exc)))
                continue
            if record.kind == "statement":
                if record.expect_error:
                    failures.append(Failure(record.line, record.sql, "an error", "success"))
                else:
                    passed += 1
                continue
            try:
                problem = _check_query(record, cursor, rows, labels)
            except Exception as exc:  # e.g. a value of a type no sqlite3 module returns
                problem = f"unexpected exception: {type(exc).__name__}: {exc}"
            if problem is None:
                passed += 1
            else:
                failures.append(Failure(record.line, record.sql, "\n".join(record.expected), problem))
    finally:
        try:
            conn.close()
        except Exception:  # a broken connection must not hide the file's results
            pass
    return passed, len(records), failures


def find_test_files(directory: str | os.PathLike) -> list[Path]:
    """All *.test files under ``directory``, top level first, then subdirectories, sorted."""
    root = Path(directory)
    return sorted(root.rglob("*.test"), key=lambda p: (len(p.relative_to(root).parts), str(p)))


def run_all(module: ModuleType | str, directory: str | os.PathLike) -> dict[str, tuple[int, int, list[Failure]]]:
    """Run every .test file under ``directory``: {relative path: (passed, total, failures)}."""
    module = _resolve_module(module)
    root = Path(directory)
    return {str(p.relative_to(root)): run_file(module, p) for p in find_test_files(root)}


def default_dir() -> Path:
    """$SQLLOGICTEST_DIR, else ../shared/sqllogictest relative to the repository root."""
    env = os.environ.get("SQLLOGICTEST_DIR")
    return Path(env) if env else (REPO_ROOT.parent / "shared" / "sqllogictest").resolve()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--module", default="heliosdb_sqlite", help="module to test (default heliosdb_sqlite)")
    parser.add_argument("--dir", type=Path, default=None,
                        help="sqllogictest directory (default $SQLLOGICTEST_DIR or ../shared/sqllogictest)")
    parser.add_argument("--show-failures", type=int, default=3, metavar="N",
                        help="print the first N failures of each file (default 3)")
    parser.add_argument("--timeout", type=float, default=60.0,
                        help="interrupt a statement after this many seconds, 0 = never (default 60)")
    parser.add_argument("--json", type=Path, metavar="PATH", help="write the counts as JSON to PATH")
    parser.add_argument("files", nargs="*", help="only these files (paths relative to --dir, or names)")
    args = parser.parse_args(argv)

    directory = args.dir or default_dir()
    if not directory.is_dir():
        print(f"slt: no sqllogictest directory at {directory}", file=sys.stderr)
        return 2
    paths = find_test_files(directory)
    if args.files:
        wanted = set(args.files)
        paths = [p for p in paths if str(p.relative_to(directory)) in wanted or p.name in wanted]
        if not paths:
            print(f"slt: none of {', '.join(args.files)} is a .test file under {directory}", file=sys.stderr)
            return 2
    module = importlib.import_module(args.module)
    from tests.daemon_reset import fresh_on_connect
    fresh_on_connect(module)  # daemon mode: each file starts on an empty server database
    set_statement_timeout(args.timeout)

    started = time.monotonic()
    counts: dict[str, dict[str, int]] = {}
    total_passed = total = 0
    for path in paths:
        rel = str(path.relative_to(directory))
        file_started = time.monotonic()
        passed, n, failures = run_file(module, path)
        counts[rel] = {"passed": passed, "total": n}
        total_passed += passed
        total += n
        print(f"{rel}: {passed}/{n} records ({time.monotonic() - file_started:.1f}s)", flush=True)
        for failure in failures[: args.show_failures]:
            print("    FAIL " + failure.describe())
        if len(failures) > args.show_failures:
            print(f"    ... and {len(failures) - args.show_failures} more failures")
    percent = 100.0 * total_passed / total if total else 0.0
    print(f"total: {total_passed}/{total} records passed ({percent:.2f}%) in {len(paths)} files, "
          f"module {args.module}, {time.monotonic() - started:.1f}s")

    if args.json:
        args.json.write_text(json.dumps({"module": args.module, "dir": str(directory), "files": counts,
                                         "passed": total_passed, "total": total}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
