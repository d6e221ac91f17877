"""`llmdev eval` and `llmdev eval report` on a made-up history, with the loopback Ollama server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmdev.cli import run
from tests.evaluation.history_repo import History, make_history
from tests.evaluation.test_runner import model_reply


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    made = make_history(tmp_path / "project")
    monkeypatch.chdir(made.root)
    return made


def test_localisation_needs_no_model(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["eval", "--task", "localisation", "--json"]) == 0
    captured = capsys.readouterr()
    (summary,) = json.loads(captured.out)
    assert summary["model"] == "llmdev/context" and summary["mean_score"] == 1.0
    assert summary["results"][0]["details"]["found_functions"] == ["stats.py:average"]
    assert "tasks: 1 localisation" in captured.err


def test_models_and_the_report(history: History, use_ollama: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply_with(model_reply(history.bug_line()))
    assert run(["eval", "-m", "local", "-t", "review", "-t", "commit-msg", "--limit", "2"]) == 0
    captured = capsys.readouterr()
    assert "tasks: 1 review, 2 commit-msg" in captured.err
    assert "ollama/llama3.1:8b" in captured.out and "review" in captured.out and "1.00" in captured.out
    chart = tmp_path / "chart.html"
    assert run(["eval", "report", "--format", "json", "--html", str(chart)]) == 0
    captured = capsys.readouterr()
    runs = json.loads(captured.out)["runs"]
    assert {(r["model"], r["kind"]) for r in runs} == {("ollama/llama3.1:8b", "review"), ("ollama/llama3.1:8b", "commit-msg")}
    assert f"chart: {chart}" in " ".join(captured.err.split()) and "<svg" in chart.read_text()
    assert run(["eval", "report", "--format", "markdown"]) == 0
    assert capsys.readouterr().out.startswith("| model | task |")


def test_the_default_model_is_the_configured_one(history: History, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    history.repo.write(".llmdev.toml", '[commands.eval]\nmodel = "ollama/llama3:8b"\n')
    history.repo.commit("Configure llmdev")
    use_ollama.reply_with("Some message")
    assert run(["eval", "-t", "commit-msg", "-n", "1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["model"] == "ollama/llama3:8b"


def test_a_model_that_is_down_stops_early_and_says_how_to_resume(history: History, capsys: pytest.CaptureFixture[str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.servers import closed_port_url

    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    assert run(["eval", "-t", "commit-msg"]) == 0
    assert "stopped early" in " ".join(capsys.readouterr().err.split())


def test_report_before_any_run(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["eval", "report"]) == 0
    assert "no evaluation results yet" in capsys.readouterr().err


@pytest.mark.parametrize(("args", "message"), [
    (["eval", "-t", "debugging"], "'debugging' is not one of 'localisation', 'review', 'commit-msg'"),
    (["eval", "report", "-f", "yaml"], "'--format' / '-f': 'yaml' is not one of"),
    (["eval", "-m", "nosuch", "-t", "commit-msg"], "unknown model or alias 'nosuch'"),
])
def test_usage_errors(history: History, args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(args) != 0
    assert message in capsys.readouterr().err


def test_locate_model_adds_a_model_assisted_row_per_model(history: History, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply_with(json.dumps({"files": ["stats.py"]}))
    assert run(["eval", "-t", "localisation", "--locate", "model", "-m", "local"]) == 0
    out = capsys.readouterr().out
    assert "llmdev/context" in out and "ollama/llama3.1:8b [locate]" in out
    assert len(use_ollama.model_requests) == 1
    assert run(["eval", "report", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert "ollama/llama3.1:8b [locate]" in json.dumps(rows) and "llmdev/context" in json.dumps(rows)
