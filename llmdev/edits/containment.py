"""Where a model's edit may write: the one check every write goes through (gen, debug --fix, chat
/edit, undo). A target is resolved with symlinks followed and refused if it is or lies inside any
git directory (the repository's, a worktree's, a submodule's, a nested repository's, however its
name is spelled), inside the hooks directory git runs, or outside the work tree."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path, PurePosixPath

from llmdev.repo.gitnames import folded, is_git_name

DRIVE = re.compile(r"^[A-Za-z]:")
GITFILE = re.compile(r"^gitdir:\s*(.+?)\s*$", re.MULTILINE)


class PathRefused(ValueError):
    """A write target outside what a model may change; the message says why."""


def _looks_like_git_dir(directory: Path) -> bool:
    """A bare repository or git directory under another name: git would run its config and hooks."""
    return (directory / "HEAD").is_file() and (directory / "objects").is_dir() and (directory / "refs").is_dir()


def _gitfile_target(directory: Path) -> Path | None:
    """Where a `.git` file (worktree, submodule) points, if `directory` holds one."""
    marker = directory / ".git"
    if not marker.is_file():
        return None
    try:
        found = GITFILE.search(marker.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return None
    return Path(os.path.realpath(directory / found.group(1))) if found else None


def _git_dirs(root: Path) -> list[Path]:
    """The repository's git directory, common directory and effective hooks directory (core.hooksPath)."""
    try:
        done = subprocess.run(
            ["git", "rev-parse", "--path-format=absolute", "--git-dir", "--git-common-dir", "--git-path", "hooks"],
            cwd=root, capture_output=True, text=True, timeout=30,
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if done.returncode != 0:
        return []
    return [Path(os.path.realpath(line)) for line in done.stdout.splitlines() if line.strip()]


def _inside(path: Path, directory: Path) -> bool:
    return path == directory or directory in path.parents


class WorkTree:
    """The files a model may write under `root`; `contain` turns a path as the model spelled it
    into the real repository-relative path, or raises PathRefused."""

    def __init__(self, root: Path) -> None:
        self.root = Path(os.path.realpath(root))
        self.forbidden = _git_dirs(self.root)

    def _check_spelling(self, path: str) -> PurePosixPath:
        spelled = path.replace("\\", "/")
        if not spelled.strip() or "\0" in spelled:
            raise PathRefused("the path is empty or contains a NUL byte")
        if spelled.startswith("/") or DRIVE.match(spelled):
            raise PathRefused("absolute paths are refused: give a path relative to the repository root")
        pure = PurePosixPath(spelled)
        if any(folded(part) == ".." for part in pure.parts):
            raise PathRefused("paths with '..' are refused: give a path inside the repository")
        if any(is_git_name(part) for part in pure.parts):
            raise PathRefused("files in a .git directory (git's config and hooks) are never edited")
        return pure

    def _check_real(self, real: Path) -> None:
        if not _inside(real, self.root) or real == self.root:
            raise PathRefused(f"it resolves to {real}, outside the work tree {self.root}")
        relative = PurePosixPath(real.relative_to(self.root).as_posix())
        if any(is_git_name(part) for part in relative.parts):
            raise PathRefused(f"it resolves to {relative.as_posix()}, inside a .git directory (through a symbolic link)")
        for directory in self.forbidden:
            if _inside(real, directory):
                raise PathRefused(f"it resolves to {relative.as_posix()}, inside git's directory or its hooks ({directory})")
        ancestor = self.root
        for part in relative.parts[:-1]:
            ancestor = ancestor / part
            if _looks_like_git_dir(ancestor):
                raise PathRefused(f"{ancestor.relative_to(self.root).as_posix()} is a git repository's own directory")
        self._check_gitfiles(real, relative)

    def _check_gitfiles(self, real: Path, relative: PurePosixPath) -> None:
        for depth in range(len(relative.parts)):
            target = _gitfile_target(self.root.joinpath(*relative.parts[:depth]))
            if target is not None and _inside(real, target):
                raise PathRefused(f"it resolves to {relative.as_posix()}, inside the git directory a .git file points to")

    def contain(self, path: str) -> str:
        """The real path (symlinks followed) relative to the root, with '/', or PathRefused."""
        pure = self._check_spelling(path)
        real = Path(os.path.realpath(self.root / pure))
        self._check_real(real)
        return real.relative_to(self.root).as_posix()


def contain(root: Path, path: str) -> str:
    """`WorkTree(root).contain(path)` for a single path."""
    return WorkTree(root).contain(path)
