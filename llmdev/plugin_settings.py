"""The `[plugins]` tables, read without loading any plugin (nor pluggy): which plugins to load,
and whether any could be local (the top-level help needs to know, llmdev.fast_help)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

ENTRY_POINT_GROUP = "llmdev"


@dataclass
class PluginSettings:
    """The `[plugins]` tables, read before the full configuration is validated."""

    disable: set[str] = field(default_factory=set)
    user_local: list[Path] = field(default_factory=list)  # trusted: the user wrote them
    repo_local: list[str] = field(default_factory=list)  # need `llmdev plugins trust`
    repo_root: Path | None = None


def read_plugin_settings(cwd: Path | None = None) -> PluginSettings:
    """`[plugins]` from the user config and the repository config, without validating the rest."""
    from llmdev.config.loader import find_repo_root, read_toml, repo_layer, user_config_path
    from llmdev.errors import ConfigError

    found = PluginSettings(repo_root=find_repo_root(cwd))
    try:
        user_path = user_config_path()
        user = read_toml(user_path).get("plugins", {}) if user_path.is_file() else {}
        layer = repo_layer(found.repo_root) if found.repo_root is not None else None
    except ConfigError:
        return found  # the command's own config load reports the broken file
    repo = layer.data.get("plugins", {}) if layer is not None else {}
    for table in (user, repo):
        if isinstance(table, dict) and isinstance(table.get("disable"), list):
            found.disable.update(str(name) for name in table["disable"])
    if isinstance(user, dict) and isinstance(user.get("local"), list):
        base = user_config_path().parent
        found.user_local = [base / Path(str(p)).expanduser() for p in user["local"]]
    if isinstance(repo, dict) and isinstance(repo.get("local"), list):
        found.repo_local = [str(p) for p in repo["local"]]
    return found
