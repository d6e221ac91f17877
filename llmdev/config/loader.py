"""Read, merge and validate the configuration layers, remembering where each value came from."""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Mapping

from llmdev.errors import ConfigError

if TYPE_CHECKING:
    from llmdev.config.schema import Problem, Settings

REPO_CONFIG = ".llmdev.toml"
DEFAULT_SOURCE = "default"


@dataclass
class Layer:
    source: str
    data: dict[str, Any]


@dataclass
class LoadedConfig:
    """The merged settings plus, for every leaf key, the layer that set it."""

    settings: Settings
    sources: dict[str, str] = field(default_factory=dict)
    files: list[Path] = field(default_factory=list)
    repo_root: Path | None = None
    warnings: list[str] = field(default_factory=list)

    def source_of(self, dotted: str) -> str:
        return self.sources.get(dotted, DEFAULT_SOURCE)


def _platform_dir(kind: str, xdg_var: str, xdg_default: str) -> Path:
    """platformdirs' answer; on Linux the XDG rule it follows, without its import cost at start-up."""
    if sys.platform.startswith("linux"):
        base = os.environ.get(xdg_var, "").strip()
        return Path(base if os.path.isabs(base) else os.path.expanduser(xdg_default)) / "llmdev"
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")("llmdev", appauthor=False))


def user_config_dir() -> Path:
    override = os.environ.get("LLMDEV_CONFIG_DIR")
    if override:
        return Path(override).expanduser()
    return _platform_dir("config", "XDG_CONFIG_HOME", "~/.config")


def user_data_dir() -> Path:
    """Where llmdev keeps its own data: LLMDEV_DATA_DIR, or the platform's user data dir."""
    override = os.environ.get("LLMDEV_DATA_DIR")
    if override:
        return Path(override).expanduser()
    return _platform_dir("data", "XDG_DATA_HOME", "~/.local/share")


def user_cache_dir() -> Path:
    """Where llmdev keeps caches (code index fallback, review results): LLMDEV_CACHE_DIR wins."""
    override = os.environ.get("LLMDEV_CACHE_DIR")
    if override:
        return Path(override).expanduser()
    return _platform_dir("cache", "XDG_CACHE_HOME", "~/.cache")


def user_config_path() -> Path:
    return user_config_dir() / "config.toml"


def find_repo_root(start: Path | None = None) -> Path | None:
    """The nearest directory at or above `start` holding `.git` (a dir, or a file in worktrees)."""
    here = (start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / ".git").exists():
            return candidate
    return None


def normalize_ollama_host(value: str) -> str:
    """Accept OLLAMA_HOST as `host`, `host:port`, `:port` or a URL, as Ollama does."""
    scheme, sep, rest = value.strip().rstrip("/").partition("://")
    if not sep:
        scheme, rest = "http", scheme
    rest, _, path = rest.partition("/")
    host, sep, port = rest.rpartition(":")
    if not sep or "]" in port:
        host, port = rest, ""
    if host in ("", "0.0.0.0", "[::]"):
        host = "127.0.0.1"
    port = port or ("443" if scheme == "https" else "11434")
    return f"{scheme}://{host}:{port}" + (f"/{path}" if path else "")


def read_toml(path: Path) -> dict[str, Any]:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})", "fix the file or remove it") from exc
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from exc


def repo_layer(root: Path) -> Layer | None:
    own = root / REPO_CONFIG
    if own.is_file():
        return Layer(str(own), read_toml(_own_file(root, REPO_CONFIG)))
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        pyproject = _own_file(root, "pyproject.toml")
        section = read_toml(pyproject).get("tool", {}).get("llmdev")
        if isinstance(section, dict):
            return Layer(f"{pyproject} [tool.llmdev]", section)
    return None


def _own_file(root: Path, name: str) -> Path:
    """The repository's config file `name`, refused when it leads outside the work tree: a committed
    link to /proc/self/environ must not be parsed, and its values echoed in errors. Refusing, not
    skipping: the file may hold routing rules that keep code local."""
    from llmdev.repo.files import where_inside

    if where_inside(root, name) is None:
        raise ConfigError(f"{root / name} leads outside the repository or into .git (a symbolic link)", "make it a file of the repository, or remove it")
    return root / name


def env_layer(environ: Mapping[str, str]) -> Layer | None:
    data: dict[str, Any] = {}
    if environ.get("LLMDEV_MODEL"):
        data["model"] = environ["LLMDEV_MODEL"]
    if environ.get("OLLAMA_HOST"):
        data.setdefault("providers", {})["ollama"] = {"base_url": normalize_ollama_host(environ["OLLAMA_HOST"])}
    if environ.get("OPENAI_BASE_URL"):
        data.setdefault("providers", {})["openai"] = {"base_url": environ["OPENAI_BASE_URL"].rstrip("/")}
    return Layer("environment", data) if data else None


def merge(base: dict[str, Any], top: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def leaf_keys(data: Mapping[str, Any], prefix: str = "") -> list[str]:
    keys: list[str] = []
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if isinstance(value, Mapping) and value:
            keys.extend(leaf_keys(value, dotted + "."))
        else:
            keys.append(dotted)
    return keys


def _blame(loc: tuple[Any, ...], sources: dict[str, str]) -> str:
    """The layer that set the key at `loc`, or the nearest enclosing table."""
    parts = [str(p) for p in loc]
    for end in range(len(parts), 0, -1):
        dotted = ".".join(parts[:end])
        if dotted in sources:
            return sources[dotted]
        nested = [s for k, s in sources.items() if k.startswith(dotted + ".")]
        if nested:
            return nested[-1]
    return DEFAULT_SOURCE


def validate(merged: dict[str, Any], sources: dict[str, str]) -> Any:
    from llmdev.config.schema import SchemaError, Settings, parse

    try:
        return parse(Settings, merged)
    except SchemaError as exc:
        raise ConfigError(
            "; ".join(_problems(exc.problems, sources)),
            "see `llmdev config show` for valid keys and `llmdev config path` for the files",
        ) from None


def _problems(problems: list[Problem], sources: dict[str, str]) -> list[str]:
    """Every validation problem, naming its file and key; a file's unknown keys in one entry."""
    unknown: dict[str, list[str]] = {}
    others = []
    for problem in problems:
        where = _blame(problem.loc, sources)
        if problem.unknown:
            unknown.setdefault(where, []).append(problem.key)
        else:
            others.append(f"{where}: {problem.key}: {problem.message}")
    named = [f"{where}: {keys[0]}: unknown key" if len(keys) == 1 else f"{where}: unknown keys {', '.join(keys)}"
             for where, keys in unknown.items()]
    return named + others


def load_config(
    *,
    cwd: Path | None = None,
    environ: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> LoadedConfig:
    """Merge every layer, validate, and return the settings with their provenance."""
    from llmdev.config.schema import Settings, dump

    environ = os.environ if environ is None else environ
    root = find_repo_root(cwd)
    layers: list[Layer] = []
    files: list[Path] = []
    user_path = user_config_path()
    if user_path.is_file():
        layers.append(Layer(str(user_path), read_toml(user_path)))
        files.append(user_path)
    warnings: list[str] = []
    if root is not None and (layer := repo_layer(root)) is not None:
        from llmdev.config.trust import untrusted_providers

        if (refused := untrusted_providers(root, layer.data)) is not None:
            layer.data = {k: v for k, v in layer.data.items() if k != "providers"}
            warnings.append(refused)
        layers.append(layer)
        files.append(Path(layer.source.split(" [", 1)[0]))
    if (layer := env_layer(environ)) is not None:
        layers.append(layer)
    if flags := {k: v for k, v in (flags or {}).items() if v is not None}:
        layers.append(Layer("command line", dict(flags)))

    merged: dict[str, Any] = dump(Settings(), drop_none=True)
    sources: dict[str, str] = {}
    for layer in layers:
        merged = merge(merged, layer.data)
        for key in leaf_keys(layer.data):
            sources[key] = layer.source
    settings = validate(merged, sources)
    return LoadedConfig(settings=settings, sources=sources, files=files, repo_root=root, warnings=warnings)
