"""The data that flows through a model call: what routing plugins and guards see, what is sent,
and what is recorded afterwards.

A leaf: it imports only other leaves (messages, model references, token and cost estimates, the
remote rule), so hookspecs, plugins, guards and backends can all take these types without
importing `llmdev.calls`, which drives them. Plugins import these names from here.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from llmdev.backends.base import ChatOptions, Message, Usage
from llmdev.backends.refs import ModelRef, resolve_model
from llmdev.tokens import estimate_message_tokens

if TYPE_CHECKING:
    from llmdev.config.schema import Settings
    from llmdev.usage.prices import CostEstimate


def content_digest(model: str, messages: list[Message]) -> str:
    digest = hashlib.sha256(f"{model}\0".encode())
    for message in messages:
        digest.update(f"{message.role}\0{message.content}\0".encode())
    return digest.hexdigest()


@dataclass
class RouteRequest:
    """What routing plugins and guards see and may change before a call is sent."""

    command: str
    model: str  # a model reference or alias
    messages: list[Message]
    files: list[str]
    settings: "Settings"
    model_locked: bool  # the user named the model with --model: route around it only to refuse or redact
    repo_root: Path | None = None
    notes: list[str] = field(default_factory=list)  # what routing did, shown to the user
    options: ChatOptions | None = None
    sources: dict[str, str] = field(default_factory=dict)  # config key -> the layer that set it
    checked_by: dict[str, str] = field(default_factory=dict)  # guard name -> fingerprint it checked
    findings: list[dict[str, Any]] = field(default_factory=list)  # what guards found (never secret values)

    def resolved(self) -> ModelRef:
        return resolve_model(self.model, self.settings)

    def is_remote(self) -> bool:
        """Whether the prompt would leave this machine with the current model."""
        from llmdev.privacy.remote import is_remote, repo_keys

        return is_remote(self.resolved(), self.settings, repo_keys(self.sources, self.repo_root))

    def fingerprint(self) -> str:
        """A hash of the model and the messages: a guard's check holds only while this is unchanged."""
        return content_digest(str(self.resolved()), self.messages)

    def mark_checked(self, guard: str) -> None:
        self.checked_by[guard] = self.fingerprint()

    def estimate(self) -> "CostEstimate":
        from llmdev.usage.prices import estimate

        tokens = estimate_message_tokens(m.content for m in self.messages)
        return estimate(str(self.resolved()), self.is_remote(), tokens, self.options, self.settings)


@dataclass
class PreparedCall:
    """A call that routing and the guards have passed, ready to send."""

    command: str
    model: ModelRef
    messages: list[Message]
    files: list[str]
    options: ChatOptions
    notes: list[str]
    repo_root: Path | None = None
    remote: bool = False
    estimate: "CostEstimate | None" = None
    privacy: list[dict[str, Any]] = field(default_factory=list)
    checked_sha256: str | None = None  # content_digest when the guards passed it

    @property
    def estimated_input_tokens(self) -> int:
        return estimate_message_tokens(m.content for m in self.messages)

    def content_sha256(self) -> str:
        digest = hashlib.sha256()
        for message in self.messages:
            digest.update(f"{message.role}\0{message.content}\0".encode())
        return digest.hexdigest()


@dataclass
class CallRecord:
    """Everything known about a finished (or failed) model call."""

    command: str
    model: str
    provider_kind: str
    started_at: float
    duration_s: float
    usage: Usage
    ok: bool
    files: list[str]
    content_sha256: str
    settings: "Settings"
    repo_root: Path | None = None
    error: str | None = None
    remote: bool = False
    estimated_usd: float | None = None
