"""What `llmdev gen` shows the model: the named files whole, or the best-ranked ones, plus a repository map."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Sequence

from llmdev.errors import UsageError
from llmdev.tokens import CHARS_PER_TOKEN, estimate_tokens

if TYPE_CHECKING:
    from pathlib import Path

    from llmdev.edits.formats import EditFormat
    from llmdev.backends.base import Message
    from llmdev.code.index import CodeIndex
    from llmdev.config.loader import LoadedConfig
    from llmdev.config.schema import Settings
    from llmdev.context.select import Locator
    from llmdev.repo.discovery import Repository

MAX_ADDED_FILES = 4


@dataclass
class GenContext:
    files_text: str
    repo_map: str
    files: list[str] = field(default_factory=list)  # every file whose code is in the prompt
    added: list[str] = field(default_factory=list)  # chosen by ranking, not named by the user
    new_files: list[str] = field(default_factory=list)  # named but not there yet
    next_files: str = ""  # the next best files not shown, fenced, a line each (ranked context only)


def whole_file(path: str, text: str) -> str:
    from llmdev.provenance import fence

    return fence("file", f"{path}\n```\n{text.rstrip()}\n```", path) + "\n"


def named_files(repo: "Repository", paths: Sequence[str]) -> tuple[list[str], list[str], list[str]]:
    """(rendered files, their paths, named paths that do not exist yet)."""
    from llmdev.repo.files import read_text, where_inside

    rendered, found, new = [], [], []
    for path in paths:
        if os.path.lexists(repo.root / path) and where_inside(repo.root, path) is None:
            raise UsageError(f"{path} leads outside the repository or into .git (a symbolic link)", "name a file of the repository itself")
        if not (repo.root / path).exists():
            new.append(path)
            continue
        if (repo.root / path).is_dir():
            raise UsageError(f"{path} is a directory", "name files, e.g. src/app.py")
        text = read_text(repo, path)
        if text is None:
            raise UsageError(f"{path} is binary or not UTF-8 text", "name only text files")
        rendered.append(whole_file(path, text))
        found.append(path)
    return rendered, found, new


def ranked_files(
    repo: "Repository", instruction: str, budget: int, index: "CodeIndex", locate: "Locator | None" = None
) -> tuple[str, list[str], str]:
    """The best-ranked files whole while they fit the budget, else the best definitions from them;
    then the next best files, a line each, in what the budget has left. (code, paths, list)"""
    from llmdev.context.outline import list_reserve, render_lines
    from llmdev.context.select import next_files, render_context, select_context
    from llmdev.repo.files import read_text

    selection = select_context(repo, instruction, budget=budget, index=index, locate=locate)
    room = int((budget - list_reserve(selection.outline, budget)) * CHARS_PER_TOKEN)
    rendered, paths = [], []
    for ranked in selection.files[:MAX_ADDED_FILES]:
        text = read_text(repo, ranked.path)
        if text is None or len(text) > room:
            continue
        rendered.append(whole_file(ranked.path, text))
        paths.append(ranked.path)
        room -= len(text)
    if not paths:
        return render_context(repo, selection), [f.path for f in selection.files], render_lines(selection.next_files)
    code = "\n".join(rendered)
    listed = next_files(selection.outline, set(paths), budget - estimate_tokens(code))
    return code, paths, render_lines(listed)


def gather_gen_context(
    repo: "Repository",
    instruction: str,
    paths: Sequence[str],
    *,
    context_tokens: int,
    map_tokens: int,
    locate: "Locator | None" = None,
    settings: "Settings | None" = None,
) -> GenContext:
    """Files and map for an instruction; `paths` are repository-relative files the user named."""
    from llmdev.code.index import load_index
    from llmdev.context.repomap import render_map

    index = load_index(repo, show_progress=False, settings=settings)  # the settings' private paths stay out
    rendered, found, new = named_files(repo, paths)
    context = GenContext("\n".join(rendered), "", found, [], new)
    if not paths:
        context.files_text, context.added, context.next_files = ranked_files(repo, instruction, context_tokens, index, locate)
        context.files = list(context.added)
    if map_tokens:
        context.repo_map = render_map(repo, budget=map_tokens, focus=list(paths) or context.added, query=instruction, index=index)
    return context


def format_instructions(root: "Path", edit_format: "EditFormat | None") -> str:
    """The prompt's part that teaches the edit format (prompts/gen/format.md or format-whole.md)."""
    from llmdev.edits.formats import SEARCH_REPLACE, TEMPLATES
    from llmdev.prompting import render

    return render("gen", TEMPLATES[edit_format or SEARCH_REPLACE], root) or ""


def gen_messages(root: "Path", instruction: str, context: GenContext, edit_format: "EditFormat | None" = None) -> list["Message"]:
    """`gen`'s prompt (prompts/gen/) for an instruction and the context gathered for it."""
    from llmdev.prompting import build_messages
    from llmdev.provenance import fence

    return build_messages(
        "gen",
        root,
        edit_format=format_instructions(root, edit_format),
        instruction=instruction,
        files=context.files_text or "(none)",
        repo_map=fence("map", context.repo_map) if context.repo_map else "(none)",
        new_files=", ".join(context.new_files) or "none",
        next_files=context.next_files or "(none)",
    )


def gen_request(
    repo: "Repository",
    config: "LoadedConfig",
    instruction: str,
    paths: Sequence[str],
    edit_format: "EditFormat | None" = None,
    scale: float = 1.0,
    model_flag: str | None = None,
) -> tuple[GenContext, list["Message"]]:
    """The context and prompt for `gen` (and `compare gen`): `paths` are repository-relative; `scale`
    shrinks the configured budgets (after a server refused a prompt as too long). With
    `[context] locate = "model"` the model first picks the ranked files (see llmdev.context.locate)."""
    from llmdev.context.locate import configured_locator

    settings = config.settings.gen
    locate = None if paths else configured_locator(config, model_flag)
    context = gather_gen_context(
        repo, instruction, paths, context_tokens=int(settings.context_tokens * scale), map_tokens=int(settings.map_tokens * scale),
        settings=config.settings, locate=locate,
    )
    return context, gen_messages(repo.root, instruction.strip(), context, edit_format)
