"""A small Python project in a scratch repository, for end-to-end review tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.review.support import CALC, GitRepo


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> GitRepo:
    repo = GitRepo.create(tmp_path / "project", {
        "calc.py": CALC,
        "app.py": "from calc import add\n\n\ndef total(items):\n    s = 0\n    for i in items:\n        s = add(s, i)\n    return s\n",
        "README.md": "# Project\n",
    })
    monkeypatch.chdir(repo.root)
    return repo
