#!/usr/bin/env python3
"""Start and stop the two daemon-mode servers the tests use, on loopback ports of their own.

    eval "$(python3 scripts/servers.py start)"   # exports HELIOSDB_TEST_NANO_DSN, HELIOSDB_TEST_PG_DSN
    python3 scripts/servers.py stop

- HeliosDB Nano: `heliosdb-nano start --memory` from the CLI that scripts/install_nano_cli.sh built.
- PostgreSQL 16: the PyPI package `pgserver` initialises the cluster (once, under the cache
  directory); pg_ctl then starts it on a TCP port (pgserver's own launcher listens on a Unix socket
  only).

Both are real servers; the tests also import NanoServer to restart one mid-session.
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import warnings

warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.environ.get("HELIOSDB_SQLITE_CACHE") or os.path.join(
    os.path.expanduser("~"), ".cache", "heliosdb_sqlite")
STATE_DIR = os.path.join(CACHE, "servers")
STATE = os.path.join(STATE_DIR, "state.json")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(port: int, user: str, database: str, seconds: float = 60.0) -> None:
    import pg8000.native

    deadline = time.monotonic() + seconds
    while True:
        try:
            pg8000.native.Connection(user, host="127.0.0.1", port=port, database=database,
                                     timeout=2).close()
            return
        except Exception as exc:  # noqa: BLE001 - not up yet
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server on port {port} did not come up: {exc}") from None
            time.sleep(0.1)


class NanoServer:
    """`heliosdb-nano start` on a port of its own, in memory or on a data directory."""

    def __init__(self, port: int | None = None, data_dir: str | None = None) -> None:
        sys.path.insert(0, ROOT)
        from heliosdb_sqlite.embedded.repl_process import find_binary

        self.binary = find_binary()
        if self.binary is None:
            raise RuntimeError("no heliosdb-nano binary: run scripts/install_nano_cli.sh")
        self.port = port or free_port()
        self.data_dir = data_dir  # None: in memory, gone when the server stops
        self.process: subprocess.Popen | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/heliosdb"

    def start(self, log_path: str | None = None) -> "NanoServer":
        log = open(log_path or os.devnull, "ab")
        self.process = subprocess.Popen(
            [self.binary, "start", *(["--data-dir", self.data_dir] if self.data_dir else ["--memory"]),
             "--port", str(self.port), "--http-port", "0"],
            stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        wait_for(self.port, "postgres", "heliosdb")
        return self

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self.process = None


def _postgres(data: str):
    """pgserver's handle on a cluster. Constructing it initialises `data` when new (as its own
    system user when this runs as root, which initdb refuses) and starts the server on a Unix
    socket; it knows that user for pg_ctl."""
    import pathlib
    import warnings

    warnings.filterwarnings("ignore", message=".*XDG_RUNTIME_DIR")
    from pgserver.postgres_server import PostgresServer

    os.makedirs(data, exist_ok=True)
    return PostgresServer(pathlib.Path(data), cleanup_mode=None)


def _pg_ctl(data: str, user: str | None, args: list[str]) -> None:
    from pgserver._commands import pg_ctl

    pg_ctl(args, pgdata=data, user=user, timeout=60)


def start_postgres(port: int) -> str:
    """Initialise (once) and start, then restart on a TCP port of our own."""
    data = os.path.join(STATE_DIR, "pgdata")
    user = _postgres(data).system_user
    _pg_ctl(data, user, ["-w", "-m", "fast", "stop"])
    _pg_ctl(data, user, ["-w", "-l", os.path.join(data, "server.log"),
                         "-o", f"-h 127.0.0.1 -p {port} -k {data}", "start"])
    wait_for(port, "postgres", "postgres")
    return data


def stop_postgres(data: str) -> None:
    from pgserver._commands import pg_ctl

    try:
        user = "pgserver" if os.geteuid() == 0 else None
        pg_ctl(["-w", "-m", "fast", "stop"], pgdata=data, user=user, timeout=60)
    except Exception:  # noqa: BLE001 - not running
        pass


def start() -> dict:
    os.makedirs(STATE_DIR, exist_ok=True)
    stop(quiet=True)
    # on disk: an in-memory Nano 4.31 server keeps the memory of dropped tables, and the suites'
    # create-and-drop churn reaches its 1 GB per-user limit ("Memory limit exceeded")
    nano_data = os.path.join(STATE_DIR, "nanodata")
    shutil.rmtree(nano_data, ignore_errors=True)
    nano = NanoServer(data_dir=nano_data).start(os.path.join(STATE_DIR, "nano.log"))
    state = {"nano_pid": nano.process.pid, "nano_dsn": nano.dsn}
    pg_port = free_port()
    state["pg_data"] = start_postgres(pg_port)
    state["pg_dsn"] = f"postgresql://postgres@127.0.0.1:{pg_port}/postgres"
    with open(STATE, "w") as f:
        json.dump(state, f)
    return state


def stop(quiet: bool = False) -> None:
    try:
        with open(STATE) as f:
            state = json.load(f)
    except (OSError, ValueError):
        return
    pid = state.get("nano_pid")
    if pid:
        try:
            os.killpg(pid, signal.SIGKILL)
        except OSError:
            pass
    if state.get("pg_data"):
        stop_postgres(state["pg_data"])
    os.remove(STATE)
    if not quiet:
        print("servers stopped", file=sys.stderr)


def main() -> None:
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "start":
        state = start()
        print(f"export HELIOSDB_TEST_NANO_DSN={state['nano_dsn']}")
        print(f"export HELIOSDB_TEST_PG_DSN={state['pg_dsn']}")
    elif command == "stop":
        stop()
    else:
        sys.exit("usage: servers.py start|stop")


if __name__ == "__main__":
    main()
