from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llmdev.errors import UsageError
from llmdev.repo.discovery import GitCommandError, open_repository


def test_found_from_a_subdirectory(repo):
    repo.write("src/pkg/mod.py", "x = 1\n")
    found = open_repository(repo.root / "src" / "pkg")
    assert found.root == repo.root
    assert found.git_dir == repo.root / ".git"
    assert found.common_dir == repo.root / ".git"


def test_found_from_the_current_directory(repo, monkeypatch):
    (repo.root / "docs").mkdir()
    monkeypatch.chdir(repo.root / "docs")
    assert open_repository().root == repo.root


def test_outside_a_repository_is_a_usage_error(tmp_path, monkeypatch):
    outside = tmp_path / "plain"
    outside.mkdir()
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    with pytest.raises(UsageError) as caught:
        open_repository(outside)
    assert caught.value.message == f"not inside a git repository: {outside.resolve()}"
    assert "git init" in caught.value.hint


def test_missing_directory_is_a_usage_error(tmp_path):
    with pytest.raises(UsageError, match="not inside a git repository"):
        open_repository(tmp_path / "nope")


def test_repository_without_commits(repo):
    found = open_repository(repo.root)
    assert not found.has_commits()
    assert found.head_sha() is None
    assert found.head_or_empty_tree() == found.empty_tree()
    assert found.empty_tree() == repo.git("hash-object", "-t", "tree", "/dev/null").strip()


def test_detached_head(repo):
    first = repo.commit("one")
    repo.write("a.txt", "a\n")
    repo.commit("two")
    repo.git("checkout", "-q", "--detach", first)
    found = open_repository(repo.root)
    assert found.head_sha() == first
    assert found.has_commits()


def test_head_is_read_from_git_files_as_git_reads_it(repo, tmp_path, monkeypatch):
    """Loose ref, packed ref, detached, a linked worktree's branch: the same id as git, without git;
    an unborn branch and a symbolic ref are left to git."""
    import llmdev.repo.discovery as discovery

    found = open_repository(repo.root)
    real_run_git = discovery.run_git
    assert found.head_sha() is None  # unborn: asked of git
    first = repo.commit("one")
    repo.write("a.txt", "a\n")
    second = repo.commit("two")
    worktree = tmp_path / "wt"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree), first)
    in_worktree = open_repository(worktree)

    def no_git(*args, **kwargs):
        raise AssertionError(f"git was run: {args}")

    monkeypatch.setattr(discovery, "run_git", no_git)
    assert found.head_sha() == second  # loose ref
    assert in_worktree.head_sha() == first  # its own HEAD, the branch in the common dir
    repo.git("pack-refs", "--all")
    assert not (repo.root / ".git" / "refs" / "heads" / "main").exists()
    assert found.head_sha() == second  # packed
    repo.git("checkout", "-q", "--detach", first)
    assert found.head_sha() == first  # detached
    monkeypatch.setattr(discovery, "run_git", real_run_git)
    repo.git("checkout", "-q", "main")
    repo.git("symbolic-ref", "refs/heads/alias", "refs/heads/main")
    repo.git("symbolic-ref", "HEAD", "refs/heads/alias")  # a branch that is itself a symbolic ref
    assert found.head_sha() == repo.git("rev-parse", "HEAD").strip() == second


def test_linked_worktree_has_its_own_git_dir(repo, tmp_path):
    repo.write("a.txt", "a\n")
    repo.commit("one")
    worktree = tmp_path / "wt"
    repo.git("worktree", "add", "-q", "-b", "feature", str(worktree))
    (worktree / "sub").mkdir()
    found = open_repository(worktree / "sub")
    assert found.root == worktree.resolve()
    assert found.common_dir == repo.root / ".git"
    assert found.git_dir == repo.root / ".git" / "worktrees" / "wt"
    assert found.head_sha() == repo.git("rev-parse", "HEAD").strip()


def test_git_runs_in_the_root_and_reports_failures(repo):
    repo.write("sub/a.txt", "a\n")
    found = open_repository(repo.root / "sub")
    assert found.git("ls-files", "-o") == "sub/a.txt\n"
    assert found.git("hash-object", "--stdin", input="a\n").strip() == repo.blob("sub/a.txt")
    with pytest.raises(GitCommandError, match="git rev-parse"):
        found.git("rev-parse", "--verify", "no-such-branch")
    assert not found.git_ok("rev-parse", "--verify", "-q", "no-such-branch")


def test_relative_paths_from_the_command_line(repo):
    (repo.root / "src").mkdir()
    found = open_repository(repo.root)
    assert found.relative("a.py", cwd=repo.root / "src") == "src/a.py"
    assert found.relative("..", cwd=repo.root / "src") == ""
    with pytest.raises(UsageError, match="outside the repository"):
        found.relative("../..", cwd=repo.root / "src")


def test_bare_repository_says_it_is_bare_and_what_to_do(tmp_path):
    bare = tmp_path / "project.git"
    subprocess.run(["git", "init", "-q", "--bare", str(bare)], check=True)
    with pytest.raises(UsageError) as caught:
        open_repository(bare)
    assert caught.value.message == f"{bare.resolve()} is a bare git repository: it has no work tree to read files from"
    assert "git clone" in caught.value.hint and "worktree add" in caught.value.hint


def test_inside_the_git_folder_is_not_the_work_tree(repo):
    with pytest.raises(UsageError, match="inside a repository's git folder"):
        open_repository(repo.root / ".git")


def test_a_head_naming_a_file_outside_the_refs_is_left_to_git(repo):
    commit = repo.commit("one")
    (repo.root / ".git" / "planted").write_text(commit + "\n")
    (repo.root / ".git" / "HEAD").write_text("ref: refs/heads/../../planted\n")
    assert open_repository(repo.root).head_sha() is None  # git refuses that HEAD; its file is not read
