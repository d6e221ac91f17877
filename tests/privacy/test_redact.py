"""Redaction takes out every secret and private file and leaves stable placeholders."""

from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.backends.base import Message
from llmdev.config.schema import PrivacyConfig
from llmdev.privacy.placeholders import placeholder
from llmdev.privacy.redact import redact_request
from llmdev.privacy.scan import scan_request
from tests.privacy import corpus


def _redact(messages: list[Message], files: list[str], root: Path | None = None, policy: PrivacyConfig | None = None):  # type: ignore[no-untyped-def]
    policy = policy or PrivacyConfig()
    report = scan_request(messages, files, policy)
    return redact_request(messages, files, report, policy, root)


@pytest.mark.parametrize("doc", corpus.documents(), ids=lambda d: d.shape)
def test_no_planted_secret_survives_redaction(doc: corpus.Document) -> None:
    result = _redact([Message("system", "Help."), Message("user", doc.text)], [doc.name])
    sent = "\n".join(m.content for m in result.messages)
    for planted in doc.planted:
        for line in planted.value.splitlines():
            assert line not in sent
    assert scan_request(result.messages, result.files, PrivacyConfig()).clean
    assert result.messages[0].content == "Help." and not result.unresolved


def test_the_same_secret_gets_the_same_placeholder_everywhere() -> None:
    key = "AKIA" + "Q3FAKE7T2LZ4WXQ9"
    result = _redact([Message("user", f"a={key}\n"), Message("user", f"again: {key}")], [])
    mark = placeholder("aws-access-key", key)
    assert [m.content for m in result.messages] == [f"a={mark}\n", f"again: {mark}"]


def test_a_private_file_is_taken_out_with_its_diff(tmp_path: Path) -> None:
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "prod.yaml").write_text(corpus.private_file_text("secrets/prod.yaml"))
    content = corpus.private_file_text("secrets/prod.yaml")
    prompt = (
        "Files:\n### secrets/prod.yaml\n" + content + "### app/a.py\nprint('hi')\n\n```diff\n"
        + corpus.private_diff("secrets/prod.yaml") + "```\n"
    )
    result = _redact([Message("user", prompt)], ["secrets/prod.yaml", "app/a.py"], tmp_path)
    text = result.messages[0].content
    assert result.files == ["app/a.py"]
    assert all(line not in text for line in content.splitlines())
    assert placeholder("private-diff", "secrets/prod.yaml") in text
    assert "print('hi')" in text and text.endswith("```\n")


def test_a_private_file_that_cannot_be_read_is_unresolved(tmp_path: Path) -> None:
    result = _redact([Message("user", "about .env")], [".env"], tmp_path)
    assert result.unresolved == ["cannot read .env to take its content out of the prompt"]


def test_a_deleted_private_file_is_resolved_by_removing_its_diff(tmp_path: Path) -> None:
    diff = "diff --git a/.env b/.env\ndeleted file mode 100644\n--- a/.env\n+++ /dev/null\n@@ -1 +0,0 @@\n-FEATURE=on-for-everyone\n"
    result = _redact([Message("user", diff)], [".env"], tmp_path)
    assert result.unresolved == [] and "FEATURE" not in result.messages[0].content
