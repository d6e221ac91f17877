"""The privacy rules hold for every command that sends a prompt, not only `ask`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from llmdev.cli import run
from tests.privacy import corpus
from tests.privacy.test_end_to_end import assert_nothing_planted, sent_text

ENV_FILE = "DATABASE_URL=postgres://app:Sup3rS3cretPw@db.internal/prod\nFEATURE_FLAG_ALPHA=enabled-for-beta-users\n"


def _commit_all(repo: Path) -> None:
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(["git", "-C", str(repo), "commit", "-q", "-m", "files"], check=True)


def test_debug_with_a_log_full_of_secrets(repo: Path, remote_openai, capsys) -> None:  # type: ignore[no-untyped-def]
    doc = corpus.documents()[2]
    (repo / "debug.log").write_text(doc.text)
    assert run(["debug", "--log", "debug.log", "--dry-run", "-m", "gpt4o"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["remote"] and len(shown["privacy"]) >= len(doc.planted)
    assert_nothing_planted(json.dumps(shown), doc.planted)
    assert remote_openai.model_requests == []


def test_gen_on_a_private_file_sends_none_of_it(repo: Path, remote_openai, capsys) -> None:  # type: ignore[no-untyped-def]
    (repo / ".env").write_text(ENV_FILE)
    (repo / "app.py").write_text("import os\nprint(os.environ['DEBUG'])\n")
    _commit_all(repo)
    run(["gen", "turn DEBUG off", ".env", "app.py", "-m", "gpt4o", "--no-apply"])  # the fake model proposes no edit
    assert remote_openai.model_requests
    sent = sent_text(remote_openai)
    for line in ENV_FILE.splitlines():
        assert line not in sent
    assert "[REDACTED:private-file:" in sent and "print(os.environ" in sent


def test_review_of_a_diff_with_secrets_and_private_files(repo: Path, remote_openai) -> None:  # type: ignore[no-untyped-def]
    doc = corpus.documents()[0]
    (repo / "app").mkdir()
    (repo / "secrets").mkdir()
    (repo / "app" / "settings.py").write_text(doc.text)
    (repo / "secrets" / "prod.yaml").write_text(corpus.private_file_text("secrets/prod.yaml"))
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    remote_openai.reply_with(json.dumps({"findings": []}))
    run(["review", "-m", "gpt4o"])
    assert remote_openai.model_requests
    sent = sent_text(remote_openai)
    assert_nothing_planted(sent, doc.planted)
    assert all(line not in sent for line in corpus.private_file_text("secrets/prod.yaml").splitlines())
    assert "[REDACTED:aws-access-key:" in sent
