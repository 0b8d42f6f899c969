"""Adapters, __conform__, converters (PARSE_DECLTYPES / PARSE_COLNAMES) and the default date types.

Adapters and converters are global (module-level tables); each case uses its own class or type
name, and converters are removed again in a final step so no case depends on another.
"""
import datetime
import sqlite3

from ...differential.harness import Case

DECLTYPES = {"detect_types": sqlite3.PARSE_DECLTYPES}
COLNAMES = {"detect_types": sqlite3.PARSE_COLNAMES}
BOTH = {"detect_types": sqlite3.PARSE_DECLTYPES | sqlite3.PARSE_COLNAMES}


class SurfTypesPoint:
    def __init__(self, x, y):
        self.x, self.y = x, y


class SurfTypesIntBox:
    def __init__(self, n):
        self.n = n


class SurfTypesBadAdapt:
    pass


class SurfTypesConform:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __conform__(self, protocol):
        if protocol is sqlite3.PrepareProtocol:
            return f"{self.x};{self.y}"
        return None


class SurfTypesUnregistered:
    pass


def _point_to_text(p):
    return f"{p.x};{p.y}"


def _bytes_to_tuple(b):
    return tuple(int(x) for x in b.split(b";"))


def _register(name, fn=_bytes_to_tuple):
    def step(conn, module):
        return module.register_converter(name, fn)
    return step


def _unregister(name):
    def step(conn, module):
        module.converters.pop(name.upper(), None)
        return None
    return step


def _adapter_raises(p):
    raise ValueError("no adapting this")


def _adapt_point(conn, module):
    return module.register_adapter(SurfTypesPoint, _point_to_text)


def _adapt_intbox(conn, module):
    return module.register_adapter(SurfTypesIntBox, lambda b: b.n)


def _adapt_bad(conn, module):
    return module.register_adapter(SurfTypesBadAdapt, _adapter_raises)


def _description_names(sql):
    def step(conn, module):
        return tuple(d[0] for d in conn.execute(sql).description)
    return step


def _module_constants(conn, module):
    return (module.PARSE_DECLTYPES, module.PARSE_COLNAMES, module.paramstyle, module.apilevel,
            module.threadsafety, module.sqlite_version == sqlite3.sqlite_version,
            isinstance(module.version, str) if hasattr(module, "version") else None)


def _dbapi_constructors(conn, module):
    return (module.Date(2024, 1, 2), module.Time(3, 4, 5), module.Timestamp(2024, 1, 2, 3, 4, 5),
            bytes(module.Binary(b"ab")))


CASES = [
    Case("types_register_adapter_select", [
        _adapt_point,
        ("SELECT ?", (SurfTypesPoint(1, 2),)),
        ("SELECT typeof(?)", (SurfTypesPoint(3, 4),)),
    ]),
    Case("types_register_adapter_insert", [
        _adapt_point,
        "CREATE TABLE p (id INTEGER PRIMARY KEY, pt TEXT)",
        ("INSERT INTO p (pt) VALUES (?)", (SurfTypesPoint(5, 6),)),
        lambda conn, module: conn.executemany(
            "INSERT INTO p (pt) VALUES (?)", [(SurfTypesPoint(7, 8),), (SurfTypesPoint(9, 0),)]).rowcount,
        "SELECT id, pt FROM p ORDER BY id",
        ("SELECT id FROM p WHERE pt = ?", (SurfTypesPoint(7, 8),)),
    ]),
    Case("types_register_adapter_named", [
        _adapt_point,
        ("SELECT :p", {"p": SurfTypesPoint(1, 1)}),
    ]),
    Case("types_adapter_returns_int", [
        _adapt_intbox,
        ("SELECT ?, ? + 1", (SurfTypesIntBox(41), SurfTypesIntBox(1))),
        ("SELECT typeof(?)", (SurfTypesIntBox(1),)),
    ]),
    Case("types_adapter_raises", [
        _adapt_bad,
        ("SELECT ?", (SurfTypesBadAdapt(),)),
    ]),
    Case("types_conform", [
        ("SELECT ?", (SurfTypesConform(1, 2),)),
        ("SELECT typeof(?)", (SurfTypesConform(3, 4),)),
    ]),
    Case("types_unregistered_class", [
        ("SELECT ?", (SurfTypesUnregistered(),)),
    ]),
    Case("types_decltypes_converter", [
        _register("POINTXYZ"),
        "CREATE TABLE c (id INTEGER PRIMARY KEY, p POINTXYZ, q TEXT)",
        ("INSERT INTO c (p, q) VALUES (?, ?)", ("1;2", "1;2")),
        ("INSERT INTO c (p, q) VALUES (?, ?)", (None, None)),
        "SELECT p, q FROM c ORDER BY id",
        "SELECT * FROM c ORDER BY id",
        "SELECT p AS renamed FROM c ORDER BY id",
        "SELECT p || '' FROM c ORDER BY id",
        _unregister("POINTXYZ"),
    ], connect_kwargs=DECLTYPES),
    Case("types_decltypes_converter_text_affinity", [
        _register("GEOTEXTXY"),
        "CREATE TABLE c (id INTEGER PRIMARY KEY, p GEOTEXTXY)",
        ("INSERT INTO c (p) VALUES (?)", ("1;2",)),
        ("INSERT INTO c (p) VALUES (?)", (None,)),
        "SELECT p FROM c ORDER BY id",
        "SELECT p AS renamed FROM c ORDER BY id",
        "SELECT p || '' FROM c ORDER BY id",
        _unregister("GEOTEXTXY"),
    ], connect_kwargs=DECLTYPES),
    Case("types_decltypes_without_flag", [
        _register("GEOTEXTNF"),
        "CREATE TABLE c (p GEOTEXTNF)",
        ("INSERT INTO c VALUES (?)", ("1;2",)),
        "SELECT p FROM c",
        _unregister("GEOTEXTNF"),
    ]),
    Case("types_decltypes_with_size_and_words", [
        _register("GEOTEXTSZ"),
        "CREATE TABLE c (a GEOTEXTSZ(10), b GEOTEXTSZ NOT NULL, c GEOTEXTSZ WITH EXTRA WORDS)",
        ("INSERT INTO c VALUES (?, ?, ?)", ("1;2", "3;4", "5;6")),
        "SELECT a, b, c FROM c",
        _unregister("GEOTEXTSZ"),
    ], connect_kwargs=DECLTYPES),
    Case("types_decltypes_case_insensitive", [
        _register("geotextlower"),
        "CREATE TABLE c (p GeoTextLower)",
        ("INSERT INTO c VALUES (?)", ("7;8",)),
        "SELECT p FROM c",
        _unregister("geotextlower"),
    ], connect_kwargs=DECLTYPES),
    Case("types_converter_receives_bytes", [
        _register("SEEBYTES", lambda b: (type(b).__name__, b)),
        "CREATE TABLE c (id INTEGER PRIMARY KEY, s SEEBYTES)",
        ("INSERT INTO c (s) VALUES (?)", (5,)),
        ("INSERT INTO c (s) VALUES (?)", (1.5,)),
        "SELECT s FROM c ORDER BY id",
        _unregister("SEEBYTES"),
    ], connect_kwargs=DECLTYPES),
    Case("types_decltypes_with_adapter_roundtrip", [
        _adapt_point,
        _register("GEOTEXTRT"),
        "CREATE TABLE c (p GEOTEXTRT)",
        ("INSERT INTO c VALUES (?)", (SurfTypesPoint(3, 4),)),
        "SELECT p FROM c",
        _unregister("GEOTEXTRT"),
    ], connect_kwargs=DECLTYPES),
    Case("types_colnames_converter", [
        _register("POINTCOL"),
        "SELECT '1;2' AS \"p [POINTCOL]\"",
        "SELECT '3;4' AS \"p [pointcol]\", 'x' AS plain",
        "SELECT NULL AS \"n [POINTCOL]\"",
        _description_names("SELECT '1;2' AS \"p [POINTCOL]\", 1 AS \"q [NOSUCHCONV]\""),
        _unregister("POINTCOL"),
    ], connect_kwargs=COLNAMES),
    Case("types_colnames_without_flag", [
        _register("POINTCOLNF"),
        "SELECT '1;2' AS \"p [POINTCOLNF]\"",
        _unregister("POINTCOLNF"),
    ]),
    Case("types_colnames_over_decltypes", [
        _register("GEOTEXTA"),
        _register("GEOTEXTB", lambda b: ("B", b)),
        "CREATE TABLE c (p GEOTEXTA)",
        ("INSERT INTO c VALUES (?)", ("1;2",)),
        "SELECT p FROM c",
        "SELECT p AS \"p [GEOTEXTB]\" FROM c",
        _unregister("GEOTEXTA"),
        _unregister("GEOTEXTB"),
    ], connect_kwargs=BOTH),
    Case("types_converter_raises", [
        _register("BADTEXTCONV", lambda b: 1 / 0),
        "CREATE TABLE c (p BADTEXTCONV)",
        "INSERT INTO c VALUES ('x')",
        "SELECT p FROM c",
        _unregister("BADTEXTCONV"),
    ], connect_kwargs=DECLTYPES),
    Case("types_default_date_adapters", [
        ("SELECT ?, ?", (datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5))),
        ("SELECT ?", (datetime.datetime(2024, 1, 2, 3, 4, 5, 678),)),
    ]),
    Case("types_default_date_converters", [
        "CREATE TABLE d (id INTEGER PRIMARY KEY, d DATE, ts TIMESTAMP)",
        ("INSERT INTO d (d, ts) VALUES (?, ?)",
         (datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5))),
        ("INSERT INTO d (d, ts) VALUES (?, ?)",
         (datetime.date(1999, 12, 31), datetime.datetime(1999, 12, 31, 23, 59, 59, 250000))),
        "SELECT d, ts FROM d ORDER BY id",
    ], connect_kwargs=DECLTYPES),
    Case("types_default_date_no_detect", [
        "CREATE TABLE d (d DATE, ts TIMESTAMP)",
        ("INSERT INTO d VALUES (?, ?)",
         (datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4, 5))),
        "SELECT d, ts FROM d",
    ]),
    Case("types_module_constants", [_module_constants]),
    Case("types_dbapi_constructors", [_dbapi_constructors]),
    Case("types_complete_statement", [
        lambda conn, module: (module.complete_statement("SELECT 1;"),
                              module.complete_statement("SELECT 1"),
                              module.complete_statement("SELECT ';")),
    ]),
]
