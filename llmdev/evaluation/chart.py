"""The evaluation report as one self-contained HTML file: inline SVG charts (score against cost, and
each model's score over time per task kind) and the table. No script, no external file."""

from __future__ import annotations

import html
from pathlib import Path
from typing import Sequence

from llmdev.evaluation.report import HEADERS, EvalReport, RunRow, table_rows

WIDTH, HEIGHT = 640, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 180, 20, 48
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2")
STYLE = """body{font:14px system-ui,sans-serif;margin:2em;color:#222}
table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}
svg text{font:12px system-ui,sans-serif}"""
LABEL_GAP = 14  # pixels between stacked point labels


def _esc(text: object) -> str:
    return html.escape(str(text), quote=True)


class Frame:
    """Maps data to pixels inside a chart's plotting area."""

    def __init__(self, x_max: float, x_min: float = 0.0) -> None:
        self.x_min, self.x_max = x_min, x_max if x_max > x_min else x_min + 1.0

    def x(self, value: float) -> float:
        return LEFT + (value - self.x_min) / (self.x_max - self.x_min) * (WIDTH - LEFT - RIGHT)

    def y(self, score: float) -> float:
        return TOP + (1 - score) * (HEIGHT - TOP - BOTTOM)


def _axes(frame: Frame, x_label: str, x_ticks: Sequence[tuple[float, str]]) -> list[str]:
    parts = []
    for step in range(6):
        score = step / 5
        y = frame.y(score)
        parts.append(f'<line stroke="#e5e5e5" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}"/>')
        parts.append(f'<text x="{LEFT - 8}" y="{y + 4:.1f}" text-anchor="end">{score:.1f}</text>')
    bottom = HEIGHT - BOTTOM
    parts.append(f'<line stroke="#444" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{bottom}" y2="{bottom}"/>')
    parts.append(f'<line stroke="#444" x1="{LEFT}" x2="{LEFT}" y1="{TOP}" y2="{bottom}"/>')
    for value, label in x_ticks:
        parts.append(f'<text x="{frame.x(value):.1f}" y="{bottom + 16}" text-anchor="middle">{_esc(label)}</text>')
    parts.append(f'<text x="{(LEFT + WIDTH - RIGHT) / 2}" y="{HEIGHT - 8}" text-anchor="middle">{_esc(x_label)}</text>')
    parts.append(f'<text transform="translate(14 {(TOP + bottom) / 2}) rotate(-90)" text-anchor="middle">score</text>')
    return parts


def _svg(title: str, parts: list[str]) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" role="img" '
            f'aria-label="{_esc(title)}">' + "".join(parts) + "</svg>")


def colours(models: Sequence[str]) -> dict[str, str]:
    return {model: PALETTE[i % len(PALETTE)] for i, model in enumerate(sorted(set(models)))}


def _label_y(x: float, y: float, taken: list[tuple[float, float]]) -> float:
    """A label's baseline that does not overlap labels already placed near it."""
    while any(abs(x - tx) < 160 and abs(y - ty) < LABEL_GAP for tx, ty in taken):
        y += LABEL_GAP
    taken.append((x, y))
    return y


def score_cost_svg(latest: Sequence[RunRow], palette: dict[str, str]) -> str:
    """Each model and kind's latest mean score (y) against its cost per task (x)."""
    costs = [r.cost_per_task or 0.0 for r in latest]
    frame = Frame(max(costs, default=0.0) * 1.15 or 0.001)
    ticks = [(frame.x_max * i / 4, f"${frame.x_max * i / 4:.4f}") for i in range(5)]
    parts = _axes(frame, "cost per task (USD)", ticks)
    taken: list[tuple[float, float]] = []
    for row, cost in sorted(zip(latest, costs), key=lambda item: -(item[0].mean_score or 0.0)):
        x, y = frame.x(cost), frame.y(row.mean_score or 0.0)
        label = f"{row.model} · {row.kind}" + ("" if row.cost_per_task is not None else " (cost unknown)")
        parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{palette[row.model]}"><title>{_esc(label)}: '
                     f'{row.mean_score:.2f}</title></circle>')
        parts.append(f'<text x="{x + 8:.1f}" y="{_label_y(x, y + 4, taken):.1f}">{_esc(label)}</text>')
    return _svg("score against cost", parts)


def trend_svg(kind: str, series: dict[str, list[RunRow]], palette: dict[str, str]) -> str:
    """Each model's mean score on `kind` per run, over time."""
    times = [r.started_at for runs in series.values() for r in runs]
    start, end = min(times), max(times)
    frame = Frame(end, start) if end > start else Frame(start + 1, start - 1)
    ticks = [(t, RunRow(0, "", "", t, True).day) for t in sorted({start, end})]
    parts = _axes(frame, "run date", ticks)
    for index, (model, runs) in enumerate(sorted(series.items())):
        points = " ".join(f"{frame.x(r.started_at):.1f},{frame.y(r.mean_score or 0.0):.1f}" for r in runs)
        colour = palette[model]
        parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{points}"/>')
        for r in runs:
            parts.append(f'<circle cx="{frame.x(r.started_at):.1f}" cy="{frame.y(r.mean_score or 0.0):.1f}" r="3" fill="{colour}">'
                         f'<title>{_esc(model)} {r.day}: {r.mean_score:.2f}</title></circle>')
        legend_y = TOP + 16 * index
        parts.append(f'<rect x="{WIDTH - RIGHT + 12}" y="{legend_y}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{WIDTH - RIGHT + 28}" y="{legend_y + 9}">{_esc(model)}</text>')
    return _svg(f"{kind} score over time", parts)


def _table(report: EvalReport) -> str:
    head = "".join(f"<th>{_esc(h)}</th>" for h in HEADERS)
    body = "".join("<tr>" + "".join(f"<td>{_esc(c)}</td>" for c in cells) + "</tr>" for cells in table_rows(report))
    return f"<table><tr>{head}</tr>{body}</table>"


def render_html(report: EvalReport) -> str:
    by_kind: dict[str, dict[str, list[RunRow]]] = {}
    for (model, kind), runs in report.series().items():
        by_kind.setdefault(kind, {})[model] = runs
    palette = colours([row.model for row in report.rows])  # one colour per model in every chart
    sections = [f"<h2>Score against cost (latest runs)</h2>{score_cost_svg(report.latest(), palette)}"]
    sections += [f"<h2>{_esc(kind)}: score over time</h2>{trend_svg(kind, series, palette)}" for kind, series in sorted(by_kind.items())]
    title = f"llmdev eval — {report.repo or 'all repositories'}"
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_esc(title)}</title>'
            f"<style>{STYLE}</style></head><body><h1>{_esc(title)}</h1>{''.join(sections)}"
            f"<h2>Runs</h2>{_table(report)}</body></html>\n")


def write_html(report: EvalReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(report), encoding="utf-8")
    return path
