"""A review split into several requests sends them in parallel, within the provider's limit, and merges
the replies into the same result a one-after-another review gives."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from llmdev.config.loader import load_config
from llmdev.errors import LlmdevError, ModelError
from llmdev.repo.diffs import parse_spec
from llmdev.repo.discovery import open_repository
from llmdev.review.engine import RunOptions, run_review
from llmdev.review.plan import ReviewPlan, plan_review
from tests.review.support import GitRepo, part_reply, reply, user_prompt

BODY = "".join(f"value_{i} = compute({i}, 'some longer text to take up room in the prompt')\n" for i in range(120))
FILES = [f"mod/{name}.py" for name in "abcdef"]


def _configure(concurrency: int) -> None:
    config_dir = Path(os.environ["LLMDEV_CONFIG_DIR"])
    (config_dir / "config.toml").write_text(f'[providers.ollama]\nkind = "ollama"\nconcurrency = {concurrency}\n')


def _plan(repo: GitRepo) -> ReviewPlan:
    git = open_repository(repo.root)
    return plan_review(git, load_config(cwd=repo.root), parse_spec(git, staged=True), model_flag="ollama/llama3:8b")


def _slow_first(body: dict[str, Any]) -> str:
    return part_reply(body, 0.08)


@pytest.fixture
def split_change(project: GitRepo, use_ollama: Any) -> GitRepo:
    for path in FILES:
        project.stage(path, BODY)
    use_ollama.reply_with(_slow_first)
    return project


def _result(repo: GitRepo, concurrency: int) -> tuple[list[dict[str, Any]], str, int]:
    _configure(concurrency)
    plan = _plan(repo)
    result = run_review(plan, load_config(cwd=repo.root), RunOptions(use_cache=False))
    return [f.as_json() for f in result.findings], result.summary, len(plan.calls)


def test_parallel_parts_merge_into_the_result_of_a_sequential_review(split_change: GitRepo, use_ollama: Any) -> None:
    sequential = _result(split_change, 1)
    assert use_ollama.max_in_flight == 1
    use_ollama.max_in_flight = 0
    parallel = _result(split_change, 4)
    assert parallel[2] >= 4 and use_ollama.max_in_flight == 4  # the parts really overlapped
    assert parallel == sequential
    assert [f["path"] for f in parallel[0]] == sorted(FILES * 2)
    assert parallel[1].index("Part 1 reviewed") < parallel[1].index("Part 2 reviewed")


def test_no_more_requests_are_in_flight_than_the_provider_allows(split_change: GitRepo, use_ollama: Any) -> None:
    progress: list[tuple[int, int]] = []
    _configure(2)
    plan = _plan(split_change)
    options = RunOptions(use_cache=False, on_progress=lambda done, total: progress.append((done, total)))
    run_review(plan, load_config(cwd=split_change.root), options)
    assert len(plan.calls) >= 4 and use_ollama.max_in_flight == 2
    assert progress == [(n, len(plan.calls)) for n in range(1, len(plan.calls) + 1)]


def test_every_part_carries_the_same_num_ctx(split_change: GitRepo, use_ollama: Any) -> None:
    _result(split_change, 4)
    sizes = {r.body["options"]["num_ctx"] for r in use_ollama.model_requests}
    assert len(sizes) == 1 and len(use_ollama.loads) == 1


def test_a_failing_part_is_named_with_its_files(split_change: GitRepo, use_ollama: Any) -> None:
    def second_part_broken(body: dict[str, Any]) -> str:
        return "not a review at all" if "This is part 2 of" in user_prompt(body) else _slow_first(body)

    use_ollama.reply_with(second_part_broken)
    _configure(4)
    plan = _plan(split_change)
    with pytest.raises(ModelError) as failed:
        run_review(plan, load_config(cwd=split_change.root), RunOptions(use_cache=False))
    files = ", ".join(plan.calls[1].files)
    assert failed.value.message.startswith(f"review request 2 of {len(plan.calls)} ({files}): ")
    assert "did not return a valid review after one repair attempt" in failed.value.message


def test_a_review_over_the_budget_is_refused_before_any_request(project: GitRepo, use_openai: Any) -> None:
    for path in FILES:
        project.stage(path, BODY)
    config_dir = Path(os.environ["LLMDEV_CONFIG_DIR"])
    (config_dir / "config.toml").write_text(
        '[budget]\nper_run_usd = 0.00001\n[providers.openai]\nkind = "openai"\nlocal = false\nconcurrency = 4\n'
        '[context_windows]\n"openai/gpt-4o" = 8192\n'
    )
    git = open_repository(project.root)
    with pytest.raises(LlmdevError, match="per_run_usd.*nothing was sent"):
        plan_review(git, load_config(cwd=project.root), parse_spec(git, staged=True), model_flag="gpt4o")
    assert use_openai.model_requests == []


def test_parts_under_the_cap_alone_but_over_it_together_are_refused_before_any_request(project: GitRepo, use_openai: Any) -> None:
    for path in FILES:
        project.stage(path, BODY)
    config_dir = Path(os.environ["LLMDEV_CONFIG_DIR"])
    base = '[providers.openai]\nkind = "openai"\nlocal = false\nconcurrency = 4\n[context_windows]\n"openai/gpt-4o" = 8192\n'
    (config_dir / "config.toml").write_text(base)
    git = open_repository(project.root)
    spec = parse_spec(git, staged=True)
    estimates = [c.estimate.usd for c in plan_review(git, load_config(cwd=project.root), spec, model_flag="gpt4o").calls]  # type: ignore[union-attr]
    assert len(estimates) >= 3
    cap = max(estimates) * 1.5  # every part fits alone; together they do not
    (config_dir / "config.toml").write_text(f"[budget]\nper_run_usd = {cap}\n" + base)
    config = load_config(cwd=project.root)
    plan = plan_review(git, config, spec, model_flag="gpt4o")  # each part passes the per-request check
    with pytest.raises(LlmdevError) as refused:
        run_review(plan, config, RunOptions(use_cache=False))
    message = refused.value.message
    assert f"the {len(estimates)} remote requests this run plans" in message
    assert f"estimated at ${sum(estimates):.4f} in all" in message and "per_run_usd" in message and "nothing was sent" in message
    assert "review fewer files" in (refused.value.hint or "")
    assert use_openai.model_requests == []
    (config_dir / "config.toml").write_text(f"[budget]\nper_run_usd = {sum(estimates) * 1.01}\n" + base)
    use_openai.reply_with(lambda body: reply(summary="Fine."))
    config = load_config(cwd=project.root)
    run_review(plan_review(git, config, spec, model_flag="gpt4o"), config, RunOptions(use_cache=False))
    assert len(use_openai.model_requests) == len(estimates)
