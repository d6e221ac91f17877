"""Secrets that only their surroundings give away: the values of a Kubernetes Secret's `data` and
`stringData`, and the `auth` of a Docker `config.json` (base64 of `user:password`)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Iterator

from llmdev.privacy.values import looks_like_placeholder

LEAD = r"(?P<lead>[ \t]*\d+[ \t][+\- ][ \t]|[+\- ]?)"  # a diff's `+`, or a review's line number and `+`
K8S_SECRET = re.compile(r"kind:[ \t]*[\"']?Secret[\"']?[ \t]*(?:\r?\n|$)")
DATA_BLOCK = re.compile(r"^" + LEAD + r"(?P<indent>[ \t]*)(?:data|stringData):[ \t]*$", re.MULTILINE)
ENTRY = re.compile(r"^" + LEAD + r"(?P<indent>[ \t]*)[\"']?(?P<key>[A-Za-z0-9_.-]+)[\"']?:[ \t]*(?P<v>\S.*?)[ \t]*$", re.MULTILINE)
DOCKER_AUTH = re.compile(r"\"(?:auth|identitytoken|registrytoken)\"\s*:\s*\"(?P<v>[A-Za-z0-9+/=._-]{8,})\"", re.IGNORECASE)


def _entries(text: str, block: re.Match[str]) -> Iterator[tuple[int, int]]:
    """The value spans of the `key: value` lines indented under a `data:` line."""
    at = block.end() + 1
    depth = len(block.group("indent"))
    while at < len(text):
        end = text.find("\n", at)
        end = len(text) if end < 0 else end
        line = ENTRY.match(text, at, end)
        if line is None or len(line.group("indent")) <= depth:
            return
        value = line.group("v").strip("\"'")
        if line.group("key").endswith(".crt"):  # a certificate is public
            at = end + 1
            continue
        if value not in ("|", ">", "|-", ">-") and not looks_like_placeholder(value):
            offset = line.start("v") + line.group("v").find(value)
            yield offset, offset + len(value)
        at = end + 1


def kubernetes_secret_values(text: str) -> Iterator[tuple[int, int]]:
    """Spans of the values in a Kubernetes Secret manifest's `data` and `stringData`."""
    if "Secret" not in text or not K8S_SECRET.search(text):
        return
    for block in DATA_BLOCK.finditer(text):
        yield from _entries(text, block)


def docker_auths(text: str) -> Iterator[tuple[int, int]]:
    """Spans of `"auth": "<base64 of user:password>"` (and registry tokens) in Docker config JSON."""
    if '"' not in text:
        return
    for match in DOCKER_AUTH.finditer(text):
        value = match.group("v")
        if looks_like_placeholder(value):
            continue
        if match.group().lower().startswith('"auth"'):
            try:
                decoded = base64.b64decode(value + "=" * (-len(value) % 4), validate=True)
            except (binascii.Error, ValueError):
                continue
            if b":" not in decoded:
                continue
        yield match.span("v")
