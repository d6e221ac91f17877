"""Every case of benchmarks/edit_corpus.py as a test: applied exactly, or refused with all files byte-identical."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

CORPUS_PATH = Path(__file__).resolve().parents[2] / "benchmarks" / "edit_corpus.py"
spec = importlib.util.spec_from_file_location("edit_corpus", CORPUS_PATH)
assert spec is not None and spec.loader is not None
corpus = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = corpus  # dataclasses look their module up there
spec.loader.exec_module(corpus)


@pytest.mark.parametrize("case", corpus.CASES, ids=lambda c: c.name)
def test_case(case: "corpus.Case", tmp_path: Path) -> None:
    outcome = corpus.run_case(case, tmp_path)
    assert outcome.correct, outcome.detail


def test_corpus_covers_every_kind_of_mistake() -> None:
    kinds = {c.mistake for c in corpus.CASES}
    for kind in ("indentation drift", "missing blank lines", "extra blank lines", "trailing spaces", "CRLF files",
                 "elided lines", "ambiguous match", "file does not exist", "new file", "all or nothing"):
        assert kind in kinds
    assert sum(c.expected is None for c in corpus.CASES) >= 8
