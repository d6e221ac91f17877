"""Secret detection: every planted kind is found where it sits; ordinary code is left alone."""

from __future__ import annotations

import pytest

from llmdev.privacy.secrets import find_secrets, known_kinds
from llmdev.privacy.values import entropy
from tests.privacy import corpus

DOCUMENTS = corpus.documents()
CASES = [(doc, planted) for doc in DOCUMENTS for planted in doc.planted]


def _covering(text: str, planted: corpus.Planted) -> list[str]:
    """Kinds of the findings covering every piece of the value in `text` ([] when a piece is left out)."""
    matches = find_secrets(text)
    kinds: set[str] = set()
    for piece in planted.pieces():
        position = text.index(piece)
        covering = [m.kind for m in matches if m.start <= position and position + len(piece) <= m.end]
        if not covering:
            return []
        kinds.update(covering)
    return sorted(kinds)


@pytest.mark.parametrize(("doc", "planted"), CASES, ids=[f"{d.shape}-{p.kind}-{i}" for i, (d, p) in enumerate(CASES)])
def test_every_planted_secret_is_found_with_its_kind(doc: corpus.Document, planted: corpus.Planted) -> None:
    assert _covering(doc.text, planted) == [planted.kind]


def test_the_corpus_covers_every_kind_of_detector() -> None:
    planted_kinds = {p.kind for p in corpus.planted_secrets()}
    assert planted_kinds >= set(known_kinds()) - {"gcp-private-key-id", "azure-sas-signature", "pypi-token", "stripe-webhook-secret"}


def test_only_the_secret_is_marked_not_the_line_around_it() -> None:
    text = 'client = OpenAI(api_key="sk-proj-' + "FAKE1234abcdEFGH5678ijklMNOP9012qrst" + '")'
    (match,) = find_secrets(text)
    assert text[match.start : match.end] == match.value
    assert text[: match.start].endswith('api_key="') and text[match.end :] == '")'


@pytest.mark.parametrize(
    "line",
    [
        "max_tokens = 4096",
        'tokenizer = "cl100k_base"',
        "password = getpass.getpass()",
        'api_key = os.environ["OPENAI_API_KEY"]',
        "token = self.token",
        "password: SecretStr",
        "token = Whitespace",
        'API_KEY = "${OPENAI_API_KEY}"',
        'api_key = "your-api-key-here"',
        'secret = "{{ vault_secret }}"',
        'password = "password"',
        'token = "xxxxxxxxxxxxxxxx"',
        'api_key = "[REDACTED:openai-api-key:1a2b3c]"',
        'if line.startswith("-----BEGIN RSA PRIVATE KEY-----"):',
        'digest = "d41d8cd98f00b204e9800998ecf8427e"',
        'commit = "9fceb02d0ae598e95dc970b74767f19372d61af8"',
        'request_id = "123e4567-e89b-12d3-a456-426614174000"',
        'url = "https://user@example.com/repo.git"',
        'className="sk-loading-spinner-wrapper-element"',
        "The token: see the docs for how to create one.",
        "secret_name = 'prod-db-credentials'",
        "self._password = to_bytes(password)",
        "self._auth = self._build_auth(auth)",
        'parser.add_argument("--password", help="the password to use")',
        "kind: Secret  # see docs/secrets.md",
    ],
)
def test_ordinary_code_is_not_a_secret(line: str) -> None:
    assert find_secrets(line) == []


def test_a_kind_can_be_switched_off_and_a_value_allowed() -> None:
    text = corpus.documents()[0].text
    kinds = {m.kind for m in find_secrets(text, allow_kinds=["jwt"])}
    assert "jwt" not in kinds and "aws-access-key" in kinds
    assert any(m.value.startswith("AKIA") for m in find_secrets(text))
    assert not any(m.value.startswith("AKIA") for m in find_secrets(text, allowlist=["^AKIA"]))


def test_a_private_key_cut_off_in_a_diff_is_still_found() -> None:
    body = "+MIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0\n" * 3
    text = "+-----BEGIN RSA PRIVATE KEY-----\n" + body + "```\nWhy does this fail?"
    (match,) = find_secrets(text)
    assert match.kind == "private-key" and text[match.end :].startswith("\n```")


def test_entropy_is_bits_per_character() -> None:
    assert entropy("aaaa") == 0
    assert entropy("abcd") == 2
