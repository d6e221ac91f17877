from __future__ import annotations

import importlib.metadata
import sys
from pathlib import Path

import pytest

from llmdev.entry_points import entry_points


def _dist(base: Path, folder: str, text: str) -> None:
    (base / folder).mkdir(parents=True)
    (base / folder / "entry_points.txt").write_text(text)


def test_reads_groups_attributes_and_comments(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dist(tmp_path, "demo_pkg-2.1.0.dist-info", "# comment\n[console_scripts]\ndemo = x:y\n\n[llmdev]\nfirst = os.path\nsecond = os:path.join\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    found = [e for e in entry_points("llmdev") if e.dist_name == "demo_pkg"]
    assert [(e.name, e.value, e.dist_version) for e in found] == [("first", "os.path", "2.1.0"), ("second", "os:path.join", "2.1.0")]
    assert found[0].load() is sys.modules["os.path"]
    assert found[1].load() is __import__("os").path.join


def test_first_distribution_of_a_name_on_sys_path_wins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _dist(tmp_path / "a", "dup-1.0.dist-info", "[llmdev]\nnew = json\n")
    _dist(tmp_path / "b", "dup-0.9.dist-info", "[llmdev]\nold = json\n")
    monkeypatch.syspath_prepend(str(tmp_path / "b"))
    monkeypatch.syspath_prepend(str(tmp_path / "a"))
    assert [e.name for e in entry_points("llmdev") if e.dist_name == "dup"] == ["new"]


def test_agrees_with_importlib_metadata_on_this_environment() -> None:
    ours = sorted((e.name, e.value) for e in entry_points("console_scripts"))
    theirs = sorted((e.name, e.value) for e in importlib.metadata.entry_points(group="console_scripts"))
    assert ours == theirs
    assert ("llmdev", "llmdev.cli:main") in ours
