"""Prompt templates: shipped in `prompts/`, overridable per repository in `.llmdev/prompts/`."""

from __future__ import annotations

import hashlib
from pathlib import Path
from string import Template
from typing import Any

from llmdev.backends.base import Message
from llmdev.errors import ConfigError

REPO_PROMPTS = Path(".llmdev") / "prompts"
PARTS = ("system", "user")


def builtin_prompts_dir() -> Path:
    """`llmdev/_prompts` in a wheel; the repository's top-level `prompts/` in a checkout."""
    packaged = Path(__file__).parent / "_prompts"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "prompts"


def prompt_dirs(repo_root: Path | None) -> list[Path]:
    """Where templates are looked up, first match wins."""
    dirs: list[Path] = []
    if repo_root is not None:
        dirs.append(repo_root / REPO_PROMPTS)
    from llmdev.plugins import hook

    registered: list[Path] = []
    hook().register_prompts(register=lambda d: registered.append(Path(d)))
    return dirs + registered + [builtin_prompts_dir()]


def template_path(name: str, part: str, repo_root: Path | None) -> Path | None:
    for directory in prompt_dirs(repo_root):
        candidate = directory / name / f"{part}.md"
        if candidate.is_file() and (repo_root is None or directory != repo_root / REPO_PROMPTS or _stays_inside(repo_root, candidate)):
            return candidate
    return None


def _stays_inside(repo_root: Path, candidate: Path) -> bool:
    """Whether a repository's own template really lies in its work tree: a committed link to
    /proc/self/environ must not become the prompt. One that leads out is passed over, visibly."""
    from llmdev.repo.files import where_inside

    if where_inside(repo_root, str(candidate.relative_to(repo_root))) is not None:
        return True
    if candidate not in _WARNED:
        from llmdev import console

        _WARNED.add(candidate)
        console.warning(f"{candidate.relative_to(repo_root)} leads outside the repository or into .git: llmdev's own template is used")
    return False


_WARNED: set[Path] = set()


def render(name: str, part: str, repo_root: Path | None, **values: Any) -> str | None:
    """The template `name/part.md` with `$placeholders` filled; None if there is none."""
    path = template_path(name, part, repo_root)
    if path is None:
        return None
    try:
        return Template(path.read_text(encoding="utf-8")).substitute(values).strip()
    except KeyError as exc:
        raise ConfigError(f"{path}: unknown placeholder ${exc.args[0]}", f"known: {', '.join(sorted(values))}") from None
    except ValueError as exc:
        raise ConfigError(f"{path}: {exc}", "write a literal $ as $$") from None


def build_messages(name: str, repo_root: Path | None, **values: Any) -> list[Message]:
    """System and user messages from a template pair."""
    messages = []
    for part in PARTS:
        text = render(name, part, repo_root, **values)
        if text is not None:
            messages.append(Message(part, text))  # type: ignore[arg-type]
    if not messages:
        raise ConfigError(f"no prompt template named '{name}'", f"looked in: {', '.join(map(str, prompt_dirs(repo_root)))}")
    return messages


def template_digest(name: str, repo_root: Path | None) -> str:
    """A hash of the templates in use, for cache keys."""
    digest = hashlib.sha256()
    for part in PARTS:
        path = template_path(name, part, repo_root)
        if path is not None:
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
