"""Tags for every bundled grammar, from small snippets."""

from __future__ import annotations

import pytest

from llmdev.code.index import parse_source
from llmdev.code.languages import GRAMMARS, language_for, tag_query
from llmdev.code.tags import add_tags, parse_file

SNIPPETS: dict[str, tuple[str, str, set[tuple[str, str]], set[str]]] = {
    # language: (file name, source, expected (name, kind) definitions, expected reference names)
    "python": (
        "shapes.py",
        "class Shape(Base):\n    def area(self) -> Decimal:\n        return compute(self.w)\n\ndef make_shape(kind):\n    return Shape()\n",
        {("Shape", "class"), ("area", "method"), ("make_shape", "function")},
        {"Base", "Decimal", "compute", "Shape"},
    ),
    "javascript": (
        "shapes.js",
        "export class Circle extends Shape {\n  area() { return helper(this.r); }\n}\nfunction make(r) { return new Circle(r); }\nconst arrow = (a) => a.trim();\n",
        {("Circle", "class"), ("area", "method"), ("make", "function"), ("arrow", "function")},
        {"Shape", "helper", "Circle", "trim"},
    ),
    "typescript": (
        "shapes.ts",
        "export interface Shape { area(): number; }\ntype Id = string;\nenum Color { Red }\n"
        "export abstract class Base<T> implements Shape {\n  area(): number { return helper(1); }\n}\n"
        "export function make(x: number): Shape { return new Base(); }\n",
        {("Shape", "interface"), ("Id", "type"), ("Color", "enum"), ("Base", "class"), ("area", "method"), ("make", "function")},
        {"Shape", "helper", "Base"},
    ),
    "tsx": (
        "view.tsx",
        "export function View(props: Props) { return <div>{format(props.x)}</div>; }\nclass Store { load() { fetchAll(); } }\n",
        {("View", "function"), ("Store", "class"), ("load", "method")},
        {"Props", "format", "fetchAll"},
    ),
    "go": (
        "shapes.go",
        "package shapes\n\ntype Shape interface { Area() float64 }\ntype Circle struct { R float64 }\n"
        "func (c *Circle) Area() float64 { return helper(c.R) }\nfunc New(r float64) *Circle {\n\treturn &Circle{R: r}\n}\n",
        {("Shape", "interface"), ("Circle", "class"), ("Area", "method"), ("New", "function")},
        {"helper", "Circle"},
    ),
    "rust": (
        "shapes.rs",
        "pub trait Shape { fn area(&self) -> f64; }\npub struct Circle { r: f64 }\n"
        "impl Shape for Circle {\n    fn area(&self) -> f64 { helper(self.r) }\n}\nfn main() { let c = Circle::new(); }\n",
        {("Shape", "interface"), ("Circle", "class"), ("Circle", "impl"), ("area", "method"), ("main", "function")},
        {"helper", "Circle", "new"},
    ),
    "java": (
        "Circle.java",
        "public class Circle extends Base implements Shape {\n    public double area() { return Helper.compute(r); }\n"
        "    public Circle(double r) { }\n}\ninterface Shape { double area(); }\n",
        {("Circle", "class"), ("area", "method"), ("Shape", "interface")},
        {"Base", "Shape", "compute"},
    ),
    "c": (
        "point.c",
        "struct point { int x; int y; };\ntypedef struct point point_t;\nstatic int add(int a, int b) {\n  return helper(a) + b;\n}\n",
        {("point", "class"), ("point_t", "type"), ("add", "function")},
        {"helper", "point"},
    ),
    "cpp": (
        "shapes.cpp",
        "namespace geo {\nclass Circle : public Shape {\n public:\n  double area() const { return helper(r_); }\n};\n"
        "double Circle::perimeter() const { return 2 * r_; }\n}\n",
        {("geo", "module"), ("Circle", "class"), ("area", "method"), ("perimeter", "method")},
        {"Shape", "helper"},
    ),
    "c_sharp": (
        "Circle.cs",
        "namespace App {\n  public interface IShape { double Area(); }\n  public class Circle : IShape {\n"
        "    public double Area() { return Helper.Compute(1); }\n  }\n}\n",
        {("App", "module"), ("IShape", "interface"), ("Circle", "class"), ("Area", "method")},
        {"IShape", "Compute"},
    ),
    "ruby": (
        "cart.rb",
        "module Shop\n  class Cart < Base\n    def add(item)\n      Helper.total(item)\n    end\n  end\nend\n",
        {("Shop", "module"), ("Cart", "class"), ("add", "method")},
        {"Base", "total"},
    ),
    "php": (
        "circle.php",
        "<?php\nclass Circle extends Base implements Shape {\n    public function area() { return helper(1); }\n}\n"
        "function make($x) { return new Circle(); }\n",
        {("Circle", "class"), ("area", "method"), ("make", "function")},
        {"Base", "Shape", "helper", "Circle"},
    ),
    "bash": (
        "build.sh",
        "#!/bin/bash\ngreet() {\n  echo \"hi $1\"\n}\nfunction build {\n  greet world\n}\n",
        {("greet", "function"), ("build", "function")},
        {"echo", "greet"},
    ),
}


def test_every_grammar_has_a_snippet() -> None:
    assert set(SNIPPETS) == set(GRAMMARS)


@pytest.mark.parametrize("language", sorted(SNIPPETS))
def test_definitions_and_references(language: str) -> None:
    name, source, definitions, references = SNIPPETS[language]
    assert language_for(name) == language
    tag_query(language)  # the shipped query compiles against the installed grammar
    tags = parse_source(name, source)
    found_definitions = {(t.name, t.kind) for t in tags if t.is_definition}
    assert definitions <= found_definitions
    assert references <= {t.name for t in tags if not t.is_definition}
    for tag in tags:
        assert 1 <= tag.line <= tag.end_line <= source.count("\n") + 1
        if tag.is_definition:
            assert tag.name in tag.signature


def test_python_spans_and_multiline_signature() -> None:
    source = (
        "class Shape:\n"
        "    def scale(self,\n"
        "              factor: float) -> 'Shape':\n"
        "        # a comment before the body\n"
        "        return self\n"
        "\n"
        "def other():\n"
        "    pass\n"
    )
    tags = {t.name: t for t in parse_source("s.py", source) if t.is_definition}
    assert (tags["Shape"].line, tags["Shape"].end_line) == (1, 5)
    assert (tags["scale"].kind, tags["scale"].line, tags["scale"].end_line) == ("method", 2, 5)
    assert tags["scale"].signature == "    def scale(self,\n              factor: float) -> 'Shape':"
    assert tags["other"].signature == "def other():"


def test_nested_function_in_method_is_a_function() -> None:
    source = "class A:\n    def m(self):\n        def inner():\n            pass\n        return inner\n"
    kinds = {t.name: t.kind for t in parse_source("a.py", source) if t.is_definition}
    assert kinds == {"A": "class", "m": "method", "inner": "function"}


def test_other_languages_have_no_tags_but_no_error() -> None:
    assert language_for("notes.md") is None
    assert parse_source("notes.md", "# Title\nsome text\n") == []
    assert parse_source("broken.py", "def (:\n  ???") is not None


def test_test_files_keep_identifiers_and_get_their_tags_when_asked() -> None:
    source = "from app import load_settings\n\n\ndef test_empty(tmp_path):\n    assert load_settings(tmp_path) == {}\n"
    lazy = parse_file("tests/test_config.py", source, tags=False)
    assert (lazy.language, lazy.tagged, lazy.definitions, lazy.references) == ("python", False, [], [])
    assert lazy.identifiers is not None and lazy.identifiers["load_settings"] == 2
    tagged = add_tags(lazy, source)
    assert tagged.tagged and [d[0] for d in tagged.definitions] == ["test_empty"]
    assert "load_settings" in {r[0] for r in tagged.references}
    assert parse_file("tests/test_config.py", source).definitions == tagged.definitions
    source_file = parse_file("app/config.py", source, tags=False)  # only test files wait
    assert source_file.tagged and source_file.identifiers is None and source_file.definitions


def test_definitions_on_minified_lines_keep_no_signature_and_are_not_scanned(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from llmdev.code import tags as tags_module

    scanned: list[str] = []
    real = tags_module.without_secrets
    monkeypatch.setattr(tags_module, "without_secrets", lambda text: scanned.append(text) or real(text))
    bundle = "".join(f'function f{i}(a){{var k="v{i}";return a+k}}' for i in range(300))
    source = f"function readable(x) {{\n  return x;\n}}\n{bundle}\n"
    found = {t.name: t for t in parse_source("dist/app.js", source) if t.is_definition}
    assert {f"f{i}" for i in range(300)} <= set(found)
    assert all(found[f"f{i}"].signature == "" and found[f"f{i}"].line == 4 for i in range(300))
    assert found["readable"].signature == "function readable(x) {"
    assert all(len(text) <= tags_module.MAX_SIGNATURE_LINE for text in scanned)
