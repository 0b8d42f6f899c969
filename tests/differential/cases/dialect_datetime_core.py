"""SQLite date/time functions on fixed inputs (exact), and 'now' forms (by shape)."""
import re

from ...differential.harness import Case

FIXED = "'2024-01-31 10:20:30'"


def _now_shapes(conn, module):
    row = conn.execute(
        "SELECT datetime('now'), date('now'), time('now'), CURRENT_TIMESTAMP, CURRENT_DATE,"
        " CURRENT_TIME, typeof(unixepoch()), typeof(julianday('now'))").fetchone()
    patterns = [r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r"\d{4}-\d\d-\d\d", r"\d\d:\d\d:\d\d",
                r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", r"\d{4}-\d\d-\d\d", r"\d\d:\d\d:\d\d"]
    shapes = tuple(bool(re.fullmatch(p, v)) for p, v in zip(patterns, row[:6]))
    return shapes + tuple(row[6:])


def _now_is_utc_and_current(conn, module):
    import datetime
    text = conn.execute("SELECT datetime('now')").fetchone()[0]
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    seen = datetime.datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
    return abs((now - seen).total_seconds()) < 120


def _default_current_timestamp(conn, module):
    conn.execute("CREATE TABLE ev (id INTEGER PRIMARY KEY, at TEXT DEFAULT CURRENT_TIMESTAMP)")
    conn.execute("INSERT INTO ev (id) VALUES (1)")
    value = conn.execute("SELECT at FROM ev").fetchone()[0]
    return bool(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", value))


CASES = [
    Case("dt_core_fixed_forms", [
        f"SELECT datetime({FIXED}), date({FIXED}), time({FIXED})",
        f"SELECT julianday({FIXED}), unixepoch({FIXED})",
        "SELECT date('2024-02-29'), datetime('2024-02-29T01:02:03'), datetime('2024-02-29 01:02')",
    ]),
    Case("dt_core_modifiers", [
        f"SELECT datetime({FIXED}, '+1 day'), datetime({FIXED}, '-3 hours'),"
        f" datetime({FIXED}, '+90 minutes'), datetime({FIXED}, '+15 seconds')",
        f"SELECT datetime({FIXED}, '+1 month'), datetime({FIXED}, '-1 year'),"
        f" date({FIXED}, 'start of month'), date({FIXED}, 'start of year'),"
        f" datetime({FIXED}, 'start of day')",
        "SELECT datetime(1700000000, 'unixepoch'), date(0, 'unixepoch')",
    ]),
    Case("dt_core_strftime", [
        f"SELECT strftime('%Y', {FIXED}), strftime('%m/%d %H:%M:%S', {FIXED}),"
        f" strftime('%s', {FIXED}), strftime('%j', {FIXED}), strftime('%w', {FIXED})",
    ]),
    Case("dt_core_columns_and_params", [
        "CREATE TABLE e (id INTEGER PRIMARY KEY, at DATETIME)",
        ("INSERT INTO e (at) VALUES (?)", ("2023-12-31 23:59:59",)),
        ("INSERT INTO e (at) VALUES (?)", ("2024-06-15 12:00:00",)),
        "SELECT id, date(at), datetime(at, '+1 second') FROM e ORDER BY id",
        ("SELECT count(*) FROM e WHERE at >= ?", ("2024-01-01",)),
        "SELECT strftime('%Y-%m', at) AS month, count(*) FROM e GROUP BY month ORDER BY month",
    ]),
    Case("dt_core_invalid_is_null", [
        "SELECT date('not a date'), datetime('2024-13-45'), julianday('')",
    ]),
    Case("dt_core_now_shapes", [_now_shapes, _now_is_utc_and_current]),
    Case("dt_core_default_current_timestamp", [_default_current_timestamp]),
]
