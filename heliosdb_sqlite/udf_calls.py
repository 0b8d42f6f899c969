"""Calling the application's functions, aggregates and collations as sqlite3's C module does.

What a callback returns becomes the SQLite value sqlite3 would store (`_pysqlite_set_result`), and
what it raises becomes what sqlite3 raises (`set_sqlite_error` in Modules/_sqlite/connection.c):
MemoryError stays a MemoryError, OverflowError is SQLite's "string or blob too big" (DataError),
anything else, even KeyboardInterrupt, an OperationalError with sqlite3's message. With
`enable_callback_tracebacks(True)` the original exception first goes to `sys.unraisablehook`,
with the callable (the aggregate class for aggregates) as the object.
"""
from __future__ import annotations

import operator
import sys
import traceback
import types
from typing import Any, Callable

from .exceptions import DataError, OperationalError, ProgrammingError, make_error

TRACEBACKS = [False]  # enable_callback_tracebacks(); connection.py re-exports it

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1
_MAX_LENGTH = 1_000_000_000  # SQLITE_MAX_LENGTH: longer text or blob results are "too big"


def unraisable(exc: BaseException, obj: Any, err_msg: str | None = None) -> None:
    """PyErr_WriteUnraisable(obj) for `exc`: the application's hook gets the usual fields; the
    default hook's report is written as it would write it."""
    hook = sys.unraisablehook
    try:
        if hook is sys.__unraisablehook__:
            if sys.stderr is not None:
                head = f"{err_msg or 'Exception ignored in'}: {obj!r}\n"
                sys.stderr.write(head + "".join(
                    traceback.format_exception(type(exc), exc, exc.__traceback__)))
        else:
            hook(types.SimpleNamespace(exc_type=type(exc), exc_value=exc,
                                       exc_traceback=exc.__traceback__, err_msg=err_msg,
                                       object=obj))
    except Exception:  # noqa: BLE001 - a failing hook is ignored, as CPython ignores it
        pass


def callback_error(exc: BaseException, obj: Any, message: str) -> BaseException:
    """The exception sqlite3 raises for a callback that raised `exc` (reported first when
    callback tracebacks are on)."""
    if TRACEBACKS[0]:
        unraisable(exc, obj)
    if isinstance(exc, MemoryError):
        return MemoryError()
    if isinstance(exc, OverflowError):
        return make_error(DataError, "string or blob too big", "SQLITE_TOOBIG")
    return make_error(OperationalError, message)


def sqlite_value(value: Any) -> Any:
    """The SQLite value for a callback's result, as `_pysqlite_set_result` makes it; raises what
    it raises for a value SQLite cannot hold."""
    if value is None:
        return None
    if isinstance(value, int):
        number = operator.index(value)  # bool and int subclasses are plain integers
        if not _INT64_MIN <= number <= _INT64_MAX:
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        return number
    if isinstance(value, float):
        real = float.__float__(value)
        return None if real != real else real  # NaN is NULL in SQLite
    if isinstance(value, str):
        text = str.__str__(value)
        if len(text) * 4 > _MAX_LENGTH and len(text.encode("utf-8")) > _MAX_LENGTH:
            raise OverflowError("string is longer than SQLITE_MAX_LENGTH")
        if not text.isascii():
            text.encode("utf-8")  # a lone surrogate is a UnicodeEncodeError, as in sqlite3
        return text
    try:
        view = memoryview(value)
    except TypeError:
        raise ProgrammingError(f"User-defined functions cannot return "
                               f"'{type(value).__name__}' values to SQLite") from None
    if not view.c_contiguous:
        raise BufferError("memoryview: underlying buffer is not C-contiguous")
    if view.nbytes > _MAX_LENGTH:
        raise OverflowError("BLOB longer than SQLITE_MAX_LENGTH")
    return view.tobytes()


def call_function(func: Any, args: list) -> Any:
    """A scalar function on one row's arguments (func_callback)."""
    try:
        return sqlite_value(func(*args))
    except BaseException as exc:  # noqa: BLE001 - sqlite3 turns every exception into an error
        err = callback_error(exc, func, "user-defined function raised exception")
    raise err


def _method_message(name: str, exc: BaseException) -> str:
    if isinstance(exc, AttributeError):
        return f"user-defined aggregate's '{name}' method not defined"
    return f"user-defined aggregate's '{name}' method raised error"


class Accumulator:
    """One aggregate context: the class is instantiated at the first call that needs an
    instance, as step_callback does, and finalized once."""

    __slots__ = ("cls", "instance")

    def __init__(self, cls: Any) -> None:
        self.cls = cls
        self.instance: Any = None

    def _get(self) -> Any:
        if self.instance is not None:
            return self.instance
        try:
            self.instance = self.cls()
            return self.instance
        except BaseException as exc:  # noqa: BLE001
            err = callback_error(exc, self.cls,
                                 "user-defined aggregate's '__init__' method raised error")
        raise err

    def call(self, name: str, args: list) -> None:
        """step() or inverse() with one row's arguments."""
        instance = self._get()
        try:
            method = getattr(instance, name)
        except BaseException as exc:  # noqa: BLE001
            err = callback_error(exc, self.cls, f"user-defined aggregate's '{name}' method not "
                                                "defined")
        else:
            try:
                method(*args)
                return
            except BaseException as exc:  # noqa: BLE001
                err = callback_error(exc, self.cls,
                                     f"user-defined aggregate's '{name}' method raised error")
        raise err

    def value(self) -> Any:
        """A window function's value() for the current frame."""
        instance = self._get()
        try:
            result = instance.value()
        except BaseException as exc:  # noqa: BLE001
            err = callback_error(exc, self.cls, _method_message("value", exc))
        else:
            try:
                return sqlite_value(result)
            except BaseException as exc:  # noqa: BLE001
                err = callback_error(exc, self.cls, "unable to set result from user-defined "
                                                    "aggregate's 'value' method")
        raise err

    def finalize(self) -> Any:
        """The aggregate's result: finalize(); NULL when no row was ever stepped."""
        instance, self.instance = self.instance, None
        if instance is None:
            return None
        try:
            return sqlite_value(instance.finalize())
        except BaseException as exc:  # noqa: BLE001
            err = callback_error(exc, self.cls, _method_message("finalize", exc))
        raise err

    def discard(self) -> None:
        """finalize() whose result SQLite drops (a window partition's end, or the clean-up of a
        failed statement): its errors are only reported."""
        try:
            self.finalize()
        except BaseException:  # noqa: BLE001 - already reported by callback_error
            pass


class CollationRun:
    """A registered collation during one sort. As in collation_callback, the first exception the
    callable raises makes every later comparison 'equal' and is raised once the sort is done;
    a result that is not an integer compares equal."""

    __slots__ = ("error", "func")

    def __init__(self, func: Callable[[str, str], Any]) -> None:
        self.func = func
        self.error: BaseException | None = None

    def __call__(self, a: str, b: str) -> int:
        if self.error is not None:
            return 0
        try:
            result = self.func(a, b)
        except BaseException as exc:  # noqa: BLE001
            self.error = exc
            return 0
        try:
            number = operator.index(result)
        except Exception:  # noqa: BLE001 - PyLong_AsLongAndOverflow failing: "equal"
            return 0
        return (number > 0) - (number < 0)
