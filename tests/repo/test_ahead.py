"""The git listing begun before the CLI is built (llmdev.repo.ahead, discovery.start_git)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from llmdev.repo import discovery
from llmdev.repo.ahead import start_listing_ahead, work_tree_root
from llmdev.repo.discovery import open_repository
from llmdev.repo.files import list_files


@pytest.fixture(autouse=True)
def nothing_started_between_tests():
    discovery._stop_started()
    yield
    discovery._stop_started()


def started_commands() -> list[tuple[str, ...]]:
    return [args for _, args in discovery._started]


def spawned(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """The git commands run from now on, in order (those begun ahead are not run again)."""
    seen: list[tuple[str, ...]] = []
    real = discovery._popen

    def recording(root: Path, args: tuple[str, ...]) -> "subprocess.Popen[bytes]":
        seen.append(args)
        return real(root, args)

    monkeypatch.setattr(discovery, "_popen", recording)
    return seen


@pytest.mark.parametrize(
    "args, expected",
    [
        (["context", "fix it"], True),
        (["-m", "local", "gen", "add retries"], True),
        (["review", "--staged"], False),
        (["context", "--help"], False),
        (["-m", "local", "map", "-h"], False),
        (["--model", "context", "map"], True),  # "context" is the model's name here
        (["--model=local", "-v", "explain", "a.py"], True),
        (["ask", "context"], False),
        (["config", "show"], False),
        (["--", "context"], False),
        (["-m", "map"], False),  # map is the option's value and no command follows
        ([], False),
    ],
)
def test_only_commands_that_list_at_once_start_git(repo, monkeypatch, args, expected):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    start_listing_ahead(args, cwd=repo.root)
    assert bool(started_commands()) is expected


def test_a_listing_takes_what_was_begun_from_a_subdirectory_and_matches_a_fresh_one(repo, monkeypatch):
    repo.write("src/app.py", "a = 1\n")
    repo.commit("one")
    repo.write("src/app.py", "a = 2\n")
    repo.write("new.py", "b = 1\n")
    fresh = list_files(open_repository(repo.root))
    start_listing_ahead(["context", "task"], cwd=repo.root / "src")
    assert len(started_commands()) == 2
    seen = spawned(monkeypatch)
    assert list_files(open_repository(repo.root / "src")) == fresh
    assert not started_commands()  # taken, so a second listing runs git again
    assert not any(args[:2] in (("ls-files", "-o"), ("diff-files", "--name-only")) for args in seen)


def test_output_begun_too_long_ago_is_thrown_away_and_git_runs_again(repo, monkeypatch):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    start_listing_ahead(["map"], cwd=repo.root)
    procs = [proc for _, proc in discovery._started.values()]
    for proc in procs:
        proc.wait()
    repo.write("later.py", "made after git looked\n")
    monkeypatch.setattr(discovery, "STARTED_FRESH_S", -1.0)
    listing = list_files(open_repository(repo.root))
    assert "later.py" in listing.paths()
    assert all(proc.returncode is not None for proc in procs)


def test_commands_begun_for_another_work_tree_are_not_taken(make_repo, monkeypatch):
    first, second = make_repo("first"), make_repo("second")
    for repo in (first, second):
        repo.write("a.py", "a = 1\n")
        repo.commit("one")
    second.write("only_here.py", "x = 1\n")
    start_listing_ahead(["context", "task"], cwd=first.root)
    assert "only_here.py" in list_files(open_repository(second.root)).paths()
    assert len(started_commands()) == 2  # still waiting for a listing of `first`


def test_nothing_is_begun_outside_a_work_tree_or_when_git_is_told_where_its_files_are(repo, tmp_path, monkeypatch):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    outside = tmp_path / "plain"
    outside.mkdir()
    start_listing_ahead(["context", "task"], cwd=outside)
    assert not started_commands()
    monkeypatch.setenv("GIT_DIR", str(repo.root / ".git"))
    start_listing_ahead(["context", "task"], cwd=repo.root)
    assert not started_commands()


def test_the_root_is_found_from_a_worktree_file_and_resolved(repo, tmp_path):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    worktree = tmp_path / "wt"
    repo.git("worktree", "add", "-q", str(worktree))
    (worktree / "deep" / "er").mkdir(parents=True)
    link = tmp_path / "link"
    link.symlink_to(worktree)
    assert work_tree_root(link / "deep" / "er") == open_repository(worktree).root == worktree.resolve()


def test_commands_nobody_took_are_stopped(repo):
    repo.write("a.py", "a = 1\n")
    repo.commit("one")
    start_listing_ahead(["index"], cwd=repo.root)
    procs = [proc for _, proc in discovery._started.values()]
    discovery._stop_started()
    assert not started_commands()
    assert all(proc.returncode is not None for proc in procs)


def test_the_cli_begins_the_listing_and_its_output_is_unchanged(repo):
    repo.write("src/app.py", "def handle_login():\n    return 1\n")
    repo.commit("one")
    repo.write("src/new_login.py", "def login_again():\n    return 2\n")
    code = (
        "import sys, llmdev.repo.discovery as d, llmdev.repo.files as f, llmdev.cli as c\n"
        "real = d.start_git\n"
        "def start_git(root, *commands):\n"
        "    for args in commands:\n"
        "        print('begun', args[0], args[1], 'after typer' if 'typer' in sys.modules else 'before typer', file=sys.stderr)\n"
        "    return real(root, *commands)\n"
        "d.start_git = f.start_git = start_git\n"
        "sys.argv = ['llmdev', 'context', 'login', '--json']\n"
        "c.main()\n"
    )
    ahead = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=repo.root)
    plain = subprocess.run([sys.executable, "-m", "llmdev", "context", "login", "--json"], capture_output=True, text=True, cwd=repo.root, env={**os.environ, "GIT_WORK_TREE": str(repo.root)})
    assert ahead.returncode == plain.returncode == 0, ahead.stderr + plain.stderr
    assert "begun ls-files -o before typer" in ahead.stderr and "begun diff-files --name-only before typer" in ahead.stderr
    assert ahead.stdout == plain.stdout
    assert "src/new_login.py" in ahead.stdout

