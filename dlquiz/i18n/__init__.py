"""Chinese for messages that the library words in English."""

from __future__ import annotations

import re
from collections.abc import Sequence


def translate(message: str, table: Sequence[tuple[str, str]]) -> str:
    """The first `(pattern, replacement)` of `table` that matches the whole message, applied;
    "" when none matches."""
    for pattern, replacement in table:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, replacement, message)
    return ""
