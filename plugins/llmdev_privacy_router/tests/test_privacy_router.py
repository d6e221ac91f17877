"""The privacy router's three actions, run through llmdev.calls.prepare (nothing is sent)."""

from __future__ import annotations

from typing import Callable

import pytest

from llmdev.backends.base import Message
from llmdev.calls import PreparedCall, prepare
from llmdev.config.loader import load_config
from llmdev.errors import ConfigError
from llmdev.plugins import plugin_state
from llmdev.privacy.guard import PrivacyRefusal

KEY = "AKIA" + "Q3FAKE7T2EXAMPLE"
PROMPT = [Message("system", "Help."), Message("user", f"Deploy fails:\naws_access_key_id = {KEY}\n")]


def _prepare(model: str | None = "gpt4o", messages: list[Message] = PROMPT, files: list[str] | None = None) -> PreparedCall:
    return prepare("ask", messages, load_config(), model_flag=model, files=files)


def test_it_is_loaded_from_its_entry_point() -> None:
    info = plugin_state().find("privacy")
    assert info is not None and info.error is None and info.hooks == ["guard_request"]


def test_a_clean_remote_prompt_passes_untouched() -> None:
    prepared = _prepare(messages=[Message("user", "What is a monad?")])
    assert prepared.remote and prepared.messages == [Message("user", "What is a monad?")] and prepared.notes == []


def test_local_models_are_not_restricted() -> None:
    prepared = _prepare("local")
    assert not prepared.remote and prepared.messages == PROMPT and prepared.privacy == []


def test_redact_is_the_default() -> None:
    prepared = _prepare()
    assert KEY not in prepared.messages[1].content and "[REDACTED:aws-access-key:" in prepared.messages[1].content
    assert prepared.notes == ["redacted before sending to openai/gpt-4o: aws-access-key in message 2, line 2"]
    assert prepared.privacy == [{"kind": "aws-access-key", "path": None, "message": 2, "line": 2, "rule": None, "action": "redacted"}]


def test_reroute_sends_it_to_the_local_model(write_config: Callable[[str], None]) -> None:
    write_config('model = "gpt4o"\n[privacy]\naction = "reroute"\n')
    prepared = _prepare(None)
    assert str(prepared.model) == "ollama/llama3.1:8b" and not prepared.remote
    assert prepared.messages == PROMPT  # the local model may see it all
    assert prepared.notes[0].startswith("rerouted from openai/gpt-4o to ollama/llama3.1:8b: the prompt holds aws-access-key")


def test_reroute_respects_a_model_named_with_model_unless_told_otherwise(write_config: Callable[[str], None]) -> None:
    write_config('[privacy]\naction = "reroute"\n')
    with pytest.raises(PrivacyRefusal, match="--model named that model"):
        _prepare("gpt4o")
    write_config('[privacy]\naction = "reroute"\nreroute_locked = true\n')
    assert str(_prepare("gpt4o").model) == "ollama/llama3.1:8b"


def test_reroute_to_a_remote_model_is_a_config_error(write_config: Callable[[str], None]) -> None:
    write_config('model = "gpt4o"\n[privacy]\naction = "reroute"\nlocal_model = "gpt4o-mini"\n')
    with pytest.raises(ConfigError, match="privacy.local_model 'gpt4o-mini' is openai/gpt-4o-mini, a remote model"):
        _prepare(None)


def test_refuse_names_what_and_where_but_not_the_secret(write_config: Callable[[str], None]) -> None:
    write_config('[privacy]\naction = "refuse"\n')
    with pytest.raises(PrivacyRefusal) as caught:
        _prepare()
    message = str(caught.value)
    assert message.startswith("refused to send to openai/gpt-4o: the prompt holds aws-access-key in message 2, line 2")
    assert KEY not in message


def test_a_private_file_it_cannot_take_out_is_refused_even_when_redacting() -> None:
    with pytest.raises(PrivacyRefusal, match="private file .env .included file; private by '.env'.*cannot read .env"):
        _prepare(messages=[Message("user", "why is DEBUG on?")], files=[".env"])


def test_an_allowlisted_value_is_sent(write_config: Callable[[str], None]) -> None:
    write_config('[privacy]\nallowlist = ["EXAMPLE$"]\n')
    assert _prepare().messages == PROMPT


@pytest.mark.parametrize(("action", "suggested"), [("refuse", 'action = "redact" or "reroute"'), ("redact", 'action = "reroute"')])
def test_the_hint_never_suggests_the_action_already_set(write_config: Callable[[str], None], action: str, suggested: str) -> None:
    write_config(f'[privacy]\naction = "{action}"\n')
    text = "key " + KEY if action == "refuse" else "see [REDACTED:github-token:1a2b3c] and " + "x" * 3
    with pytest.raises(PrivacyRefusal) as refused:
        _prepare(messages=[Message("user", text)], files=[".env"] if action == "redact" else None)
    assert suggested in refused.value.hint and f'"{action}"' not in refused.value.hint


def test_a_token_redacted_inside_a_url_is_not_flagged_again() -> None:
    token = "ghp" + "_" + "Q3fake7T2LZ4wxQ9aB8cD7eF6gH5iJ4kL3mN"
    prepared = _prepare(messages=[Message("user", f"git clone https://x-access-token:{token}@github.com/acme/app.git")])
    sent = prepared.messages[0].content
    assert token not in sent and "https://x-access-token:[REDACTED:github-token:" in sent
    assert [f["kind"] for f in prepared.privacy] == ["github-token"]
