"""What llmdev itself enforces around the privacy plugin: it must have checked every remote
request, a prompt changed after its check is checked again, and every remote request is audited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from llmdev.call_types import PreparedCall, RouteRequest
    from llmdev.config.loader import LoadedConfig

PRIVACY_GUARD = "privacy"  # the name the privacy guard marks a request with


class PrivacyRefusal(LlmdevError):
    """A prompt that must not be sent to a remote model."""


def require_privacy_check(request: "RouteRequest") -> None:
    """Refuse a remote request that no privacy guard checked in its final form."""
    from llmdev.privacy.policy import effective_policy

    if not request.is_remote():
        return
    policy, _ = effective_policy(request.settings, request.sources, request.repo_root)
    if not policy.enabled:
        return
    model = request.resolved()
    checked = request.checked_by.get(PRIVACY_GUARD)
    if checked is None:
        raise PrivacyRefusal(
            f"no privacy guard checked the request for {model}; nothing was sent",
            "`llmdev plugins` shows whether the privacy plugin loaded; to send unchecked, "
            "set [privacy] enabled = false in your user config",
        )
    if checked != request.fingerprint():
        raise PrivacyRefusal(
            f"the request for {model} changed after the privacy check; nothing was sent",
            "a plugin ordered after the privacy guard changed it: `llmdev plugins` lists them",
        )


def recheck(prepared: "PreparedCall", config: "LoadedConfig") -> None:
    """Scan a prepared remote call again (its messages changed since prepare)."""
    from llmdev.privacy.policy import effective_policy
    from llmdev.privacy.scan import scan_request

    policy, _ = effective_policy(config.settings, config.sources, config.repo_root)
    if not policy.enabled:
        return
    report = scan_request(prepared.messages, prepared.files, policy)
    if not report.clean:
        raise PrivacyRefusal(
            f"refused to send to {prepared.model}: the prompt changed after its privacy check and holds "
            f"{report.summary()}",
            "prepare the call again (llmdev.calls.prepare) so the privacy rules apply to it",
        )


def audit(prepared: "PreparedCall") -> None:
    """Write the audit entry for a remote request; no entry, no request."""
    from llmdev.privacy.audit import AuditEntry, record

    entry = AuditEntry(
        command=prepared.command,
        model=str(prepared.model),
        files=list(prepared.files),
        content_sha256=prepared.content_sha256(),
        repo=str(prepared.repo_root) if prepared.repo_root else None,
        estimated_input_tokens=prepared.estimated_input_tokens,
        redacted=sorted({str(f.get("kind")) for f in prepared.privacy if f.get("action") == "redacted"}),
    )
    try:
        record(entry)
    except OSError as exc:
        raise LlmdevError(
            f"cannot write the audit log ({exc.strerror or exc}); nothing was sent to {prepared.model}",
            "check that the llmdev data dir is writable (LLMDEV_DATA_DIR overrides it)",
        ) from exc
