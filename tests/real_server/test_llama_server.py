"""llmdev's commands end to end against a real llama-server (a tiny random-weight model).

The answers are noise; what is checked is the protocol, limits, errors and accounting.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from llmdev.backends.base import ChatOptions, Message
from llmdev.cli import run
from tests.gitrepo import GitRepo
from tests.real_server.conftest import KEY, WINDOW, provider_config
from tests.real_server.llama import LlamaServer

pytestmark = pytest.mark.real_server

CALC = "def add(a, b):\n    return a + b\n\n\ndef main():\n    print(add(1, 2))\n"
CALC_BROKEN = "def add(a, b):\n    return a - b\n\n\ndef main():\n    print(add(1, 2))\n"


def one_line(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, llamacpp: LlamaServer) -> GitRepo:
    project = GitRepo.create(tmp_path / "project", {"calc.py": CALC, "README.md": "# Calc\n"})
    monkeypatch.chdir(project.root)
    return project


def usage_rows(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert run(["usage", "--json", "--by", "command"]) == 0
    return {g["key"]: g for g in json.loads(capsys.readouterr().out)["groups"]}


def test_doctor_reads_the_window_from_the_server(llamacpp: LlamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["doctor", "--json", "-m", "llamacpp/tiny"]) == 0
    found = {c["name"]: c for c in json.loads(capsys.readouterr().out)}
    assert found["llamacpp: server"]["detail"] == f"{llamacpp.url}/v1 answers (1 models)"
    assert found["llamacpp: context window of tiny"]["detail"] == f"{WINDOW} tokens (reported by the server)"


def test_models_lists_the_configured_model_as_usable(llamacpp: LlamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["models", "--json"]) == 0
    rows = {r["model"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["llamacpp/tiny"]["usable"] is True


def test_ask_streams_and_logs_the_servers_token_counts(llamacpp: LlamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["-v", "ask", "say something"]) == 0
    out, err = capsys.readouterr()
    assert out.endswith("\n") and "asking llamacpp/tiny" in err
    ask = usage_rows(capsys)["ask"]
    assert ask["calls"] == 1 and ask["failed"] == 0 and ask["estimated_calls"] == 0
    assert ask["input_tokens"] > 20 and ask["output_tokens"] >= 1


def test_review_json_is_schema_constrained(
    repo: GitRepo, llamacpp: LlamaServer, capsys: pytest.CaptureFixture[str]
) -> None:
    repo.stage("calc.py", CALC_BROKEN)
    code = run(["review", "--format", "json"])
    out = capsys.readouterr().out
    assert code == 0, out
    result = json.loads(out)
    assert result["reviewed_files"] == ["calc.py"] and result["model"] == "llamacpp/tiny"
    assert isinstance(result["findings"], list) and isinstance(result["summary"], str)
    assert result["usage"]["input_tokens"] > 0
    accepted = json.loads(Path(os.environ["LLMDEV_CACHE_DIR"], "structured-output.json").read_text())
    assert accepted == {f"{llamacpp.url}/v1 tiny": "json_schema"}  # llama-server --no-jinja takes json_schema


def test_commit_msg_gen_and_debug_reach_the_server(repo: GitRepo, capsys: pytest.CaptureFixture[str]) -> None:
    repo.stage("calc.py", CALC_BROKEN)
    codes = [
        run(["commit-msg"]),
        run(["gen", "--dry-run", "make add add", "calc.py"]),
        run(["debug", "--timeout", "20", "--", sys.executable, "-c", "raise SystemExit('boom')"]),
    ]
    err = one_line(capsys.readouterr().err)
    assert codes[0] == 0 and codes[2] == 0, err
    # Random weights write no usable edit: gen must say so and change nothing (exit 1), not crash.
    assert codes[1] == 0 or "no file was changed" in err
    assert "Traceback" not in err and repo.git("status", "--porcelain") == "M  calc.py\n"
    groups = usage_rows(capsys)
    assert {"commit-msg", "gen", "debug"} <= set(groups)
    assert all(g["failed"] == 0 and g["input_tokens"] > 0 for g in groups.values())


def test_compare_asks_both_providers_and_counts_their_tokens(llamacpp: LlamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    config = Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml")
    config.write_text(config.read_text() + f'[providers.second]\nkind = "openai"\nbase_url = "{llamacpp.url}/v1"\napi_key_env = "LLAMA_KEY"\n')
    assert run(["compare", "ask", "-m", "llamacpp/tiny", "-m", "second/tiny", "-f", "json", "hi"]) == 0
    runs = json.loads(capsys.readouterr().out)["models"]
    assert [(r["resolved"], r["ok"]) for r in runs] == [("llamacpp/tiny", True), ("second/tiny", True)]
    assert all(r["metrics"]["input_tokens"] > 0 for r in runs), runs
    groups = usage_rows(capsys)
    assert sum(g["calls"] for g in groups.values()) == 2, groups


def test_an_over_window_prompt_names_both_numbers(llamacpp: LlamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    prompt = " ".join(f"word{i}" for i in range(6000))
    assert run(["ask", prompt]) == 3
    err = one_line(capsys.readouterr().err)
    assert err.startswith("error: the prompt is ") and f"tokens, the window of tiny is {WINDOW} — send less" in err
    assert usage_rows(capsys)["ask"]["failed"] == 1


def test_an_unknown_model_name_is_refused_not_answered(llamacpp: LlamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "-m", "llamacpp/nope", "hi"]) == 3
    assert "model 'nope' is not served by llamacpp" in one_line(capsys.readouterr().err)


def test_a_wrong_api_key(llamacpp: LlamaServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("LLAMA_KEY", "wrong")
    assert run(["ask", "-m", "llamacpp/tiny", "hi"]) == 3
    assert one_line(capsys.readouterr().err).startswith("error: llamacpp rejected the API key (HTTP 401) — check LLAMA_KEY")


def test_a_server_killed_mid_stream(
    llama_binary: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, llamacpp: LlamaServer
) -> None:
    from llmdev.backends.openai import OpenAIBackend
    from llmdev.config.schema import Settings, parse
    from llmdev.errors import ModelError
    from tests.real_server.llama import REPO_ROOT
    from tests.real_server.tiny_model import write_model

    rambler = write_model(REPO_ROOT, tmp_path, end_of_turn=False)  # never ends by itself
    server = LlamaServer(llama_binary, rambler, tmp_path / "server.log", context=2048, api_key=KEY)
    settings = parse(Settings,
        {"providers": {"llamacpp": {"kind": "openai", "base_url": f"{server.url}/v1", "api_key_env": "LLAMA_KEY"}}, "request": {"max_retries": 0}}
    )
    backend = OpenAIBackend("llamacpp", settings.providers["llamacpp"], settings)
    received: list[str] = []

    def kill_after_some_text(text: str) -> None:
        received.append(text)
        if len(received) == 5:
            server.kill()

    try:
        with pytest.raises(ModelError) as caught:
            backend.chat("tiny", [Message("user", "go on")], ChatOptions(temperature=1.0, seed=3), kill_after_some_text)
    finally:
        server.stop()
    assert len(received) >= 5
    assert str(caught.value).startswith(("the connection to llamacpp broke in the middle of the answer", "llamacpp ended the answer after"))


def test_ask_cut_at_max_tokens_says_which_limit(llamacpp: LlamaServer, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["ask", "--max-tokens", "1", "write a long story"]) == 0
    assert "the answer stopped at the output token limit (1)" in one_line(capsys.readouterr().err)


def test_review_of_a_change_the_server_counts_as_longer_is_planned_again(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.real_server.llama import REPO_ROOT

    # The tiny vocabulary reads code at ~2.5 characters a token; llmdev plans with 3.5.
    for name in ("llmdev/review/merge.py", "llmdev/review/split.py", "llmdev/errors.py"):
        repo.stage(f"copy/{Path(name).name}", (REPO_ROOT / name).read_text())
    code = run(["review", "--format", "json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert f"the window of tiny is {WINDOW}; planning the review again for" in one_line(err)
    assert json.loads(out)["model"] == "llamacpp/tiny"


def test_explain_of_code_the_server_counts_as_longer_is_sent_again_smaller(
    repo: GitRepo, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.real_server.llama import REPO_ROOT

    config = Path(os.environ["LLMDEV_CONFIG_DIR"], "config.toml")
    config.write_text(config.read_text() + "[gen]\ncontext_tokens = 3200\nmap_tokens = 0\n")
    # llmdev cuts the code to 3,200 tokens at 3.5 characters each; the tiny vocabulary needs ~2.5 a token.
    repo.write("review.py", "".join((REPO_ROOT / "llmdev" / "review" / n).read_text() for n in ("engine.py", "plan.py")))
    repo.commit("add review.py")
    code = run(["explain", "review.py"])
    err = one_line(capsys.readouterr().err)
    assert code == 0, err
    assert err.count(f"the window of tiny is {WINDOW}; sending it again with the code, callers and repository map cut to") == 1
    explain = usage_rows(capsys)["explain"]
    assert explain["calls"] == 2 and explain["failed"] == 1
