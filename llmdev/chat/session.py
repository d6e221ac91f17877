"""What a chat session remembers: the model, the files in context, the conversation, the usage."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Callable, Protocol

from llmdev.backends.base import Usage
from llmdev.backends.registry import ModelRef, resolve_model
from llmdev.calls import select_model
from llmdev.hookspecs import hookimpl

if TYPE_CHECKING:
    from llmdev.call_types import CallRecord
    from llmdev.config.loader import LoadedConfig
    from llmdev.config.schema import Settings
    from llmdev.context.outline import MapLine
    from llmdev.repo.discovery import Repository

COMMAND = "chat"
FALLBACK_WINDOW = 8192  # when the server does not say: small enough for any current model


class Interaction(Protocol):
    """How a slash command asks the user something in the middle of a session."""

    def confirm(self, question: str) -> bool: ...


class DeclineAll:
    """The answer when nobody can be asked (tests, scripts): always no."""

    def confirm(self, question: str) -> bool:
        return False


@dataclass
class Turn:
    """One question and its answer (partial when the user stopped it)."""

    question: str
    answer: str
    interrupted: bool = False


@dataclass
class ModelUsage:
    """Tokens and cost of every call the session made to one model."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = 0.0  # None once any call's price is unknown
    estimated: bool = False  # some numbers are estimates (a stopped answer reports no usage)


@dataclass
class ChatSession:
    config: "LoadedConfig"
    repo: "Repository"
    model: str  # a model reference or alias
    model_locked: bool = False  # the user named it (--model or /model): routing must not move it
    files: list[str] = field(default_factory=list)  # repository paths in context, in the order added
    own_paths: set[str] = field(default_factory=set)  # files /edit wrote: their changes are ours, not the user's
    turns: list[Turn] = field(default_factory=list)
    suggested: list["MapLine"] = field(default_factory=list)  # the files last suggested, numbered for /add NUMBER
    usage: dict[str, ModelUsage] = field(default_factory=dict)
    ui: Interaction = field(default_factory=DeclineAll)
    done: bool = False
    window_lookup: Callable[[ModelRef, "Settings"], int | None] | None = None
    tokens_in_use: int = 0  # the next prompt's size without the question, refreshed after each input
    dropped_reported: int = 0  # how many old turns the user was last told are left out
    fit_scale: float = 1.0  # <1 once the server counted a prompt as longer than llmdev's estimate
    tracker: "UsageTracker | None" = field(default=None, repr=False)
    _windows: dict[str, int | None] = field(default_factory=dict, repr=False)
    _cache: dict[str, object] = field(default_factory=dict, repr=False)

    @property
    def settings(self) -> "Settings":
        return self.config.settings

    def model_ref(self) -> ModelRef:
        return resolve_model(self.model, self.settings)

    def model_flag(self) -> str | None:
        """What to pass as `model_flag` to `llmdev.calls.prepare`."""
        return self.model if self.model_locked else None

    def known_window(self) -> int | None:
        """The current model's context window as the server reports it (asked once per model)."""
        ref = self.model_ref()
        key = str(ref)
        if key not in self._windows:
            from llmdev.chat.budget import model_window

            self._windows[key] = (self.window_lookup or model_window)(ref, self.settings)
        return self._windows[key]

    def window(self) -> int:
        """The window prompts are fitted into: the known one, or a safe small default."""
        return self.known_window() or FALLBACK_WINDOW

    def fitting_window(self) -> int:
        """The window prompts are fitted into, shrunk when the server's tokenizer counts more than llmdev's estimate."""
        return int(self.window() * self.fit_scale)

    def switch_model(self, reference: str) -> ModelRef:
        """Use another model from the next question on; the conversation is kept."""
        ref = resolve_model(reference, self.settings)  # an unknown name fails here, before anything changes
        self.model = reference
        self.model_locked = True
        self.fit_scale = 1.0
        return ref

    def record(self, model: str, usage: Usage, cost: float | None, estimated: bool = False) -> None:
        """Add one finished call (or, with `estimated`, the guessed tokens of a stopped one)."""
        totals = self.usage.setdefault(model, ModelUsage())
        totals.calls += 0 if estimated else 1
        totals.input_tokens += usage.input_tokens
        totals.output_tokens += usage.output_tokens
        totals.cost = None if totals.cost is None or cost is None else totals.cost + cost
        totals.estimated = totals.estimated or estimated

    def total_cost(self) -> float | None:
        """The session's cost so far; None when some model's price is unknown."""
        total = 0.0
        for totals in self.usage.values():
            if totals.cost is None:
                return None
            total += totals.cost
        return total

    def forget(self, *keys: str) -> None:
        """Drop cached values (the repository map, the file list) after something changed."""
        for key in keys or tuple(self._cache):
            self._cache.pop(key, None)

    def cached(self, key: str, make: Callable[[], object]) -> object:
        if key not in self._cache:
            self._cache[key] = make()
        return self._cache[key]


class UsageTracker:
    """A plugin for the session's lifetime: every model call it makes (questions, /edit, /review,
    /run's debugging) is added to its totals through the same hook the usage log uses."""

    def __init__(self, session: ChatSession) -> None:
        self.session = session

    @hookimpl
    def model_call_finished(self, record: "CallRecord") -> None:
        from llmdev.usage.prices import call_cost

        cost = call_cost(record.model, record.remote, record.usage, record.settings)
        self.session.record(record.model, record.usage, cost)


def start_session(config: "LoadedConfig", model_flag: str | None, repo: "Repository") -> ChatSession:
    """A new session in `repo`: the --model flag if given, else the configured chat model.
    Call `end_session` when done."""
    from llmdev.plugins import plugin_state

    model = select_model(COMMAND, model_flag, config.settings)
    session = ChatSession(config=config, repo=repo, model=model, model_locked=bool(model_flag))
    session.model_ref()  # an unknown model fails now, not at the first question
    session.tracker = UsageTracker(session)
    plugin_state().manager.register(session.tracker)
    return session


def end_session(session: ChatSession) -> None:
    """Stop counting model calls for `session`."""
    from llmdev.plugins import plugin_state

    tracker, session.tracker = session.tracker, None
    if tracker is not None and plugin_state().manager.is_registered(tracker):
        plugin_state().manager.unregister(tracker)
