"""A corpus of planted secrets and private paths, built at run time.

Every value is fake: random from a fixed seed, most with FAKE or EXAMPLE in them, and the AWS
pair is AWS's own documented example. They are assembled here from parts, so no secret-shaped
string sits in the repository for a scanner to trip over. `documents()` plants them in the
places prompts get them from: source files, diffs and debug logs.
"""

from __future__ import annotations

import base64
import json
import random
import string
from dataclasses import dataclass

ALNUM = string.ascii_letters + string.digits
UPPER_DIGITS = string.ascii_uppercase + string.digits
B64 = string.ascii_letters + string.digits + "+/"


@dataclass(frozen=True)
class Planted:
    kind: str  # the detector kind expected to find it
    value: str  # the secret itself: must never reach a remote model
    line: str  # how it appears in a file (the value inside a line of code, config or log)


@dataclass(frozen=True)
class Document:
    name: str  # repository-relative path the text pretends to come from
    text: str
    planted: tuple[Planted, ...]
    shape: str  # file, diff or log


def _rand(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _with_digit(rng: random.Random, n: int) -> str:
    text = _rand(rng, n - 1)
    return text + rng.choice(string.digits)


def _pem(rng: random.Random, label: str, lines: int = 6) -> str:
    body = base64.b64encode(bytes(rng.getrandbits(8) for _ in range(48 * lines))).decode()
    wrapped = "\n".join(body[i : i + 64] for i in range(0, len(body), 64))
    return f"-----BEGIN {label}-----\n{wrapped}\n-----END {label}-----"


def _jwt(rng: random.Random) -> str:
    def part(data: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': 'fake-user-42', 'iat': 1700000000})}.{_rand(rng, 43)}"


def planted_secrets(seed: int = 7) -> list[Planted]:
    """One of every kind llmdev must catch, each in a typical line."""
    rng = random.Random(seed)
    aws_id = "AKIA" + "IOSFODNN7" + "EXAMPLE"
    aws_secret = "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY"
    pem_rsa = _pem(rng, "RSA PRIVATE KEY")
    pem_openssh = _pem(rng, "OPENSSH PRIVATE KEY")
    items = [
        Planted("aws-access-key", aws_id, f"aws_access_key_id = {aws_id}"),
        Planted("aws-secret-key", aws_secret, f"aws_secret_access_key = {aws_secret}"),
        Planted("private-key", pem_rsa, pem_rsa),
        Planted("private-key", pem_openssh, pem_openssh),
        Planted("gcp-api-key", "AIza" + "FAKE" + _rand(rng, 31), ""),
        Planted("google-oauth-secret", "GOCSPX-" + "FAKE" + _rand(rng, 24), ""),
        Planted("azure-storage-key", _rand(rng, 86, ALNUM + "+/") + "==", ""),
        Planted("azure-client-secret", "fak" + "8Q~" + _rand(rng, 34, ALNUM + "_~.-"), ""),
        Planted("github-token", "ghp" + "_" + "FAKE" + _rand(rng, 32), ""),
        Planted("github-token", "github_pat_" + "11FAKE" + _rand(rng, 76, ALNUM + "_"), ""),
        Planted("gitlab-token", "glpat" + "-" + "FAKE" + _rand(rng, 16, ALNUM + "_-"), ""),
        Planted("slack-token", "xoxb" + "-1111111111-2222222222222-" + "FAKE" + _rand(rng, 20), ""),
        Planted("slack-webhook", "https://hooks.slack.com/services/" + "T0FAKE000/B0FAKE000/" + _rand(rng, 24), ""),
        Planted("stripe-key", "sk" + "_live_" + "FAKE" + _rand(rng, 24), ""),
        Planted("openai-api-key", "sk" + "-proj-" + "FAKE" + _with_digit(rng, 44), ""),
        Planted("anthropic-api-key", "sk" + "-ant-api03-" + "FAKE" + _rand(rng, 60, ALNUM + "_-"), ""),
        Planted("huggingface-token", "hf" + "_" + "FAKE" + _rand(rng, 30), ""),
        Planted("npm-token", "npm" + "_" + "FAKE" + _rand(rng, 32), ""),
        Planted("sendgrid-key", "SG." + "FAKE" + _rand(rng, 18) + "." + _rand(rng, 43), ""),
        Planted("jwt", _jwt(rng), ""),
        Planted("connection-string-password", "Fake" + _with_digit(rng, 12), ""),
        Planted("connection-string-password", "Fake" + _with_digit(rng, 10), ""),
        Planted("generic-secret", "fake" + _with_digit(rng, 28), ""),
        Planted("generic-secret", "FAKE" + _with_digit(rng, 36), ""),
        Planted("generic-secret", "fake-" + _with_digit(rng, 20), ""),
        Planted("generic-secret", "Fake" + _with_digit(rng, 10), ""),
        Planted("bearer-token", "fake" + _with_digit(rng, 40), ""),
    ]
    return [_in_context(item, index) for index, item in enumerate(items)]


def _in_context(item: Planted, index: int) -> Planted:
    if item.line:
        return item
    v = item.value
    lines = {
        "gcp-api-key": f'MAPS_KEY = "{v}"',
        "google-oauth-secret": f'  "client_secret": "{v}",',
        "azure-storage-key": f"DefaultEndpointsProtocol=https;AccountName=fakeacct;AccountKey={v};EndpointSuffix=core.windows.net",
        "azure-client-secret": f"AZURE_CLIENT_SECRET={v}",
        "github-token": f"GITHUB_TOKEN={v}",
        "gitlab-token": f'gitlab = Gitlab("https://gitlab.example.com", private_token="{v}")',
        "slack-token": f'client = WebClient(token="{v}")',
        "slack-webhook": f"webhook_url: {v}",
        "stripe-key": f"stripe.api_key = '{v}'",
        "openai-api-key": f'client = OpenAI(api_key="{v}")',
        "anthropic-api-key": f"export ANTHROPIC_API_KEY={v}",
        "huggingface-token": f'login(token="{v}")',
        "npm-token": f"//registry.npmjs.org/:_authToken={v}",
        "sendgrid-key": f"SENDGRID_API_KEY='{v}'",
        "jwt": f"Cookie: session={v}",
        "connection-string-password": (
            f'DATABASE_URL = "postgresql://app_user:{v}@db.internal:5432/orders"'
            if index % 2 == 0
            else f"Server=tcp:fake.database.windows.net,1433;Database=orders;User ID=app;Password={v};Encrypt=true"
        ),
        "bearer-token": f"> Authorization: Bearer {v}",
    }
    generic = [
        f'api_key = "{v}"',
        f"DB_PASSWORD={v}",
        f'  "client_secret": "{v}"',
        f"password: {v}",
    ]
    line = lines.get(item.kind) or generic[index % len(generic)]
    return Planted(item.kind, v, line)


def _as_file(secrets: list[Planted]) -> str:
    body = "\n".join(f"    {s.line}" if "\n" not in s.line else s.line for s in secrets)
    return f'"""Settings for the orders service."""\n\nimport os\n\n\ndef configure():\n{body}\n    return True\n'


def _as_diff(path: str, secrets: list[Planted]) -> str:
    added = "\n".join("+" + line for s in secrets for line in s.line.splitlines())
    count = len(added.splitlines())
    return (
        f"diff --git a/{path} b/{path}\nindex 3b18e51..a9c3f2d 100644\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -10,2 +10,{count + 2} @@ def configure():\n     log.info('configuring')\n{added}\n     return True\n"
    )


def _as_log(secrets: list[Planted]) -> str:
    lines = ["2026-05-01 09:14:02,118 DEBUG urllib3.connectionpool Starting new HTTPS connection (1): api.example.com:443"]
    for number, secret in enumerate(secrets):
        for line in secret.line.splitlines():
            lines.append(f"2026-05-01 09:14:{3 + number:02d},4{number:02d} DEBUG app.settings {line}")
    lines.append("Traceback (most recent call last):\n  File \"app/db.py\", line 12, in connect\nConnectionError: timed out")
    return "\n".join(lines) + "\n"


def documents(seed: int = 7) -> list[Document]:
    """The planted secrets spread over a source file, a diff and a debug log (each secret once per shape)."""
    secrets = planted_secrets(seed)
    return [
        Document("app/settings.py", _as_file(secrets), tuple(secrets), "file"),
        Document("app/settings.py", _as_diff("app/settings.py", secrets), tuple(secrets), "diff"),
        Document("logs/debug.log", _as_log(secrets), tuple(secrets), "log"),
    ]


# Private paths: a diff of each must be taken out; private ones are named by the built-in rules
# (or, for customers/, by `[privacy] paths`), public ones must be left alone.
PRIVATE_PATHS = ("secrets/prod.yaml", "deploy/tls/server.pem", ".env", ".env.production", "keys/id_rsa", "infra/prod.tfvars", "customers/acme/export.csv")
PUBLIC_PATHS = ("app/settings.py", "README.md", "src/keyboard.py", "docs/secrets-management.md", "docs/env.md", "config/keys.py")
EXTRA_PRIVATE_PATTERNS = ("customers/**",)


def private_file_text(path: str, seed: int = 7) -> str:
    """The content of a private file: nothing secret-shaped, so only the path rules can catch it."""
    rng = random.Random(f"{seed}:{path}")
    return "\n".join(f"customer_{rng.randint(1000, 9999)},{_rand(rng, 12, string.ascii_lowercase)} street,{rng.randint(10, 99)}" for _ in range(5)) + "\n"


def private_diff(path: str, seed: int = 7) -> str:
    added = "\n".join("+" + line for line in private_file_text(path, seed).splitlines())
    return f"diff --git a/{path} b/{path}\nnew file mode 100644\nindex 0000000..1111111\n--- /dev/null\n+++ b/{path}\n@@ -0,0 +1,5 @@\n{added}\n"
