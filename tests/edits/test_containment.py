"""The one containment check every write passes: real paths, .git in any spelling, git's own folders."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.edits.atomic import WriteRefused, write_changes
from llmdev.edits.containment import PathRefused, WorkTree, folded, is_git_name
from llmdev.edits.plan import FileChange
from tests.edits.scratch import git, make_repo, write_files


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "proj", {"src/app.py": "x = 1\n"})


@pytest.mark.parametrize("name", [".git", ".GIT", ".Git.", ".git ", "GIT~1", "\uff0egit", ".g\u200bit", ".git::$INDEX_ALLOCATION", ".\u0047it"])
def test_every_spelling_of_git_folds_to_it(name: str) -> None:
    assert folded(name) in {".git", "git~1"} and is_git_name(name)


@pytest.mark.parametrize("name", [".gitignore", ".github", "git", ".gitx", "\u0435git"])
def test_look_alikes_that_are_other_names_stay_other_names(name: str) -> None:
    assert not is_git_name(name)


def test_real_path_is_returned(repo: Path) -> None:
    (repo / "alias").symlink_to("src")
    assert WorkTree(repo).contain("alias/app.py") == "src/app.py"
    assert WorkTree(repo).contain("./src\\new.py") == "src/new.py"


@pytest.mark.parametrize("path", ["", "/etc/passwd", "C:/x", "../x", "src/../../x", ".git/config", "src/.GIT/x", "a\0b"])
def test_spellings_refused(repo: Path, path: str) -> None:
    with pytest.raises(PathRefused):
        WorkTree(repo).contain(path)


def test_hooks_path_inside_the_tree_is_refused(repo: Path) -> None:
    git(repo, "config", "core.hooksPath", "tools/hooks")
    with pytest.raises(PathRefused, match="hooks"):
        WorkTree(repo).contain("tools/hooks/pre-commit")
    assert WorkTree(repo).contain("tools/other.sh") == "tools/other.sh"


def test_a_linked_worktree_cannot_reach_the_main_git_dir(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", str(tmp_path / "wt"))
    (tmp_path / "wt" / "meta").symlink_to(repo / ".git")
    with pytest.raises(PathRefused):
        WorkTree(tmp_path / "wt").contain("meta/config")


def test_writer_refuses_everything_if_one_target_is_off_limits(repo: Path) -> None:
    (repo / "gitdir").symlink_to(".git")
    config = (repo / ".git" / "config").read_bytes()
    changes = [FileChange("src/app.py", b"x = 1\n", b"x = 2\n", 0o644), FileChange("gitdir/config", config, b"[core]\n\tfsmonitor = x\n", 0o644)]
    with pytest.raises(WriteRefused, match="gitdir/config"):
        write_changes(repo, changes)
    assert (repo / "src/app.py").read_bytes() == b"x = 1\n" and (repo / ".git" / "config").read_bytes() == config


def test_writer_refuses_a_nested_repository_s_git_dir(repo: Path) -> None:
    make_repo(repo / "vendor" / "lib", {"a.txt": "a\n"})
    write_files(repo, {"vendor/lib/ok.txt": "ok\n"})
    with pytest.raises(WriteRefused):
        write_changes(repo, [FileChange("vendor/lib/.git/hooks/post-checkout", None, b"#!/bin/sh\n")])
    write_changes(repo, [FileChange("vendor/lib/ok.txt", b"ok\n", b"fine\n", 0o644)])  # its work tree is fine
    assert not (repo / "vendor/lib/.git/hooks/post-checkout").exists()
