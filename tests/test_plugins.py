"""Plugin loading: built-ins and shipped plugins through the same hooks; failures are reported and
skipped; routing follows the selection order; repository code runs only when trusted."""

from __future__ import annotations

import textwrap
from pathlib import Path
from typing import Any

import pytest

from llmdev import plugins
from llmdev.backends.base import Message
from llmdev.calls import RouteRequest, execute, prepare
from llmdev.cli import run
from llmdev.config.loader import load_config
from llmdev.errors import LlmdevError
from llmdev.hookspecs import hookimpl
from llmdev.plugin_trust import trust


def _one_line(text: str) -> str:
    return " ".join(text.split())


def test_built_ins_and_shipped_plugins_are_loaded() -> None:
    state = plugins.plugin_state()
    sources = {info.name: info.source for info in state.plugins}
    assert all(sources[name] == "built-in" for name in plugins.BUILTIN_PLUGINS)
    assert sources["privacy"].startswith("llmdev_cli ") and sources["cost_guard"].startswith("llmdev_cli ")
    assert state.find("privacy").hooks == ["guard_request"]  # type: ignore[union-attr]
    provided = plugins.capabilities(state)
    assert "backend ollama" in provided["llmdev.backends.ollama"]
    assert "llmdev.commands" not in sources  # built-in commands load lazily, not as a plugin


def _distribution(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str, module_source: str) -> None:
    """An installed distribution with an `llmdev` entry point, on sys.path for this test."""
    info = tmp_path / f"{name}-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text(f"[llmdev]\n{name} = {name}_mod\n")
    (tmp_path / f"{name}_mod.py").write_text(textwrap.dedent(module_source))
    monkeypatch.syspath_prepend(str(tmp_path))


def test_a_plugin_that_fails_to_import_is_reported_and_skipped(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    _distribution(tmp_path, monkeypatch, "brokenplug", "raise ImportError('needs a missing library')\n")
    info = plugins.plugin_state().find("brokenplug")
    assert info is not None and info.source == "brokenplug 1.0"
    assert info.error == "ImportError: needs a missing library"
    assert run(["--version"]) == 0


def test_a_plugin_hook_that_raises_does_not_break_other_commands(tmp_path, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    _distribution(
        tmp_path,
        monkeypatch,
        "crashy",
        """
        from llmdev.hookspecs import hookimpl

        @hookimpl
        def register_commands(app):
            raise RuntimeError("bad command table")
        """,
    )
    assert run(["--help"]) == 0  # listing every command asks plugins for theirs
    out, err = capsys.readouterr()
    assert "config" in out and "review" in out
    err = _one_line(err)
    assert "plugin 'crashy' failed in register_commands: RuntimeError: bad command table; skipped" in err
    assert plugins.plugin_state().find("crashy").failures == ["register_commands: RuntimeError: bad command table"]  # type: ignore[union-attr]


class Observer:
    """A plugin watching calls; it breaks on purpose."""

    @hookimpl
    def model_call_finished(self, record: Any) -> None:
        raise ValueError("observer broke")


def test_an_observer_that_raises_does_not_fail_the_call(use_ollama, capsys) -> None:  # type: ignore[no-untyped-def]
    plugins.plugin_state(extra=(Observer(),))
    use_ollama.reply("answer")
    config = load_config()
    result = execute(prepare("ask", [Message("user", "hi")], config), config)
    assert result.text == "answer"
    assert "failed in model_call_finished: ValueError: observer broke" in _one_line(capsys.readouterr().err)


class Router:
    """Sends `ask` to a fixed model; optionally breaks."""

    def __init__(self, model: str = "gpt4o-mini", error: Exception | None = None) -> None:
        self.model = model
        self.error = error

    @hookimpl
    def route_request(self, request: RouteRequest) -> None:
        if self.error is not None:
            raise self.error
        request.model = self.model


def test_selection_order(isolated_env: Path) -> None:
    (isolated_env / "config" / "config.toml").write_text('[commands.ask]\nmodel = "gpt4o"\n')
    config = load_config()
    assert str(prepare("ask", [Message("user", "x")], config).model) == "openai/gpt-4o"  # per-command config
    plugins.reset()
    plugins.plugin_state(extra=(Router("ollama/llama3:8b"),))
    assert str(prepare("ask", [Message("user", "x")], config).model) == "ollama/llama3:8b"  # routing wins over config
    locked = prepare("ask", [Message("user", "x")], config, model_flag="local")  # --model wins over routing
    assert str(locked.model) == "ollama/llama3.1:8b"
    assert locked.notes == ["kept ollama/llama3.1:8b named by --model; a routing plugin asked for ollama/llama3:8b"]


def test_a_routing_plugin_that_crashes_refuses_the_call(use_ollama) -> None:  # type: ignore[no-untyped-def]
    plugins.plugin_state(extra=(Router(error=KeyError("model")),))
    with pytest.raises(LlmdevError, match="failed while checking the request .KeyError: 'model'.; nothing was sent"):
        prepare("ask", [Message("user", "x")], load_config())
    assert use_ollama.requests == []


def test_a_deliberate_refusal_is_passed_on_unchanged() -> None:
    refusal = LlmdevError("not on Fridays", "wait for Monday")
    plugins.plugin_state(extra=(Router(error=refusal),))
    with pytest.raises(LlmdevError) as caught:
        prepare("ask", [Message("user", "x")], load_config())
    assert caught.value is refusal


def test_disabled_plugins_are_listed_but_not_loaded(isolated_env: Path) -> None:
    (isolated_env / "config" / "config.toml").write_text('[plugins]\ndisable = ["cost_guard"]\n')
    info = plugins.plugin_state().find("cost_guard")
    assert info is not None and info.error == "disabled in [plugins] disable" and info.hooks == []


PLUGIN_FILE = """
from llmdev.hookspecs import hookimpl

@hookimpl
def register_review_rules(register):
    register("No prints in library code.")
"""


def test_a_plugin_file_named_in_the_user_config_is_loaded(tmp_path: Path, isolated_env: Path) -> None:
    (tmp_path / "rules_plugin.py").write_text(PLUGIN_FILE)
    (isolated_env / "config" / "config.toml").write_text(f'[plugins]\nlocal = ["{tmp_path / "rules_plugin.py"}"]\n')
    info = plugins.plugin_state().find("local:rules_plugin")
    assert info is not None and info.error is None and info.source == "local"
    assert plugins.capabilities(plugins.plugin_state())["local:rules_plugin"] == ["1 review rule(s)"]


def test_repository_plugins_run_only_once_trusted_and_unchanged(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "tools").mkdir()
    (repo / "tools" / "team_plugin.py").write_text(PLUGIN_FILE + "\nRAN = True\n")
    (repo / ".llmdev.toml").write_text('[plugins]\nlocal = ["tools/team_plugin.py"]\n')
    monkeypatch.chdir(repo)

    info = plugins.plugin_state().find("local:team_plugin")
    assert info is not None and info.source == "repository"
    assert info.error == "repository code, not trusted: run `llmdev plugins trust tools/team_plugin.py` to load it"

    trust(repo, "tools/team_plugin.py")
    plugins.reset()
    info = plugins.plugin_state().find("local:team_plugin")
    assert info is not None and info.error is None and info.hooks == ["register_review_rules"]

    (repo / "tools" / "team_plugin.py").write_text(PLUGIN_FILE + "\nimport os  # a pull request's change\n")
    plugins.reset()
    info = plugins.plugin_state().find("local:team_plugin")
    assert info is not None and info.error is not None and info.error.startswith("changed since it was trusted")
