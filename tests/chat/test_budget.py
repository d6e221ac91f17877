from __future__ import annotations

import pytest

from llmdev.backends.registry import ModelRef
from llmdev.chat.budget import compact, fit_history, model_window, turn_tokens
from llmdev.chat.session import Turn
from llmdev.config.schema import Settings, parse
from tests.servers import OllamaServer
from tests.servers.base import closed_port_url


def turns(*sizes: int) -> list[Turn]:
    return [Turn("q" * size, "a" * size) for size in sizes]


def test_the_newest_turns_that_fit_are_kept() -> None:
    history = turns(700, 70, 70)
    small = turn_tokens(history[1])
    fit = fit_history(history, 2 * small)
    assert fit.first_kept == 1 and fit.dropped == 1 and fit.tokens == 2 * small


def test_nothing_fits_in_no_room() -> None:
    assert fit_history(turns(10, 10), 0).first_kept == 2


def test_a_big_turn_stops_the_search_even_if_older_ones_are_small() -> None:
    history = turns(10, 5000, 10)
    fit = fit_history(history, turn_tokens(history[2]) + turn_tokens(history[0]))
    assert fit.first_kept == 2  # the conversation stays contiguous


@pytest.mark.parametrize(("count", "text"), [(999, "999"), (1234, "1.2k"), (131072, "131k")])
def test_compact(count: int, text: str) -> None:
    assert compact(count) == text


def test_windows_come_from_the_server(use_ollama: OllamaServer) -> None:
    settings = parse(Settings, {"providers": {"ollama": {"kind": "ollama", "base_url": use_ollama.url}}})
    assert model_window(ModelRef("ollama", "llama3:8b"), settings) == 8192
    assert model_window(ModelRef("ollama", "llama3.1:8b"), settings) == 131072


def test_a_fixed_num_ctx_is_the_window(use_ollama: OllamaServer) -> None:
    settings = parse(Settings, {"providers": {"ollama": {"kind": "ollama", "base_url": use_ollama.url}}, "ollama": {"num_ctx": 16384}})
    assert model_window(ModelRef("ollama", "llama3.1:8b"), settings) == 16384


def test_a_server_that_is_down_falls_back_to_the_table() -> None:
    settings = parse(Settings, {"providers": {"openai": {"kind": "openai", "base_url": closed_port_url() + "/v1", "api_key_env": "X"}}})
    assert model_window(ModelRef("openai", "gpt-4o"), settings) == 128000
    assert model_window(ModelRef("openai", "other"), settings) is None
