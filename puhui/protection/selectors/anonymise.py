"""What must not reach the public page: ID numbers, phone numbers, bank card numbers in a text."""

import re

_PATTERNS = (
    (re.compile(r"\d{17}[\dXx]"), "身份证号"),
    (re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)"), "手机号码"),
    (re.compile(r"(?<!\d)\d{16,19}(?!\d)"), "银行卡号"),
)


def personal_data_in(text: str) -> str:
    """The kind of personal data found in `text` ("身份证号" …), or ""."""
    for pattern, label in _PATTERNS:
        if pattern.search(text or ""):
            return label
    return ""
