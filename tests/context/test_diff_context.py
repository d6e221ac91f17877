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
