"""Every channel that sends text, under every `[privacy] action`, against the built-in `openai`
provider on a loopback URL (remote whatever its URL): no planted secret reaches it.

Each channel runs once per action with all of tests/privacy/corpus.py planted in one repository.
What the channel would have sent is what `reroute` delivers, unchanged, to the local model; that
is the planted set the remote run is measured against. LLMDEV_PRIVACY_REPORT=<file> writes the
counts (caught/planted per format and channel, decoys flagged, llmdev's own files holding a secret).
"""

from __future__ import annotations

import json
import os
import subprocess
from collections import Counter
from pathlib import Path
from typing import Callable

import pytest

from llmdev.cli import run
from llmdev.privacy.secrets import find_secrets
from tests.gitrepo import GitRepo
from tests.privacy import corpus
from tests.privacy.conftest import write_user_config

PLANTED = corpus.planted_secrets()
FILE_TEXT = corpus.documents()[0].text
LOG_TEXT = corpus.documents()[2].text
ACTIONS = ("redact", "refuse", "reroute")
REVIEW_REPLY = {"findings": [], "summary": "ok"}
RESULTS: dict[tuple[str, str], dict[str, object]] = {}


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), *args], check=True, capture_output=True)


def _stage_settings(root: Path) -> None:
    (root / "app").mkdir(exist_ok=True)
    (root / "app" / "settings.py").write_text(FILE_TEXT)
    _git(root, "add", "app/settings.py")


def _commit_settings(root: Path) -> None:
    _stage_settings(root)
    _git(root, "commit", "-q", "-m", "Add the service settings")


def _chat(args: list[str], keys: str) -> None:
    from prompt_toolkit.application import create_app_session
    from prompt_toolkit.input import create_pipe_input
    from prompt_toolkit.output import DummyOutput

    with create_pipe_input() as pipe, create_app_session(input=pipe, output=DummyOutput()):
        pipe.send_text(keys)
        pipe.close()
        run(["chat", *args])


def _log(root: Path) -> Path:
    path = root.parent / "failure.log"
    path.write_text(LOG_TEXT)
    return path


CHANNELS: dict[str, Callable[[Path], None]] = {
    "review": lambda root: (_stage_settings(root), run(["review", "--staged", "-m", "gpt4o"])),
    "commit-msg": lambda root: (_stage_settings(root), run(["commit-msg", "-m", "gpt4o"])),
    "ask": lambda root: run(["ask", "-m", "gpt4o", "Why does this fail?\n" + LOG_TEXT]),
    "explain": lambda root: (_commit_settings(root), run(["explain", "app/settings.py", "-m", "gpt4o"])),
    "gen": lambda root: (_commit_settings(root), run(["gen", "tidy the settings", "app/settings.py", "-m", "gpt4o", "--no-apply"])),
    "debug": lambda root: run(["debug", "--log", str(_log(root)), "-m", "gpt4o"]),
    "chat": lambda root: (_commit_settings(root), _chat(["-m", "gpt4o", "app/settings.py"], "what is configured?\r\x04")),
    "compare": lambda root: run(["compare", "ask", "Why does this fail?\n" + LOG_TEXT, "-m", "gpt4o", "-f", "json"]),
    "eval": lambda root: (_commit_settings(root), run(["eval", "-m", "gpt4o", "-t", "commit-msg", "-n", "1", "--json"])),
}


def _received(server) -> str:  # type: ignore[no-untyped-def]
    return "\n".join(json.dumps(r.body) for r in server.model_requests)


def _present(item: corpus.Planted, text: str) -> bool:
    """Whether any piece of the secret is in `text` (as sent, or JSON-escaped as on the wire)."""
    return any(piece in text or json.dumps(piece)[1:-1] in text for piece in item.pieces() if len(piece) >= 6)


def _own_files_with_secrets(home: Path, root: Path, planted: list[corpus.Planted]) -> list[str]:
    """llmdev's own files (config, data, cache dirs; .git/llmdev) that hold any planted secret."""
    places = [home, root / ".git" / "llmdev"]
    holding = []
    for place in places:
        for path in (p for p in place.rglob("*") if p.is_file()):
            text = path.read_bytes().decode("utf-8", "replace")
            if any(_present(item, text) for item in planted):
                holding.append(str(path))
    return holding


@pytest.fixture
def channel_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, isolated_env: Path) -> Path:
    repo = GitRepo.create(tmp_path / "repo")
    repo.write("README.md", "# orders\n")
    repo.commit("Start the orders service")
    monkeypatch.chdir(repo.root)
    return repo.root


def _report() -> None:
    target = os.environ.get("LLMDEV_PRIVACY_REPORT")
    if target:
        rows = {f"{channel}/{action}": counts for (channel, action), counts in sorted(RESULTS.items())}
        Path(target).write_text(json.dumps(rows, indent=1) + "\n")


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("channel", list(CHANNELS))
def test_no_planted_secret_reaches_the_remote_model(  # type: ignore[no-untyped-def]
    channel: str, action: str, channel_repo: Path, isolated_env: Path, use_openai, use_ollama, capsys
) -> None:
    write_user_config(isolated_env, f'[privacy]\naction = "{action}"\nreroute_locked = true\n')
    use_openai.reply_with(json.dumps(REVIEW_REPLY))
    quoted = PLANTED[0].value
    use_ollama.reply_with(json.dumps({"findings": [{"path": "app/settings.py", "line": 7, "end_line": 7, "severity": "high",
                                                     "category": "security", "title": "key in code", "message": f"{quoted} is live",
                                                     "suggestion": None}], "summary": f"leaks {quoted}"}))
    CHANNELS[channel](channel_repo)
    remote = _received(use_openai)
    sent_anywhere = remote + _received(use_ollama)
    planted = [item for item in PLANTED if _present(item, sent_anywhere)] if action == "reroute" else None
    leaked = [item for item in PLANTED if _present(item, remote)]
    own = _own_files_with_secrets(isolated_env, channel_repo, PLANTED)
    RESULTS[(channel, action)] = {
        "planted_by_kind": dict(Counter(item.kind for item in planted)) if planted is not None else None,
        "leaked_by_kind": dict(Counter(item.kind for item in leaked)),
        "remote_requests": len(use_openai.model_requests),
        "own_files_with_secrets": len(own),
    }
    _report()
    assert [item.kind for item in leaked] == [], f"{channel}/{action} leaked"
    assert own == []
    if channel == "eval":  # a task whose prompt the privacy rules would change is skipped, not sent
        assert use_openai.model_requests == [] and use_ollama.model_requests == []
        assert json.loads(capsys.readouterr().out)[0]["results"][0]["status"] in ("skipped", "refused", "error")
    elif action == "reroute":
        assert use_openai.model_requests == [] and len(planted or []) >= 40, f"{channel} planted only {len(planted or [])}"
    if action == "refuse":
        assert use_openai.model_requests == []


def test_the_decoys_are_not_secrets() -> None:
    flagged = [line for line in corpus.decoys() if find_secrets(line)]
    assert len(corpus.decoys()) == 20 and len(flagged) <= 1, flagged


def test_a_docs_page_quoting_the_documented_examples_is_sent_under_refuse(  # type: ignore[no-untyped-def]
    channel_repo: Path, isolated_env: Path, use_openai
) -> None:
    write_user_config(isolated_env, '[privacy]\naction = "refuse"\n')
    page = "Configure the CLI:\n\n" + "\n".join(corpus.decoys()[:4])
    assert run(["ask", "-m", "gpt4o", "Is this page right?\n" + page]) == 0
    assert len(use_openai.model_requests) == 1
