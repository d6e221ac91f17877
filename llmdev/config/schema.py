"""What a configuration file may contain. Unknown keys are errors, so typos are caught."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProviderConfig(Strict):
    """A model server: `ollama/...` and `openai/...` are built in; others are declared."""

    kind: Literal["ollama", "openai"]
    base_url: str | None = None
    api_key_env: str | None = None
    timeout: float | None = Field(default=None, gt=0, description="seconds; defaults to [request] timeout")


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


def default_aliases() -> dict[str, str]:
    return {"local": "ollama/llama3.1:8b", "gpt4o": "openai/gpt-4o", "gpt4o-mini": "openai/gpt-4o-mini"}


def default_providers() -> dict[str, ProviderConfig]:
    return {
        "ollama": ProviderConfig(kind="ollama", base_url="http://127.0.0.1:11434"),
        "openai": ProviderConfig(kind="openai", base_url="https://api.openai.com/v1", api_key_env="OPENAI_API_KEY"),
    }


class Settings(Strict):
    """The effective configuration after all layers are merged."""

    model: str = "local"
    aliases: dict[str, str] = Field(default_factory=default_aliases)
    providers: dict[str, ProviderConfig] = Field(default_factory=default_providers)
    commands: dict[str, CommandConfig] = Field(default_factory=dict)
    request: RequestConfig = Field(default_factory=RequestConfig)
    ollama: OllamaConfig = Field(default_factory=OllamaConfig)
