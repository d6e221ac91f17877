"""Every model call is logged, through the built-in `model_call_finished` plugin."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.backends.base import Message
from llmdev.calls import execute, prepare
from llmdev.config.loader import load_config
from llmdev.errors import ModelError
from llmdev.plugins import plugin_state
from llmdev.usage.store import RUN_ID, read


def _ask(text: str, model: str | None = None) -> None:
    config = load_config()
    execute(prepare("ask", [Message("user", text)], config, model_flag=model), config)


def test_the_recorder_is_a_built_in_plugin() -> None:
    info = plugin_state().find("llmdev.usage.recorder")
    assert info is not None and info.source == "built-in" and info.hooks == ["model_call_finished"]


def test_a_local_call_is_logged_at_no_cost(use_ollama) -> None:  # type: ignore[no-untyped-def]
    use_ollama.reply("four words in reply")
    _ask("hello there")
    (row,) = read()
    assert (row.command, row.model, row.backend, row.remote, row.ok) == ("ask", "ollama/llama3.1:8b", "ollama", False, True)
    assert row.input_tokens > 0 and row.output_tokens > 0 and row.duration_s > 0
    assert row.cost_usd == 0 and row.run_id == RUN_ID


def test_a_remote_call_is_priced(use_openai, isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    (isolated_env / "config" / "config.toml").write_text("[providers.openai]\nlocal = false\n")
    use_openai.reply("ok")
    _ask("hello", model="gpt4o")
    (row,) = read()
    assert row.remote and row.model == "openai/gpt-4o"
    assert row.cost_usd == pytest.approx((row.input_tokens * 2.5 + row.output_tokens * 10) / 1e6)


def test_a_failed_call_is_logged_too(use_ollama) -> None:  # type: ignore[no-untyped-def]
    use_ollama.fail_next(status=500, message="boom", times=5)
    with pytest.raises(ModelError):
        _ask("hello")
    (row,) = read()
    assert not row.ok and row.error and row.output_tokens == 0


def test_logging_can_be_switched_off(use_ollama, isolated_env: Path) -> None:  # type: ignore[no-untyped-def]
    (isolated_env / "config" / "config.toml").write_text("[usage]\nlog = false\n")
    use_ollama.reply("ok")
    _ask("hello")
    assert read() == []


def test_a_broken_usage_log_does_not_break_the_call(use_ollama, isolated_env: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (isolated_env / "data" / "usage.db").mkdir()  # a folder where the database should be
    use_ollama.reply("still answered")
    _ask("hello")
    assert "plugin 'llmdev.usage.recorder' failed in model_call_finished" in " ".join(capsys.readouterr().err.split())
