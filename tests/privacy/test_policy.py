"""A repository's config may tighten the privacy rules, never loosen them."""

from __future__ import annotations

from pathlib import Path

from llmdev.config.loader import load_config
from llmdev.privacy.policy import effective_policy
from tests.privacy.conftest import write_user_config


def _policy(repo: Path):  # type: ignore[no-untyped-def]
    config = load_config()
    assert config.repo_root == repo
    return effective_policy(config.settings, config.sources, config.repo_root)


def test_loosening_keys_from_the_repository_are_ignored(repo: Path, isolated_env: Path) -> None:
    write_user_config(isolated_env, '[privacy]\naction = "refuse"\npaths = ["customers/**"]\n')
    (repo / ".llmdev.toml").write_text(
        '[privacy]\nenabled = false\nallowlist = ["AKIA.*"]\naction = "redact"\npaths = []\nlocal_model = "gpt4o"\n'
    )
    policy, notes = _policy(repo)
    assert policy.enabled and policy.allowlist == [] and policy.local_model == "local"
    assert policy.action == "refuse" and policy.paths == ["customers/**"]
    assert {n.split()[1] for n in notes} == {"privacy.enabled", "privacy.allowlist", "privacy.local_model", "privacy.action"}


def test_tightening_keys_from_the_repository_apply(repo: Path, isolated_env: Path) -> None:
    write_user_config(isolated_env, '[privacy]\npaths = ["customers/**"]\n')
    (repo / ".llmdev.toml").write_text('[privacy]\naction = "refuse"\npaths = ["exports/**"]\n')
    policy, notes = _policy(repo)
    assert policy.action == "refuse" and policy.paths == ["customers/**", "exports/**"] and notes == []


def test_the_user_config_may_loosen(repo: Path, isolated_env: Path) -> None:
    write_user_config(isolated_env, '[privacy]\nallowlist = ["EXAMPLE"]\nenabled = false\n')
    policy, notes = _policy(repo)
    assert policy.allowlist == ["EXAMPLE"] and not policy.enabled and notes == []
