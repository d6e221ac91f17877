"""llmdev's ranking under other constants, in-process: which weight is better, paired case by case.

For each case of benchmarks/retrieval.py (same repositories, same cases, same checkouts) it loads
llmdev's index once and ranks with `llmdev.code.rank.rank_files` under every variant, each a set
of the module's constants (`--variant graph0=GRAPH_WEIGHT:0`); `current` is the module as it
stands. Scoring is retrieval.py's main table (rankings cut to non-test source files); each
variant is reported as its mean and its paired difference from `current` with a 95% bootstrap
interval. It ranks with rank_files directly, not `llmdev context`, so its numbers can differ a
little from retrieval.py's llmdev rows (an index refreshed across checkouts is not always
identical to one built fresh); a choice it suggests is confirmed with retrieval.py.

The rules of retrieval.py hold: choose on `--set tuning`, or on `--set spent` (the held-out sets
that have had their final run, joined: retrieval.SPENT); a fresh held-out set prints the summary
only (no cases, no --json) and is run once per configuration chosen, to confirm it. `--with-bm25`
adds the strong baseline as a row, so a development run shows where llmdev stands against it.

    python benchmarks/rank_variants.py --set tuning --variant g0=GRAPH_WEIGHT:0 --variant g2=GRAPH_WEIGHT:0.2
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bootstrap import mean, paired_interval  # noqa: E402
from retrieval import METRICS, REPOSITORIES, SPENT, Case, case_scores, checkout, find_git_dir, is_source, listed_files, mine_cases  # noqa: E402

CURRENT = "current"
BASELINE = "bm25"
# The sets a choice may be made on: the tuning set, and the held-out sets that have had their final
# run (docs/benchmarks.md says when each was spent); a fresh held-out set only confirms.
DEVELOPMENT = {"tuning": REPOSITORIES["tuning"], "spent": {name: repo for s in SPENT for name, repo in REPOSITORIES[s].items()}}


def parse_variant(spec: str, module: object) -> tuple[str, dict[str, float]]:
    """`NAME=CONST:VALUE,CONST:VALUE` -> (NAME, {CONST: VALUE}); the constants must exist in `module`."""
    name, _, body = spec.partition("=")
    if not name or not body or name == CURRENT:
        raise ValueError(f"a variant is NAME=CONSTANT:VALUE[,CONSTANT:VALUE] with a NAME other than {CURRENT!r}, not {spec!r}")
    settings = {}
    for pair in body.split(","):
        constant, _, value = pair.partition(":")
        if not constant.isupper() or not isinstance(getattr(module, constant, None), (int, float)):
            raise ValueError(f"{constant!r} is not a numeric constant of {getattr(module, '__name__', module)}")
        settings[constant] = type(getattr(module, constant))(float(value))
    return name, settings


def rank_case(work: Path, query: str, variants: dict[str, dict[str, float]]) -> tuple[dict[str, list[str]], dict[str, float]]:
    """Each variant's ranking of the checkout in `work` for `query`, and its seconds."""
    from llmdev.code import rank
    from llmdev.code.index import load_index
    from llmdev.repo.discovery import open_repository
    from llmdev.repo.files import text_reader

    repo = open_repository(work)
    index = load_index(repo, show_progress=False)
    read = text_reader(repo)  # as `llmdev context` reads them: the best stretches count
    index.history()  # read once per checkout, before the clock starts: every variant shares it
    defaults = {constant: getattr(rank, constant) for settings in variants.values() for constant in settings}
    rankings, seconds = {}, {}
    try:
        for name, settings in variants.items():
            for constant, value in (defaults | settings).items():
                setattr(rank, constant, value)
            started = time.perf_counter()
            rankings[name] = [path for path, _ in rank.rank_files(index, query, read=read).scores]
            seconds[name] = time.perf_counter() - started
    finally:
        for constant, value in defaults.items():
            setattr(rank, constant, value)
    return rankings, seconds


def report(cases: list[Case], variants: list[str]) -> list[str]:
    """Per repository and overall: each variant's mean and its paired difference from `current`."""
    lines = ["mean, then difference from current [95% paired bootstrap interval]; * = the interval excludes 0"]
    groups = sorted({c.repo for c in cases}) + ["ALL"]
    for metric in METRICS:
        lines.append(f"== {metric}")
        for group in groups:
            chosen = [c for c in cases if group in ("ALL", c.repo)]
            base = [case_scores(c, CURRENT, True)[metric] for c in chosen]
            row = f"{group:<9}{len(chosen):>4}  {CURRENT} {mean(base):.3f}"
            for variant in variants:
                values = [case_scores(c, variant, True)[metric] for c in chosen]
                low, high = paired_interval(values, base)
                flag = "*" if low > 0 or high < 0 else " "
                row += f"   {variant} {mean(values):.3f} {mean(values) - mean(base):+.3f} [{low:+.2f},{high:+.2f}]{flag}"
            lines.append(row)
    for variant in [CURRENT, *variants]:
        seconds = sorted(c.seconds[variant] for c in cases if variant in c.seconds)
        if seconds:
            lines.append(f"{variant}: rank_files median {seconds[len(seconds) // 2] * 1000:.1f} ms, max {seconds[-1] * 1000:.1f} ms")
    return lines


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", required=True, choices=sorted(REPOSITORIES) + ["spent"], help="tuning, spent (the held-out sets already run: " + ", ".join(SPENT) + "), or a fresh held-out set (summary only)")
    parser.add_argument("--only", action="append", help="run only this repository of the set (repeatable)")
    parser.add_argument("--with-bm25", action="store_true", help="also rank with the strong baseline and report it as a row (compared with current like a variant)")
    parser.add_argument("--variant", action="append", required=True, help="NAME=CONSTANT:VALUE[,CONSTANT:VALUE] of llmdev.code.rank (repeatable)")
    parser.add_argument("--mirror", default="/work/.mirror", help="where the git directories are")
    parser.add_argument("--cases", type=int, default=15, help="cases per repository")
    parser.add_argument("--work", default="benchmarks/.work/retrieval", help="where checkouts go")
    parser.add_argument("--json", help="write every case with its rankings here (tuning and spent sets only)")
    args = parser.parse_args()
    if args.json and not may_write_cases(args.set):
        parser.error(f"held-out results are for confirming a choice, not for tuning: no --json with --set {args.set}")
    unknown = [name for name in args.only or [] if name not in repositories(args.set)]
    if unknown:
        parser.error(f"not in the {args.set} set: {', '.join(unknown)}")
    return args


def may_write_cases(set_name: str) -> bool:
    """Cases are written one by one only for a set a choice may be made on: tuning, spent, or a
    held-out set that has had its final run."""
    return set_name in DEVELOPMENT or set_name in SPENT


def repositories(set_name: str) -> dict[str, tuple[str, str]]:
    """name -> (GitHub owner/name, language) of a set of retrieval.py, or of `spent`."""
    return DEVELOPMENT.get(set_name) or REPOSITORIES[set_name]


def main() -> None:
    from llmdev.code import rank

    args = parse_args()
    try:
        variants = {CURRENT: {}} | dict(parse_variant(spec, rank) for spec in args.variant)
    except ValueError as exc:
        raise SystemExit(str(exc)) from None
    strong = None
    if args.with_bm25:
        from lexical import strong_bm25

        strong = strong_bm25()
    cases: list[Case] = []
    for name, (slug, _language) in repositories(args.set).items():
        if args.only and name not in args.only:
            continue
        git_dir = find_git_dir(Path(args.mirror), name, slug)
        for case in mine_cases(name, git_dir, args.cases):
            work = Path(args.work) / name
            checkout(work, git_dir, case.parent)
            case.rankings, case.seconds = rank_case(work, case.query, variants)
            if strong is not None:
                case.rankings[BASELINE] = strong.rank(work, [f for f in listed_files(work) if is_source(f)], case.query)
            cases.append(case)
            print(f"{name} {len(cases)}", file=sys.stderr, flush=True)
    shown = [v for v in variants if v != CURRENT] + ([BASELINE] if strong is not None else [])
    print("\n".join([f"set: {args.set}", *report(cases, shown)]))
    if args.json:
        Path(args.json).write_text(json.dumps([c.__dict__ for c in cases], indent=1))


if __name__ == "__main__":
    main()
