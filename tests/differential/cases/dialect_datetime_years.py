"""SQLite's calendar at its edges, on values known only at run time: year 0000 and the years
before it (which PostgreSQL counts as 1 BC, 2 BC, ...), seconds with more digits than a
microsecond, and text outside SQLite's layouts. rewrite/datetime.py says how each is read."""
from ...differential.harness import Case
from .dialect_datetime import _loud_or_exact

# Text in year 0000 and next to it; julian day numbers down to -4713 (years -1 to -999 are left
# out: the binding prints strftime's %Y for them as '-0001', SQLite as '-001')
TEXTS = ["0000-01-01", "0000-02-29 12:00:00", "0000-12-31 23:59:59.999", "0000-06-15T12:00:00Z",
         "0001-01-01", "0004-02-29", "2024-06-30 23:59:59.9999996"]
NUMBERS = [0.75, 1000000.25, 1721059.5, 1721424.75, 2460311.5, 3.5, 1721100.0]

SCHEMA = [
    "CREATE TABLE y (id INTEGER PRIMARY KEY, at TEXT, r REAL)",
    ("many", "INSERT INTO y (at, r) VALUES (?, ?)", list(zip(TEXTS, NUMBERS))),
]


def _rows(sql: str) -> list:
    return SCHEMA + [sql]


CASES = [
    Case("dt_years_text_year_zero", _rows(
        "SELECT id, date(at), datetime(at, '-1 day'), strftime('%Y-%m-%d %H:%M:%f %j %w %W', at),"
        " julianday(at), unixepoch(at, 'start of year'), date(at, 'weekday 0'),"
        " date(at, '+1 month'), datetime(at, 'start of month', '+1 month', '-1 day')"
        " FROM y ORDER BY id")),
    Case("dt_years_numbers_before_year_zero", _rows(
        "SELECT id, date(r, 'julianday'), datetime(r, 'julianday', '+12 hours'),"
        " strftime('%Y-%m-%d %j %w', r, 'julianday'), date(r + 0, 'start of day'),"
        " julianday(r, 'julianday', '+1 day'), unixepoch(r + 0) FROM y ORDER BY id")),
    Case("dt_years_text_outside_layouts_is_loud", [
        _loud_or_exact("SELECT date(?)", ("2024-02-30",)),
        _loud_or_exact("SELECT date(?)", ("today",)),
        _loud_or_exact("SELECT date(?)", ("2024-01-02 BC",)),
        _loud_or_exact("SELECT datetime(?)", ("2024-01-02 03:04Z",)),
    ]),
]
