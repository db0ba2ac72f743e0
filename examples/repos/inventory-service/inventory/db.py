"""Postgres access: a connection pool, migrations and the stock queries."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from psycopg_pool import ConnectionPool

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
_pool: ConnectionPool | None = None


def pool() -> ConnectionPool:
    global _pool
    if _pool is None:
        _pool = ConnectionPool(os.environ.get("DATABASE_URL", "postgresql://localhost/inventory"), min_size=1, max_size=5)
    return _pool


def migrate() -> list[str]:
    applied = []
    with pool().connection() as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY)")
        done = {row[0] for row in conn.execute("SELECT name FROM schema_migrations")}
        for script in sorted(MIGRATIONS.glob("*.sql")):
            if script.name in done:
                continue
            conn.execute(script.read_text())
            conn.execute("INSERT INTO schema_migrations (name) VALUES (%s)", (script.name,))
            applied.append(script.name)
    return applied


def available(sku: str) -> int:
    with pool().connection() as conn:
        row = conn.execute("SELECT on_hand - reserved FROM stock WHERE sku = %s", (sku,)).fetchone()
    return int(row[0]) if row else 0


if __name__ == "__main__" and sys.argv[1:] == ["migrate"]:
    for name in migrate():
        print(f"applied {name}")
