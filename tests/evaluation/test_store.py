"""The results database: runs resume where they stopped; failed tasks are done again."""

from __future__ import annotations

from llmdev.evaluation.store import Result, db_path, finish_run, load_runs, open_run, save_result


def _result(task_id: str, status: str = "ok", score: float | None = 0.5) -> Result:
    return Result(task_id, "review", "abc", 1700000000, status, score, details={"hit": ["a.py:1-2"]}, cost_usd=0.01)


def test_an_unfinished_run_is_resumed_without_the_tasks_that_failed(isolated_env) -> None:  # type: ignore[no-untyped-def]
    run, done = open_run("/repo", "ollama/m", ["review"], fresh=False, head="h", version="0")
    assert done == set() and db_path().parent == isolated_env / "data"
    save_result(run, _result("review:1"))
    save_result(run, _result("review:2", "error", None))
    again, done = open_run("/repo", "ollama/m", ["review"], fresh=False, head="h", version="0")
    assert again.id == run.id and done == {"review:1"}
    other, done = open_run("/repo", "openai/x", ["review"], fresh=False, head="h", version="0")
    assert other.id != run.id and done == set()
    finish_run(run)
    new, done = open_run("/repo", "ollama/m", ["review"], fresh=False, head="h", version="0")
    assert new.id not in (run.id, other.id) and done == set()


def test_fresh_starts_a_new_run_and_results_load_back(isolated_env) -> None:  # type: ignore[no-untyped-def]
    run, _ = open_run("/repo", "m", ["review"], fresh=False, head=None, version="0")
    save_result(run, _result("review:1", score=0.75))
    fresh, done = open_run("/repo", "m", ["review"], fresh=True, head=None, version="0")
    assert fresh.id != run.id and done == set()
    loaded = load_runs("/repo")
    assert [r.id for r, _ in loaded] == [run.id, fresh.id]
    (result,) = loaded[0][1]
    assert result == _result("review:1", score=0.75)
    assert load_runs("/other") == []
