"""Security corpus for the hooks: any failure to start llmdev lets the commit through, visibly; the
user's fail_closed beats the repository's config; a hooks directory shared through git is not rewritten."""

from __future__ import annotations

import hashlib
import os
import stat
import sys
from pathlib import Path
from typing import Any

import pytest

from llmdev.cli import run
from llmdev.hooks.install import install_hook
from llmdev.repo.discovery import open_repository
from tests.review.support import CALC_BROKEN, GitRepo, finding, reply
from tests.servers.base import closed_port_url

CRITICAL = reply(finding("calc.py", 7, "critical", "eval of user input", category="security"))
TEAM_HOOK = "#!/bin/sh\necho team hook ran\n"
# Interpreters that fail before llmdev reviews anything, as after `pip uninstall llmdev` or a broken install.
BROKEN_STARTS = {
    "no module named llmdev": f'exec "{sys.executable}" -I -S "$@"',  # no site-packages: llmdev is gone
    "import error": f'exec "{sys.executable}" -c "import sys; sys.modules[\'llmdev\'] = None; import runpy; runpy.run_module(\'llmdev\')"',
    "crash": 'kill -SEGV $$',
    "usage error": f'exec "{sys.executable}" -m llmdev --no-such-global-option',
}


def _head(project: GitRepo) -> str:
    return project.git("rev-parse", "HEAD").strip()


def _fake_python(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "bin" / "python"
    path.parent.mkdir(exist_ok=True)
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.mark.parametrize("kind", list(BROKEN_STARTS))
def test_any_failure_to_start_llmdev_lets_the_commit_through_with_a_warning(
        project: GitRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, use_ollama: Any, kind: str) -> None:
    monkeypatch.setattr(sys, "executable", str(_fake_python(tmp_path, BROKEN_STARTS[kind])))
    install_hook(open_repository(project.root), "pre-commit")
    monkeypatch.undo()
    use_ollama.reply_with(CRITICAL)  # llmdev would block, if it ran
    project.stage("calc.py", CALC_BROKEN)
    before = _head(project)
    done = project.run("commit", "-m", "llmdev cannot start", env={**os.environ, "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    assert _head(project) != before
    warning = [line for line in done.stderr.splitlines() if line.startswith("llmdev: could not run (exit status ")]
    assert len(warning) == 1 and "pre-commit review skipped, commit allowed" in warning[0]
    assert use_ollama.model_requests == []
    if kind == "no module named llmdev":
        assert "No module named llmdev" in done.stderr


def test_a_blocking_verdict_still_blocks_through_the_script(project: GitRepo, use_ollama: Any) -> None:
    install_hook(open_repository(project.root), "pre-commit")
    use_ollama.reply_with(CRITICAL)
    project.stage("calc.py", CALC_BROKEN)
    before = _head(project)
    done = project.run("commit", "-m", "blocked")
    assert done.returncode == 1 and _head(project) == before
    assert "could not run" not in done.stderr and "commit blocked by 1 finding(s)" in done.stderr


def _user_config(text: str) -> None:
    from llmdev.config.loader import user_config_path

    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.mark.parametrize("repo_config", ["[review.hook]\nfail_closed = false\n",  # a valid config that loosens
                                         "[review.hook]\nfail_closed = nope\n",  # one that is broken
                                         "[review\n"])  # one that is not even TOML
def test_the_users_fail_closed_wins_over_the_repository(project: GitRepo, monkeypatch: pytest.MonkeyPatch, repo_config: str) -> None:
    install_hook(open_repository(project.root), "pre-commit")
    _user_config("[review.hook]\nfail_closed = true\n")
    project.write(".llmdev.toml", repo_config)
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    project.stage("calc.py", CALC_BROKEN)
    before = _head(project)
    done = project.run("commit", "-m", "offline")
    assert done.returncode == 1 and _head(project) == before, done.stderr
    assert "llmdev: commit blocked" in done.stderr


def test_a_repository_may_tighten_fail_closed(project: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    _user_config("[review.hook]\nfail_closed = false\n")
    project.write(".llmdev.toml", "[review.hook]\nfail_closed = true\n")
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    project.stage("calc.py", CALC_BROKEN)
    assert run(["hook", "run", "pre-commit"]) == 1


def test_without_the_users_fail_closed_a_broken_repository_config_fails_open(
        project: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    project.write(".llmdev.toml", "[review\n")
    project.stage("calc.py", CALC_BROKEN)
    assert run(["hook", "run", "pre-commit"]) == 0
    assert "pre-commit skipped, commit allowed" in capsys.readouterr().err


def _tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file() and ".git" not in p.relative_to(root).parts):
        digest.update(str(path.relative_to(root)).encode() + b"\0" + path.read_bytes() + oct(path.stat().st_mode).encode())
    return digest.hexdigest()


@pytest.fixture
def team_hooks(project: GitRepo) -> GitRepo:
    project.write(".githooks/pre-commit", TEAM_HOOK)
    (project.root / ".githooks" / "pre-commit").chmod(0o755)
    project.commit("team hooks")
    project.git("config", "core.hooksPath", ".githooks")
    return project


def test_install_refuses_to_rewrite_a_tracked_hooks_directory(team_hooks: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    before = _tree_hash(team_hooks.root)
    assert run(["hook", "install"]) == 2
    err = capsys.readouterr().err
    assert "shared with everyone who clones this repository (git tracks files in it)" in err and "--tracked" in err
    assert _tree_hash(team_hooks.root) == before
    assert team_hooks.git("status", "--porcelain") == ""


def test_install_refuses_an_untracked_but_not_ignored_hooks_directory(project: GitRepo) -> None:
    project.git("config", "core.hooksPath", "hooks")
    assert run(["hook", "install"]) == 2
    assert not (project.root / "hooks").exists()


def test_tracked_install_writes_a_portable_hook_with_no_path_of_this_machine(team_hooks: GitRepo) -> None:
    assert run(["hook", "install", "--tracked"]) == 0
    written = (team_hooks.root / ".githooks" / "pre-commit").read_text()
    assert sys.executable not in written and sys.prefix not in written and str(Path.home()) not in written
    assert "python=''" in written
    assert (team_hooks.root / ".githooks" / "pre-commit.llmdev-chained").read_text() == TEAM_HOOK
