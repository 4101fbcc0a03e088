"""Path converters shared by every app's URLs."""

import datetime


class RowId:
    """A database row id: 1 to 18 digits, so an id past the 64-bit range is a 404, never a database error."""

    regex = "[0-9]{1,18}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return str(int(value))


class Year:
    """A calendar year in a URL: four digits, so a year no column can hold is a 404."""

    regex = "[0-9]{4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value) -> str:
        return f"{int(value):04d}"


# The largest id a URL, a filter or an API body may carry: 18 digits, inside a 64-bit integer column.
MAX_ID = 10**18 - 1


def parse_id(value) -> int | None:
    """A row id from user input (a query string, a form), or None when it is not one."""
    text = str(value or "").strip()
    return int(text) if text.isascii() and text.isdigit() and 0 < len(text) <= 18 and int(text) > 0 else None


def parse_date_or_none(value) -> datetime.date | None:
    """A date typed as YYYY-MM-DD, or None when it is not a real date."""
    try:
        return datetime.date.fromisoformat(str(value or "").strip())
    except ValueError:
        return None
