"""Is a matched value really a secret? Placeholders, names and low-entropy text are not."""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
from collections import Counter

BASE64_RUN = re.compile(r"[A-Za-z0-9+/=]{40,}")
PLACEHOLDER_WORDS = frozenset(
    "password passwd pass pwd secret token apikey api_key changeme none null nil true false example "
    "redacted placeholder dummy test testing sample value undefined default xxx".split()
)
PLACEHOLDER_PREFIXES = ("$", "{", "<", "%", "[", "#", "@", "*", "(", "&", "xxx", "...")
DOTTED_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)+$")
WORD = re.compile(r"^[A-Za-z_]+$")
PLAIN_NAME = re.compile(r"^[a-z_]+$|^[A-Z_]+$")
PASSWORD_NAME = re.compile(r"(?i)pass|pwd")


def entropy(value: str) -> float:
    """Shannon entropy in bits per character."""
    if not value:
        return 0.0
    counts = Counter(value)
    return -sum(n / len(value) * math.log2(n / len(value)) for n in counts.values())


def looks_like_placeholder(value: str) -> bool:
    """`${API_KEY}`, `<your-token>`, `changeme`, `xxxx`, `[REDACTED:…]` and the like."""
    lowered = value.lower().strip("'\"`")
    if not lowered or lowered.startswith(PLACEHOLDER_PREFIXES) or "${" in lowered or "{{" in lowered:
        return True
    if lowered in PLACEHOLDER_WORDS or len(set(lowered)) <= 2:
        return True
    if "your" in lowered and any(w in lowered for w in ("key", "token", "secret", "pass")):
        return True
    return lowered.endswith("here")


def password_value(value: str) -> bool:
    """A password may be short and plain, but not a placeholder or an attribute like `self.password`."""
    if looks_like_placeholder(value) or DOTTED_NAME.match(value):
        return False
    return len(value) >= 6 and entropy(value) >= 2.0


def token_value(value: str) -> bool:
    """A key or token: long enough, digits or mixed case, and random-looking."""
    if looks_like_placeholder(value) or DOTTED_NAME.match(value) or PLAIN_NAME.match(value):
        return False
    mixed = any(c.isdigit() for c in value) or (any(c.isupper() for c in value) and any(c.islower() for c in value))
    return len(value) >= 10 and mixed and entropy(value) >= 3.0


def assigned_value(name: str, value: str, quoted: bool) -> bool:
    """Whether `name = value` assigns a secret."""
    if not quoted and WORD.match(value) and not name.isupper():
        return False  # `password: SecretStr`, `token = Whitespace`: a name, not a value (PASSWORD=hunter is one)
    return password_value(value) if PASSWORD_NAME.search(name) else token_value(value)


def mixed_token(value: str) -> bool:
    return any(c.isdigit() for c in value) and any(c.isalpha() for c in value)


def key_body(value: str) -> bool:
    """A private key block holds base64, not just its BEGIN line (code that parses keys has those)."""
    return BASE64_RUN.search(value.replace("\\n", "\n")) is not None


# SHA-256 prefixes of keys that documentation prints for everyone: AWS's two example key pairs
# and jwt.io's sample token. Kept as hashes so this file holds nothing secret-shaped.
DOCUMENTED_EXAMPLES = frozenset(
    {
        "1a5d44a2dca19669d72edf4c4f1c27c4",
        "78314b11be2e581549ac1c4f616563fa",
        "c6ea27c534f993d31f0aef882e3d200e",
        "e21b597ba6b9cafa59d9ebc4d65c0385",
        "7f75367e7881255134e1375e723d1dea",
    }
)
TOKEN_PREFIX = re.compile(r"^[A-Za-z]{2,12}[_-]")


def documented_example(value: str) -> bool:
    """A key printed in public documentation, or a fixture such as `ghp_000…0`."""
    if hashlib.sha256(value.encode("utf-8")).hexdigest()[:32] in DOCUMENTED_EXAMPLES:
        return True
    body = TOKEN_PREFIX.sub("", value, count=1)
    return len(body) >= 16 and len(set(body)) <= 2


def token_or_password(value: str) -> bool:
    return password_value(value) if len(value) < 20 else token_value(value) or password_value(value)


def base64_private_key(value: str) -> bool:
    """Base64 of a PEM private key (a Kubernetes `tls.key`, a CI variable)."""
    try:
        decoded = base64.b64decode(value + "=" * (-len(value) % 4)).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return False
    return "PRIVATE KEY" in decoded[:80] and key_body(decoded)
