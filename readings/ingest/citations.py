"""Repair superscript citation markers that PDF text extraction turned into punctuation debris."""

from __future__ import annotations

import re
from collections import Counter

from .types import Intervention

# A superscript "[12]" sits above the baseline, so extraction reads its glyphs as
# whatever baseline characters look alike: brackets and digits come out as ! ? ' % ® ™ ¥ |
# and friends. Letters and digits are never in this set on their own, so ordinary words
# and numbers ("68%", "2011") cannot be mistaken for debris.
_DEBRIS_CHARS = "!?'’‘\"“”%®™¥©§¢°|[]{}^"
# Characters that never end an English word in prose; one of them (or an exclamation or
# question mark, see below) must be in a run before it counts as a garbled marker, so a
# bare quotation mark or apostrophe is never taken for one.
_SYMBOLS = "%®™¥©§¢°|[]{}^"
_QUOTES = "'’‘\"“”"
# Inside a run, after the first debris character, the thin strokes of "1" and "]" are
# also read as these letters ("country'¥l ."). Never at the start of a run: there they
# would be the last letter of the word itself (see _STRAY_LETTERS).
_RUN = "[{d}][{d}lI1]*".format(d=re.escape(_DEBRIS_CHARS))
# A word: letters, possibly joined by internal hyphens or apostrophes ("country's").
_WORD = r"(?<![^\W\d_])[^\W\d_]+(?:[-'’][^\W\d_]+)*"

# Shape 1: debris glued to the word, then a space, then the sentence punctuation:
# "accurately!!! ." The space is the giveaway: the superscript's width survives as a gap,
# and prose never puts a space between a word's trailing "!" or "®" and a full stop.
_BEFORE_PUNCT = re.compile(rf"(?P<word>{_WORD})(?P<run>{_RUN})(?P<gap>\s+)(?P<punct>[.,;:])")
# Shape 2: the marker printed after the full stop: "globalization .[%!". Only runs with a
# bracket-like symbol qualify ("stop.!" or "U.S.'" stay untouched), and the run must end
# at whitespace or the end of the paragraph.
_AFTER_PUNCT = re.compile(rf"(?P<word>{_WORD})(?P<gap>\s*)(?P<punct>\.)(?P<run>{_RUN})(?=\s|$)")
# Shape 3: the marker ends the paragraph and the full stop is lost: "national power!!? |".
_AT_END = re.compile(rf"(?P<word>{_WORD})(?P<run>(?:{_RUN})?)(?P<bar>\s*\|)?\s*$")

# Clean markers already in the text: "[1]", "[3-7]", "[2, 5]", "[13, p.2]", "[9, p. 185]".
# At most three digits, so bracketed years ("[2019]") are not taken for citations.
_CLEAN = re.compile(r"\[(?P<nums>\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)(?:\s*,\s*pp?\.\s*[^\]]{1,20})?\]")

# Letters that OCR glues to a word in place of a bracket or a "1" ("naturel®").
_STRAY_LETTERS = "lIij"

_VOCAB_WORD = re.compile(_WORD)


def repair_citation_markers(
    paragraphs: list[str], vocabulary: Counter | None = None
) -> tuple[list[str], list[Intervention]]:
    """Replace garbled superscript citation markers with clean, sequentially numbered ones.

    `paragraphs` are a paper's paragraphs in reading order. Markers are numbered in order
    of first appearance, continuing after the clean markers already in the text (a clean
    marker that repeats an earlier number is a re-citation and adds no number).
    `vocabulary` (lowercased word -> count) decides whether a letter glued before the
    debris is a stray; it is built from the paragraphs themselves when not given.
    Returns the repaired paragraphs (same count) and one Intervention per marker.
    """
    if vocabulary is None:
        vocabulary = build_vocabulary(paragraphs)
    highest = 0
    repaired: list[str] = []
    interventions: list[Intervention] = []
    for index, text in enumerate(paragraphs):
        events = [(m.start(), m.end(), "clean", m) for m in _CLEAN.finditer(text)]
        events += [(start, end, "debris", fix) for start, end, fix in _find_debris(text, vocabulary)]
        events.sort(key=lambda event: (event[0], event[2] == "debris"))
        pieces: list[str] = []
        cursor = 0
        for start, end, what, found in events:
            if start < cursor:  # overlaps something already handled
                continue
            if what == "clean":
                highest = max(highest, _highest_number(found.group("nums")))
                continue
            highest += 1
            build, reason = found
            replacement = build(highest)
            pieces.append(text[cursor:start])
            pieces.append(replacement)
            cursor = end
            interventions.append(
                Intervention(
                    kind="citation",
                    index=index,
                    original=text[start:end],
                    replacement=replacement,
                    reason=reason.format(n=highest),
                )
            )
        pieces.append(text[cursor:])
        repaired.append("".join(pieces))
    return repaired, interventions


def build_vocabulary(paragraphs: list[str]) -> Counter:
    """Count the lowercased words of the paragraphs, skipping words glued to debris.

    A word glued to a symbol ("naturel®") is the very thing the vocabulary is asked
    about, so counting it would make every stray letter look like a real word.
    """
    vocabulary: Counter = Counter()
    for text in paragraphs:
        for match in _VOCAB_WORD.finditer(text):
            following = text[match.end() : match.end() + 1]
            if following and following in _SYMBOLS + "!?":
                continue
            vocabulary[match.group().lower()] += 1
    return vocabulary


def _highest_number(nums: str) -> int:
    return max(int(n) for n in re.findall(r"\d+", nums))


def _find_debris(text: str, vocabulary: Counter):
    """Yield (start, end, (build, reason)) for each garbled marker in one paragraph.

    `build(n)` returns the clean replacement for marker number n; `reason` is a format
    string with {n}.
    """
    for match in _BEFORE_PUNCT.finditer(text):
        fix = _before_punct_fix(text, match, vocabulary)
        if fix:
            yield fix
    for match in _AFTER_PUNCT.finditer(text):
        run = match.group("run")
        if not _has_any(run, "[]{}%®™¥©§¢°") or _CLEAN.search(run):
            continue
        word, punct = match.group("word"), match.group("punct")
        yield (
            match.start(),
            match.end(),
            (
                lambda n, word=word, punct=punct: f"{word}{punct}[{n}]",
                "Superscript citation marker garbled by OCR after the full stop; "
                "renumbered in sequence as [{n}] and kept after the stop, where the source prints it.",
            ),
        )
    match = _AT_END.search(text)
    if match:
        fix = _at_end_fix(text, match, vocabulary)
        if fix:
            yield fix


def _before_punct_fix(text: str, match: re.Match, vocabulary: Counter):
    word, run = _split_closing_quote(text, match)
    if _CLEAN.search(run):
        return None  # "development[1] ." is a clean marker with a stray space
    if not run or not _has_any(run, _SYMBOLS + "!?"):
        return None  # only quotation marks or apostrophes: ordinary (if sloppy) prose
    if _is_speech_punctuation(text, match.start("run"), run):
        return None
    word, dropped = _strip_stray_letter(word, vocabulary)
    punct = match.group("punct")
    reason = "Superscript citation marker garbled by OCR; renumbered in sequence as [{n}]."
    if dropped:
        reason += _stray_reason(word, dropped)
    return (
        match.start(),
        match.end(),
        (lambda n: f"{word}[{n}]{punct}", reason),
    )


def _at_end_fix(text: str, match: re.Match, vocabulary: Counter):
    word, run = _split_closing_quote(text, match)
    bar = match.group("bar")
    if _CLEAN.search(run):
        return None  # a clean marker ending the paragraph
    # At the end of a paragraph "Help!" or "Why?!" is ordinary prose, so a run of
    # exclamation and question marks alone is not enough: it needs a symbol, or the
    # trailing bar that ends "power!!? |".
    if not run or not (bar or _has_any(run, _SYMBOLS)):
        return None
    if _is_speech_punctuation(text, match.start("run"), run):
        return None
    word, dropped = _strip_stray_letter(word, vocabulary)
    reason = "Superscript citation marker garbled by OCR at the end of the paragraph; renumbered in sequence as [{n}]."
    if bar:
        # "!!? |" reads as "[13]" with the bar as the closing bracket; the sentence's full
        # stop did not survive, and adding one would put words in the source's mouth.
        reason += (
            " The trailing '|' is read as the marker's closing bracket, not as a full stop,"
            " so no punctuation was added."
        )
    if dropped:
        reason += _stray_reason(word, dropped)
    end = match.end("bar") if bar else match.end("run")
    return (match.start(), end, (lambda n: f"{word}[{n}]", reason))


def _split_closing_quote(text: str, match: re.Match) -> tuple[str, str]:
    """Keep a quotation mark right after the word with the word when it closes a quotation.

    In `of "soft power"! .` the quote is the author's and the marker follows it; in
    `affinity!” .` or `cultures'™ .` nothing is open, so the mark is part of the debris.
    """
    word, run = match.group("word"), match.group("run")
    if run and run[0] in _QUOTES and _closes_quotation(text, match.start("run"), run[0]):
        return word + run[0], run[1:]
    return word, run


def _is_speech_punctuation(text: str, pos: int, run: str) -> bool:
    # `"Why?" .` or `"Stop!” ,`: the author's own ! or ? closing quoted speech.
    if re.fullmatch(r"[!?]+", run[:-1]) and run[-1] in _QUOTES:
        return _closes_quotation(text, pos + len(run) - 1, run[-1])
    return False


def _closes_quotation(text: str, pos: int, mark: str) -> bool:
    """Whether the quotation mark at `pos` closes a quotation opened earlier in the paragraph."""
    if mark in '"“”':
        return _open_double_quote(text, pos)
    return _open_single_quote(text, pos)


def _open_double_quote(text: str, pos: int) -> bool:
    is_open = False
    for i in range(pos):
        char = text[i]
        if char == "“":
            is_open = True
        elif char == "”":
            is_open = False
        elif char == '"':
            before = text[i - 1] if i else " "
            after = text[i + 1] if i + 1 < len(text) else " "
            if before.isspace() or before in "([{—–-/":
                is_open = not after.isspace()
            elif after.isspace() or not after.isalnum():
                is_open = False
            else:
                is_open = not is_open
    return is_open


def _open_single_quote(text: str, pos: int) -> bool:
    # An apostrophe after a letter is usually a possessive or elision ("beings'",
    # "China's"), so only a mark that begins a word opens a single quotation, and the
    # next mark that ends a word closes it.
    is_open = False
    for i in range(pos):
        char = text[i]
        if char not in "'‘’":
            continue
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if (before.isspace() or before in '([{"“') and after.isalpha():
            is_open = True
        elif is_open and before.isalpha() and not after.isalpha():
            is_open = False
    return is_open


def _strip_stray_letter(word: str, vocabulary: Counter) -> tuple[str, str]:
    """Drop a letter glued before the debris when only the shorter form is a known word."""
    core = word.rstrip(_QUOTES)
    if len(core) < 3 or core != word or core[-1] not in _STRAY_LETTERS:
        return word, ""
    shorter = core[:-1]
    if vocabulary.get(shorter.lower(), 0) > 0 and vocabulary.get(core.lower(), 0) == 0:
        return shorter, core[-1]
    return word, ""


def _stray_reason(word: str, dropped: str) -> str:
    return (
        f" The '{dropped}' glued to '{word}' is debris from the same marker:"
        f" '{word}' occurs elsewhere in the document and '{word}{dropped}' does not."
    )


def _has_any(text: str, chars: str) -> bool:
    return any(char in chars for char in text)
