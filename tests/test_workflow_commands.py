"""Under GitHub Actions, what commands other than `review` print on stdout (streamed answers, patches,
JSON) must not act as workflow commands; outside it, and when no line could act, output is unchanged."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmdev.cli import run
from llmdev.workflow_commands import StreamGuard, dump_json
from tests.edits.scratch import make_repo
from tests.review.workflow_log import commands_run
from tests.servers.ollama import OllamaServer

# Every attack carries the word "injected": no command the runner acts on may contain it.
HOSTILE = ("Sure.\n::error file=app.py,line=1::injected-answer\n  ::add-mask::injected-indented\n"
           "see ##[warning]injected-legacy mid-line\n\u200b::notice::injected-zero-width\n"
           "::stop-commands::guess\n::guess::\n::error::injected-after-forged-stop")
CALC = "def add(a, b):\n    return a - b\n"


def _without_fence(out: str) -> str:
    lines = out.splitlines(keepends=True)
    assert lines[1].startswith("::stop-commands::llmdev-") and lines[-1] == f"::{lines[1].split('::')[2].strip()}::\n"
    return "".join(lines[:1] + lines[2:-1])


@pytest.mark.parametrize("pieces", [
    [HOSTILE],
    list(HOSTILE),  # one character at a time: `::` split across chunks
    [HOSTILE[i:i + 3] for i in range(0, len(HOSTILE), 3)],
])
def test_stream_guard_fences_from_the_first_line_that_could_act(pieces: list[str]) -> None:
    guard = StreamGuard()
    out = "".join(guard.feed(p) for p in pieces) + guard.finish()
    assert commands_run(out) == []
    assert out.startswith("Sure.\n::stop-commands::llmdev-")  # the harmless first line is not held back
    assert _without_fence(out) == HOSTILE + "\n"


def test_stream_guard_leaves_harmless_text_alone() -> None:
    guard = StreamGuard()
    text = "a: b\nc :: d\n# heading\nno newline at the end"
    assert "".join(guard.feed(c) for c in text) + guard.finish() == text + "\n"


def test_json_output_is_the_same_data_and_no_line_acts() -> None:
    data = {"path": "##[error]injected.py", "text": "\n::error::injected\n", "name": "café"}
    out = dump_json(data)
    assert json.loads(out) == data
    assert commands_run(out) == []


def test_ask_answer_cannot_start_a_command(use_ollama: OllamaServer, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    use_ollama.reply(HOSTILE)
    assert run(["ask", "hi"]) == 0
    out, err = capsys.readouterr()
    assert commands_run(out) == [] and commands_run(err) == []
    assert _without_fence(out) == HOSTILE + "\n"


def test_ask_answer_is_unchanged_when_nothing_could_act(use_ollama: OllamaServer, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    use_ollama.reply("Use `a::b` in C++; see issue #12.")
    assert run(["ask", "hi"]) == 0
    assert capsys.readouterr().out == "Use `a::b` in C++; see issue #12.\n"


@pytest.mark.parametrize("flag", ["--dry-run", "--patch"])
def test_gen_diff_cannot_start_a_command(tmp_path: Path, use_ollama: OllamaServer, monkeypatch: pytest.MonkeyPatch,
                                          capfdbinary: pytest.CaptureFixture[bytes], flag: str) -> None:
    monkeypatch.chdir(make_repo(tmp_path / "proj", {"calc.py": CALC}))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    new = CALC.replace("a - b", "a + b  # ##[error]injected-in-code") + "::warning::injected-line\n"
    use_ollama.reply(f"Fixed.\n\ncalc.py\n```python\n{new}```\n\nCommit message: Make add add\n")
    assert run(["gen", flag, "--yes", "make add add", "calc.py"]) == 0
    captured = capfdbinary.readouterr()
    out = captured.out.decode()
    assert "+::warning::injected-line" in out  # the patch is all there
    assert commands_run(out) == [] and commands_run(captured.err.decode()) == []


def test_context_json_with_a_hostile_file_name(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(make_repo(tmp_path / "proj", {"calc.py": CALC, "##[error]injected.py": "def add_twice(a):\n    return a\n"}))
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    assert run(["context", "--json", "add"]) == 0
    out = capsys.readouterr().out
    assert "##[error]injected.py" in json.dumps(json.loads(out))
    assert commands_run(out) == []
