"""Review requests against what real servers do: an output limit sent and honoured, cut-off replies,
a server refusing json_schema, a server counting more tokens than llmdev estimates."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

import pytest

from llmdev.cli import run
from tests.review.support import CALC_BROKEN, GitRepo, finding, reply
from tests.servers import OpenAIServer
from tests.servers.base import estimate_server_tokens

CUT_OFF = '{"findings": [{"path": "calc.py", "line": 2, "end_line": 2, "severity": "high", "category": "corr'


@pytest.fixture
def compatible(project: GitRepo, monkeypatch: pytest.MonkeyPatch) -> Iterator[OpenAIServer]:
    """An OpenAI-compatible server declared as provider `local8`, with a 4096-token window."""
    with OpenAIServer(models={"tiny": 4096}, api_key=None) as server:
        Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml").write_text(
            f'model = "local8/tiny"\n[providers.local8]\nkind = "openai"\nbase_url = "{server.url}/v1"\n'
            "[review]\noutput_tokens = 512\ncache = false\n"
        )
        project.stage("calc.py", CALC_BROKEN)
        yield server


def test_the_output_reserve_is_sent_as_max_tokens(compatible: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    compatible.reply_with(reply(finding("calc.py", 2)))
    assert run(["review", "-f", "json"]) == 0
    assert compatible.last_body()["max_tokens"] == 512


def test_a_cut_off_reply_is_asked_again_without_resending_it(compatible: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    compatible.reply("word " * 600 + CUT_OFF, reply(finding("calc.py", 2)))
    assert run(["review", "-f", "json"]) == 0
    first, second = (r.body for r in compatible.model_requests)
    assert len(second["messages"]) == len(first["messages"]) + 1  # no assistant turn carrying the cut-off text
    assert all(m["role"] != "assistant" for m in second["messages"])
    assert "cut off at the output limit of 512 tokens" in second["messages"][-1]["content"]
    assert "raise --max-tokens" in capsys.readouterr().err  # the limit was llmdev's own, and it says which


def test_review_runs_where_json_schema_is_refused_as_a_500(compatible: OpenAIServer, capsys: pytest.CaptureFixture[str]) -> None:
    compatible.flavour = "llama-cpp-python"
    compatible.reply_with(reply(finding("calc.py", 2)))
    assert run(["review", "-f", "json"]) == 0
    kinds = [r.body["response_format"]["type"] for r in compatible.model_requests]
    assert kinds == ["json_schema", "json_object"]
    assert "calc.py" in capsys.readouterr().out


def test_a_server_counting_more_tokens_makes_the_review_split_finer_once(
    project: GitRepo, compatible: OpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    compatible.flavour = "llama-server"
    compatible.token_scale = 1.6
    body = "".join(f"value_{i} = compute({i}, 'text to take up room')\n" for i in range(150))
    for name in ("a.py", "b.py"):
        project.stage(f"mod/{name}", body)
    compatible.reply_with(reply())
    assert run(["review", "-f", "json"]) == 0
    err = " ".join(capsys.readouterr().err.split())
    assert err.count("the window of tiny is 4096; planning the review again for") == 1
    refused = [r for r in compatible.model_requests if estimate_server_tokens(r.body["messages"]) * 1.6 > 4096]
    # The parts sent in parallel before the first refusal came back may be refused too; then one plan that fits.
    assert 1 <= len(refused) <= 2 and len(compatible.model_requests) > len(refused)
    # the new plan's requests come after every refusal (in parallel, a part that fitted may come back between them)
    last_refused = max(compatible.model_requests.index(r) for r in refused)
    assert last_refused < len(compatible.model_requests) - 1
