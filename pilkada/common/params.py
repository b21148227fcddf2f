"""Reading ids from query strings, where anything at all may arrive."""

import re

# ASCII digits only: str.isdigit() also accepts "²" or "١", which int() or the database refuse.
# Eighteen digits stay inside a signed 64-bit key on every database.
_ID = re.compile(r"[0-9]{1,18}")


def query_id(value: str | None) -> int | None:
    """The id in a query parameter, or None for anything that is not a plain positive number."""
    if value and _ID.fullmatch(value):
        return int(value)
    return None


def query_text(value: str | None, *, max_length: int = 100) -> str:
    """Free text from a query parameter: trimmed, shortened, without NUL characters (which
    PostgreSQL refuses in any text comparison, so one in a URL would otherwise be a 500)."""
    return (value or "").replace("\x00", "").strip()[:max_length]
