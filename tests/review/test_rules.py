"""The project's own review rules."""

from __future__ import annotations

from pathlib import Path

from llmdev.config.schema import ReviewConfig, parse
from llmdev.review.rules import MAX_RULES_CHARS, review_rules


def test_no_rules_means_an_empty_block(tmp_path: Path) -> None:
    assert review_rules(ReviewConfig(), tmp_path) == ("", False)


def test_config_rules_and_review_md_are_combined(tmp_path: Path) -> None:
    (tmp_path / "REVIEW.md").write_text("# Our rules\nNo print() in library code.\n")
    text, cut = review_rules(ReviewConfig(rules=["Use pathlib", "Log, don't print"]), tmp_path)
    assert text == "- Use pathlib\n- Log, don't print\n\n# Our rules\nNo print() in library code."
    assert not cut


def test_a_single_string_is_one_block_and_long_rules_are_cut_visibly(tmp_path: Path) -> None:
    config = parse(ReviewConfig, {"rules": "x" * (MAX_RULES_CHARS + 10), "rules_file": ""})
    text, cut = review_rules(config, tmp_path)
    assert cut and text.endswith("(the rules are cut here: they are longer than llmdev sends)")


def test_plugins_add_rules(tmp_path: Path) -> None:
    from llmdev import plugins
    from llmdev.hookspecs import hookimpl

    class HouseRules:
        @hookimpl
        def register_review_rules(self, register):  # type: ignore[no-untyped-def]
            register("Every SQL query goes through db.safe_query().")

    plugins.reset()
    plugins.plugin_state(extra=(HouseRules(),))
    text, _ = review_rules(ReviewConfig(rules=["Use pathlib"]), tmp_path)
    assert text == "- Use pathlib\n\nEvery SQL query goes through db.safe_query()."


def test_a_rules_file_that_leads_outside_the_work_tree_is_not_read(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "secret.txt").write_text("GITHUB_TOKEN=ghp_x\n")
    root = tmp_path / "repo"
    root.mkdir()
    (root / "REVIEW.md").symlink_to("../secret.txt")  # committed by a pull request, say
    assert review_rules(ReviewConfig(rules=["Use pathlib"]), root) == ("- Use pathlib", False)
    assert "REVIEW.md leads outside the repository" in " ".join(capsys.readouterr().err.split())
    (root / "REVIEW.md").unlink()
    (root / "docs").mkdir()
    (root / "docs" / "rules.md").write_text("No eval.\n")
    (root / "REVIEW.md").symlink_to("docs/rules.md")  # a link that stays inside is read
    assert review_rules(ReviewConfig(), root) == ("No eval.", False)
