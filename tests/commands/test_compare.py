"""`llmdev compare`: the same task on a local (Ollama) and a remote (OpenAI) model, side by side."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmdev.cli import run
from tests.review.support import CALC, CALC_BROKEN, GitRepo, finding, reply

FIX = "Make add add.\n\ncalc.py\n<<<<<<< SEARCH\n    return a + b\n=======\n    return a + b  # checked\n>>>>>>> REPLACE\n\nCommit message: Check add\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo.create(tmp_path / "project", {"calc.py": CALC, "README.md": "# calc\n"})
    monkeypatch.chdir(repo.root)
    return repo


@pytest.fixture
def servers(use_ollama: Any, use_openai: Any) -> tuple[Any, Any]:
    return use_ollama, use_openai


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    return json.loads(capsys.readouterr().out)


def test_review_shows_agreement_by_location(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    project.stage("calc.py", CALC_BROKEN + "\n\ndef mul(a, b):\n    return a * a\n")
    local.reply_with(reply(finding("calc.py", 2, "high", "add subtracts"), finding("calc.py", 11, "high", "mul squares")))
    remote.reply_with(reply(finding("calc.py", 1, "high", "wrong operator", end_line=2), finding("calc.py", 7, "high", "eval of input")))
    assert run(["compare", "review", "--staged", "-m", "local", "-m", "gpt4o", "--format", "json"]) == 0
    data = _json(capsys)
    assert [m["model"] for m in data["models"]] == ["local", "gpt4o"]
    assert [m["resolved"] for m in data["models"]] == ["ollama/llama3.1:8b", "openai/gpt-4o"]
    (agreed,) = data["agreement"]["agreed"]
    assert (agreed["path"], agreed["line"], agreed["end_line"], agreed["models"]) == ("calc.py", 1, 2, ["local", "gpt4o"])
    assert [g["line"] for g in data["agreement"]["unique"]["local"]] == [11]
    assert [g["line"] for g in data["agreement"]["unique"]["gpt4o"]] == [7]
    local_metrics, remote_metrics = (m["metrics"] for m in data["models"])
    assert local_metrics["requests"] == 1 and local_metrics["input_tokens"] > 0 and local_metrics["cost_usd"] == 0
    assert remote_metrics["cost_usd"] > 0 and remote_metrics["output_tokens"] > 0
    assert len(local.model_requests) == 1 and len(remote.model_requests) == 1


def test_review_text_table_and_sections(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    project.stage("calc.py", CALC_BROKEN)
    local.reply_with(reply(finding("calc.py", 2, "high", "add subtracts")))
    remote.reply_with(reply(summary="Nothing wrong."))
    assert run(["compare", "review", "-m", "local", "-m", "gpt4o"]) == 0
    out = capsys.readouterr().out
    assert "first token" in out and "tokens/s" in out and "1 finding(s)" in out and "0 finding(s)" in out
    assert "Only local:\n  calc.py:2 [high] add subtracts" in out and "Only gpt4o:\n  (none)" in out
    assert "── gpt4o (openai/gpt-4o) ──\nNothing wrong." in out


def test_a_failing_model_does_not_stop_the_others(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    local.reply_with("Use a list.")
    remote.fail_next(status=401, code="invalid_api_key", message="Incorrect API key provided", times=5)
    assert run(["compare", "ask", "how?", "-m", "local", "-m", "gpt4o", "-f", "json"]) == 0
    first, second = _json(capsys)["models"]
    assert first["ok"] and first["output"]["text"] == "Use a list."
    assert not second["ok"] and "API key" in second["error"]


def test_every_model_failing_exits_3(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    local.fail_next(status=500, message="boom", times=10)
    remote.fail_next(status=401, code="invalid_api_key", message="bad key", times=10)
    assert run(["compare", "ask", "how?", "-m", "ollama/llama3:8b", "-m", "gpt4o"]) == 3
    assert "failed" in capsys.readouterr().out


def test_ask_markdown(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    local.reply_with("Local answer.")
    remote.reply_with("Remote answer.")
    assert run(["compare", "ask", "why?", "-m", "local", "-m", "gpt4o", "--format", "markdown"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| model | first token | total |")
    assert "### local (ollama/llama3.1:8b)\n\nLocal answer." in out and "### gpt4o (openai/gpt-4o)\n\nRemote answer." in out
    assert "| gpt4o |" in out


def test_streamed_replies_measure_the_first_token(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    local.reply_with("one two three four")
    remote.reply_with("five six seven")
    local.delay_first = 0.2
    assert run(["compare", "ask", "why?", "-m", "local", "-m", "gpt4o", "-f", "json"]) == 0
    first, second = (m["metrics"] for m in _json(capsys)["models"])
    assert first["first_token_s"] >= 0.2 and second["first_token_s"] is not None
    assert first["tokens_per_s"] > 0 and first["output_tokens"] > 0


def test_gen_shows_each_models_diff_and_writes_nothing(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    local.reply_with(FIX)
    remote.reply_with("I would not change anything.\n\nCommit message: Nothing")
    assert run(["compare", "gen", "--dry-run", "mark add as checked", "calc.py", "-m", "local", "-m", "gpt4o", "-f", "json"]) == 0
    first, second = _json(capsys)["models"]
    assert "+    return a + b  # checked" in first["output"]["diff"]
    assert second["ok"] is False and "edit" in second["error"]
    assert len(remote.model_requests) == 2  # one round of feedback, then it gives up
    assert (project.root / "calc.py").read_text() == CALC


def test_debug_from_a_log(project: GitRepo, servers: tuple[Any, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    log = tmp_path / "out.txt"
    log.write_text('Traceback (most recent call last):\n  File "calc.py", line 2, in add\nTypeError: bad operand\n')
    local.reply_with("The operands are strings.")
    remote.reply_with(FIX)
    assert run(["compare", "debug", "--log", str(log), "-m", "local", "-m", "gpt4o", "-f", "json"]) == 0
    first, second = _json(capsys)["models"]
    assert first["output"]["text"] == "The operands are strings." and first["output"]["diff"] == ""
    assert "# checked" in second["output"]["diff"]
    assert "TypeError: bad operand" in local.last_body()["messages"][-1]["content"]


def test_commit_msg(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    project.stage("calc.py", CALC_BROKEN)
    local.reply_with("Break add")
    remote.reply_with("fix(calc): subtract in add")
    assert run(["compare", "commit-msg", "-m", "local", "-m", "gpt4o", "-f", "json"]) == 0
    assert [m["output"]["text"] for m in _json(capsys)["models"]] == ["Break add", "fix(calc): subtract in add"]


def test_parallel_runs_every_model(project: GitRepo, servers: tuple[Any, Any], capsys: pytest.CaptureFixture[str]) -> None:
    local, remote = servers
    local.reply_with("a")
    remote.reply_with("b")
    assert run(["compare", "ask", "x", "-m", "local", "-m", "gpt4o", "--parallel", "-f", "json"]) == 0
    assert [m["output"]["text"] for m in _json(capsys)["models"]] == ["a", "b"]


@pytest.mark.parametrize(
    ("args", "message", "code"),
    [
        (["compare", "ask", "x"], "name the models to compare", 2),
        (["compare", "ask", "x", "-m", "nosuch"], "unknown model or alias 'nosuch'", 3),
        (["compare", "ask", "x", "-m", "local", "-f", "yaml"], "'--format' / '-f': 'yaml' is not one of", 2),
        (["compare", "commit-msg", "-m", "local"], "nothing is staged", 2),
    ],
)
def test_usage_errors(project: GitRepo, args: list[str], message: str, code: int, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args) == code
    assert message in capsys.readouterr().err


def test_nothing_to_review(project: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["compare", "review", "-m", "local"]) == 0
    assert "nothing to review" in capsys.readouterr().err and use_ollama.model_requests == []


@pytest.mark.parametrize("at_once", [False, True])
def test_remote_models_share_the_run_budget_whether_asked_in_turn_or_at_once(
    project: GitRepo, use_openai: Any, capsys: pytest.CaptureFixture[str], at_once: bool
) -> None:
    """One after another, the second call is checked against what the first spent. Asked at once,
    it must not be sent while the first may still spend its estimate, or --parallel breaks the cap."""
    import os

    config = Path(os.environ["LLMDEV_CONFIG_DIR"]) / "config.toml"
    config.write_text(  # the loopback server stands in for a remote API; two names for one priced model
        '[aliases]\nfirst = "openai/gpt-4o"\nsecond = "openai/gpt-4o"\n[providers.openai]\nkind = "openai"\nlocal = false\n'
    )
    assert run(["ask", "--dry-run", "-m", "gpt4o", "x"]) == 0
    one = json.loads(capsys.readouterr().out)["estimate"]["usd"]
    config.write_text(f"[budget]\nper_run_usd = {one * 1.5}\n" + config.read_text())  # room for one call, not two
    use_openai.reply_with("word " * 1500)  # the first call really spends about what was estimated
    use_openai.delay_first = 0.5  # asked at once, both would be in flight together
    assert run(["compare", "ask", "x", "-m", "first", "-m", "second", "-f", "json", *(["--parallel"] if at_once else [])]) == 0
    runs = _json(capsys)["models"]
    assert [m["ok"] for m in runs].count(True) == 1 and len(use_openai.model_requests) == 1
    refused = next(m["error"] for m in runs if not m["ok"])
    assert "per_run_usd" in refused and "nothing was sent" in refused


def test_remote_models_that_fit_the_budget_together_are_asked_at_once(project: GitRepo, use_openai: Any, capsys: pytest.CaptureFixture[str]) -> None:
    import os

    config = Path(os.environ["LLMDEV_CONFIG_DIR"]) / "config.toml"
    config.write_text('[aliases]\nfirst = "openai/gpt-4o"\nsecond = "openai/gpt-4o"\n[providers.openai]\nkind = "openai"\nlocal = false\n')
    assert run(["ask", "--dry-run", "-m", "gpt4o", "x"]) == 0
    one = json.loads(capsys.readouterr().out)["estimate"]["usd"]
    config.write_text(f"[budget]\nper_run_usd = {one * 2.5}\n" + config.read_text())
    use_openai.delay_first = 0.5
    assert run(["compare", "ask", "x", "-m", "first", "-m", "second", "--parallel", "-f", "json"]) == 0
    assert [m["ok"] for m in _json(capsys)["models"]] == [True, True] and use_openai.max_in_flight == 2
