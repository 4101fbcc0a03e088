"""Reading a list of records from a file, as the table-driven engines (assessment, evaluation) take their
inputs: CSV with a header row (UTF-8, UTF-8 with BOM or GB18030) or a JSON list of objects (`.json`)."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

ENCODINGS = ("utf-8-sig", "gb18030")


def read_records(path: str | Path, error: type[Exception]) -> list[dict]:
    """The file's rows as dicts (header names stripped); `error([problem])` — the engine's own input error,
    taking a list of problems in Chinese — when the file is missing or unreadable."""
    path = Path(path)
    if not path.exists():
        raise error([f"找不到文件 {path}"])
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise error([f"无法解析 JSON 文件 {path.name}"]) from None  # the parser's message is English
        if not isinstance(data, list) or not all(isinstance(r, dict) for r in data):
            raise error([f"JSON 文件 {path.name} 应为对象列表（[{{...}}, ...]）"])
        return data
    raw = path.read_bytes()
    for enc in ENCODINGS:
        try:
            text = raw.decode(enc)
        except UnicodeDecodeError:
            continue
        rows = csv.DictReader(io.StringIO(text, newline=""))
        return [{(k.strip() if isinstance(k, str) else k): v for k, v in row.items()} for row in rows]
    raise error([f"无法识别文件 {path.name} 的编码（支持 UTF-8 与 GB18030）"])
