"""Reviews end to end: real repositories, real prompts, the loopback model servers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmdev.config.loader import load_config
from llmdev.errors import ModelError
from llmdev.repo.diffs import parse_spec
from llmdev.repo.discovery import open_repository
from llmdev.review.engine import RunOptions, failed_replies_dir, run_review
from llmdev.review.findings import ReviewResult
from llmdev.review.plan import ReviewPlan, plan_review
from llmdev.tokens import estimate_message_tokens
from tests.review.support import CALC, CALC_BROKEN, GitRepo, finding, reply, user_prompt


def _plan(repo: GitRepo, model: str | None = None, **spec: Any) -> ReviewPlan:
    config = load_config(cwd=repo.root)
    git = open_repository(repo.root)
    return plan_review(git, config, parse_spec(git, **spec), model_flag=model)


def _review(repo: GitRepo, model: str | None = None, options: RunOptions | None = None, **spec: Any) -> ReviewResult:
    return run_review(_plan(repo, model, **spec), load_config(cwd=repo.root), options)


def test_staged_review_reads_the_index_not_the_working_tree(project: GitRepo, use_ollama: Any) -> None:
    project.stage("calc.py", CALC_BROKEN)
    project.write("calc.py", CALC.replace("a + b", "a * b  # unstaged"))
    use_ollama.reply(reply(finding("calc.py", 7, "critical", "eval of user input", category="security")))
    result = _review(project)
    prompt = user_prompt(use_ollama.last_body())
    assert "    2 +     return a - b" in prompt and "    7 +     eval(input())" in prompt
    assert "unstaged" not in prompt
    assert [(f.path, f.line, f.severity) for f in result.findings] == [("calc.py", 7, "critical")]
    assert result.reviewed_files == ["calc.py"] and not result.partial
    assert result.model == "ollama/llama3.1:8b"
    assert result.usage.input_tokens > 0 and result.usage.output_tokens > 0


def test_without_staged_changes_the_working_tree_is_reviewed(project: GitRepo, use_ollama: Any) -> None:
    project.write("calc.py", CALC.replace("a + b", "a * b  # unstaged"))
    use_ollama.reply(reply())
    result = _review(project)
    assert "a * b  # unstaged" in user_prompt(use_ollama.last_body())
    assert result.findings == [] and result.reviewed_files == ["calc.py"]


def test_the_prompt_carries_context_rules_and_the_schema(project: GitRepo, use_ollama: Any) -> None:
    project.write("REVIEW.md", "Never use eval.\n")
    project.commit("rules")
    project.stage("calc.py", CALC.replace("    return a + b\n", "    total = a + b\n    return total\n"))
    use_ollama.reply(reply())
    _review(project)
    body = use_ollama.last_body()
    prompt = user_prompt(body)
    assert "Never use eval." in prompt
    assert "Callers of the changed `add`:" in prompt and "app.py:7: s = add(s, i)" in prompt
    assert body["format"]["required"] == ["findings", "summary"]
    assert body["options"]["temperature"] == 0.0
    system = next(m["content"] for m in body["messages"] if m["role"] == "system")
    assert "1. correctness" in system and "2. security" in system and "3. performance" in system


def test_openai_gets_a_strict_json_schema_response_format(project: GitRepo, use_openai: Any) -> None:
    project.stage("calc.py", CALC_BROKEN)
    use_openai.reply(reply(finding("calc.py", 2)))
    result = _review(project, model="gpt4o")
    response_format = use_openai.last_body()["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "review" and response_format["json_schema"]["strict"] is True
    assert result.model == "openai/gpt-4o" and len(result.findings) == 1


def _findings_for_prompt(body: dict[str, Any]) -> str:
    """Reply with one finding on line 1 of every file the prompt shows."""
    prompt = user_prompt(body)
    paths = [line.split("### File: ", 1)[1].split(" (", 1)[0] for line in prompt.splitlines() if line.startswith("### File: ")]
    return reply(*[finding(p, 1, "medium", f"Problem in {p}") for p in paths], summary=f"Reviewed {', '.join(paths)}.")


def test_a_change_too_big_for_the_window_is_split_and_merged(project: GitRepo, use_ollama: Any) -> None:
    body = "".join(f"value_{i} = compute({i}, 'some longer text to take up room in the prompt')\n" for i in range(120))
    for name in ("a.py", "b.py", "c.py"):
        project.stage(f"mod/{name}", body)
    use_ollama.reply_with(_findings_for_prompt)
    plan = _plan(project, model="ollama/llama3:8b")  # an 8192-token window
    assert plan.window == 8192 and len(plan.calls) >= 2
    assert all(estimate_message_tokens(m.content for m in c.messages) + 2048 <= 8192 for c in plan.calls)
    assert "part 1 of" in user_prompt({"messages": [m.as_dict() for m in plan.calls[0].messages]})
    result = run_review(plan, load_config(cwd=project.root))
    assert len(use_ollama.model_requests) == len(plan.calls)
    assert sorted(f.path for f in result.findings) == ["mod/a.py", "mod/b.py", "mod/c.py"]
    assert result.reviewed_files == ["mod/a.py", "mod/b.py", "mod/c.py"] and not result.partial
    assert result.summary.count("Reviewed mod/") == len(plan.calls)


def test_an_invalid_reply_is_repaired_once(project: GitRepo, use_ollama: Any) -> None:
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply("Sure! Here is my review: the add function is wrong.", reply(finding("calc.py", 2)))
    result = _review(project)
    assert len(use_ollama.model_requests) == 2
    repair = use_ollama.last_body()["messages"]
    assert repair[-2] == {"role": "assistant", "content": "Sure! Here is my review: the add function is wrong."}
    assert "could not be used: not valid JSON" in repair[-1]["content"]
    assert len(result.findings) == 1
    assert result.usage.input_tokens > 0 and result.usage.output_tokens >= 10  # both requests counted


def test_a_reply_still_invalid_after_repair_is_an_error_with_the_raw_reply_saved(project: GitRepo, use_ollama: Any) -> None:
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply("not json", json.dumps({"findings": [{"path": "calc.py"}], "summary": "x"}))
    with pytest.raises(ModelError, match="did not return a valid review after one repair attempt") as caught:
        _review(project)
    saved = next(failed_replies_dir().iterdir())
    assert str(saved) in str(caught.value)
    assert saved.read_text() == json.dumps({"findings": [{"path": "calc.py"}], "summary": "x"})


def test_findings_outside_the_changed_lines_go_to_the_summary(project: GitRepo, use_ollama: Any) -> None:
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply(reply(finding("calc.py", 2, title="Subtracts"), finding("calc.py", 5, "low", "main has no docstring"),
                           finding("nowhere.py", 1, title="Invented file"), summary="Breaks add."))
    result = _review(project)
    assert [f.title for f in result.findings] == ["Subtracts"]
    assert result.summary.startswith("Breaks add.\n\nNoted outside the changed lines:")
    assert "calc.py:5 (low, correctness): main has no docstring" in result.summary
    assert "nowhere.py:1" in result.summary


def test_skipped_files_make_the_review_partial(project: GitRepo, use_ollama: Any) -> None:
    (project.root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n\0\0\0binary")
    project.git("add", "logo.png")
    project.git("rm", "-q", "README.md")
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply(reply())
    result = _review(project)
    assert result.reviewed_files == ["calc.py"]
    assert {s.path: s.reason for s in result.skipped_files} == {
        "logo.png": "binary", "README.md": "deleted: nothing on the new side to review"
    }
    assert result.partial


def test_the_same_change_is_answered_from_the_cache(project: GitRepo, use_ollama: Any) -> None:
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply_with(reply(finding("calc.py", 2)))
    first = _review(project)
    second = _review(project)
    assert len(use_ollama.model_requests) == 1
    assert second.as_json()["findings"] == first.as_json()["findings"]
    assert (second.usage.requests, second.usage.cached_requests, second.usage.input_tokens) == (0, 1, 0)
    _review(project, options=RunOptions(use_cache=False))
    assert len(use_ollama.model_requests) == 2
    project.stage("calc.py", CALC_BROKEN + "# one more line\n")
    _review(project)
    assert len(use_ollama.model_requests) == 3


def test_the_baseline_suppresses_dismissed_findings(project: GitRepo, use_ollama: Any, tmp_path: Path) -> None:
    from llmdev.review.baseline import update

    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply_with(reply(finding("calc.py", 2, title="Subtracts"), finding("calc.py", 7, "critical", "eval")))
    first = _review(project)
    baseline = tmp_path / "baseline.json"
    update(baseline, [f for f in first.findings if f.title == "eval"])
    second = _review(project, options=RunOptions(baseline=baseline))
    assert [f.title for f in second.findings] == ["Subtracts"] and second.suppressed == 1


def test_a_request_routed_to_a_smaller_model_is_planned_for_its_window(project: GitRepo, use_ollama: Any) -> None:
    from llmdev import plugins
    from llmdev.hookspecs import hookimpl

    class ToSmallModel:
        @hookimpl
        def route_request(self, request):  # type: ignore[no-untyped-def]
            request.model = "ollama/llama3:8b"
            request.notes.append("routed to the small local model")

    plugins.reset()
    plugins.plugin_state(extra=(ToSmallModel(),))
    body = "".join(f"value_{i} = compute({i}, 'some longer text to take up room in the prompt')\n" for i in range(120))
    for name in ("a.py", "b.py", "c.py"):
        project.stage(f"mod/{name}", body)
    plan = _plan(project)  # selected: llama3.1:8b (131072 tokens, capped at 32768); routed: llama3:8b (8192)
    assert plan.window == 8192
    assert {str(c.model) for c in plan.calls} == {"ollama/llama3:8b"} and len(plan.calls) >= 2
    assert all(estimate_message_tokens(m.content for m in c.messages) + 2048 <= 8192 for c in plan.calls)
