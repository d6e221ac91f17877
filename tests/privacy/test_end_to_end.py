"""Through `llmdev ask` and llmdev.calls against the loopback servers: nothing planted ever
reaches the remote model, whatever the action."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from llmdev.backends.base import Message
from llmdev.calls import execute, prepare
from llmdev.cli import run
from llmdev.config.loader import load_config
from llmdev.errors import LlmdevError
from tests.privacy import corpus
from tests.privacy.conftest import write_user_config

DOCS = corpus.documents()


def one_line(text: str) -> str:
    """Console output without the wrapping at the terminal width."""
    return " ".join(text.split())


def sent_text(server) -> str:  # type: ignore[no-untyped-def]
    """Everything the server received, as one string."""
    return "\n".join(json.dumps(r.body) for r in server.requests)


def assert_nothing_planted(text: str, planted: tuple[corpus.Planted, ...]) -> None:
    for item in planted:
        for line in item.value.splitlines():
            assert line not in text and json.dumps(line)[1:-1] not in text, item.kind


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.shape)
def test_redacted_prompts_reach_the_remote_model_without_secrets(doc, remote_openai, capsys) -> None:  # type: ignore[no-untyped-def]
    assert run(["ask", "-m", "gpt4o", f"Why does this break?\n{doc.text}"]) == 0
    assert len(remote_openai.model_requests) == 1
    assert_nothing_planted(sent_text(remote_openai), doc.planted)
    assert "[REDACTED:aws-access-key:" in sent_text(remote_openai)
    err = one_line(capsys.readouterr().err)
    assert "redacted before sending to openai/gpt-4o: aws-access-key in " in err and "message 2, line " in err
    assert_nothing_planted(err, doc.planted)


def test_refuse_sends_nothing_and_says_what_and_where(remote_openai, isolated_env, capsys) -> None:  # type: ignore[no-untyped-def]
    write_user_config(isolated_env, '[providers.openai]\nlocal = false\n[privacy]\naction = "refuse"\n')
    doc = DOCS[2]
    assert run(["ask", "-m", "gpt4o", doc.text]) == 1
    assert remote_openai.requests == []
    err = one_line(capsys.readouterr().err)
    assert "refused to send to openai/gpt-4o: the prompt holds aws-access-key in message 2, line 2" in err
    assert_nothing_planted(err, doc.planted)


def test_reroute_sends_the_prompt_to_the_local_model(remote_openai, use_ollama, isolated_env, capsys) -> None:  # type: ignore[no-untyped-def]
    write_user_config(isolated_env, 'model = "gpt4o"\n[providers.openai]\nlocal = false\n[privacy]\naction = "reroute"\n')
    use_ollama.reply("local answer")
    assert run(["ask", DOCS[0].text]) == 0
    assert remote_openai.requests == [] and len(use_ollama.model_requests) == 1
    assert "rerouted from openai/gpt-4o to ollama/llama3.1:8b" in one_line(capsys.readouterr().err)


def test_reroute_does_not_override_a_model_named_with_model(remote_openai, use_ollama, isolated_env, capsys) -> None:  # type: ignore[no-untyped-def]
    write_user_config(isolated_env, '[providers.openai]\nlocal = false\n[privacy]\naction = "reroute"\n')
    assert run(["ask", "-m", "gpt4o", DOCS[0].text]) == 1
    assert remote_openai.requests == [] and use_ollama.requests == []
    assert "--model named that model" in one_line(capsys.readouterr().err)


def test_dry_run_shows_the_redacted_prompt_and_the_estimate(remote_openai, capsys) -> None:  # type: ignore[no-untyped-def]
    doc = DOCS[0]
    assert run(["ask", "-m", "gpt4o", "--dry-run", doc.text]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert remote_openai.requests == []
    assert shown["remote"] is True and shown["estimate"]["usd"] > 0
    assert {f["action"] for f in shown["privacy"]} == {"redacted"}
    assert len(shown["privacy"]) == len(doc.planted)
    assert_nothing_planted(json.dumps(shown), doc.planted)


def test_private_files_never_reach_the_remote_model(repo: Path, remote_openai) -> None:  # type: ignore[no-untyped-def]
    (repo / "secrets").mkdir()
    for path in ("secrets/prod.yaml", ".env"):
        (repo / path).write_text(corpus.private_file_text(path))
    prompt = "".join(f"### {p}\n{corpus.private_file_text(p)}" for p in ("secrets/prod.yaml", ".env"))
    prompt += "```diff\n" + corpus.private_diff("secrets/prod.yaml") + "```\n### README.md\n# demo\n"
    config = load_config()
    prepared = prepare("review", [Message("user", prompt)], config, model_flag="gpt4o", files=["secrets/prod.yaml", ".env", "README.md"])
    execute(prepared, config)
    sent = sent_text(remote_openai)
    for path in ("secrets/prod.yaml", ".env"):
        assert all(line not in sent for line in corpus.private_file_text(path).splitlines())
    assert "# demo" in sent and prepared.files == ["README.md"]


def test_a_prompt_changed_after_its_check_is_checked_again(remote_openai) -> None:  # type: ignore[no-untyped-def]
    config = load_config()
    prepared = prepare("ask", [Message("user", "hello")], config, model_flag="gpt4o")
    leaked = dataclasses.replace(prepared, messages=[*prepared.messages, Message("user", DOCS[0].text)])
    with pytest.raises(LlmdevError, match="changed after its privacy check"):
        execute(leaked, config)
    assert remote_openai.requests == []
    execute(dataclasses.replace(prepared, messages=[*prepared.messages, Message("user", "and more")]), config)
    assert len(remote_openai.model_requests) == 1


def test_without_a_privacy_guard_remote_calls_are_refused(remote_openai, use_ollama, isolated_env, capsys) -> None:  # type: ignore[no-untyped-def]
    write_user_config(isolated_env, '[providers.openai]\nlocal = false\n[plugins]\ndisable = ["privacy"]\n')
    use_ollama.reply("ok")
    assert run(["ask", "-m", "gpt4o", "hello"]) == 1
    assert remote_openai.requests == []
    assert "no privacy guard checked the request for openai/gpt-4o" in one_line(capsys.readouterr().err)
    assert run(["ask", "-m", "local", DOCS[0].text]) == 0  # local models are not restricted


def test_a_repository_cannot_switch_the_guard_off(repo: Path, remote_openai, capsys) -> None:  # type: ignore[no-untyped-def]
    (repo / ".llmdev.toml").write_text('[privacy]\nenabled = false\n[plugins]\ndisable = ["privacy"]\n[providers.openai]\nlocal = true\n')
    assert run(["ask", "-m", "gpt4o", DOCS[1].text]) == 1
    assert remote_openai.requests == []
    assert "no privacy guard checked" in one_line(capsys.readouterr().err)


def test_a_local_call_pointed_at_a_remote_model_is_checked_before_sending(remote_openai) -> None:  # type: ignore[no-untyped-def]
    config = load_config()
    local = prepare("ask", [Message("user", DOCS[0].text)], config, model_flag="local")
    remote = dataclasses.replace(local, model=prepare("ask", [Message("user", "x")], config, model_flag="gpt4o").model)
    with pytest.raises(LlmdevError, match="holds aws-access-key"):
        execute(remote, config)
    assert remote_openai.requests == []
