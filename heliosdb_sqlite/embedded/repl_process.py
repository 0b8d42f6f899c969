"""A `heliosdb-nano repl` child process and the framing that turns its console into request/response.

Every statement is written as one line followed by two meta commands:

    <statement>;
    \\hsq_e<N>          -> stderr: "ERROR: Unknown meta command: \\hsq_e<N>. ..."
    \\set hsq_m <N>     -> stdout: "Set hsq_m = <N>" and two note lines

The REPL handles lines in order on one thread; stderr is unbuffered and stdout is flushed per line,
so everything before the stdout marker is the statement's output, and everything before the stderr
marker (already in the pipe by then) its errors. stderr is drained by a thread, so a full pipe can
never block the child. No sleeps, no pattern polling. Measured facts: docs/repl-transport.md.
"""
from __future__ import annotations

import glob
import os
import queue
import shutil
import signal
import subprocess
import tempfile
import threading
import weakref
from typing import Iterable

NOTE_LINES = 2  # after "Set hsq_m = N": "Note: Use SQL SET ..." and "  SET hsq_m = N;"
STDERR_GRACE = 30.0  # seconds for a stderr marker that is already in the pipe


class ReplDied(RuntimeError):
    """The child exited; the message carries its exit status and last stderr lines."""


def find_binary() -> str | None:
    """The heliosdb-nano binary: $HELIOSDB_BIN / $HELIOSDB_BINARY, PATH, or the install cache."""
    for variable in ("HELIOSDB_BIN", "HELIOSDB_BINARY"):
        path = os.environ.get(variable)
        if path and os.access(path, os.X_OK):
            return path
    on_path = shutil.which("heliosdb-nano")
    if on_path:
        return on_path
    cache = os.environ.get("HELIOSDB_SQLITE_CACHE", os.path.expanduser("~/.cache/heliosdb_sqlite"))
    cached = sorted(glob.glob(os.path.join(cache, "nano-*", "bin", "heliosdb-nano")))
    return next((p for p in reversed(cached) if os.access(p, os.X_OK)), None)


def _environment() -> dict[str, str]:
    env = dict(os.environ)
    for variable in ("CLICOLOR_FORCE", "CLICOLOR"):
        env.pop(variable, None)
    # logs go to stdout unless off; TERM=dumb makes rustyline print a prompt before every line
    env.update(RUST_LOG="off", NO_COLOR="1", TERM="xterm")
    return env


class ReplProcess:
    def __init__(self, binary: str, data_dir: str | None) -> None:
        # rustyline keeps its history file in the cwd: a private one, removed on close
        self._home = tempfile.mkdtemp(prefix="hsq-repl-")
        args = [binary, "repl"] + (["--memory"] if data_dir is None else ["--data-dir", data_dir])
        self._proc = subprocess.Popen(
            args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
            cwd=self._home, env=_environment(), start_new_session=True)  # Ctrl-C is not for it
        self._errors: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=_drain, args=(self._proc.stderr, self._errors),
                         name="hsq-repl-stderr", daemon=True).start()
        self._finalizer = weakref.finalize(self, _reap, self._proc, self._home)
        self._n = 0
        self._lock = threading.Lock()  # one exchange at a time: threads share a database
        self._owner: int | None = None  # the thread inside an exchange
        self._deferred: list[str] = []  # statements from finalizers that ran mid-exchange
        self.died: str = ""
        # The banner ends where the first marker answers; "\timing" turns per-result timings off.
        self.exchange(["\\timing"])

    @property
    def alive(self) -> bool:
        return not self.died

    def exchange(self, lines: list[str]) -> list[tuple[list[str], list[str]]]:
        """Send statements (one line each) and return (stdout lines, stderr lines) for each.

        More than one line is pipelined: a writer thread feeds stdin while the answers are read,
        so neither pipe can fill up while the other side waits.
        """
        me = threading.get_ident()
        if self._owner == me:
            # Re-entered on this thread while an exchange is reading: a finalizer (an unclosed
            # connection's rollback) run by the garbage collector. Reading here would take the
            # outer statement's answer, so its statements run once the outer exchange is done.
            self._deferred.extend(lines)
            return [([], [])] * len(lines)
        with self._lock:
            self._owner = me
            try:
                return self._exchange(lines)
            finally:
                while self._deferred and not self.died:
                    pending, self._deferred = self._deferred, []
                    try:
                        self._exchange(pending)
                    except ReplDied:
                        break
                self._owner = None

    def _exchange(self, lines: list[str]) -> list[tuple[list[str], list[str]]]:
        if self.died:
            raise ReplDied(self.died)
        framed = []
        first = self._n + 1
        for line in lines:
            if not line.endswith(";") and not line.startswith("\\") or "\n" in line or "\r" in line:
                # the REPL would buffer it and swallow the markers: a hang, not an error
                raise ValueError(f"not a one-line statement: {line[:80]!r}")
            self._n += 1
            framed.append(f"{line}\n\\hsq_e{self._n}\n\\set hsq_m {self._n}\n")
        payload = "".join(framed).encode("utf-8")
        try:
            if len(lines) == 1:
                self._proc.stdin.write(payload)
                self._proc.stdin.flush()
            else:
                threading.Thread(target=self._write, args=(payload,), daemon=True).start()
        except OSError:
            self._dead()
        return [self._answer(n) for n in range(first, self._n + 1)]

    def _write(self, payload: bytes) -> None:
        try:
            self._proc.stdin.write(payload)
            self._proc.stdin.flush()
        except OSError:
            pass  # the reader sees EOF and reports the death

    def _answer(self, n: int) -> tuple[list[str], list[str]]:
        marker = f"Set hsq_m = {n}"
        out: list[str] = []
        readline = self._proc.stdout.readline
        while True:
            raw = readline()
            if not raw:
                self._dead()
            line = raw.rstrip(b"\n").decode("utf-8", "replace")
            if line == marker:
                break
            out.append(line)
        for _ in range(NOTE_LINES):
            if not readline():
                self._dead()
        err_marker = f"ERROR: Unknown meta command: \\hsq_e{n}."
        errors: list[str] = []
        while True:
            try:  # already written: the stderr marker precedes the stdout one
                line = self._errors.get(timeout=STDERR_GRACE)
            except queue.Empty:
                self._proc.kill()  # the framing is lost: nothing after this can be trusted
                line = None
            if line is None:
                self._dead()
            if line.startswith(err_marker):
                break
            errors.append(line)
        return out, errors

    def _dead(self) -> None:
        """The child is gone: record why, reap it, and raise."""
        try:
            status = self._proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            status = self._proc.wait()
        tail = []
        while True:
            try:
                line = self._errors.get(timeout=1)
            except queue.Empty:
                break
            if line is None:
                break
            if not line.startswith("ERROR: Unknown meta command: \\hsq_e"):
                tail.append(line)
        detail = " ".join(tail[-3:]).strip()
        self.died = (f"the heliosdb-nano repl process exited (status {status})"
                     + (f": {detail}" if detail else ""))
        self._finalizer()
        raise ReplDied(self.died)

    def close(self) -> None:
        self.died = self.died or "the heliosdb-nano repl process was closed"
        self._finalizer()


def _drain(stream, sink: queue.Queue) -> None:
    for raw in iter(stream.readline, b""):
        sink.put(raw.rstrip(b"\n").decode("utf-8", "replace"))
    sink.put(None)


def _reap(proc: subprocess.Popen, home: str) -> None:
    """End the child without leaving a zombie: EOF first (it rolls back and exits), then signals."""
    try:
        if proc.poll() is None:
            try:
                proc.stdin.close()
            except OSError:
                pass
            for stop in (None, signal.SIGTERM, signal.SIGKILL):
                if stop is not None:
                    try:
                        proc.send_signal(stop)
                    except OSError:
                        pass
                try:
                    proc.wait(timeout=5 if stop is None else 2)
                    break
                except subprocess.TimeoutExpired:
                    continue
        for stream in (proc.stdin, proc.stdout):
            try:
                stream.close()
            except OSError:
                pass
    finally:
        shutil.rmtree(home, ignore_errors=True)


def iter_data(lines: Iterable[str]) -> Iterable[str | None]:
    """The data cells of a one-column box table of JSON arrays; None for a NULL cell (the
    engine gives NULL when evaluating a RETURNING item fails)."""
    for line in lines:
        if line.startswith("│ ["):
            yield line[2:-1].rstrip(" ")
        elif line.startswith("│ NULL "):
            yield None
