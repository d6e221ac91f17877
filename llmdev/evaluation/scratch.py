"""A private checkout of the repository for looking at old commits, so the user's work tree is never touched.

It is a `git clone --shared` in the user cache dir: it borrows the repository's objects (any commit
reachable there can be checked out without copying), and keeps its own code index between runs,
started from a copy of the repository's (`seed_index`).
"""

from __future__ import annotations

import hashlib
import shutil
from typing import TYPE_CHECKING

from llmdev.errors import LlmdevError
from llmdev.repo.discovery import GitCommandError, Repository, open_repository, run_git

if TYPE_CHECKING:
    from pathlib import Path


def scratch_dir(repo: Repository, slot: int = 0) -> "Path":
    from llmdev.code.store import user_cache_dir

    key = hashlib.sha256(str(repo.common_dir).encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return user_cache_dir() / "eval" / (f"{repo.root.name}-{key}" + (f"-{slot}" if slot else ""))


def seed_index(source: Repository, clone: Repository) -> None:
    """Start a new clone's code index as a copy of the repository's. Parsed files are stored by blob
    SHA, so the files the clone's commits share with those already indexed are not parsed again.
    A copy rather than one shared store: indexing a clone prunes what its git does not hold, which
    in the repository's store would drop the parsed files of the user's uncommitted work."""
    import sqlite3
    from contextlib import closing

    from llmdev.code.store import store_path

    original, target = store_path(source.common_dir), store_path(clone.common_dir)
    if not original.is_file() or target.exists():
        return
    try:  # SQLite's online backup: a consistent copy even while another llmdev writes the original
        with closing(sqlite3.connect(original, timeout=5)) as reader, closing(sqlite3.connect(target)) as writer:
            reader.backup(writer)
    except sqlite3.Error:
        target.unlink(missing_ok=True)  # the clone indexes from scratch, as without a copy


class ScratchCheckout:
    """Check out any commit of `repo` in a clone of its own; `at(sha)` is that commit's work tree.
    Tasks run in parallel each use a checkout of their own: `slot` numbers them."""

    def __init__(self, repo: Repository, slot: int = 0) -> None:
        self.source = repo
        self.path = scratch_dir(repo, slot)
        self._repo: Repository | None = None
        self._current: str | None = None

    def _open(self) -> Repository:
        if self._repo is not None:
            return self._repo
        if (self.path / ".git").is_dir():
            try:
                self._repo = open_repository(self.path)
                return self._repo
            except LlmdevError:  # a broken leftover clone: make a new one
                shutil.rmtree(self.path, ignore_errors=True)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        run_git(self.path.parent, ("clone", "--quiet", "--shared", "--no-checkout", str(self.source.root), str(self.path)))
        self._repo = open_repository(self.path)
        seed_index(self.source, self._repo)
        return self._repo

    def at(self, sha: str) -> Repository:
        """The scratch work tree with exactly `sha` checked out (nothing ever writes into it)."""
        repo = self._open()
        if self._current != sha:
            try:
                repo.git("checkout", "--quiet", "--force", "--detach", sha)
            except GitCommandError:
                # A commit made after the clone: its objects are shared, only the lookup failed.
                repo.git("fetch", "--quiet", "origin", sha)
                repo.git("checkout", "--quiet", "--force", "--detach", sha)
            self._current = sha
        return repo

    def staged(self, sha: str) -> Repository:
        """The work tree at `sha`'s parent with `sha`'s tree in the git index: its change is
        "staged", as it was just before it was committed (what commit-msg sees)."""
        repo = self._open()
        parent = repo.git("rev-parse", f"{sha}^").strip()
        self.at(parent)
        repo.git("read-tree", sha)
        self._current = None  # the index no longer matches a checkout
        return repo
