"""Real temporary git repositories, driven with the git CLI: the one helper every test folder uses."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any


class GitRepo:
    """A scratch repository with shortcuts for writing files and running git."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @classmethod
    def create(cls, root: Path, files: dict[str, str] | None = None) -> "GitRepo":
        """`git init` at `root`; with `files`, write them and commit them as "initial"."""
        root.mkdir(parents=True, exist_ok=True)
        repo = cls(root.resolve())
        repo.git("init", "-q", "-b", "main")
        if files:
            for path, text in files.items():
                repo.write(path, text)
            repo.commit("initial")
        return repo

    def run(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["git", *args], cwd=self.root, capture_output=True, text=True, env=env)

    def git(self, *args: str) -> str:
        done = self.run(*args)
        assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
        return done.stdout

    def write(self, path: str, content: str | bytes) -> Path:
        target = self.root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        return target

    def stage(self, path: str, text: str) -> None:
        self.write(path, text)
        self.git("add", "--", path)

    def commit(self, message: str = "change", *paths: str) -> str:
        self.git("add", "-A", *paths)
        self.git("commit", "-q", "--allow-empty", "-m", message)
        return self.git("rev-parse", "HEAD").strip()

    def blob(self, path: str) -> str:
        """What git says the working-tree file hashes to."""
        return self.git("hash-object", "--", path).strip()

    def open(self) -> Any:
        from llmdev.repo.discovery import open_repository

        return open_repository(self.root)
