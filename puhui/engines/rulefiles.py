"""What the rule engines (policy incentives, prudential limits) share: the input error that lists every
problem in Chinese, reading a YAML rule file, and the command line's way of reporting bad input."""

from __future__ import annotations

import sys
from collections.abc import Callable

import yaml


class RuleInputError(ValueError):
    """Bad rules or figures; `problems` lists every one, in Chinese."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def yaml_mapping(text: str, error: type[RuleInputError], expected: str) -> dict:
    """The mapping a YAML rule file holds; `error` (the engine's own kind) when it is not one."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        # PyYAML's own message is English: only the line is passed on.
        mark = getattr(e, "problem_mark", None)
        where = f"（第 {mark.line + 1} 行）" if mark else ""
        raise error([f"规则文件不是有效的 YAML{where}"]) from None
    if not isinstance(data, dict):
        raise error([expected])
    return data


def run(work: Callable[[], None]) -> int:
    """Run a command's work: 0, or 2 with every problem on stderr (bad input, a file that cannot be read or written)."""
    try:
        work()
    except RuleInputError as e:
        for problem in e.problems:
            print(f"错误：{problem}", file=sys.stderr)
        return 2
    except (OSError, UnicodeDecodeError) as e:
        print(f"错误：无法读写文件：{e}", file=sys.stderr)
        return 2
    return 0
