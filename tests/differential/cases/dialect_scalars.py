"""SQLite's core scalar functions the engines lack or compute differently (issue #3): printf,
quote, char, unicode, random, randomblob, instr, substr, and the rest of the list checked on
constants and on column values (the shim computes an all-constant call with SQLite itself)."""
from ...differential.harness import Case

TABLE = [
    "CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT, b BLOB)",
    "INSERT INTO v (i, r, s, b) VALUES (-42, 2.5, 'it''s', x'00ff'), (NULL, NULL, NULL, NULL), "
    "(7, -0.125, 'abc', x'41'), (123456, 3.0, '', x'')",
]

CASES = [
    Case("scalar_printf_constants", [
        "SELECT printf('%d-%s', 3, 'x'), format('%d-%s', 3, 'x')",
        "SELECT printf('%5.2f|%-8.3e|%g|%G|%x|%X|%o|%#x|%,d', 3.14159, 1234.5, 0.0001, 1e20, 255,"
        " 255, 8, 255, -1234567)",
        "SELECT printf('%.2f %.0f %.0f %.1f', 2.675, 2.5, -2.5, -0.04)",
        "SELECT printf('%d %s %d'), printf('%d', NULL), printf('%s', NULL), printf('%d', '12abc')",
        "SELECT printf('%d', 2.9), printf('%d', -2.9), printf('%u', -1), printf('%*d|%-*d', 5, 1, 4, 2)",
        "SELECT printf('%q|%Q|%w|%c|%%', 'it''s', NULL, 'a\"b', 'xyz'), printf(NULL), printf('')",
    ]),
    Case("scalar_printf_columns", TABLE + [
        "SELECT printf('%d|%5d|%-5d|%05d|%+d|% d|%.3d|%%', i, i, i, i, i, i, i) FROM v ORDER BY id",
        "SELECT printf('[%s|%8s|%-4s|%.2s|%q|%Q|%w]', s, s, s, s, s, s, s) FROM v ORDER BY id",
        "SELECT printf('%c', s) FROM v WHERE s <> '' ORDER BY id",
        "SELECT printf('%s %s %d', i, r, r) FROM v ORDER BY id",
        "SELECT printf('%d %s', i) FROM v ORDER BY id",
        "SELECT printf('%d|%5d', s, i || '') FROM v ORDER BY id",
    ]),
    Case("scalar_printf_text_prefix", [
        "CREATE TABLE p (t TEXT)",
        "INSERT INTO p VALUES ('12abc'), (' -7.9x'), ('abc'), ('42')",
        "SELECT printf('%d', t) FROM p ORDER BY rowid",
    ]),
    Case("scalar_printf_refused", TABLE + [
        "SELECT printf('%e', r) FROM v",
        "SELECT printf('%g', r) FROM v",
        "SELECT printf('%.2f', r * 1e20) FROM v",
        "SELECT printf('%x', i) FROM v",
        "SELECT printf(s, 1) FROM v",
    ], messages=False),
    Case("scalar_quote", TABLE + [
        "SELECT quote('a''b'), quote(1), quote(-2.5), quote(NULL), quote(x'00ff'), quote(1e20)",
        "SELECT quote(i), quote(r), quote(s), quote(b) FROM v ORDER BY id",
    ]),
    Case("scalar_char_unicode", TABLE + [
        "SELECT char(65, 66), char(233, 8364), char(), unicode('A'), unicode('é'), unicode('')",
        "SELECT unicode(s), unicode(i) FROM v ORDER BY id",
    ]),
    Case("scalar_random", TABLE + [
        "SELECT typeof(random()), random() BETWEEN -9223372036854775808 AND 9223372036854775807",
        "SELECT count(DISTINCT random()) > 1 FROM v",
        "SELECT typeof(randomblob(4)), length(randomblob(4)), length(randomblob(0)), "
        "length(randomblob(40)), hex(randomblob(16)) <> hex(randomblob(16))",
    ]),
    Case("scalar_instr_substr", TABLE + [
        "SELECT instr('hello', 'l'), instr('hello', 'z'), instr(NULL, 'l'), instr('a', ''), "
        "instr(12345, 34)",
        "SELECT instr(s, 'c'), instr(s, ''), instr(s, 's'), instr(s, NULL) FROM v ORDER BY id",
        "SELECT substr('hello', -3), substr('hello', -3, 2), substr('hello', 0, 2), "
        "substr('hello', 2, -1), substr('hello', -10, 8), substr('hello', 9), substr(12345, 2, 2)",
        "SELECT substr(s, -3), substr(s, 0, 2), substr(s, 2, -1), substr(s, -10, 8), substr(s, 2),"
        " substr(s, i), substr(s, 2, i), substr(s, NULL) FROM v ORDER BY id",
    ]),
    Case("scalar_hex", TABLE + [
        "SELECT hex('abc'), hex(12), hex(NULL), hex(x'00ff')",
        "SELECT hex(s), hex(b), hex(i) FROM v ORDER BY id",
    ]),
    Case("scalar_abs", TABLE + [
        "SELECT abs(-3), abs(-3.5), abs(NULL), abs('-2'), abs('x'), typeof(abs('-2'))",
        "SELECT abs(i), abs(r), typeof(abs(i)) FROM v ORDER BY id",
    ]),
    Case("scalar_round", TABLE + [
        "SELECT round(2.5), round(-2.5), round(1.2345, 2), round(NULL), round(3), round(2.5, NULL)",
        "SELECT round(r), round(r, 1), round(i), round(i, 2), round(r, id), typeof(round(i)) "
        "FROM v ORDER BY id",
        "CREATE TABLE f (x REAL)",
        "INSERT INTO f VALUES (2.675), (1.005), (0.285), (-0.04), (-0.125), (9.995), (-324.525), "
        "(0.49999999999999994), (1e300), (-5e15), (123.456789), (1.5e-12), (-2e-9)",
        "SELECT x, round(x), round(x, 1), round(x, 2), round(x, 3), round(x, -1), round(x, 12) "
        "FROM f ORDER BY rowid",
    ]),
    Case("scalar_iif_ifnull", TABLE + [
        "SELECT iif(1, 'a', 'b'), iif(0, 'a', 'b'), iif(NULL, 'a', 'b'), ifnull(NULL, 3), "
        "nullif(1, 1), nullif(1, 2), coalesce(NULL, NULL, 3)",
        "SELECT ifnull(i, -1), coalesce(s, 'none'), nullif(i, 7) FROM v ORDER BY id",
    ]),
    Case("scalar_min_max_likely", [
        "SELECT min(1, 2, 3), max(1, 2, 3), min(1, NULL), max('a', 'b'), likely(5), unlikely('x')",
    ]),
    Case("scalar_typeof", [
        "SELECT typeof(1), typeof(1.0), typeof('a'), typeof(x'00'), typeof(NULL)",
    ]),
    Case("scalar_sign", TABLE + [
        "SELECT sign(-3), sign(0), sign(2.5)",
        "SELECT sign(i) FROM v ORDER BY id",
    ]),
    Case("scalar_length", TABLE + [
        "SELECT length('héllo'), length(NULL), length(123), length(1.5), length(x'0001')",
        "SELECT length(s), length(i), length(r), length(b) FROM v ORDER BY id",
    ]),
    Case("scalar_upper_lower_replace", TABLE + [
        "SELECT upper('abc'), lower('ABC'), upper(NULL), replace('hello', 'l', 'L'), "
        "replace('aaa', 'a', ''), replace(NULL, 'a', 'b')",
        "SELECT upper(s), lower(s), replace(s, 'b', 'B') FROM v ORDER BY id",
    ]),
    Case("scalar_trim", TABLE + [
        "SELECT trim('  a  '), trim('xxaxx', 'x'), ltrim('xxaxx', 'x'), rtrim('xxaxx', 'x'), "
        "trim('abcba', 'ab'), ltrim('  a'), rtrim('a  '), trim(NULL), trim('a', NULL)",
        "SELECT trim(s, 'i'), ltrim(s, 'a'), rtrim(s, 's'), trim(s), trim(i, '-4'), "
        "rtrim(r, '5') FROM v ORDER BY id",
    ]),
    Case("scalar_sum_total", TABLE + [
        "SELECT total(i), sum(i), typeof(sum(i)), total(r), sum(r), typeof(total(i)), count(*) "
        "FROM v",
        "SELECT total(i), sum(i) FROM v WHERE id > 100",
        "SELECT sum(i * 2 + 1), typeof(sum(i * 2 + 1)), sum(DISTINCT i) FROM v",
    ]),
    Case("scalar_group_concat", TABLE + [
        "SELECT group_concat(i), group_concat(r), group_concat(s, ';') FROM v",
    ]),
    Case("scalar_group_concat_distinct", TABLE + [
        "SELECT group_concat(DISTINCT r) FROM v",
    ]),
]
