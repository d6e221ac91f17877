"""A scratch repository with one committed file, as the working directory."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.review.support import CALC, GitRepo


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo.create(tmp_path / "project", {"calc.py": CALC})
    monkeypatch.chdir(repo.root)
    return repo
