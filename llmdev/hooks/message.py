"""Write a commit message for the staged change."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from llmdev.errors import UsageError
from llmdev.tokens import estimate_message_tokens, estimate_tokens

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.calls import PreparedCall
    from llmdev.config.loader import LoadedConfig
    from llmdev.repo.diff_types import FileDiff
    from llmdev.repo.discovery import Repository

COMMAND = "commit-msg"
TEMPLATE = "commit-msg"
OUTPUT_TOKENS = 512
RECENT_COMMITS = 10


@dataclass
class MessageRequest:
    call: "PreparedCall"
    omitted: list[str]  # files left out of the prompt to fit the window


def _recent_subjects(repo: "Repository") -> str:
    if not repo.has_commits():
        return "(none yet: this is the first commit)"
    subjects = repo.git("log", f"-n{RECENT_COMMITS}", "--no-merges", "--format=%s").strip()
    return subjects or "(none)"


def _fit(diffs: list["FileDiff"], room: int) -> tuple[str, list[str]]:
    """As many whole file diffs as fit in `room` tokens, smallest first; the rest are named as omitted."""
    from llmdev.provenance import fence
    from llmdev.repo.diff_types import file_diff_text

    texts = {d.path: fence("diff", file_diff_text(d), d.path, old_path=d.old_path, blob=d.new_blob) + "\n" for d in diffs}
    kept: set[str] = set()
    used = 0
    for path in sorted(texts, key=lambda p: len(texts[p])):
        cost = estimate_tokens(texts[path])
        if used + cost <= room:
            kept.add(path)
            used += cost
    diff = "".join(texts[d.path] for d in diffs if d.path in kept)
    return diff, [d.path for d in diffs if d.path not in kept]


def _messages(repo: "Repository", config: "LoadedConfig", diff: str, omitted: list[str], stat: str) -> list["Message"]:
    from llmdev.prompting import build_messages, render
    from llmdev.provenance import fence

    note = render(TEMPLATE, "omitted", config.repo_root, count=len(omitted), files=", ".join(omitted)) if omitted else ""
    recent, listed = fence("commits", _recent_subjects(repo)), fence("text", stat)
    return build_messages(TEMPLATE, config.repo_root, recent=recent, stat=listed, omitted=(note or "") + "\n", diff=diff)


def prepare_message(repo: "Repository", config: "LoadedConfig", model_flag: str | None = None) -> MessageRequest:
    """The request that writes a commit message for what is staged; nothing is sent."""
    from llmdev.backends.registry import resolve_model
    from llmdev.calls import default_options, prepare, select_model
    from llmdev.repo.diffs import staged_diff
    from llmdev.review.plan import model_window

    diffs = staged_diff(repo)
    if not diffs:
        raise UsageError("nothing is staged", "stage changes with `git add`, then ask again")
    stat = repo.git("diff", "--cached", "--stat=100", repo.head_or_empty_tree()).rstrip()
    window = model_window(str(resolve_model(select_model(COMMAND, model_flag, config.settings), config.settings)), config)
    overhead = estimate_message_tokens(m.content for m in _messages(repo, config, "", [d.path for d in diffs], stat))
    diff, omitted = _fit(diffs, max(0, int(window * 0.95) - OUTPUT_TOKENS - overhead))
    messages = _messages(repo, config, diff, omitted, stat)
    options = default_options(config.settings, temperature=config.settings.request.temperature or 0.2)
    included = [d.path for d in diffs if d.path not in omitted]
    return MessageRequest(prepare(COMMAND, messages, config, model_flag=model_flag, files=included, options=options), omitted)


_FENCE = re.compile(r"^```[\w-]*\n(.*?)\n```$", re.DOTALL)


def clean_message(text: str) -> str:
    """The model's reply as a commit message: no code fence, no quotes around it, tidy whitespace."""
    text = text.strip()
    if fenced := _FENCE.match(text):
        text = fenced.group(1).strip()
    if len(text) > 1 and text[0] == text[-1] and text[0] in "\"'`":
        text = text[1:-1].strip()
    lines = [line.rstrip() for line in text.splitlines()]
    if len(lines) > 1 and lines[1].strip():
        lines.insert(1, "")  # git wants a blank line between subject and body
    return "\n".join(lines).strip() + "\n"


def write_message(request: MessageRequest, config: "LoadedConfig") -> str:
    """Send the request and return the cleaned message."""
    from llmdev.calls import execute

    result = execute(request.call, config)
    message = clean_message(result.text)
    if not message.strip():
        from llmdev.errors import ModelError

        raise ModelError(f"{result.model} returned an empty commit message", "try again, or write the message yourself")
    return message
