"""/edit: the files in context changed through `llmdev gen`'s safe path — edit blocks parsed and
matched, the diff shown, the user asked, then every file written or none, journalled for /undo."""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from llmdev import console
from llmdev.chat.budget import fit_history
from llmdev.chat.conversation import reserved_tokens
from llmdev.chat.session import COMMAND, Turn
from llmdev.errors import UsageError
from llmdev.tokens import estimate_message_tokens

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.chat.session import ChatSession
    from llmdev.edits.plan import FileChange
    from llmdev.edits.workflow import ApplyOptions

ALLOW_DIRTY = "--allow-dirty"


def edit_messages(session: "ChatSession", instruction: str) -> tuple[list["Message"], list[str]]:
    """`gen`'s prompt for the files in context (ranked files when there are none), with the
    conversation so far between its system and user messages, as far as it fits."""
    from llmdev.edits.generate import chosen_format
    from llmdev.context.locate import configured_locator
    from llmdev.edits.request import gather_gen_context, gen_messages

    settings = session.settings.gen
    locate = None if session.files else configured_locator(session.config, session.model_flag())
    context = gather_gen_context(
        session.repo, instruction, session.files, context_tokens=settings.context_tokens, map_tokens=settings.map_tokens,
        settings=session.settings, locate=locate,
    )
    if context.added:
        console.info(f"added to the context: {', '.join(context.added)}")
    messages = gen_messages(session.repo.root, instruction, context, chosen_format(COMMAND, session.config, session.model_flag()))
    return with_history(session, messages), context.files


def with_history(session: "ChatSession", messages: list["Message"]) -> list["Message"]:
    from llmdev.backends.base import Message

    window = session.fitting_window()
    room = window - reserved_tokens(session, window) - estimate_message_tokens(m.content for m in messages)
    fit = fit_history(session.turns, max(0, room))
    history = [m for t in session.turns[fit.first_kept :] for m in (Message("user", t.question), Message("assistant", t.answer))]
    return messages[:-1] + history + messages[-1:]


def parse_edit_argument(argument: str) -> tuple[str, bool]:
    allow_dirty = argument.startswith(ALLOW_DIRTY)
    instruction = argument[len(ALLOW_DIRTY) :].strip() if allow_dirty else argument.strip()
    if not instruction:
        raise UsageError("/edit needs an instruction", "e.g. /edit add type hints to parse_pair")
    return instruction, allow_dirty


def edit(session: "ChatSession", argument: str) -> None:
    from llmdev.chat.slash_context import repo_listing
    from llmdev.edits.diff import diff_stats
    from llmdev.edits.generate import ModelCaller, propose
    from llmdev.edits.workflow import ApplyOptions, refuse_dirty

    instruction, allow_dirty = parse_edit_argument(argument)
    options = ApplyOptions(allow_dirty=allow_dirty, own_paths=set(session.own_paths))
    refuse_dirty(session.repo, session.files, options)  # before paying for a model call
    messages, files = edit_messages(session, instruction)
    caller = ModelCaller(COMMAND, session.config, session.model_flag(), files)
    proposed = propose(caller, messages, session.repo.root, repo_listing(session, fresh=True).paths())
    if apply_confirmed(session, proposed.plan.changes, instruction, options):
        stats = "\n".join(f"{path}: +{added} -{removed}" for path, added, removed in diff_stats(proposed.plan.changes))
        session.turns.append(Turn(instruction, f"{proposed.first.prose.strip()}\n\n{stats}".strip()))


def apply_confirmed(session: "ChatSession", changes: Sequence["FileChange"], summary: str, options: "ApplyOptions") -> bool:
    """`gen`'s show-ask-write path, asked in the chat; written files are journalled for /undo."""
    from llmdev.edits.workflow import review_and_apply

    def confirm(question: str) -> bool:
        if session.ui.confirm(question):
            return True
        console.info("not applied")
        return False

    result = review_and_apply(session.repo, changes, options, summary=summary, command=COMMAND, confirm=confirm, undo_hint="/undo")
    if result.applied:
        session.own_paths.update(c.path for c in changes)
        session.forget()
    return result.applied
