"""diff_context: enclosing definitions on both sides, callers and definitions of what changed."""

from __future__ import annotations

from llmdev.code.index import load_index
from llmdev.context.diff_context import diff_context, render_hunk_contexts
from llmdev.repo.diffs import get_diff, new_side_rev, parse_spec


def _contexts(sample, **spec):  # type: ignore[no-untyped-def]
    repo = sample.open()
    parsed = parse_spec(repo, **spec)
    return diff_context(repo, get_diff(repo, parsed), new_side_rev=new_side_rev(parsed))


def test_staged_change_inside_a_function(sample) -> None:  # type: ignore[no-untyped-def]
    source = (sample.root / "app/config.py").read_text()
    sample.write("app/config.py", source.replace('raise ConfigError("empty settings file")', 'raise ConfigError("settings file is empty")'))
    sample.git("add", "app/config.py")
    [context] = _contexts(sample, staged=True)
    assert context.path == "app/config.py"
    assert context.old_enclosing is not None and context.old_enclosing.name == "load_settings"
    assert context.new_enclosing is not None and context.new_enclosing.name == "load_settings"
    assert context.new_enclosing_code.startswith("def load_settings(path):")
    assert "settings file is empty" in context.new_enclosing_code
    assert context.changed_symbols == ["load_settings"]
    assert ("app/server.py", 6, "self.settings = load_settings(settings_path)") in context.callers
    assert any(path == "app/config.py" and tag.name == "ConfigError" for path, tag in context.definitions)
    text = render_hunk_contexts([context])
    assert "called from app/server.py:6" in text


def test_unstaged_change_has_its_enclosing_code(sample) -> None:  # type: ignore[no-untyped-def]
    source = (sample.root / "app/config.py").read_text()
    sample.write("app/config.py", source.replace('raise ConfigError("empty settings file")', 'raise ConfigError("nothing in the file")'))
    [context] = _contexts(sample)  # nothing staged: the working tree against HEAD
    assert context.new_enclosing is not None and context.new_enclosing.name == "load_settings"
    assert context.new_enclosing_code.startswith("def load_settings(path):")
    assert "nothing in the file" in context.new_enclosing_code


def test_old_and_new_side_differ_for_a_renamed_function(sample) -> None:  # type: ignore[no-untyped-def]
    source = (sample.root / "app/server.py").read_text()
    sample.write("app/server.py", source.replace("def listen_socket(port):\n    return port", "def open_socket(port):\n    return port + 0"))
    sample.git("add", "app/server.py")
    contexts = _contexts(sample, staged=True)
    last = contexts[-1]
    assert last.old_enclosing is not None and last.old_enclosing.name == "listen_socket"
    assert last.new_enclosing is not None and last.new_enclosing.name == "open_socket"
    assert {"listen_socket", "open_socket"} <= set(last.changed_symbols)


def test_range_uses_the_revision_not_the_work_tree(sample) -> None:  # type: ignore[no-untyped-def]
    base = sample.git("rev-parse", "HEAD").strip()
    source = (sample.root / "app/billing/invoice.py").read_text()
    sample.write("app/billing/invoice.py", source.replace("round(amount * rate, 2)", "round(amount * rate, 4)"))
    head = sample.commit("more precision")
    sample.write("app/billing/invoice.py", "# rewritten in the work tree\n")
    [context] = _contexts(sample, range_=f"{base}..{head}")
    assert context.new_enclosing is not None and context.new_enclosing.name == "compute_tax"
    assert context.new_enclosing.kind == "method"
    assert "round(amount * rate, 4)" in context.new_enclosing_code


def test_added_file_and_module_level_change(sample) -> None:  # type: ignore[no-untyped-def]
    sample.write("app/new.py", "from app.server import listen_socket\n\nPORT = listen_socket(80)\n")
    sample.git("add", "app/new.py")
    index = load_index(sample.open(), show_progress=False)
    [context] = diff_context(sample.open(), get_diff(sample.open(), parse_spec(sample.open(), staged=True)), index=index)
    assert context.old_enclosing is None and context.new_enclosing is None
    assert context.changed_symbols == []
    assert [(p, t.name) for p, t in context.definitions] == [("app/server.py", "listen_socket")]


def test_names_used_on_removed_lines_are_looked_up(sample) -> None:  # type: ignore[no-untyped-def]
    load_index(sample.open(), show_progress=False)  # the old side's parse is stored
    source = (sample.root / "app/server.py").read_text()
    sample.write("app/server.py", source.replace("self.settings = load_settings(settings_path)", "self.settings = {}"))
    sample.git("add", "app/server.py")
    [context] = _contexts(sample, staged=True)
    assert context.old_enclosing is not None and context.old_enclosing.name == "__init__"
    assert ("app/config.py", "load_settings") in [(p, t.name) for p, t in context.definitions]


def test_a_second_review_reads_every_side_from_the_store(sample, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import llmdev.context.diff_context as module

    source = (sample.root / "app/config.py").read_text()
    sample.write("app/config.py", source.replace('raise ConfigError("empty settings file")', 'raise ConfigError(load_settings)'))
    sample.git("add", "app/config.py")
    first = [c.to_json() for c in _contexts(sample, staged=True)]

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(module, "parse_file", refuse)
    monkeypatch.setattr(module, "add_tags", refuse)
    assert [c.to_json() for c in _contexts(sample, staged=True)] == first


def test_test_file_tags_are_saved_with_their_terms(sample) -> None:  # type: ignore[no-untyped-def]
    from llmdev.code.index import open_store

    old_blob = sample.git("rev-parse", "HEAD:tests/test_config.py").strip()
    load_index(sample.open(), show_progress=False)  # test files' tags wait for first use
    assert not open_store(sample.open()).get_many([old_blob])[old_blob].tagged
    source = (sample.root / "tests/test_config.py").read_text()
    sample.write("tests/test_config.py", source.replace("    assert load_settings\n", "    assert load_settings\n    assert ConfigError('x')\n"))
    sample.git("add", "tests/test_config.py")
    [context] = _contexts(sample, staged=True)
    assert context.new_enclosing is not None and context.new_enclosing.name == "test_load_settings_empty_file"
    assert [(p, t.name) for p, t in context.definitions] == [("app/config.py", "ConfigError")]
    new_blob = sample.git("rev-parse", ":tests/test_config.py").strip()
    for blob in (old_blob, new_blob):
        stored = open_store(sample.open()).get_many([blob])[blob]
        assert stored.tagged and stored.identifiers and "load_settings" in stored.terms


def test_staged_side_is_the_staged_text_not_the_working_file(sample) -> None:  # type: ignore[no-untyped-def]
    source = (sample.root / "app/config.py").read_text()
    sample.write("app/config.py", source.replace('raise ConfigError("empty settings file")', 'raise ConfigError("staged text")'))
    sample.git("add", "app/config.py")
    sample.write("app/config.py", source.replace('raise ConfigError("empty settings file")', 'raise ConfigError("working text")'))
    [context] = _contexts(sample, staged=True)
    assert "staged text" in context.new_enclosing_code and "working text" not in context.new_enclosing_code
