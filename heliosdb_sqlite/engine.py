"""The engine seam: what every transport implements, and nothing above it knows more.

A transport runs engine SQL with `$n` parameters and returns rows as tuples in select-list order.
Transaction state lives in the engine; the connection decides when to begin and end.
"""
from __future__ import annotations

from typing import Any, NamedTuple, Protocol, Sequence


class Result(NamedTuple):
    columns: list[str] | None  # engine column names, when the transport knows them
    rows: list[tuple]
    rowcount: int  # affected rows for DML, -1 for queries


class Engine(Protocol):
    dialect: str  # "nano" or "postgres"

    def query(self, sql: str, params: Sequence[Any]) -> Result:
        """Run a statement that returns rows."""

    def execute(self, sql: str, params: Sequence[Any]) -> int:
        """Run a statement that returns no rows; the affected row count."""

    def execute_many(self, sql: str, rows: Sequence[Sequence[Any]]) -> int:
        """One statement over many parameter rows, as one batch; the summed affected rows."""

    def close(self) -> None:
        """Release the engine."""
