"""SQLite's table-valued json_each() and json_tree() (https://sqlite.org/json1.html#jeach): over
literals, over parameters, joined to a table's JSON column, of a scalar subquery, in IN and
EXISTS subqueries; the storage class of each value (typeof() too) on every engine."""
from ...differential.harness import Case

TAGS = [
    "CREATE TABLE t (id INTEGER PRIMARY KEY, tags TEXT)",
    """INSERT INTO t (tags) VALUES ('["red","blue"]')""",
    """INSERT INTO t (tags) VALUES ('["blue",3,2.5,null,true,false,{"x":[1]},[7]]')""",
    """INSERT INTO t (tags) VALUES ('{"a":"blue","b":[1],"c":{"d":null}}')""",
    "INSERT INTO t (tags) VALUES ('7')",
    """INSERT INTO t (tags) VALUES ('"red"')""",
    "INSERT INTO t (tags) VALUES (NULL)",
    """INSERT INTO t (tags) VALUES ('{"items":[10,"ten"],"n":1}')""",
]

CASES = [
    Case("json_each_literal", [
        """SELECT * FROM json_each('[1,2.5,"x",null,true,false,{"b":1,"a":[2]},[3]]')""",
        """SELECT key, value, type, atom, id, parent, fullkey, path
           FROM json_each('{"b":1,"a":[2],"b":3,"a b":"s","é":0}')""",
        """SELECT key, value, fullkey, path FROM json_each('{"x":{"b":1,"a":[2]}}', '$.x')""",
        """SELECT * FROM json_each('5')""",
        """SELECT e.key, e.value FROM json_each('[1e2, 12345678901234567890, -0.5]') AS e""",
        """SELECT value * 2 FROM json_each('[1,2,3]') WHERE value > 1 ORDER BY value DESC""",
    ]),
    Case("json_each_literal_empty", [
        """SELECT * FROM json_each(NULL)""",
        """SELECT * FROM json_each('{"a":5}', '$.zz')""",
    ]),
    Case("json_each_literal_errors", [
        "SELECT * FROM json_each('[1,2')",
        "SELECT * FROM json_each('[1]', 'x')",
    ], messages=True),
    Case("json_each_parameter", [
        ("SELECT value FROM json_each(?)", ('[1,"x",2.5,null,true,{"a":[1,2]},[3]]',)),
        ("SELECT key, value, type, atom, parent, fullkey, path FROM json_each(?)",
         ('[1,"x",2.5,null,true,false,{"a":[1,2]},[3]]',)),
        ("SELECT key, value, type, fullkey FROM json_each(?)", ('{"a":1,"b c":"x","d":[2]}',)),
        ("SELECT key, value, fullkey, path FROM json_each(?, '$.items')",
         ('{"items":[10,"ten",1.5]}',)),
        ("SELECT key, value, fullkey FROM json_each(?, '$.items[1]')", ('{"items":[0,{"k":9}]}',)),
        ("SELECT key, value, type, fullkey, path FROM json_each(?)", ('42',)),
        ("SELECT count(*) FROM json_each(?)", (None,)),
        ("SELECT count(*) FROM json_each(?, '$.nope')", ('{"a":1}',)),
        ("SELECT sum(value) FROM json_each(?)", ('[1,2,3.5]',)),
    ]),
    Case("json_each_in_subquery", TAGS + [
        ("SELECT id FROM t WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id",
         ('[1,3,5]',)),
        ("SELECT id FROM t WHERE id NOT IN (SELECT value FROM json_each(?)) ORDER BY id",
         ('[1,2,3,4,5]',)),
    ]),
    Case("json_each_column_join", TAGS + [
        "SELECT t.id, j.value FROM t, json_each(t.tags) AS j WHERE j.value = 'blue' ORDER BY t.id",
        ("SELECT t.id, j.key FROM t, json_each(t.tags) AS j WHERE j.value = ? ORDER BY t.id",
         ('red',)),
        """SELECT t.id, key, value, type, atom, fullkey, path FROM t, json_each(t.tags)
           WHERE t.id IN (1, 2, 4, 5, 6) ORDER BY t.id, key""",
        """SELECT t.id, key, value, type, fullkey, path FROM t JOIN json_each(t.tags, '$.items')
           ORDER BY t.id, key""",
        "SELECT t.id, count(*) FROM t, json_each(t.tags) GROUP BY t.id ORDER BY t.id",
    ]),
    Case("json_each_column_object_order", TAGS + [
        "SELECT key, value, fullkey FROM t, json_each(t.tags) WHERE t.id = 3",
        ("SELECT key, value FROM json_each(?)", ('{"b":1,"a":2}',)),
    ]),
    Case("json_each_correlated_exists", TAGS + [
        """SELECT id FROM t WHERE EXISTS (SELECT 1 FROM json_each(t.tags) WHERE value = 'blue')
           ORDER BY id""",
    ]),
    Case("json_each_run_time_id", [
        ("SELECT * FROM json_each(?)", ('[1]',)),
    ]),
    Case("json_each_value_classes", [
        ("SELECT key, value, typeof(value) FROM json_each(?)",
         ('{"a":1,"b":2.5,"c":"x","d":null,"e":true}',)),
        """SELECT key, value, typeof(value) FROM json_each('{"a":1,"b":2.5,"c":"x","d":null,"e":true}')""",
        ("SELECT key, typeof(key), value, atom, typeof(atom) FROM json_each(?)",
         ('[1,2.5,"x",null,false,{"a":1},[2],1e2,12345678901234567890,"s\\u0041"]',)),
        """SELECT key, typeof(key), atom, typeof(atom) FROM json_each('[1,2.5,"x",null,{"a":1}]')""",
        """SELECT * FROM json_each('[1,2.5,"x",null,{"a":1}]')""",
        """SELECT key, typeof(key), value, typeof(value) FROM json_tree('{"a":[1,{"b":2.5}]}')""",
    ]),
    Case("json_each_order_by_value", [
        ("SELECT j.value AS v FROM json_each(?) AS j ORDER BY v DESC", ('[9,10,2]',)),
        ("SELECT value FROM json_each(?) ORDER BY 1", ('[9,10,2]',)),
        """SELECT value AS v FROM json_each('[9,10,2,"x"]') WHERE type != 'text' ORDER BY v""",
    ]),
    Case("json_each_scalar_subquery", TAGS + [
        "SELECT key, value FROM json_each((SELECT tags FROM t WHERE id = 2))",
        "SELECT key, value FROM json_each((SELECT tags FROM t WHERE id = 7), '$.items')",
        "SELECT key, value FROM json_each((SELECT tags FROM t WHERE id > 1 ORDER BY id DESC))",
        "SELECT key, value FROM json_each((SELECT tags FROM t ORDER BY id LIMIT 2 OFFSET 2))",
        "SELECT count(*) FROM json_each((SELECT tags FROM t WHERE id = 99))",
        "SELECT value FROM json_each(coalesce((SELECT tags FROM t WHERE id = 99), '[5,6]'))",
        """SELECT t.id, j.value FROM t, json_each((SELECT tags FROM t WHERE id = 1)) AS j
           WHERE t.id < 3 ORDER BY t.id, j.key""",
    ]),
    Case("json_each_scalar_subquery_errors", TAGS + [
        "SELECT key FROM json_each((SELECT id, tags FROM t))",
    ], messages=True),
    Case("json_each_correlated_scalar_subquery", TAGS + [
        """SELECT t.id, j.key FROM t, json_each((SELECT u.tags FROM t AS u WHERE u.id = t.id)) AS j
           WHERE t.id < 3 ORDER BY t.id, j.key""",
    ]),
    Case("json_tree_literal", [
        """SELECT * FROM json_tree('{"a":[1,{"b":2}],"c":"x"}')""",
        """SELECT key, value, type, id, parent, fullkey, path
           FROM json_tree('{"a":[1,{"b":2}],"c":"x"}', '$.a')""",
        """SELECT fullkey FROM json_tree('[[1],{"k":[]}]') WHERE atom IS NULL""",
    ]),
    Case("json_tree_parameter", [
        ("SELECT key, value, type, atom, fullkey, path FROM json_tree(?)",
         ('{"a":[1,"y"],"c":"x","d":{"e":null,"f":2.5},"g":true}',)),
        ("SELECT key, value, type, fullkey, path FROM json_tree(?, '$.d')",
         ('{"a":[1],"d":{"e":null,"f":[2.5,"z"]}}',)),
        ("SELECT key, value, type, fullkey, path FROM json_tree(?)", ('5',)),
        ("SELECT count(*) FROM json_tree(?)", (None,)),
        ("SELECT count(*) FROM json_tree(?, '$.nope')", ('{"a":1}',)),
        ("SELECT key, typeof(key), value, typeof(value) FROM json_tree(?)",
         ('[[1, "x"], {"k": 2.5}, []]',)),
        ("SELECT fullkey FROM json_tree(?) WHERE atom IS NULL", ('[[1],{"k":[]}]',)),
        ("SELECT t.key, t.value FROM json_tree(?) AS t WHERE t.type = 'integer'", ('[1,[2,3]]',)),
    ]),
    Case("json_tree_scalar_subquery", TAGS + [
        "SELECT fullkey, value FROM json_tree((SELECT tags FROM t WHERE id = 3))",
        "SELECT fullkey, value FROM json_tree((SELECT tags FROM t WHERE id = 7), '$.items')",
    ]),
    Case("json_tree_column_two_levels", [
        "CREATE TABLE d (id INTEGER PRIMARY KEY, doc TEXT)",
        """INSERT INTO d (doc) VALUES ('{"a":[1,2],"b":{"c":"x"}}'), ('[3,[4.5,null]]'), ('7'),
           (NULL), ('[]')""",
        """SELECT d.id, key, value, type, atom, fullkey, path FROM d, json_tree(d.doc)
           ORDER BY d.id, fullkey""",
        "SELECT d.id, count(*) FROM d, json_tree(d.doc) GROUP BY d.id ORDER BY d.id",
    ]),
    Case("json_tree_run_time_deep", [
        ("SELECT fullkey FROM json_tree(?)", ('[[[1]]]',)),
    ]),
    Case("json_tree_column", TAGS + [
        "SELECT t.id, fullkey, type FROM t, json_tree(t.tags) ORDER BY t.id",
    ]),
]
