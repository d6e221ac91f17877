from __future__ import annotations

from pathlib import Path

import pytest

from llmdev.config.loader import load_config, normalize_ollama_host, user_config_path
from llmdev.errors import ConfigError


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / ".git").mkdir()
    return tmp_path


def write_user(text: str) -> Path:
    path = user_config_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_defaults_without_files(repo: Path) -> None:
    loaded = load_config(cwd=repo, environ={})
    assert loaded.settings.model == "local"
    assert loaded.settings.aliases["local"] == "ollama/llama3.1:8b"
    assert loaded.source_of("model") == "default"
    assert loaded.repo_root == repo


def test_layers_later_wins_with_provenance(repo: Path) -> None:
    user = write_user('model = "gpt4o"\n[aliases]\nmine = "openai/gpt-4o-mini"\n[request]\ntimeout = 10\n')
    (repo / ".llmdev.toml").write_text('[request]\ntimeout = 20\n[commands.review]\nmodel = "mine"\n')
    loaded = load_config(cwd=repo, environ={"LLMDEV_MODEL": "ollama/qwen", "OLLAMA_HOST": ":9999"})
    s = loaded.settings
    assert s.model == "ollama/qwen" and loaded.source_of("model") == "environment"
    assert s.request.timeout == 20 and loaded.source_of("request.timeout") == str(repo / ".llmdev.toml")
    assert s.aliases["mine"] == "openai/gpt-4o-mini" and loaded.source_of("aliases.mine") == str(user)
    assert s.aliases["local"] == "ollama/llama3.1:8b"  # defaults survive a user [aliases] table
    assert s.commands["review"].model == "mine"
    assert s.providers["ollama"].base_url == "http://127.0.0.1:9999"
    assert s.providers["ollama"].kind == "ollama"


def test_flags_beat_environment(repo: Path) -> None:
    loaded = load_config(cwd=repo, environ={"LLMDEV_MODEL": "a/b"}, flags={"model": "gpt4o"})
    assert loaded.settings.model == "gpt4o"
    assert loaded.source_of("model") == "command line"


def test_pyproject_tool_section(repo: Path) -> None:
    (repo / "pyproject.toml").write_text('[project]\nname = "x"\n[tool.llmdev]\nmodel = "gpt4o"\n')
    loaded = load_config(cwd=repo / ".", environ={})
    assert loaded.settings.model == "gpt4o"
    assert "[tool.llmdev]" in loaded.source_of("model")


def test_found_from_a_subdirectory(repo: Path) -> None:
    (repo / ".llmdev.toml").write_text('model = "gpt4o"\n')
    sub = repo / "a" / "b"
    sub.mkdir(parents=True)
    assert load_config(cwd=sub, environ={}).settings.model == "gpt4o"


def test_unknown_key_names_file_and_key(repo: Path) -> None:
    (repo / ".llmdev.toml").write_text("[request]\ntimeuot = 3\n")
    with pytest.raises(ConfigError) as info:
        load_config(cwd=repo, environ={})
    message = str(info.value)
    assert str(repo / ".llmdev.toml") in message
    assert "request.timeuot" in message and "unknown key" in message


def test_every_unknown_key_and_bad_value_is_named(repo: Path) -> None:
    (repo / ".llmdev.toml").write_text('modle = "x"\n[request]\ntimeuot = 3\ntimeout = "soon"\n[review]\nfial_on = "high"\n')
    with pytest.raises(ConfigError) as info:
        load_config(cwd=repo, environ={})
    path = repo / ".llmdev.toml"
    assert info.value.message == (
        f"{path}: unknown keys request.timeuot, review.fial_on, modle; "
        f"{path}: request.timeout: expected `float`, got `str`"
    )


def test_wrong_type_names_file_and_key(repo: Path) -> None:
    path = write_user('[request]\ntimeout = "soon"\n')
    with pytest.raises(ConfigError) as info:
        load_config(cwd=repo, environ={})
    assert str(path) in str(info.value) and "request.timeout" in str(info.value)


def test_declared_provider_needs_a_kind(repo: Path) -> None:
    write_user('[providers.cluster]\nbase_url = "http://gpu:8000/v1"\n')
    with pytest.raises(ConfigError) as info:
        load_config(cwd=repo, environ={})
    assert "providers.cluster.kind" in str(info.value)


def test_invalid_toml_is_a_clear_error(repo: Path) -> None:
    (repo / ".llmdev.toml").write_text("model = \n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(cwd=repo, environ={})


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("example.com", "http://example.com:11434"),
        ("example.com:8080", "http://example.com:8080"),
        (":9999", "http://127.0.0.1:9999"),
        ("0.0.0.0", "http://127.0.0.1:11434"),
        ("https://ollama.internal", "https://ollama.internal:443"),
        ("http://10.1.2.3:11434/", "http://10.1.2.3:11434"),
        ("[::1]:11434", "http://[::1]:11434"),
    ],
)
def test_ollama_host_forms(value: str, expected: str) -> None:
    assert normalize_ollama_host(value) == expected


def test_repository_cannot_redirect_providers_until_trusted(repo: Path) -> None:
    from llmdev.config import trust

    (repo / ".llmdev.toml").write_text(
        'model = "gpt4o"\n[providers.openai]\nkind = "openai"\nbase_url = "https://attacker.example/v1"\n'
    )
    loaded = load_config(cwd=repo, environ={})
    assert loaded.settings.providers["openai"].base_url == "https://api.openai.com/v1"
    assert loaded.settings.model == "gpt4o"  # the rest of the file still applies
    assert any("llmdev config trust" in w for w in loaded.warnings)

    trust.trust(repo, {"openai": {"kind": "openai", "base_url": "https://attacker.example/v1"}})
    trusted = load_config(cwd=repo, environ={})
    assert trusted.settings.providers["openai"].base_url == "https://attacker.example/v1"
    assert trusted.warnings == []

    (repo / ".llmdev.toml").write_text('[providers.openai]\nkind = "openai"\nbase_url = "https://other.example/v1"\n')
    changed = load_config(cwd=repo, environ={})
    assert changed.settings.providers["openai"].base_url == "https://api.openai.com/v1"


def test_user_config_providers_need_no_trust(repo: Path) -> None:
    write_user('[providers.cluster]\nkind = "openai"\nbase_url = "http://gpu:8000/v1"\n')
    loaded = load_config(cwd=repo, environ={})
    assert loaded.settings.providers["cluster"].base_url == "http://gpu:8000/v1"
    assert loaded.warnings == []


def test_context_windows_is_one_top_level_table(repo: Path) -> None:
    (repo / ".llmdev.toml").write_text('[context_windows]\n"openai/gpt-4.1" = 1047576\n')
    windows = load_config(cwd=repo, environ={}).settings.context_windows
    assert windows == {"openai/gpt-4o": 128000, "openai/gpt-4o-mini": 128000, "openai/gpt-4.1": 1047576}
    (repo / ".llmdev.toml").write_text('[review.context_windows]\n"openai/gpt-4.1" = 1047576\n')
    with pytest.raises(ConfigError, match="unknown key"):
        load_config(cwd=repo, environ={})


def test_default_dirs_match_platformdirs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import platformdirs

    from llmdev.config.loader import user_cache_dir, user_config_dir, user_data_dir

    for var in ("LLMDEV_CONFIG_DIR", "LLMDEV_DATA_DIR", "LLMDEV_CACHE_DIR"):
        monkeypatch.delenv(var)
    for xdg in (str(tmp_path / "xdg"), None):
        for var in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            if xdg is None:
                monkeypatch.delenv(var, raising=False)
            else:
                monkeypatch.setenv(var, f"{xdg}/{var}")
        assert user_config_dir() == Path(platformdirs.user_config_dir("llmdev", appauthor=False))
        assert user_data_dir() == Path(platformdirs.user_data_dir("llmdev", appauthor=False))
        assert user_cache_dir() == Path(platformdirs.user_cache_dir("llmdev", appauthor=False))


@pytest.mark.parametrize("name", [".llmdev.toml", "pyproject.toml"])
def test_a_repository_config_that_leads_outside_is_refused_not_parsed(tmp_path: Path, name: str) -> None:
    (tmp_path / "environ").write_text('model = "sk-secret"\n[tool.llmdev]\nmodel = "sk-secret"\n')
    root = tmp_path / "repo"
    (root / ".git").mkdir(parents=True)
    (root / name).symlink_to("../environ")
    with pytest.raises(ConfigError) as raised:
        load_config(cwd=root, environ={})
    assert "leads outside the repository" in raised.value.message and "sk-secret" not in str(raised.value)
    (root / name).unlink()
    (root / "settings.toml").write_text('[tool.llmdev]\nmodel = "gpt4o"\n' if name == "pyproject.toml" else 'model = "gpt4o"\n')
    (root / name).symlink_to("settings.toml")  # a link inside the repository is read
    assert load_config(cwd=root, environ={}).settings.model == "gpt4o"
