"""Evaluation results in SQLite in the user data dir: one row per run, one per scored task."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

DB_NAME = "eval.db"
SCHEMA = """
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY,
    repo TEXT NOT NULL,
    model TEXT NOT NULL,
    kinds TEXT NOT NULL,
    started_at REAL NOT NULL,
    finished_at REAL,
    head TEXT,
    version TEXT
);
CREATE TABLE IF NOT EXISTS results (
    run_id INTEGER NOT NULL REFERENCES runs(id),
    task_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    sha TEXT NOT NULL,
    commit_time INTEGER,
    status TEXT NOT NULL,
    score REAL,
    reason TEXT,
    details TEXT,
    input_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    model_s REAL NOT NULL DEFAULT 0,
    work_s REAL NOT NULL DEFAULT 0,
    cost_usd REAL,
    finished_at REAL NOT NULL,
    PRIMARY KEY (run_id, task_id)
);
"""


def db_path() -> Path:
    from llmdev.usage.store import data_dir

    return data_dir() / DB_NAME


def connect(path: Path | None = None) -> sqlite3.Connection:
    path = path or db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    connection = sqlite3.connect(path, timeout=10)
    connection.executescript(SCHEMA)
    return connection


@dataclass
class Run:
    id: int
    repo: str
    model: str
    kinds: list[str]
    started_at: float
    finished_at: float | None = None


@dataclass
class Result:
    """One task scored for one model; `score` is None unless status is "ok"."""

    task_id: str
    kind: str
    sha: str
    commit_time: int
    status: str  # ok | skipped | error
    score: float | None = None
    reason: str = ""
    details: dict[str, Any] = field(default_factory=dict)
    input_tokens: int = 0
    output_tokens: int = 0
    model_s: float = 0.0  # waiting for the model
    work_s: float = 0.0  # everything else: checkout, index, context, prompt, scoring
    cost_usd: float | None = 0.0


RESULT_COLUMNS = ("task_id", "kind", "sha", "commit_time", "status", "score", "reason", "details",
                  "input_tokens", "output_tokens", "model_s", "work_s", "cost_usd")


def open_run(repo: str, model: str, kinds: Iterable[str], *, fresh: bool, head: str | None, version: str) -> tuple[Run, set[str]]:
    """The unfinished run for this repository, model and kinds to resume (with the tasks it has done;
    those that failed with a model error are done again), or a new one."""
    kinds_text = ",".join(sorted(kinds))
    with closing(connect()) as db, db:
        row = db.execute(
            "SELECT id, started_at FROM runs WHERE repo = ? AND model = ? AND kinds = ? AND finished_at IS NULL "
            "ORDER BY id DESC LIMIT 1", (repo, model, kinds_text),
        ).fetchone()
        if row is not None and not fresh:
            done = {r[0] for r in db.execute("SELECT task_id FROM results WHERE run_id = ? AND status != 'error'", (row[0],))}
            return Run(row[0], repo, model, sorted(kinds), row[1]), done
        now = time.time()
        cursor = db.execute(
            "INSERT INTO runs (repo, model, kinds, started_at, head, version) VALUES (?, ?, ?, ?, ?, ?)",
            (repo, model, kinds_text, now, head, version),
        )
        return Run(int(cursor.lastrowid or 0), repo, model, sorted(kinds), now), set()


def save_result(run: Run, result: Result) -> None:
    values = [getattr(result, name) for name in RESULT_COLUMNS]
    values[RESULT_COLUMNS.index("details")] = json.dumps(result.details)
    with closing(connect()) as db, db:
        db.execute(
            f"INSERT OR REPLACE INTO results (run_id, {', '.join(RESULT_COLUMNS)}, finished_at) "
            f"VALUES (?, {', '.join('?' for _ in RESULT_COLUMNS)}, ?)",
            [run.id, *values, time.time()],
        )


def finish_run(run: Run) -> None:
    with closing(connect()) as db, db:
        db.execute("UPDATE runs SET finished_at = ? WHERE id = ?", (time.time(), run.id))


def load_runs(repo: str | None = None, since: float | None = None) -> list[tuple[Run, list[Result]]]:
    """Runs (oldest first) with their results, for one repository or all."""
    path = db_path()
    if not path.is_file():
        return []
    query = "SELECT id, repo, model, kinds, started_at, finished_at FROM runs WHERE started_at >= ?"
    params: list[Any] = [since or 0.0]
    if repo is not None:
        query += " AND repo = ?"
        params.append(repo)
    with closing(connect(path)) as db:
        runs = [Run(r[0], r[1], r[2], r[3].split(","), r[4], r[5]) for r in db.execute(query + " ORDER BY started_at, id", params)]
        return [(run, _results(db, run.id)) for run in runs]


def _results(db: sqlite3.Connection, run_id: int) -> list[Result]:
    rows = db.execute(f"SELECT {', '.join(RESULT_COLUMNS)} FROM results WHERE run_id = ? ORDER BY finished_at", (run_id,))
    results = []
    for row in rows:
        data = dict(zip(RESULT_COLUMNS, row))
        data["details"] = json.loads(data["details"] or "{}")
        data["reason"] = data["reason"] or ""
        results.append(Result(**data))
    return results
