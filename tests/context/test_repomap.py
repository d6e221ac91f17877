"""The repo map fills its budget closely without going over."""

from __future__ import annotations

from llmdev.code.index import load_index
from llmdev.context.repomap import render_map
from llmdev.tokens import estimate_tokens


def _bigger_repo(make_repo):  # type: ignore[no-untyped-def]
    files = {}
    for i in range(30):
        defs = "".join(f"    def method_{j}_of_{i}(self, value):\n        return helper_{j}(value)\n\n" for j in range(8))
        files[f"pkg/module_{i}.py"] = f"class Service{i}:\n{defs}\ndef helper_{i}(value):\n    return value\n"
    return make_repo(files).open()


def test_map_fills_the_budget_closely(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = _bigger_repo(make_repo)
    index = load_index(repo, show_progress=False)
    for budget in (50, 200, 700, 1500):
        text = render_map(repo, budget=budget, index=index)
        tokens = estimate_tokens(text)
        assert budget * 0.95 <= tokens <= budget, (budget, tokens)


def test_map_shows_signatures_not_bodies(sample) -> None:  # type: ignore[no-untyped-def]
    text = render_map(sample.open(), budget=1000)
    assert "app/config.py:\n" in text
    assert "│def load_settings(path):\n" in text
    assert "json.loads" not in text


def test_map_is_limited_to_paths_and_centred_on_focus(sample) -> None:  # type: ignore[no-untyped-def]
    repo = sample.open()
    limited = render_map(repo, budget=1000, paths=["app/billing"])
    assert limited.startswith("app/billing/invoice.py:") and "app/config.py" not in limited
    focused = render_map(repo, budget=1000, focus=["app/billing/invoice.py"])
    assert focused.startswith("app/billing/invoice.py:")


def test_query_steers_the_map(sample) -> None:  # type: ignore[no-untyped-def]
    assert render_map(sample.open(), budget=30, query="compute_tax").startswith("app/billing/invoice.py:")
