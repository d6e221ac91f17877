"""The cost guard refuses remote calls whose estimate would break a budget, estimate first."""

from __future__ import annotations

import time
from typing import Callable

import pytest

from llmdev.backends.base import ChatOptions, Message
from llmdev.calls import PreparedCall, prepare
from llmdev.config.loader import load_config
from llmdev.errors import LlmdevError
from llmdev.plugins import plugin_state
from llmdev.usage.store import RUN_ID, UsageRow, insert, local_day

QUESTION = [Message("user", "x" * 35_000)]  # ~10,000 tokens: $0.025 on gpt-4o, plus 1,000 output tokens: $0.035


def _prepare(model: str = "gpt4o", **options: int) -> PreparedCall:
    return prepare("ask", QUESTION, load_config(), model_flag=model, options=ChatOptions(**options))  # type: ignore[arg-type]


def _spent(usd: float, run_id: str = RUN_ID, days_ago: int = 0) -> None:
    started = time.time() - days_ago * 86400
    insert(UsageRow(started, local_day(started), run_id, None, "ask", "openai/gpt-4o", "openai", True, 1, 0, 1, 1.0, None, usd, True))


def test_it_is_loaded_from_its_entry_point() -> None:
    info = plugin_state().find("cost_guard")
    assert info is not None and info.error is None and info.hooks == ["guard_request", "guard_run"]


def test_without_a_budget_nothing_is_refused() -> None:
    _spent(1000.0)
    assert _prepare().estimate.usd == pytest.approx(0.035, rel=0.01)  # type: ignore[union-attr]


def test_the_per_run_cap_counts_this_run_only(write_config: Callable[[str], None]) -> None:
    write_config("[budget]\nper_run_usd = 0.05\n")
    _spent(5.0, run_id="an-earlier-run")
    _prepare()
    _spent(0.02)
    with pytest.raises(LlmdevError) as caught:
        _prepare()
    message = str(caught.value)
    assert message.startswith("estimate: ~10,00")  # the estimate comes first
    assert "on openai/gpt-4o, ≈ $0.035" in message
    assert "with $0.0200 already spent in this run that would exceed [budget] per_run_usd = $0.05" in message


def test_the_per_day_cap_counts_today(write_config: Callable[[str], None]) -> None:
    write_config("[budget]\nper_day_usd = 1.00\n")
    _spent(50.0, days_ago=2)
    _spent(0.97, run_id="this-morning")
    with pytest.raises(LlmdevError, match=r"\$0.9700 already spent today .* per_day_usd = \$1.00"):
        _prepare()
    _prepare(max_output_tokens=50)  # a smaller reply fits: ~$0.0255


def test_local_models_are_not_counted(write_config: Callable[[str], None]) -> None:
    write_config("[budget]\nper_run_usd = 0\n")
    assert _prepare("local").estimate.usd == 0  # type: ignore[union-attr]


def test_a_remote_model_without_a_price_cannot_be_budgeted(write_config: Callable[[str], None]) -> None:
    write_config('[budget]\nper_day_usd = 5\n[providers.cloud]\nkind = "openai"\nbase_url = "https://llm.example.com/v1"\n')
    with pytest.raises(LlmdevError, match=r"no price for cloud/big-model.*\[prices.\"cloud/big-model\"\]"):
        _prepare("cloud/big-model")


def test_a_request_the_privacy_router_keeps_local_costs_nothing(write_config: Callable[[str], None]) -> None:
    write_config('model = "gpt4o"\n[budget]\nper_run_usd = 0\n[privacy]\naction = "reroute"\n')
    key = "AKIA" + "Q3FAKE7T2LZ4WXQ9"
    prepared = prepare("ask", [Message("user", f"key = {key}")], load_config())
    assert str(prepared.model) == "ollama/llama3.1:8b" and prepared.estimate.usd == 0  # type: ignore[union-attr]


def test_a_run_is_refused_when_its_calls_together_break_the_day_cap(write_config: Callable[[str], None]) -> None:
    from llmdev_cost_guard import guard_run

    write_config("[budget]\nper_day_usd = 0.10\n")
    _spent(0.01, run_id="this-morning")
    calls = [_prepare(), _prepare()]  # ~$0.035 each: each fits alone, and both together too
    guard_run(calls=calls, settings=load_config().settings)
    with pytest.raises(LlmdevError, match=r"the 3 remote requests this run plans .* estimated at \$0.10\d+ in all; "
                                          r"with \$0.0100 already spent today that would exceed \[budget\] per_day_usd = \$0.10"):
        guard_run(calls=[*calls, _prepare()], settings=load_config().settings)
    local = [_prepare("local") for _ in range(5)]
    guard_run(calls=[*calls, *local], settings=load_config().settings)  # local calls cost nothing
