"""What a configuration file may contain. Unknown keys are errors, so typos are caught.

The tables are msgspec structs: they import and validate in a few milliseconds, which every command
pays at start-up. `parse` checks a whole table and reports every problem, not only the first.
"""

import functools
from typing import Annotated, Any, Callable, Literal, Mapping, NamedTuple, TypeVar

import msgspec
from msgspec import Meta, field
from msgspec.structs import replace

__all__ = ["Problem", "SchemaError", "dump", "parse", "replace"]

T = TypeVar("T", bound="Strict")


class Strict(msgspec.Struct, forbid_unknown_fields=True, kw_only=True):
    """A configuration table: unknown keys are errors; fields are passed by name."""


class Problem(NamedTuple):
    """One thing wrong in a configuration table: where (key path) and what."""

    loc: tuple[str, ...]
    message: str
    unknown: bool = False

    @property
    def key(self) -> str:
        """The dotted key, list positions in brackets: `review.rules[2]`."""
        return ".".join(self.loc).replace(".[", "[")


class SchemaError(ValueError):
    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.key}: {p.message}" for p in problems))
        self.problems = problems


def parse(cls: type[T], data: Any) -> T:
    """`data` (plain TOML values) checked against `cls`, every problem at once in a `SchemaError`."""
    problems: list[Problem] = []
    value = _table(cls, data, (), problems)
    if problems:
        raise SchemaError(problems)
    return value


def dump(table: Strict, *, drop_none: bool = False) -> dict[str, Any]:
    """Plain values (dicts, lists, str, numbers, bool, None), as a TOML file would give them."""
    data = msgspec.to_builtins(table)
    return _without_none(data) if drop_none else data


def _without_none(data: dict[str, Any]) -> dict[str, Any]:
    return {k: _without_none(v) if isinstance(v, dict) else v for k, v in data.items() if v is not None}


def _table(cls: type[T], data: Any, loc: tuple[str, ...], problems: list[Problem]) -> T:
    if not isinstance(data, Mapping):
        problems.append(Problem(loc, f"expected a table, got {type(data).__name__}"))
        return None  # type: ignore[return-value]
    fields = _fields(cls)
    values: dict[str, Any] = {}
    for key, raw in data.items():
        spec = fields.get(key)
        if spec is None:
            problems.append(Problem((*loc, str(key)), "unknown key", unknown=True))
            continue
        before = BEFORE.get((cls, key))
        values[key] = _value(spec.type, before(raw) if before else raw, (*loc, key), problems)
    for name, spec in fields.items():
        if name not in data and spec.default is msgspec.NODEFAULT and spec.default_factory is msgspec.NODEFAULT:
            problems.append(Problem((*loc, name), "missing: this key is required"))
    return None if problems else cls(**values)  # type: ignore[return-value]


@functools.lru_cache(maxsize=None)
def _fields(cls: type[Strict]) -> dict[str, msgspec.structs.FieldInfo]:
    return {f.name: f for f in msgspec.structs.fields(cls)}


def _value(kind: Any, raw: Any, loc: tuple[str, ...], problems: list[Problem]) -> Any:
    if isinstance(kind, type) and issubclass(kind, Strict):
        return _table(kind, raw, loc, problems)
    bare = kind.__origin__ if hasattr(kind, "__metadata__") else kind  # Annotated[dict[...], Meta(description)]
    if getattr(bare, "__origin__", None) is dict:  # each entry checked on its own, so errors name its key
        if not isinstance(raw, Mapping):
            problems.append(Problem(loc, f"expected a table, got {type(raw).__name__}"))
            return None
        return {str(k): _value(bare.__args__[1], v, (*loc, str(k)), problems) for k, v in raw.items()}
    try:
        return msgspec.convert(raw, kind)
    except msgspec.ValidationError as exc:
        message, _, at = str(exc).partition(" - at `$")
        inner = at.rstrip("`").lstrip(".")  # where inside the value: a list position such as [2]
        problems.append(Problem((*loc, inner) if inner else loc, message[:1].lower() + message[1:]))
        return None


class ProviderConfig(Strict):
    """A model server: `ollama/...` and `openai/...` are built in; others are declared."""

    kind: Literal["ollama", "openai"]
    base_url: str | None = None
    api_key_env: str | None = None
    timeout: Annotated[float, Meta(gt=0, description="seconds; defaults to [request] timeout")] | None = None
    local: Annotated[bool, Meta(description="runs where privacy rules need not apply; default: ollama, or a loopback base_url")] | None = None
    concurrency: Annotated[int, Meta(ge=1, le=64, description="requests in flight at once; default: OLLAMA_NUM_PARALLEL or 2 (ollama), 8 (api.openai.com), 4 (other servers)")] | None = None


class CommandConfig(Strict):
    model: str | None = None


class RequestConfig(Strict):
    timeout: Annotated[float, Meta(gt=0, description="seconds to wait for a model reply")] = 300.0
    connect_timeout: Annotated[float, Meta(gt=0)] = 5.0
    temperature: Annotated[float, Meta(ge=0, le=2)] | None = None
    seed: int | None = None
    max_output_tokens: Annotated[int, Meta(gt=0)] | None = None
    max_retries: Annotated[int, Meta(ge=0, le=10)] = 2


class OllamaConfig(Strict):
    keep_alive: str = "5m"
    num_ctx: Annotated[int, Meta(gt=0, description="fixed context window; default: sized from the model")] | None = None
    min_ctx: Annotated[int, Meta(gt=0, description="smallest num_ctx llmdev sends")] = 8192


Severity = Literal["info", "low", "medium", "high", "critical"]


class ReviewHookConfig(Strict):
    """The git pre-commit / prepare-commit-msg hooks."""

    block_on: Annotated[Severity, Meta(description="block the commit on findings at or above this severity")] = "high"
    timeout: Annotated[float, Meta(gt=0, description="seconds the hook waits for the model before letting the commit through")] = 120.0
    fail_closed: Annotated[bool, Meta(description="block the commit when the model is unreachable or too slow")] = False
    commit_msg: Annotated[bool, Meta(description="`llmdev hook install` also installs prepare-commit-msg")] = False


class ReviewConfig(Strict):
    """`llmdev review`, the hooks and the CI job."""

    rules: Annotated[list[str], Meta(description="the project's review rules, added to every review prompt")] = field(default_factory=list)
    rules_file: Annotated[str, Meta(description="repository file with more rules, read when present")] = "REVIEW.md"
    fail_on: Annotated[Severity | Literal["never"], Meta(description="exit 1 on findings at or above this")] = "never"
    min_severity: Annotated[Severity, Meta(description="findings below this are dropped")] = "info"
    exclude: Annotated[list[str], Meta(description="gitignore-style patterns of files never reviewed")] = field(default_factory=list)
    baseline: Annotated[str, Meta(description="repository file of dismissed findings")] = ".llmdev/review-baseline.json"
    cache: Annotated[bool, Meta(description="reuse results for an identical request")] = True
    max_requests: Annotated[int, Meta(ge=1, le=200, description="most model requests one review may make")] = 12
    context_lines: Annotated[int, Meta(ge=0, le=50, description="unchanged lines around each hunk")] = 3
    output_tokens: Annotated[int, Meta(ge=256, description="room kept in the context window for the reply")] = 2048
    max_request_tokens: Annotated[int, Meta(ge=2048, description="most tokens one review request uses, even in a larger window")] = 32768
    hook: ReviewHookConfig = field(default_factory=ReviewHookConfig)


class FilesConfig(Strict):
    """Which repository files llmdev reads, on top of .gitignore and .llmdevignore."""

    exclude: Annotated[list[str], Meta(description="gitignore-style patterns to leave out")] = field(default_factory=list)
    max_file_kb: Annotated[int, Meta(gt=0, description="files (and file diffs) larger than this are skipped")] = 1024


class IndexConfig(Strict):
    """The code index, `llmdev map` and `llmdev context`."""

    map_tokens: Annotated[int, Meta(gt=0, description="default token budget of `llmdev map`")] = 2048
    context_tokens: Annotated[int, Meta(gt=0, description="default token budget of `llmdev context`")] = 8000


class ContextConfig(Strict):
    """How the files of a task's context are found (`llmdev context`, `gen` and chat's `/edit`)."""

    locate: Annotated[Literal["lexical", "model"], Meta(description="lexical: llmdev's ranking alone; model: the model first picks files from a map of the best-ranked ones (one cached request per task; the model is --model, else [commands.locate] model, else the default)")] = "lexical"
    locate_files: Annotated[int, Meta(ge=5, le=200, description="files in the map the model picks from")] = 30


class ChatConfig(Strict):
    """`llmdev chat`."""

    output_tokens: Annotated[int, Meta(ge=256, description="room kept in the context window for each answer")] = 2048
    map_tokens: Annotated[int, Meta(ge=0, description="tokens of repository map in each prompt; 0 leaves it out")] = 1024
    submit: Annotated[Literal["enter", "alt-enter"], Meta(description="the key that sends a message; the other one adds a line")] = "enter"
    history: Annotated[bool, Meta(description="keep typed input across sessions, per repository")] = True


def default_aliases() -> dict[str, str]:
    return {"local": "ollama/llama3.1:8b", "gpt4o": "openai/gpt-4o", "gpt4o-mini": "openai/gpt-4o-mini"}


class PrivacyConfig(Strict):
    """What may be sent to a remote model (see docs/routing.md)."""

    enabled: bool = True
    action: Annotated[Literal["reroute", "redact", "refuse"], Meta(description="what to do with a prompt holding secrets or private files")] = "redact"
    local_model: Annotated[str, Meta(description="model used when action is reroute")] = "local"
    reroute_locked: Annotated[bool, Meta(description="reroute even when --model named the remote model (else refuse)")] = False
    paths: Annotated[list[str], Meta(description="more gitignore-style patterns never sent remotely, on top of the built-ins")] = field(default_factory=list)
    allow_paths: Annotated[list[str], Meta(description="patterns exempted from the private paths")] = field(default_factory=list)
    allow_kinds: Annotated[list[str], Meta(description="secret kinds not checked, e.g. jwt")] = field(default_factory=list)
    allowlist: Annotated[list[str], Meta(description="regular expressions of values that are not secrets")] = field(default_factory=list)


class PriceConfig(Strict):
    input: Annotated[float, Meta(ge=0, description="USD per 1M input tokens")] = 0.0
    cached_input: Annotated[float, Meta(ge=0, description="USD per 1M cached input tokens")] | None = None
    output: Annotated[float, Meta(ge=0, description="USD per 1M output tokens")] = 0.0
    per_hour: Annotated[float, Meta(ge=0, description="USD per hour the model works (local hardware)")] = 0.0


def default_prices() -> dict[str, PriceConfig]:
    return {
        "openai/gpt-4o": PriceConfig(input=2.50, cached_input=1.25, output=10.00),
        "openai/gpt-4o-mini": PriceConfig(input=0.15, cached_input=0.075, output=0.60),
    }


class BudgetConfig(Strict):
    per_run_usd: Annotated[float, Meta(ge=0, description="most one llmdev run may spend on remote models")] | None = None
    per_day_usd: Annotated[float, Meta(ge=0, description="most a day may spend (from the usage log)")] | None = None
    expected_output_tokens: Annotated[int, Meta(gt=0, description="reply size assumed when a request sets no maximum")] = 1000


class UsageConfig(Strict):
    log: Annotated[bool, Meta(description="record every model call in the usage database")] = True
    compare_with: Annotated[str, Meta(description="remote model local traffic is priced against")] = "openai/gpt-4o"


class PluginsConfig(Strict):
    disable: Annotated[list[str], Meta(description="plugin names not to load")] = field(default_factory=list)
    local: Annotated[list[str], Meta(description="plugin files or folders to load; a repository's only after `llmdev plugins trust`")] = field(default_factory=list)


def default_context_windows() -> dict[str, int]:
    """Windows of remote models whose server does not report one (OpenAI's /v1/models does not)."""
    return {"openai/gpt-4o": 128000, "openai/gpt-4o-mini": 128000}


def default_providers() -> dict[str, ProviderConfig]:
    return {
        "ollama": ProviderConfig(kind="ollama", base_url="http://127.0.0.1:11434"),
        "openai": ProviderConfig(kind="openai", base_url="https://api.openai.com/v1", api_key_env="OPENAI_API_KEY"),
    }


class GenConfig(Strict):
    """`llmdev gen` and `llmdev explain`."""

    context_tokens: Annotated[int, Meta(ge=500, description="tokens of file contents in the prompt")] = 6000
    map_tokens: Annotated[int, Meta(ge=0, description="tokens of repository map in the prompt; 0 leaves it out")] = 1024
    edit_format: Annotated[dict[str, Literal["search-replace", "whole"]], Meta(description="edit format by model (provider/model, or a glob such as 'ollama/*'); unset: whole files for small models, search-replace for GPT-4-class and 30B+ models")] = field(default_factory=dict)


class DebugConfig(Strict):
    """`llmdev debug`."""

    timeout: Annotated[float, Meta(gt=0, description="seconds the command may run before it is stopped")] = 300.0
    max_rounds: Annotated[int, Meta(ge=1, le=10, description="fix-and-re-run rounds of `llmdev debug --fix`")] = 3
    output_chars: Annotated[int, Meta(ge=1000, description="characters of the command's output (its end) in the prompt")] = 12000



class EvalConfig(Strict):
    """`llmdev eval` and `llmdev dataset export`: tasks mined from the repository's history."""

    limit: Annotated[int, Meta(ge=1, description="most tasks of each kind per run (newest first)")] = 25
    context_tokens: Annotated[int, Meta(gt=0, description="token budget of the context a localisation task scores")] = 8000
    max_files: Annotated[int, Meta(ge=1, description="commits changing more source files than this make no task")] = 6
    max_lines: Annotated[int, Meta(ge=1, description="commits changing more lines than this make no task")] = 400
    fix_pattern: Annotated[str, Meta(description="regular expression (case-insensitive) on a commit message that marks a fix")] = r"\b(fix(e[sd]|ing)?|bug(fix)?|regression|crash(es|ed)?|broken|incorrect|wrong)\b"
    line_slack: Annotated[int, Meta(ge=0, le=50, description="a review finding this many lines from a fixed line still counts")] = 3


class ModelfileConfig(Strict):
    """`llmdev modelfile`: an Ollama model tuned for this repository."""

    base: Annotated[str, Meta(description="the Ollama model the project model is built FROM")] = "llama3.1:8b"
    alias: Annotated[str, Meta(description="the alias `llmdev modelfile` registers for it")] = "project"
    max_ctx: Annotated[int, Meta(ge=2048, description="largest num_ctx it will choose")] = 32768


class Settings(Strict):
    """The effective configuration after all layers are merged."""

    model: str = "local"
    aliases: dict[str, str] = field(default_factory=default_aliases)
    providers: dict[str, ProviderConfig] = field(default_factory=default_providers)
    context_windows: Annotated[dict[str, int], Meta(description="context window in tokens by model ref (provider/model), for servers that do not report one")] = field(default_factory=default_context_windows)
    commands: dict[str, CommandConfig] = field(default_factory=dict)
    request: RequestConfig = field(default_factory=RequestConfig)
    ollama: OllamaConfig = field(default_factory=OllamaConfig)
    privacy: PrivacyConfig = field(default_factory=PrivacyConfig)
    prices: dict[str, PriceConfig] = field(default_factory=default_prices)
    budget: BudgetConfig = field(default_factory=BudgetConfig)
    usage: UsageConfig = field(default_factory=UsageConfig)
    plugins: PluginsConfig = field(default_factory=PluginsConfig)
    chat: ChatConfig = field(default_factory=ChatConfig)
    files: FilesConfig = field(default_factory=FilesConfig)
    index: IndexConfig = field(default_factory=IndexConfig)
    context: ContextConfig = field(default_factory=ContextConfig)
    review: ReviewConfig = field(default_factory=ReviewConfig)
    gen: GenConfig = field(default_factory=GenConfig)
    debug: DebugConfig = field(default_factory=DebugConfig)
    eval: EvalConfig = field(default_factory=EvalConfig)
    modelfile: ModelfileConfig = field(default_factory=ModelfileConfig)


def _one_block_as_list(value: object) -> object:
    return [value] if isinstance(value, str) else value  # a single multi-line string is one rule block


# Rewrites applied to a key's raw value before it is checked, by (table, key).
BEFORE: dict[tuple[type, str], Callable[[Any], Any]] = {(ReviewConfig, "rules"): _one_block_as_list}
