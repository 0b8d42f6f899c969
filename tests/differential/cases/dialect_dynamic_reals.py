"""Reals in typeless and DATETIME-like columns (held by the engine as text): the double bound is
the double read back, to the last bit; NUMERIC affinity makes a whole real an integer."""
import random

from ...differential.harness import Case

T = "CREATE TABLE t (id INTEGER PRIMARY KEY, x, d DATETIME, n NUMERIC)"
_rng = random.Random(7)
REALS = [0.1 + 0.2, 5802282.732638497, 1 / 3, 2.0 ** 53 + 2, 1.2345678901234567e16,
         123456789012345678.0, 1e-5, 2.5, -0.0, 5e-324, 1.7976931348623157e308, 9.2e18, 9.3e18,
         123456789012345.0] + [_rng.uniform(-1e6, 1e6) for _ in range(20)] + [
         _rng.uniform(-1, 1) * 10 ** _rng.randint(-30, 30) for _ in range(20)]

CASES = [
    Case("dynamic_reals_round_trip", [
        T,
        ("many", "INSERT INTO t (x, d, n) VALUES (?, ?, ?)", [(r, r, r) for r in REALS]),
        "SELECT x, typeof(x), d, typeof(d), n FROM t ORDER BY id",
    ]),
    # numbers written in the SQL keep their class there too (the engine prints 1.0 as '1')
    Case("dynamic_reals_literals", [
        T,
        *[f"INSERT INTO t (x, d) VALUES ({v}, {v})" for v in (
            "1.50", "1e3", "0.1", "-0.0", "100", "1.0", "-2.5", "0x1F", "9223372036854775808",
            "5802282.732638497", "-7", "-9223372036854775808", "-9223372036854775809",
            "9223372036854775807", "-0x10")],
        "UPDATE t SET x = 2.0, d = -3.0 WHERE id = 1",
        "UPDATE t SET x = 12 WHERE id = 2",
        "SELECT id, x, typeof(x), d, typeof(d) FROM t ORDER BY id",
    ]),
]
