"""printf()/format() %f of non-constant values (SQLite 3.40's digits: the value plus a rounder
0.5e-P, nudged up by value * 3e-16, then truncated): half-way decimals that are not exact in
binary (2.675, 1.005, 0.045) round up as SQLite's do, every flag and width, NULL read as 0.0,
integers, numeric texts and expressions as arguments."""
import random

from ...differential.harness import Case

_RANDOM = random.Random(19)
# integers across the 64-bit range (two's complement digits of negatives), small ones, and reals
# with up to 4 decimals or 15 significant digits: SQLite's printf digits of each, compared
_INTEGERS = [0, 1, -1, 8, 255, -256, 2 ** 63 - 1, -2 ** 63, 2 ** 53 + 1] + [
    _RANDOM.randint(-2 ** 63, 2 ** 63 - 1) for _ in range(20)] + [
    _RANDOM.randint(-5000, 5000) for _ in range(10)]
_REALS = [round(_RANDOM.uniform(-1000, 1000), _RANDOM.randint(0, 4)) for _ in range(20)] + [
    float(f"{_RANDOM.uniform(-1e6, 1e6):.15g}") for _ in range(20)]
NUMBERS = [
    "CREATE TABLE n (id INTEGER PRIMARY KEY, i INTEGER, r REAL, t TEXT, u)",
    "INSERT INTO n (i, u) VALUES " + ", ".join(f"({v}, {v})" for v in _INTEGERS),
    "INSERT INTO n (r, u) VALUES " + ", ".join(f"({v!r}, {v!r})" for v in _REALS),
    "INSERT INTO n (t, u, i) VALUES ('12', '-7.9', NULL), (' 42 ', NULL, NULL), ('-3.5', 'abc', 7), "
    "('0', '  9  ', -8)",
]

PRICES = [
    "CREATE TABLE m (id INTEGER PRIMARY KEY, r REAL)",
    "INSERT INTO m (r) VALUES (2.675), (0.125), (1.005), (-2.675), (-0.125), (0.5), (9.995), "
    "(0.045), (1.0 / 3), (0.1 + 0.2), (123456789.125), (-0.0), (1e-7), (99.995), (0.015), "
    "(1.5), (2.5), (-1e-9), (1234.5678), (0.0049999999), (150000000.0), (NULL), (0.0)",
]

CASES = [
    Case("printf_float_rounding", PRICES + [
        "SELECT id, printf('%.2f', r), format('%.2f', r) FROM m ORDER BY id",
        "SELECT id, printf('%f|%.0f|%.1f|%.3f', r, r, r, r) FROM m ORDER BY id",
        "SELECT id, printf('%.5f', r) FROM m WHERE abs(r) < 1e9 ORDER BY id",
    ]),
    Case("printf_float_flags", PRICES + [
        "SELECT id, printf('[%08.2f|%-9.2f|%+.3f|% .1f]', r, r, r, r) FROM m ORDER BY id",
        "SELECT id, printf('[%#.0f|%5.f|%,f|%12.4f|%-+8.1f|%+09.2f]', r, r, r, r, r, r) "
        "FROM m ORDER BY id",
        "SELECT printf('%*.*f|%-*.2f', 9, 3, r, 7, r) FROM m ORDER BY id",
    ]),
    Case("printf_float_arguments", [
        "CREATE TABLE o (id INTEGER PRIMARY KEY, qty INTEGER, price REAL, note TEXT)",
        "INSERT INTO o (qty, price, note) VALUES (3, 0.335, '12.5'), (7, 19.99, ' 3.14 '), "
        "(NULL, 1.005, 'abc'), (-2, NULL, NULL), (1000000, 2.675, '-.5'), (0, 0.5, '1e3')",
        "SELECT id, printf('%.2f', qty), printf('%.2f', note), printf('%.2f', price * qty) "
        "FROM o ORDER BY id",
        "SELECT printf('%.2f', avg(price)), printf('%.3f', sum(price * qty)) FROM o",
        "SELECT printf('total %.2f for %d: %s', price * qty, qty, note) FROM o ORDER BY id",
        "SELECT printf('%.2f|%.2f', price), printf('%.1f%%', 100.0 * qty / 7) FROM o ORDER BY id",
        "SELECT printf('%s costs %.2f, was %6.2f', note, price, 2.675) FROM o ORDER BY id",
    ]),
    Case("printf_float_random", NUMBERS + [
        "SELECT id, printf('%.2f|%f|%.0f|%.4f', r, r, r, r) FROM n ORDER BY id",
        "SELECT id, printf('%12.3f|%-+10.1f|%010.2f', r, u, i) FROM n WHERE i BETWEEN -1e9 AND 1e9 "
        "OR i IS NULL ORDER BY id",
    ]),
    Case("printf_int_radix", NUMBERS + [
        "SELECT id, printf('%x|%X|%o', i, i, i) FROM n ORDER BY id",
        "SELECT id, printf('%x|%o|%X', r, u, t) FROM n WHERE abs(r) < 1e18 OR r IS NULL "
        "ORDER BY id",
        "SELECT id, printf('%lld|%d|%lx', i, u, u) FROM n ORDER BY id",
    ]),
    Case("printf_int_flags", NUMBERS + [
        "SELECT id, printf('[%#x|%#o|%#X|%08x|%-8x|%.4o|%#010.3x|%30X|%-#25o]', i, i, i, i, i, "
        "i, i, i, i) FROM n ORDER BY id",
        "SELECT id, printf('[%-08d|%+05d|% d|%.3d|%*x|%-*.*o]', i, i, i, i, 6, i, 7, 3, i) "
        "FROM n ORDER BY id",
        "SELECT printf('%x %d', i > 0, i < 0), printf('%#x', NULL), printf('%x', i, i) FROM n "
        "ORDER BY id",
    ]),
]
