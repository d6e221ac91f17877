"""The usage database: rows in, rows out, sums for budgets."""

from __future__ import annotations

import time

from llmdev.usage.store import RUN_ID, UsageRow, data_dir, db_path, insert, local_day, read, spent, start_of_today


def _row(started_at: float, cost: float | None = 0.01, run_id: str = RUN_ID, **changes: object) -> UsageRow:
    values: dict[str, object] = dict(
        started_at=started_at, day=local_day(started_at), run_id=run_id, repo="/r", command="ask", model="openai/gpt-4o",
        backend="openai", remote=True, input_tokens=100, cached_input_tokens=0, output_tokens=10, duration_s=1.5,
        first_token_s=0.2, cost_usd=cost, ok=True,
    )
    values.update(changes)
    return UsageRow(**values)  # type: ignore[arg-type]


def test_rows_round_trip_in_the_data_dir() -> None:
    now = time.time()
    insert(_row(now, ok=False, error="boom"))
    assert db_path().parent == data_dir()
    (row,) = read()
    assert row == _row(now, ok=False, error="boom")
    assert isinstance(row.remote, bool) and isinstance(row.ok, bool)


def test_spent_counts_since_a_time_and_by_run() -> None:
    now = time.time()
    insert(_row(now - 3 * 86400, cost=5.0))
    insert(_row(now, cost=0.25))
    insert(_row(now, cost=None))
    insert(_row(now, cost=0.5, run_id="another-run"))
    assert spent(start_of_today(now)) == 0.75
    assert spent(run_id=RUN_ID) == 5.25
    assert [r.cost_usd for r in read(now - 60)] == [0.25, None, 0.5]


def test_an_absent_database_has_spent_nothing() -> None:
    assert spent() == 0 and read() == [] and not db_path().exists()


def test_estimated_counts_are_kept_and_an_old_database_gains_the_column() -> None:
    import sqlite3

    from llmdev.usage.store import CREATE

    path = db_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    old = sqlite3.connect(path)
    old.executescript(CREATE.replace(",\n    estimated INTEGER NOT NULL DEFAULT 0", ""))
    old.close()
    insert(_row(time.time(), estimated=True))
    insert(_row(time.time()))
    assert [r.estimated for r in read()] == [True, False]
