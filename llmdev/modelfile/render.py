"""The Modelfile text: FROM, PARAMETER num_ctx, SYSTEM, and an optional ADAPTER."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from llmdev.modelfile.profile import ProjectProfile

TEMPLATE = "modelfile"
NAME = re.compile(r"[^a-z0-9._-]+")


def model_name(project: str) -> str:
    """An Ollama model name for the project: lower case letters, digits, '.', '_' and '-'."""
    return (NAME.sub("-", project.lower()).strip("-._") or "project") + "-llmdev"


def system_prompt(profile: "ProjectProfile", repo_root: Path | None) -> str:
    from llmdev.prompting import render

    languages = ", ".join(f"{name} ({count})" for name, count in profile.languages[:6]) or "none detected"
    conventions = "\n".join(f"- {c}" for c in profile.conventions) or "- none detected"
    text = render(TEMPLATE, "system", repo_root, project=profile.name, languages=languages, conventions=conventions,
                  rules=profile.rules or "(none yet: add them to [review] rules or REVIEW.md)")
    return (text or "").replace('"""', "'''")  # a Modelfile SYSTEM block ends at the next triple quote


def render_modelfile(profile: "ProjectProfile", base: str, repo_root: Path | None, adapter: Path | None = None) -> str:
    lines = [
        f"# A model for {profile.name}, written by `llmdev modelfile`.",
        f"FROM {base}",
        "",
        f"# {profile.num_ctx_reason}.",
        f"PARAMETER num_ctx {profile.num_ctx}",
    ]
    if adapter is not None:
        lines += ["", "# A fine-tuned adapter (LoRA) for the base model, e.g. from `llmdev dataset export` data.",
                  f"ADAPTER {adapter}"]
    lines += ["", f'SYSTEM """{system_prompt(profile, repo_root)}"""']
    return "\n".join(lines) + "\n"
