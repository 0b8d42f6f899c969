"""Window functions registered with create_window_function, evaluated over a query's rows.

Frames: ROWS with UNBOUNDED / N PRECEDING / CURRENT ROW / N FOLLOWING bounds, and RANGE with
UNBOUNDED and CURRENT ROW bounds (the default frame, whose CURRENT ROW takes in the row's peers).
The calls come in SQLite's order: one instance per partition, step() as rows enter the frame and
inverse() as they leave it (leaving first), value() for each row (once per peer group in a RANGE
frame), and at the partition's end finalize(), whose errors SQLite only reports.
"""
from __future__ import annotations

import functools
from typing import Any, NamedTuple

from .exceptions import OperationalError, make_error
from .udf_calls import Accumulator
from .udf_order import Term, compare_rows


class Bound(NamedTuple):
    kind: str  # "unbounded", "preceding", "following" or "current"
    offset: Any = None  # rows before/after: an int, or ("param", N) until the values are bound


class Frame(NamedTuple):
    rows: bool  # ROWS; else RANGE
    start: Bound
    end: Bound


DEFAULT_FRAME = Frame(False, Bound("unbounded"), Bound("current"))
WHOLE_PARTITION = Frame(False, Bound("unbounded"), Bound("unbounded"))


class Window(NamedTuple):
    """One window function item, with positions in the query's rows."""
    cls: Any
    args: tuple[int, ...]
    partition: tuple[int, ...]
    order: tuple[Term, ...]
    frame: Frame


def bind_frame(frame: Frame, values: list) -> Frame:
    """The frame with parameter offsets replaced by their values (SQLite's checks included)."""
    def bound(b: Bound, which: str) -> Bound:
        offset = b.offset
        if isinstance(offset, tuple):
            offset = values[offset[1] - 1]
        if b.kind in ("preceding", "following") and not (type(offset) is int and offset >= 0):
            raise make_error(OperationalError,
                             f"frame {which} offset must be a non-negative integer")
        return Bound(b.kind, offset)
    return Frame(frame.rows, bound(frame.start, "starting"), bound(frame.end, "ending"))


def evaluate(window: Window, rows: list) -> tuple[list, list[int]]:
    """The value of the window function for each row, and the order SQLite visits the rows in
    (partitions, then the window's ORDER BY), which is the output order without an ORDER BY."""
    partition = [Term(i, False, True) for i in window.partition]
    keys = partition + list(window.order)
    order = list(range(len(rows)))
    if keys:
        order.sort(key=functools.cmp_to_key(
            lambda a, b: compare_rows(rows[a], rows[b], keys)))
    results: list = [None] * len(rows)
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and not compare_rows(rows[order[start]], rows[order[end]],
                                                     partition):
            end += 1
        _partition(window, rows, order[start:end], results)
        start = end
    return results, order


def _partition(window: Window, rows: list, members: list[int], results: list) -> None:
    n = len(members)
    peer_start, peer_end = _peers(window, rows, members)
    frame = window.frame
    args = window.args
    acc = Accumulator(window.cls)
    low = high = 0  # the rows stepped into the aggregate: members[low:high]
    value = None
    try:
        for i in range(n):
            start, end = _bounds(frame, i, n, peer_start[i], peer_end[i])
            for r in range(low, min(start, high)):
                acc.call("inverse", [rows[members[r]][j] for j in args])
            low = max(low, start)
            high = max(high, low)
            for r in range(high, end):
                acc.call("step", [rows[members[r]][j] for j in args])
            high = max(high, end)
            if frame.rows or not i or peer_start[i] != peer_start[i - 1]:
                value = acc.value()
            results[members[i]] = value
    except BaseException:
        acc.discard()  # SQLite finalizes the context when the failed statement is reset
        raise
    acc.discard()


def _peers(window: Window, rows: list, members: list[int]) -> tuple[list[int], list[int]]:
    """For each position, where its peer group (rows equal in the window's ORDER BY) starts and
    ends; without an ORDER BY the whole partition is one group."""
    n = len(members)
    starts = [0] * n
    ends = [n] * n
    if not window.order:
        return starts, ends
    group = 0
    for i in range(1, n):
        if compare_rows(rows[members[i - 1]], rows[members[i]], window.order):
            for k in range(group, i):
                ends[k] = i
            group = i
        starts[i] = group
    return starts, ends


def _bounds(frame: Frame, i: int, n: int, peer_start: int, peer_end: int) -> tuple[int, int]:
    start, end = frame.start, frame.end
    if start.kind == "unbounded":
        lo = 0
    elif start.kind == "current":
        lo = i if frame.rows else peer_start
    elif start.kind == "preceding":
        lo = i - start.offset
    else:
        lo = i + start.offset
    if end.kind == "unbounded":
        hi = n
    elif end.kind == "current":
        hi = i + 1 if frame.rows else peer_end
    elif end.kind == "preceding":
        hi = i - end.offset + 1
    else:
        hi = i + end.offset + 1
    return max(0, min(lo, n)), max(0, min(hi, n))
