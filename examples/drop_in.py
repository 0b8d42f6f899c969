"""A sqlite3 application, ported by changing its import line. Run: python examples/drop_in.py"""
import os
import tempfile

import heliosdb_sqlite as sqlite3

SCHEMA = """
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    path TEXT UNIQUE NOT NULL,
    size INTEGER DEFAULT 0
);
CREATE TABLE IF NOT EXISTS notes (
    id INTEGER PRIMARY KEY,
    file_id INTEGER REFERENCES files(id),
    body TEXT
);
"""


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "app.db")
        conn = sqlite3.connect(path)
        conn.executescript(SCHEMA)
        conn.execute("PRAGMA foreign_keys = ON")
        for size in (10, 20):
            cur = conn.execute("INSERT OR REPLACE INTO files (path, size) VALUES (?, ?)",
                               ("/srv/a.txt", size))
        assert cur.lastrowid == 2, cur.lastrowid
        conn.execute("INSERT INTO notes (file_id, body) VALUES (?, ?)", (cur.lastrowid, "hi"))
        conn.commit()
        tables = [r[0] for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        columns = [r[1] for r in conn.execute("PRAGMA table_info(files)")]
        conn.close()

        conn = sqlite3.connect(path)  # reopen: the data is on disk in app.db.helios
        conn.row_factory = sqlite3.Row
        row = conn.execute("SELECT id, path, size FROM files").fetchone()
        print(f"backend:  {sqlite3.BACKEND}")
        print(f"tables:   {tables}")
        print(f"columns:  {columns}")
        print(f"row:      id={row['id']} path={row['path']} size={row['size']}")
        assert (row["id"], row["size"]) == (2, 20) and columns == ["id", "path", "size"]
        conn.close()
        print("drop-in smoke test passed")


if __name__ == "__main__":
    main()
