#!/usr/bin/env bash
# Build the `heliosdb-nano` CLI (REPL + server) from crates.io once, into a cache, and skip when present.
# The version is pinned to the PyPI binding's (heliosdb-nano-embedded) so every transport runs one engine.
# Prints the binary's path on its last line.
set -euo pipefail
NANO_VERSION="${HELIOSDB_NANO_VERSION:-4.31.1}"
CACHE="${HELIOSDB_SQLITE_CACHE:-$HOME/.cache/heliosdb_sqlite}"
ROOT="$CACHE/nano-$NANO_VERSION"
BIN="$ROOT/bin/heliosdb-nano"
if [ -x "$BIN" ]; then
  echo "$BIN"
  exit 0
fi
# RocksDB's bindings are generated with bindgen, which needs libclang; the C++ build needs a compiler.
# (libclang-cpp, which Debian ships without it, is not what bindgen loads)
if ! ls /usr/lib/llvm-*/lib/libclang.so* /usr/lib/llvm-*/lib/libclang-[0-9]*.so* >/dev/null 2>&1; then
  if command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >&2
    apt-get install -y -qq clang libclang-dev >&2
  else
    echo "install_nano_cli: libclang is missing and apt-get is not available" >&2
    exit 1
  fi
fi
mkdir -p "$ROOT"
# The manifest asks for fat LTO and one codegen unit; on 2 cores that takes far too long.
# A target dir inside the cache lets an interrupted build resume where it stopped.
CARGO_PROFILE_RELEASE_LTO=false \
CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 \
CARGO_PROFILE_RELEASE_DEBUG=0 \
CARGO_TARGET_DIR="$CACHE/nano-target" \
  cargo install heliosdb-nano --version "=$NANO_VERSION" --locked --root "$ROOT" >&2
[ -x "$BIN" ] || { echo "install_nano_cli: build finished but $BIN is missing" >&2; exit 1; }
echo "$BIN"
