"""Porting tools: `python -m heliosdb_sqlite import|export|inspect`.

import  SRC          copy an SQLite file into HeliosDB Nano (SRC.helios); SRC is only read
export  DB OUT       write a heliosdb_sqlite database out as a new SQLite file (the way back)
inspect DB           tables, row counts and columns of a heliosdb_sqlite database
"""
from __future__ import annotations

import argparse
import os
import sqlite3 as stdlib
import sys

from .connection import Connection
from .storage import DATA_SUFFIX


def import_sqlite(src: str) -> str:
    if not os.path.isfile(src):
        raise SystemExit(f"no SQLite file at {src!r}")
    if os.path.exists(os.path.abspath(src) + DATA_SUFFIX):
        raise SystemExit(f"{src + DATA_SUFFIX!r} exists already; remove it to import again")
    source = stdlib.connect(f"file:{os.path.abspath(src)}?mode=ro", uri=True)
    target = Connection(src, isolation_level=None, _beside_sqlite=True)
    try:
        target.executescript("\n".join(source.iterdump()))
    except Exception:
        target.close()
        import shutil
        shutil.rmtree(os.path.abspath(src) + DATA_SUFFIX, ignore_errors=True)
        raise
    finally:
        source.close()
    target.close()
    return os.path.abspath(src) + DATA_SUFFIX


def export_sqlite(db: str, out: str) -> None:
    if os.path.exists(out):
        raise SystemExit(f"{out!r} exists; export writes a new SQLite file only")
    source = Connection(db, uri=db.startswith("file:"))
    target = stdlib.connect(out)
    try:
        source.backup(target)
    finally:
        source.close()
        target.close()


def inspect(db: str) -> list[str]:
    conn = Connection(db)
    lines = []
    try:
        for name, in conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").fetchall():
            count = conn.execute(f'SELECT count(*) FROM "{name}"').fetchone()[0]
            cols = ", ".join(f"{r[1]} {r[2]}".strip()
                             for r in conn.execute(f'PRAGMA table_info("{name}")'))
            lines.append(f"{name}: {count} rows ({cols})")
    finally:
        conn.close()
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="heliosdb-sqlite", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("import", help="copy an SQLite file into HeliosDB Nano")
    p.add_argument("src")
    p = sub.add_parser("export", help="write a database out as a new SQLite file")
    p.add_argument("db")
    p.add_argument("out")
    p = sub.add_parser("inspect", help="list tables, row counts and columns")
    p.add_argument("db")
    args = parser.parse_args(argv)
    if args.command == "import":
        print(f"imported into {import_sqlite(args.src)}")
    elif args.command == "export":
        export_sqlite(args.db, args.out)
        print(f"exported to {args.out}")
    else:
        print("\n".join(inspect(args.db)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
