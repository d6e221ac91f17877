"""`llmdev index` in a real repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from llmdev.cli import run


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "project"
    (root / "src").mkdir(parents=True)
    (root / "src" / "shapes.py").write_text("class Circle:\n    def area(self):\n        return 3.14\n")
    (root / "src" / "main.go").write_text("package main\n\nfunc main() {\n\tprintln(area())\n}\n")
    subprocess.run(["git", "init", "-q", "-b", "main"], cwd=root, check=True)
    monkeypatch.chdir(root / "src")
    return root


def test_index_then_stats(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["index"]) == 0
    assert "indexed 2 files" in capsys.readouterr().err
    assert (project / ".git" / "llmdev" / "index.sqlite").is_file()
    assert run(["index", "--stats"]) == 0
    captured = capsys.readouterr()
    assert "parsed 0 now" in captured.err
    assert "definitions" in captured.out and "python" in captured.out and "go" in captured.out


def test_stats_count_test_files_whose_tags_wait(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "src" / "test_shapes.py").write_text("from shapes import Circle\n\ndef test_area():\n    assert Circle().area()\n")
    assert run(["index", "--stats"]) == 0
    out = capsys.readouterr().out
    assert "untagged test files" in out and "1 (tagged when first needed)" in out
    assert run(["context", "test_area", "--json"]) == 0  # showing its symbols extracts the tags
    assert '"name": "test_area"' in capsys.readouterr().out
    assert run(["index", "--stats"]) == 0
    assert "0 (tagged when first needed)" in capsys.readouterr().out


def test_rebuild_parses_again(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["index"]) == 0
    assert run(["index", "--rebuild"]) == 0
    assert "parsed 2 now" in capsys.readouterr().err.splitlines()[-1]


def test_outside_a_repository(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    assert run(["index"]) == 2
    assert "not inside a git repository" in capsys.readouterr().err
