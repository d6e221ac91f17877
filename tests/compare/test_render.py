"""Rendering a comparison: the table cells, the outputs, Markdown and JSON."""

from __future__ import annotations

from llmdev.compare.calls import CallMetrics
from llmdev.compare.engine import ModelOutput, ModelRun
from llmdev.compare.render import Comparison, output_text, render_markdown, result_text, row_cells
from llmdev.review.findings import Finding

DIFF = "--- a/x.py\n+++ b/x.py\n@@ -1 +1 @@\n-a\n+b\n"


def _run(model: str, resolved: str, **output: object) -> ModelRun:
    metrics = CallMetrics(requests=1, input_tokens=1200, output_tokens=30, model_s=1.5, first_token_s=0.5, cost_usd=0.0123, generating_s=1.0)
    return ModelRun(model, resolved, True, metrics, 1.75, ModelOutput(**output))  # type: ignore[arg-type]


def test_row_cells_and_results() -> None:
    run = _run("gpt4o", "openai/gpt-4o", text="x")
    assert row_cells("ask", run) == ["gpt4o", "0.50s", "1.75s", "1,200", "30", "30.0", "$0.0123", "ok"]
    failed = ModelRun("local", "ollama/m", False, CallMetrics(), 0.1, error="down")
    assert row_cells("ask", failed)[1] == "-" and result_text("ask", failed) == "failed"
    assert result_text("gen", _run("a", "a", diff=DIFF)) == "edits 1 file(s)"
    assert result_text("debug", _run("a", "a")) == "no edits"
    assert result_text("review", _run("a", "a", findings=[Finding("x.py", 1, 1, "low", "style", "t", "m")])) == "1 finding(s)"


def test_outputs_as_text_and_markdown() -> None:
    comparison = Comparison("gen", [_run("local", "ollama/m", text="Changed x.", diff=DIFF, notes=["rerouted"]),
                                    ModelRun("gpt4o", "openai/gpt-4o", False, CallMetrics(), 0.1, error="bad key")])
    text = output_text(comparison)
    assert "── local (ollama/m) ──\nnote: rerouted\nChanged x.\n--- a/x.py" in text
    assert "── gpt4o (openai/gpt-4o) ──\nfailed: bad key" in text
    markdown = render_markdown(comparison)
    assert "```diff\n--- a/x.py" in markdown and "Failed: bad key" in markdown and "> rerouted" in markdown
    assert comparison.agreement() is None and comparison.as_json()["agreement"] is None
