"""The persistent index: reuse by blob SHA, branch switches, damaged caches, parallel builds."""

from __future__ import annotations

import itertools
import multiprocessing
import sqlite3
from pathlib import Path

import pytest

from llmdev.code import build
from llmdev.code.index import load_index, parse_source
from llmdev.code.store import BlobStore, store_path
from llmdev.code.tags import ParsedFile


def test_index_answers_tags_definitions_references_enclosing(sample) -> None:  # type: ignore[no-untyped-def]
    index = load_index(sample.open(), show_progress=False)
    assert "app/config.py" in index.files() and "README.md" in index.files()
    assert [(p, t.kind) for p, t in index.definitions("load_settings")] == [("app/config.py", "function")]
    assert ("app/server.py", 6) in index.references("load_settings")
    enclosing = index.enclosing("app/server.py", 6)
    assert enclosing is not None and (enclosing.name, enclosing.kind) == ("__init__", "method")
    assert index.enclosing("app/server.py", 1) is None
    assert index.tags("README.md") == []
    assert index.tags("no/such/file.py") == []


def test_second_load_parses_nothing(sample) -> None:  # type: ignore[no-untyped-def]
    first = load_index(sample.open(), show_progress=False)
    assert first.stats.parsed_files == first.stats.files == 6
    second = load_index(sample.open(), show_progress=False)
    assert second.stats.parsed_files == 0
    assert [t.name for _, t in second.definitions("HttpServer")] == ["HttpServer"]
    assert store_path(sample.open().common_dir) == sample.root / ".git" / "llmdev" / "index.sqlite"


def test_branch_switch_reuses_parsed_blobs(sample) -> None:  # type: ignore[no-untyped-def]
    load_index(sample.open(), show_progress=False)
    sample.git("checkout", "-q", "-b", "feature")
    sample.write("app/config.py", "def load_settings(path, strict=False):\n    return {}\n")
    sample.commit("feature")
    on_feature = load_index(sample.open(), show_progress=False)
    assert on_feature.stats.parsed_files == 1
    assert on_feature.tags("app/config.py")[0].signature == "def load_settings(path, strict=False):"
    sample.git("checkout", "-q", "main")
    back = load_index(sample.open(), show_progress=False)
    assert back.stats.parsed_files == 0
    assert any(t.name == "ConfigError" for t in back.tags("app/config.py"))


def test_uncommitted_edits_are_indexed(sample) -> None:  # type: ignore[no-untyped-def]
    load_index(sample.open(), show_progress=False)
    sample.write("app/cli.py", "def main():\n    pass\n\ndef extra_command():\n    pass\n")
    index = load_index(sample.open(), show_progress=False)
    assert index.stats.parsed_files == 1
    assert [p for p, _ in index.definitions("extra_command")] == ["app/cli.py"]


def test_corrupted_cache_is_rebuilt(sample) -> None:  # type: ignore[no-untyped-def]
    load_index(sample.open(), show_progress=False)
    path = store_path(sample.open().common_dir)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    index = load_index(sample.open(), show_progress=False)
    assert index.stats.parsed_files == 6
    assert any("rebuil" in note for note in index.store.notes)
    assert load_index(sample.open(), show_progress=False).stats.parsed_files == 0


def test_incompatible_cache_version_is_rebuilt(sample) -> None:  # type: ignore[no-untyped-def]
    load_index(sample.open(), show_progress=False)
    path = store_path(sample.open().common_dir)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = 'from-another-version' WHERE key = 'fingerprint'")
    assert load_index(sample.open(), show_progress=False).stats.parsed_files == 6


def test_damaged_rows_count_as_missing(sample) -> None:  # type: ignore[no-untyped-def]
    load_index(sample.open(), show_progress=False)
    path = store_path(sample.open().common_dir)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE blobs SET head = x'00ff', tail = x'00'")
        db.execute("DELETE FROM summaries")
    index = load_index(sample.open(), show_progress=False)
    assert index.definitions("load_settings") == []  # rows unreadable: no tags, but no crash
    rebuilt = load_index(sample.open(), show_progress=False, rebuild=True)
    assert rebuilt.stats.parsed_files == 6 and rebuilt.definitions("load_settings")


def test_store_falls_back_to_user_cache_dir(tmp_path: Path, isolated_env: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    path = store_path(not_a_dir)
    assert path.parent == isolated_env / "cache" / "index"
    store = BlobStore(path)
    assert store.stats().blobs == 0


def _build_in_child(root: str, queue: "multiprocessing.Queue[int]") -> None:
    from llmdev.repo.discovery import open_repository

    index = load_index(open_repository(Path(root)), show_progress=False)
    queue.put(len(index.files()))


def test_concurrent_builds_do_not_corrupt_the_store(sample) -> None:  # type: ignore[no-untyped-def]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    children = [context.Process(target=_build_in_child, args=(str(sample.root), queue)) for _ in range(3)]
    for child in children:
        child.start()
    for child in children:
        child.join(timeout=120)
    assert sorted(queue.get(timeout=5) for _ in children) == [6, 6, 6]
    with sqlite3.connect(store_path(sample.open().common_dir)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert load_index(sample.open(), show_progress=False).stats.parsed_files == 0


def test_cold_build_in_a_process_pool(make_repo, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    files = {f"pkg/mod{i}.py": f"def function_{i}(x):\n    return helper_{i % 3}(x)\n" for i in range(60)}
    files.update({f"pkg/helpers{i}.py": f"def helper_{i}(x):\n    return x\n" for i in range(3)})
    repo = make_repo(files)
    monkeypatch.setattr(build, "PARALLEL_MIN_BYTES", 0)
    monkeypatch.setattr(build, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(build, "BATCH_BYTES", 200)
    index = load_index(repo.open(), show_progress=False)
    assert index.stats.parsed_files == 63
    assert len(index.references("helper_1")) == 20
    assert [p for p, _ in index.definitions("function_59")] == ["pkg/mod59.py"]


def test_parse_source_for_content_outside_the_work_tree() -> None:
    tags = parse_source("old/version.py", "def renamed():\n    return 1\n")
    assert [(t.name, t.line, t.end_line) for t in tags if t.is_definition] == [("renamed", 1, 2)]


def test_a_few_changed_files_correct_the_saved_summary(sample) -> None:  # type: ignore[no-untyped-def]
    from llmdev.code.rank import rank_files

    load_index(sample.open(), show_progress=False)
    sample.write("app/billing/invoice.py", "def refund_voucher(amount):\n    return -amount\n")
    sample.write("app/payments.py", "from app.billing.invoice import refund_voucher\n\ndef settle():\n    return refund_voucher(3)\n")
    (sample.root / "app" / "cli.py").unlink()
    index = load_index(sample.open(), show_progress=False)
    assert index.summary.delta is not None  # corrected in memory, not rebuilt
    assert "app/cli.py" not in index.files() and "app/payments.py" in index.files()
    assert index.definitions("compute_tax") == []
    assert [p for p, _ in index.definitions("refund_voucher")] == ["app/billing/invoice.py"]
    assert index.references("refund_voucher") == [("app/payments.py", 1), ("app/payments.py", 4)]
    assert index.references("HttpServer") == []  # only cli.py used it
    order = [p for p, _ in rank_files(index, "refund voucher").scores]
    assert order[:2] == ["app/billing/invoice.py", "app/payments.py"]
    assert "app/cli.py" not in [p for p, _ in rank_files(index, "main server start").scores]
    index.summary.prepare(["tax", "voucher"])
    assert index.summary.postings_of("tax") == []  # the old text of invoice.py no longer counts
    assert [index.summary.paths[i] for i, _ in index.summary.postings_of("voucher")] == ["app/billing/invoice.py", "app/payments.py"]


def _stored(sample, path: str, sha: str = "") -> ParsedFile:  # type: ignore[no-untyped-def]
    sha = sha or sample.blob(path)
    found = BlobStore(store_path(sample.open().common_dir)).get_many([sha])
    return found[sha]


def test_test_files_are_tagged_on_first_use_and_stored(sample) -> None:  # type: ignore[no-untyped-def]
    index = load_index(sample.open(), show_progress=False)
    assert not _stored(sample, "tests/test_config.py").tagged
    summary = index.summary
    test_node = summary.paths.index("tests/test_config.py")
    assert summary.definers["test_load_settings_empty_file"] == [test_node]  # a test name counts as its definition
    assert test_node in summary.referrers["load_settings"]  # identifiers stand in for references
    assert ("tests/test_config.py", 1) in index.references("load_settings")  # tagged now, with lines
    assert _stored(sample, "tests/test_config.py").tagged
    enclosing = load_index(sample.open(), show_progress=False).enclosing("tests/test_config.py", 5)
    assert enclosing is not None and enclosing.name == "test_load_settings_empty_file"


def test_test_file_helpers_are_found_once_the_file_is_in_play(sample) -> None:  # type: ignore[no-untyped-def]
    sample.write("tests/conftest.py", "def make_settings_file(tmp_path):\n    return tmp_path\n")
    index = load_index(sample.open(), show_progress=False)
    assert index.definitions("make_settings_file") == []  # tests' definitions are not in the summary
    index.tags("tests/conftest.py")
    assert [p for p, _ in index.definitions("make_settings_file")] == ["tests/conftest.py"]


def test_tags_on_demand_come_from_the_blob_the_index_knows(sample) -> None:  # type: ignore[no-untyped-def]
    index = load_index(sample.open(), show_progress=False)
    sha = index.shas["tests/test_config.py"]
    sample.write("tests/test_config.py", "\n\n\ndef test_rewritten():\n    pass\n")  # changed after the listing
    assert [t.name for t in index.tags("tests/test_config.py") if t.is_definition] == ["test_load_settings_empty_file"]
    assert _stored(sample, "tests/test_config.py", sha).definitions[0][0] == "test_load_settings_empty_file"
    fresh = load_index(sample.open(), show_progress=False)
    assert [t.name for t in fresh.tags("tests/test_config.py") if t.is_definition] == ["test_rewritten"]


def test_a_changed_test_file_corrects_the_saved_summary(sample) -> None:  # type: ignore[no-untyped-def]
    load_index(sample.open(), show_progress=False)
    sample.write("tests/test_config.py", "from app.server import HttpServer\n\n\ndef test_server_port():\n    HttpServer('x')\n")
    index = load_index(sample.open(), show_progress=False)
    assert index.summary.delta is not None
    node = index.summary.paths.index("tests/test_config.py")
    assert "test_load_settings_empty_file" not in index.summary.definers
    assert index.summary.definers["test_server_port"] == [node]
    assert node not in index.summary.referrers.get("load_settings", []) and node in index.summary.referrers["HttpServer"]


def test_stored_definitions_leave_waiting_test_files_untagged(sample) -> None:  # type: ignore[no-untyped-def]
    index = load_index(sample.open(), show_progress=False)
    names = {(path, tag.name) for path, tag in index.stored_definitions()}
    assert ("app/config.py", "load_settings") in names and ("app/server.py", "HttpServer") in names
    assert not any(path == "tests/test_config.py" for path, _ in names)
    assert not _stored(sample, "tests/test_config.py").tagged
    index.tags("tests/test_config.py")
    names = {(path, tag.name) for path, tag in load_index(sample.open(), show_progress=False).stored_definitions()}
    assert ("tests/test_config.py", "test_load_settings_empty_file") in names


def test_test_files_get_tags_when_the_store_cannot_keep_them(sample, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(BlobStore, "put_encoded", lambda self, rows: False)
    index = load_index(sample.open(), show_progress=False)
    assert [t.name for t in index.definition_tags("tests/test_config.py")] == ["test_load_settings_empty_file"]
    enclosing = index.enclosing("tests/test_config.py", 5)  # the tags stay in memory for this run
    assert enclosing is not None and enclosing.name == "test_load_settings_empty_file"


def test_a_test_file_whose_content_is_gone_is_asked_for_once(make_repo) -> None:  # type: ignore[no-untyped-def]
    repo = make_repo({"app.py": "def f():\n    pass\n"})
    repo.write("tests/test_app.py", "def test_f():\n    pass\n")  # never committed
    index = load_index(repo.open(), show_progress=False)
    (repo.root / "tests" / "test_app.py").unlink()
    calls = []
    reader = index.read_blobs
    index.read_blobs = lambda wanted: calls.append(wanted) or (reader(wanted) if reader else {})
    assert index.tags("tests/test_app.py") == [] and index.tags("tests/test_app.py") == []
    assert index.definition_tags("tests/test_app.py") == []
    assert len(calls) == 1


def test_references_load_test_files_only_as_far_as_they_are_read(make_repo) -> None:  # type: ignore[no-untyped-def]
    files = {"app.py": "def compute_total(x):\n    return x\n"}
    files.update({f"tests/test_{i:02}.py": f"from app import compute_total\n\ndef test_{i}():\n    compute_total({i})\n" for i in range(40)})
    repo = make_repo(files)
    index = load_index(repo.open(), show_progress=False)
    first = next(index.iter_references("compute_total", chunk=8))
    assert first == ("tests/test_00.py", 1)
    untagged = [p for p in files if p.startswith("tests/") and not _stored(repo, p).tagged]
    assert len(untagged) == 32  # only the first chunk of 8 was tagged
    assert len(index.references("compute_total")) == 80  # an import and a call in each


def test_definitions_of_a_common_name_read_only_the_definitions_of_the_files_needed(make_repo) -> None:  # type: ignore[no-untyped-def]
    files = {f"pkg/mod_{i:02}.py": f"class Model{i}:\n    def get(self, key):\n        return key\n\n\nvalue_{i} = Model{i}().get(1)\n" for i in range(40)}
    repo = make_repo(files)
    index = load_index(repo.open(), show_progress=False)
    asked: list[tuple[int, bool]] = []
    get_many = index.store.get_many
    index.store.get_many = lambda shas, full=True: asked.append((len(list(shas)), full)) or get_many(shas, full=full)  # type: ignore[method-assign]
    first = list(itertools.islice(index.iter_definitions("get", chunk=8), 3))
    assert [(p, t.name, t.line) for p, t in first] == [(f"pkg/mod_{i:02}.py", "get", 2) for i in range(3)]
    assert asked == [(8, False)]  # one chunk of files, definitions only (no references)
    every = index.definitions("get")
    assert [p for p, _ in every] == sorted(files) and all(t.is_definition and t.name == "get" for _, t in every)


def test_objects_alive_during_a_later_load_can_still_be_collected(sample) -> None:  # type: ignore[no-untyped-def]
    """The first load freezes what exists for the cycle collector; later loads must not, or every
    cycle alive at each load (a chat turn's, a test's) would never be freed."""
    import gc
    import weakref

    class Node:
        pass

    repo = sample.open()
    load_index(repo, show_progress=False)
    assert gc.get_freeze_count() > 0  # the first load in this process froze the objects before it
    cycle = Node()
    cycle.self = cycle  # type: ignore[attr-defined]
    alive = weakref.ref(cycle)
    load_index(repo, show_progress=False)
    del cycle
    gc.collect()
    assert alive() is None


def _summary_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Which summary rows the store is asked for: 'newest', or the key asked by name."""
    asked: list[str] = []
    real_newest, real_get = BlobStore.latest_summary, BlobStore.get_summary

    def newest(self: BlobStore) -> tuple[str, bytes] | None:
        asked.append("newest")
        return real_newest(self)

    def by_key(self: BlobStore, key: str) -> bytes | None:
        asked.append(key)
        return real_get(self, key)

    monkeypatch.setattr(BlobStore, "latest_summary", newest)
    monkeypatch.setattr(BlobStore, "get_summary", by_key)
    return asked


def test_a_warm_load_takes_the_summary_read_while_git_listed(sample, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    import llmdev.repo.files as files
    from llmdev.repo import discovery

    first = load_index(sample.open(), show_progress=False)
    asked = _summary_reads(monkeypatch)
    running: list[int] = []
    real_list = files.list_files

    def listing(*args, meanwhile=None, **kwargs):  # type: ignore[no-untyped-def]
        def note() -> None:
            running.append(len(discovery._started))
            assert meanwhile is not None
            meanwhile()

        return real_list(*args, meanwhile=note, **kwargs)

    monkeypatch.setattr(files, "list_files", listing)
    second = load_index(sample.open(), show_progress=False)
    assert asked == ["newest"]  # the exact summary was the newest: nothing read after git answered
    assert running and running[0] >= 2  # git's listing commands were running meanwhile
    assert second.summary.paths == first.summary.paths and second.summary.shas == first.summary.shas


def test_after_one_change_the_newest_summary_read_ahead_is_the_base(sample, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    load_index(sample.open(), show_progress=False)
    path = next(p for p in load_index(sample.open(), show_progress=False).summary.paths if p.endswith(".py"))
    (sample.root / path).write_text((sample.root / path).read_text() + "\n\ndef added_later():\n    return 1\n")
    asked = _summary_reads(monkeypatch)
    changed = load_index(sample.open(), show_progress=False)
    assert asked[0] == "newest" and asked.count("newest") == 1 and len(asked) == 2  # one miss by key, no second read
    assert [t.name for _, t in changed.definitions("added_later")] == ["added_later"]
