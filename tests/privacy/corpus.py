"""A corpus of planted secrets and private paths, built at run time.

Every value is fake: random values of the right shape from a seed (LLMDEV_CORPUS_SEED, default 7).
They are assembled here from parts, so no secret-shaped string sits in the repository for a
scanner to trip over. `documents()` plants them in the places prompts get them from: source
files, diffs and debug logs. `decoys()` are lines that look like secrets and are not (AWS's and
jwt.io's documented examples among them).
"""

from __future__ import annotations

import base64
import json
import os
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
    line: str  # how it appears in a file (the value inside a line of code, config or log); "" when in the line before
    parts: tuple[str, ...] = ()  # how the value appears when split (concatenated literals)

    def pieces(self) -> list[str]:
        """The texts that must never be sent: the value's parts, or its lines."""
        return list(self.parts) or self.value.splitlines()


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


HEX = "0123456789abcdef"
URLSAFE = ALNUM + "_-"


def _aws_id(rng: random.Random, prefix: str = "AKIA") -> str:
    return prefix + "Q" + _rand(rng, 14, UPPER_DIGITS) + rng.choice(string.digits)


def _aws_secret(rng: random.Random) -> str:
    return _rand(rng, 19, ALNUM + "/+") + "/" + _rand(rng, 19, ALNUM) + rng.choice(string.digits)


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _password(rng: random.Random, n: int = 14) -> str:
    return "Pw" + _rand(rng, n - 4) + rng.choice("!#%") + rng.choice(string.digits)


def _base_kinds(rng: random.Random) -> list[Planted]:
    """The formats of the first corpus: cloud keys, code-host tokens, SaaS API keys, passwords."""
    pem_rsa = _pem(rng, "RSA PRIVATE KEY")
    pem_openssh = _pem(rng, "OPENSSH PRIVATE KEY")
    aws_id, aws_secret = _aws_id(rng), _aws_secret(rng)
    return [
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


def _service_tokens(rng: random.Random) -> list[Planted]:
    """Formats of issue 17: Twilio, Mailgun, Shopify, Discord, Telegram, and more code-host tokens."""
    discord = lambda: rng.choice("MNO") + _rand(rng, 25, URLSAFE) + "." + _rand(rng, 6, URLSAFE) + "." + _rand(rng, 38, URLSAFE)  # noqa: E731
    telegram = lambda: str(rng.randint(10**8, 10**10 - 1)) + ":AA" + _rand(rng, 33, URLSAFE)  # noqa: E731
    twilio = "SK" + _rand(rng, 31, HEX) + "f"
    mailgun = "key-" + _rand(rng, 31, HEX) + "a"
    shopify = "shpat_" + _rand(rng, 32, HEX)
    items = [
        Planted("twilio-api-key", twilio, f'TWILIO_API_KEY = "{twilio}"'),
        Planted("twilio-api-key", "SK" + _rand(rng, 31, HEX) + "0", ""),
        Planted("mailgun-key", mailgun, f'requests.post(url, auth=("api", "{mailgun}"))'),
        Planted("mailgun-key", "key-" + _rand(rng, 31, HEX) + "b", ""),
        Planted("shopify-token", shopify, f'headers = {{"X-Shopify-Access-Token": "{shopify}"}}'),
        Planted("shopify-token", "shpss_" + _rand(rng, 32, HEX), ""),
        Planted("discord-bot-token", (d1 := discord()), f'client.run("{d1}")'),
        Planted("discord-bot-token", (d2 := discord()), f"DISCORD_TOKEN={d2}"),
        Planted("telegram-bot-token", (t1 := telegram()), f'bot = telebot.TeleBot("{t1}")'),
        Planted("telegram-bot-token", (t2 := telegram()), f"curl https://api.telegram.org/bot{t2}/getMe"),
        Planted("github-token", (g := "gho" + "_" + _rand(rng, 36)), f"git clone https://x-access-token:{g}@github.com/acme/app.git"),
        Planted("gitlab-token", (gl := "glptt" + "-" + _rand(rng, 40, HEX)), f"TRIGGER_TOKEN: {gl}"),
        Planted("slack-token", (sl := "xoxp" + "-1234567890-1234567890123-" + _rand(rng, 32, HEX)), f"SLACK_USER_TOKEN={sl}"),
        Planted("stripe-webhook-secret", (wh := "whsec" + "_" + _rand(rng, 32)), f'endpoint_secret = "{wh}"'),
        Planted("pypi-token", (pp := "pypi-AgE" + "IcHlwaS5vcmc" + _rand(rng, 60, URLSAFE)), f"password = {pp}"),
        Planted("gcp-private-key-id", (kid := _rand(rng, 40, HEX)), f'  "private_key_id": "{kid}",'),
        Planted("azure-sas-signature", (sig := _rand(rng, 43, ALNUM + "%") + "%3D"), f"https://acct.blob.core.windows.net/c?sv=2022-11-02&sig={sig}"),
        Planted("aws-access-key", (asia := _aws_id(rng, "ASIA")), f"AWS_ACCESS_KEY_ID={asia}"),
    ]
    return [_in_context(item, index) for index, item in enumerate(items)]


def _wrapped(rng: random.Random) -> list[Planted]:
    """Secrets hidden by their container: base64 in manifests, escapes, concatenation, CLI flags."""
    user, pw = "deploy", _password(rng)
    docker = _b64(f"{user}:{pw}")
    tls_key = _b64(_pem(rng, "PRIVATE KEY", 4) + "\n")
    deploy_key = _b64(_pem(rng, "OPENSSH PRIVATE KEY", 4) + "\n")
    k8s_pw, k8s_token = _b64(_password(rng)), _b64(_rand(rng, 32))
    repr_k8s = _b64(_password(rng))
    pypirc_pw = _password(rng, 18)
    concat_aws, concat_gh = _aws_secret(rng), "ghp" + "_" + _rand(rng, 36)
    iam_id, iam_secret = _aws_id(rng), _aws_secret(rng)
    npm_legacy = f"{_rand(rng, 8, HEX)}-{_rand(rng, 4, HEX)}-4{_rand(rng, 3, HEX)}-a{_rand(rng, 3, HEX)}-{_rand(rng, 12, HEX)}"
    sshpass, cli_pw, string_data = _password(rng), _password(rng), _password(rng)
    return [
        Planted("docker-auth", docker, f'{{"auths": {{"registry.example.com": {{"auth": "{docker}"}}}}}}'),
        Planted("private-key", deploy_key, f"  DEPLOY_KEY_B64: {deploy_key}"),
        Planted("kubernetes-secret", tls_key, f"apiVersion: v1\nkind: Secret\ntype: kubernetes.io/tls\ndata:\n  tls.crt: {_b64('not a key')}\n  tls.key: {tls_key}"),
        Planted("kubernetes-secret", k8s_pw, f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: {k8s_pw}\n  api-token: {k8s_token}"),
        Planted("kubernetes-secret", k8s_token, ""),
        Planted("kubernetes-secret", string_data, f"apiVersion: v1\nkind: Secret\nmetadata:\n  name: app\nstringData:\n  DB_PASS: {string_data}"),
        Planted("kubernetes-secret", repr_k8s, repr(f"apiVersion: v1\nkind: Secret\ndata:\n  password: {repr_k8s}\n")),
        Planted("generic-secret", pypirc_pw, "config = " + repr(f"[pypi]\nusername = deploy\npassword = {pypirc_pw}\n")),
        Planted("npm-token", npm_legacy, f"//registry.npmjs.org/:_authToken={npm_legacy}"),
        Planted("cli-password", sshpass, f"sshpass -p '{sshpass}' ssh deploy@10.0.0.5 ./release.sh"),
        Planted("cli-password", cli_pw, f"mysqldump --user=app --password={cli_pw} orders > dump.sql"),
        Planted("aws-secret-key", concat_aws, f'AWS_SECRET = "{concat_aws[:20]}" + "{concat_aws[20:]}"', (concat_aws[:20], concat_aws[20:])),
        Planted("github-token", concat_gh, f'TOKEN = ("{concat_gh[:18]}"\n         "{concat_gh[18:]}")', (concat_gh[:18], concat_gh[18:])),
        Planted("aws-access-key", iam_id, f"User name,Password,Access key ID,Secret access key\nci-bot,,{iam_id},{iam_secret}"),
        Planted("aws-secret-key", iam_secret, ""),
    ]


def default_seed() -> int:
    return int(os.environ.get("LLMDEV_CORPUS_SEED", "7"))


def planted_secrets(seed: int | None = None) -> list[Planted]:
    """At least one of every kind llmdev must catch, each in a typical line (60 in all)."""
    rng = random.Random(default_seed() if seed is None else seed)
    base = [_in_context(item, index) for index, item in enumerate(_base_kinds(rng))]
    return base + _service_tokens(rng) + _wrapped(rng)


def decoys(seed: int | None = None) -> list[str]:
    """20 lines that look like secrets and are not: documented examples, placeholders, hashes, ids."""
    rng = random.Random(f"decoys:{default_seed() if seed is None else seed}")
    return [
        "aws_access_key_id = " + "AKIA" + "IOSFODNN7" + "EXAMPLE",
        "aws_secret_access_key = " + "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCYEXAMPLEKEY",
        "GITHUB_TOKEN=" + "ghp" + "_" + "0" * 36,
        "sample = '" + "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9" + ".eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ" + ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c'",
        'API_KEY = "${OPENAI_API_KEY}"',
        'token = "<your-telegram-token>"',
        "password = getpass.getpass()",
        f'commit = "{_rand(rng, 40, HEX)}"',
        f'request_id = "{_rand(rng, 8, HEX)}-{_rand(rng, 4, HEX)}-{_rand(rng, 4, HEX)}-{_rand(rng, 4, HEX)}-{_rand(rng, 12, HEX)}"',
        f'digest = "{_rand(rng, 32, HEX)}"',
        'sshpass -p "$SSH_PASSWORD" ssh deploy@host',
        "echo $REGISTRY_PASSWORD | docker login --password-stdin registry.example.com",
        f"apiVersion: v1\nkind: ConfigMap\ndata:\n  LOG_LEVEL: debug\n  FEATURE_SEED: {_rand(rng, 12, string.digits)}",
        '{"credsStore": "desktop", "auths": {"registry.example.com": {}}}',
        "key-value-store-implementation-notes.md",
        f"SKU = 'SKU-{_rand(rng, 10, UPPER_DIGITS)}'",
        f"logger = logging.getLogger('{rng.choice(['app', 'svc'])}.handlers.RotatingFileHandlerWithCompression')",
        f"image: registry.example.com/app@sha256:{_rand(rng, 64, HEX)}",
        "url = 'https://user@example.com/repo.git'",
        f"version = '{rng.randint(1, 9)}.{rng.randint(0, 20)}.{rng.randint(0, 99)}+build.{_rand(rng, 7, HEX)}'",
    ]


def _in_context(item: Planted, index: int) -> Planted:
    if item.line:
        return item
    v = item.value
    lines = {
        "twilio-api-key": f"TWILIO_API_KEY_SID={v}",
        "mailgun-key": f"MAILGUN_URL = 'https://api:{v}@api.mailgun.net/v3/example.com/messages'",
        "shopify-token": f"SHOPIFY_API_SECRET={v}",
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
    return Planted(item.kind, v, line, item.parts)


def _as_file(secrets: list[Planted]) -> str:
    body = "\n".join(f"    {s.line}" if "\n" not in s.line else s.line for s in secrets if s.line)
    return f'"""Settings for the orders service."""\n\nimport os\n\n\ndef configure():\n{body}\n    return True\n'


def _as_diff(path: str, secrets: list[Planted]) -> str:
    added = "\n".join("+" + line for s in secrets for line in s.line.splitlines() if s.line)
    count = len(added.splitlines())
    return (
        f"diff --git a/{path} b/{path}\nindex 3b18e51..a9c3f2d 100644\n--- a/{path}\n+++ b/{path}\n"
        f"@@ -10,2 +10,{count + 2} @@ def configure():\n     log.info('configuring')\n{added}\n     return True\n"
    )


def _as_log(secrets: list[Planted]) -> str:
    lines = ["2026-05-01 09:14:02,118 DEBUG urllib3.connectionpool Starting new HTTPS connection (1): api.example.com:443"]
    for number, secret in enumerate(s for s in secrets if s.line):
        if "\n" in secret.line:  # a block, as `kubectl get -o yaml` or `cat` prints it
            lines.append(secret.line)
            continue
        lines.append(f"2026-05-01 09:14:{number // 60:02d},{number % 60:02d}4 DEBUG app.settings {secret.line}")
    lines.append("Traceback (most recent call last):\n  File \"app/db.py\", line 12, in connect\nConnectionError: timed out")
    return "\n".join(lines) + "\n"


def documents(seed: int | None = None) -> list[Document]:
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
