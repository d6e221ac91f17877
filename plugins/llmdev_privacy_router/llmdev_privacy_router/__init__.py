"""llmdev's privacy router: secrets and private files never reach a remote model.

For every request to a remote model (llmdev.privacy.remote.is_remote) it scans the prompt and
the files it includes, judging each fenced piece of repository text by the path it came from
(llmdev.provenance), then, per `[privacy] action`:

- reroute: send it to `privacy.local_model` instead (refused when --model named the remote
  model, unless `privacy.reroute_locked`);
- redact: replace each secret with a stable placeholder and take private files out;
- refuse: send nothing.

Every message names what was found and where, never the secret itself. A copy of this package
is a good start for your own guard: one `guard_request` hook, registered under the `llmdev`
entry-point group.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from llmdev.hookspecs import hookimpl

if TYPE_CHECKING:
    from llmdev.call_types import RouteRequest
    from llmdev.config.schema import PrivacyConfig
    from llmdev.privacy.scan import ScanReport

Action = Callable[["RouteRequest", "ScanReport", "PrivacyConfig"], None]


def refuse(request: "RouteRequest", report: "ScanReport", policy: "PrivacyConfig", why: str = "") -> None:
    from llmdev.privacy.guard import PrivacyRefusal

    raise PrivacyRefusal(
        f"refused to send to {request.resolved()}: the prompt holds {report.summary()}{why}; nothing was sent",
        f"take them out, use a local model (--model local){_other_actions(policy.action)}; "
        "a false alarm? add a pattern to [privacy] allowlist or allow_paths in your user config",
    )


def _other_actions(current: str) -> str:
    """The actions worth suggesting: never the one already in force."""
    others = [f'"{name}"' for name in ("redact", "reroute") if name != current]
    return f", or set [privacy] action = {' or '.join(others)}" if others else ""


def reroute(request: "RouteRequest", report: "ScanReport", policy: "PrivacyConfig") -> None:
    from llmdev.backends.registry import resolve_model
    from llmdev.errors import ConfigError
    from llmdev.privacy.remote import is_remote, repo_keys

    if request.model_locked and not policy.reroute_locked:
        refuse(request, report, policy, " and --model named that model ([privacy] reroute_locked = true reroutes anyway)")
    target = resolve_model(policy.local_model, request.settings)
    if is_remote(target, request.settings, repo_keys(request.sources, request.repo_root)):
        raise ConfigError(
            f"privacy.local_model '{policy.local_model}' is {target}, a remote model",
            "name a local model (an ollama/... one or a loopback server) in [privacy] local_model",
        )
    original = request.resolved()
    request.model = policy.local_model
    request.findings.extend({**f.as_dict(), "action": "rerouted"} for f in report.findings)
    request.notes.append(f"rerouted from {original} to {target}: the prompt holds {report.summary()}")


def redact(request: "RouteRequest", report: "ScanReport", policy: "PrivacyConfig") -> None:
    from llmdev.privacy.redact import redact_request
    from llmdev.privacy.scan import scan_request

    result = redact_request(request.messages, request.files, report, policy, request.repo_root)
    if result.unresolved:
        refuse(request, report, policy, " (" + "; ".join(result.unresolved) + ")")
    left = scan_request(result.messages, result.files, policy)
    if not left.clean:
        refuse(request, left, policy, " even after redaction")
    request.messages, request.files = result.messages, result.files
    request.findings.extend({**f.as_dict(), "action": "redacted"} for f in report.findings)
    request.notes.append(f"redacted before sending to {request.resolved()}: {report.summary()}")


ACTIONS: dict[str, Action] = {"refuse": refuse, "reroute": reroute, "redact": redact}


@hookimpl(tryfirst=True)
def guard_request(request: "RouteRequest") -> None:
    """Scan a remote request and apply `[privacy] action` to what it finds."""
    from llmdev.privacy.guard import PRIVACY_GUARD
    from llmdev.privacy.policy import effective_policy
    from llmdev.privacy.scan import scan_request

    policy, notes = effective_policy(request.settings, request.sources, request.repo_root)
    request.notes.extend(notes)
    if policy.enabled and request.is_remote():
        report = scan_request(request.messages, request.files, policy)
        if not report.clean:
            ACTIONS[policy.action](request, report, policy)
    request.mark_checked(PRIVACY_GUARD)
