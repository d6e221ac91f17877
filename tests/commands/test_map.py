"""`llmdev map` in a real repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llmdev.cli import run
from llmdev.tokens import estimate_tokens


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    for i in range(12):
        path = root / "pkg" / f"part{i}.py"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("".join(f"def function_{i}_{j}(a, b):\n    return a + b\n\n" for j in range(10)))
    (root / "docs").mkdir()
    (root / "docs" / "guide.md").write_text("# Guide\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    monkeypatch.chdir(root)
    return root


def test_map_within_budget(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["map", "--budget", "300"]) == 0
    out = capsys.readouterr().out
    assert 0.95 * 300 <= estimate_tokens(out) <= 300
    assert "│def function_" in out


def test_map_of_a_path_and_focus(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["map", "pkg/part3.py", "--budget", "2000"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("pkg/part3.py:\n") and "part4" not in out
    assert run(["map", "--focus", "pkg/part7.py", "--budget", "100"]) == 0
    assert capsys.readouterr().out.startswith("pkg/part7.py:\n")


def test_map_default_budget_from_config(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / ".llmdev.toml").write_text("[index]\nmap_tokens = 120\n")
    assert run(["map"]) == 0
    assert estimate_tokens(capsys.readouterr().out) <= 120
