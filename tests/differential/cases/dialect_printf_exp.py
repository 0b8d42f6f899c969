"""printf()/format() %e %E %g %G of non-constant values (SQLite 3.40's exponent loop: the value
scaled into [1, 10) in long double, plus a rounder 0.5e-P, 16 significant digits): magnitudes
from subnormal to the largest double, sums that carry into the next power of ten, precisions 0
to 15, every flag and width, integers past 2**53, typeless columns, texts and expressions."""
import random

from ...differential.harness import Case

_RANDOM = random.Random(28)


def _digits() -> str:
    """1 to 10 random significant digits, the last not a 5 (a decimal half-way between two
    shorter ones is where SQLite's long double rounding decides, and the statement fails)."""
    digits = str(_RANDOM.randint(1, 9)) + "".join(
        str(_RANDOM.randint(0, 9)) for _ in range(_RANDOM.randint(0, 9)))
    return digits[:-1] + "6" if digits.endswith("5") else digits


# reals with a random count of digits at random magnitudes, and a few 17-digit ones: SQLite's
# digits of each
_REALS = [float(f"{_RANDOM.choice('+-')}0.{_digits()}e{_RANDOM.randint(-40, 40)}")
          for _ in range(25)] + [
    _RANDOM.uniform(-1, 1) * 10.0 ** _RANDOM.randint(-300, 300) for _ in range(10)]
MAGNITUDES = [
    "CREATE TABLE m (id INTEGER PRIMARY KEY, x REAL)",
    "INSERT INTO m (x) VALUES (0.0), (-0.0), (2.0), (-2.0), (1e-5), (0.0001), (123456.0), "
    "(1e15), (1e16), (1e100), (1e-300), (-7.2511e-7), (1.7976931348623157e308), "
    "(2.2250738585072014e-308), (4.9406564584124654e-324), (2.5e-310), (9.9999999), "
    "(0.000099999999), (999999.9), (99999.99), (1.4142), (0.1), (3.14159), (1e22), (-1e-100), "
    "(6.02214076e23), (1.602176634e-19), (NULL), (1e308), (9.99999999e99), (123456789.0)",
]
NUMBERS = [
    "CREATE TABLE n (id INTEGER PRIMARY KEY, i INTEGER, r REAL, u)",
    "INSERT INTO n (i, u) VALUES (0, 0), (1, 1), (-1, -1), (7, 7), (123456, 123456), "
    "(9007199254740992, 9007199254740992), (9223372036854775807, 9223372036854775807), "
    "(-9223372036854775808, -9223372036854775808), (1000000000000000, 1000000000000000), "
    "(10000000000000000, 10000000000000000), (123456789012345678, 123456789012345678), "
    "(99999999, 99999999), (-31415, '2.5e3'), (NULL, ' 42 '), (86400, NULL)",
    "INSERT INTO n (r, u) VALUES " + ", ".join(f"({v!r}, {v!r})" for v in _REALS),
]

CASES = [
    Case("printf_exp_magnitudes", MAGNITUDES + [
        "SELECT id, printf('%e|%E|%.0e|%.3e|%.10e|%.13e', x, x, x, x, x, x) FROM m ORDER BY id",
        "SELECT id, printf('%g|%G|%.0g|%.1g|%.3g|%.10g|%.14g', x, x, x, x, x, x, x) FROM m "
        "ORDER BY id",
        "SELECT id, format('%.2e', x), printf('%.5g', -x) FROM m ORDER BY id",
    ]),
    Case("printf_exp_flags", MAGNITUDES + [
        "SELECT id, printf('[%-12.4e|%+g|% e|%012.3e|%#.0e|%15.2E|%-+14.5G]', x, x, x, x, x, x, x) "
        "FROM m ORDER BY id",
        "SELECT id, printf('[%#g|%#.3g|%#.1G|%010g|%-10g|%+.0e|% 08.2g]', x, x, x, x, x, x, x) "
        "FROM m ORDER BY id",
        "SELECT printf('%*.*e|%-*g', 14, 3, x, 9, x) FROM m ORDER BY id",
    ]),
    Case("printf_exp_integers", NUMBERS + [
        "SELECT id, printf('%e|%g|%.3g|%G|%.10e|%.0e', i, i, i, i, i, i) FROM n ORDER BY id",
        "SELECT id, printf('%.4e|%g|%#.2g', u, u, u) FROM n WHERE i IS NOT NULL OR r IS NULL "
        "ORDER BY id",
    ]),
    Case("printf_exp_random", NUMBERS + [
        "SELECT id, printf('%e|%.3e|%g|%.12g|%.1E', r, r, r, r, r) FROM n ORDER BY id",
        "SELECT id, printf('%.8g|%-+16.6e', u, u) FROM n WHERE r IS NOT NULL ORDER BY id",
    ]),
    Case("printf_exp_arguments", [
        "CREATE TABLE o (id INTEGER PRIMARY KEY, qty INTEGER, mass REAL, note TEXT)",
        "INSERT INTO o (qty, mass, note) VALUES (3, 0.000335, '12.5'), (7, 19.99, ' 3.14 '), "
        "(NULL, 1.25e-12, '-.5'), (-2, NULL, NULL), (1000000, 2.6751e8, '1e3')",
        "SELECT id, printf('%.2e kg', mass), printf('%g', note), printf('%.3e', mass * qty) "
        "FROM o ORDER BY id",
        "SELECT printf('%.3e', avg(mass)), printf('%g', sum(qty)), printf('%e', max(mass)) FROM o",
        "SELECT printf('%s: %.2E of %d (%g%%)', note, mass, qty, 100.0 * qty / 7) FROM o "
        "ORDER BY id",
        "SELECT printf('%e|%g', qty > 0, mass IS NULL) FROM o ORDER BY id",
    ]),
    Case("printf_exp_unsettled", [
        "CREATE TABLE h (x REAL)",
        "INSERT INTO h VALUES (1234565.0), (2.5)",
        "SELECT printf('%g|%.0e', x, x) FROM h ORDER BY x",
        "SELECT printf('%.20e', x) FROM h ORDER BY x",
        "SELECT printf('%!.3e', x) FROM h ORDER BY x",
    ]),
]
