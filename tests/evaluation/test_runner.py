"""Scoring the mined tasks on models behind the loopback servers: stored, resumable, private."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmdev.config.loader import load_config
from llmdev.evaluation.mining import COMMIT_MSG, LOCALISATION, REVIEW, mine_tasks
from llmdev.evaluation.runner import EvalOptions, run_eval
from llmdev.evaluation.store import load_runs
from llmdev.evaluation.tasks import CONTEXT_MODEL
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import History
from tests.privacy.conftest import write_user_config
from tests.review.support import finding, reply


def model_reply(bug_line: int, message: str = "Fix off-by-one in average") -> Any:
    """A review (JSON schema requested) that points at the bug, or else a commit message."""
    def answer(body: dict[str, Any]) -> str:
        wants_json = body.get("format") or body.get("response_format")
        return reply(finding("stats.py", bug_line, "high", "off by one")) if wants_json else message

    return answer


def _eval(history: History, models: list[str], kinds: list[str], **options: Any):  # type: ignore[no-untyped-def]
    repo = open_repository(history.root)
    config = load_config()
    tasks = mine_tasks(repo, config.settings.eval, kinds=kinds)
    return run_eval(repo, config, tasks, EvalOptions(models, **options))


def test_every_kind_is_scored_and_stored(history: History, use_ollama: Any) -> None:
    use_ollama.reply_with(model_reply(history.bug_line()))
    context, local = _eval(history, ["ollama/llama3.1:8b"], [LOCALISATION, REVIEW, COMMIT_MSG])
    assert (context.model, context.mean(LOCALISATION)) == (CONTEXT_MODEL, 1.0)
    assert local.model == "ollama/llama3.1:8b" and local.stopped is None
    assert local.mean(REVIEW) == 1.0
    by_task = {r.task_id: r for r in local.results}
    fix_message = by_task[f"commit-msg:{history.fix}"]
    assert fix_message.status == "ok" and fix_message.score > 0.5 and fix_message.input_tokens > 0
    assert fix_message.details["generated"] == "Fix off-by-one in average\n"
    feature = by_task[f"commit-msg:{history.feature}"]
    assert feature.details["scope"] == "feat(cli)" and feature.details["generated_scope"] is None
    review = by_task[f"review:{history.buggy}"]
    assert review.details["hit"] == [f"stats.py:{history.bug_line()}-{history.bug_line()}"]
    assert review.model_s > 0 and review.cost_usd == 0
    stored = {run.model: results for run, results in load_runs(str(history.root))}
    assert len(stored[CONTEXT_MODEL]) == 1 and len(stored["ollama/llama3.1:8b"]) == 5
    assert all(run.finished_at is not None for run, _ in load_runs(str(history.root)))


def test_the_review_prompt_is_the_commit_as_it_was(history: History, use_ollama: Any) -> None:
    use_ollama.reply_with(model_reply(history.bug_line()))
    _eval(history, ["ollama/llama3.1:8b"], [REVIEW])
    prompt = "\n".join(m["content"] for m in use_ollama.last_body()["messages"])
    assert "return total(values) / count(values) + 1" in prompt and "print(average(numbers))" not in prompt


def test_an_interrupted_run_resumes_with_the_tasks_left(history: History, use_ollama: Any) -> None:
    use_ollama.fail_next(status=500, message="boom", times=3)  # Ollama's client does not retry
    (stopped,) = _eval(history, ["ollama/llama3:8b"], [COMMIT_MSG])
    assert stopped.stopped and "boom" in stopped.stopped and stopped.count("error") == 3
    use_ollama.reply_with("Some message")
    (resumed,) = _eval(history, ["ollama/llama3:8b"], [COMMIT_MSG])
    assert resumed.run_id == stopped.run_id and resumed.stopped is None
    # Tasks already running in parallel when the third error came still end, and are kept.
    assert resumed.resumed == stopped.count("ok") and resumed.resumed + resumed.count("ok") == 4
    (again,) = _eval(history, ["ollama/llama3:8b"], [COMMIT_MSG])
    assert again.run_id != stopped.run_id  # that run finished: a new one starts


def test_resume_skips_what_was_done(history: History, use_ollama: Any) -> None:
    use_ollama.reply_with("Some message")
    (first,) = _eval(history, ["ollama/llama3:8b"], [COMMIT_MSG])
    (run, _), = [(r, res) for r, res in load_runs(str(history.root))]
    from llmdev.evaluation.store import connect

    with connect() as db:  # as if it had been interrupted after two tasks
        db.execute("UPDATE runs SET finished_at = NULL WHERE id = ?", (run.id,))
        db.execute("DELETE FROM results WHERE run_id = ? AND task_id IN (SELECT task_id FROM results WHERE run_id = ? LIMIT 2)",
                   (run.id, run.id))
    requests = len(use_ollama.model_requests)
    (resumed,) = _eval(history, ["ollama/llama3:8b"], [COMMIT_MSG])
    assert resumed.run_id == first.run_id and resumed.resumed == 2 and len(resumed.results) == 2
    assert len(use_ollama.model_requests) == requests + 2


def test_nothing_private_is_sent_to_a_remote_model(history: History, use_openai: Any, isolated_env: Path) -> None:
    write_user_config(isolated_env, "[providers.openai]\nlocal = false\n")
    history.repo.write(".env", "DEBUG=1\nAPI_HOST=internal.example\n")
    private = history.repo.commit("Add local settings")
    use_openai.reply_with("A message")
    (remote,) = _eval(history, ["openai/gpt-4o"], [COMMIT_MSG])
    by_task = {r.task_id: r for r in remote.results}
    skipped = by_task[f"commit-msg:{private}"]
    assert skipped.status == "skipped" and "privacy" in skipped.reason and skipped.input_tokens == 0
    sent = json.dumps([r.body for r in use_openai.model_requests])
    assert "internal.example" not in sent and len(use_openai.model_requests) == 4
    assert by_task[f"commit-msg:{history.fix}"].cost_usd > 0


@pytest.mark.parametrize("action", ["refuse", "reroute"])
def test_privacy_refusals_and_reroutes_are_skips(history: History, use_openai: Any, use_ollama: Any, isolated_env: Path, action: str) -> None:
    write_user_config(isolated_env, f'[providers.openai]\nlocal = false\n[privacy]\naction = "{action}"\n')
    history.repo.write(".env", "DEBUG=1\n")
    private = history.repo.commit("Add local settings")
    use_openai.reply_with("A message")
    (remote,) = _eval(history, ["openai/gpt-4o"], [COMMIT_MSG])
    skipped = {r.task_id: r for r in remote.results}[f"commit-msg:{private}"]
    assert skipped.status == "skipped" and use_ollama.model_requests == []


def test_a_models_tasks_run_in_parallel_within_its_providers_limit(history: History, use_ollama: Any, isolated_env: Path) -> None:
    write_user_config(isolated_env, '[providers.ollama]\nkind = "ollama"\nconcurrency = 1\n')
    use_ollama.reply_with(model_reply(history.bug_line()))
    use_ollama.delay_first = 0.2
    (one_by_one,) = _eval(history, ["ollama/llama3:8b"], [COMMIT_MSG, REVIEW])
    assert use_ollama.max_in_flight == 1
    write_user_config(isolated_env, '[providers.ollama]\nkind = "ollama"\nconcurrency = 3\n')
    use_ollama.max_in_flight = 0
    (parallel,) = _eval(history, ["ollama/llama3:8b"], [COMMIT_MSG, REVIEW], fresh=True)
    assert use_ollama.max_in_flight == 3
    assert [(r.task_id, r.status, r.score) for r in parallel.results] == [(r.task_id, r.status, r.score) for r in one_by_one.results]


def test_localisation_is_scored_lexical_and_model_assisted_side_by_side(history: History, use_ollama: Any) -> None:
    from llmdev.evaluation.localisation import locate_label

    use_ollama.reply_with(json.dumps({"files": ["/etc/passwd", "cli.py", "stats.py"]}))  # cli.py comes after the fix: not in the map
    lexical, located = _eval(history, ["ollama/llama3.1:8b"], [LOCALISATION], locate=True)
    assert (lexical.model, located.model) == (CONTEXT_MODEL, locate_label("ollama/llama3.1:8b"))
    assert lexical.results[0].details.get("locate") is None and use_ollama.model_requests[0].body["format"]
    (result,) = located.results
    assert result.status == "ok" and result.details["locate"]["picked"] == ["stats.py"] and result.score == 1.0
    assert result.details["locate"]["requests"] == 1 and result.input_tokens > 0 and result.model_s > 0
    assert len(use_ollama.model_requests) == 1
    _eval(history, ["ollama/llama3.1:8b"], [LOCALISATION], locate=True, fresh=True)
    assert len(use_ollama.model_requests) == 2  # an evaluation asks every time: no cache
    stored = {run.model for run, _ in load_runs(str(history.root))}
    assert stored == {CONTEXT_MODEL, locate_label("ollama/llama3.1:8b")}


def test_a_failed_localisation_request_is_an_error_not_a_lexical_score(history: History, use_ollama: Any) -> None:
    use_ollama.fail_next(times=10, status=400, message="bad request")
    lexical, located = _eval(history, ["ollama/llama3.1:8b"], [LOCALISATION], locate=True)
    assert lexical.results[0].status == "ok"
    assert located.results[0].status == "error" and located.results[0].score is None
