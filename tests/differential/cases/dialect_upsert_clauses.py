"""Several upsert clauses in one INSERT (SQLite 3.35+): the first clause whose conflict target
conflicts applies (its WHERE may still leave the row alone), only the last clause may omit its
target, and a conflict no clause names raises as without an upsert."""
from ...differential.harness import Case
from .dialect_upsert import AB, AB_FILL, AB_ROWS, COUNTS, _many  # the same table and helpers

CASES = [
    Case("upsert_clauses_first_matching_target_applies", [
        AB,
        AB_FILL,
        # conflicts on a (row 1) and b (row 2): the clauses are tried in their order
        ("INSERT INTO t VALUES (3, 'a1', 'b2', 'x') ON CONFLICT (b) DO UPDATE SET v = 'by b' "
         "ON CONFLICT (a) DO UPDATE SET v = 'by a'"),
        AB_ROWS,
        COUNTS,
        ("INSERT INTO t VALUES (3, 'a1', 'bz', 'x') ON CONFLICT (b) DO UPDATE SET v = 'by b' "
         "ON CONFLICT (a) DO UPDATE SET v = 'by a' || excluded.id"),
        AB_ROWS,
        ("INSERT INTO t VALUES (3, 'a3', 'b3', 'new') ON CONFLICT (b) DO UPDATE SET v = 'by b' "
         "ON CONFLICT (a) DO UPDATE SET v = 'by a'"),
        AB_ROWS,
        COUNTS,
    ]),
    Case("upsert_clauses_last_without_target", [
        AB,
        AB_FILL,
        ("INSERT INTO t VALUES (3, 'a1', 'bz', 'x') ON CONFLICT (b) DO NOTHING "
         "ON CONFLICT DO UPDATE SET v = 'any ' || excluded.v"),
        ("INSERT INTO t VALUES (1, 'az', 'b2', 'y') ON CONFLICT (b) DO NOTHING "
         "ON CONFLICT DO UPDATE SET v = 'any ' || excluded.v"),
        AB_ROWS,
        ("INSERT INTO t VALUES (2, 'a5', 'b5', 'z') ON CONFLICT (a) DO NOTHING "
         "ON CONFLICT DO NOTHING"),
        AB_ROWS,
        COUNTS,
    ]),
    Case("upsert_clauses_all_do_nothing", [
        AB,
        AB_FILL,
        "INSERT INTO t VALUES (3, 'a3', 'b1', 'x') ON CONFLICT (a) DO NOTHING ON CONFLICT (b) DO NOTHING",
        COUNTS,
        # the rowid conflicts, and no clause names it
        "INSERT INTO t VALUES (1, 'a3', 'b3', 'x') ON CONFLICT (a) DO NOTHING ON CONFLICT (b) DO NOTHING",
        "INSERT INTO t VALUES (NULL, 'a3', 'b3', 'x') ON CONFLICT (a) DO NOTHING ON CONFLICT (b) DO NOTHING",
        AB_ROWS,
        COUNTS,
        # autocommit: a Nano server cannot undo just the failed statement of a transaction
    ], messages=True, connect_kwargs={"isolation_level": None}),
    Case("upsert_clauses_where_and_returning", [
        AB,
        AB_FILL,
        # the first matching clause's WHERE is false: the row is left alone, the next clause unused
        ("INSERT INTO t VALUES (4, 'a3', 'b3', 'x'), (5, 'a1', 'b9', 'y') ON CONFLICT (a) DO UPDATE "
         "SET v = v || '!' WHERE excluded.v = 'no' ON CONFLICT DO UPDATE SET v = 'second' "
         "RETURNING id, v"),
        ("INSERT INTO t VALUES (6, 'a9', 'b2', 'w') ON CONFLICT (a) DO UPDATE SET v = 'A' "
         "ON CONFLICT (b) DO UPDATE SET v = t.v || excluded.v WHERE excluded.v = 'w' "
         "RETURNING id, a, v"),
        AB_ROWS,
        COUNTS,
    ]),
    Case("upsert_clauses_parameters_and_executemany", [
        AB,
        AB_FILL,
        _many("INSERT INTO t VALUES (?, ?, ?, ?) ON CONFLICT (a) DO UPDATE SET v = ? "
              "ON CONFLICT (b) DO UPDATE SET v = excluded.v || ?",
              [(7, "a1", "b7", "p", "q", "r"), (8, "a8", "b2", "s", "t", "u"),
               (9, "a9", "b9", "v", "w", "x")]),
        AB_ROWS,
        (("INSERT INTO t VALUES (:id, :a, :b, :v) ON CONFLICT (b) DO UPDATE SET v = :v || 'b' "
          "ON CONFLICT (id) DO UPDATE SET v = :v || 'id'"),
         {"id": 9, "a": "az", "b": "bz", "v": "named"}),
        AB_ROWS,
    ]),
    Case("upsert_clauses_or_ignore", [
        AB,
        AB_FILL,
        ("INSERT OR IGNORE INTO t VALUES (7, 'a2', 'b7', 'x') ON CONFLICT (b) DO UPDATE SET v = 'B' "
         "ON CONFLICT (id) DO NOTHING"),
        ("INSERT OR IGNORE INTO t VALUES (7, 'a7', 'b2', 'x') ON CONFLICT (b) DO UPDATE SET v = 'B' "
         "ON CONFLICT (id) DO NOTHING"),
        AB_ROWS,
        COUNTS,
    ]),
    Case("upsert_clauses_target_only_last_may_omit", [
        AB,
        AB_FILL,
        ("INSERT INTO t VALUES (3, 'a1', 'bz', 'x') ON CONFLICT DO NOTHING "
         "ON CONFLICT (a) DO UPDATE SET v = 'by a'"),
        ("INSERT INTO t VALUES (3, 'a1', 'bz', 'x') ON CONFLICT (a) DO NOTHING "
         "ON CONFLICT (nope) DO UPDATE SET v = 'by a'"),
        AB_ROWS,
    ], messages=True),
]
