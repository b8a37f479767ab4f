"""The only module that knows both Unicode units.

spaCy and Python index text in code points; the browser's
``String.prototype.slice`` indexes UTF-16 code units. Every offset the API
returns is converted here, once, from code points to UTF-16 units.
"""

from __future__ import annotations

from bisect import bisect_right


class Utf16Offsets:
    """Converts code-point offsets of one text to UTF-16 code-unit offsets."""

    __slots__ = ("_astral",)

    def __init__(self, text: str):
        # Code-point positions of characters outside the BMP: each takes two
        # UTF-16 units, so an offset moves by one per astral char before it.
        self._astral = [i for i, ch in enumerate(text) if ord(ch) > 0xFFFF]

    def __call__(self, index: int) -> int:
        return index + bisect_right(self._astral, index - 1)


def utf16_length(text: str) -> int:
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Narrows [start, end) so it neither starts nor ends with whitespace."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
