"""`llmdev usage`: the table, --json, --since and --by, from real logged calls."""

from __future__ import annotations

import json
import time
from pathlib import Path

from llmdev.cli import run
from llmdev.usage.store import UsageRow, insert, local_day


def _log(started_at: float, command: str, model: str, remote: bool, cost: float | None) -> None:
    insert(UsageRow(started_at, local_day(started_at), "r", None, command, model, "x", remote, 2000, 0, 300, 1.0, 0.1, cost, True))


def test_usage_after_real_calls(use_ollama, capsys) -> None:  # type: ignore[no-untyped-def]
    use_ollama.reply_with("an answer")
    assert run(["ask", "one"]) == 0 and run(["ask", "two"]) == 0
    capsys.readouterr()
    assert run(["usage", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    (group,) = report["groups"]
    assert group["key"] == "ollama/llama3.1:8b" and group["calls"] == 2 and group["cost_usd"] == 0
    assert group["local_as_remote_usd"] > 0 and report["compare_with"] == "openai/gpt-4o"


def test_the_table_groups_and_totals(capsys) -> None:  # type: ignore[no-untyped-def]
    now = time.time()
    _log(now, "ask", "ollama/llama3.1:8b", False, 0.0)
    _log(now, "review", "openai/gpt-4o", True, 0.25)
    _log(now, "review", "cluster/big", True, None)
    assert run(["usage", "--by", "command"]) == 0
    out, err = capsys.readouterr()
    lines = [line for line in out.splitlines() if "│" in line]
    assert [line.split("│")[1].strip() for line in lines] == ["ask", "review", "total"]
    assert "0.2500 (+1 unpriced)" in out
    assert "1 local call(s) would have cost $0.0080 on openai/gpt-4o" in " ".join(err.split())


def test_since_filters_old_calls(capsys) -> None:  # type: ignore[no-untyped-def]
    now = time.time()
    _log(now - 10 * 86400, "ask", "openai/gpt-4o", True, 1.0)
    _log(now, "ask", "openai/gpt-4o", True, 0.5)
    assert run(["usage", "--since", "7d", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"]["cost_usd"] == 0.5


def test_no_calls_yet(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["usage"]) == 0
    assert "no model calls logged" in capsys.readouterr().err


def test_a_bad_since_is_a_usage_error(capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["usage", "--since", "soon"]) == 2
    assert "cannot read --since 'soon'" in capsys.readouterr().err


def test_a_server_that_reports_no_usage_is_logged_as_estimated(capsys) -> None:  # type: ignore[no-untyped-def]
    import os

    from tests.servers import OpenAIServer

    with OpenAIServer(models={"tiny": 4096}, api_key=None) as server:
        server.flavour = "llama-cpp-python"  # ignores stream_options.include_usage
        Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text(
            f'[providers.lcp]\nkind = "openai"\nbase_url = "{server.url}/v1"\n'
        )
        assert run(["ask", "-m", "lcp/tiny", "hello there"]) == 0
    capsys.readouterr()
    assert run(["usage"]) == 0
    out, err = capsys.readouterr()
    row = next(line for line in out.splitlines() if "lcp/tiny" in line)
    assert row.split("│")[3].strip().startswith("~") and row.split("│")[4].strip() != "~0"
    assert "1 call(s) got no token counts from the server: ~ marks llmdev's estimates" in " ".join(err.split())


def test_an_empty_stream_is_a_failed_call_not_a_silent_success(capsys) -> None:  # type: ignore[no-untyped-def]
    import os

    from tests.servers import OpenAIServer

    with OpenAIServer(models={"tiny": 100}, api_key=None) as server:
        server.flavour = "llama-cpp-python"  # over its window: HTTP 200, then no event and no [DONE]
        Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text(
            f'[providers.lcp]\nkind = "openai"\nbase_url = "{server.url}/v1"\n'
        )
        assert run(["ask", "-m", "lcp/tiny", "x" * 2000]) == 3
    out, err = capsys.readouterr()
    assert out == "" and "lcp ended the answer before any text without saying it was finished" in " ".join(err.split())
    assert run(["usage", "--json"]) == 0
    (group,) = json.loads(capsys.readouterr().out)["groups"]
    assert (group["calls"], group["failed"]) == (1, 1)
