"""Export: JSONL lines in the chat format, privacy-flagged examples dropped, and the summary."""

from __future__ import annotations

import io
import json

from llmdev.config.loader import load_config
from llmdev.dataset.export import ExportSummary, export_dataset, mine_for
from llmdev.repo.discovery import open_repository
from tests.evaluation.history_repo import History
from tests.privacy import corpus


def _export(history: History, kind: str) -> tuple[list[dict], ExportSummary]:
    repo = open_repository(history.root)
    config = load_config()
    out = io.StringIO()
    summary = export_dataset(repo, config, kind, mine_for(repo, config, kind), out, model="ollama/llama3.1:8b")
    return [json.loads(line) for line in out.getvalue().splitlines()], summary


def test_lines_are_chat_examples(history: History) -> None:
    lines, summary = _export(history, "commit-msg")
    assert summary.kept == len(lines) == 4 and not summary.dropped
    for line in lines:
        assert list(line) == ["messages"] and [m["role"] for m in line["messages"]] == ["system", "user", "assistant"]


def test_private_paths_and_secrets_are_dropped_with_the_reason(history: History) -> None:
    history.repo.write(".env", "DEBUG=1\n")
    history.repo.commit("Add local settings")
    token = next(p for p in corpus.planted_secrets() if p.kind == "github-token")
    history.repo.write("deploy.py", f'TOKEN = "{token.value}"\n')
    history.repo.commit("Add the deploy script")
    lines, summary = _export(history, "commit-msg")
    assert summary.kept == 4 == len(lines)
    assert summary.dropped == {"privacy rules: private files (.env)": 1, "privacy rules: secrets (github-token)": 1}
    text = json.dumps(lines)
    assert token.value not in text and "DEBUG=1" not in text
    assert summary.describe() == ("kept 4 example(s), dropped 2: 1 privacy rules: private files (.env); "
                                  "1 privacy rules: secrets (github-token)")


def test_user_privacy_paths_apply(history: History, isolated_env) -> None:  # type: ignore[no-untyped-def]
    from tests.privacy.conftest import write_user_config

    write_user_config(isolated_env, '[privacy]\npaths = ["cli.py"]\n')
    lines, summary = _export(history, "gen")
    assert summary.dropped == {"privacy rules: private files (cli.py)": 1} and summary.kept == 3
