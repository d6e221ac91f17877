"""What `llmdev doctor` checks: configuration, plugins, and each model's server, model and key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

from llmdev.backends.base import Check
from llmdev.backends.registry import get_backend, resolve_model
from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from llmdev.config.loader import LoadedConfig
    from llmdev.config.schema import Settings

CONFIG_FIX = "see `llmdev config path` for the files and `llmdev config show` for valid keys"


def config_check(config: "LoadedConfig | None", error: LlmdevError | None = None) -> Check:
    if error is not None:
        return Check("configuration", False, error.message, error.hint or CONFIG_FIX)
    assert config is not None
    files = ", ".join(str(f) for f in config.files) or "built-in defaults only"
    return Check("configuration", True, files)


def plugin_checks() -> list[Check]:
    """Third-party plugins that failed to load."""
    from llmdev.plugins import plugin_state

    return [
        Check(f"plugin {p.name}", False, f"failed to load: {p.error}", f"reinstall or uninstall {p.source}")
        for p in plugin_state().plugins
        if p.error
    ]


def models_to_check(settings: "Settings", model_flag: str | None, every_alias: bool) -> list[str]:
    """The --model given, else the default and per-command models (plus every alias with --all)."""
    if model_flag:
        return [model_flag]
    names = [settings.model] + [c.model for c in settings.commands.values() if c.model]
    if every_alias:
        names += sorted(settings.aliases)
    return list(dict.fromkeys(names))


def model_checks(settings: "Settings", references: Iterable[str]) -> list[Check]:
    """Each model's backend checks, in order, without repeating a check already listed."""
    checks: dict[str, Check] = {}
    for reference in references:
        try:
            ref = resolve_model(reference, settings)
            found = get_backend(ref.provider, settings).checks(ref.name)
        except LlmdevError as exc:
            found = [Check(f"model {reference}", False, exc.message, exc.hint)]
        except Exception as exc:  # a broken backend plugin
            found = [Check(f"model {reference}", False, f"{type(exc).__name__}: {exc}", "check the plugin providing it")]
        for check in found:
            checks.setdefault(check.name, check)
    return list(checks.values())
