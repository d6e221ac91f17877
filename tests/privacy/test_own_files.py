"""llmdev's own files never hold a secret in clear, and only the user can read them."""

from __future__ import annotations

import stat
from pathlib import Path

from llmdev.debug.prompt import output_tail
from llmdev.privacy.audit import AuditEntry, audit_path, record
from llmdev.privacy.secrets import find_secrets
from llmdev.review import cache
from llmdev.review.engine import save_raw_reply
from llmdev.review.findings import Finding
from tests.privacy import corpus

SECRET = corpus.planted_secrets()[0].value  # an AWS access key id


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_kept_failed_reply_is_redacted_and_private(isolated_env: Path) -> None:
    path = save_raw_reply(f"not JSON; the key {SECRET} is live", "openai/gpt-4o")
    text = path.read_text()
    assert SECRET not in text and "[REDACTED:aws-access-key:" in text and _mode(path) == 0o600


def test_the_review_cache_is_redacted_and_private(isolated_env: Path) -> None:
    finding = Finding(path="app.py", line=3, end_line=3, severity="high", category="security", title="live key",
                      message=f"{SECRET} is committed", suggestion=None)
    cache.store("ab" * 32, [finding], f"leaks {SECRET}", "ollama/llama3.1:8b", {"input_tokens": 1})
    (entry_path,) = cache.cache_root().rglob("*.json")
    assert SECRET not in entry_path.read_text() and _mode(entry_path) == 0o600
    entry = cache.load("ab" * 32)
    assert entry is not None and "[REDACTED:aws-access-key:" in cache.cached_findings(entry)[0].message


def test_the_audit_log_is_private(isolated_env: Path) -> None:
    record(AuditEntry(command="ask", model="openai/gpt-4o", files=[], content_sha256="0" * 64))
    assert _mode(audit_path()) == 0o600


def test_a_secret_that_starts_before_the_output_tail_is_kept_whole() -> None:
    key = next(p.value for p in corpus.planted_secrets() if p.kind == "private-key")
    output = "collecting\n" * 50 + key + "\n" + "E   assert 1 == 2\n" * 40
    limit = len(output) - output.index(key) - 200  # the cut falls inside the key's body
    tail = output_tail(output, limit)
    assert key in tail and [m.kind for m in find_secrets(tail)] == ["private-key"]
    assert output_tail("short output\n", 100) == "short output"
