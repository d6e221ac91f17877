"""The usage log: one SQLite row per model call, in the user data dir."""

from __future__ import annotations

import time
import uuid
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import sqlite3

DB_NAME = "usage.db"
SCHEMA_VERSION = 2  # 2: `estimated`
RUN_ID = uuid.uuid4().hex[:12]  # one llmdev process: what a per-run budget counts

CREATE = """
CREATE TABLE IF NOT EXISTS calls (
    id INTEGER PRIMARY KEY,
    started_at REAL NOT NULL,
    day TEXT NOT NULL,
    run_id TEXT NOT NULL,
    repo TEXT,
    command TEXT NOT NULL,
    model TEXT NOT NULL,
    backend TEXT NOT NULL,
    remote INTEGER NOT NULL,
    input_tokens INTEGER NOT NULL,
    cached_input_tokens INTEGER NOT NULL,
    output_tokens INTEGER NOT NULL,
    duration_s REAL NOT NULL,
    first_token_s REAL,
    cost_usd REAL,
    ok INTEGER NOT NULL,
    error TEXT,
    content_sha256 TEXT,
    estimated INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS calls_started ON calls (started_at);
"""


def data_dir() -> Path:
    """Where llmdev keeps its own data: LLMDEV_DATA_DIR, or the platform's user data dir."""
    from llmdev.config.loader import user_data_dir

    return user_data_dir()


def db_path() -> Path:
    return data_dir() / DB_NAME


@dataclass
class UsageRow:
    """One model call as logged."""

    started_at: float
    day: str  # local date, YYYY-MM-DD
    run_id: str
    repo: str | None
    command: str
    model: str
    backend: str
    remote: bool
    input_tokens: int
    cached_input_tokens: int
    output_tokens: int
    duration_s: float
    first_token_s: float | None
    cost_usd: float | None  # None: a remote model with no price in [prices]
    ok: bool
    error: str | None = None
    content_sha256: str | None = None
    estimated: bool = False  # the server reported no token counts; these are llmdev's estimates


def local_day(timestamp: float) -> str:
    return time.strftime("%Y-%m-%d", time.localtime(timestamp))


def connect(path: Path | None = None) -> "sqlite3.Connection":
    """Open (creating if needed) the usage database."""
    import sqlite3

    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.executescript(CREATE)
    _upgrade(connection)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    return connection


def _upgrade(connection: "sqlite3.Connection") -> None:
    """Add the columns a database written by an older llmdev lacks; its rows keep their values."""
    columns = {row[1] for row in connection.execute("PRAGMA table_info(calls)")}
    if "estimated" not in columns:
        connection.execute("ALTER TABLE calls ADD COLUMN estimated INTEGER NOT NULL DEFAULT 0")


def insert(row: UsageRow, path: Path | None = None) -> None:
    names = [f.name for f in fields(UsageRow)]
    values = asdict(row)
    with connect(path) as connection:
        connection.execute(
            f"INSERT INTO calls ({', '.join(names)}) VALUES ({', '.join('?' for _ in names)})",
            [values[n] for n in names],
        )
    connection.close()


def read(since: float | None = None, path: Path | None = None) -> list[UsageRow]:
    """Logged calls, oldest first, optionally only those started at or after `since`."""
    path = path or db_path()
    if not path.is_file():
        return []
    names = [f.name for f in fields(UsageRow)]
    connection = connect(path)
    try:
        cursor = connection.execute(
            f"SELECT {', '.join(names)} FROM calls WHERE started_at >= ? ORDER BY started_at", (since or 0.0,)
        )
        rows = [UsageRow(**dict(zip(names, record))) for record in cursor]
    finally:
        connection.close()
    for row in rows:
        row.remote, row.ok, row.estimated = bool(row.remote), bool(row.ok), bool(row.estimated)
    return rows


def spent(since: float = 0.0, run_id: str | None = None, path: Path | None = None) -> float:
    """USD spent on calls started at or after `since`, optionally by one run (unpriced calls count 0)."""
    path = path or db_path()
    if not path.is_file():
        return 0.0
    query = "SELECT COALESCE(SUM(cost_usd), 0) FROM calls WHERE started_at >= ?"
    params: list[object] = [since]
    if run_id is not None:
        query += " AND run_id = ?"
        params.append(run_id)
    connection = connect(path)
    try:
        (total,) = connection.execute(query, params).fetchone()
    finally:
        connection.close()
    return float(total)


def start_of_today(now: float | None = None) -> float:
    local = time.localtime(now if now is not None else time.time())
    return time.mktime((local.tm_year, local.tm_mon, local.tm_mday, 0, 0, 0, 0, 0, -1))
