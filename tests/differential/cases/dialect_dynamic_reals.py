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
]
