"""Private paths: the built-in rules, extra and allowed patterns, and diffs found in prompts."""

from __future__ import annotations

import pytest

from llmdev.privacy.paths import PathRules, diff_sections, paths_in_text
from tests.privacy import corpus


@pytest.mark.parametrize("path", corpus.PRIVATE_PATHS)
def test_private_paths_are_recognised(path: str) -> None:
    assert PathRules(corpus.EXTRA_PRIVATE_PATTERNS).matching_pattern(path) is not None


@pytest.mark.parametrize("path", corpus.PUBLIC_PATHS)
def test_ordinary_paths_are_not_private(path: str) -> None:
    assert PathRules(corpus.EXTRA_PRIVATE_PATTERNS).matching_pattern(path) is None


def test_the_pattern_that_matched_is_named() -> None:
    rules = PathRules()
    assert rules.matching_pattern("config/secrets/db.yaml") == "**/secrets/**"
    assert rules.matching_pattern("./deploy/server.pem") == "*.pem"


def test_allowed_patterns_win_over_private_ones() -> None:
    rules = PathRules(allow=[".env.example"])
    assert rules.matching_pattern(".env.example") is None
    assert rules.matching_pattern(".env.local") == ".env.*"


def test_a_diff_section_ends_where_the_diff_does() -> None:
    text = "Review this:\n```diff\n" + corpus.private_diff("secrets/prod.yaml") + "```\nThanks."
    (section,) = diff_sections(text)
    assert section.path == "secrets/prod.yaml"
    assert text[section.start :].startswith("diff --git a/secrets/prod.yaml")
    assert text[section.end :] == "\n```\nThanks."


def test_each_file_of_a_multi_file_diff_is_its_own_section() -> None:
    text = corpus.private_diff("app/a.py") + corpus.private_diff(".env")
    sections = diff_sections(text)
    assert [s.path for s in sections] == ["app/a.py", ".env"]
    assert sections[0].end <= sections[1].start


def test_paths_named_by_diff_headers() -> None:
    text = "--- a/old/name.py\n+++ b/keys/id_rsa\n"
    assert [p for p, _ in paths_in_text(text)] == ["old/name.py", "keys/id_rsa"]


def _slow_verdict(rules: PathRules, path: str) -> str | None:
    """The verdict pattern by pattern, without the one-regex first test."""
    clean = path.strip()
    clean = (clean[2:] if clean.startswith("./") else clean).lstrip("/")
    if not clean or rules._allowed.match_file(clean):
        return None
    return next((pattern for pattern, spec in rules._each if spec.match_file(clean)), None)


def test_the_quick_first_test_never_changes_a_verdict() -> None:
    import itertools

    extra = [*corpus.EXTRA_PRIVATE_PATTERNS, "config/*.yaml", "!config/public.yaml", "deploy/", "[Tt]mp?/**", "\\#notes", "notes.txt  ", "odd\\ "]
    rules = PathRules(extra, allow=["docs/**"])
    components = ["", "a", "secrets", ".ssh", "config", "deploy", "Tmp1", "docs", ".aws", "x.y"]
    names = ["app.py", "id_rsa.pub", ".env", ".env.local", "server.pem", "credentials", "public.yaml", "db.yaml", "#notes", "main.tfvars", "SERVER.PEM", "notes.txt", "odd "]
    paths = ["/".join(p for p in (a, b, n) if p) for a, b, n in itertools.product(components, components, names)]
    assert len(paths) == 1300
    verdicts = [(path, rules.matching_pattern(path)) for path in paths]
    assert verdicts == [(path, _slow_verdict(rules, path)) for path in paths]
    assert 100 < sum(1 for _, v in verdicts if v is not None) < 1200  # both outcomes well covered
