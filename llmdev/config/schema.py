"""What a configuration file may contain. Unknown keys are errors, so typos are caught."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderConfig(Strict):
    """A model server: `ollama/...` and `openai/...` are built in; others are declared."""

    kind: Literal["ollama", "openai"]
    base_url: str | None = None
    api_key_env: str | None = None
    timeout: float | None = Field(default=None, gt=0, description="seconds; defaults to [request] timeout")
    local: bool | None = Field(default=None, description="runs where privacy rules need not apply; default: ollama, or a loopback base_url")
    concurrency: int | None = Field(
        default=None, ge=1, le=64,
        description="requests in flight at once; default: OLLAMA_NUM_PARALLEL or 2 (ollama), 8 (api.openai.com), 4 (other servers)",
    )


class CommandConfig(Strict):
    model: str | None = None


class RequestConfig(Strict):
    timeout: float = Field(default=300.0, gt=0, description="seconds to wait for a model reply")
    connect_timeout: float = Field(default=5.0, gt=0)
    temperature: float | None = Field(default=None, ge=0, le=2)
    seed: int | None = None
    max_output_tokens: int | None = Field(default=None, gt=0)
    max_retries: int = Field(default=2, ge=0, le=10)


class OllamaConfig(Strict):
    keep_alive: str = "5m"
    num_ctx: int | None = Field(default=None, gt=0, description="fixed context window; default: sized from the model")
    min_ctx: int = Field(default=8192, gt=0, description="smallest num_ctx llmdev sends")


Severity = Literal["info", "low", "medium", "high", "critical"]


class ReviewHookConfig(Strict):
    """The git pre-commit / prepare-commit-msg hooks."""

    block_on: Severity = Field(default="high", description="block the commit on findings at or above this severity")
    timeout: float = Field(default=120.0, gt=0, description="seconds the hook waits for the model before letting the commit through")
    fail_closed: bool = Field(default=False, description="block the commit when the model is unreachable or too slow")
    commit_msg: bool = Field(default=False, description="`llmdev hook install` also installs prepare-commit-msg")


class ReviewConfig(Strict):
    """`llmdev review`, the hooks and the CI job."""

    rules: list[str] = Field(default_factory=list, description="the project's review rules, added to every review prompt")
    rules_file: str = Field(default="REVIEW.md", description="repository file with more rules, read when present")
    fail_on: Severity | Literal["never"] = Field(default="never", description="exit 1 on findings at or above this")
    min_severity: Severity = Field(default="info", description="findings below this are dropped")
    exclude: list[str] = Field(default_factory=list, description="gitignore-style patterns of files never reviewed")
    baseline: str = Field(default=".llmdev/review-baseline.json", description="repository file of dismissed findings")
    cache: bool = Field(default=True, description="reuse results for an identical request")
    max_requests: int = Field(default=12, ge=1, le=200, description="most model requests one review may make")
    context_lines: int = Field(default=3, ge=0, le=50, description="unchanged lines around each hunk")
    output_tokens: int = Field(default=2048, ge=256, description="room kept in the context window for the reply")
    max_request_tokens: int = Field(default=32768, ge=2048, description="most tokens one review request uses, even in a larger window")
    hook: ReviewHookConfig = Field(default_factory=ReviewHookConfig)

    @field_validator("rules", mode="before")
    @classmethod
    def _rules_as_list(cls, value: object) -> object:
        return [value] if isinstance(value, str) else value  # a single multi-line string is one rule block


class FilesConfig(Strict):
    """Which repository files llmdev reads, on top of .gitignore and .llmdevignore."""

    exclude: list[str] = Field(default_factory=list, description="gitignore-style patterns to leave out")
    max_file_kb: int = Field(default=1024, gt=0, description="files (and file diffs) larger than this are skipped")


class IndexConfig(Strict):
    """The code index, `llmdev map` and `llmdev context`."""

    map_tokens: int = Field(default=2048, gt=0, description="default token budget of `llmdev map`")
    context_tokens: int = Field(default=8000, gt=0, description="default token budget of `llmdev context`")


class ContextConfig(Strict):
    """How the files of a task's context are found (`llmdev context`, `gen` and chat's `/edit`)."""

    locate: Literal["lexical", "model"] = Field(
        default="lexical",
        description="lexical: llmdev's ranking alone; model: the model first picks files from a map of the best-ranked ones (one cached request per task; the model is --model, else [commands.locate] model, else the default)",
    )
    locate_files: int = Field(default=30, ge=5, le=200, description="files in the map the model picks from")


class ChatConfig(Strict):
    """`llmdev chat`."""

    output_tokens: int = Field(default=2048, ge=256, description="room kept in the context window for each answer")
    map_tokens: int = Field(default=1024, ge=0, description="tokens of repository map in each prompt; 0 leaves it out")
    submit: Literal["enter", "alt-enter"] = Field(default="enter", description="the key that sends a message; the other one adds a line")
    history: bool = Field(default=True, description="keep typed input across sessions, per repository")


def default_aliases() -> dict[str, str]:
    return {"local": "ollama/llama3.1:8b", "gpt4o": "openai/gpt-4o", "gpt4o-mini": "openai/gpt-4o-mini"}


class PrivacyConfig(Strict):
    """What may be sent to a remote model (see docs/routing.md)."""

    enabled: bool = True
    action: Literal["reroute", "redact", "refuse"] = Field(default="redact", description="what to do with a prompt holding secrets or private files")
    local_model: str = Field(default="local", description="model used when action is reroute")
    reroute_locked: bool = Field(default=False, description="reroute even when --model named the remote model (else refuse)")
    paths: list[str] = Field(default_factory=list, description="more gitignore-style patterns never sent remotely, on top of the built-ins")
    allow_paths: list[str] = Field(default_factory=list, description="patterns exempted from the private paths")
    allow_kinds: list[str] = Field(default_factory=list, description="secret kinds not checked, e.g. jwt")
    allowlist: list[str] = Field(default_factory=list, description="regular expressions of values that are not secrets")


class PriceConfig(Strict):
    input: float = Field(default=0.0, ge=0, description="USD per 1M input tokens")
    cached_input: float | None = Field(default=None, ge=0, description="USD per 1M cached input tokens")
    output: float = Field(default=0.0, ge=0, description="USD per 1M output tokens")
    per_hour: float = Field(default=0.0, ge=0, description="USD per hour the model works (local hardware)")


def default_prices() -> dict[str, PriceConfig]:
    return {
        "openai/gpt-4o": PriceConfig(input=2.50, cached_input=1.25, output=10.00),
        "openai/gpt-4o-mini": PriceConfig(input=0.15, cached_input=0.075, output=0.60),
    }


class BudgetConfig(Strict):
    per_run_usd: float | None = Field(default=None, ge=0, description="most one llmdev run may spend on remote models")
    per_day_usd: float | None = Field(default=None, ge=0, description="most a day may spend (from the usage log)")
    expected_output_tokens: int = Field(default=1000, gt=0, description="reply size assumed when a request sets no maximum")


class UsageConfig(Strict):
    log: bool = Field(default=True, description="record every model call in the usage database")
    compare_with: str = Field(default="openai/gpt-4o", description="remote model local traffic is priced against")


class PluginsConfig(Strict):
    disable: list[str] = Field(default_factory=list, description="plugin names not to load")
    local: list[str] = Field(default_factory=list, description="plugin files or folders to load; a repository's only after `llmdev plugins trust`")


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

    context_tokens: int = Field(default=6000, ge=500, description="tokens of file contents in the prompt")
    map_tokens: int = Field(default=1024, ge=0, description="tokens of repository map in the prompt; 0 leaves it out")
    edit_format: dict[str, Literal["search-replace", "whole"]] = Field(
        default_factory=dict,
        description="edit format by model (provider/model, or a glob such as 'ollama/*'); unset: whole files for small models, search-replace for GPT-4-class and 30B+ models",
    )


class DebugConfig(Strict):
    """`llmdev debug`."""

    timeout: float = Field(default=300.0, gt=0, description="seconds the command may run before it is stopped")
    max_rounds: int = Field(default=3, ge=1, le=10, description="fix-and-re-run rounds of `llmdev debug --fix`")
    output_chars: int = Field(default=12000, ge=1000, description="characters of the command's output (its end) in the prompt")



class EvalConfig(Strict):
    """`llmdev eval` and `llmdev dataset export`: tasks mined from the repository's history."""

    limit: int = Field(default=25, ge=1, description="most tasks of each kind per run (newest first)")
    context_tokens: int = Field(default=8000, gt=0, description="token budget of the context a localisation task scores")
    max_files: int = Field(default=6, ge=1, description="commits changing more source files than this make no task")
    max_lines: int = Field(default=400, ge=1, description="commits changing more lines than this make no task")
    fix_pattern: str = Field(
        default=r"\b(fix(e[sd]|ing)?|bug(fix)?|regression|crash(es|ed)?|broken|incorrect|wrong)\b",
        description="regular expression (case-insensitive) on a commit message that marks a fix",
    )
    line_slack: int = Field(default=3, ge=0, le=50, description="a review finding this many lines from a fixed line still counts")


class ModelfileConfig(Strict):
    """`llmdev modelfile`: an Ollama model tuned for this repository."""

    base: str = Field(default="llama3.1:8b", description="the Ollama model the project model is built FROM")
    alias: str = Field(default="project", description="the alias `llmdev modelfile` registers for it")
    max_ctx: int = Field(default=32768, ge=2048, description="largest num_ctx it will choose")


class Settings(Strict):
    """The effective configuration after all layers are merged."""

    model: str = "local"
    aliases: dict[str, str] = Field(default_factory=default_aliases)
    providers: dict[str, ProviderConfig] = Field(default_factory=default_providers)
    context_windows: dict[str, int] = Field(
        default_factory=default_context_windows,
        description="context window in tokens by model ref (provider/model), for servers that do not report one",
    )
    commands: dict[str, CommandConfig] = Field(default_factory=dict)
    request: RequestConfig = Field(default_factory=RequestConfig)
    ollama: OllamaConfig = Field(default_factory=OllamaConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    prices: dict[str, PriceConfig] = Field(default_factory=default_prices)
    budget: BudgetConfig = Field(default_factory=BudgetConfig)
    usage: UsageConfig = Field(default_factory=UsageConfig)
    plugins: PluginsConfig = Field(default_factory=PluginsConfig)
    chat: ChatConfig = Field(default_factory=ChatConfig)
    files: FilesConfig = Field(default_factory=FilesConfig)
    index: IndexConfig = Field(default_factory=IndexConfig)
    context: ContextConfig = Field(default_factory=ContextConfig)
    review: ReviewConfig = Field(default_factory=ReviewConfig)
    gen: GenConfig = Field(default_factory=GenConfig)
    debug: DebugConfig = Field(default_factory=DebugConfig)
    eval: EvalConfig = Field(default_factory=EvalConfig)
    modelfile: ModelfileConfig = Field(default_factory=ModelfileConfig)
