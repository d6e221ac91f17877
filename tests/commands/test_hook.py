"""`llmdev hook install | status | uninstall | run`."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.cli import run
from tests.review.support import CALC, GitRepo


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo.create(tmp_path / "project", {"calc.py": CALC})
    monkeypatch.chdir(repo.root)
    return repo


def test_install_status_uninstall(project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    hooks = project.root / ".git" / "hooks"
    (hooks / "pre-commit").write_text("#!/bin/sh\nexit 0\n")
    assert run(["hook", "install"]) == 0
    err = capsys.readouterr().err
    assert "kept your existing pre-commit hook" in err and "LLMDEV_SKIP=1" in err
    assert not (hooks / "prepare-commit-msg").exists()
    assert run(["hook", "status"]) == 0
    out = capsys.readouterr().out
    assert f"hooks directory: {hooks}" in out
    assert "pre-commit: installed (runs pre-commit.llmdev-chained first)" in out
    assert "prepare-commit-msg: not installed" in out
    assert "blocks at: high; timeout 120s; fail open" in out
    assert run(["hook", "uninstall"]) == 0
    assert (hooks / "pre-commit").read_text() == "#!/bin/sh\nexit 0\n"
    assert run(["hook", "uninstall"]) == 0
    assert "no llmdev hook is installed" in capsys.readouterr().err


def test_install_with_commit_msg_from_flag_or_config(project: GitRepo) -> None:
    hooks = project.root / ".git" / "hooks"
    assert run(["hook", "install", "--commit-msg"]) == 0
    assert (hooks / "prepare-commit-msg").is_file()
    assert run(["hook", "uninstall"]) == 0
    assert not (hooks / "prepare-commit-msg").exists()
    project.write(".llmdev.toml", "[review.hook]\ncommit_msg = true\n")
    assert run(["hook", "install"]) == 0
    assert (hooks / "prepare-commit-msg").is_file()


def test_run_with_nothing_staged_is_silent(project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["hook", "run", "pre-commit"]) == 0
    assert capsys.readouterr().err == ""


def test_run_with_a_broken_config_lets_the_commit_through(project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    project.write(".llmdev.toml", "[review]\nno_such_key = 1\n")
    assert run(["hook", "run", "pre-commit"]) == 0
    assert "pre-commit skipped, commit allowed" in capsys.readouterr().err


def test_run_an_unknown_hook_is_a_usage_error(project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["hook", "run", "pre-push"]) == 2
    assert "unknown hook 'pre-push'" in capsys.readouterr().err
