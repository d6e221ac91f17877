"""The data every backend speaks: messages in, streamed text and usage out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable, Literal, Protocol, Sequence

from llmdev.errors import ModelError

if TYPE_CHECKING:
    from llmdev.config.schema import ProviderConfig, Settings

Role = Literal["system", "user", "assistant"]
TextSink = Callable[[str], None]


@dataclass(frozen=True)
class Message:
    role: Role
    content: str

    def as_dict(self) -> dict[str, str]:
        return {"role": self.role, "content": self.content}


@dataclass(frozen=True)
class ChatOptions:
    """Per-request knobs; None means the server's default."""

    temperature: float | None = None
    seed: int | None = None
    max_output_tokens: int | None = None
    json_schema: dict[str, Any] | None = None
    schema_name: str = "result"


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    duration_s: float = 0.0
    first_token_s: float | None = None
    load_s: float | None = None
    estimated: bool = False  # the server reported no counts: these are llmdev's estimates


@dataclass
class ChatResult:
    text: str
    model: str  # the full reference, e.g. "ollama/llama3.1:8b"
    usage: Usage = field(default_factory=Usage)
    finish_reason: str | None = None
    warnings: list[str] = field(default_factory=list)


class ContextOverflow(ModelError):
    """The server refused the prompt as longer than its window; callers that can send less retry once."""

    def __init__(self, message: str, hint: str | None, prompt_tokens: int | None, window: int | None) -> None:
        super().__init__(message, hint)
        self.prompt_tokens = prompt_tokens
        self.window = window


@dataclass(frozen=True)
class ModelInfo:
    name: str
    context_length: int | None = None
    details: str = ""


@dataclass(frozen=True)
class Check:
    """One line of `llmdev doctor`: what was checked, whether it passed, and the fix."""

    name: str
    ok: bool
    detail: str
    fix: str | None = None


class Backend(Protocol):
    """What a model server must offer. Errors are raised as `llmdev.errors.ModelError`."""

    provider: str

    def chat(
        self,
        model: str,
        messages: Sequence[Message],
        options: ChatOptions,
        on_text: TextSink | None = None,
    ) -> ChatResult:
        """Send one chat request, streaming text to `on_text` as it arrives."""
        ...

    def list_models(self) -> list[ModelInfo]:
        """The models this server offers now."""
        ...

    def context_length(self, model: str) -> int | None:
        """The model's context window in tokens, if the server says."""
        ...

    def checks(self, model: str | None) -> list[Check]:
        """Health checks for `llmdev doctor`; never raises."""
        ...


BackendFactory = Callable[[str, "ProviderConfig", "Settings"], Backend]
"""Builds a backend from (provider name, provider config, settings)."""
