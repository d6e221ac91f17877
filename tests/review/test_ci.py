"""Which commits a CI review covers, from the CI's environment."""

from __future__ import annotations

import json
from pathlib import Path

from llmdev.review.ci import detect_ci

BASE = "a" * 40
HEAD = "b" * 40


def test_outside_ci_nothing_is_detected() -> None:
    assert detect_ci({}) is None
    assert detect_ci({"CI": "true"}) is None


def test_github_pull_request_reviews_since_the_base_commit(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"pull_request": {"base": {"sha": BASE}, "head": {"sha": HEAD}}}))
    found = detect_ci({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_EVENT_PATH": str(event),
                       "GITHUB_STEP_SUMMARY": "/tmp/summary"})
    assert found is not None
    assert (found.provider, found.base, found.range_, found.summary_path) == ("github", BASE, None, "/tmp/summary")


def test_github_without_an_event_file_uses_the_base_branch() -> None:
    found = detect_ci({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "GITHUB_BASE_REF": "main"})
    assert found is not None and found.base == "origin/main"


def test_github_push_reviews_the_pushed_commits(tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"before": BASE, "after": HEAD}))
    found = detect_ci({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)})
    assert found is not None and found.range_ == f"{BASE}..{HEAD}"
    event.write_text(json.dumps({"before": "0" * 40, "after": HEAD}))  # a new branch
    found = detect_ci({"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": str(event)})
    assert found is not None and found.range_ == "HEAD^..HEAD"


def test_gitlab_merge_request_pipelines() -> None:
    found = detect_ci({"GITLAB_CI": "true", "CI_MERGE_REQUEST_DIFF_BASE_SHA": BASE})
    assert found is not None and (found.provider, found.base) == ("gitlab", BASE)
    found = detect_ci({"GITLAB_CI": "true", "CI_MERGE_REQUEST_TARGET_BRANCH_NAME": "develop"})
    assert found is not None and found.base == "origin/develop"


def test_gitlab_branch_pipelines() -> None:
    found = detect_ci({"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": BASE, "CI_COMMIT_SHA": HEAD})
    assert found is not None and found.range_ == f"{BASE}..{HEAD}"
    found = detect_ci({"GITLAB_CI": "true", "CI_COMMIT_BEFORE_SHA": "0" * 40, "CI_COMMIT_SHA": HEAD,
                       "CI_DEFAULT_BRANCH": "main", "CI_COMMIT_BRANCH": "feature"})
    assert found is not None and found.base == "origin/main"
