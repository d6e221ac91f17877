"""benchmarks/similar_fixes.py (files of similar past fixes) and the heldout2 set of benchmarks/retrieval.py."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

from tests.benchmarks.test_retrieval import retrieval, run_cli
from tests.gitrepo import GitRepo

import lexical  # noqa: E402  (on sys.path once retrieval.py is loaded)
import similar_fixes  # noqa: E402


@pytest.fixture
def history(tmp_path: Path) -> GitRepo:
    repo = GitRepo.create(tmp_path / "repo", {"pool.py": "def acquire():\n    pass\n", "retry.py": "def again():\n    pass\n", "cli.py": "def main():\n    pass\n"})
    repo.write("pool.py", "def acquire():\n    return 1\n")
    repo.commit("Fix the timeout when the pool is exhausted")
    repo.write("pool.py", "def acquire():\n    return 2\n")
    repo.write("retry.py", "def again():\n    return 2\n")
    repo.write("cli.py", "def main():\n    return 2\n")
    repo.commit("Fix timeout handling in retries and the command line")
    repo.write("cli.py", "def main():\n    return 3\n")
    repo.commit("Add a --verbose flag")
    return repo


def test_files_of_the_most_similar_commits_score_by_their_similarity(history: GitRepo) -> None:
    commits = similar_fixes.past_commits(history.root)
    assert [c.paths for c in commits][:3] == [("cli.py",), ("cli.py", "pool.py", "retry.py"), ("pool.py",)]
    whole = similar_fixes.similar_fix_scores(commits, "pool timeout", top=10, split=False)
    assert max(whole, key=whole.__getitem__) == "pool.py"
    assert whole["retry.py"] == whole["cli.py"] > 0
    assert len(whole) == 3
    only_best = similar_fixes.similar_fix_scores(commits, "pool timeout", top=1, split=False)
    assert set(only_best) == {"pool.py"}
    split = similar_fixes.similar_fix_scores(commits, "pool timeout", top=10, split=True)
    assert split["retry.py"] == pytest.approx(whole["retry.py"] / 3)
    assert similar_fixes.similar_fix_scores(commits, "unrelated words", top=10, split=False) == {}


def test_only_commits_before_the_checkout_count(history: GitRepo) -> None:
    history.git("checkout", "-q", "HEAD~2")
    log = similar_fixes.CommitLog()
    assert [c.paths for c in log.at(history.root)][0] == ("pool.py",)
    assert not any("verbose" in c.terms for c in log.at(history.root))


def test_bm25_with_similar_fixes_lifts_a_file_past_fixes_changed(history: GitRepo) -> None:
    files = ["cli.py", "pool.py", "retry.py"]
    strong = lexical.strong_bm25()
    assert strong.rank(history.root, files, "timeout again") == ["retry.py"]
    plain = similar_fixes.bm25_with_similar(strong, similar_fixes.CommitLog(), similar_fixes.SimilarFixes(0.0, 10, False))
    assert plain(history.root, files, "timeout again") == ["retry.py"]
    lifted = similar_fixes.bm25_with_similar(strong, similar_fixes.CommitLog(), similar_fixes.SimilarFixes(1.0, 10, False))
    assert lifted(history.root, files, "timeout again") == ["retry.py", "pool.py", "cli.py"]
    assert lifted(history.root, ["retry.py"], "timeout again") == ["retry.py"]


def test_blend_scales_each_side_to_its_best() -> None:
    blended = similar_fixes.blend_scaled({"a": 10.0, "b": 5.0}, {"b": 2.0, "c": 1.0}, 0.5)
    assert blended == {"a": 1.0, "b": 1.0, "c": 0.25}
    assert similar_fixes.blend_scaled({"a": 3.0}, {}, 1.0) == {"a": 1.0}


class ScoredContext:
    """Stands in for llmdev context: fixed scores for any task."""

    def __init__(self, scores: dict[str, float]) -> None:
        self.scores = scores

    def scored(self, work: Path, query: str) -> dict[str, float]:
        return self.scores


def test_llmdev_with_similar_fixes_blends_the_scaled_scores(history: GitRepo) -> None:
    args = argparse.Namespace(similar_weight=[2.0], similar_top=None, similar_share=["whole"])
    llmdev = ScoredContext({"cli.py": 4.0, "retry.py": 1.0})
    rankers = retrieval.similar_rankers(args, lexical.strong_bm25(), llmdev)
    assert set(rankers) == {"bm25+sim(2,10)", "llmdev+sim(2,10)"}
    assert rankers["llmdev+sim(2,10)"](history.root, ["cli.py", "pool.py", "retry.py"], "pool timeout") == ["pool.py", "cli.py", "retry.py"]
    assert rankers["llmdev+sim(2,10)"](history.root, ["cli.py"], "pool timeout") == ["cli.py", "retry.py"]


def test_the_second_heldout_set_is_new_and_broad_enough() -> None:
    sets = retrieval.REPOSITORIES
    fresh = sets["heldout2"]
    before = sets["tuning"] | sets["heldout"]
    assert not set(fresh) & set(before)
    assert not {slug for slug, _ in fresh.values()} & {slug for slug, _ in before.values()}
    assert len(fresh) >= 8 and len({language for _, language in fresh.values()}) >= 4
    assert "rails" in fresh


def test_heldout2_cases_are_not_written_unless_asked_and_other_sets_are_refused(tmp_path: Path) -> None:
    done = run_cli("--set", "heldout2", "--json", str(tmp_path / "out.json"), "--mirror", str(tmp_path))
    assert done.returncode == 2 and "--show-heldout-cases" in done.stderr
    assert not (tmp_path / "out.json").exists()
    done = run_cli("--set", "heldout2", "--only", "sympy", "--mirror", str(tmp_path))
    assert done.returncode == 2 and "not in the heldout2 set: sympy" in done.stderr


# Repositories of /work/scale (benchmarks/scale.py's monorepo and single repositories), besides the sets.
SCALE_REPOSITORIES = {"moby/moby", "sympy/sympy", "rails/rails", "pallets/click", "spf13/cobra", "google/gson", "encode/httpx", "psf/requests"}


@pytest.mark.parametrize(("name", "large", "slug"), [
    ("heldout3", "netty", "netty/netty"), ("heldout4", "laravel", "laravel/framework"),
    ("heldout5", "terraform", "hashicorp/terraform"), ("heldout5", "nushell", "nushell/nushell"),
    ("heldout6", "prisma", "prisma/prisma"), ("heldout6", "maven", "apache/maven"),
    ("heldout7", "astro", "withastro/astro"), ("heldout7", "bevy", "bevyengine/bevy"), ("heldout7", "symfony", "symfony/symfony"),
])
def test_each_later_heldout_set_is_new_and_broad_enough(name: str, large: str, slug: str) -> None:
    sets = retrieval.REPOSITORIES
    fresh = sets[name]
    before = {n: s for other, members in sets.items() if other != name for n, s in members.items()}
    assert not set(fresh) & set(before)
    assert not {s for s, _ in fresh.values()} & ({s for s, _ in before.values()} | SCALE_REPOSITORIES)
    assert len(fresh) >= 8 and len({language for _, language in fresh.values()}) >= 4
    assert fresh[large][0] == slug  # the large ones: netty 2,444, laravel 1,683, terraform 1,301, nushell 1,454, prisma 1,863, maven 1,584, astro 1,088, bevy 1,775, symfony 5,302 non-test source files


def test_heldout3_cases_are_not_written_unless_asked_and_other_sets_are_refused(tmp_path: Path) -> None:
    done = run_cli("--set", "heldout3", "--json", str(tmp_path / "out.json"), "--mirror", str(tmp_path))
    assert done.returncode == 2 and "--show-heldout-cases" in done.stderr
    assert not (tmp_path / "out.json").exists()
    for other in ("flask", "sympy", "click"):
        done = run_cli("--set", "heldout3", "--only", other, "--mirror", str(tmp_path))
        assert done.returncode == 2 and f"not in the heldout3 set: {other}" in done.stderr
    done = run_cli("--set", "heldout3", "--git-dir", f"rails={tmp_path}", "--mirror", str(tmp_path))
    assert done.returncode == 2 and "not in the heldout3 set: rails" in done.stderr


def test_a_heldout3_run_names_no_case_unless_asked(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "bat", {"src/pool.rs": "fn acquire() {}\n", "src/cli.rs": "fn main() {}\n"})
    repo.write("src/pool.rs", "fn acquire() { wait(); }\n")
    fix = repo.commit("Fix the pool timeout")
    repo.write("README.md", "later\n")
    repo.commit("A later commit: the snapshot")
    common = ("--set", "heldout3", "--only", "bat", "--git-dir", f"bat={repo.root}", "--no-llmdev", "--cases", "1")
    done = run_cli(*common, "--work", str(tmp_path / "work"))
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip() == "bat 1/1" and fix[:10] not in done.stdout and "src/pool.rs" not in done.stdout
    assert "set: heldout3" in done.stdout and "bm25" in done.stdout
    shown = run_cli(*common, "--work", str(tmp_path / "work"), "--show-heldout-cases")
    assert fix[:10] in shown.stderr and "src/pool.rs" in shown.stderr


def test_the_signal_is_paired_against_llmdev_without_it() -> None:
    rankers = ["llmdev", "bm25", "llmdev-nosim", "bm25+sim(0.5,10)", "llmdev+sim(0.5,10)"]
    assert retrieval.pairs(rankers) == [
        ("llmdev", "bm25"), ("llmdev-nosim", "bm25"), ("bm25+sim(0.5,10)", "bm25"), ("llmdev+sim(0.5,10)", "bm25"),
        ("llmdev", "llmdev-nosim"), ("llmdev+sim(0.5,10)", "llmdev-nosim"),
    ]
    assert retrieval.pairs(["llmdev", "bm25"]) == [("llmdev", "bm25")]
    assert retrieval.pairs(["llmdev", "bm25", "llmdev-nosim", "llmdev-noseg"]) == [
        ("llmdev", "bm25"), ("llmdev-nosim", "bm25"), ("llmdev-noseg", "bm25"), ("llmdev", "llmdev-nosim"), ("llmdev", "llmdev-noseg"),
    ]


def test_llmdev_without_similar_switches_only_that_signal_off(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo", {
        "pool.py": "def acquire():\n    return 1\n",
        "cli.py": "def main():\n    return 1\n",
        "queue.py": "def pool_size():\n    return 1\n",
    })
    repo.write("pool.py", "def acquire():\n    return 2\n")
    repo.write("cli.py", "def main():\n    return 2\n")
    repo.commit("Exhausted connection pool")
    shipped = retrieval.scored_llmdev(repo.root, "connection pool exhausted")
    without = retrieval.scored_llmdev(repo.root, "connection pool exhausted", without="llmdev-nosim")
    assert shipped["cli.py"] / max(shipped.values()) > without["cli.py"] / max(without.values())
    assert shipped["pool.py"] / max(shipped.values()) > without["pool.py"] / max(without.values())
    assert set(shipped) == set(without)


def test_llmdev_without_stretches_switches_only_that_step_off(tmp_path: Path) -> None:
    from tests.code.test_rank import STRETCH_FILES

    repo = GitRepo.create(tmp_path / "repo", STRETCH_FILES)
    shipped = retrieval.scored_llmdev(repo.root, "retry the upload")
    without = retrieval.scored_llmdev(repo.root, "retry the upload", without="llmdev-noseg")
    assert list(shipped) == ["app/focused.py", "app/spread.py"] and list(without) == ["app/spread.py", "app/focused.py"]
