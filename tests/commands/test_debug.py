from __future__ import annotations

import io
import shutil
import json
import sys
from pathlib import Path

import pytest

from llmdev.cli import run
from tests.edits.scratch import make_repo, snapshot

CALC = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"
TEST = "from src.calc import add\n\n\ndef test_add():\n    assert add(2, 3) == 5\n"
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"]


def fix(old: str, new: str) -> str:
    return (
        "Diagnosis: `add` in src/calc.py subtracts instead of adding.\n\n"
        f"src/calc.py\n<<<<<<< SEARCH\ndef add(a, b):\n    return {old}\n=======\ndef add(a, b):\n    return {new}\n>>>>>>> REPLACE\n"
    )


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "proj", {"src/calc.py": CALC, "tests/test_calc.py": TEST})
    monkeypatch.chdir(root)
    return root


def test_fix_applies_and_rerun_passes(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(fix("a - b", "a + b"))
    assert run(["debug", "--fix", "--yes", "--", *PYTEST]) == 0
    prompt = use_ollama.model_requests[0].body["messages"][1]["content"]
    assert "def add(a, b):" in prompt and "return a - b" in prompt  # the faulty function, found via the test's call
    assert "assert add(2, 3) == 5" in prompt
    assert (repo / "src/calc.py").read_text() == CALC.replace("a - b", "a + b")
    captured = capsys.readouterr()
    assert "subtracts instead of adding" in captured.out
    assert "passes after 1 round(s)" in captured.err


def test_second_round_sees_the_failed_attempt(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(fix("a - b", "a * b"), fix("a * b", "a + b"))
    assert run(["debug", "--fix", "--yes", "--max-rounds", "2", "--", *PYTEST]) == 0
    second = use_ollama.model_requests[1].body["messages"][1]["content"]
    assert "Earlier fix that did not work" in second and "+    return a * b" in second
    assert "return a * b" in second.split("# Where it failed")[1]
    assert "passes after 2 round(s)" in capsys.readouterr().err


def test_rounds_run_out(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(fix("a - b", "a * b"))
    assert run(["debug", "--fix", "--yes", "--max-rounds", "1", "--", *PYTEST]) == 1
    assert "still fails after 1 round(s)" in capsys.readouterr().err
    assert run(["undo"]) == 0
    assert (repo / "src/calc.py").read_text() == CALC


def test_without_fix_only_diagnoses(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(fix("a - b", "a + b"))
    before = snapshot(repo)
    assert run(["debug", "--", *PYTEST]) == 0
    captured = capsys.readouterr()
    assert "subtracts" in captured.out and "+    return a + b" in captured.out
    assert "--fix" in captured.err
    assert snapshot(repo) == before


def test_log_file_and_stdin(repo: Path, use_ollama, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    trace = 'Traceback (most recent call last):\n  File "src/calc.py", line 2, in add\n    return a - b\nTypeError: boom\n'
    (tmp_path / "out.log").write_text(trace)
    use_ollama.reply("It is the types.", "Again the types.")
    assert run(["debug", "--log", str(tmp_path / "out.log")]) == 0
    assert "return a - b" in use_ollama.last_body()["messages"][1]["content"]
    monkeypatch.setattr("sys.stdin", io.StringIO(trace))
    assert run(["debug"]) == 0
    assert "output read from stdin" in use_ollama.last_body()["messages"][1]["content"]


def test_dry_run_runs_the_command_but_sends_nothing(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["debug", "--dry-run", "--", *PYTEST]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["command"] == "debug" and "src/calc.py" in payload["files"]
    assert use_ollama.model_requests == []


def test_passing_command_needs_no_model(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["debug", "--", sys.executable, "-c", "print('fine')"]) == 0
    assert "nothing to debug" in capsys.readouterr().err
    assert use_ollama.model_requests == []


def test_timeout_is_reported(repo: Path, use_ollama) -> None:
    use_ollama.reply("It hangs in the loop.")
    assert run(["debug", "--timeout", "1", "--", sys.executable, "-c", "import time; time.sleep(30)"]) == 0
    assert "timed out after" in use_ollama.last_body()["messages"][1]["content"]


def test_usage_errors(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["debug", "--log", "x.log", "--", "true"]) == 2
    assert run(["debug", "--", "no-such-command-xyz"]) == 2
    assert "command not found" in capsys.readouterr().err


@pytest.mark.skipif(shutil.which("node") is None, reason="node is not installed")
def test_node_test_failure_end_to_end(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_ollama) -> None:
    text = "function slugify(title) {\n  return title.toLowerCase().replace(' ', '_');\n}\nmodule.exports = { slugify };\n"
    test = (
        "const test = require('node:test');\nconst assert = require('node:assert');\nconst { slugify } = require('../lib/text');\n"
        "test('slug', () => {\n  assert.strictEqual(slugify('Hello World'), 'hello-world');\n});\n"
    )
    root = make_repo(tmp_path / "js", {"lib/text.js": text, "test/text.test.js": test})
    monkeypatch.chdir(root)
    use_ollama.reply(
        "`slugify` joins words with '_' instead of '-'.\n\nlib/text.js\n<<<<<<< SEARCH\n  return title.toLowerCase().replace(' ', '_');\n"
        "=======\n  return title.toLowerCase().split(' ').join('-');\n>>>>>>> REPLACE\n"
    )
    assert run(["debug", "--fix", "--yes", "--", "node", "--test", "test/"]) == 0
    assert "function slugify(title) {" in use_ollama.model_requests[0].body["messages"][1]["content"]
    assert "split(' ').join('-')" in (root / "lib/text.js").read_text()
