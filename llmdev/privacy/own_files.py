"""Files llmdev writes itself that can quote a prompt or a reply (the review cache, kept failed
replies, the audit log): secrets in them are replaced by the same placeholders a prompt gets, and
they are readable by the user only (mode 600, folders 700)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

FILE_MODE = 0o600
DIR_MODE = 0o700


def scrub(text: str) -> str:
    """`text` with every secret replaced by its placeholder."""
    from llmdev.privacy.placeholders import placeholder
    from llmdev.privacy.redact import replace_spans
    from llmdev.privacy.secrets import find_secrets

    return replace_spans(text, [(m.start, m.end, placeholder(m.kind, m.value)) for m in find_secrets(text)])


def scrub_values(value: Any) -> Any:
    """Every string inside `value` (dicts, lists) scrubbed; other values as they are."""
    if isinstance(value, str):
        return scrub(value)
    if isinstance(value, dict):
        return {key: scrub_values(item) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_values(item) for item in value]
    return value


def private_dir(path: Path) -> None:
    """Create `path` (and missing parents) for the user only."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)


def write_private_text(path: Path, text: str) -> None:
    """Write `text` to `path` atomically, created with mode 600; raises OSError."""
    private_dir(path.parent)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temporary, FILE_MODE)  # O_CREAT's mode does not apply to a file left over
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def append_private_line(path: Path, line: str) -> None:
    """Append one line to `path`, creating it with mode 600; raises OSError."""
    private_dir(path.parent)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, FILE_MODE)
    with os.fdopen(descriptor, "a", encoding="utf-8") as handle:
        handle.write(line.rstrip("\n") + "\n")
