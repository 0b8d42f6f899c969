#!/usr/bin/env bash
# Install everything the tests need, then run them: the unit and differential tests (pytest) and
# the conformance scoreboard with its floors. Idempotent: installed pieces are skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e ".[test]"
python3 -c "import heliosdb_nano" || { echo "the Nano binding did not install" >&2; exit 1; }
# The heliosdb-nano CLI for the REPL transport: built once from crates.io (about 35 minutes on
# 2 cores), cached under ~/.cache/heliosdb_sqlite, skipped when present.
HELIOSDB_BIN="$(bash scripts/install_nano_cli.sh | tail -n 1)"
export HELIOSDB_BIN

# Daemon mode: a Nano server (the same CLI) and PostgreSQL 16 (pgserver's binaries) on loopback
# ports of their own, stopped on exit. Exports HELIOSDB_TEST_NANO_DSN and HELIOSDB_TEST_PG_DSN.
eval "$(python3 scripts/servers.py start)"
trap 'python3 scripts/servers.py stop' EXIT

# The differential corpus runs case by case on both servers too (differs.py lists what cannot
# match there, with the reason).
export HELIOSDB_TEST_DAEMON_CORPUS=1

status=0
python3 -m pytest tests || status=$?
python3 tests/sqlite_conformance/scoreboard.py --check-floors || status=$?
exit $status
