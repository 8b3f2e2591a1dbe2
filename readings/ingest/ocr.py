"""Repair single-glyph OCR misreadings in prose: a bar for the pronoun I, a ™ or ® for a closing quote."""

from __future__ import annotations

import re

from .types import Intervention

# Words that follow the pronoun "I" and hardly ever follow anything else that OCR could
# have printed as a bare bar. Kept to verbs and auxiliaries so that a bar between table
# cells ("a | b | c") never qualifies.
_PRONOUN_VERBS = frozenset(
    [
        "am",
        "was",
        "have",
        "had",
        "do",
        "did",
        "will",
        "would",
        "shall",
        "should",
        "can",
        "could",
        "cannot",
        "may",
        "might",
        "must",
        "think",
        "thought",
        "believe",
        "believed",
        "feel",
        "felt",
        "know",
        "knew",
        "see",
        "saw",
        "hope",
        "want",
        "wanted",
        "need",
        "mean",
        "meant",
        "say",
        "said",
        "argue",
        "argued",
        "suggest",
        "suggested",
        "agree",
        "disagree",
        "found",
        "find",
    ]
)

# A bar standing alone as a word: at the start of the paragraph or after a space or an
# opening quote or bracket, and followed by a space (or by the elisions of "I'm", "I've").
_LONE_BAR = re.compile(r"(?<![^\s\"“(\[])\|(?=\s+(?P<next>[^\W\d_]+)|(?P<elision>['’](?:m|ve|ll|d)\b))")

# A ™ or ® glued to the end of a word and followed by a space, punctuation or the end.
_GLUED_MARK = re.compile(r"(?<=[^\W\d_])[™®](?![^\W\d_])")
# "word™ ." is the shape of a garbled citation marker, which the citation step owns.
_CITATION_SHAPE = re.compile(r"\s+[.,;:]")

_CLOSING = {'"': '"', "“": "”", "«": "»"}


def repair_ocr_slips(paragraphs: list[str]) -> tuple[list[str], list[Intervention]]:
    """Fix the pronoun "I" read as "|" and a closing quotation mark read as ™ or ®.

    Returns the repaired paragraphs (same count) and one Intervention per fix; `index`
    is the paragraph's position in `paragraphs`.
    """
    repaired: list[str] = []
    interventions: list[Intervention] = []
    for index, text in enumerate(paragraphs):
        text, fixes = _repair_bars(text)
        interventions += [Intervention("ocr", index, *fix) for fix in fixes]
        text, fixes = _repair_quote_marks(text)
        interventions += [Intervention("ocr", index, *fix) for fix in fixes]
        repaired.append(text)
    return repaired, interventions


def _repair_bars(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    fixable = [m for m in _LONE_BAR.finditer(text) if _is_pronoun(m)]
    # A paragraph that also has a bar in any other position uses bars as column
    # separators (a flattened table), where "x | was | y" is data, not a pronoun.
    if not fixable or len(fixable) != text.count("|"):
        return text, []
    fixes = []
    for match in reversed(fixable):
        following = match.group("elision") or " " + match.group("next")
        fixes.append(
            (
                "|" + following,
                "I" + following,
                "OCR read the pronoun ‘I’ as a vertical bar.",
            )
        )
        text = text[: match.start()] + "I" + text[match.end() :]
    return text, fixes[::-1]


def _is_pronoun(match: re.Match) -> bool:
    # The capital I is a single vertical stroke, the one letter a bar is mistaken for;
    # a lowercase verb or auxiliary right after it leaves no other reading.
    return bool(match.group("elision")) or match.group("next") in _PRONOUN_VERBS


def _repair_quote_marks(text: str) -> tuple[str, list[tuple[str, str, str]]]:
    fixes = []
    for match in reversed(list(_GLUED_MARK.finditer(text))):
        pos = match.start()
        if _CITATION_SHAPE.match(text, match.end()):
            continue
        opener = _open_quote(text, pos)
        # Only inside a quotation that is opened and never closed: the ™ is then the
        # missing closing mark. If the quotation closes later ("Windows™ is" ... "), the
        # symbol is real and stays.
        if opener is None or _next_quote_closes(text, match.end()):
            continue
        closing = _CLOSING[opener]
        word = re.search(r"[^\W\d_]+$", text[:pos]).group()
        fixes.append(
            (
                word + match.group(),
                word + closing,
                f"OCR read the closing quotation mark as ‘{match.group()}’; "
                f"the quotation opened before ‘{word}’ was otherwise never closed.",
            )
        )
        text = text[:pos] + closing + text[match.end() :]
    return text, fixes[::-1]


def _is_opening(text: str, i: int) -> bool | None:
    """Whether the quotation mark at i opens (True) or closes (False) a quotation."""
    char = text[i]
    if char in "“«":
        return True
    if char in "”»":
        return False
    before = text[i - 1] if i else " "
    after = text[i + 1] if i + 1 < len(text) else " "
    if before.isspace() or before in "([{—–-/":
        return not after.isspace()
    return False


def _open_quote(text: str, pos: int) -> str | None:
    """The opening double quotation mark still open at pos, if any."""
    opener = None
    for i in range(pos):
        if text[i] in '"“”«»':
            opener = text[i] if _is_opening(text, i) else None
    return opener


def _next_quote_closes(text: str, pos: int) -> bool:
    for i in range(pos, len(text)):
        if text[i] in '"“”«»':
            return not _is_opening(text, i)
    return False
