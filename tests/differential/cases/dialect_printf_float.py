"""printf()/format() %f of non-constant values (SQLite 3.40's digits: the value plus a rounder
0.5e-P, nudged up by value * 3e-16, then truncated): half-way decimals that are not exact in
binary (2.675, 1.005, 0.045) round up as SQLite's do, every flag and width, NULL read as 0.0,
integers, numeric texts and expressions as arguments."""
from ...differential.harness import Case

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
]
