"""Errors of the index engine.

Class names are English (code catches them); messages are Simplified Chinese (staff read them).
Input validation collects every problem before raising: one problem raises its own class, several
raise `InputProblems` whose `.problems` lists each (every error has `.problems`).
"""

from __future__ import annotations


class IndexEngineError(Exception):
    """Base class: `str(err)` is the Chinese message."""

    def __init__(self, message: str, *, row: int | None = None, column: str | None = None):
        super().__init__(message)
        self.message = message
        self.row = row
        self.column = column

    @property
    def problems(self) -> list[IndexEngineError]:
        return [self]


class IndexInputError(IndexEngineError):
    """Malformed data or metadata."""


class UnknownColumnError(IndexInputError):
    """A data column that the metadata does not describe."""


class MissingColumnError(IndexInputError):
    """An indicator (or required column) described by the metadata but absent from the data."""


class MissingParentError(IndexInputError):
    """A Parent that is not an aggregate of the framework, or a missing Parent below the top level."""


class CycleError(IndexInputError):
    """The Parent links loop back on themselves."""


class LevelError(IndexInputError):
    """Levels that do not step by one from child to parent."""


class WeightSumError(IndexInputError):
    """Weights that cannot be normalised within a group (see docs/index-engine.md, "weights rule")."""


class EmptyUnitError(IndexInputError):
    """A unit (row) without a single indicator value."""


class MetadataError(IndexInputError):
    """Any other fault in iMeta (duplicate code, bad Type, Direction, …)."""


class DataError(IndexInputError):
    """Any other fault in iData (duplicate unit, non-numeric cell, …)."""


class InputProblems(IndexInputError):
    """Several input problems at once."""

    def __init__(self, problems: list[IndexEngineError]):
        lines = [f"输入数据有 {len(problems)} 处问题："] + [
            f"  {i}. {p.message}" for i, p in enumerate(problems, 1)
        ]
        super().__init__("\n".join(lines))
        self._problems = list(problems)

    @property
    def problems(self) -> list[IndexEngineError]:
        return list(self._problems)


class SpecError(IndexEngineError):
    """A pipeline specification that cannot be run."""


class AHPInconsistentError(IndexEngineError):
    """An AHP pairwise matrix whose consistency ratio is 0.1 or more."""

    def __init__(self, message: str, *, cr: float, group: str | None = None):
        super().__init__(message)
        self.cr = cr
        self.group = group


class MethodDomainError(IndexEngineError):
    """A method applied to values outside its domain (e.g. geometric mean of a zero)."""


def raise_problems(problems: list[IndexEngineError]) -> None:
    if len(problems) == 1:
        raise problems[0]
    if problems:
        raise InputProblems(problems)
