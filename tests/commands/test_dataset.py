"""`llmdev dataset export`: JSONL on stdout or in a file, the summary on stderr."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmdev.cli import run
from tests.evaluation.history_repo import History, make_history


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    made = make_history(tmp_path / "project")
    monkeypatch.chdir(made.root)
    return made


def test_jsonl_on_stdout_and_the_summary_on_stderr(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["dataset", "export", "--task", "commit-msg", "--limit", "2"]) == 0
    captured = capsys.readouterr()
    lines = [json.loads(line) for line in captured.out.splitlines()]
    assert [line["messages"][-1]["content"] for line in lines] == [
        "feat(cli): print the average of the arguments", "Fix off-by-one in average\n\naverage() added one to every result."]
    assert "kept 2 example(s), dropped 0" in captured.err


def test_output_file_and_dropped_examples(history: History, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    history.repo.write("secrets/db.txt", "password\n")
    history.repo.commit("Add the database password")
    out = tmp_path / "review.jsonl"
    assert run(["dataset", "export", "-t", "gen", "-o", str(out)]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert f"kept 4 example(s), dropped 1: 1 privacy rules: private files (secrets/db.txt); written to {out}" in err
    assert len(out.read_text().splitlines()) == 4 and "password" not in out.read_text()


def test_unknown_task(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["dataset", "export", "--task", "debug"]) == 2
    assert "'--task' / '-t': 'debug' is not one of 'review', 'commit-msg', 'gen'" in capsys.readouterr().err
