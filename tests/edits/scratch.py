"""Scratch git repositories for the edits, debug and command tests (imported as tests.edits.scratch)."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path
from typing import Mapping


def git(root: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True)
    assert done.returncode == 0, f"git {' '.join(args)}: {done.stderr}"
    return done.stdout


def write_files(root: Path, files: Mapping[str, str | bytes]) -> None:
    for path, content in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)


def make_repo(root: Path, files: Mapping[str, str | bytes], *, commit: bool = True) -> Path:
    """A git repository at `root` holding `files`, committed unless told otherwise."""
    root.mkdir(parents=True, exist_ok=True)
    git(root, "init", "-q", "-b", "main")
    git(root, "config", "core.autocrlf", "false")
    write_files(root, files)
    if commit:
        git(root, "add", "-A")
        git(root, "commit", "-q", "-m", "initial")
    return root.resolve()


def snapshot(root: Path) -> dict[str, tuple[bytes, int]]:
    """Every file outside .git with its bytes and permission bits."""
    return {
        p.relative_to(root).as_posix(): (p.read_bytes(), p.stat().st_mode & 0o7777)
        for p in sorted(root.rglob("*"))
        if p.is_file() and ".git" not in p.relative_to(root).parts
    }


def tree_digest(top: Path, skip: tuple[str, ...] = ()) -> dict[str, str]:
    """Every entry under `top`, .git folders included: files by mode and content hash, links by
    target, folders by presence. Entries whose relative path starts with one of `skip` are left out."""
    found: dict[str, str] = {}
    for folder, dirs, files in os.walk(top):
        for name in dirs + files:
            path = Path(folder) / name
            key = path.relative_to(top).as_posix()
            if key.startswith(skip):
                continue
            if path.is_symlink():
                found[key] = "link:" + os.readlink(path)
            elif path.is_file():
                found[key] = f"{path.stat().st_mode:o}:" + hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                found[key] = "dir"
    return found
