"""The privacy settings in force: a repository's config may tighten them, never loosen them.

A pull request can change `.llmdev.toml`; if that could switch the guard off, a CI job reviewing
the pull request would send whatever the pull request wants. So the loosening keys are taken
from the user's own config (or the defaults) whenever the repository sets them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from llmdev.privacy.remote import repo_keys

if TYPE_CHECKING:
    from llmdev.config.schema import PrivacyConfig, Settings

LOOSENING = ("enabled", "allowlist", "allow_kinds", "allow_paths", "reroute_locked", "local_model")
STRICTNESS = {"redact": 0, "reroute": 1, "refuse": 1}  # reroute and refuse both keep the prompt home


def _user_privacy_table() -> dict[str, Any]:
    from llmdev.config.loader import read_toml, user_config_path
    from llmdev.errors import ConfigError

    path = user_config_path()
    try:
        table = read_toml(path).get("privacy", {}) if path.is_file() else {}
    except ConfigError:
        return {}
    return table if isinstance(table, dict) else {}


def effective_policy(
    settings: "Settings", sources: Mapping[str, str], repo_root: Path | None
) -> tuple["PrivacyConfig", list[str]]:
    """The privacy config to enforce, and a note for each repository setting that was ignored."""
    from llmdev.config.schema import PrivacyConfig, dump, parse

    from_repo = {key.split(".", 1)[1] for key in repo_keys(sources, repo_root) if key.startswith("privacy.")}
    if not from_repo:
        return settings.privacy, []
    trusted = parse(PrivacyConfig, {**dump(PrivacyConfig()), **_user_privacy_table()})
    values = dump(settings.privacy)
    ignored = [key for key in LOOSENING if key in from_repo and values[key] != getattr(trusted, key)]
    for key in ignored:
        values[key] = getattr(trusted, key)
    if "paths" in from_repo:  # the repository adds patterns to the user's, never removes them
        values["paths"] = [*trusted.paths, *(p for p in values["paths"] if p not in trusted.paths)]
    if "action" in from_repo and STRICTNESS[values["action"]] < STRICTNESS[trusted.action]:
        values["action"] = trusted.action
        ignored.append("action")
    notes = [
        f"ignored privacy.{key} from the repository config: a repository may tighten privacy rules, not loosen them"
        for key in ignored
    ]
    return parse(PrivacyConfig, values), notes
