"""benchmarks/retrieval.py and its helpers: the strong BM25, the bootstrap intervals, case mining, the two sets."""

from __future__ import annotations

import argparse
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.gitrepo import GitRepo

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "retrieval.py"
spec = importlib.util.spec_from_file_location("retrieval_benchmark", SCRIPT)
assert spec is not None and spec.loader is not None
retrieval = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = retrieval  # dataclasses look their module up there
spec.loader.exec_module(retrieval)

import bootstrap  # noqa: E402  (on sys.path once retrieval.py is loaded)
import lexical  # noqa: E402


def test_identifiers_are_kept_whole_and_split_on_snake_and_camel_case() -> None:
    terms = lexical.identifier_terms("parseHTTPResponse_v2(the_value)")
    assert terms[:5] == ["parsehttpresponse_v2", "parse", "http", "response", "v2"]
    assert "the_value" in terms and "value" in terms and "the" not in terms


def test_plain_words_do_not_split_identifiers() -> None:
    assert lexical.plain_words("parseHTTPResponse the_value") == ["parsehttpresponse", "the_value"]


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    files = {
        "src/config_loader.py": "def load(path):\n    return read(path)\n",
        "src/server.py": "def serve():\n    handler = makeRequestHandler()\n    return handler\n",
        "src/util.py": "# helpers\ndef noop():\n    pass\n",
    }
    for path, text in files.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    return tmp_path


def test_strong_bm25_finds_a_file_by_its_path_and_by_camel_case_parts(tree: Path) -> None:
    files = ["src/config_loader.py", "src/server.py", "src/util.py"]
    strong, weak = lexical.strong_bm25(), lexical.weak_bm25()
    assert strong.rank(tree, files, "the config is not loaded")[0] == "src/config_loader.py"
    assert strong.rank(tree, files, "request handler crashes")[0] == "src/server.py"
    assert weak.rank(tree, files, "config request") == []


def test_bm25_prefers_the_rarer_term_and_breaks_ties_by_path(tmp_path: Path) -> None:
    for name, text in {"b.py": "alpha beta\n", "a.py": "alpha beta\n", "c.py": "alpha gamma\n"}.items():
        (tmp_path / name).write_text(text)
    bm25 = lexical.strong_bm25()
    assert bm25.rank(tmp_path, ["b.py", "a.py", "c.py"], "alpha beta") == ["a.py", "b.py", "c.py"]
    assert bm25.rank(tmp_path, ["b.py", "a.py", "c.py"], "alpha gamma")[0] == "c.py"


def test_intervals_repeat_and_contain_the_mean() -> None:
    values = [0.0, 1.0, 1.0, 0.5, 0.0, 1.0, 0.25, 1.0]
    low, high = bootstrap.interval(values)
    assert (low, high) == bootstrap.interval(values)
    assert low < bootstrap.mean(values) < high
    assert bootstrap.interval([0.5] * 10) == (0.5, 0.5)


def test_paired_difference_resamples_cases_together() -> None:
    a = [0.1 * i for i in range(20)]
    assert bootstrap.paired_interval(a, a) == (0.0, 0.0)
    low, high = bootstrap.paired_interval([x + 0.2 for x in a], a)
    assert low == pytest.approx(0.2) and high == pytest.approx(0.2)
    assert bootstrap.interval(a)[1] - bootstrap.interval(a)[0] > 0.3
    with pytest.raises(ValueError, match="differ in length"):
        bootstrap.paired_interval([1.0], [1.0, 2.0])


def test_tuning_and_heldout_sets_are_apart_and_broad_enough() -> None:
    tuning, heldout = retrieval.REPOSITORIES["tuning"], retrieval.REPOSITORIES["heldout"]
    assert not set(tuning) & set(heldout)
    assert not {slug for slug, _ in tuning.values()} & {slug for slug, _ in heldout.values()}
    everything = tuning | heldout
    assert len(everything) >= 8
    assert len({language for _, language in everything.values()}) >= 4
    assert "sympy" in heldout


def test_case_scores_count_recall_and_reciprocal_rank() -> None:
    case = retrieval.Case("r", "c", "p", "fix it", ["a.py", "b.py"])
    case.rankings["x"] = ["tests/test_a.py", "CHANGES.md", "z.py", "a.py"] + [f"f{i}.py" for i in range(10)] + ["b.py"]
    assert retrieval.case_scores(case, "x", answerable_only=False) == {"R@1": 0.0, "R@5": 0.5, "R@10": 0.5, "MRR": 0.25}
    assert retrieval.case_scores(case, "x", answerable_only=True)["MRR"] == 0.5


def test_the_baseline_ranks_source_files_only(tree: Path) -> None:
    (tree / "CHANGES.md").write_text("config loader config loader config loader\n")
    args = argparse.Namespace(no_llmdev=True, weak_bm25=True, aider_python=None, history_weight=None, bm25f_weight=None, similar_weight=None)
    rankers = retrieval.build_rankers(args)
    files = ["CHANGES.md", "src/config_loader.py", "src/server.py"]
    assert rankers["bm25"](tree, files, "config loader") == ["src/config_loader.py"]
    assert rankers["bm25-words"](tree, files, "config loader") == ["CHANGES.md"]


def test_mined_cases_are_fix_commits_that_modify_existing_source_files(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo", {"app/core.py": "x = 1\n", "app/other.py": "y = 1\n"})
    repo.write("app/core.py", "x = 2\n")
    repo.write("tests/test_core.py", "def test(): pass\n")
    fixed = repo.commit("Fix the crash in core when x is two")
    repo.write("app/new.py", "z = 1\n")
    repo.commit("fix: add a module")  # adds a source file: not a case
    repo.write("app/other.py", "y = 2\n")
    repo.commit("Make other faster")  # not a fix
    cases = retrieval.mine_cases("repo", repo.root, count=5)
    assert [(c.commit, c.answer) for c in cases] == [(fixed, ["app/core.py"])]
    assert cases[0].query == "Fix the crash in core when x is two"


def test_checker_tasks_are_mined_by_the_first_line_of_their_message(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "repo", {"app/core.py": "x = 1\n", "app/other.py": "y = 1\n"})
    repo.write("app/core.py", "x = 2\n")
    linted = repo.commit("Fix CS/WS issues")
    repo.write("app/other.py", "y = 2\n")
    repo.commit("Fix the crash in other\n\nFound while running mypy.")  # a checker named below the first line only
    cases = retrieval.mine_cases("repo", repo.root, count=5, keep=retrieval.names_a_checker)
    assert [(c.commit, c.answer) for c in cases] == [(linted, ["app/core.py"])]
    assert len(retrieval.mine_cases("repo", repo.root, count=5)) == 2


class _Ranked:
    def __init__(self, ranking: list[str]) -> None:
        self.ranking, self.asked = ranking, 0

    def rank(self, work: Path, files: list[str], query: str) -> list[str]:
        self.asked += 1
        return self.ranking


def test_llmdev_without_recency_runs_again_only_for_checker_tasks(tmp_path: Path) -> None:
    shipped, switched_off = _Ranked(["a.py"]), _Ranked(["b.py"])
    rank = retrieval.without_recent(shipped, switched_off)  # type: ignore[arg-type]
    assert rank(tmp_path, [], "Fix the crash in the loader\n\nmypy found it") == ["a.py"]
    assert rank(tmp_path, [], "fix mypy findings") == ["b.py"]
    assert (shipped.asked, switched_off.asked) == (1, 1)


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(SCRIPT), *args], capture_output=True, text=True)


def test_heldout_cases_are_not_written_unless_asked(tmp_path: Path) -> None:
    done = run_cli("--set", "heldout", "--json", str(tmp_path / "out.json"), "--mirror", str(tmp_path))
    assert done.returncode == 2 and "--show-heldout-cases" in done.stderr
    assert not (tmp_path / "out.json").exists()


def test_a_repository_of_the_other_set_is_refused(tmp_path: Path) -> None:
    done = run_cli("--set", "tuning", "--only", "sympy", "--mirror", str(tmp_path))
    assert done.returncode == 2 and "not in the tuning set: sympy" in done.stderr


def test_a_missing_git_directory_says_how_to_get_it(tmp_path: Path) -> None:
    done = run_cli("--set", "tuning", "--only", "fd", "--mirror", str(tmp_path))
    assert done.returncode == 1 and "git clone --bare https://github.com/sharkdp/fd" in done.stderr


def test_history_field_ranks_a_file_by_what_its_past_commits_said(tmp_path: Path) -> None:
    import history

    repo = GitRepo.create(tmp_path / "repo", {"app/a.py": "x = 1\n", "app/b.py": "y = 1\n"})
    repo.write("app/b.py", "y = 2\n")
    repo.commit("Handle the empty tokenizer input")
    repo.write("app/a.py", "x = 2  # tokenizer\n")
    repo.commit("Later change, not yet made at the checkout")
    repo.git("checkout", "-q", "HEAD~1")
    files = ["app/a.py", "app/b.py"]
    ranker = history.HistoryBm25(lexical.strong_bm25(), history.HistoryField(), weight=1.0)
    assert lexical.strong_bm25().rank(repo.root, files, "empty tokenizer") == []
    assert ranker.rank(repo.root, files, "empty tokenizer") == ["app/b.py"]


def test_definitions_field_holds_signatures_comments_and_docstrings() -> None:
    import fields

    source = (
        "import os\n\n# Read the header.\n# Tolerate truncation.\ndef parse_header(data):\n"
        '    """Zipfile header.\n\n    More.\n    """\n    body_only = 1\n    return body_only\n'
    )
    text = fields.definitions_text("pkg/reader.py", source)
    assert "Tolerate truncation" in text and "def parse_header(data):" in text and "More." in text
    assert "body_only" not in text and "import os" not in text
    go = fields.definitions_text("pkg/retry.go", "package x\n\n// Retry sends again.\nfunc Retry(n int) error {\n\treturn nil\n}\n")
    assert "Retry sends again" in go and "return nil" not in go


def test_bm25f_weight_lifts_a_file_whose_definitions_hold_the_terms(tmp_path: Path) -> None:
    import fields

    (tmp_path / "defines.py").write_text('def retry_upload():\n    """Retry the upload."""\n    return 1\n')
    (tmp_path / "mentions.py").write_text("# notes\nx = 1\n" + "y = 2\n" * 3 + "retry = upload = None\n")
    strong = lexical.strong_bm25()
    field = fields.DefinitionsField()
    plain = fields.DefinitionsBm25f(strong, field, 0.0)
    weighted = fields.DefinitionsBm25f(strong, field, 2.0)
    files = ["defines.py", "mentions.py"]
    assert plain.rank(tmp_path, files, "retry upload") == strong.rank(tmp_path, files, "retry upload")
    scores = fields.bm25f({p: strong.terms(tmp_path, p) for p in files}, {p: field.terms(tmp_path, p) for p in files}, 2.0, ["retry"])
    plain_scores = fields.bm25f({p: strong.terms(tmp_path, p) for p in files}, {}, 0.0, ["retry"])
    assert scores["defines.py"] > plain_scores["defines.py"] and scores["mentions.py"] < plain_scores["mentions.py"] + 1e-9
    assert weighted.rank(tmp_path, files, "retry upload")[0] == "defines.py"


def _rank_variants():  # type: ignore[no-untyped-def]
    path = SCRIPT.with_name("rank_variants.py")
    spec = importlib.util.spec_from_file_location("rank_variants_benchmark", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_variant_names_numeric_constants_of_the_ranking() -> None:
    from llmdev.code import rank

    variants = _rank_variants()
    assert variants.parse_variant("g0=GRAPH_WEIGHT:0,SEEDS:10", rank) == ("g0", {"GRAPH_WEIGHT": 0.0, "SEEDS": 10})
    for bad in ("g0", "current=GRAPH_WEIGHT:0", "x=GRAPH_WEIGT:0", "x=rank_files:1"):
        with pytest.raises(ValueError):
            variants.parse_variant(bad, rank)


def test_variants_rank_the_same_checkout_and_the_constants_are_restored(tmp_path: Path) -> None:
    from llmdev.code import rank

    files = {"app/parser.py": "def parse_header(data):\n    return helper(data)\n", "app/util.py": "def helper(x):\n    return x\n"}
    repo = GitRepo.create(tmp_path / "repo", files)
    before = rank.GRAPH_WEIGHT
    rankings, seconds = _rank_variants().rank_case(repo.root, "parse header", {"current": {}, "g0": {"GRAPH_WEIGHT": 0.0}})
    assert rank.GRAPH_WEIGHT == before and set(seconds) == {"current", "g0"}
    assert rankings["current"] == ["app/parser.py", "app/util.py"] and rankings["g0"] == ["app/parser.py"]


def test_variants_write_cases_only_for_sets_a_choice_may_be_made_on(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    variants = _rank_variants()
    assert variants.may_write_cases("tuning") and variants.may_write_cases("spent") and variants.may_write_cases("heldout3")
    monkeypatch.setattr(variants, "SPENT", ("heldout", "heldout2", "heldout3"))  # before heldout4's run
    assert not variants.may_write_cases("heldout4") and variants.may_write_cases("heldout2")


def test_the_spent_sets_serve_to_choose_and_only_they_are_joined() -> None:
    variants = _rank_variants()
    spent = variants.DEVELOPMENT["spent"]
    assert set(spent) == {name for s in retrieval.SPENT for name in retrieval.REPOSITORIES[s]}
    assert set(retrieval.REPOSITORIES) == {"tuning", *retrieval.SPENT}  # every held-out set has had its run
    assert not set(spent) & set(retrieval.REPOSITORIES["tuning"])


def test_variants_on_a_spent_repository_write_their_cases_with_the_baseline(tmp_path: Path) -> None:
    repo = GitRepo.create(tmp_path / "mirror" / "bat", {"src/pool.rs": "fn acquire() {}\n", "src/cli.rs": "fn main() {}\n"})
    repo.write("src/pool.rs", "fn acquire() { wait(); }\n")
    repo.commit("Fix the pool timeout when acquire waits")
    repo.write("README.md", "later\n")
    repo.commit("A later commit: the snapshot")
    out = tmp_path / "cases.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT.with_name("rank_variants.py")), "--set", "spent", "--only", "bat", "--with-bm25", "--cases", "1",
         "--mirror", str(tmp_path / "mirror"), "--work", str(tmp_path / "work"), "--variant", "g0=GRAPH_WEIGHT:0", "--json", str(out)],
        capture_output=True, text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "set: spent" in done.stdout and " bm25 " in done.stdout and " g0 " in done.stdout
    (case,) = json.loads(out.read_text())
    assert case["answer"] == ["src/pool.rs"] and set(case["rankings"]) == {"current", "g0", "bm25"}
    assert case["rankings"]["bm25"][0] == "src/pool.rs"


def test_variants_refuse_a_repository_outside_the_set(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT.with_name("rank_variants.py")), "--set", "spent", "--only", "click", "--variant", "g0=GRAPH_WEIGHT:0", "--mirror", str(tmp_path)],
        capture_output=True, text=True,
    )
    assert done.returncode == 2 and "not in the spent set: click" in done.stderr


def _without_blob(repo: GitRepo, path: str) -> None:
    """Delete the loose object of `path`'s blob, as a snapshot that lacks its largest files does."""
    blob = repo.git("rev-parse", f"HEAD:{path}").strip()
    (repo.root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()


def test_a_checkout_goes_on_without_blobs_the_snapshot_lacks_unless_one_could_be_an_answer(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    repo = GitRepo.create(tmp_path / "mirror", {"src/app.py": "def run():\n    return 1\n", "tests/ref/grid.json": "[1, 2, 3]\n"})
    commit = repo.git("rev-parse", "HEAD").strip()
    _without_blob(repo, "tests/ref/grid.json")
    retrieval.checkout(tmp_path / "work", repo.root, commit)
    assert (tmp_path / "work" / "src" / "app.py").read_text() == "def run():\n    return 1\n"
    assert "1 file(s) missing from the snapshot" in capsys.readouterr().err
    repo.write("src/app.py", "def run():\n    return 2\n")
    repo.commit("Fix run")
    source = repo.git("rev-parse", "HEAD").strip()
    _without_blob(repo, "src/app.py")
    with pytest.raises(subprocess.CalledProcessError):
        retrieval.checkout(tmp_path / "work", repo.root, source)


def test_llmdev_ranking_goes_on_past_the_files_shown_into_the_candidates(tmp_path: Path) -> None:
    tests = {f"tests/test_upload_retry_{i}.py": f"def test_upload_retry_{i}():\n    upload(retry=True)\n" for i in range(30)}
    repo = GitRepo.create(tmp_path / "repo", tests | {"src/transfer.py": "def send():\n    return 'upload'\n"})
    listed = json.loads(subprocess.run(
        [sys.executable, "-m", "llmdev", "--quiet", "context", "upload retry", "--json", "--budget", "200000"],
        cwd=repo.root, capture_output=True, text=True, check=True,
    ).stdout)
    shown = [f["path"] for f in listed["files"]]
    ranked = retrieval.scored_llmdev(repo.root, "upload retry")
    assert len(shown) == 25 and "src/transfer.py" not in shown
    assert list(ranked)[:25] == shown and list(ranked)[-1] == "src/transfer.py" and len(ranked) == 31
    assert list(ranked.values()) == sorted(ranked.values(), reverse=True)
