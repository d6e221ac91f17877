"""The hooks at work: real `git commit`s blocked, allowed, skipped; fail open and fail closed."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest

from llmdev.hooks.install import install_hook
from llmdev.hooks.skips import recent_skips
from llmdev.repo.discovery import open_repository
from tests.review.support import CALC, CALC_BROKEN, GitRepo, finding, reply, user_prompt
from tests.servers.base import closed_port_url

CRITICAL = reply(finding("calc.py", 7, "critical", "eval of user input", category="security"))
MINOR = reply(finding("calc.py", 2, "low", "name could be clearer"))


def _install(project: GitRepo, *names: str) -> None:
    repo = open_repository(project.root)
    for name in names or ("pre-commit",):
        install_hook(repo, name)


def _head(project: GitRepo) -> str:
    return project.git("rev-parse", "HEAD").strip()


def test_a_commit_with_a_blocking_finding_is_refused(project: GitRepo, use_ollama: Any) -> None:
    _install(project)
    project.stage("calc.py", CALC_BROKEN)
    before = _head(project)
    use_ollama.reply(CRITICAL)
    done = project.run("commit", "-m", "break things")
    assert done.returncode != 0 and _head(project) == before
    assert "llmdev: calc.py:7: critical: eval of user input (security)" in done.stderr
    assert "commit blocked by 1 finding(s) at or above high" in done.stderr


def test_findings_below_the_threshold_are_shown_and_the_commit_goes_through(project: GitRepo, use_ollama: Any) -> None:
    _install(project)
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply(MINOR)
    done = project.run("commit", "-m", "small change")
    assert done.returncode == 0, done.stderr
    assert "llmdev: calc.py:2: low: name could be clearer" in done.stderr


def test_the_hook_reviews_the_staged_snapshot_only(project: GitRepo, use_ollama: Any) -> None:
    _install(project)
    project.stage("calc.py", CALC_BROKEN)
    project.write("calc.py", CALC + "# work in progress, not staged\n")
    use_ollama.reply(reply())
    assert project.run("commit", "-m", "staged part").returncode == 0
    prompt = user_prompt(use_ollama.last_body())
    assert "eval(input())" in prompt and "work in progress" not in prompt


def test_the_threshold_comes_from_the_config(project: GitRepo, use_ollama: Any) -> None:
    _install(project)
    project.write(".llmdev.toml", '[review.hook]\nblock_on = "low"\n')
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.reply(MINOR)
    assert project.run("commit", "-m", "x").returncode != 0


def test_an_unreachable_model_fails_open_visibly(project: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(project)
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    project.stage("calc.py", CALC_BROKEN)
    done = project.run("commit", "-m", "offline")
    assert done.returncode == 0, done.stderr
    warnings = [line for line in done.stderr.splitlines() if "review skipped, commit allowed" in line]
    assert len(warnings) == 1 and "Ollama" in warnings[0]
    [skip] = recent_skips(open_repository(project.root))
    assert skip.hook == "pre-commit" and "Ollama" in skip.reason


def test_a_slow_model_fails_open_after_the_timeout(project: GitRepo, use_ollama: Any) -> None:
    _install(project)
    project.write(".llmdev.toml", "[review.hook]\ntimeout = 1\n")
    project.stage("calc.py", CALC_BROKEN)
    use_ollama.delay_first = 10
    use_ollama.reply(CRITICAL)
    done = project.run("commit", "-m", "slow")
    assert done.returncode == 0, done.stderr
    assert "review skipped, commit allowed" in done.stderr


def test_fail_closed_blocks_when_the_model_is_unreachable(project: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(project)
    project.write(".llmdev.toml", "[review.hook]\nfail_closed = true\n")
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    project.stage("calc.py", CALC_BROKEN)
    before = _head(project)
    done = project.run("commit", "-m", "offline")
    assert done.returncode != 0 and _head(project) == before
    assert "commit blocked: the review could not run" in done.stderr


def test_llmdev_skip_and_no_verify(project: GitRepo, use_ollama: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(project)
    use_ollama.reply_with(CRITICAL)
    project.stage("calc.py", CALC_BROKEN)
    assert project.run("commit", "--no-verify", "-m", "no verify").returncode == 0
    project.stage("calc.py", CALC_BROKEN + "# again\n")
    monkeypatch.setenv("LLMDEV_SKIP", "1")
    done = project.run("commit", "-m", "skipped")
    assert done.returncode == 0 and "review skipped (LLMDEV_SKIP=1)" in done.stderr
    assert use_ollama.model_requests == []


def test_a_chained_hook_runs_first_and_can_block(project: GitRepo, use_ollama: Any) -> None:
    hook = project.root / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\necho chained >> \"$(git rev-parse --git-dir)/ran\"\nexit ${CHAINED_EXIT:-0}\n")
    hook.chmod(0o755)
    _install(project)
    use_ollama.reply_with(reply())
    project.stage("calc.py", CALC_BROKEN)
    assert project.run("commit", "-m", "both ran").returncode == 0
    assert (project.root / ".git" / "ran").read_text() == "chained\n" and len(use_ollama.model_requests) == 1
    project.stage("calc.py", CALC)
    env = dict(os.environ, CHAINED_EXIT="1")
    assert project.run("commit", "-m", "blocked by the other hook", env=env).returncode != 0
    assert len(use_ollama.model_requests) == 1  # llmdev did not run after the chained hook failed


def test_prepare_commit_msg_writes_a_message_only_when_none_was_given(project: GitRepo, use_ollama: Any) -> None:
    _install(project, "prepare-commit-msg")
    env = dict(os.environ, GIT_EDITOR="true")
    use_ollama.reply("```\nFix add to subtract\n- and evaluate input\n```")
    project.stage("calc.py", CALC_BROKEN)
    assert project.run("commit", env=env).returncode == 0
    assert project.git("log", "-1", "--format=%B").strip() == "Fix add to subtract\n\n- and evaluate input"
    body = use_ollama.last_body()
    assert "eval(input())" in user_prompt(body) and "initial" in user_prompt(body)
    project.stage("calc.py", CALC)
    assert project.run("commit", "-m", "my own words", env=env).returncode == 0
    assert project.git("log", "-1", "--format=%B").strip() == "my own words"
    assert len(use_ollama.model_requests) == 1


def test_prepare_commit_msg_never_blocks(project: GitRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    _install(project, "prepare-commit-msg")
    monkeypatch.setenv("OLLAMA_HOST", closed_port_url())
    project.stage("calc.py", CALC_BROKEN)
    done = project.run("commit", env=dict(os.environ, GIT_EDITOR="true"))
    # git aborts a commit whose message is empty; the hook itself must not be the reason
    assert "no commit message written" in done.stderr
    assert "Aborting commit due to empty commit message" in done.stderr
    log = json.loads((project.root / ".git" / "llmdev" / "hook-skips.jsonl").read_text().splitlines()[-1])
    assert log["hook"] == "prepare-commit-msg"


def test_commit_all_reviews_what_git_is_about_to_commit(project: GitRepo, use_ollama: Any) -> None:
    _install(project)
    project.write("calc.py", CALC_BROKEN)  # not staged: `git commit -a` stages it into a temporary index
    use_ollama.reply(CRITICAL)
    done = project.run("commit", "-a", "-m", "all")
    assert done.returncode != 0, done.stderr
    assert "eval(input())" in user_prompt(use_ollama.last_body())
