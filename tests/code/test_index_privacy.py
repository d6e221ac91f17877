"""What the code index keeps on disk: no private file, no secret-looking term, no deleted draft."""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

from llmdev.code.index import load_index
from llmdev.code.terms import looks_random, term_counts
from llmdev.repo.discovery import open_repository
from tests.gitrepo import GitRepo


def _repo(tmp_path: Path) -> Path:
    return GitRepo.create(tmp_path / "repo", {
        "app.py": "def handler(event):\n    return vault_token(event)\n",
        "secrets/vault.py": 'def vault_token(event, fallback="Q3fAKe7T2LZ4wxQ9aB8cD7eF6gH5iJ4kL3mN"):\n    return fallback\n',
    }).root


def _store_bytes(root: Path) -> bytes:
    return b"".join(p.read_bytes() for p in (root / ".git" / "llmdev").glob("index.sqlite*"))


def test_private_paths_never_enter_the_index(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    index = load_index(open_repository(root), show_progress=False)
    assert "secrets/vault.py" not in index.files() and "app.py" in index.files()
    assert index.definitions("vault_token") == []
    assert b"vault_token(event, fallback" not in _store_bytes(root)


def test_terms_that_look_like_secrets_are_dropped() -> None:
    assert looks_random("Q3fAKe7T2LZ4wxQ9aB8cD7eF6gH5iJ4kL3mN") and looks_random("ghp_Q3fAKe7T2LZ4wxQ9aB8c")
    assert not looks_random("utf8ToBase64Encoder") and not looks_random("parse_http_response_2026")
    terms = term_counts('API = "sk_live_Q3fAKe7T2LZ4wxQ9aB8cD7eF"\ndef charge_customer(): pass\n')
    assert "charge_customer" in terms and not any("q3fake7t2" in t for t in terms)


def test_a_deleted_draft_leaves_no_row_behind(tmp_path: Path) -> None:
    root = _repo(tmp_path)
    draft = root / "draft.py"
    draft.write_text("def rotate():\n    return 'rotation_marker_text'\n")
    repo = open_repository(root)
    load_index(repo, show_progress=False)
    (sha,) = subprocess.run(["git", "-C", str(root), "hash-object", "draft.py"], capture_output=True, text=True).stdout.split()
    db = root / ".git" / "llmdev" / "index.sqlite"
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM blobs WHERE sha = ?", (sha,)).fetchone()[0] == 1
    draft.unlink()
    load_index(repo, show_progress=False)
    assert sqlite3.connect(db).execute("SELECT COUNT(*) FROM blobs WHERE sha = ?", (sha,)).fetchone()[0] == 0


def test_a_repository_cannot_let_a_private_path_into_the_index(tmp_path: Path) -> None:
    from llmdev.config.loader import load_config

    root = _repo(tmp_path)
    (root / ".llmdev.toml").write_text('[privacy]\nallow_paths = ["secrets/**"]\npaths = ["app.py"]\n')
    config = load_config(cwd=root)
    index = load_index(open_repository(root), show_progress=False, settings=config.settings)
    assert "secrets/vault.py" not in index.files() and "app.py" not in index.files()


def test_the_private_paths_rule_names_every_pattern_and_compiles_them_only_when_asked(monkeypatch) -> None:
    from llmdev.code.index import private_paths_rule
    from llmdev.config.schema import PrivacyConfig, Settings
    from llmdev.privacy import paths

    made: list[object] = []
    real = paths.PathRules
    monkeypatch.setattr(paths, "PathRules", lambda extra: made.append(extra) or real(extra))
    rule = private_paths_rule(Settings(privacy=PrivacyConfig(paths=["drafts/**"])))
    assert rule.key == "private:" + "\0".join([*paths.DEFAULT_PRIVATE_PATHS, "drafts/**"])
    assert made == []  # a warm listing checks no path: nothing compiled
    assert rule.reason("drafts/plan.py") and rule.reason("secrets/vault.py")
    assert rule.reason("app.py") is None
    assert len(made) == 1
