"""Stable placeholders for redacted text: the same secret always maps to the same placeholder.

The tag is a keyed hash (HMAC with a random key kept in the user data dir), so it can be
compared across prompts but cannot be used to test guesses of a weak password.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

KEY_FILE = "redaction.key"
_keys: dict[Path, bytes] = {}
# The environment the user data dir is worked out from: the key's path is worked out again only
# when one of them changes (every fenced block of a prompt asks for it).
DATA_DIR_ENV = ("LLMDEV_DATA_DIR", "XDG_DATA_HOME", "HOME", "USERPROFILE", "APPDATA", "LOCALAPPDATA")
_paths: dict[tuple[str | None, ...], Path] = {}


def _key_path() -> Path:
    environment = tuple(os.environ.get(name) for name in DATA_DIR_ENV)
    path = _paths.get(environment)
    if path is None:
        from llmdev.usage.store import data_dir

        path = _paths[environment] = data_dir() / KEY_FILE
    return path


def _load_key(path: Path) -> bytes:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(32)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.hex())
        return key
    except FileExistsError:
        pass
    except OSError:
        return secrets.token_bytes(32)  # no writable data dir: still stable within this run
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (OSError, ValueError):
        return secrets.token_bytes(32)


def keyed_hex(value: str, length: int) -> str:
    """`length` hex digits of a keyed hash of `value`: stable on this machine, unguessable elsewhere."""
    path = _key_path()
    if path not in _keys:
        _keys[path] = _load_key(path)
    return hmac.new(_keys[path], value.encode("utf-8"), hashlib.sha256).hexdigest()[:length]


def tag(value: str) -> str:
    """Six hex digits identifying `value` on this machine."""
    return keyed_hex(value, 6)


def placeholder(kind: str, value: str) -> str:
    """E.g. `[REDACTED:aws-access-key:1a2b3c]`."""
    return f"[REDACTED:{kind}:{tag(value)}]"
