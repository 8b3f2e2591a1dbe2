"""How wide a printed line was, estimated from its characters: the test for a paragraph's last line.

A PDF extraction of proportionally set text keeps each printed line but not the paragraph breaks.
A line that ends a sentence is a paragraph's last line when the next line's first word would have
fitted after it: a typesetter (or a word processor) breaks a line early only at a paragraph end.
Counting characters cannot tell, because "Although" is far wider than "till"; so each character is
weighed by its width in a common serif face (Times Roman, in thousandths of an em). The face of the
source is unknown, so the test asks for the word to fit with room to spare.
"""

from __future__ import annotations

import re

# Advance widths of Times Roman (Adobe's AFM metrics), in 1/1000 em; anything else counts as 500.
_WIDTHS = {
    **dict(
        zip(
            "abcdefghijklmnopqrstuvwxyz",
            (
                444,
                500,
                444,
                500,
                444,
                333,
                500,
                500,
                278,
                278,
                500,
                278,
                778,
                500,
                500,
                500,
                500,
                333,
                389,
                278,
                500,
                500,
                722,
                500,
                500,
                444,
            ),
            strict=True,
        )
    ),
    **dict(
        zip(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
            (
                722,
                667,
                667,
                722,
                611,
                556,
                722,
                722,
                333,
                389,
                722,
                611,
                889,
                722,
                722,
                556,
                722,
                667,
                556,
                611,
                722,
                722,
                944,
                722,
                722,
                611,
            ),
            strict=True,
        )
    ),
    **dict.fromkeys("0123456789", 500),
    " ": 250,
    ".": 250,
    ",": 250,
    ";": 278,
    ":": 278,
    "(": 333,
    ")": 333,
    "[": 333,
    "]": 333,
    "-": 333,
    "‘": 333,
    "’": 333,
    "'": 180,
    '"': 408,
    "“": 444,
    "”": 444,
    "?": 444,
    "!": 333,
    "/": 278,
    "–": 500,
    "—": 1000,
    "&": 778,
    "%": 833,
}
SPACE = _WIDTHS[" "]
# The share of the column the next word must leave free: a margin for a face narrower than Times.
MARGIN = 0.02
FIRST_WORD = re.compile(r"\S+")


def printed_width(text: str) -> int:
    return sum(_WIDTHS.get(ch, 500) for ch in text)


def column_width(lines: list[str]) -> int:
    """The width of the printed column: what nearly every full line reaches (the 95th percentile),
    so that a few lines set tight or a heading in a wider face do not stretch it."""
    widths = sorted(printed_width(line) for line in lines if line)
    if not widths:
        return 0
    return widths[min(len(widths) - 1, int(len(widths) * 0.95))]


def next_word_would_fit(line: str, next_line: str, column: int) -> bool:
    """Would the first word of `next_line` have fitted at the end of `line`, with room to spare?"""
    word = FIRST_WORD.match(next_line.strip())
    if not word or column <= 0:
        return False
    needed = printed_width(line.rstrip()) + SPACE + printed_width(word.group())
    return needed <= column * (1 - MARGIN)
