"""Repository context in review prompts: the enclosing code without repeating the diff."""

from __future__ import annotations

from llmdev.repo.diffs import get_diff, parse_spec
from llmdev.repo.discovery import open_repository
from llmdev.review.context_text import hunk_contexts
from tests.review.support import GitRepo

LONG = "def process(items):\n" + "".join(f"    step_{i} = items[{i}]\n" for i in range(30)) + "    return step_0\n"


def test_enclosing_code_is_given_once_and_elides_what_the_diff_shows(project: GitRepo) -> None:
    project.write("long.py", LONG)
    project.commit("long")
    changed = LONG.replace("    step_10 = items[10]\n", "    step_10 = items[10] or None\n")
    changed = changed.replace("    step_25 = items[25]\n", "    step_25 = items[25] or None\n")
    project.stage("long.py", changed)
    repo = open_repository(project.root)
    spec = parse_spec(repo, staged=True)
    diffs = get_diff(repo, spec)
    contexts = hunk_contexts(repo, diffs, spec)
    first, second = contexts[("long.py", 0)], contexts[("long.py", 1)]
    [enclosing] = [b for b in first if b.startswith("Enclosing")]
    assert enclosing.startswith("Enclosing function `process` in long.py (lines 1-32):")
    assert "    1   def process(items):" in enclosing
    assert "… lines 9-15 are in the diff" in enclosing and "… lines 24-30 are in the diff" in enclosing
    assert "   20       step_18 = items[18]" in enclosing
    assert not any(b.startswith("Enclosing") for b in second)  # given once per file


def test_code_under_the_users_private_paths_is_not_review_context(project: GitRepo) -> None:
    from llmdev.config.schema import Settings, parse

    project.write("internal/signing.py", "def sign_payload(data):\n    return data + 'secret-salt'\n")
    project.write("app.py", "from internal.signing import sign_payload\n\n\ndef send(data):\n    return data\n")
    project.commit("two files")
    project.stage("app.py", "from internal.signing import sign_payload\n\n\ndef send(data):\n    return sign_payload(data)\n")
    repo = open_repository(project.root)
    spec = parse_spec(repo, staged=True)
    diffs = get_diff(repo, spec)
    everything = "\n".join(b for blocks in hunk_contexts(repo, diffs, spec).values() for b in blocks)
    assert "internal/signing.py" in everything  # without the setting, the definition used is context
    private = parse(Settings, {"privacy": {"paths": ["internal/**"]}})
    kept = "\n".join(b for blocks in hunk_contexts(repo, diffs, spec, private).values() for b in blocks)
    assert "internal/signing.py" not in kept and "sign_payload(data):" not in kept
