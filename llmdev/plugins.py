"""Load built-in and third-party plugins; one that fails is reported and skipped."""

from __future__ import annotations

import functools
import importlib
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

import pluggy

from llmdev import hookspecs
from llmdev.plugin_settings import ENTRY_POINT_GROUP, PluginSettings, read_plugin_settings

# Built-ins go through the same hooks as third-party plugins.
BUILTIN_PLUGINS = (
    "llmdev.backends.ollama",
    "llmdev.backends.openai",
    "llmdev.usage.recorder",
)

# These hooks decide what leaves the machine: a plugin failing in one refuses the call
# rather than letting the prompt through unchecked.
REQUEST_HOOKS = frozenset({"route_request", "guard_request", "guard_run"})
# How `llmdev plugins` describes hooks that add nothing it can list.
HOOK_ROLES = {
    "route_request": "routes requests",
    "guard_request": "guards requests",
    "guard_run": "guards runs",
    "model_call_finished": "observes finished calls",
}


@dataclass
class PluginInfo:
    name: str
    source: str  # "built-in", "registered in code", "<distribution> <version>", "local"
    hooks: list[str] = field(default_factory=list)
    error: str | None = None  # why it was not loaded
    location: str | None = None  # the module's file or the local path
    failures: list[str] = field(default_factory=list)  # hooks that raised while running


@dataclass
class PluginState:
    manager: pluggy.PluginManager
    plugins: list[PluginInfo]

    def find(self, name: str) -> PluginInfo | None:
        return next((info for info in self.plugins if info.name == name), None)


_state: PluginState | None = None


def report_failure(plugin: str, hook_name: str, exc: BaseException) -> None:
    """Note a hook that raised, and say so once on stderr."""
    from llmdev import console

    message = f"{hook_name}: {type(exc).__name__}: {exc}"
    info = _state.find(plugin) if _state is not None else None
    if info is not None:
        if message in info.failures:
            return
        info.failures.append(message)
    console.warning(f"plugin '{plugin}' failed in {message}; skipped")


def _guard(plugin: str, hook_name: str, function: Callable[..., Any]) -> Callable[..., Any]:
    from llmdev.errors import LlmdevError

    @functools.wraps(function)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return function(*args, **kwargs)
        except LlmdevError as exc:
            if hook_name in REQUEST_HOOKS:
                raise  # a deliberate refusal
            report_failure(plugin, hook_name, exc)
        except Exception as exc:
            if hook_name in REQUEST_HOOKS:
                raise LlmdevError(
                    f"plugin '{plugin}' failed while checking the request ({type(exc).__name__}: {exc}); nothing was sent",
                    f'fix or remove it, or disable it with [plugins] disable = ["{plugin}"]',
                ) from exc
            report_failure(plugin, hook_name, exc)
        return None

    return guarded


class GuardedPlugin:
    """A plugin's hook implementations, each wrapped so a failure is reported, not raised."""

    def __init__(self, name: str, plugin: Any) -> None:
        self.wrapped = plugin
        for attr in dir(plugin):
            function = getattr(plugin, attr, None)
            opts = getattr(function, f"{ENTRY_POINT_GROUP}_impl", None)
            if not callable(function) or not isinstance(opts, dict):
                continue
            hook_name = opts.get("specname") or attr
            plain = not (opts.get("wrapper") or opts.get("hookwrapper"))
            setattr(self, attr, _guard(name, hook_name, function) if plain else function)

    def __repr__(self) -> str:
        return f"<guarded {self.wrapped!r}>"


def _register(manager: pluggy.PluginManager, infos: list[PluginInfo], name: str, source: str, load: Callable[[], Any]) -> None:
    """Load and register one plugin; a failure becomes an entry with its error."""
    try:
        plugin = load()
        manager.register(GuardedPlugin(name, plugin), name=name)
    except Exception as exc:  # a broken plugin must not break llmdev
        infos.append(PluginInfo(name, source, error=f"{type(exc).__name__}: {exc}"))
        return
    location = getattr(plugin, "__file__", None)
    infos.append(PluginInfo(name, source, location=str(location) if location else None))


def _load_entry_points(manager: pluggy.PluginManager, infos: list[PluginInfo], disable: set[str]) -> None:
    from llmdev.entry_points import entry_points

    for entry in entry_points(ENTRY_POINT_GROUP):
        source = f"{entry.dist_name} {entry.dist_version}".strip()
        if manager.has_plugin(entry.name) or any(i.name == entry.name for i in infos):
            continue
        if entry.name in disable:
            infos.append(PluginInfo(entry.name, source, error="disabled in [plugins] disable"))
            continue
        _register(manager, infos, entry.name, source, entry.load)


def import_local_plugin(path: Path) -> ModuleType:
    """Import a plugin from a `.py` file or a package folder outside sys.path."""
    import importlib.util
    import sys

    target = path / "__init__.py" if path.is_dir() else path
    module_name = f"llmdev_local_{path.stem.replace('-', '_')}"
    locations = [str(path)] if path.is_dir() else None
    spec = importlib.util.spec_from_file_location(module_name, target, submodule_search_locations=locations)
    if spec is None or spec.loader is None:
        raise ImportError(f"{target} is not a Python module")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    spec.loader.exec_module(module)
    return module


def _load_local(manager: pluggy.PluginManager, infos: list[PluginInfo], found: PluginSettings) -> None:
    candidates = [(path, None) for path in found.user_local]
    if found.repo_root is not None:
        candidates += [(found.repo_root / rel, rel) for rel in found.repo_local]
    for path, repo_rel in candidates:
        name = f"local:{path.stem}"
        if name in found.disable:
            infos.append(PluginInfo(name, "local", error="disabled in [plugins] disable", location=str(path)))
            continue
        if repo_rel is not None and found.repo_root is not None:
            from llmdev.plugin_trust import is_trusted

            verdict = is_trusted(found.repo_root, repo_rel)
            if verdict is not None:  # repository code runs only once the user trusts it
                infos.append(PluginInfo(name, "repository", error=verdict, location=str(path)))
                continue
        _register(manager, infos, name, "repository" if repo_rel else "local", lambda p=path: import_local_plugin(p))
        infos[-1].location = str(path)


def _hooks_of(manager: pluggy.PluginManager, plugin: Any) -> list[str]:
    return sorted(caller.name for caller in manager.get_hookcallers(plugin) or [])


def plugin_state(extra: tuple[Any, ...] = ()) -> PluginState:
    """The process-wide plugin manager, loaded once."""
    global _state
    if _state is not None:
        return _state
    manager = pluggy.PluginManager(ENTRY_POINT_GROUP)
    manager.add_hookspecs(hookspecs)
    found = read_plugin_settings()
    infos: list[PluginInfo] = []
    for name in BUILTIN_PLUGINS:
        if name in found.disable:
            infos.append(PluginInfo(name, "built-in", error="disabled in [plugins] disable"))
        else:
            _register(manager, infos, name, "built-in", lambda n=name: importlib.import_module(n))
    for plugin in extra:
        name = getattr(plugin, "__name__", None) or type(plugin).__name__
        _register(manager, infos, name, "registered in code", lambda p=plugin: p)
    _load_entry_points(manager, infos, found.disable)
    _load_local(manager, infos, found)
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


def _capabilities(hook_name: str, function: Callable[..., Any]) -> list[str]:
    """What one hook implementation adds, found by calling it with a recorder."""
    found: list[str] = []
    if hook_name == "register_backends":
        function(register=lambda kind, factory: found.append(f"backend {kind}"))
    elif hook_name == "register_commands":
        import typer

        scratch = typer.Typer()
        function(app=scratch)
        names = [c.name or getattr(c.callback, "__name__", "?") for c in scratch.registered_commands]
        names += [g.name or "?" for g in scratch.registered_groups]
        found += [f"command {name.replace('_', '-')}" for name in names]
    elif hook_name == "register_prompts":
        folders: list[Any] = []
        function(register=folders.append)
        found += [f"prompts {p.name}" for d in map(Path, folders) if d.is_dir() for p in sorted(d.iterdir()) if p.is_dir()]
    elif hook_name == "register_review_rules":
        rules: list[str] = []
        function(register=rules.append)
        found.append(f"{len(rules)} review rule(s)")
    else:
        found.append(HOOK_ROLES.get(hook_name, hook_name))
    return found


def capabilities(state: PluginState) -> dict[str, list[str]]:
    """For each loaded plugin, what it provides (backends, commands, prompts, rules, roles)."""
    provided: dict[str, list[str]] = {info.name: [] for info in state.plugins if info.error is None}
    for caller in state.manager.hook.__dict__.values():
        if not isinstance(caller, pluggy.HookCaller):
            continue
        for impl in caller.get_hookimpls():
            provided.setdefault(impl.plugin_name, []).extend(_capabilities(caller.name, impl.function))
    return provided
