from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from llmdev.cli import run
from llmdev.edits.journal import entries
from tests.edits.scratch import git, make_repo, snapshot

CALC = "def add(a, b):\n    return a - b\n\n\ndef mul(a, b):\n    return a * b\n"
FIX = "Fix add.\n\ncalc.py\n<<<<<<< SEARCH\ndef add(a, b):\n    return a - b\n=======\ndef add(a, b):\n    return a + b\n>>>>>>> REPLACE\n\nCommit message: Make add add\n"


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = make_repo(tmp_path / "proj", {"calc.py": CALC, "README.md": "# calc\n"})
    monkeypatch.chdir(root)
    return root


def test_show_prompt_sends_nothing_and_shows_the_prompt(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["gen", "--show-prompt", "make add add", "calc.py"]) == 0
    payload = json.loads(capsys.readouterr().out)
    assert payload["files"] == ["calc.py"]
    assert "whole new text" in payload["messages"][0]["content"]  # llama3.1:8b (`local`) gets whole files
    assert "<<<<<<< SEARCH" not in payload["messages"][0]["content"]
    assert "return a - b" in payload["messages"][1]["content"] and "make add add" in payload["messages"][1]["content"]
    assert use_ollama.model_requests == []


def test_configured_edit_format_is_the_one_asked_for(repo: Path, use_ollama, isolated_env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (isolated_env / "config" / "config.toml").write_text('[gen.edit_format]\n"ollama/*" = "search-replace"\n')
    assert run(["gen", "--show-prompt", "make add add", "calc.py"]) == 0
    assert "<<<<<<< SEARCH" in json.loads(capsys.readouterr().out)["messages"][0]["content"]


def test_whole_file_answer_is_applied_through_the_same_path(repo: Path, use_ollama) -> None:
    use_ollama.reply("Fixed.\n\ncalc.py\n```python\n" + CALC.replace("a - b", "a + b") + "```\n\nCommit message: Make add add\n")
    assert run(["gen", "--yes", "make add add", "calc.py"]) == 0
    assert (repo / "calc.py").read_text() == CALC.replace("a - b", "a + b")
    assert run(["undo"]) == 0 and (repo / "calc.py").read_text() == CALC


def test_yes_applies_and_undo_restores(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(FIX)
    assert run(["gen", "--yes", "make add add", "calc.py"]) == 0
    out = capsys.readouterr()
    assert (repo / "calc.py").read_text() == CALC.replace("a - b", "a + b")
    assert "-    return a - b\n+    return a + b" in out.out
    assert "llmdev undo" in out.err
    assert len(entries(Path(git(repo, "rev-parse", "--absolute-git-dir").strip()))) == 1
    assert run(["undo"]) == 0
    assert (repo / "calc.py").read_text() == CALC
    assert run(["undo"]) == 1
    assert "no change to undo" in capsys.readouterr().err


def test_undo_refuses_after_the_file_was_edited(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(FIX)
    assert run(["gen", "--yes", "make add add", "calc.py"]) == 0
    (repo / "calc.py").write_text("# mine\n")
    assert run(["undo"]) == 1
    assert "changed after llmdev wrote them" in capsys.readouterr().err
    assert (repo / "calc.py").read_text() == "# mine\n"


def test_failed_block_gets_feedback_then_applies(repo: Path, use_ollama) -> None:
    wrong = FIX.replace("    return a - b\n=", "    return a-b\n=")
    use_ollama.reply(wrong, FIX)
    assert run(["gen", "--yes", "make add add", "calc.py"]) == 0
    feedback = use_ollama.last_body()["messages"][-1]["content"]
    assert "SEARCH does not match" in feedback and "return a - b" in feedback
    assert (repo / "calc.py").read_text() == CALC.replace("a - b", "a + b")


def test_failure_after_feedback_changes_nothing(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    bad = "calc.py\n<<<<<<< SEARCH\nnot there\n=======\nx\n>>>>>>> REPLACE\nREADME.md\n<<<<<<< SEARCH\n# calc\n=======\n# Calc\n>>>>>>> REPLACE\n"
    use_ollama.reply(bad, bad)
    before = snapshot(repo)
    assert run(["gen", "--yes", "do it", "calc.py", "README.md"]) == 1
    err = capsys.readouterr().err
    assert "no file was changed" in err and "(calc.py): SEARCH does not match" in err and "README" not in err
    assert snapshot(repo) == before


def test_dirty_file_needs_allow_dirty(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "calc.py").write_text(CALC + "# wip\n")
    assert run(["gen", "--yes", "make add add", "calc.py"]) == 2
    assert "uncommitted changes" in capsys.readouterr().err
    assert use_ollama.model_requests == []
    use_ollama.reply(FIX)
    assert run(["gen", "--yes", "--allow-dirty", "make add add", "calc.py"]) == 0
    assert (repo / "calc.py").read_text().endswith("return a + b\n\n\ndef mul(a, b):\n    return a * b\n# wip\n")


def test_patch_is_accepted_by_git_apply(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(FIX)
    assert run(["gen", "--patch", "make add add", "calc.py"]) == 0
    patch = capsys.readouterr().out
    assert (repo / "calc.py").read_text() == CALC
    subprocess.run(["git", "apply", "-"], cwd=repo, input=patch.encode(), check=True)
    assert (repo / "calc.py").read_text() == CALC.replace("a - b", "a + b")


def test_commit_uses_the_generated_message(repo: Path, use_ollama) -> None:
    use_ollama.reply(FIX)
    assert run(["gen", "--yes", "--commit", "make add add", "calc.py"]) == 0
    assert git(repo, "log", "-1", "--format=%s").strip() == "Make add add"
    assert git(repo, "status", "--porcelain").strip() == ""


def test_without_yes_and_no_terminal_nothing_is_written(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(FIX, FIX)
    assert run(["gen", "make add add", "calc.py"]) == 1  # nothing applied is not success
    assert "error: not applied: stdin is not a terminal, so llmdev cannot ask — run again with --yes" in capsys.readouterr().err
    assert run(["gen", "--no-apply", "make add add", "calc.py"]) == 0
    captured = capsys.readouterr()
    assert "+    return a + b" in captured.out and "dry run: nothing was written" in captured.err
    assert (repo / "calc.py").read_text() == CALC


def test_dry_run_shows_the_diff_and_writes_nothing(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    use_ollama.reply(FIX)
    assert run(["gen", "--dry-run", "--yes", "make add add", "calc.py"]) == 0
    assert "+    return a + b" in capsys.readouterr().out
    assert (repo / "calc.py").read_text() == CALC
    assert len(use_ollama.model_requests) == 1


def test_ranked_files_are_added_when_none_named(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["gen", "--show-prompt", "fix the add function so that add returns the sum"]) == 0
    captured = capsys.readouterr()
    assert "added to the context: calc.py" in captured.err
    assert "return a - b" in json.loads(captured.out)["messages"][1]["content"]


def test_files_beyond_the_budget_are_listed_by_path_and_symbols(tmp_path: Path, use_ollama, monkeypatch, isolated_env: Path, capsys) -> None:
    files = {f"pkg/shape_{i}.py": f"def area_of_shape_{i}(w, h):\n    return w * h * {i}\n" * 40 for i in range(8)}
    monkeypatch.chdir(make_repo(tmp_path / "shapes", files))
    (isolated_env / "config" / "config.toml").write_text("[gen]\ncontext_tokens = 1500\nmap_tokens = 0\n")
    assert run(["gen", "--show-prompt", "fix the area of shape computation"]) == 0
    payload = json.loads(capsys.readouterr().out)
    user = payload["messages"][1]["content"]
    listed = user.split("# Other files that may be relevant", 1)[1].split("Files named that do not exist yet", 1)[0]
    assert 'kind="map" path="pkg/shape_' in listed and ": area_of_shape_" in listed
    assert not set(payload["files"]) & set(re.findall(r'path="([^"]+)"', listed))  # listed files are not shown
    assert "by path" in payload["messages"][0]["content"]


def test_private_paths_stay_out_of_the_ranked_context_the_list_and_the_map(tmp_path: Path, use_ollama, monkeypatch, isolated_env: Path, capsys) -> None:
    code = "def area_of_shape(w, h):\n    return w * h\n"
    files = {"vault/shape.py": code, "open/shape.py": code, **{f"pkg/shape_{i}.py": code.replace("area", f"area{i}") * 30 for i in range(6)}}
    monkeypatch.chdir(make_repo(tmp_path / "shapes", files))
    (isolated_env / "config" / "config.toml").write_text('[privacy]\npaths = ["vault/"]\n[gen]\ncontext_tokens = 900\n')
    assert run(["gen", "--show-prompt", "fix the area of shape computation"]) == 0
    payload = json.loads(capsys.readouterr().out)
    text = "".join(m["content"] for m in payload["messages"])
    assert "open/shape.py" in text and "vault/" not in text


def test_new_file(repo: Path, use_ollama) -> None:
    use_ollama.reply("pkg/util.py\n<<<<<<< SEARCH\n=======\ndef helper():\n    return 1\n>>>>>>> REPLACE\n")
    assert run(["gen", "--yes", "add a helper", "pkg/util.py"]) == 0
    assert (repo / "pkg/util.py").read_text() == "def helper():\n    return 1\n"
    assert run(["undo"]) == 0
    assert not (repo / "pkg").exists()


def test_model_flag_reaches_the_openai_server(repo: Path, use_openai) -> None:
    use_openai.reply(FIX)
    assert run(["gen", "-m", "gpt4o", "--yes", "make add add", "calc.py"]) == 0
    assert use_openai.last_body()["model"] == "gpt-4o"
    assert (repo / "calc.py").read_text() == CALC.replace("a - b", "a + b")


def test_a_named_file_that_leads_outside_the_repository_is_refused(repo: Path, use_ollama, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.parent / "credentials").write_text("[default]\naws_secret_access_key = x\n")
    (repo / "settings.py").symlink_to("../credentials")
    assert run(["gen", "--show-prompt", "tidy the settings", "settings.py"]) == 2
    err = " ".join(capsys.readouterr().err.split())
    assert "settings.py leads outside the repository" in err and "aws_secret" not in err
    assert use_ollama.model_requests == []
