"""SQLite's date and time functions on values known only at run time (columns, parameters), on
constants, and on the clock ('now' and CURRENT_*, compared by shape and by closeness to the
real UTC time). rewrite/datetime.py says what is computed where."""
import datetime
import re
import sqlite3
import time

from ...differential.harness import Case

# Text in every layout the engine path reads (SQLite's own output, ISO 8601 with 'T', a zero zone)
VALUES = [
    "2024-01-31", "2024-02-29 23:59:59", "2023-12-31 23:59:59.999", "2024-03-10T08:30",
    "2024-03-10T08:30:15.25Z", "2024-07-04 12:00:00+00:00", "1969-12-31 23:59:59.5",
    "2000-01-01 00:00:00", "0001-01-01 00:00:00", "9999-12-31 23:59:59",
    "2024-01-02 03:04:05.123456", "2024-06-30 23:59:59.9996", None, "",
]

SCHEMA = [
    "CREATE TABLE ev (id INTEGER PRIMARY KEY, at TEXT, stamp DATETIME, n INTEGER, r REAL)",
    ("many", "INSERT INTO ev (at, stamp) VALUES (?, ?)", [(v, v) for v in VALUES]),
    "UPDATE ev SET n = 1700000000 + id * 86399, r = 2460000.25 + id * 0.5",
]


def _rows(sql: str) -> list:
    return [SCHEMA[0], SCHEMA[1], SCHEMA[2], sql]


def _in_utc(sql: str):
    """'localtime' and 'utc' are identities in UTC (the engine path refuses them elsewhere)."""
    def step(conn, module):
        if time.timezone or time.daylight and time.altzone:
            return "not in UTC"
        return [tuple(r) for r in conn.execute(sql).fetchall()]
    return step


def _loud_or_exact(sql: str, params=()):
    """What the engine path cannot compute is refused with an error, never a different value.
    A value of the clock ('%f' of now) is exact when it lies between SQLite's answers just
    before and just after (equality alone would depend on both landing in one millisecond)."""
    def step(conn, module):
        oracle = sqlite3.connect(":memory:")
        before = oracle.execute(sql, params).fetchall()
        try:
            got = [tuple(r) for r in conn.execute(sql, params).fetchall()]
        except (module.NotSupportedError, module.OperationalError):
            return True
        after = oracle.execute(sql, params).fetchall()
        return got == before or (before != after and before <= got <= after)
    return step


def _utc_now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC).replace(tzinfo=None)


def _now_texts(conn, module):
    """Each 'now' form has SQLite's layout and names the current UTC time (within a minute)."""
    forms = {
        "datetime('now')": "%Y-%m-%d %H:%M:%S", "CURRENT_TIMESTAMP": "%Y-%m-%d %H:%M:%S",
        "date('now')": "%Y-%m-%d", "CURRENT_DATE": "%Y-%m-%d", "time('now')": "%H:%M:%S",
        "CURRENT_TIME": "%H:%M:%S", "datetime()": "%Y-%m-%d %H:%M:%S",
        "strftime('%Y-%m-%d %H:%M:%f', 'now')": "%Y-%m-%d %H:%M:%S.%f",
        "datetime('now', 'localtime', 'utc')": "%Y-%m-%d %H:%M:%S",
    }
    row = conn.execute(f"SELECT {', '.join(forms)}").fetchone()
    now = _utc_now()
    out = []
    for (form, layout), text in zip(forms.items(), row):
        seen = datetime.datetime.strptime(text, layout)
        if "%Y" not in layout:
            seen = datetime.datetime.combine(now.date(), seen.time())
        if "%H" not in layout:
            seen = datetime.datetime.combine(seen.date(), now.time())
        out.append((form, type(text).__name__, abs((now - seen).total_seconds()) < 60))
    return out


def _now_numbers(conn, module):
    """julianday('now'), unixepoch() and strftime('%s') agree with the clock and with each other."""
    jd, unix, text_s, typeof = conn.execute(
        "SELECT julianday('now'), unixepoch(), strftime('%s', 'now'), typeof(unixepoch('now'))"
    ).fetchone()
    now = time.time()
    return (type(jd).__name__, type(unix).__name__, type(text_s).__name__, typeof,
            abs(unix - now) < 60, abs(int(text_s) - unix) <= 1,
            abs((jd - 2440587.5) * 86400 - now) < 60)


def _now_modifiers(conn, module):
    """The clock moved by modifiers: compared as SQLite computes it from the same instant."""
    sql = ("SELECT datetime('now', '-7 days', 'start of day'), date('now', 'start of month', "
           "'+1 month', '-1 day'), date('now', 'weekday 0'), date('now', '-1 year', 'start of "
           "year'), time('now', '+90 minutes', 'start of day'), strftime('%Y-%m', 'now', "
           "'-13 months'), datetime(CURRENT_TIMESTAMP, '+1 hour') > datetime('now'), "
           "date(CURRENT_DATE, '+1 day') > date('now'), time(CURRENT_TIME, 'start of day')")
    for _ in range(3):  # the two runs must see the same clock second; retry across a tick
        before = int(time.time())
        got = conn.execute(sql).fetchone()
        now = sqlite3.connect(":memory:").execute(sql).fetchone()
        if before == int(time.time()):
            return tuple(got) == tuple(now)
    return True


def _defaults(conn, module):
    conn.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, msg TEXT,"
                 " at TEXT DEFAULT CURRENT_TIMESTAMP, day TEXT DEFAULT CURRENT_DATE,"
                 " tm TEXT DEFAULT CURRENT_TIME, st DATETIME DEFAULT (datetime('now')))")
    conn.execute("INSERT INTO log (msg) VALUES ('a')")
    at, day, tm, st = conn.execute("SELECT at, day, tm, st FROM log").fetchone()
    return (bool(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", at)),
            bool(re.fullmatch(r"\d{4}-\d\d-\d\d", day)), bool(re.fullmatch(r"\d\d:\d\d:\d\d", tm)),
            bool(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", st)), at[:10] == day,
            abs((datetime.datetime.strptime(at, "%Y-%m-%d %H:%M:%S") - _utc_now())
                .total_seconds()) < 60)


def _insert_now(conn, module):
    conn.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, at TEXT)")
    conn.execute("INSERT INTO t (at) VALUES (datetime('now')), (datetime('now', '-1 day'))")
    rows = conn.execute("SELECT at FROM t WHERE at >= datetime('now', '-1 hour')").fetchall()
    older = conn.execute("SELECT count(*) FROM t WHERE at < date('now')").fetchone()[0]
    return len(rows), older, type(rows[0][0]).__name__


CASES = [
    # -- values in a column: every output, no modifier ------------------------------------------
    Case("dt_column_outputs", _rows(
        "SELECT id, date(at), time(at), datetime(at), julianday(at), unixepoch(at) FROM ev"
        " ORDER BY id")),
    Case("dt_column_strftime", _rows(
        "SELECT id, strftime('%Y-%m-%d %H:%M:%S', at), strftime('%j|%w|%W|%s', at),"
        " strftime('%f', at), strftime('%d/%m/%Y at %H.%M', at), strftime('%%Y%%', at),"
        " strftime('%Y%m%d', stamp) FROM ev ORDER BY id")),
    Case("dt_column_strftime_null_formats", _rows(
        "SELECT strftime('%e', at), strftime('%Y%', at), strftime(NULL, at), strftime('', at)"
        " FROM ev WHERE id = 2")),
    # -- modifiers on a column --------------------------------------------------------------------
    Case("dt_column_shifts", _rows(
        "SELECT id, datetime(at, '+1 day'), datetime(at, '-7 days'), datetime(at, '+36 hours'),"
        " datetime(at, '-90 minutes'), datetime(at, '+0.5 seconds'), datetime(at, '+1.5 days'),"
        " datetime(at, '+01:30'), datetime(at, '-02:00:30.5') FROM ev ORDER BY id")),
    Case("dt_column_months_years", _rows(
        "SELECT id, date(at, '+1 month'), date(at, '-1 month'), date(at, '+13 months'),"
        " date(at, '-11 months'), datetime(at, '+1 year'), date(at, '-1 years'),"
        " datetime(at, '+1.5 months'), datetime(at, '+0.25 years') FROM ev ORDER BY id")),
    Case("dt_column_start_of", _rows(
        "SELECT id, datetime(at, 'start of day'), date(at, 'start of month'),"
        " date(at, 'start of year'), date(at, 'start of month', '+1 month', '-1 day'),"
        " datetime(at, 'start of year', '+6 months') FROM ev ORDER BY id")),
    Case("dt_column_weekday", _rows(
        "SELECT id, date(at, 'weekday 0'), date(at, 'weekday 1'), datetime(at, 'weekday 6'),"
        " date(at, 'weekday 3', '-7 days') FROM ev ORDER BY id")),
    Case("dt_column_chains", _rows(
        "SELECT id, datetime(at, '-1 day', 'start of month'), date(at, '+7 days', '+1 month'),"
        " strftime('%Y-%m-%d', at, 'start of month', '-1 day'), julianday(at, '+12 hours'),"
        " unixepoch(at, 'start of day') FROM ev ORDER BY id")),
    Case("dt_column_invalid_modifiers_are_null", _rows(
        "SELECT date(at, '+1 fortnight'), date(at, 'start of week'), date(at, 'weekday 7'),"
        " date(at, NULL), datetime(at, '+1 day', 'unixepoch'), date(at, 'utc', 'auto'),"
        " date(at, '+1 day', 'julianday'), date(at, '1 days '), date(at, 'weekday 1.5')"
        " FROM ev WHERE id = 1")),
    Case("dt_column_localtime_utc", SCHEMA + [_in_utc(
        "SELECT id, datetime(at, 'localtime'), datetime(at, 'utc'),"
        " date(at, 'localtime', 'start of month') FROM ev ORDER BY id")]),
    # -- numbers ----------------------------------------------------------------------------------
    Case("dt_unixepoch_and_julian_numbers", _rows(
        "SELECT id, datetime(n, 'unixepoch'), date(n, 'unixepoch', 'start of month'),"
        " unixepoch(n, 'unixepoch'), datetime(r, 'julianday'), julianday(r, 'julianday'),"
        " datetime(-n, 'unixepoch'), datetime(n * 1000000, 'unixepoch') FROM ev ORDER BY id")),
    Case("dt_numeric_expression_values", _rows(
        "SELECT id, date(julianday(at) + 7), datetime(r + 0.25), date(r - 2460000),"
        " datetime(unixepoch(at) + 60, 'unixepoch') FROM ev ORDER BY id")),
    Case("dt_unixepoch_text_and_reals", [
        "CREATE TABLE u (id INTEGER PRIMARY KEY, s TEXT, f REAL)",
        ("many", "INSERT INTO u (s, f) VALUES (?, ?)",
         [("1704164645", 1704164645.25), ("0", 0.9996), ("-86400", -0.5), (None, None)]),
        ("SELECT id, datetime(s, 'unixepoch'), datetime(f, 'unixepoch'),"
        " strftime('%Y-%m-%d %H:%M:%f', f, 'unixepoch') FROM u ORDER BY id"),
    ]),
    # -- parameters -------------------------------------------------------------------------------
    Case("dt_parameters", [
        ("SELECT date(?), datetime(?, '+1 day'), strftime('%Y/%m', ?), julianday(?)",
         ("2024-02-29", "2024-02-29T12:00:00Z", "2024-02-29 12:00", "2024-02-29 12:00:00.5")),
        ("SELECT datetime(?, 'unixepoch'), date(?, 'unixepoch'), datetime(?, 'start of day')",
         (1704164645, "86400", "2024-05-06 07:08:09")),
        ("SELECT date(:v), time(:v), unixepoch(:v)", {"v": None}),
        ("SELECT date(?), datetime(?, '+1 month')", ("", "")),
    ]),
    # -- the edges of SQLite's range ----------------------------------------------------------------
    Case("dt_range_edges", [
        "CREATE TABLE edge (id INTEGER PRIMARY KEY, at TEXT)",
        ("many", "INSERT INTO edge (at) VALUES (?)",
         [("9999-12-31",), ("9999-12-25 12:00:00",), ("9999-11-30",), ("0000-01-01",)]),
        ("SELECT id, date(at, '+1 day'), date(at, '+7 days'), date(at, 'weekday 0'),"
        " date(at, '+1 month'), date(at, '+1 year'), datetime(at, '+23:59:59') FROM edge"
        " ORDER BY id"),
    ]),
    # -- in statements --------------------------------------------------------------------------
    Case("dt_in_where_order_group", _rows(
        "SELECT strftime('%Y', at) AS y, count(*), min(date(at)), max(datetime(at, '+1 day'))"
        " FROM ev WHERE date(at) BETWEEN '1970-01-01' AND '2099-12-31' GROUP BY y ORDER BY y")),
    Case("dt_in_dml", [
        "CREATE TABLE task (id INTEGER PRIMARY KEY, due TEXT, done TEXT)",
        ("INSERT INTO task (due) VALUES (date(?, '+14 days'))", ("2024-02-20",)),
        ("INSERT INTO task (due) VALUES (datetime(?, 'unixepoch'))", (1700000000,)),
        "UPDATE task SET done = datetime(due, '+1 day', 'start of day') WHERE id = 1",
        "UPDATE task SET due = date(due, 'start of month') WHERE due < '2024-01-01'",
        "SELECT id, due, done, julianday(done) - julianday(due) FROM task ORDER BY id",
        "DELETE FROM task WHERE date(due) < date('2024-01-01')",
        "SELECT count(*) FROM task",
    ]),
    # -- constants: computed by SQLite itself at translation ------------------------------------------
    Case("dt_constants", [
        ("SELECT date('2023-02-31'), datetime('2024-01-02 24:00'), time('24:00'),"
        " datetime('03:04:05'), datetime('2024-01-02 03:04:05+02:00'), date('2024-13-01')"),
        ("SELECT julianday('2000-01-01'), julianday(2451545), unixepoch('1970-01-02'),"
        " datetime(0), datetime(2460311.5), date('  2024-01-02'), date('now', NULL)"),
        ("SELECT strftime('%J', '2024-01-02 03:04:05'), datetime(1700000000, 'auto'),"
        " datetime('2024-01-02', 'localtime'), strftime('%f', '2024-01-02 03:04:59.9999')"),
        ("SELECT typeof(date('2024-01-02')), typeof(julianday('2024-01-02')),"
        " typeof(unixepoch('2024-01-02')), typeof(strftime('%s', '2024-01-02')),"
        " typeof(date('x'))"),
    ]),
    # -- the clock -------------------------------------------------------------------------------
    Case("dt_now_texts", [_now_texts]),
    Case("dt_now_numbers", [_now_numbers]),
    Case("dt_now_modifiers", [_now_modifiers]),
    Case("dt_now_types", [
        ("SELECT typeof(datetime('now')), typeof(CURRENT_TIMESTAMP), typeof(julianday('now')),"
        " typeof(unixepoch()), typeof(strftime('%s')), typeof(date('now', '+1 day')),"
        " length(CURRENT_TIMESTAMP), length(CURRENT_DATE), length(CURRENT_TIME)"),
        "SELECT date('now', 'unixepoch'), datetime('now', 'julianday'), date('now', '+1 fortnight')",
    ]),
    Case("dt_now_defaults", [_defaults]),
    Case("dt_now_insert_and_compare", [_insert_now]),
    # -- refused loudly where the engine path cannot compute SQLite's value ------------------------
    Case("dt_unsupported_is_loud", [
        _loud_or_exact("SELECT date('2024-01-02', ?)", ("+1 day",)),
        _loud_or_exact("SELECT strftime(?, '2024-01-02')", ("%Y",)),
        _loud_or_exact("SELECT strftime('%J', ?)", ("2024-01-02",)),
        _loud_or_exact("SELECT strftime('%f')"),
        _loud_or_exact("SELECT datetime(?, 'auto')", (1700000000,)),
        _loud_or_exact("SELECT date(?)", ("2024-01-02 03:04:05+02:00",)),
        _loud_or_exact("SELECT time(?)", ("03:04:05",)),
        _loud_or_exact("SELECT date(?)", ("2023-02-31",)),
        _loud_or_exact("SELECT date(?)", ("garbage",)),
        _loud_or_exact("SELECT datetime(?)", (2460311.5,)),
        _loud_or_exact("SELECT date(?, 'unixepoch'), date(?, 'julianday')",
                       ("2024-01-02", "2024-01-02")),
        _loud_or_exact("SELECT date(?, '-1 year'), date(?, '-1 day')", ("0000-06-01", "0000-01-01")),
        _loud_or_exact("SELECT date(?, '+1 day', 'weekday 1', '+1 month', 'weekday 2', '-1 year',"
                       " 'weekday 3', '+2 months', 'weekday 4')", ("2024-01-02",)),
    ]),
]
