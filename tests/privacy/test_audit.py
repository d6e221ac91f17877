"""The audit log: every remote request, before it is sent; no log entry, no request."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from llmdev.backends.base import Message
from llmdev.calls import execute, prepare
from llmdev.config.loader import load_config
from llmdev.errors import LlmdevError
from llmdev.privacy.audit import audit_path, read


def _sha_of_sent(body: dict) -> str:  # type: ignore[type-arg]
    digest = hashlib.sha256()
    for message in body["messages"]:
        digest.update(f"{message['role']}\0{message['content']}\0".encode())
    return digest.hexdigest()


def test_a_remote_request_is_audited_with_a_hash_of_what_was_sent(repo: Path, remote_openai) -> None:  # type: ignore[no-untyped-def]
    config = load_config()
    secret = "AKIA" + "Q3FAKE7T2LZ4WXQ9"
    prepared = prepare("review", [Message("user", f"key {secret} in README.md")], config, model_flag="gpt4o", files=["README.md"])
    execute(prepared, config)
    (entry,) = read()
    assert entry["command"] == "review" and entry["model"] == "openai/gpt-4o" and entry["files"] == ["README.md"]
    assert entry["repo"] == str(repo) and entry["redacted"] == ["aws-access-key"]
    assert entry["content_sha256"] == _sha_of_sent(remote_openai.last_body())
    assert secret not in audit_path().read_text()


def test_local_requests_are_not_audited(use_ollama) -> None:  # type: ignore[no-untyped-def]
    use_ollama.reply("hi")
    config = load_config()
    execute(prepare("ask", [Message("user", "hello")], config), config)
    assert read() == [] and len(use_ollama.model_requests) == 1


def test_nothing_is_sent_when_the_audit_log_cannot_be_written(remote_openai) -> None:  # type: ignore[no-untyped-def]
    audit_path().mkdir(parents=True)  # a folder where the log file should be
    config = load_config()
    prepared = prepare("ask", [Message("user", "hello")], config, model_flag="gpt4o")
    with pytest.raises(LlmdevError, match="cannot write the audit log"):
        execute(prepared, config)
    assert remote_openai.requests == []


def test_a_call_that_never_goes_out_is_not_audited(remote_openai, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    config = load_config()
    prepared = prepare("ask", [Message("user", "hello")], config, model_flag="gpt4o")
    with pytest.raises(LlmdevError, match="OPENAI_API_KEY is not set"):
        execute(prepared, config)
    assert read() == [] and remote_openai.requests == []
