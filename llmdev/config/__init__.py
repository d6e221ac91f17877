"""Layered configuration: defaults < user file < repository file < environment < flags."""

from llmdev.config.loader import LoadedConfig, load_config, user_config_dir, user_config_path
from llmdev.config.schema import ProviderConfig, Settings

__all__ = [
    "LoadedConfig",
    "ProviderConfig",
    "Settings",
    "load_config",
    "user_config_dir",
    "user_config_path",
]
