"""Prices from the `[prices]` table: what a call cost, and what one would cost before it is sent."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from llmdev.backends.base import ChatOptions, Usage
    from llmdev.config.schema import PriceConfig, Settings

PER_TOKENS = 1_000_000


def money(usd: float) -> str:
    """Dollars with cents, or with four decimals below a dollar (token prices are small)."""
    return f"${usd:,.2f}" if usd >= 1 else f"${usd:.4f}"


def price_for(model: str, settings: "Settings") -> "PriceConfig | None":
    """`[prices."provider/name"]`, else `[prices."name"]`, else None."""
    if model in settings.prices:
        return settings.prices[model]
    name = model.partition("/")[2]
    return settings.prices.get(name) if name else None


def token_cost(price: "PriceConfig", input_tokens: int, output_tokens: int, cached_input_tokens: int = 0) -> float:
    cached = min(cached_input_tokens, input_tokens)
    cached_rate = price.cached_input if price.cached_input is not None else price.input
    return ((input_tokens - cached) * price.input + cached * cached_rate + output_tokens * price.output) / PER_TOKENS


def call_cost(model: str, remote: bool, usage: "Usage", settings: "Settings") -> float | None:
    """USD for a finished call; 0 for a local model without a price; None for an unpriced remote one."""
    price = price_for(model, settings)
    if price is None:
        return None if remote else 0.0
    cached = int(getattr(usage, "cached_input_tokens", 0) or 0)
    hours = usage.duration_s / 3600
    return token_cost(price, usage.input_tokens, usage.output_tokens, cached) + price.per_hour * hours


@dataclass(frozen=True)
class CostEstimate:
    """What a call is expected to cost, before it is sent."""

    model: str
    remote: bool
    input_tokens: int
    output_tokens: int  # the request's maximum, or [budget] expected_output_tokens
    usd: float | None  # None: a remote model with no price

    def describe(self) -> str:
        cost = "price unknown" if self.usd is None else f"≈ {money(self.usd)}"
        return f"~{self.input_tokens:,} input + ≤{self.output_tokens:,} output tokens on {self.model}, {cost}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "remote": self.remote,
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "usd": None if self.usd is None else round(self.usd, 6),
        }


def estimate(model: str, remote: bool, input_tokens: int, options: "ChatOptions | None", settings: "Settings") -> CostEstimate:
    """The cost of sending `input_tokens` to `model` (per-hour prices are not counted before a call)."""
    output_tokens = (options.max_output_tokens if options else None) or settings.budget.expected_output_tokens
    price = price_for(model, settings)
    if price is None:
        usd = None if remote else 0.0
    else:
        usd = token_cost(price, input_tokens, output_tokens)
    return CostEstimate(model, remote, input_tokens, output_tokens, usd)
