"""The plan cache across schema changes (Database.plan, Catalog.unchanged_for) and the compiled
hot-path code shared between plans (hotpath._MAKERS), on the embedded binding. What a statement
returns after each change is checked against sqlite3 by the differential case
plans_outlive_other_schema_changes; these tests check that the work is kept or redone."""
from __future__ import annotations

import pytest

import heliosdb_sqlite as sqlite3
from heliosdb_sqlite import hotpath
from heliosdb_sqlite.catalog import Catalog, Column, Entry, Table

SEL = "SELECT a, b FROM t WHERE a = ?"
INS = "INSERT INTO t (a, b) VALUES (?, ?)"


@pytest.fixture()
def conn():
    c = sqlite3.connect(":memory:", isolation_level=None)
    c.execute("CREATE TABLE t (a INTEGER, b TEXT)")
    c.execute("INSERT INTO t VALUES (1, 'x')")
    yield c
    c.close()


def planned(conn, sql, params=()):
    assert conn.execute(sql, params).fetchall() is not None
    return conn._db.plans[sql]


@pytest.mark.parametrize("ddl", [
    "CREATE TABLE other (x)",
    "CREATE TABLE other (x); CREATE INDEX other_x ON other (x)",
    "CREATE TABLE other (x); CREATE VIEW ov AS SELECT x FROM other; DROP VIEW ov",
    "CREATE TABLE other (x); DROP TABLE other",
])
def test_a_plan_outlives_a_change_to_other_names(conn, ddl):
    before = planned(conn, SEL, (1,))
    conn.executescript(ddl)
    assert planned(conn, SEL, (1,)) is before
    assert before.schema_version == conn._db.catalog.version  # the hot path's check passes


@pytest.mark.parametrize("ddl", [
    "CREATE INDEX t_a ON t (a)",
    "ALTER TABLE t ADD COLUMN c",
    "ALTER TABLE t RENAME COLUMN b TO bb",
    "DROP TABLE t; CREATE TABLE t (a INTEGER, b TEXT)",
    "CREATE VIEW v AS SELECT a FROM t; ALTER TABLE t RENAME TO t2; ALTER TABLE t2 RENAME TO t",
])
def test_a_plan_is_made_again_after_a_change_to_what_it_read(conn, ddl):
    before = planned(conn, SEL, (1,))
    conn.executescript(ddl)
    try:
        after = planned(conn, SEL, (1,))
    except sqlite3.OperationalError:  # the column was renamed: no such column, as in sqlite3
        assert "RENAME COLUMN" in ddl
        return
    assert after is not before


def test_a_plan_that_read_a_view_goes_stale_with_the_view(conn):
    conn.execute("CREATE VIEW v AS SELECT a FROM t")
    before = planned(conn, "SELECT * FROM v")
    conn.execute("CREATE TABLE other (x)")
    assert planned(conn, "SELECT * FROM v") is before
    conn.execute("DROP VIEW v")
    conn.execute("CREATE VIEW v AS SELECT b, a FROM t")
    assert conn.execute("SELECT * FROM v").fetchall() == [("x", 1)]
    assert conn._db.plans["SELECT * FROM v"] is not before


def test_a_query_of_sqlite_master_reads_the_schema_when_it_runs(conn):
    # its plan reads the catalog's table in the engine, not the catalog: it is kept, and sees
    # the change
    sql = "SELECT name FROM sqlite_master ORDER BY name"
    before = planned(conn, sql)
    conn.execute("CREATE TABLE other (x)")
    assert conn.execute(sql).fetchall() == [("other",), ("t",)]
    assert conn._db.plans[sql] is before


def test_reading_a_whole_dict_depends_on_every_name():
    catalog = Catalog()
    catalog.add(Entry(1, "table", "t", "t", "CREATE TABLE t (a)",
                      Table("t", [Column("a")], "rowid").to_json()))
    catalog.reads = set()
    catalog.table("T")
    by_name, catalog.reads = frozenset(catalog.reads), set()
    list(catalog.tables)
    whole, catalog.reads = frozenset(catalog.reads), None
    made_at = catalog.version
    catalog.add(Entry(2, "index", "u_x", "u", None, None))  # an index on another table
    assert catalog.unchanged_for(by_name, made_at)
    assert not catalog.unchanged_for(whole, made_at)
    assert not catalog.unchanged_for(None, made_at)  # what it read is not known
    catalog.add(Entry(3, "index", "t_a", "t", None, None))  # an index on t: t's change
    assert not catalog.unchanged_for(by_name, made_at)


def test_ddl_plans_are_made_again(conn):
    sql = "CREATE TABLE IF NOT EXISTS u (x)"
    conn.execute(sql)
    before = conn._db.plans[sql]
    conn.execute("CREATE TABLE other (x)")
    conn.execute(sql)
    assert conn._db.plans[sql] is not before


def test_a_rolled_back_schema_change_makes_every_plan_again(conn):
    before = planned(conn, SEL, (1,))
    conn.execute("BEGIN")
    conn.execute("CREATE TABLE other (x)")
    conn.execute("ROLLBACK")
    assert planned(conn, SEL, (1,)) is not before


def test_plans_of_one_shape_share_the_hot_runners_code():
    c = sqlite3.connect(":memory:")
    makers = []
    for table in ("t1", "t2"):
        c.execute(f"CREATE TABLE {table} (id INTEGER PRIMARY KEY, a INTEGER, b TEXT)")
        sql = f"INSERT INTO {table} (a, b) VALUES (?, ?)"
        for i in range(3):  # general path, the hot path through execute(), then remembered
            c.execute(sql, (i, "x"))
        facts = hotpath.facts_of(c._db.plans[sql])
        makers.append(facts.runners[(True, (int, str))])
    c.commit()
    assert makers[0] is makers[1]
    # each runner is its own closure over its own table's facts
    assert c._fast["INSERT INTO t1 (a, b) VALUES (?, ?)"] is not \
        c._fast["INSERT INTO t2 (a, b) VALUES (?, ?)"]
    assert c.execute("SELECT count(*) FROM t1").fetchone() == (3,)
    assert c.execute("SELECT count(*) FROM t2").fetchone() == (3,)
    c.close()
