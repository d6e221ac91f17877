"""`llmdev eval -t edit`: a fix commit redone by the model, once per edit format, scored against the commit."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from llmdev.cli import run
from llmdev.evaluation.editing import format_label, split_label
from tests.evaluation.history_repo import STATS_V2, STATS_V3, History, make_history

SEARCH_REPLACE = (
    "Drop the extra one.\n\nstats.py\n<<<<<<< SEARCH\n    return total(values) / count(values) + 1\n=======\n"
    "    return total(values) / count(values)\n>>>>>>> REPLACE\n"
)
WRONG_WHOLE = "Fixed.\n\nstats.py\n```python\n" + STATS_V2.replace("count(values) + 1", "count(values) - 1") + "```\n"


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    made = make_history(tmp_path / "project")
    monkeypatch.chdir(made.root)
    return made


def test_labels_round_trip() -> None:
    assert split_label(format_label("ollama/llama3.1:8b", "whole")) == ("ollama/llama3.1:8b", "whole")
    assert split_label("openai/gpt-4o") == ("openai/gpt-4o", None)


def test_formats_are_compared_on_the_same_fix(history: History, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(SEARCH_REPLACE, WRONG_WHOLE)
    assert run(["eval", "-m", "local", "-t", "edit", "--edit-format", "search-replace", "--edit-format", "whole", "--json"]) == 0
    summaries = {s["model"]: s for s in json.loads(capsys.readouterr().out)}
    assert {m: s["mean_score"] for m, s in summaries.items()} == {
        "ollama/llama3.1:8b [search-replace]": 1.0,
        "ollama/llama3.1:8b [whole]": 0.0,
    }
    first, second = (r.body["messages"][0]["content"] for r in use_ollama.model_requests)
    assert "<<<<<<< SEARCH" in first and "whole new text" in second
    assert "Fix off-by-one in average" in use_ollama.model_requests[0].body["messages"][-1]["content"]
    assert (history.root / "stats.py").read_text() == STATS_V3  # the work tree is never written


def test_unknown_edit_format_is_a_usage_error(history: History, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["eval", "-t", "edit", "--edit-format", "udiff"]) != 0
    assert "'udiff' is not one of 'search-replace', 'whole'" in capsys.readouterr().err
