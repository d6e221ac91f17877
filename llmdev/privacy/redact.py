"""Redaction: take secrets and private files out of a prompt, leaving stable placeholders."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from llmdev.privacy.paths import PathRules, diff_sections
from llmdev.privacy.placeholders import placeholder
from llmdev.privacy.scan import PRIVATE_CONTEXT, PRIVATE_DIFF, PRIVATE_FILE, ScanReport, private_kind
from llmdev.privacy.secrets import find_secrets
from llmdev.provenance import fenced_pieces

if TYPE_CHECKING:
    from llmdev.backends.base import Message
    from llmdev.config.schema import PrivacyConfig

MIN_PRIVATE_LINE = 6  # shorter lines of a private file ("}", "end") carry nothing worth hiding
MAX_PRIVATE_FILE = 4 * 1024 * 1024


@dataclass
class Redaction:
    messages: list["Message"]
    files: list[str]
    unresolved: list[str] = field(default_factory=list)  # what could not be removed: refuse


def replace_spans(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Replace (start, end, replacement) spans; they must not overlap."""
    for start, end, replacement in sorted(set(spans), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text


def drop_private_diffs(text: str, rules: PathRules) -> str:
    """Fenced pieces and `diff --git` sections of private paths, each replaced by a placeholder."""
    spans = []
    for piece in fenced_pieces(text):
        private = next((p for p in piece.paths if rules.matching_pattern(p) is not None), None)
        if private is not None:
            spans.append((piece.start, piece.end, placeholder(private_kind(piece.kind), private)))
    for section in diff_sections(text):
        if rules.matching_pattern(section.path) is not None:
            spans.append((section.start, section.end, placeholder(PRIVATE_DIFF, section.path)))
    return replace_spans(text, _outermost(spans))


def _outermost(spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for span in sorted(set(spans), key=lambda s: (s[0], -s[1])):
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    return kept


def _private_content(repo_root: Path | None, path: str) -> str | None:
    if repo_root is None:
        return None
    target = (repo_root / path).resolve()
    try:
        if not target.is_relative_to(repo_root.resolve()) or target.stat().st_size > MAX_PRIVATE_FILE:
            return None
        return target.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None


def drop_file_content(text: str, path: str, content: str) -> str:
    """Replace the file's whole text, then any of its lines, wherever they appear."""
    mark = placeholder(PRIVATE_FILE, path)
    if content.strip():
        text = text.replace(content, mark).replace(content.strip(), mark)
    lines = sorted({line.strip() for line in content.splitlines() if len(line.strip()) >= MIN_PRIVATE_LINE}, key=len, reverse=True)
    for line in lines:
        text = text.replace(line, mark)
    return text


def redact_secrets(text: str, policy: "PrivacyConfig") -> str:
    matches = find_secrets(text, policy.allow_kinds, policy.allowlist)
    return replace_spans(text, [(m.start, m.end, placeholder(m.kind, m.value)) for m in matches])


def redact_request(
    messages: Sequence["Message"], files: Sequence[str], report: ScanReport, policy: "PrivacyConfig", repo_root: Path | None
) -> Redaction:
    """The prompt without the findings in `report`; `unresolved` lists what could not be taken out."""
    from llmdev.backends.base import Message

    rules = PathRules(policy.paths, policy.allow_paths)
    texts = [drop_private_diffs(m.content, rules) for m in messages]
    private_files = sorted({f.path for f in report.findings if f.kind == PRIVATE_FILE and f.path})
    in_diffs = {f.path for f in report.findings if f.kind in (PRIVATE_DIFF, PRIVATE_CONTEXT) or f.message is not None}
    unresolved = []
    for path in private_files:
        content = _private_content(repo_root, path)
        if content is None:
            if path not in in_diffs:  # a deleted file shows only in its diff, which is gone already
                unresolved.append(f"cannot read {path} to take its content out of the prompt")
            continue
        texts = [drop_file_content(text, path, content) for text in texts]
    texts = [redact_secrets(text, policy) for text in texts]
    kept_files = [f for f in files if f not in private_files]
    return Redaction([Message(m.role, text) for m, text in zip(messages, texts)], kept_files, unresolved)
