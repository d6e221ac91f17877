"""The report: each model's latest score per kind, its trend, and the HTML chart of score against cost."""

from __future__ import annotations

import re
from pathlib import Path

from llmdev.evaluation.chart import render_html, write_html
from llmdev.evaluation.report import build_report, render_markdown, table_rows
from llmdev.evaluation.store import Result, connect, finish_run, open_run, save_result

DAY = 86400.0


def _run(model: str, started: float, scores: list[float | None], cost: float | None = 0.0, kind: str = "review") -> None:
    run, _ = open_run("/repo", model, [kind], fresh=True, head=None, version="0")
    for index, score in enumerate(scores):
        status = "ok" if score is not None else "skipped"
        save_result(run, Result(f"{kind}:{index}", kind, str(index), 0, status, score, model_s=2.0, work_s=0.5,
                                input_tokens=100, output_tokens=10, cost_usd=cost))
    finish_run(run)
    with connect() as db:
        db.execute("UPDATE runs SET started_at = ? WHERE id = ?", (started, run.id))


def _history() -> None:
    _run("ollama/llama3.1:8b", 1_779_969_600, [0.2, 0.4])
    _run("openai/gpt-4o", 1_779_969_600 + DAY, [0.5, 1.0, None], cost=0.01)
    _run("ollama/llama3.1:8b", 1_779_969_600 + 2 * DAY, [0.6, 0.8])
    _run("llmdev/context", 1_779_969_600, [0.7], kind="localisation")


def test_latest_run_per_model_and_kind_with_the_trend(isolated_env) -> None:  # type: ignore[no-untyped-def]
    _history()
    report = build_report("/repo")
    assert [(r.model, r.kind) for r in report.latest()] == [
        ("llmdev/context", "localisation"), ("ollama/llama3.1:8b", "review"), ("openai/gpt-4o", "review")]
    local = report.series()[("ollama/llama3.1:8b", "review")]
    assert [round(r.mean_score or 0, 2) for r in local] == [0.3, 0.7]
    remote = report.latest()[2]
    assert (remote.scored, remote.skipped, remote.tasks) == (2, 1, 3)
    assert abs((remote.cost_per_task or 0) - 0.015) < 1e-9
    rows = {tuple(cells[:2]): cells for cells in table_rows(report)}
    assert rows[("ollama/llama3.1:8b", "review")][2:7] == ["2", "2026-05-30", "2/2", "0.70", "0.30 → 0.70"]
    assert render_markdown(report).startswith("| model | task | runs |")
    assert build_report("/elsewhere").rows == []


def test_an_unpriced_call_makes_the_cost_unknown(isolated_env) -> None:  # type: ignore[no-untyped-def]
    _run("azure/gpt", 1_779_969_600, [0.5], cost=None)
    (row,) = build_report("/repo").latest()
    assert row.cost_usd is None and table_rows(build_report("/repo"))[0][7] == "?"


def test_the_html_chart_is_self_contained_svg(isolated_env, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _history()
    _run("<script>", 1_779_969_600, [0.1])
    page = render_html(build_report("/repo"))
    assert page.count("<svg") == 3  # score against cost, then one trend chart per kind
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert not re.search(r"(src|href)=", page)
    assert "review: score over time" in page and "localisation: score over time" in page
    written = write_html(build_report("/repo"), tmp_path / "out" / "report.html")
    assert written.read_text(encoding="utf-8") == render_html(build_report("/repo"))
