"""Errors a user can cause or meet, each with the exit code the CLI returns for it."""

from __future__ import annotations

# Exit codes, documented in the README.
EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_MODEL = 3
EXIT_INTERRUPTED = 130


class LlmdevError(Exception):
    """An error with a one-line message and a hint saying what to do next."""

    exit_code = EXIT_FAILURE

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} — {self.hint}" if self.hint else self.message


class UsageError(LlmdevError):
    """Bad input on the command line."""

    exit_code = EXIT_USAGE


class ConfigError(LlmdevError):
    """A configuration file or variable that cannot be used."""

    exit_code = EXIT_USAGE


class ModelError(LlmdevError):
    """A model server that is down, refuses, or answers with an error."""

    exit_code = EXIT_MODEL


class UnknownModelError(ModelError):
    """A model reference or alias that names nothing llmdev knows."""
