"""Retrieval quality on real history: does `llmdev context` find the files a fix changed?

For each repository, the newest non-merge commits whose subject says fix/bug and that modify one
to four existing non-test source files become cases: the commit message is the task, those files
are the answer, and the repository is checked out at the parent commit. Every ranker answers each
case on the same checkout and the same file list (llmdev's listing):

  llmdev      `llmdev context MESSAGE --json` (a large budget, so at least ten files are listed)
  bm25        the strong lexical baseline: BM25 (k1 1.2, b 0.75) over path + file text, identifiers
              kept whole and split on snake_case/camelCase, lowercased (benchmarks/lexical.py);
              a code search: it ranks the source files of the listing (tests included), not
              changelogs and docs, which otherwise top most of its rankings
  bm25-words  (--weak-bm25, reference only) the old weak baseline, as it was: whole words of the
              text of every listed file, no path
  aider       (--aider-python) aider's RepoMap.get_ranked_tags, via benchmarks/aider_driver.py
  bm25+hist   (--history-weight W) bm25 + W x BM25 over each file's past commit messages
              (benchmarks/history.py): one signal of issue 14, measured on its own
  bm25f       (--bm25f-weight W) BM25F over path + text and a field of definitions with their
              comments and docstrings weighted W (benchmarks/fields.py): another signal, on its own
  bm25+sim    (--similar-weight W, --similar-top K, --similar-share split|whole) bm25 + W x the
  llmdev+sim  files of the K past commits whose messages are most like the task
              (benchmarks/similar_fixes.py); llmdev+sim blends it with the scores of llmdev with
              its own similar-fixes signal off, each side scaled to its best
  llmdev-nosim (--llmdev-without-similar) llmdev as shipped with its similar-fixes signal (the
              product's form of llmdev+sim 0.5) switched off, a switch of this benchmark only;
              every other llmdev ranking is also paired against it
  llmdev-noseg (--llmdev-without-stretches) the same for the best-stretches step
  llmdev-norecent (--llmdev-without-recent) the same for recency, which counts only for a task whose
              first line names a linter, type checker or style check: llmdev runs again for those
              tasks alone, and any other task keeps llmdev's ranking, which recency never touches

--checker-tasks mines only such tasks (the newest --cases of them among the same newest commits),
so that the one signal that serves them can be read on more of them than a set's usual cases hold.

Metrics: recall@1/5/10 (share of the answer files in the top k) and MRR, per repository and over
all cases, each with a 95% percentile bootstrap interval over cases (1,000 resamples, fixed seed),
and the paired difference of every other ranker minus bm25 with its interval (and of every llmdev
ranking minus llmdev-nosim, when it runs): a difference whose interval contains 0 is not progress. The main table cuts every ranking to non-test source files
(an answer never holds a test, a doc or a changelog); the rankings as produced follow it.

Eight sets of repositories, kept strictly apart (REPOSITORIES below):
  tuning    the repositories llmdev's ranking weights were tuned on; look at these as much as you
            like, per case (--json), to choose weights, rules and constants;
  heldout   never used to choose a weight, rule or constant: run it only to confirm a change
            chosen on the tuning set. Its per-case details (commits, answers, rankings) are not
            printed or written unless --show-heldout-cases is given, so that looking is a choice.
            It has served several final evaluations, so it is spent: a reading of it is no
            longer a fresh one.
  heldout2  a fresh held-out set under the same rules (8 repositories in Python, Go, Rust, Ruby,
            TypeScript and Java; rails is the large one: 4,983 files at the 2 December 2026
            snapshot, 3,509 of them source files, 1,529 outside tests). Run once.
  heldout3  another fresh held-out set under the same rules (8 repositories in Python,
            JavaScript, TypeScript, Go, Rust, Java, Ruby and PHP, none in another set or in
            benchmarks/scale.py's repositories; netty is the large one: 4,064 files at its
            snapshot, 3,504 of them source files, 2,444 outside tests).
  heldout4  a fourth, the same way (8 repositories, the same 8 languages, none in another set or
            in benchmarks/scale.py's; laravel is the large one: 3,354 files at its snapshot,
            3,043 of them source files, 1,683 outside tests).
  heldout5  a fifth (8 repositories, the same 8 languages, none in another set or in
            benchmarks/scale.py's), run with 30 cases per repository so that a repository's
            reading is less a matter of one case; typeorm, terraform and nushell have over 1,500
            source files each (582, 1,301 and 1,454 outside tests at their snapshots).
  heldout6  a sixth (8 repositories, the same 8 languages, none in another set or in
            benchmarks/scale.py's), 30 cases per repository, registered before any ranking ran
            on it; webpack, prisma, maven, rubocop and phpunit have over 1,500 source files each
            (1,292, 1,863, 1,584, 943 and 1,022 outside tests at their snapshots).
  heldout7  a seventh (8 repositories, the same 8 languages, none in another set or in
            benchmarks/scale.py's), 30 cases per repository, registered before any ranking ran on
            it, to confirm recency for tasks that name a checker (chosen on the spent sets), and run once;
            ansible, astro, bevy, jenkins, brew and symfony have over 1,500 source files each.
  All seven held-out sets have had their one run (SPENT): they may serve to choose now, and a
  choice made on them needs an eighth set, registered the same way, to confirm it.
Tuning and heldout: 13 repositories in Python, JavaScript/TypeScript, Go, Rust, Java and Ruby;
sympy is the large one there (2,073 listed files, 1,603 of them Python, at the same snapshot).
Results and how to read them: docs/benchmarks.md.

Nothing is downloaded: the git directories come from --mirror (laid out as MIRROR/OWNER+NAME/repo,
MIRROR/NAME.git or MIRROR/NAME) or from --git-dir NAME=PATH; a bare clone is enough:

    git clone --bare https://github.com/psf/requests /work/bench/mirror/requests.git
    python benchmarks/retrieval.py --set tuning --mirror /work/bench/mirror --cases 15 > tuning.txt
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bootstrap import interval, mean, paired_interval  # noqa: E402
from lexical import Bm25, strong_bm25, weak_bm25  # noqa: E402

from llmdev.code.languages import is_test_path  # noqa: E402
from llmdev.code.terms import names_a_checker  # noqa: E402

# name -> (GitHub owner/name, language). A repository moves between the sets only with a new held-out set.
REPOSITORIES: dict[str, dict[str, tuple[str, str]]] = {
    "tuning": {
        "click": ("pallets/click", "Python"),
        "httpx": ("encode/httpx", "Python"),
        "express": ("expressjs/express", "JavaScript"),
        "zod": ("colinhacks/zod", "TypeScript"),
        "gin": ("gin-gonic/gin", "Go"),
        "fd": ("sharkdp/fd", "Rust"),
    },
    "heldout": {
        "requests": ("psf/requests", "Python"),
        "sympy": ("sympy/sympy", "Python"),
        "cobra": ("spf13/cobra", "Go"),
        "axios": ("axios/axios", "JavaScript"),
        "gson": ("google/gson", "Java"),
        "rack": ("rack/rack", "Ruby"),
        "ripgrep": ("BurntSushi/ripgrep", "Rust"),
    },
    "heldout2": {
        "flask": ("pallets/flask", "Python"),
        "black": ("psf/black", "Python"),
        "viper": ("spf13/viper", "Go"),
        "clap": ("clap-rs/clap", "Rust"),
        "sinatra": ("sinatra/sinatra", "Ruby"),
        "rails": ("rails/rails", "Ruby"),
        "got": ("sindresorhus/got", "TypeScript"),
        "javapoet": ("square/javapoet", "Java"),
    },
    "heldout3": {
        "pydantic": ("pydantic/pydantic", "Python"),
        "eslint": ("eslint/eslint", "JavaScript"),
        "vue": ("vuejs/core", "TypeScript"),
        "urfave-cli": ("urfave/cli", "Go"),
        "bat": ("sharkdp/bat", "Rust"),
        "netty": ("netty/netty", "Java"),
        "jekyll": ("jekyll/jekyll", "Ruby"),
        "composer": ("composer/composer", "PHP"),
    },
    "heldout4": {
        "pytest": ("pytest-dev/pytest", "Python"),
        "mocha": ("mochajs/mocha", "JavaScript"),
        "vite": ("vitejs/vite", "TypeScript"),
        "fzf": ("junegunn/fzf", "Go"),
        "alacritty": ("alacritty/alacritty", "Rust"),
        "commons-lang": ("apache/commons-lang", "Java"),
        "sidekiq": ("sidekiq/sidekiq", "Ruby"),
        "laravel": ("laravel/framework", "PHP"),
    },
    "heldout5": {
        "scrapy": ("scrapy/scrapy", "Python"),
        "fastify": ("fastify/fastify", "JavaScript"),
        "typeorm": ("typeorm/typeorm", "TypeScript"),
        "terraform": ("hashicorp/terraform", "Go"),
        "nushell": ("nushell/nushell", "Rust"),
        "mockito": ("mockito/mockito", "Java"),
        "puma": ("puma/puma", "Ruby"),
        "doctrine-orm": ("doctrine/orm", "PHP"),
    },
    "heldout6": {
        "celery": ("celery/celery", "Python"),
        "webpack": ("webpack/webpack", "JavaScript"),
        "prisma": ("prisma/prisma", "TypeScript"),
        "hugo": ("gohugoio/hugo", "Go"),
        "tokio": ("tokio-rs/tokio", "Rust"),
        "maven": ("apache/maven", "Java"),
        "rubocop": ("rubocop/rubocop", "Ruby"),
        "phpunit": ("sebastianbergmann/phpunit", "PHP"),
    },
    "heldout7": {
        "ansible": ("ansible/ansible", "Python"),
        "lighthouse": ("GoogleChrome/lighthouse", "JavaScript"),
        "astro": ("withastro/astro", "TypeScript"),
        "prometheus": ("prometheus/prometheus", "Go"),
        "bevy": ("bevyengine/bevy", "Rust"),
        "jenkins": ("jenkinsci/jenkins", "Java"),
        "brew": ("Homebrew/brew", "Ruby"),
        "symfony": ("symfony/symfony", "PHP"),
    },
}
SOURCE_EXTENSIONS = {".py", ".js", ".mjs", ".cjs", ".ts", ".tsx", ".jsx", ".go", ".rs", ".java", ".rb", ".php", ".c", ".h", ".cc", ".cpp", ".cs"}
FIX_WORDS = re.compile(r"\b(fix|fixes|fixed|fixing|bug|bugfix)\b", re.IGNORECASE)
METRICS = ("R@1", "R@5", "R@10", "MRR")
BASELINE = "bm25"
TUNING = "tuning"
# Held-out sets that have had their final run: spent as judges, so they may now serve to choose
# (benchmarks/rank_variants.py --set spent); only a fresh held-out set confirms a choice, and the
# next choice needs a new one.
SPENT = ("heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7")
SIMILAR_TOP = 10
SIMILAR_SHARE = "split"


@dataclass
class Case:
    repo: str
    commit: str
    parent: str
    query: str
    answer: list[str]
    files: int = 0
    rankings: dict[str, list[str]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True, errors="replace").stdout


def mine_cases(name: str, git_dir: Path, count: int, scan: int = 4000, keep: "Callable[[str], bool] | None" = None) -> list[Case]:
    """The newest `count` fix commits that modify 1-4 existing non-test source files (and whose
    message `keep` accepts, when given), among the newest `scan` commits."""
    log = git(git_dir, "log", "--no-merges", f"-n{scan}", "--format=%x1e%H %P%x1f%B%x1f", "--name-status", "--no-renames")
    cases = []
    for record in log.split("\x1e")[1:]:
        head, message, changes = (record.split("\x1f") + ["", ""])[:3]
        shas = head.split()
        if len(shas) != 2 or not FIX_WORDS.search(message.split("\n", 1)[0]):
            continue
        answer = _answer(changes)
        if answer and len(_clean(message)) >= 15 and (keep is None or keep(_clean(message))):
            cases.append(Case(name, shas[0], shas[1], _clean(message), answer))
        if len(cases) >= count:
            break
    return cases


def _answer(changes: str) -> list[str] | None:
    """The modified source files, or None when the commit adds/removes source files or is too wide."""
    answer = []
    for line in changes.strip().splitlines():
        status, _, path = line.partition("\t")
        if not could_be_answer(path):
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
    done = subprocess.run(["git", "checkout", "-q", "-f", commit], cwd=work, capture_output=True, text=True, errors="replace")
    if done.returncode != 0:
        _missing_blobs_only(work, commit, done)
    git(work, "clean", "-fdq")


MISSING_BLOB = re.compile(r"unable to read sha1 file of (.+) \([0-9a-f]+\)$")


def _missing_blobs_only(work: Path, commit: str, done: subprocess.CompletedProcess[str]) -> None:
    """A fetched snapshot may lack its largest blobs (fixtures, binaries): git checks out the rest
    and fails. The case goes on only when HEAD is the commit and no missing file could be an
    answer (a source file outside tests); anything else stops the run."""
    missing = [m.group(1) for m in map(MISSING_BLOB.search, done.stderr.splitlines()) if m]
    other = [line for line in done.stderr.splitlines() if line and not MISSING_BLOB.search(line) and not line.startswith("error: invalid object")]
    head = git(work, "rev-parse", "HEAD").strip()
    if head != commit or not missing or other or any(could_be_answer(path) for path in missing):
        raise subprocess.CalledProcessError(done.returncode, done.args, done.stdout, done.stderr)
    print(f"checkout {commit[:10]}: {len(missing)} file(s) missing from the snapshot, none a possible answer", file=sys.stderr, flush=True)


def listed_files(work: Path) -> list[str]:
    from llmdev.repo.discovery import open_repository
    from llmdev.repo.files import list_files

    return list_files(open_repository(work)).paths()


# llmdev as shipped but with one signal switched off (its weight in llmdev/code/rank.py set to 0): a
# switch of this benchmark only, so each signal can be paired against the ranking without it.
WITHOUT_SIMILAR_RANKER = "llmdev-nosim"  # similar past fixes
WITHOUT_STRETCHES_RANKER = "llmdev-noseg"  # best stretches
WITHOUT_RECENT_RANKER = "llmdev-norecent"  # recency for tasks that name a checker
WITHOUT = {WITHOUT_SIMILAR_RANKER: "SIMILAR_WEIGHT", WITHOUT_STRETCHES_RANKER: "SEGMENT_WEIGHT", WITHOUT_RECENT_RANKER: "RECENT_WEIGHT"}


def switched_off(constant: str) -> str:
    """A `python -c` program: llmdev's command line with rank.CONSTANT set to 0."""
    return f"import llmdev.code.rank as rank; rank.{constant} = 0.0; from llmdev.cli import main; main()"


def scored_llmdev(work: Path, query: str, without: str | None = None) -> dict[str, float]:
    """llmdev's ranking from `llmdev context MESSAGE --json`: the files shown and the candidates
    listed beyond them, merged by score (ties keep the output's order); `without` names a ranker of
    WITHOUT, whose signal is switched off. `files` alone stops at the 25 best files of any kind
    (tests and docs included), so it held fewer than 10 source files in some cases."""
    program = ["-m", "llmdev"] if without is None else ["-c", switched_off(WITHOUT[without])]
    done = subprocess.run(
        [sys.executable, *program, "--quiet", "context", query, "--json", "--budget", "200000"],
        cwd=work, capture_output=True, text=True, check=True,
    )
    listed = json.loads(done.stdout)
    ranked = sorted(listed["files"] + listed["candidates"], key=lambda f: -f["score"])
    return {f["path"]: f["score"] for f in ranked}


class LlmdevContext:
    """llmdev's scored files for the last (checkout, task) asked, so rankers built on them run it once;
    `without` (a ranker of WITHOUT) runs it with that signal switched off."""

    def __init__(self, without: str | None = None) -> None:
        self.without = without
        self.asked: tuple[Path, str] | None = None
        self.scores: dict[str, float] = {}

    def scored(self, work: Path, query: str) -> dict[str, float]:
        if self.asked != (work, query):
            self.scores = scored_llmdev(work, query, self.without)
            self.asked = (work, query)
        return self.scores

    def rank(self, work: Path, files: list[str], query: str) -> list[str]:
        return list(self.scored(work, query))


class Aider:
    def __init__(self, python: str) -> None:
        driver = Path(__file__).with_name("aider_driver.py")
        self.process = subprocess.Popen([python, str(driver)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def rank(self, work: Path, files: list[str], query: str) -> list[str]:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"op": "rank", "root": str(work), "files": files, "query": query}) + "\n")
        self.process.stdin.flush()
        return json.loads(self.process.stdout.readline())["ranking"]


def could_be_answer(path: str) -> bool:
    """A non-test source file: the only kind of file an answer holds."""
    return Path(path).suffix in SOURCE_EXTENSIONS and not is_test_path(path)


def is_source(path: str) -> bool:
    return Path(path).suffix in SOURCE_EXTENSIONS


def case_scores(case: Case, ranker: str, answerable_only: bool) -> dict[str, float]:
    """R@1/5/10 and reciprocal rank of one case for one ranker."""
    ranking = [p for p in case.rankings.get(ranker, []) if could_be_answer(p) or not answerable_only]
    answer = set(case.answer)
    scores = {f"R@{k}": len(set(ranking[:k]) & answer) / len(answer) for k in (1, 5, 10)}
    first = next((i for i, p in enumerate(ranking) if p in answer), None)
    return scores | {"MRR": 0.0 if first is None else 1.0 / (first + 1)}


def cell(values: list[float], against: list[float] | None = None) -> str:
    """`mean [low, high]`; with `against`, the paired difference and its interval."""
    if against is None:
        low, high = interval(values)
        return f"{mean(values):.3f} [{low:.2f},{high:.2f}]"
    low, high = paired_interval(values, against)
    flag = "*" if low > 0 or high < 0 else " "
    return f"{mean(values) - mean(against):+.3f} [{low:+.2f},{high:+.2f}]{flag}"


def table(cases: list[Case], rankers: list[str], groups: list[str], answerable_only: bool) -> list[str]:
    lines = [f"{'repo':<10}{'cases':>6}{'files':>7}  {'ranker':<32}" + "".join(f"{m:<23}" for m in METRICS)]
    for group in groups:
        chosen = [c for c in cases if group in ("ALL", c.repo)]
        files = max((c.files for c in chosen), default=0)
        scores = {r: [case_scores(c, r, answerable_only) for c in chosen] for r in rankers}
        for ranker in rankers:
            row = "".join(f"{cell([s[m] for s in scores[ranker]]):<23}" for m in METRICS)
            lines.append(f"{group:<10}{len(chosen):>6}{files:>7}  {ranker:<32}{row}")
        for ranker, against in pairs(rankers):
            row = "".join(f"{cell([s[m] for s in scores[ranker]], [s[m] for s in scores[against]]):<23}" for m in METRICS)
            lines.append(f"{'':<23}  {ranker + ' - ' + against:<32}{row}")
    return lines


def pairs(rankers: list[str]) -> list[tuple[str, str]]:
    """Which paired differences to report: every ranker minus bm25, and every other llmdev ranking
    minus llmdev without the similar-fixes signal (so the signal gets its own interval)."""
    chosen = [(r, BASELINE) for r in rankers if r != BASELINE and BASELINE in rankers]
    for without in (w for w in WITHOUT if w in rankers):
        chosen += [(r, without) for r in rankers if r.startswith("llmdev") and r not in WITHOUT]
    return chosen


def report(set_name: str, heads: dict[str, str], cases: list[Case], rankers: list[str]) -> str:
    groups = sorted({c.repo for c in cases}) + ["ALL"]
    lines = [f"set: {set_name}; snapshots: " + ", ".join(f"{n}@{h[:10]}" for n, h in heads.items())]
    lines.append("mean [95% bootstrap interval over cases]; * = the difference's interval excludes 0; files = most listed files")
    lines += ["", "== every ranking cut to non-test source files (what an answer can be) =="]
    lines += table(cases, rankers, groups, answerable_only=True)
    lines += ["", "== rankings as produced (all cases) =="] + table(cases, rankers, ["ALL"], answerable_only=False)
    lines.append("")
    for ranker in rankers:
        seconds = sorted(c.seconds[ranker] for c in cases if ranker in c.seconds)
        if seconds:
            lines.append(f"{ranker} seconds per case: median {seconds[len(seconds) // 2]:.3f}, max {seconds[-1]:.3f}")
    return "\n".join(lines)


def find_git_dir(mirror: Path, name: str, slug: str) -> Path:
    owner, repo = slug.split("/")
    for candidate in (mirror / f"{owner}+{repo}" / "repo", mirror / f"{name}.git", mirror / name):
        if candidate.is_dir():
            return candidate
    raise SystemExit(f"no git directory for {name} under {mirror}: clone it with `git clone --bare https://github.com/{slug} {mirror / (name + '.git')}` or pass --git-dir {name}=PATH")


def run_repo(name: str, git_dir: Path, args: argparse.Namespace, rankers: dict, show_cases: bool) -> list[Case]:
    cases = mine_cases(name, git_dir, args.cases, keep=names_a_checker if args.checker_tasks else None)
    work = Path(args.work) / name
    for number, case in enumerate(cases, 1):
        checkout(work, git_dir, case.parent)
        files = listed_files(work)
        case.files = len(files)
        for ranker, rank in rankers.items():
            started = time.perf_counter()
            case.rankings[ranker] = rank(work, files, case.query)
            case.seconds[ranker] = time.perf_counter() - started
        detail = f" {case.commit[:10]} {case.answer}" if show_cases else ""
        print(f"{name} {number}/{len(cases)}{detail}", file=sys.stderr, flush=True)
    return cases


def build_rankers(args: argparse.Namespace) -> dict:
    strong: Bm25 = strong_bm25()
    llmdev = None if args.no_llmdev else LlmdevContext()
    without_similar = None if args.no_llmdev else LlmdevContext(without=WITHOUT_SIMILAR_RANKER)
    rankers = {} if llmdev is None else {"llmdev": llmdev.rank}
    rankers[BASELINE] = lambda work, files, query: strong.rank(work, [f for f in files if is_source(f)], query)
    if without_similar is not None and args.llmdev_without_similar:
        rankers[WITHOUT_SIMILAR_RANKER] = without_similar.rank
    if llmdev is not None and args.llmdev_without_stretches:
        rankers[WITHOUT_STRETCHES_RANKER] = LlmdevContext(without=WITHOUT_STRETCHES_RANKER).rank
    if llmdev is not None and args.llmdev_without_recent:
        rankers[WITHOUT_RECENT_RANKER] = without_recent(llmdev, LlmdevContext(without=WITHOUT_RECENT_RANKER))
    if args.weak_bm25:
        rankers["bm25-words"] = weak_bm25().rank
    if args.aider_python:
        rankers["aider"] = Aider(args.aider_python).rank
    if args.history_weight:
        from history import HistoryBm25, HistoryField

        field = HistoryField()
        for weight in args.history_weight:
            history = HistoryBm25(strong, field, weight)
            rankers[f"bm25+hist({weight:g})"] = lambda work, files, query, h=history: h.rank(work, [f for f in files if is_source(f)], query)
    definitions = None
    for weight in args.bm25f_weight or []:
        from fields import DefinitionsBm25f, DefinitionsField

        definitions = definitions or DefinitionsField()
        fielded = DefinitionsBm25f(strong, definitions, weight)
        rankers[f"bm25f({weight:g})"] = lambda work, files, query, f=fielded: f.rank(work, [p for p in files if is_source(p)], query)
    if args.similar_weight:
        rankers |= similar_rankers(args, strong, without_similar)
    return rankers


def without_recent(llmdev: LlmdevContext, switched_off: LlmdevContext) -> "Callable[[Path, list[str], str], list[str]]":
    """llmdev with recency switched off: run again only for a task whose first line names a checker;
    any other task's ranking is llmdev's own, which recency never touches (tests/code/test_rank.py)."""

    def rank(work: Path, files: list[str], query: str) -> list[str]:
        return (switched_off if names_a_checker(query) else llmdev).rank(work, files, query)

    return rank


def similar_rankers(args: argparse.Namespace, strong: Bm25, llmdev: LlmdevContext | None) -> dict:
    """bm25+sim and (with llmdev) llmdev+sim for every weight x top x share asked for; llmdev+sim
    blends into llmdev's scores with its own similar-fixes signal switched off."""
    from similar_fixes import CommitLog, SimilarFixes, bm25_with_similar, llmdev_with_similar

    log = CommitLog()
    rankers = {}
    for weight in args.similar_weight:
        for top in args.similar_top or [SIMILAR_TOP]:
            for share in args.similar_share or [SIMILAR_SHARE]:
                how = SimilarFixes(weight, top, share == "split")
                ranker = bm25_with_similar(strong, log, how)
                rankers[f"bm25+{how.label()}"] = lambda work, files, query, r=ranker: r(work, [f for f in files if is_source(f)], query)
                if llmdev is not None:
                    rankers[f"llmdev+{how.label()}"] = llmdev_with_similar(llmdev, log, how)
    return rankers


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", required=True, choices=sorted(REPOSITORIES), help=f"which repositories: tuning, or a held-out set ({', '.join(s for s in REPOSITORIES if s != TUNING)})")
    parser.add_argument("--only", action="append", help="run only this repository of the set (repeatable)")
    parser.add_argument("--mirror", default="/work/.mirror", help="where the git directories are")
    parser.add_argument("--git-dir", action="append", default=[], help="NAME=GIT_DIR, overriding --mirror for one repository")
    parser.add_argument("--cases", type=int, default=15, help="cases per repository")
    parser.add_argument("--weak-bm25", action="store_true", help="also rank with the old weak BM25, as a reference")
    parser.add_argument("--aider-python", help="python of a venv with aider-chat installed")
    parser.add_argument("--no-llmdev", action="store_true", help="leave llmdev out (to measure a lexical signal quickly)")
    parser.add_argument("--history-weight", type=float, action="append", help="also rank with bm25 + W x BM25 over past commit messages (benchmarks/history.py; repeatable)")
    parser.add_argument("--bm25f-weight", type=float, action="append", help="also rank with BM25F: path + text and a definitions field (signatures, comments, docstrings) weighted W (benchmarks/fields.py; repeatable)")
    parser.add_argument("--similar-weight", type=float, action="append", help="also rank with bm25 + W x the files of similar past fixes, and llmdev + W x the same, each scaled to its best (benchmarks/similar_fixes.py; repeatable)")
    parser.add_argument("--similar-top", type=int, action="append", help=f"how many of the most similar past commits count (repeatable; default {SIMILAR_TOP})")
    parser.add_argument("--similar-share", choices=("split", "whole"), action="append", help=f"split: a commit's similarity is divided among the files it modified; whole: each gets all of it (repeatable; default {SIMILAR_SHARE})")
    parser.add_argument("--llmdev-without-similar", action="store_true", help=f"also rank with llmdev with its similar-fixes signal switched off ({WITHOUT_SIMILAR_RANKER}), paired against every llmdev ranking")
    parser.add_argument("--llmdev-without-stretches", action="store_true", help=f"also rank with llmdev with its best-stretches step switched off ({WITHOUT_STRETCHES_RANKER}), paired against every llmdev ranking")
    parser.add_argument("--llmdev-without-recent", action="store_true", help=f"also rank with llmdev with recency for tasks that name a checker switched off ({WITHOUT_RECENT_RANKER}), paired against every llmdev ranking")
    parser.add_argument("--checker-tasks", action="store_true", help="mine only cases whose first line names a linter, type checker or style check (llmdev's own test, llmdev.code.terms.names_a_checker), among the same newest commits")
    parser.add_argument("--work", default="benchmarks/.work/retrieval", help="where checkouts go")
    parser.add_argument("--json", help="write every case with its rankings here")
    parser.add_argument("--show-heldout-cases", action="store_true", help="allow per-case output for a held-out set")
    args = parser.parse_args()
    chosen = REPOSITORIES[args.set]
    unknown = [n for n in (args.only or []) + [s.partition("=")[0] for s in args.git_dir] if n not in chosen]
    if unknown:
        parser.error(f"not in the {args.set} set: {', '.join(unknown)} (its repositories: {', '.join(chosen)})")
    if args.set != TUNING and args.json and not args.show_heldout_cases:
        parser.error("--json writes held-out cases one by one; held-out results are for confirming, not tuning. Add --show-heldout-cases if you mean it")
    return args


def main() -> None:
    args = parse_args()
    show_cases = args.set == TUNING or args.show_heldout_cases
    overrides = dict(spec.partition("=")[::2] for spec in args.git_dir)
    rankers = build_rankers(args)
    cases: list[Case] = []
    heads: dict[str, str] = {}
    for name, (slug, _language) in REPOSITORIES[args.set].items():
        if args.only and name not in args.only:
            continue
        git_dir = Path(overrides[name]) if name in overrides else find_git_dir(Path(args.mirror), name, slug)
        heads[name] = git(git_dir, "rev-parse", "HEAD").strip()
        cases += run_repo(name, git_dir, args, rankers, show_cases)
    print(report(args.set, heads, cases, list(rankers)))
    if args.json:
        Path(args.json).write_text(json.dumps([c.__dict__ for c in cases], indent=1))


if __name__ == "__main__":
    main()
