"""Load built-in and third-party plugins; one that fails is reported and skipped."""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from typing import Any

import pluggy

from llmdev import hookspecs

ENTRY_POINT_GROUP = "llmdev"

# Built-ins go through the same hooks as third-party plugins.
BUILTIN_PLUGINS = (
    "llmdev.commands",
    "llmdev.backends.ollama",
    "llmdev.backends.openai",
)


@dataclass
class PluginInfo:
    name: str
    source: str  # "built-in", or the distribution that provides the entry point
    hooks: list[str] = field(default_factory=list)
    error: str | None = None


@dataclass
class PluginState:
    manager: pluggy.PluginManager
    plugins: list[PluginInfo]


_state: PluginState | None = None


def _load_entry_points(manager: pluggy.PluginManager, infos: list[PluginInfo]) -> None:
    from importlib.metadata import entry_points

    for entry in entry_points(group=ENTRY_POINT_GROUP):
        dist = getattr(entry.dist, "name", None) or "unknown distribution"
        if manager.has_plugin(entry.name):
            continue
        try:
            module = entry.load()
            manager.register(module, name=entry.name)
        except Exception as exc:  # a broken plugin must not break llmdev
            infos.append(PluginInfo(entry.name, dist, error=f"{type(exc).__name__}: {exc}"))
            continue
        infos.append(PluginInfo(entry.name, dist))


def _hooks_of(manager: pluggy.PluginManager, plugin: Any) -> list[str]:
    return sorted(caller.name for caller in manager.get_hookcallers(plugin) or [])


def plugin_state(extra: tuple[Any, ...] = ()) -> PluginState:
    """The process-wide plugin manager, loaded once."""
    global _state
    if _state is not None:
        return _state
    manager = pluggy.PluginManager("llmdev")
    manager.add_hookspecs(hookspecs)
    infos: list[PluginInfo] = []
    for name in BUILTIN_PLUGINS:
        manager.register(importlib.import_module(name), name=name)
        infos.append(PluginInfo(name, "built-in"))
    for plugin in extra:
        manager.register(plugin)
        infos.append(PluginInfo(manager.get_name(plugin) or repr(plugin), "registered in code"))
    _load_entry_points(manager, infos)
    for info in infos:
        if info.error is None:
            info.hooks = _hooks_of(manager, manager.get_plugin(info.name))
    _state = PluginState(manager, infos)
    return _state


def hook() -> Any:
    return plugin_state().manager.hook


def reset() -> None:
    """Forget loaded plugins (tests)."""
    global _state
    _state = None
