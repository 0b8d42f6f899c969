"""SQLite's JSON1 functions and the -> / ->> operators (https://sqlite.org/json1.html): over
literals, over stored documents, as aggregates, and the errors SQLite raises."""
from ...differential.harness import Case

DOCS = [
    "CREATE TABLE d (id INTEGER PRIMARY KEY, j TEXT)",
    """INSERT INTO d (j) VALUES ('{"a":1,"b":[1,2,{"c":"x"}],"f":1.5,"n":null,"s":"hi","t":true,"z":false}')""",
    """INSERT INTO d (j) VALUES ('[10,20.25,"thirty",[4],{"k":-5}]')""",
    """INSERT INTO d (j) VALUES ('{"a":"text","a.b":{"cd":5},"big":12345678901,"e":2e2}')""",
    """INSERT INTO d (j) VALUES ('"just a string"')""",
    "INSERT INTO d (j) VALUES ('42')",
    "INSERT INTO d (j) VALUES (NULL)",
]

# key order and spacing differ from what JSONB prints (see differs.py)
UNSORTED = [
    "CREATE TABLE u (id INTEGER PRIMARY KEY, j TEXT)",
    """INSERT INTO u (j) VALUES ('{"b":{"y":1,"x":2},"a":[3, 4]}')""",
    """INSERT INTO u (j) VALUES ('{ "z" : 1, "a" : "two words" }')""",
    """INSERT INTO u (j) VALUES ('{"a.b":{"c d":5},"e":2e2}')""",
]

VALUES = [
    "CREATE TABLE v (id INTEGER PRIMARY KEY, i INTEGER, r REAL, s TEXT)",
    "INSERT INTO v (i, r, s) VALUES (1, 1.5, 'one')",
    "INSERT INTO v (i, r, s) VALUES (2, -0.25, 'say \"hi\"\\')",
    "INSERT INTO v (i, r, s) VALUES (NULL, NULL, NULL)",
    "INSERT INTO v (i, r, s) VALUES (-7, 1e10, 'é ü')",
]

CASES = [
    Case("json_literal_extract", [
        """SELECT json_extract('{"a":1}', '$.a'), json_extract('{"a":1.5}', '$.a'),
                  json_extract('{"a":"x"}', '$.a'), json_extract('{"a":null}', '$.a'),
                  json_extract('{"a":true}', '$.a'), json_extract('{"a":false}', '$.a')""",
        """SELECT json_extract('{"a":[1,2]}', '$.a'), json_extract('{"a":{"c":[1, 2]}}', '$.a'),
                  json_extract('{"a":1}', '$.b'), json_extract('{"a":1}', '$')""",
        """SELECT json_extract('{"a":1,"b":[5,6]}', '$.a', '$.b[1]', '$.nope')""",
        """SELECT json_extract('[1,2,3]', '$[#-1]'), json_extract('[1,2,3]', '$[0]'),
                  json_extract('{"a.b":{"c d":7}}', '$."a.b"."c d"')""",
        """SELECT json_extract('{"a":1e2}', '$.a'), json_extract('{"a":-0.5}', '$.a'),
                  json_extract('{"a":12345678901}', '$.a'), json_extract('{"a":"\\u00e9\\n"}', '$.a')""",
    ]),
    Case("json_literal_arrows", [
        """SELECT '{"a":[1,2]}' -> '$.a', '{"a":[1,2]}' ->> '$.a', '{"a":"x"}' -> '$.a',
                  '{"a":"x"}' ->> '$.a', '{"a":1}' -> 'a', '[5,6]' -> 1, '[5,6]' ->> 1""",
        """SELECT '{"a":{"b":null}}' -> '$.a.b', '{"a":{"b":null}}' ->> '$.a.b',
                  '{"a":1}' -> '$.x', '{"a":{"b":[7,8]}}' -> 'a' -> 'b' ->> 0""",
    ]),
    Case("json_literal_build", [
        "SELECT json_object('a', 1, 'b', 'two', 'c', NULL, 'd', 1.5), json_object()",
        "SELECT json_array(1, 'x', NULL, 2.5, -3), json_array()",
        "SELECT json_array(json_object('a', 1), json('[1, 2]'), '[1]')",
        "SELECT json_object('k', json_array(1, 2), 'j', json('{\"x\" : 1}'))",
        "SELECT json_quote('a\"b'), json_quote(3), json_quote(1.5), json_quote(NULL)",
        "SELECT json(' { \"b\" : 1 , \"a\" : [ 1 , 2 ] } '), json('\"x\"'), json('12')",
    ]),
    Case("json_literal_inspect", [
        """SELECT json_type('{"a":[1]}'), json_type('{"a":[1]}', '$.a'), json_type('1'),
                  json_type('1.0'), json_type('"s"'), json_type('true'), json_type('null'),
                  json_type('{"a":1}', '$.b')""",
        """SELECT json_array_length('[1,2,3]'), json_array_length('{"a":[1,2]}', '$.a'),
                  json_array_length('{}'), json_array_length('{"a":1}', '$.b')""",
        ("SELECT json_valid('{}'), json_valid('{'), json_valid('[1,2]'), json_valid(NULL), "
        "json_valid('abc')"),
    ]),
    Case("json_literal_modify", [
        """SELECT json_set('{"a":1}', '$.b', 2), json_set('{"a":1}', '$.a', 'x'),
                  json_insert('{"a":1}', '$.a', 9, '$.c', 3), json_replace('{"a":1}', '$.a', 2, '$.z', 3)""",
        """SELECT json_remove('[1,2,3]', '$[0]'), json_remove('{"a":1,"b":2}', '$.a'),
                  json_set('[1]', '$[#]', json('{"x":1}')), json_patch('{"a":1,"b":2}', '{"b":null,"c":3}')""",
    ]),
    Case("json_literal_errors", [
        "SELECT json('{bad')",
        "SELECT json_extract('[1', '$')",
        "SELECT json_extract('{\"a\":1}', '$.')",
        "SELECT json_array_length('[1]', '$[')",
    ], messages=True),
    Case("json_column_scalars", DOCS + [
        ("SELECT id, json_extract(j, '$.a'), json_extract(j, '$.f'), json_extract(j, '$.s'), "
        "json_extract(j, '$.n'), json_extract(j, '$.t'), json_extract(j, '$.z') FROM d ORDER BY id"),
        ("SELECT id, j ->> '$.b[1]', j ->> '$[#-1]', j ->> 0, j ->> '$[2]', "
        "j ->> '$[4].k', j ->> '$.\"a.b\".cd' FROM d ORDER BY id"),
        ("SELECT id, json_extract(j, '$.big'), json_extract(j, '$.e'), j ->> '$', "
        "json_extract(j, '$.b[2].c') FROM d ORDER BY id"),
        "SELECT id, json_extract(j, '$.a', '$.s', '$[1]') FROM d ORDER BY id",
    ]),
    Case("json_column_json_text", DOCS + [
        ("SELECT id, j -> '$.a', j -> '$.s', j -> '$.b', j -> '$[3]', j -> '$.n', j -> 'nope' "
        "FROM d ORDER BY id"),
        "SELECT id, json(j), j -> '$', json_extract(j, '$.b') FROM d ORDER BY id",
    ]),
    Case("json_column_inspect", DOCS + [
        ("SELECT id, json_type(j), json_type(j, '$.a'), json_type(j, '$.f'), json_type(j, '$.t'), "
        "json_type(j, '$.n'), json_type(j, '$.missing') FROM d ORDER BY id"),
        ("SELECT id, json_array_length(j), json_array_length(j, '$.b'), json_valid(j) "
        "FROM d ORDER BY id"),
    ]),
    Case("json_column_filters", DOCS + [
        "SELECT id FROM d WHERE json_extract(j, '$.a') = 1",
        "SELECT id FROM d WHERE j ->> '$.s' = 'hi'",
        "SELECT id FROM d WHERE json_type(j) = 'array'",
        "SELECT id FROM d WHERE json_extract(j, '$.a') IS NOT NULL ORDER BY id",
        "SELECT count(*) FROM d WHERE json_valid(j)",
    ]),
    Case("json_column_unsorted_keys", UNSORTED + [
        ("SELECT id, json(j), j -> '$.b', json_extract(j, '$.b'), j -> '$', j ->> '$' "
        "FROM u ORDER BY id"),
        "SELECT id, j ->> '$.\"a.b\".\"c d\"', j ->> '$.e', j ->> '$.a' FROM u ORDER BY id",
    ]),
    Case("json_column_build", VALUES + [
        "SELECT id, json_array(i, r, s), json_object('i', i, 'r', r, 's', s) FROM v ORDER BY id",
        "SELECT id, json_quote(i), json_quote(s), json_quote(r) FROM v ORDER BY id",
        "SELECT id, json_object('nested', json_array(i, json_object('s', s))) FROM v ORDER BY id",
    ]),
    Case("json_column_nested_calls", DOCS + [
        ("SELECT id, json_array(j -> '$.b', j ->> '$.s'), json_object('k', json(j)) "
        "FROM d WHERE id IN (1, 2, 6) ORDER BY id"),
        "SELECT id, json_extract(json_array(id, j -> '$.a'), '$[1]') FROM d ORDER BY id",
    ]),
    Case("json_group_functions", VALUES + [
        "SELECT json_group_array(i), json_group_array(s), json_group_object(s, i) FROM v",
        "SELECT json_group_array(i) FROM v WHERE id > 100",
        "SELECT json_group_object(s, r) FROM v WHERE s IS NOT NULL",
    ]),
    Case("json_parameters", [
        ("SELECT json_extract(?, '$.a'), json_object('k', ?), json_array(?, ?)",
         ('{"a":[1,2]}', 5, "x", None)),
        ("SELECT ? -> '$.a', ? ->> '$.a'", ('{"a":"v"}', '{"a":"v"}')),
    ]),
    Case("json_column_malformed", [
        "CREATE TABLE m (id INTEGER PRIMARY KEY, j TEXT)",
        "INSERT INTO m (j) VALUES ('{\"a\":')",
        "COMMIT",  # the failures below are the subject, not the transaction they would end
        "SELECT json_extract(j, '$.a') FROM m",
        "SELECT json(j) FROM m",
        "SELECT j -> '$.a' FROM m",
        "SELECT json_valid(j), json_type(json_quote(j)) FROM m",
    ]),
    Case("json_table_valued", DOCS + [
        "SELECT key, value, type FROM json_each('[1,\"x\",{\"a\":2}]')",
        "SELECT d.id, e.value FROM d, json_each(d.j) AS e WHERE d.id = 2",
        "SELECT fullkey, type FROM json_tree('{\"a\":[1]}')",
    ]),
    Case("json_column_modify", DOCS + [
        "SELECT json_set(j, '$.a', 2) FROM d WHERE id = 1",
        "SELECT json_remove(j, '$[0]') FROM d WHERE id = 2",
    ]),
]
