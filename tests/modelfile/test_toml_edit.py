"""Setting one alias by a checked text edit: everything else in the file stays as it was."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from llmdev.errors import ConfigError
from llmdev.modelfile.toml_edit import set_alias, set_string

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def test_a_new_table_is_added_at_the_end() -> None:
    text = 'model = "local"  # mine\n\n[review]\nrules = ["x"]\n\n'
    assert set_string(text, ["aliases"], "project", "ollama/p") == (
        'model = "local"  # mine\n\n[review]\nrules = ["x"]\n\n[aliases]\nproject = "ollama/p"\n')
    assert set_string("", ["aliases"], "project", "ollama/p") == '[aliases]\nproject = "ollama/p"\n'


def test_an_existing_key_is_replaced_and_a_new_one_joins_its_table() -> None:
    text = '[aliases]\nfast = "ollama/a"\nproject = "ollama/old"  # old\n\n# next\n[privacy]\naction = "refuse"\n'
    replaced = set_string(text, ["aliases"], "project", "ollama/new")
    assert replaced == text.replace('project = "ollama/old"  # old', 'project = "ollama/new"')
    added = set_string(text, ["aliases"], "mine", "ollama/m")
    assert added.splitlines()[3] == 'mine = "ollama/m"' and tomllib.loads(added)["privacy"] == {"action": "refuse"}


def test_keys_and_values_are_quoted_when_needed() -> None:
    text = set_string('[tool.llmdev]\nmodel = "x"\n', ["tool", "llmdev", "aliases"], "my model", 'a"b')
    assert tomllib.loads(text)["tool"]["llmdev"] == {"model": "x", "aliases": {"my model": 'a"b'}}


def test_set_alias_writes_and_checks(tmp_path: Path) -> None:
    config = tmp_path / ".llmdev.toml"
    set_alias(config, ["aliases"], "project", "ollama/p-llmdev")
    config.write_text(config.read_text() + '\n[review]\nfail_on = "high"\n')
    set_alias(config, ["aliases"], "project", "ollama/q-llmdev")
    assert tomllib.loads(config.read_text()) == {"aliases": {"project": "ollama/q-llmdev"}, "review": {"fail_on": "high"}}


@pytest.mark.parametrize("text", ['aliases = { fast = "ollama/a" }\n', 'aliases.fast = "ollama/a"\n', "not toml = =\n"])
def test_files_a_line_edit_cannot_handle_are_left_alone(tmp_path: Path, text: str) -> None:
    config = tmp_path / ".llmdev.toml"
    config.write_text(text)
    with pytest.raises(ConfigError) as caught:
        set_alias(config, ["aliases"], "project", "ollama/p")
    assert "add it yourself" in str(caught.value) and config.read_text() == text
