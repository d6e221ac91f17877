"""Every fixture of benchmarks/debug_context.py: the function that must change is in the debug prompt."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "debug_context.py"
spec = importlib.util.spec_from_file_location("debug_context_bench", BENCH)
assert spec is not None and spec.loader is not None
bench = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = bench
spec.loader.exec_module(bench)


@pytest.mark.parametrize("fixture", bench.FIXTURES, ids=lambda f: f.name)
def test_faulty_function_is_in_the_prompt(fixture: "bench.Fixture", tmp_path: Path) -> None:
    result = bench.measure(fixture, tmp_path)
    assert result.in_prompt, f"{fixture.faulty} not in the prompt; sites: {[e.title for e in result.context.sites]}"


def test_fixtures_cover_every_trace_format() -> None:
    assert {f.language for f in bench.FIXTURES} == {"python", "javascript", "go", "rust", "java"}
