"""The engine seam: what every transport implements, and nothing above it knows more.

A transport runs engine SQL with `$n` parameters and returns rows as tuples in select-list order.
Transaction state lives in the engine; the connection decides when to begin and end.
"""
from __future__ import annotations

import re
from typing import Any, NamedTuple, Protocol, Sequence

# Nano rewrites some SQLite spellings in the statement text before it parses it, inside string
# literals too (src/sql/sqlite_compat.rs in 4.31): a literal that holds one must not spell it
# plainly. `shield` writes the first character of each as a U&'' escape.
# No word boundaries here: the engine finds some where Python does not (after 'é', say), and
# breaking up a spelling that would not have been rewritten costs nothing.
ENGINE_TEXT_REWRITES = (r"INTEGER\s+PRIMARY\s+KEY\s+AUTOINCREMENT"
                        r"|INSERT\s+OR\s+(?:IGNORE|REPLACE)\s+INTO")
_REWRITTEN = re.compile(ENGINE_TEXT_REWRITES, re.I)


def needs_shield(text: str, pattern: re.Pattern = _REWRITTEN) -> bool:
    return pattern.search(text) is not None


def escape_char(ch: str) -> str:
    code = ord(ch)
    return f"\\{code:04x}" if code < 0x10000 else f"\\+{code:06x}"


_NOT_PLAIN = re.compile(r"[^\x20-\x7e]")  # Nano reads raw non-ASCII in U&'' as Latin-1 bytes


def unicode_body(text: str, pattern: re.Pattern = _REWRITTEN) -> str:
    """The body of a U&'' literal for `text`, quotes not yet doubled: backslashes doubled, every
    character outside printable ASCII escaped, and each spelling the engine would rewrite
    broken up by escaping its first letter."""
    body = _NOT_PLAIN.sub(lambda m: escape_char(m.group()), text.replace("\\", "\\\\"))
    return pattern.sub(lambda m: escape_char(m.group()[0]) + m.group()[1:], body)


class Result(NamedTuple):
    columns: list[str] | None  # engine column names, when the transport knows them
    rows: list[tuple]
    rowcount: int  # affected rows for DML, -1 for queries


class Engine(Protocol):
    dialect: str  # "nano" or "postgres"

    def query(self, sql: str, params: Sequence[Any]) -> Result:
        """Run a statement that returns rows."""

    def rows_with(self, sql: str, params: Sequence[Any]) -> list[tuple]:
        """query()'s rows alone, for a caller that knows the result's columns."""

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        """Run a statement that returns no rows; the affected row count."""

    def execute_with(self, sql: str, params: Sequence[Any]) -> int:
        """execute() when `params` is not empty (the hot path's call: an engine may make it
        its native method directly)."""

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """One statement over many parameter rows, as one batch; the summed affected rows."""

    def close(self) -> None:
        """Release the engine."""
