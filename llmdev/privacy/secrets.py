"""Secret detection in prompt text: known token formats, private keys, passwords, and
high-entropy values assigned to names like `api_key`.

Each detector names a kind (used in messages and placeholders), the regex group holding the
secret itself (only that is redacted, not the line around it), and hints: literal strings that
any match contains, so the regex runs only on the lines that hold one (several MB/s, not one).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Iterable, Iterator

from llmdev.privacy.structured import docker_auths, kubernetes_secret_values
from llmdev.privacy.values import (
    assigned_value,
    base64_private_key,
    documented_example,
    key_body,
    mixed_token,
    password_value,
    token_or_password,
    token_value,
)

ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")  # keeps offsets

from llmdev.privacy.views import decoded_base64, views


@dataclass(frozen=True)
class Detector:
    kind: str
    regex: str
    hints: tuple[str, ...]  # literals every match contains (lower case when `fold`)
    group: str | int = 0  # the part that is the secret
    check: Callable[[str], bool] | None = None  # a last look at the secret, to drop look-alikes
    fold: bool = False  # hints are matched case-insensitively
    multiline: bool = False  # a match spans lines: scan the whole text when a hint is present

    @property
    def pattern(self) -> re.Pattern[str]:
        """Compiled when a hint is first found (`re` keeps it): compiling all of them costs about
        10 ms, paid by every command that indexes one changed file."""
        return re.compile(self.regex, re.IGNORECASE if self.fold else 0)


def _d(kind: str, regex: str, *hints: str, group: str | int = 0, check: Callable[[str], bool] | None = None, fold: bool = False, multiline: bool = False) -> Detector:
    return Detector(kind, regex, hints, group, check, fold, multiline)


ASSIGNED_KEY = (  # starts a word, so a long run of letters is tried once, not from every position
    r"(?<![A-Za-z0-9_.-])(?P<key>(?:[A-Za-z0-9]+[_.-])*(?:api[_.-]?key|apikey|secret(?:[_.-]?key)?|"
    r"(?:access|auth|bearer|refresh|session|private|client|account)[_.-]?(?:token|key|secret)|"
    r"token|passw(?:or)?d|passwd|pwd|credentials?))"
)
ASSIGNED_HINTS = ("key", "secret", "token", "passw", "pwd", "credential")
PEM = r"-----BEGIN[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
PEM_END = r"-----END[ A-Z0-9]*PRIVATE KEY(?: BLOCK)?-----"
# Base64 lines after a BEGIN line, as in a file, a diff (+ prefixes) or a JSON string (\n escapes).
PEM_LINES = r"(?:[ \t]*(?:\r?\n|\\n)(?![+\- \t\"']*-----)[+\- \t\"']*[A-Za-z0-9+/=:,\- ]{16,}[\"',]*)+"
OPEN, CLOSE = r"(?<![A-Za-z0-9_-])", r"(?![A-Za-z0-9_-])"

# Specific formats first: when two detectors match the same text, the earlier one names it.
DETECTORS: tuple[Detector, ...] = (
    _d("private-key", PEM + r"(?:(?!-----BEGIN)[\s\S]){0,12000}?" + PEM_END, "PRIVATE KEY", check=key_body, multiline=True),
    _d("private-key", PEM + PEM_LINES, "PRIVATE KEY", check=key_body, multiline=True),  # no END in sight: a cut hunk
    _d("aws-access-key", r"(?<![A-Za-z0-9])(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}(?![A-Za-z0-9])", "AKIA", "ASIA", "ABIA", "ACCA"),
    _d(
        "aws-secret-key",
        r"(?:aws_?secret_?access_?key|secret_?access_?key|aws_?secret(?:_?key)?)[\"']?\s*[:=]\s*[\"']?(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        "secret",
        group="v",
        fold=True,
    ),
    _d("gcp-api-key", OPEN + r"AIza[0-9A-Za-z_-]{35}" + CLOSE, "AIza"),
    _d("gcp-private-key-id", r"\"private_key_id\"\s*:\s*\"(?P<v>[0-9a-f]{40})\"", "private_key_id", group="v"),
    _d("google-oauth-secret", OPEN + r"GOCSPX-[A-Za-z0-9_-]{28}" + CLOSE, "GOCSPX-"),
    _d("azure-storage-key", r"AccountKey=(?P<v>[A-Za-z0-9+/]{86}==)", "accountkey=", group="v", fold=True),
    _d("azure-sas-signature", r"[?&;]sig=(?P<v>[A-Za-z0-9%+/]{40,}(?:%3D|=)*)", "sig=", group="v"),
    _d("azure-client-secret", r"(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])", "Q~"),
    _d(  # an IAM credentials.csv row: the secret key follows the access key id
        "aws-secret-key",
        r"(?<![A-Za-z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}[\"']?[ \t]*[,;|\t][ \t]*[\"']?(?P<v>[A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
        "AKIA", "ASIA",
        group="v",
    ),
    _d("private-key", r"(?<![A-Za-z0-9+/])LS0tLS1CRUdJTi[A-Za-z0-9+/]{40,}={0,2}", "LS0tLS1CRUdJTi", check=base64_private_key),
    _d("twilio-api-key", r"(?<![A-Za-z0-9_])SK[0-9a-fA-F]{32}(?![A-Za-z0-9_])", "SK", check=mixed_token),
    _d("mailgun-key", r"(?<![A-Za-z0-9_-])key-[0-9a-zA-Z]{32}(?![A-Za-z0-9_-])", "key-", check=mixed_token),
    _d("shopify-token", r"(?<![A-Za-z0-9_])shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}(?![A-Za-z0-9_])", "shp"),
    _d("discord-bot-token", r"(?<![A-Za-z0-9_.-])[MNO][A-Za-z0-9_-]{23,27}\.[A-Za-z0-9_-]{6}\.[A-Za-z0-9_-]{27,38}(?![A-Za-z0-9_.-])", ".", check=mixed_token),
    _d("telegram-bot-token", r"(?:(?<=bot)|(?<![A-Za-z0-9_]))[0-9]{8,10}:AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])", ":AA"),
    _d("npm-token", r"(?:(?<=[:+])|(?<![^\n \t]))_(?:authToken|auth|password)[ \t]*=[ \t]*[\"']?(?P<v>[^\s\"'()]{8,})", "_auth", "_password", group="v", check=token_or_password),
    _d("cli-password", r"\bsshpass\s+(?:-[a-oq-zA-Z]\S*\s+)*-p[ \t]*'(?P<v>[^'\n]+)'", "sshpass", group="v", check=password_value),
    _d("cli-password", r"\bsshpass\s+(?:-[a-oq-zA-Z]\S*\s+)*-p[ \t]*\"(?P<v>[^\"\n]+)\"", "sshpass", group="v", check=password_value),
    _d("cli-password", r"\bsshpass\s+(?:-[a-oq-zA-Z]\S*\s+)*-p[ \t]*(?P<v>[^\s'\"]+)", "sshpass", group="v", check=password_value),
    _d("cli-password", r"(?<![\w-])--password(?:=|[ \t]+)[\"']?(?P<v>[^\s\"']{6,})", "--password", group="v", check=password_value),
    _d("github-token", r"(?<![A-Za-z0-9_])gh[pousr]_[A-Za-z0-9]{36,255}(?![A-Za-z0-9_])", "ghp_", "gho_", "ghu_", "ghs_", "ghr_"),
    _d("github-token", r"(?<![A-Za-z0-9_])github_pat_[A-Za-z0-9_]{50,255}(?![A-Za-z0-9_])", "github_pat_"),
    _d("gitlab-token", OPEN + r"gl(?:pat|dt|ptt|rt|oas|cbt|imt|ffct|soat|agent|feed)-[A-Za-z0-9_-]{20,}" + CLOSE, "gl"),
    _d("slack-token", OPEN + r"xox[abposre]-[A-Za-z0-9-]{10,}" + CLOSE, "xox", check=mixed_token),
    _d("slack-webhook", r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9+/_-]{20,}", "hooks.slack.com"),
    _d("stripe-key", r"(?<![A-Za-z0-9_])(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}(?![A-Za-z0-9_])", "_live_", "_test_"),
    _d("stripe-webhook-secret", r"(?<![A-Za-z0-9_])whsec_[A-Za-z0-9+/=]{24,}", "whsec_"),
    _d("anthropic-api-key", OPEN + r"sk-ant-[A-Za-z0-9_-]{32,}" + CLOSE, "sk-ant-"),
    _d("openai-api-key", OPEN + r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{32,}" + CLOSE, "sk-", check=mixed_token),
    _d("huggingface-token", r"(?<![A-Za-z0-9_])hf_[A-Za-z0-9]{34,}(?![A-Za-z0-9_])", "hf_"),
    _d("npm-token", r"(?<![A-Za-z0-9_])npm_[A-Za-z0-9]{36}(?![A-Za-z0-9_])", "npm_"),
    _d("pypi-token", OPEN + r"pypi-AgE[A-Za-z0-9_-]{50,}", "pypi-AgE"),
    _d("sendgrid-key", OPEN + r"SG\.[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}" + CLOSE, "SG."),
    _d("jwt", OPEN + r"eyJ[A-Za-z0-9_-]{10,}\.eyJ[A-Za-z0-9_-]{10,}\.[A-Za-z0-9_-]{10,}", "eyJ"),
    _d(
        "bearer-token",
        r"\bauthorization[\"']?\s*[:=]\s*[\"']?(?:bearer|token|basic)\s+(?P<v>[A-Za-z0-9._~+/=-]{16,})",
        "authorization",
        group="v",
        check=token_value,
        fold=True,
    ),
    _d(
        "connection-string-password",
        r"\b[a-zA-Z][a-zA-Z0-9+.-]{1,20}://[^\s:/@'\"<>]{0,64}:(?P<v>[^\s@/'\"<>]{3,128})@[^\s'\"<>/]+",
        "://",
        group="v",
        check=password_value,
    ),
    _d("connection-string-password", r"(?<=;)\s*(?:password|pwd)\s*=\s*(?P<v>[^;'\"\s]{3,})", "password", "pwd", group="v", check=password_value, fold=True),
    _d(  # api_key = "…", "token": "…", password: str = "…"
        "generic-secret",
        ASSIGNED_KEY + r"[\"']?(?:\s*:\s*[A-Za-z_][\w.\[\] |]*?)?\s*(?::=|=>|==|=|:)\s*(?P<q>[\"'`])(?P<v>[^\"'`\s\\]{6,300})(?P=q)",
        *ASSIGNED_HINTS,
        group="v",
        fold=True,
    ),
    _d(  # KEY=value: .env, ini, YAML, shell exports, query strings, log lines
        "generic-secret",
        r"(?<![^\s+\-?&;,])(?:export\s+|set\s+)?" + ASSIGNED_KEY + r"\s*(?:=|:)[ \t]*(?P<v>[^\s\"'`,;&<>(){}\[\]]{6,300})(?=[\s&;,]|$)",
        *ASSIGNED_HINTS,
        group="v",
        fold=True,
    ),
)


@dataclass(frozen=True)
class SecretMatch:
    """Where a secret is in a text. `value` is never printed; messages use `kind` and the position."""

    kind: str
    start: int
    end: int
    value: str = field(repr=False)


def _line_spans(text: str, haystack: str, hints: tuple[str, ...]) -> list[tuple[int, int]]:
    """The lines of `text` holding a hint, merged, in order."""
    spans: list[tuple[int, int]] = []
    for hint in hints:
        at = haystack.find(hint)
        while at >= 0:
            start = text.rfind("\n", 0, at) + 1
            end = text.find("\n", at)
            end = len(text) if end < 0 else end
            spans.append((start, end))
            at = haystack.find(hint, end)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _regions(detector: Detector, text: str, folded: str) -> list[tuple[int, int]]:
    haystack = folded if detector.fold else text
    if detector.multiline:
        return [(0, len(text))] if any(h in haystack for h in detector.hints) else []
    return _line_spans(text, haystack, detector.hints)


def _matches(detector: Detector, text: str, folded: str) -> Iterator[SecretMatch]:
    for start, end in _regions(detector, text, folded):
        for match in detector.pattern.finditer(text, start, end):
            value = match.group(detector.group)
            if not value:
                continue
            if "key" in match.groupdict() and not assigned_value(match.group("key"), value, "q" in match.groupdict()):
                continue
            if detector.check is not None and not detector.check(value):
                continue
            yield SecretMatch(detector.kind, *match.span(detector.group), value)


PLACEHOLDER = re.compile(r"\[REDACTED:[a-z0-9-]+:[0-9a-f]{6}\]")
STRUCTURED: tuple[tuple[str, Callable[[str], Iterable[tuple[int, int]]]], ...] = (
    ("kubernetes-secret", kubernetes_secret_values),
    ("docker-auth", docker_auths),
)


def _direct(text: str, skipped: set[str]) -> list[tuple[int, SecretMatch]]:
    """Matches of the detectors in `text` as it reads."""
    folded = text.translate(ASCII_LOWER)
    found = [
        (priority, match)
        for priority, detector in enumerate(DETECTORS)
        if detector.kind not in skipped
        for match in _matches(detector, text, folded)
    ]
    for kind, finder in STRUCTURED:
        if kind not in skipped:
            found.extend((-1, SecretMatch(kind, a, b, text[a:b])) for a, b in finder(text))  # context names it best
    return found


def _decoded(text: str, skipped: set[str]) -> list[tuple[int, SecretMatch]]:
    """Matches in `text` and in the base64 values it holds (a match inside one marks all of it)."""
    found = _direct(text, skipped)
    for start, end, decoded in decoded_base64(text):
        inner = _direct(decoded, skipped)
        found.extend((p, SecretMatch(m.kind, start, end, m.value)) for p, m in inner[:1])
    return found


def _hidden(text: str, skipped: set[str]) -> list[tuple[int, SecretMatch]]:
    """Matches in `text`, and in its other readings, each marked over the text it came from."""
    found = _decoded(text, skipped)
    for view in views(text):
        for priority, match in _decoded(view.text, skipped):
            start, end = view.source_span(match.start, match.end)
            found.append((priority, SecretMatch(match.kind, start, end, match.value)))
    return found


def find_secrets(text: str, allow_kinds: Iterable[str] = (), allowlist: Iterable[str] = ()) -> list[SecretMatch]:
    """Every secret in `text`, in order, without overlaps (the longest, most specific match wins).

    Escaped strings, concatenated literals and base64 values are read too; placeholders of
    earlier redactions and the documented example keys (AWS's, jwt.io's) are not secrets."""
    allowed = [re.compile(pattern) for pattern in allowlist]
    placeholders = [m.span() for m in PLACEHOLDER.finditer(text)]
    found = _hidden(text, set(allow_kinds))
    found.sort(key=lambda c: (c[1].start, -(c[1].end - c[1].start), c[0]))
    chosen: list[SecretMatch] = []
    for _, match in found:
        if chosen and match.start < chosen[-1].end:
            continue
        if documented_example(match.value) or any(pattern.search(match.value) for pattern in allowed):
            continue
        if any(a < match.end and match.start < b for a, b in placeholders):
            continue
        chosen.append(match)
    return chosen


def cut_outside_secrets(text: str, start: int) -> int:
    """A cut at `start` moved back so that no secret is cut in two: the whole text is scanned, so a
    secret that begins before the cut (a private key's BEGIN line) is kept whole and found later."""
    for match in find_secrets(text):
        if match.start < start < match.end:
            start = match.start
    return text.rfind("\n", 0, start) + 1 if start > 0 else 0


def known_kinds() -> list[str]:
    return sorted({detector.kind for detector in DETECTORS})
