"""Retrieval quality on real history: does `llmdev context` find the files a fix changed?

For each repository, recent non-merge commits whose message says fix/bug and that modify one
to four existing non-test source files become cases: the commit message is the task, those files
are the answer, and the repository is checked out at the parent commit. Three rankers answer
each case on the same checkout and the same file list (llmdev's listing):

  llmdev  `llmdev context MESSAGE --json` (a large budget, so at least ten files are listed)
  bm25    a plain BM25 search over file contents (lowercased \\w+ words, English stop words out)
  aider   aider's RepoMap.get_ranked_tags (via benchmarks/aider_driver.py in its own venv)

Metrics: recall@1/5/10 (share of the answer files in the top k) and MRR, over all cases; once on
the rankings as produced and once with test files removed from every ranking (the answers never
contain tests). Nothing is downloaded: pass git directories you already have, for example
snapshots fetched from GitHub (pallets/click, encode/httpx, expressjs/express, colinhacks/zod,
gin-gonic/gin, sharkdp/fd; the ranking weights were tuned on these). A held-out set, never
used for tuning: psf/requests, spf13/cobra, axios/axios, google/gson, rack/rack,
BurntSushi/ripgrep (Python, Go, JavaScript/TypeScript, Java, Ruby, Rust):

    python benchmarks/retrieval.py --repo click=/path/to/click.git --repo gin=/path/to/gin.git \\
        --cases 20 --aider-python /work/bench/aider-venv/bin/python --work /work/bench/retrieval
"""

from __future__ import annotations

import argparse
import json
import math
import re
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from llmdev.code.languages import is_test_path

SOURCE_EXTENSIONS = {".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".rb", ".php", ".c", ".h", ".cc", ".cpp", ".cs"}
FIX_WORDS = re.compile(r"\b(fix|fixes|fixed|fixing|bug|bugfix)\b", re.IGNORECASE)
STOP = frozenset("a an and are as at be by for from has have in is it its of on or that the this to was were will with".split())
KS = (1, 5, 10)


@dataclass
class Case:
    repo: str
    commit: str
    parent: str
    query: str
    answer: list[str]
    rankings: dict[str, list[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, errors="replace").stdout


def mine_cases(name: str, git_dir: Path, count: int, scan: int = 4000) -> list[Case]:
    """The newest `count` fix commits that modify 1-4 existing non-test source files."""
    log = git(git_dir, "log", "--no-merges", f"-n{scan}", "--format=%x1e%H %P%x1f%B%x1f", "--name-status", "--no-renames")
    cases = []
    for record in log.split("\x1e")[1:]:
        head, message, changes = (record.split("\x1f") + ["", ""])[:3]
        shas = head.split()
        if len(shas) != 2 or not FIX_WORDS.search(message.split("\n", 1)[0]):
            continue
        answer = _answer(changes)
        if answer and len(_clean(message)) >= 15:
            cases.append(Case(name, shas[0], shas[1], _clean(message), answer))
        if len(cases) >= count:
            break
    return cases


def _answer(changes: str) -> list[str] | None:
    """The modified source files, or None when the commit adds/removes source files or is too wide."""
    answer = []
    for line in changes.strip().splitlines():
        status, _, path = line.partition("\t")
        if Path(path).suffix not in SOURCE_EXTENSIONS or is_test_path(path):
            continue
        if status != "M":
            return None
        answer.append(path)
    return answer if 1 <= len(answer) <= 4 else None


def _clean(message: str) -> str:
    lines = [line for line in message.strip().splitlines() if not line.lower().startswith(("signed-off-by", "co-authored-by"))]
    return "\n".join(lines)[:1500]


def checkout(work: Path, git_dir: Path, commit: str) -> None:
    if not (work / ".git").exists():
        subprocess.run(["git", "clone", "-q", "--no-checkout", "--shared", str(git_dir), str(work)], check=True)
        with open(work / ".git" / "info" / "exclude", "a") as exclude:
            exclude.write(".aider*\n")
    git(work, "checkout", "-q", "-f", commit)
    git(work, "clean", "-fdq")


def listed_files(work: Path) -> list[str]:
    from llmdev.repo.discovery import open_repository
    from llmdev.repo.files import list_files

    return list_files(open_repository(work)).paths()


def rank_llmdev(work: Path, query: str) -> tuple[list[str], float]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "llmdev", "--quiet", "context", query, "--json", "--budget", "200000"],
        cwd=work, capture_output=True, text=True, check=True,
    )
    return [f["path"] for f in json.loads(done.stdout)["files"]], time.perf_counter() - started


class Bm25:
    """Plain BM25 over file contents; file words are cached by (path, size, mtime) across cases."""

    def __init__(self) -> None:
        self.cache: dict[tuple[str, int, int], Counter[str]] = {}

    def words(self, work: Path, path: str) -> Counter[str]:
        stat = (work / path).stat()
        key = (path, stat.st_size, stat.st_mtime_ns)
        if key not in self.cache:
            text = (work / path).read_text(encoding="utf-8", errors="replace").lower()
            self.cache[key] = Counter(w for w in re.findall(r"\w+", text) if w not in STOP)
        return self.cache[key]

    def rank(self, work: Path, files: list[str], query: str) -> tuple[list[str], float]:
        started = time.perf_counter()
        docs = {path: self.words(work, path) for path in files}
        terms = [w for w in dict.fromkeys(re.findall(r"\w+", query.lower())) if w not in STOP]
        average = sum(sum(c.values()) for c in docs.values()) / max(len(docs), 1)
        scores: Counter[str] = Counter()
        for term in terms:
            having = [p for p, c in docs.items() if term in c]
            idf = math.log(1 + (len(docs) - len(having) + 0.5) / (len(having) + 0.5))
            for path in having:
                tf, length = docs[path][term], sum(docs[path].values())
                scores[path] += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * length / average))
        return [p for p, _ in scores.most_common()], time.perf_counter() - started


class Aider:
    def __init__(self, python: str) -> None:
        driver = Path(__file__).with_name("aider_driver.py")
        self.process = subprocess.Popen([python, str(driver)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def rank(self, work: Path, files: list[str], query: str) -> tuple[list[str], float]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"op": "rank", "root": str(work), "files": files, "query": query}) + "\n")
        self.process.stdin.flush()
        answer = json.loads(self.process.stdout.readline())
        return answer["ranking"], answer["seconds"]


def metrics(cases: list[Case], ranker: str, drop_tests: bool) -> dict[str, float]:
    totals = {f"recall@{k}": 0.0 for k in KS} | {"mrr": 0.0}
    for case in cases:
        ranking = [p for p in case.rankings.get(ranker, []) if not (drop_tests and is_test_path(p))]
        for k in KS:
            totals[f"recall@{k}"] += len(set(ranking[:k]) & set(case.answer)) / len(case.answer)
        first = next((i for i, p in enumerate(ranking) if p in case.answer), None)
        totals["mrr"] += 0.0 if first is None else 1.0 / (first + 1)
    return {name: value / max(len(cases), 1) for name, value in totals.items()}


def report(cases: list[Case], rankers: list[str]) -> None:
    groups = sorted({c.repo for c in cases})
    for drop_tests in (True, False):
        print(f"\n== {'test files removed from every ranking' if drop_tests else 'rankings as produced'} ==")
        print(f"{'repo':<10}{'cases':>6}  {'ranker':<8}{'R@1':>7}{'R@5':>7}{'R@10':>7}{'MRR':>7}")
        for group in groups + ["ALL"]:
            chosen = [c for c in cases if group in ("ALL", c.repo)]
            for ranker in rankers:
                m = metrics(chosen, ranker, drop_tests)
                print(f"{group:<10}{len(chosen):>6}  {ranker:<8}{m['recall@1']:>7.3f}{m['recall@5']:>7.3f}{m['recall@10']:>7.3f}{m['mrr']:>7.3f}")
    for ranker in rankers:
        seconds = sorted(c.seconds[ranker] for c in cases if ranker in c.seconds)
        if seconds:
            print(f"{ranker} seconds per case: median {seconds[len(seconds) // 2]:.3f}, max {seconds[-1]:.3f}")


def run_repo(name: str, git_dir: Path, args: argparse.Namespace, bm25: Bm25, aider: Aider | None) -> list[Case]:
    cases = mine_cases(name, git_dir, args.cases)
    work = Path(args.work) / name
    for number, case in enumerate(cases, 1):
        checkout(work, git_dir, case.parent)
        files = listed_files(work)
        case.rankings["llmdev"], case.seconds["llmdev"] = rank_llmdev(work, case.query)
        case.rankings["bm25"], case.seconds["bm25"] = bm25.rank(work, files, case.query)
        if aider is not None:
            case.rankings["aider"], case.seconds["aider"] = aider.rank(work, files, case.query)
        print(f"{name} {number}/{len(cases)} {case.commit[:10]} {case.answer}", file=sys.stderr)
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repo", action="append", required=True, help="NAME=GIT_DIR (repeatable)")
    parser.add_argument("--cases", type=int, default=20, help="cases per repository")
    parser.add_argument("--aider-python", help="python of a venv with aider-chat installed")
    parser.add_argument("--work", default="benchmarks/.work/retrieval", help="where checkouts go")
    parser.add_argument("--json", help="write every case with its rankings here")
    args = parser.parse_args()
    bm25 = Bm25()
    aider = Aider(args.aider_python) if args.aider_python else None
    cases: list[Case] = []
    for spec in args.repo:
        name, _, git_dir = spec.partition("=")
        cases += run_repo(name, Path(git_dir), args, bm25, aider)
    report(cases, ["llmdev", "bm25"] + (["aider"] if aider else []))
    if args.json:
        Path(args.json).write_text(json.dumps([c.__dict__ for c in cases], indent=1))


if __name__ == "__main__":
    main()
