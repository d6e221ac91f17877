"""Real temporary git repositories, driven with the git CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from tests.gitrepo import GitRepo


@pytest.fixture
def make_repo(tmp_path: Path) -> Callable[[str], GitRepo]:
    def make(name: str = "repo") -> GitRepo:
        return GitRepo.create(tmp_path / name)

    return make


@pytest.fixture
def repo(make_repo: Callable[[str], GitRepo]) -> GitRepo:
    return make_repo("repo")
