#!/usr/bin/env bash
# The main job on the embedded default: install the package and run a sqlite3 app on Nano,
# with no configuration (no environment variables).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install -q -e .
python3 examples/drop_in.py
