"""The plugin API. Built-in backends and policies use these same hooks."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable

import pluggy

if TYPE_CHECKING:
    from llmdev.call_types import CallRecord, PreparedCall, RouteRequest
    from llmdev.config.schema import Settings

hookspec = pluggy.HookspecMarker("llmdev")
hookimpl = pluggy.HookimplMarker("llmdev")


@hookspec
def register_backends(register: Callable[[str, Any], None]) -> None:
    """Call `register(kind, factory)` for each kind of model server the plugin provides.

    `factory(provider_name, provider_config, settings)` returns a `Backend`.
    """


@hookspec
def register_commands(app: Any) -> None:
    """Add Typer commands or sub-apps to the `llmdev` app."""


@hookspec
def register_prompts(register: Callable[[Any], None]) -> None:
    """Call `register(directory)` with a folder of prompt templates that override the built-ins."""


@hookspec
def register_review_rules(register: Callable[[str], None]) -> None:
    """Call `register(text)` with review rules added to every review prompt."""


@hookspec
def route_request(request: "RouteRequest") -> None:
    """Inspect a request before it is sent: change `request.model`, redact, or refuse.

    Refuse by raising `llmdev.errors.LlmdevError`. Called for every model call. Leave the
    model alone when `request.model_locked` (the user named it with --model).
    """


@hookspec
def guard_request(request: "RouteRequest") -> None:
    """Check a request once routing is final: privacy and budget guards.

    Called after every `route_request`. A guard may redact `request.messages`, reroute to a
    local model, or refuse by raising `llmdev.errors.LlmdevError`; it adds its name to
    `request.checked_by` so llmdev knows it ran. Order guards with `tryfirst`/`trylast`.
    """


@hookspec
def guard_run(calls: "list[PreparedCall]", settings: "Settings") -> None:
    """Check calls together before they are sent; refuse by raising `llmdev.errors.LlmdevError`
    when together they break a limit (the budget guard sums their estimates).

    Called with every call a run plans before any is sent (a review split into parts), and just
    before each remote call is sent, with it last after the remote calls still in flight (whose
    cost is not in the usage log yet). A call refused beside calls in flight waits for them to
    finish and is asked about again; refused alone, it fails. Each call passed `guard_request`
    alone when it was prepared.
    """


@hookspec
def model_call_finished(record: "CallRecord") -> None:
    """Called after every model call, successful or not (usage logging, audit)."""
