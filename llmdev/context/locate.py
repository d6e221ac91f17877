"""Model-assisted localisation: before a task's context is built, the model picks the files the task
needs from a map of the best-ranked ones (path and top symbols, a line each); they go first.

One request per task: the pick is cached by model, options and the exact prompt (task, map and
template), so the same task on the same map asks once. The reply is untrusted: only paths that are
in the map count, anything else is ignored, and a failed request falls back to the lexical ranking
with a warning.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from llmdev.errors import LlmdevError

if TYPE_CHECKING:
    from llmdev.backends.base import ChatOptions, Message
    from llmdev.calls import PreparedCall
    from llmdev.config.loader import LoadedConfig
    from llmdev.context.outline import MapLine

COMMAND = "locate"  # [commands.locate] model picks the model
PROMPT = "locate"
MAX_PICKS = 5
OUTPUT_TOKENS = 400
CACHE_VERSION = "1"  # bump when the prompt's shape or the parsing changes: it is part of cache keys
_FENCED_JSON = re.compile(r"^\s*```(?:json)?\s*\n(.*?)\n\s*```\s*$", re.DOTALL)


def reply_schema() -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {"files": {"type": "array", "items": {"type": "string"}, "description": "paths from the map, most likely first"}},
        "required": ["files"],
        "additionalProperties": False,
    }


@dataclass
class LocateStats:
    """What localisation did, for the user and for `llmdev eval`."""

    model: str = ""
    requests: int = 0
    cache_hits: int = 0
    seconds: float = 0.0
    picked: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {"model": self.model, "requests": self.requests, "cache_hits": self.cache_hits,
                "seconds": round(self.seconds, 3), "picked": self.picked, "warnings": self.warnings}


def parse_picks(text: str, allowed: list[str]) -> list[str] | None:
    """The map's paths the reply picks, in its order, at most MAX_PICKS; None when it is not the JSON asked for."""
    stripped = text.strip()
    fenced = _FENCED_JSON.match(stripped)
    try:
        data = json.loads(fenced.group(1) if fenced else stripped)
    except ValueError:
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list):
        return None
    known = set(allowed)
    picks = [item.strip() for item in files if isinstance(item, str) and item.strip() in known]
    return list(dict.fromkeys(picks))[:MAX_PICKS]


def locate_messages(root: Path | None, query: str, lines: list["MapLine"]) -> list["Message"]:
    """The prompt (prompts/locate/): the task and the map, both fenced as data."""
    from llmdev.context.outline import render_lines
    from llmdev.prompting import build_messages
    from llmdev.provenance import fence

    return build_messages(PROMPT, root, task=fence("text", query), map=render_lines(lines), max_picks=MAX_PICKS)


class ModelLocator:
    """A `Locator` (see llmdev.context.select) that asks a model; `stats` says what happened."""

    def __init__(
        self,
        config: "LoadedConfig",
        model_flag: str | None = None,
        *,
        use_cache: bool = True,
        warn: Callable[[str], None] | None = None,
        inform: Callable[[str], None] | None = None,
        fall_back: bool = True,
    ) -> None:
        """`fall_back=False` raises a failed request's error instead of using the lexical ranking (`llmdev eval`)."""
        self.config = config
        self.model_flag = model_flag
        self.use_cache = use_cache
        self.warn = warn
        self.inform = inform
        self.fall_back = fall_back
        self.map_files: int = config.settings.context.locate_files
        self.stats = LocateStats()

    def __call__(self, query: str, lines: list["MapLine"]) -> list[str]:
        started = time.perf_counter()
        try:
            picks = self._picks(query, lines)
        except LlmdevError as exc:
            if not self.fall_back:
                raise
            self._warn(f"model-assisted localisation failed ({exc}); using the lexical ranking")
            picks = []
        self.stats.seconds += time.perf_counter() - started
        self.stats.picked = picks
        if picks and self.inform is not None:
            self.inform(f"{self.stats.model} picked{' (cached)' if self.stats.cache_hits else ''}: {', '.join(picks)}")
        return picks

    def _picks(self, query: str, lines: list["MapLine"]) -> list[str]:
        from llmdev.calls import execute, prepare

        if not lines:
            return []
        allowed = [line.path for line in lines]
        messages = locate_messages(self.config.repo_root, query, lines)
        prepared = prepare(COMMAND, messages, self.config, model_flag=self.model_flag, options=_options(self.config))
        self.stats.model = str(prepared.model)
        key = cache_key(prepared)
        cached = load_cached(key) if self.use_cache else None
        if cached is not None:
            self.stats.cache_hits += 1
            return [path for path in cached if path in allowed][:MAX_PICKS]
        self.stats.requests += 1
        picks = parse_picks(execute(prepared, self.config).text, allowed)
        if picks is None:
            self._warn(f"{prepared.model} did not answer with the JSON asked for; using the lexical ranking")
            return []
        if self.use_cache:
            store_cached(key, picks, str(prepared.model))
        if not picks:
            self._warn(f"{prepared.model} picked no file from the map; using the lexical ranking")
        return picks

    def _warn(self, message: str) -> None:
        self.stats.warnings.append(message)
        if self.warn is not None:
            self.warn(message)


def _options(config: "LoadedConfig") -> "ChatOptions":
    import dataclasses

    from llmdev.calls import default_options

    settings = config.settings
    base = default_options(settings, temperature=settings.request.temperature or 0.0)
    return dataclasses.replace(base, json_schema=reply_schema(), schema_name=PROMPT, max_output_tokens=OUTPUT_TOKENS)


def cache_root() -> Path:
    from llmdev.config.loader import user_cache_dir

    return user_cache_dir() / "locate"


def cache_key(prepared: "PreparedCall") -> str:
    """A hash of what decides the pick: the model, its options and the messages as sent (task, map, template)."""
    options = {k: v for k, v in vars(prepared.options).items() if v is not None}
    digest = hashlib.sha256(f"locate-cache/{CACHE_VERSION}\0{prepared.model}\0".encode())
    digest.update(json.dumps(options, sort_keys=True, default=str).encode())
    digest.update(prepared.content_sha256().encode())
    return digest.hexdigest()


def _cache_path(key: str) -> Path:
    return cache_root() / key[:2] / f"{key}.json"


def load_cached(key: str) -> list[str] | None:
    """The cached pick, or None when absent or unreadable (a broken entry is a miss)."""
    try:
        data = json.loads(_cache_path(key).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    files = data.get("files") if isinstance(data, dict) else None
    if not isinstance(files, list) or not all(isinstance(item, str) for item in files):
        return None
    return files


def store_cached(key: str, picks: list[str], model: str) -> None:
    """Written atomically, mode 600; a cache that cannot be written only costs the next run a request."""
    from llmdev.privacy.own_files import write_private_text

    try:
        write_private_text(_cache_path(key), json.dumps({"files": picks, "model": model}))
    except OSError:
        pass


def configured_locator(config: "LoadedConfig", model_flag: str | None, mode: str | None = None) -> ModelLocator | None:
    """The locator `mode` (default: [context] locate) asks for: None for lexical. Warnings go to the console."""
    from llmdev import console

    if (mode or config.settings.context.locate) != "model":
        return None
    return ModelLocator(config, model_flag, warn=console.warning, inform=console.info)
