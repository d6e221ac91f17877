"""How well the privacy scanner works: detection on the planted corpus, false alarms on ordinary code.

    python benchmarks/privacy_scan.py [--show] [LIBRARY ...]

Detection: every secret of tests/privacy/corpus.py, planted in a source file, a diff and a debug
log, must be found with its kind, and none of its 20 decoys; every private path must be recognised in the files list and in
a diff; public paths must not be. False positives: the .py files of installed libraries (default:
a dozen from this environment's site-packages) hold no real secrets, so every finding there is a
false alarm; reported per MB of source. --show prints each of them.
"""

from __future__ import annotations

import argparse
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from llmdev.backends.base import Message  # noqa: E402
from llmdev.config.schema import PrivacyConfig  # noqa: E402
from llmdev.privacy.paths import PathRules  # noqa: E402
from llmdev.privacy.redact import redact_request  # noqa: E402
from llmdev.privacy.scan import scan_request  # noqa: E402
from llmdev.privacy.secrets import find_secrets  # noqa: E402
from tests.privacy import corpus  # noqa: E402

LIBRARIES = ("rich", "pydantic", "typer", "httpx", "openai", "pluggy", "pathspec", "git", "pygments", "jsonschema", "_pytest", "ollama")


def detection() -> None:
    found = missed = 0
    by_shape: Counter[str] = Counter()
    for doc in corpus.documents():
        matches = find_secrets(doc.text)
        for planted in doc.planted:
            pieces = planted.pieces()
            kinds = sorted({m.kind for piece in pieces for m in matches if _covers(m, doc.text.index(piece), len(piece))})
            if kinds == [planted.kind]:
                found += 1
                by_shape[doc.shape] += 1
            else:
                missed += 1
                print(f"  missed: {planted.kind} in the {doc.shape} (found as {kinds or 'nothing'})")
        left = _left_after_redaction(doc)
        print(f"  {doc.shape:5} {by_shape[doc.shape]}/{len(doc.planted)} found, {left} left after redaction")
    print(f"secrets: {found}/{found + missed} detected with the right kind ({100 * found / (found + missed):.1f}%)")


def _covers(match, start: int, length: int) -> bool:  # type: ignore[no-untyped-def]
    return match.start <= start and start + length <= match.end


def decoys() -> None:
    flagged = [line for line in corpus.decoys() if find_secrets(line)]
    print(f"decoys flagged: {len(flagged)}/{len(corpus.decoys())}")
    for line in flagged:
        print(f"  flagged: {line[:60]}")


def _left_after_redaction(doc: corpus.Document) -> int:
    messages = [Message("user", doc.text)]
    policy = PrivacyConfig()
    result = redact_request(messages, [], scan_request(messages, [], policy), policy, None)
    return sum(1 for p in doc.planted if any(piece in result.messages[0].content for piece in p.pieces()))


def paths() -> None:
    rules = PathRules(corpus.EXTRA_PRIVATE_PATTERNS)
    policy = PrivacyConfig(paths=list(corpus.EXTRA_PRIVATE_PATTERNS))
    listed = sum(rules.matching_pattern(p) is not None for p in corpus.PRIVATE_PATHS)
    in_diffs = sum(
        any(f.kind == "private-diff" for f in scan_request([Message("user", corpus.private_diff(p))], [], policy).findings)
        for p in corpus.PRIVATE_PATHS
    )
    wrong = [p for p in corpus.PUBLIC_PATHS if rules.matching_pattern(p) is not None]
    total = len(corpus.PRIVATE_PATHS)
    print(f"private paths: {listed}/{total} as included files, {in_diffs}/{total} in diffs; public paths flagged: {len(wrong)}/{len(corpus.PUBLIC_PATHS)}")


def false_positives(libraries: list[str], show: bool) -> None:
    site = Path(sysconfig.get_paths()["purelib"])
    total_bytes = total_found = 0
    total_seconds = 0.0
    kinds: Counter[str] = Counter()
    print(f"false positives on ordinary code ({site}):")
    for library in libraries:
        size = count = 0
        for path in sorted((site / library).rglob("*.py")):
            text = path.read_text(encoding="utf-8", errors="replace")
            started = time.perf_counter()
            matches = find_secrets(text)
            total_seconds += time.perf_counter() - started
            size += len(text.encode())
            count += len(matches)
            kinds.update(m.kind for m in matches)
            for match in matches if show else []:
                line = text.count("\n", 0, match.start) + 1
                print(f"    {match.kind}: {path.relative_to(site)}:{line}")
        total_bytes += size
        total_found += count
        print(f"  {library:11} {size / 1e6:6.2f} MB  {count:3} findings  {count / max(size / 1e6, 1e-9):5.2f}/MB")
    mb = total_bytes / 1e6
    print(f"  total       {mb:6.2f} MB  {total_found:3} findings  {total_found / mb:5.2f}/MB  {dict(kinds)}")
    print(f"scan speed: {mb / total_seconds:.1f} MB/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("libraries", nargs="*", default=list(LIBRARIES))
    parser.add_argument("--show", action="store_true", help="print every false positive")
    args = parser.parse_args()
    detection()
    decoys()
    paths()
    false_positives(args.libraries, args.show)


if __name__ == "__main__":
    main()
