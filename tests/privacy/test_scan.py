"""Scanning a prompt: what was found and where, never the secret itself."""

from __future__ import annotations

from llmdev.backends.base import Message
from llmdev.config.schema import PrivacyConfig
from llmdev.privacy.scan import PRIVATE_DIFF, PRIVATE_FILE, file_at, scan_request
from tests.privacy import corpus

AWS = "AKIA" + "Q3FAKE7T2LZ4WXQ9"


def test_findings_name_the_message_the_line_and_the_file() -> None:
    diff = corpus.documents()[1]
    messages = [Message("system", "You review code."), Message("user", "Review:\n" + diff.text)]
    report = scan_request(messages, ["app/settings.py"], PrivacyConfig())
    aws = next(f for f in report.findings if f.kind == "aws-access-key")
    assert (aws.message, aws.path) == (1, "app/settings.py")
    assert messages[1].content.splitlines()[aws.line - 1].endswith(diff.planted[0].value)
    assert aws.describe() == f"aws-access-key in app/settings.py (message 2, line {aws.line})"


def test_nothing_shown_to_a_person_contains_a_secret() -> None:
    doc = corpus.documents()[2]
    report = scan_request([Message("user", doc.text)], [], PrivacyConfig())
    shown = report.summary(limit=100) + repr(report.findings) + str([f.as_dict() for f in report.findings])
    assert len(report.secrets) == len(doc.planted)
    for planted in doc.planted:
        assert planted.value.splitlines()[0] not in shown


def test_private_files_and_private_diffs_are_reported() -> None:
    text = corpus.private_diff("secrets/prod.yaml") + corpus.private_diff("app/ok.py")
    report = scan_request([Message("user", text)], ["secrets/prod.yaml", "app/ok.py"], PrivacyConfig())
    kinds = [(f.kind, f.path) for f in report.findings]
    assert kinds == [(PRIVATE_FILE, "secrets/prod.yaml"), (PRIVATE_DIFF, "secrets/prod.yaml")]
    assert report.private_paths == ["secrets/prod.yaml"]
    assert "private by '**/secrets/**'" in report.summary()


def test_extra_private_paths_come_from_config() -> None:
    policy = PrivacyConfig(paths=list(corpus.EXTRA_PRIVATE_PATTERNS))
    report = scan_request([Message("user", "see the file")], ["customers/acme/export.csv"], policy)
    assert [f.kind for f in report.findings] == [PRIVATE_FILE]
    assert scan_request([Message("user", "x")], ["customers/acme/export.csv"], PrivacyConfig()).clean


def test_a_position_belongs_to_the_last_file_named_before_it() -> None:
    text = "## app/a.py\nx = 1\n## app/b.py\ny = 2\n"
    assert file_at(text, text.index("y = 2"), ["app/a.py", "app/b.py"]) == "app/b.py"
    assert file_at(text, 0, ["app/a.py"]) is None
