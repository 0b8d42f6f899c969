"""SQLite type affinity (https://sqlite.org/datatype3.html §3.1) and the engine type chosen for it.

One table: a declared type's affinity decides the engine column type, chosen so the engine holds
what SQLite would store and hands back the same storage class.
"""
from __future__ import annotations

INTEGER, TEXT, BLOB, REAL, NUMERIC = "INTEGER", "TEXT", "BLOB", "REAL", "NUMERIC"


def affinity(decltype: str) -> str:
    """SQLite's five rules, in SQLite's order, on the declared type's text."""
    t = decltype.upper()
    if "INT" in t:
        return INTEGER
    if "CHAR" in t or "CLOB" in t or "TEXT" in t:
        return TEXT
    if "BLOB" in t or not t.strip():
        return BLOB
    if "REAL" in t or "FLOA" in t or "DOUB" in t:
        return REAL
    return NUMERIC


# Engine column type per affinity, per dialect. INTEGER must be 64-bit and REAL a double (Nano's
# INTEGER/REAL are 32-bit). NUMERIC holds numbers as doubles and gives back integral values as ints.
# Typeless and BLOB-declared columns differ: SQLite keeps any storage class there; we keep text
# (typeless) or bytes (BLOB), see docs/compatibility.md.
ENGINE_TYPES: dict[str, dict[str, str]] = {
    "nano": {INTEGER: "BIGINT", TEXT: "TEXT", REAL: "DOUBLE PRECISION", NUMERIC: "DOUBLE PRECISION"},
    "postgres": {INTEGER: "BIGINT", TEXT: "TEXT", REAL: "DOUBLE PRECISION",
                 NUMERIC: "DOUBLE PRECISION"},
}

# NUMERIC-affinity types whose columns hold only numbers in practice (kept as doubles).
_NUMBER_TYPES = ("DEC", "NUMERIC", "NUMBER", "MONEY")


def is_dynamic(decltype: str) -> bool:
    """Columns where SQLite keeps whatever class is stored: typeless ones, and NUMERIC-affinity
    ones that are not plainly numbers (DATETIME, 'str', 'foo'...). The engine holds them as
    text written in SQLite's canonical form (see values.COERCIONS and values.dynamic_value)."""
    aff = affinity(decltype)
    upper = decltype.upper()
    if aff == BLOB:
        return "BLOB" not in upper
    if aff == NUMERIC:
        return not upper.startswith("BOOL") and not any(w in upper for w in _NUMBER_TYPES)
    return False


def engine_type(decltype: str, dialect: str) -> str:
    if is_dynamic(decltype):
        return "TEXT"
    aff = affinity(decltype)
    if aff == BLOB:
        return "BYTEA"
    if aff == NUMERIC and decltype.upper().startswith("BOOL"):
        return "BIGINT"  # SQLite stores True/False as 1/0
    return ENGINE_TYPES[dialect][aff]
