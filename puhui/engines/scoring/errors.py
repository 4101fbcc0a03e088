"""Errors of the scoring engine.

Class names are English (code catches them); messages are Simplified Chinese (staff read them).
Validation collects every problem before raising: `.problems` lists each message.
"""

from __future__ import annotations


class ScoringError(Exception):
    """Base class: `str(err)` is the Chinese message, `.problems` the list of single problems."""

    def __init__(self, problems: str | list[str]):
        problems = [problems] if isinstance(problems, str) else list(problems)
        if len(problems) == 1:
            message = problems[0]
        else:
            message = "\n".join(
                [f"共有 {len(problems)} 处问题："] + [f"  {i}. {p}" for i, p in enumerate(problems, 1)]
            )
        super().__init__(message)
        self.message = message
        self.problems = problems


class ConfigError(ScoringError):
    """An expert scorecard configuration or a model file that cannot be used."""


class ForbiddenCharacteristicError(ConfigError):
    """A political, moral, welfare-status or legally protected item used as a scoring item."""


class DataError(ScoringError):
    """Input data that cannot be scored or trained on (missing columns, bad target values…)."""
