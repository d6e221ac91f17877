"""What a benchmark needs to run llmdev without touching the user's own config, data or cache."""

from __future__ import annotations

from pathlib import Path

DIR_VARIABLES = ("LLMDEV_CONFIG_DIR", "LLMDEV_DATA_DIR", "LLMDEV_CACHE_DIR")


def llmdev_dirs(home: Path) -> dict[str, str]:
    """Fresh config, data and cache folders under `home`, as the environment variables llmdev reads."""
    dirs = {}
    for variable in DIR_VARIABLES:
        (home / variable).mkdir(parents=True)
        dirs[variable] = str(home / variable)
    return dirs
