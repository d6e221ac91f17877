"""One line on whether a model could answer now: the checks of `llmdev doctor`, with a short timeout."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from llmdev.config.schema import Settings

PROBE_TIMEOUT_S = 2.0  # a first look must not hang on a server that accepts but does not answer


def model_status(reference: str, settings: "Settings") -> str:
    """`model ollama/x: reachable (…)`, or what is wrong and how to fix it; never raises."""
    from llmdev.backends.registry import get_backend, resolve_model

    from llmdev.config.schema import replace

    quick = replace(settings, request=replace(
        settings.request,
        timeout=min(settings.request.timeout, PROBE_TIMEOUT_S),
        connect_timeout=min(settings.request.connect_timeout, PROBE_TIMEOUT_S),
    ))
    try:
        ref = resolve_model(reference, quick)
        checks = get_backend(ref.provider, quick).checks(ref.name)
    except LlmdevError as exc:
        return f"model {reference}: {exc}"
    except Exception as exc:  # a broken backend plugin must not break the command
        return f"model {reference}: cannot be checked ({type(exc).__name__}: {exc})"
    failed = next((c for c in checks if not c.ok), None)
    if failed is not None:
        return f"model {ref}: {failed.detail}" + (f" — {failed.fix}" if failed.fix else "")
    return f"model {ref}: reachable" + (f" ({checks[0].detail})" if checks else "")
