from __future__ import annotations

from pathlib import Path

import pytest

from tests.evaluation.history_repo import History, make_history


@pytest.fixture
def history(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> History:
    made = make_history(tmp_path / "project")
    monkeypatch.chdir(made.root)
    return made
