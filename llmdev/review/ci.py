"""Which CI runs us, and which commits a pull/merge request review covers, from its environment."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

ZERO_SHA = "0" * 40


@dataclass(frozen=True)
class CiContext:
    provider: str  # "github" or "gitlab"
    event: str  # what triggered the run, in the provider's words
    base: str | None = None  # review merge-base(base, HEAD)..HEAD
    range_: str | None = None  # or exactly this A..B range
    summary_path: str | None = None  # $GITHUB_STEP_SUMMARY

    def describe(self) -> str:
        what = f"--base {self.base}" if self.base else f"--range {self.range_}" if self.range_ else "HEAD^..HEAD"
        return f"{self.provider} ({self.event}): {what}"


def _is_sha(value: str | None) -> bool:
    if not value or value == ZERO_SHA:
        return False
    return all(c in "0123456789abcdef" for c in value.lower())


def _github_event(environ: Mapping[str, str]) -> dict:
    path = environ.get("GITHUB_EVENT_PATH")
    if not path:
        return {}
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _github(environ: Mapping[str, str]) -> CiContext:
    event_name = environ.get("GITHUB_EVENT_NAME", "")
    event = _github_event(environ)
    summary = environ.get("GITHUB_STEP_SUMMARY") or None
    pull = event.get("pull_request") or {}
    base_sha = (pull.get("base") or {}).get("sha")
    if _is_sha(base_sha):
        return CiContext("github", event_name or "pull_request", base=base_sha, summary_path=summary)
    if environ.get("GITHUB_BASE_REF"):
        return CiContext("github", event_name or "pull_request", base=f"origin/{environ['GITHUB_BASE_REF']}", summary_path=summary)
    before, after = event.get("before"), event.get("after") or environ.get("GITHUB_SHA")
    if _is_sha(before) and _is_sha(after):
        return CiContext("github", event_name or "push", range_=f"{before}..{after}", summary_path=summary)
    return CiContext("github", event_name or "push", range_="HEAD^..HEAD", summary_path=summary)


def _gitlab(environ: Mapping[str, str]) -> CiContext:
    if _is_sha(environ.get("CI_MERGE_REQUEST_DIFF_BASE_SHA")):
        return CiContext("gitlab", "merge_request_event", base=environ["CI_MERGE_REQUEST_DIFF_BASE_SHA"])
    if environ.get("CI_MERGE_REQUEST_TARGET_BRANCH_NAME"):
        return CiContext("gitlab", "merge_request_event", base=f"origin/{environ['CI_MERGE_REQUEST_TARGET_BRANCH_NAME']}")
    source = environ.get("CI_PIPELINE_SOURCE", "push")
    before, after = environ.get("CI_COMMIT_BEFORE_SHA"), environ.get("CI_COMMIT_SHA")
    if _is_sha(before) and _is_sha(after):
        return CiContext("gitlab", source, range_=f"{before}..{after}")
    default, branch = environ.get("CI_DEFAULT_BRANCH"), environ.get("CI_COMMIT_BRANCH")
    if default and branch and default != branch:
        return CiContext("gitlab", source, base=f"origin/{default}")
    return CiContext("gitlab", source, range_="HEAD^..HEAD")


def detect_ci(environ: Mapping[str, str]) -> CiContext | None:
    """GitHub Actions or GitLab CI from their environment variables; None elsewhere."""
    if environ.get("GITHUB_ACTIONS") == "true":
        return _github(environ)
    if environ.get("GITLAB_CI") == "true":
        return _gitlab(environ)
    return None
