"""Collecting the model calls a block makes, through the model_call_finished hook."""

from __future__ import annotations

import threading
from typing import Any

from llmdev.backends.base import Message, Usage
from llmdev.calls import CallRecord, execute, prepare
from llmdev.compare.calls import collect_calls, summarize_calls
from llmdev.config.loader import load_config
from llmdev.config.schema import Settings


def _ask(model: str, text: str = "hi") -> None:
    config = load_config()
    execute(prepare("ask", [Message("user", text)], config, model_flag=model), config, on_text=lambda t: None)


def test_calls_in_the_block_are_collected_and_nested_blocks_are_separate(use_ollama: Any) -> None:
    use_ollama.reply_with("one two three")
    with collect_calls() as outer:
        _ask("local")
        with collect_calls() as inner:
            _ask("local")
        _ask("local")
    _ask("local")
    assert len(outer) == 2 and len(inner) == 1
    assert outer[0].model == "ollama/llama3.1:8b" and outer[0].usage.output_tokens > 0


def test_each_thread_collects_its_own(use_ollama: Any, use_openai: Any) -> None:
    use_ollama.reply_with("a")
    use_openai.reply_with("b")
    found: dict[str, list[CallRecord]] = {}

    def work(model: str) -> None:
        with collect_calls() as records:
            _ask(model)
        found[model] = records

    threads = [threading.Thread(target=work, args=(m,)) for m in ("local", "gpt4o")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [r.model for r in found["local"]] == ["ollama/llama3.1:8b"]
    assert [r.model for r in found["gpt4o"]] == ["openai/gpt-4o"]


def _record(model: str, remote: bool, usage: Usage, ok: bool = True) -> CallRecord:
    return CallRecord("ask", model, "openai", 0.0, usage.duration_s, usage, ok, [], "", Settings(), remote=remote)


def test_summary_sums_tokens_time_and_cost() -> None:
    settings = Settings()
    records = [
        _record("openai/gpt-4o", True, Usage(1_000_000, 100_000, 2.0, first_token_s=0.5)),
        _record("openai/gpt-4o", True, Usage(0, 50_000, 1.0, first_token_s=0.25), ok=False),
    ]
    metrics = summarize_calls(records, settings)
    assert (metrics.requests, metrics.failed, metrics.input_tokens, metrics.output_tokens) == (2, 1, 1_000_000, 150_000)
    assert metrics.first_token_s == 0.5 and metrics.model_s == 3.0
    assert metrics.cost_usd == 2.5 + 1.5  # $2.50/M in, $10/M out
    assert metrics.tokens_per_s == 150_000 / (1.5 + 0.75)
    unpriced = summarize_calls([_record("openai/other", True, Usage(10, 10, 1.0))], settings)
    assert unpriced.cost_usd is None and unpriced.tokens_per_s == 10.0
    assert summarize_calls([], settings).tokens_per_s is None


def test_calls_a_task_sends_on_threads_of_its_own_are_collected_too(use_ollama: Any) -> None:
    from llmdev.concurrency import run_ordered

    use_ollama.reply_with("a")
    with collect_calls() as records:
        run_ordered(lambda text: _ask("local", text), ["one", "two", "three"], 3)  # as a split review does
    _ask("local")
    assert len(records) == 3 and use_ollama.max_in_flight >= 1
