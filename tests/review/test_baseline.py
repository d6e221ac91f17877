"""The baseline file: dismissed findings stay dismissed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from llmdev.errors import ConfigError
from llmdev.review.baseline import load_fingerprints, suppress, update
from llmdev.review.findings import Finding


def _finding(fingerprint: str) -> Finding:
    return Finding("a.py", 1, 1, "high", "security", f"title {fingerprint}", "m", fingerprint=fingerprint)


def test_update_adds_new_fingerprints_and_keeps_old_ones(tmp_path: Path) -> None:
    path = tmp_path / ".llmdev" / "review-baseline.json"
    assert update(path, [_finding("aa"), _finding("bb"), _finding("aa")]) == 2
    assert update(path, [_finding("bb"), _finding("cc")]) == 1
    assert load_fingerprints(path) == {"aa", "bb", "cc"}
    data = json.loads(path.read_text())
    assert data["version"] == 1 and data["findings"][0]["title"] == "title aa"


def test_suppress_hides_baselined_findings(tmp_path: Path) -> None:
    kept, hidden = suppress([_finding("aa"), _finding("zz")], {"aa"})
    assert [f.fingerprint for f in kept] == ["zz"] and hidden == 1


def test_a_missing_baseline_is_empty_and_a_broken_one_is_an_error(tmp_path: Path) -> None:
    assert load_fingerprints(tmp_path / "none.json") == set()
    broken = tmp_path / "broken.json"
    broken.write_text("{nope")
    with pytest.raises(ConfigError, match="not a readable review baseline"):
        load_fingerprints(broken)
    broken.write_text('{"findings": 3}')
    with pytest.raises(ConfigError, match="expected an object with a `findings` list"):
        load_fingerprints(broken)
