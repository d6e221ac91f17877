"""Prices: the default table, per-hour local prices, unknown prices, estimates."""

from __future__ import annotations

import pytest

from llmdev.backends.base import ChatOptions, Usage
from llmdev.config.schema import PriceConfig, Settings
from llmdev.usage.prices import call_cost, estimate, price_for


def test_default_prices_follow_the_published_table() -> None:
    settings = Settings()
    assert call_cost("openai/gpt-4o", True, Usage(input_tokens=1_000_000, output_tokens=1_000_000), settings) == pytest.approx(12.50)
    assert call_cost("openai/gpt-4o-mini", True, Usage(input_tokens=2_000_000, output_tokens=500_000), settings) == pytest.approx(0.60)


def test_cached_input_tokens_cost_less() -> None:
    usage = Usage(input_tokens=1_000_000)
    usage.cached_input_tokens = 400_000  # type: ignore[attr-defined]  # when a backend reports them
    assert call_cost("openai/gpt-4o", True, usage, Settings()) == pytest.approx(0.6 * 2.5 + 0.4 * 1.25)


def test_local_models_are_free_unless_priced() -> None:
    usage = Usage(input_tokens=5000, output_tokens=500, duration_s=1800)
    assert call_cost("ollama/llama3.1:8b", False, usage, Settings()) == 0
    priced = Settings(prices={"ollama/llama3.1:8b": PriceConfig(per_hour=2.0)})
    assert call_cost("ollama/llama3.1:8b", False, usage, priced) == pytest.approx(1.0)


def test_an_unpriced_remote_model_has_no_cost_rather_than_zero() -> None:
    assert call_cost("azure/gpt-4o-2024", True, Usage(input_tokens=10), Settings()) is None


def test_a_price_may_be_keyed_by_the_bare_model_name() -> None:
    settings = Settings(prices={"gpt-4o": PriceConfig(input=1.0)})
    assert price_for("azure/gpt-4o", settings) == PriceConfig(input=1.0)


def test_an_estimate_uses_the_requested_maximum_or_the_expected_reply_size() -> None:
    settings = Settings()
    assert estimate("openai/gpt-4o", True, 1000, ChatOptions(max_output_tokens=100), settings).usd == pytest.approx((1000 * 2.5 + 100 * 10) / 1e6)
    guess = estimate("openai/gpt-4o", True, 1000, None, settings)
    assert guess.output_tokens == settings.budget.expected_output_tokens
    assert guess.describe() == "~1,000 input + ≤1,000 output tokens on openai/gpt-4o, ≈ $0.0125"
    assert estimate("x/unknown", True, 10, None, settings).describe().endswith("price unknown")
