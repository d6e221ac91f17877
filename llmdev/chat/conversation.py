"""The prompt for the next question: system text, repository map, files in context, the turns
that still fit, the question — always inside the model's window."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

from llmdev.backends.base import Message
from llmdev.chat.budget import fit_history
from llmdev.errors import LlmdevError, UsageError
from llmdev.prompting import render
from llmdev.provenance import fence as data_fence
from llmdev.tokens import PER_MESSAGE_TOKENS, estimate_message_tokens, estimate_tokens

if TYPE_CHECKING:
    from llmdev.chat.session import ChatSession, Turn

PROMPT = "chat"


class PromptTooBig(UsageError):
    """The files in context and the question alone do not fit in the model's window."""

    def __init__(self, message: str, hint: str, needed: int) -> None:
        super().__init__(message, hint)
        self.needed = needed


@dataclass(frozen=True)
class PromptPart:
    label: str  # "instructions", "repository map", a file path, "conversation", "question"
    tokens: int


@dataclass
class PromptPlan:
    """What the next request will hold and how big it is."""

    messages: list[Message]
    files: list[str]  # repository paths whose content is in the prompt
    parts: list[PromptPart]
    tokens: int  # estimated input tokens
    window: int
    reserved: int  # tokens kept free for the answer
    dropped_turns: int = 0  # oldest turns left out so the prompt fits
    unreadable: list[str] = field(default_factory=list)  # files in context that could not be read


def reserved_tokens(session: "ChatSession", window: int) -> int:
    """Room kept for the answer: the configured amount, at most a quarter of the window."""
    return min(session.settings.chat.output_tokens, window // 4)


def file_block(session: "ChatSession", path: str, text: str) -> str:
    fence = "```"
    while fence in text:
        fence += "`"
    language = PurePosixPath(path).suffix.lstrip(".")
    block = render(PROMPT, "file", session.repo.root, path=path, fence=fence, language=language, content=text.rstrip("\n")) or ""
    return data_fence("file", block, path)


def file_blocks(session: "ChatSession") -> tuple[list[tuple[str, str]], list[str]]:
    """(path, rendered block) for each readable file in context, and the unreadable ones."""
    from llmdev.repo.files import read_text

    blocks, unreadable = [], []
    for path in session.files:
        text = read_text(session.repo, path)
        if text is None:
            unreadable.append(path)
        else:
            blocks.append((path, file_block(session, path, text)))
    return blocks, unreadable


def repository_map(session: "ChatSession", budget: int) -> str:
    """The repository map focused on the files in context ('' when off or unavailable); cached."""
    if budget <= 0:
        return ""
    key = f"map:{budget}:{','.join(session.files)}"
    return str(session.cached(key, lambda: _render_map(session, budget)))


def _render_map(session: "ChatSession", budget: int) -> str:
    try:
        from llmdev.code.index import load_index
        from llmdev.context.repomap import render_map

        index = load_index(session.repo, show_progress=False, settings=session.settings)  # the settings' private paths stay out
        text = render_map(session.repo, budget=budget, focus=list(session.files), index=index)
    except (ImportError, LlmdevError):
        return ""  # no index yet, or a repository it cannot read: answer without a map
    if not text.strip():
        return ""
    return render(PROMPT, "map", session.repo.root, map=data_fence("map", text.strip())) or ""


def system_message(session: "ChatSession", map_text: str, blocks: list[tuple[str, str]], listed: str = "") -> Message:
    context = "\n\n".join(part for part in [map_text, listed, *(b for _, b in blocks)] if part)
    text = render(PROMPT, "system", session.repo.root, repository=session.repo.root.name, context=context)
    return Message("system", text or "")


def plan_prompt(session: "ChatSession", question: str | None) -> PromptPlan:
    """The next request's messages, fitted to the window; raises UsageError when even the
    files in context and the question alone do not fit."""
    from llmdev.chat.suggestions import SHARE, suggestion_block

    window = session.fitting_window()
    reserved = reserved_tokens(session, window)
    blocks, unreadable = file_blocks(session)
    map_budget = min(session.settings.chat.map_tokens, max(0, (window - reserved) // 8))
    map_text = repository_map(session, map_budget)
    listed, listed_count = suggestion_block(session, question, max(0, (window - reserved) // SHARE))
    user = Message("user", render(PROMPT, "user", session.repo.root, question=question) or question) if question else None
    system = system_message(session, map_text, blocks, listed)
    fixed = estimate_message_tokens(m.content for m in [system, *([user] if user else [])])
    if fixed + reserved > window and (map_text or listed):  # the map and the list are the first things to give up
        map_text, listed, listed_count, system = "", "", 0, system_message(session, "", blocks)
        fixed = estimate_message_tokens(m.content for m in [system, *([user] if user else [])])
    if fixed + reserved > window:
        raise _too_big(session, fixed, window, reserved)
    fit = fit_history(session.turns, window - reserved - fixed)
    history = [m for turn in session.turns[fit.first_kept :] for m in _turn_messages(turn)]
    parts = _parts(system, [("repository map", map_text), (f"other files, by name ({listed_count})", listed)], blocks, fit.tokens, user)
    return PromptPlan(
        messages=[system, *history, *([user] if user else [])],
        files=[path for path, _ in blocks],
        parts=parts,
        tokens=fixed + fit.tokens,
        window=window,
        reserved=reserved,
        dropped_turns=fit.dropped,
        unreadable=unreadable,
    )


def _turn_messages(turn: "Turn") -> list[Message]:
    return [Message("user", turn.question), Message("assistant", turn.answer)]


def _parts(
    system: Message, extras: list[tuple[str, str]], blocks: list[tuple[str, str]], history: int, user: Message | None
) -> list[PromptPart]:
    """Each part's share; `extras` are (label, text) parts of the system message besides the files."""
    context_tokens = sum(estimate_tokens(text) for _, text in extras) + sum(estimate_tokens(b) for _, b in blocks)
    parts = [PromptPart("instructions", max(0, estimate_tokens(system.content) - context_tokens) + PER_MESSAGE_TOKENS + 3)]
    parts.extend(PromptPart(label, estimate_tokens(text)) for label, text in extras if text)
    parts.extend(PromptPart(path, estimate_tokens(block)) for path, block in blocks)
    parts.append(PromptPart("conversation", history))
    if user is not None:
        parts.append(PromptPart("question", estimate_tokens(user.content) + PER_MESSAGE_TOKENS))
    return parts


def _too_big(session: "ChatSession", needed: int, window: int, reserved: int) -> PromptTooBig:
    return PromptTooBig(
        f"the files in context and the question need ~{needed:,} tokens, but {session.model_ref()} holds "
        f"{window:,} (keeping {reserved:,} for the answer)",
        "drop files with /drop, or switch to a model with a larger window with /model NAME",
        needed,
    )
