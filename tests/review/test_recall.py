"""A review answered from the cache before its context is built: only when nothing that goes into
its prompts changed; anything else is planned and sent again."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from llmdev.cli import run
from llmdev.review import cache
from tests.review.support import GitRepo, finding, reply, user_prompt

APP_CHANGED = "from calc import add\n\n\ndef total(items):\n    s = 0\n    for i in items:\n        s = add(s, i)\n    return add(s, 0)\n"


def _config(text: str) -> None:
    (Path(os.environ["LLMDEV_CONFIG_DIR"]) / "config.toml").write_text(text)


def _review(capsys: pytest.CaptureFixture[str], *args: str) -> dict[str, Any]:
    code = run(["review", "--staged", "--format", "json", *args])
    assert code in (0, 1)
    return json.loads(capsys.readouterr().out)


@pytest.fixture
def staged(project: GitRepo, use_ollama: Any) -> GitRepo:
    project.stage("app.py", APP_CHANGED)
    use_ollama.reply_with(lambda body: reply(finding("app.py", 8, "medium", "Adds zero"), summary="One nit."))
    return project


def _sent(server: Any) -> int:
    return len(server.model_requests)


def test_the_same_review_again_is_answered_without_building_its_prompt(
    staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _review(capsys)
    assert _sent(use_ollama) == 1

    def no_context(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the context was built for a cached review")

    monkeypatch.setattr("llmdev.review.context_text.hunk_contexts", no_context)
    again = _review(capsys)
    assert _sent(use_ollama) == 1
    assert again["findings"] == first["findings"] and again["summary"] == first["summary"]
    assert again["usage"] == {"input_tokens": 0, "output_tokens": 0}  # nothing sent in this run


def test_a_change_to_a_file_the_context_reads_is_a_miss(staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _review(capsys)
    staged.write("calc.py", "def add(a, b, scale=1):\n    return (a + b) * scale\n")  # unstaged, outside the diff
    _review(capsys)
    assert _sent(use_ollama) == 2
    assert "def add(a, b, scale=1)" in user_prompt(use_ollama.model_requests[-1].body)  # the prompt did change
    _review(capsys)
    assert _sent(use_ollama) == 2  # and that state is cached in turn


def test_an_untracked_file_is_a_miss(staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _review(capsys)
    staged.write("more.py", "def add(x):\n    return x\n")  # a second `add` the context may list
    _review(capsys)
    assert _sent(use_ollama) == 2


def test_changed_configuration_is_a_miss(staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _review(capsys)
    _config('[review]\nrules = ["Prefer explicit names."]\n')
    _review(capsys)
    assert _sent(use_ollama) == 2
    assert "Prefer explicit names." in json.dumps(use_ollama.model_requests[-1].body)


def test_another_model_is_a_miss(staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _review(capsys, "-m", "ollama/llama3.1:8b")
    _review(capsys, "-m", "ollama/llama3:8b")
    assert _sent(use_ollama) == 2
    assert [r.body["model"] for r in use_ollama.model_requests] == ["llama3.1:8b", "llama3:8b"]


def test_a_lost_reply_means_the_review_is_planned_and_sent_again(staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _review(capsys)
    for entry in cache.cache_root().rglob("*.json"):
        if not entry.name.startswith("state-"):
            entry.unlink()
    _review(capsys)
    assert _sent(use_ollama) == 2


def test_no_cache_asks_again_and_then_answers_from_it(staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _review(capsys, "--no-cache")
    _review(capsys, "--no-cache")
    assert _sent(use_ollama) == 2
    _review(capsys)
    assert _sent(use_ollama) == 2


def test_with_the_cache_off_nothing_is_remembered(staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    _config("[review]\ncache = false\n")
    _review(capsys)
    _review(capsys)
    assert _sent(use_ollama) == 2
    assert not list(cache.cache_root().rglob("state-*.json"))


def test_a_cached_review_asks_the_server_nothing(staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str]) -> None:
    from llmdev.backends import ollama

    first = _review(capsys)
    ollama.reset_caches()  # as in a new process: the model's window is not known yet
    asked = len(use_ollama.requests)
    again = _review(capsys)
    assert use_ollama.requests[asked:] == []  # not even /api/show for the window
    assert again["findings"] == first["findings"]


def test_a_smaller_configured_window_is_a_miss(
    staged: GitRepo, use_ollama: Any, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from llmdev.review import context_text

    planned: list[int] = []
    build = context_text.hunk_contexts
    monkeypatch.setattr(context_text, "hunk_contexts", lambda *args, **kwargs: planned.append(1) or build(*args, **kwargs))
    _review(capsys)
    _review(capsys)
    assert len(planned) == 1
    _config("[ollama]\nnum_ctx = 4096\n")  # the window the review is planned for, not asked of the server
    _review(capsys)
    assert len(planned) == 2


def test_the_state_is_read_in_a_thread_that_has_ended_when_it_is_used(staged: GitRepo) -> None:
    import threading

    from llmdev.review.recall import WorktreeState, _worktree_state

    state = WorktreeState(staged.open())
    assert state.result() == _worktree_state(staged.open())
    assert not any(t.name.startswith("llmdev-review-state") for t in threading.enumerate())  # the index may fork now


def test_a_failure_reading_the_state_is_raised_where_it_is_used(staged: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    from llmdev.review import recall

    def broken(repo: Any) -> bytes:
        raise OSError("no git here")

    monkeypatch.setattr(recall, "_worktree_state", broken)
    with pytest.raises(OSError, match="no git here"):
        recall.WorktreeState(staged.open()).result()
