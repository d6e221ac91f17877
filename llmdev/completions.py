"""Static shell completion scripts generated from the CLI tree: no Python start-up per <Tab>.

Option values come from the options' declarations: a closed set (a Literal or Enum annotation)
is completed from its choices, and the model option (`commands.common.model_option`) asks
`llmdev completions --list-models` (aliases and local models, with a short timeout).
"""

from __future__ import annotations

import enum
import typing
from dataclasses import dataclass, field
from typing import Any

SHELLS = ("bash", "zsh", "fish")
LIST_MODELS = "llmdev completions --list-models 2>/dev/null"
MODEL_PROBE_TIMEOUT_S = 0.5  # a <Tab> must not wait for a server that does not answer


@dataclass(frozen=True)
class Option:
    names: tuple[str, ...]
    help: str
    takes_value: bool
    choices: tuple[str, ...] = ()
    models: bool = False  # completed with model names


@dataclass
class Node:
    """A command (or group) with its options and subcommands."""

    path: list[str]
    help: str
    options: list[Option] = field(default_factory=list)
    children: list["Node"] = field(default_factory=list)

    @property
    def key(self) -> str:
        return " ".join(self.path)


def _first_line(text: str | None) -> str:
    return (text or "").strip().splitlines()[0].rstrip(".") if (text or "").strip() else ""


def _choices(annotation: Any) -> tuple[str, ...]:
    """The closed set of values an annotation allows (through Optional and List), if any."""
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return tuple(str(member.value) for member in annotation)
    if typing.get_origin(annotation) is typing.Literal:
        return tuple(str(value) for value in typing.get_args(annotation))
    for inner in typing.get_args(annotation):
        found = _choices(inner)
        if found:
            return found
    return ()


def _option(param: Any) -> Option:
    from llmdev.commands.common import MODEL_METAVAR

    # typer keeps the annotation (>= 0.29) or a click Choice (earlier) for a closed set
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    choices = _choices(annotation) or tuple(getattr(getattr(param, "type", None), "choices", ()) or ())
    return Option(tuple(param.opts + param.secondary_opts), _first_line(param.help), not param.is_flag,
                  tuple(str(c) for c in choices), param.metavar == MODEL_METAVAR)


def command_tree(command: Any, path: list[str] | None = None) -> Node:
    path = path or ["llmdev"]
    node = Node(path, _first_line(getattr(command, "help", "")))
    for param in command.params:
        if param.param_type_name == "option" and not getattr(param, "hidden", False):
            node.options.append(_option(param))
    node.options.append(Option(("--help", "-h"), "Show help and exit", False))
    for name, sub in sorted(_subcommands(command).items()):
        if not getattr(sub, "hidden", False):
            node.children.append(command_tree(sub, path + [name]))
    return node


def _subcommands(command: Any) -> dict[str, Any]:
    """A group's commands through its public API, so lazily loaded ones are included."""
    if not hasattr(command, "list_commands"):
        return {}
    found = {name: command.get_command(None, name) for name in command.list_commands(None)}
    return {name: sub for name, sub in found.items() if sub is not None}


def model_names() -> list[str]:
    """Aliases, then the local Ollama servers' models; a server that is slow or down adds none."""
    from llmdev.backends.registry import get_backend
    from llmdev.config.loader import load_config

    try:
        settings = load_config().settings
    except Exception:  # a broken config must not break <Tab>
        return []
    from llmdev.config.schema import replace

    quick = replace(settings, request=replace(settings.request, timeout=MODEL_PROBE_TIMEOUT_S, connect_timeout=MODEL_PROBE_TIMEOUT_S))
    names = sorted(settings.aliases)
    for provider, config in sorted(quick.providers.items()):
        if config.kind != "ollama":
            continue
        try:
            names += [f"{provider}/{model.name}" for model in get_backend(provider, quick).list_models()]
        except Exception:
            continue
    return list(dict.fromkeys(names))


def walk(node: Node) -> list[Node]:
    return [node] + [n for child in node.children for n in walk(child)]


def _case(pairs: list[tuple[str, str]], indent: str = "        ") -> list[str]:
    return [f'{indent}{pattern}) {action} ;;' for pattern, action in pairs]


def _value_options(root: Node) -> list[tuple[Node, Option]]:
    return [(node, option) for node in walk(root) for option in node.options if option.takes_value]


def _bash_values(option: Option) -> str:
    if option.models:
        return f'COMPREPLY=($(compgen -W "$({LIST_MODELS})" -- "$cur"))'
    if option.choices:
        return f'COMPREPLY=($(compgen -W "{" ".join(option.choices)}" -- "$cur"))'
    return 'COMPREPLY=($(compgen -f -- "$cur"))'


def _bash(root: Node) -> str:
    values = [("|".join(f'"{node.key}|{name}"' for name in option.names), _bash_values(option)) for node, option in _value_options(root)]
    words = [(f'"{node.key}"', f'words="{" ".join([c.path[-1] for c in node.children] + [n for o in node.options for n in o.names])}"') for node in walk(root)]
    children = [(f'"{node.key}"', f'echo "{" ".join(c.path[-1] for c in node.children)}"') for node in walk(root) if node.children]
    return "\n".join(
        [
            "# bash completion for llmdev (generated by `llmdev completions bash`; do not edit)",
            "_llmdev() {",
            '    local cur words=() cword path="llmdev" word i skip=0',
            "    if declare -F _get_comp_words_by_ref >/dev/null; then  # bash-completion: keep model names with ':' whole",
            "        _get_comp_words_by_ref -n : cur words cword",
            "    else",
            '        cur="${COMP_WORDS[COMP_CWORD]}" words=("${COMP_WORDS[@]}") cword=$COMP_CWORD',
            "    fi",
            "    for ((i = 1; i < cword; i++)); do",
            '        word="${words[i]}"',
            "        if ((skip)); then skip=0; continue; fi",
            '        case "$word" in',
            "            -*=*) continue ;;",
            '            -*) _llmdev_takes_value "$path|$word" && skip=1; continue ;;',
            "        esac",
            '        case " $(_llmdev_children "$path") " in *" $word "*) path="$path $word" ;; esac',
            "    done",
            "    COMPREPLY=()",
            "    if ((skip)); then",
            '        _llmdev_values "$path|${words[cword - 1]}"',
            '    elif [[ "$cur" == -* ]] || [[ -n "$(_llmdev_children "$path")" ]]; then',
            '        local candidates',
            '        case "$path" in',
            *_case([(k, a.replace("words=", "candidates=")) for k, a in words], "            "),
            "        esac",
            '        COMPREPLY=($(compgen -W "$candidates" -- "$cur"))',
            "    fi",
            '    [[ ${#COMPREPLY[@]} -eq 0 ]] && ! ((skip)) && COMPREPLY=($(compgen -f -- "$cur"))',
            '    declare -F __ltrim_colon_completions >/dev/null && __ltrim_colon_completions "$cur"',
            "    return 0",
            "}",
            "_llmdev_children() {",
            '    case "$1" in',
            *_case(children),
            "    esac",
            "}",
            "_llmdev_takes_value() {",
            '    case "$1" in',
            *_case([(pattern, "return 0") for pattern, _ in values]),
            "    esac",
            "    return 1",
            "}",
            "_llmdev_values() {",
            '    case "$1" in',
            *_case(values),
            "    esac",
            "}",
            "complete -o default -F _llmdev llmdev",
            "",
        ]
    )


def _zsh_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "'\\''").replace(":", "\\:").replace("[", "\\[").replace("]", "\\]")


def _zsh_value(option: Option) -> str:
    if option.models:
        return ":model:__llmdev_model_names"
    if option.choices:
        return f":value:({' '.join(option.choices)})"
    return ":value:_files" if option.takes_value else ""


def _zsh_function(node: Node) -> list[str]:
    fn = "_" + "_".join(p.replace("-", "_") for p in node.path)
    specs = [f"'{name}[{_zsh_escape(o.help)}]{_zsh_value(o)}'" for o in node.options for name in o.names]
    lines = [f"{fn}() {{"]
    if not node.children:
        return lines + [f"    _arguments {' '.join(specs)} '*:file:_files'", "}", ""]
    lines += ["    local -a subcommands", "    subcommands=("]
    lines += [f"        '{c.path[-1]}:{_zsh_escape(c.help)}'" for c in node.children]
    lines += ["    )", f"    _arguments -C {' '.join(specs)} '1: :->cmd' '*:: :->args'", "    case $state in",
              "        cmd) _describe 'command' subcommands ;;", "        args) case $words[1] in"]
    for c in node.children:
        lines.append(f"            {c.path[-1]}) {'_' + '_'.join(p.replace('-', '_') for p in c.path)} ;;")
    return lines + ["        esac ;;", "    esac", "}", ""]


def _zsh(root: Node) -> str:
    lines = ["#compdef llmdev", "# zsh completion for llmdev (generated by `llmdev completions zsh`; do not edit)", ""]
    lines += ["__llmdev_model_names() {", "    local -a models", f'    models=(${{(f)"$({LIST_MODELS})"}})', "    compadd -a models", "}", ""]
    for node in walk(root):
        lines += _zsh_function(node)
    lines.append('_llmdev "$@"')
    lines.append("")
    return "\n".join(lines)


def _fish_escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("'", "\\'")


def _fish_path_function(root: Node) -> list[str]:
    """`__llmdev_path`: the (sub)command the command line is in, skipping options and their values."""
    takes_value = [f"'{node.key}|{name}'" for node, option in _value_options(root) for name in option.names]
    moves = [(f"'{node.key}|{child.path[-1]}'", f"'{child.key}'") for node in walk(root) for child in node.children]
    lines = [
        "function __llmdev_path --description 'the llmdev command being completed'",
        "    set -l path llmdev",
        "    set -l skip 0",
        "    for word in (commandline -opc)[2..-1]",
        "        if test $skip = 1",
        "            set skip 0",
        "            continue",
        "        end",
        '        switch "$path|$word"',
        f"            case {' '.join(takes_value)}",
        "                set skip 1",
        "                continue",
        "        end",
        "        string match -q -- '-*' $word; and continue",
        '        switch "$path|$word"',
    ]
    for pattern, target in moves:
        lines += [f"            case {pattern}", f"                set path {target}"]
    return lines + ["        end", "    end", "    echo $path", "end"]


def _fish(root: Node) -> str:
    lines = ["# fish completion for llmdev (generated by `llmdev completions fish`; do not edit)"]
    lines += _fish_path_function(root)
    lines += [
        "function __llmdev_at --description 'whether the command line is in exactly this llmdev command'",
        "    set -l line (commandline -pc)",
        '    if test "$line" != "$__llmdev_line"  # one walk per command line, not one per candidate',
        "        set -g __llmdev_line $line",
        "        set -g __llmdev_where (__llmdev_path)",
        "    end",
        '    test "$__llmdev_where" = "$argv[1]"',
        "end",
    ]
    for node in walk(root):
        condition = f"-n '__llmdev_at \"{node.key}\"'"
        for child in node.children:
            lines.append(f"complete -c llmdev {condition} -f -a {child.path[-1]} -d '{_fish_escape(child.help)}'")
        for option in node.options:
            flags = " ".join(f"-l {n[2:]}" if n.startswith("--") else f"-s {n[1:]}" for n in option.names)
            if option.models:
                value = f" -x -a '({LIST_MODELS})'"
            elif option.choices:
                value = f" -x -a '{' '.join(option.choices)}'"
            else:
                value = " -r" if option.takes_value else ""
            lines.append(f"complete -c llmdev {condition} {flags}{value} -d '{_fish_escape(option.help)}'")
    lines.append("")
    return "\n".join(lines)


def generate(shell: str, root_command: Any) -> str:
    """The completion script for `shell` ("bash", "zsh" or "fish")."""
    tree = command_tree(root_command)
    return {"bash": _bash, "zsh": _zsh, "fish": _fish}[shell](tree)


FILENAMES = {"bash": "llmdev.bash", "zsh": "_llmdev", "fish": "llmdev.fish"}


def render_all() -> dict[str, str]:
    """Every shipped completion file name with its content, from the full CLI."""
    import typer

    from llmdev.cli import build_app

    root = typer.main.get_command(build_app())
    return {FILENAMES[shell]: generate(shell, root) for shell in SHELLS}


if __name__ == "__main__":  # python -m llmdev.completions completions/
    import sys
    from pathlib import Path

    target = Path(sys.argv[1] if len(sys.argv) > 1 else "completions")
    for name, text in render_all().items():
        (target / name).write_text(text, encoding="utf-8")
        print(f"wrote {target / name}")
