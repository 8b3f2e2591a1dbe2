"""Rebuild paragraphs, headings, captions and sections from a plain-text PDF extraction.

A PDF extraction keeps the printed lines, not the paragraphs: lines are hard-wrapped,
pages break in mid-sentence (the new page's first line often starts with a space), headings
run into the paragraph below them and figure or table contents come out as loose short
lines. The functions here undo that using only what the text itself shows: line lengths
against the page width, blank lines, capitalisation and heading numbers.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from .linewidth import column_width, next_word_would_fit
from .types import (
    BODY,
    CAPTION,
    QUOTE,
    REFERENCE,
    IngestError,
    Intervention,
    ParsedPaper,
    ParsedPassage,
    ParsedSection,
)

TERMINAL = tuple(".?!:;\"”’')]")
SENTENCE_END = tuple('.?!"”’)')
SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "be",
    "been",
    "by",
    "for",
    "from",
    "has",
    "have",
    "in",
    "into",
    "is",
    "of",
    "on",
    "or",
    "the",
    "to",
    "up",
    "with",
    "its",
    "their",
    "under",
    "via",
    "vs",
}
TOP_LEVEL_NAMES = {"abstract", "introduction", "conclusion", "conclusions", "references", "bibliography"}
SUPPLIED_OPENING = "[Introduction]"
REFERENCE_HEADINGS = {"references", "bibliography", "works cited", "reference list"}

NUMBERED_HEADING = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+(\S.*)$")
CAPTION_LINE = re.compile(r"^(Figure|Fig\.|Table)\s*([0-9]+|[lI|])(?=[\s.:]|$)[.:]?\s*(.*)$")
ABSTRACT_LABEL = re.compile(r"^(Abstract|Summary)\s*[.:]\s*", re.IGNORECASE)
WORD = re.compile(r"[^\W\d_][\w’'\-]*", re.UNICODE)


@dataclass
class Line:
    text: str  # without the page-start space and trailing spaces
    page_start: bool  # the extraction put a space before it: the first line of a new page
    block: int  # index of the blank-line separated block it belongs to
    gap_after: bool = False  # two or more spaces after the last word: some extractors end paragraphs so


@dataclass
class Element:
    """A paragraph, heading or caption, in reading order, before sections are built."""

    kind: str  # "paragraph", "heading", "caption"
    lines: list[str] = field(default_factory=list)
    number: str = ""
    figure_text: str = ""
    label: str = ""  # "Figure" / "Table" for captions

    @property
    def text(self) -> str:
        return " ".join(self.lines)


def parse_plain_text(text: str) -> ParsedPaper:
    """Parse a plain-text extraction into sections and passages (no glyph or marker repair)."""
    lines = split_lines(text)
    if not any(line.text for line in lines):
        raise IngestError("the text is empty")
    width = page_width(lines)
    vocabulary = word_counts(text)
    repairs: Counter = Counter()
    elements = group_elements(lines, width, vocabulary, repairs)
    interventions: list[Intervention] = []
    elements = attach_figure_contents(elements, width)
    paper = build_sections(elements, repairs, interventions)
    if not any(len(WORD.findall(p.text)) >= 5 for p in paper.passages() if p.kind == BODY):
        raise IngestError("no recognisable structure: no paragraphs of prose were found")
    paper.repairs = dict(repairs)
    paper.interventions = interventions
    return paper


def split_lines(text: str) -> list[Line]:
    lines, block = [], 0
    for raw in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        stripped = raw.strip()
        if not stripped:
            if lines and lines[-1].text:
                block += 1
            lines.append(Line("", False, block))
            continue
        lines.append(Line(collapse_spaces(stripped), raw.startswith(" "), block, raw.endswith("  ")))
    return lines


def collapse_spaces(text: str) -> str:
    return re.sub(r"[ \t\u00a0]{2,}", " ", text)


def page_width(lines: list[Line]) -> int:
    """The printed line width, as the length most full lines reach."""
    lengths = sorted(len(line.text) for line in lines if line.text)
    if not lengths:
        return 1
    return max(1, lengths[int(len(lengths) * 0.8)])


def word_counts(text: str) -> Counter:
    return Counter(word.lower() for word in WORD.findall(text))


def double_spaced(lines: list[Line]) -> bool:
    """Some extractions put a blank line after every printed line: then blank lines say nothing."""
    text_lines = [i for i, line in enumerate(lines) if line.text]
    if len(text_lines) < 10:
        return False
    followed_by_blank = sum(1 for i in text_lines if i + 1 < len(lines) and not lines[i + 1].text)
    return followed_by_blank / len(text_lines) > 0.8


def title_like(text: str) -> bool:
    """Most significant words capitalised, as in a Title Case heading."""
    words = list(WORD.findall(text))
    significant = [w for w in words if w.lower() not in SMALL_WORDS]
    if not significant:
        return False
    capitalised = sum(1 for w in significant if w[0].isupper())
    return capitalised / len(significant) >= 0.75


TRAILING_MARKER = re.compile(r"\s*\[\d+(?:[,–-]\s*\d+)*\]$")


def ends_sentence(text: str) -> bool:
    # A numbered citation may follow the full stop: "...is relatively backward.” [1]"
    return TRAILING_MARKER.sub("", text.rstrip()).endswith(SENTENCE_END)


def ends_with_small_word(text: str) -> bool:
    words = text.split()
    return bool(words) and (words[-1].lower() in SMALL_WORDS or text.endswith(","))


def caption_match(text: str):
    match = CAPTION_LINE.match(text)
    if match and match.group(3)[:1].isupper():
        return match
    return None


class HeadingNumbers:
    """Accept a numbered line as a heading only where the outline can continue with it."""

    def __init__(self):
        self.last: tuple[int, ...] = ()

    def plausible(self, number: str) -> bool:
        parts = tuple(int(p) for p in number.split("."))
        if not self.last:
            return parts in {(1,), (1, 1)} or (len(parts) == 1 and parts[0] <= 2)
        candidates = {(*self.last, 1)}
        for depth in range(len(self.last)):
            candidates.add((*self.last[:depth], self.last[depth] + 1))
        return parts in candidates

    def accept(self, number: str):
        self.last = tuple(int(p) for p in number.split("."))


def group_elements(lines: list[Line], width: int, vocabulary: Counter, repairs: Counter) -> list[Element]:
    """Join printed lines into paragraphs and pick out headings and captions."""
    spaced = double_spaced(lines)
    numbers = HeadingNumbers()
    elements: list[Element] = []
    current: Element | None = None  # the paragraph being built
    previous: Line | None = None  # the last text line seen
    heading_open: Element | None = None  # a heading that may wrap onto the next line
    text_lines = [line for line in lines if line.text]
    # Only a double-spaced extraction needs the printed width: elsewhere blank lines mark paragraphs.
    column = column_width([line.text for line in text_lines]) if spaced else 0

    for index, line in enumerate(text_lines):
        following = text_lines[index + 1] if index + 1 < len(text_lines) else None
        new_block = previous is None or line.block != previous.block
        paragraph_ended = current is None or current_paragraph_ended(
            current, previous, line, width, spaced, new_block, column
        )

        # A long heading wrapped onto a second, title-like line in the same block.
        if (
            heading_open is not None
            and (not new_block or (spaced and previous is not None))
            and (len(heading_open.lines[-1]) >= 0.7 * width or ends_with_small_word(heading_open.lines[-1]))
            and title_like(line.text)
            and len(line.text) < 0.7 * width
            and not NUMBERED_HEADING.match(line.text)
        ):
            heading_open.lines.append(line.text)
            repairs["heading_rejoined"] += 1
            previous = line
            heading_open = None
            continue
        heading_open = None

        caption = caption_match(line.text)
        if caption:
            current = None
            elements.append(caption_element(caption))
            previous = line
            continue

        number_match = NUMBERED_HEADING.match(line.text)
        if (
            number_match
            and (paragraph_ended or new_block or line.page_start)
            and number_match.group(2)[:1].isupper()
            and numbers.plausible(number_match.group(1))
        ):
            # The outline check makes this safe even after a paragraph with no full stop.
            numbers.accept(number_match.group(1))
            heading = Element("heading", [number_match.group(2)], number=number_match.group(1))
            elements.append(heading)
            heading_open, current, previous = heading, None, line
            continue
        if (paragraph_ended or current is None) and is_unnumbered_heading(line, following, width, spaced):
            heading = Element("heading", [line.text])
            elements.append(heading)
            heading_open, current, previous = heading, None, line
            continue

        if paragraph_ended or current is None or introduces_quotation(current, previous, width):
            # A short line ending in a colon introduces a block quotation (set off in print).
            kind = "quote" if current is not None and introduces_quotation(current, previous, width) else "paragraph"
            current = Element(kind, [line.text])
            elements.append(current)
        else:
            join_line(current, line.text, vocabulary, repairs)
            # In a double-spaced extraction every line is its own block: only a page start is a page break.
            if line.page_start or (new_block and not spaced):
                repairs["page_break_joins"] += 1
            elif spaced:
                repairs["spaced_line_wraps_joined"] += 1
            else:
                repairs["line_wraps_joined"] += 1
        previous = line
    return elements


def current_paragraph_ended(
    current: Element, previous: Line | None, line: Line, width: int, spaced: bool, new_block: bool, column: int = 0
) -> bool:
    """Decide whether `line` starts a new paragraph or continues the one being built.

    `column` is the printed column's width (linewidth.column_width) where blank lines cannot tell
    paragraphs apart (a double-spaced extraction), else 0.
    """
    if previous is None:
        return True
    last = current.lines[-1]
    starts_lower = line.text[:1].islower()
    if starts_lower or (last.endswith("-") and not last.endswith(" -")):
        return False  # a sentence cut by a line, page or column break
    short = len(previous.text) < 0.75 * width
    if (short or previous.gap_after) and ends_sentence(last):
        return True
    if column and ends_sentence(last) and next_word_would_fit(previous.text, line.text, column):
        # A line broken before the column was full: the paragraph's last line.
        return True
    if new_block and not spaced and len(previous.text) < 0.6 * width and not ends_with_small_word(last):
        # Loose short lines (a flattened figure or table) are separate pieces, not one sentence.
        return line.text[:1].isupper() or not line.text[:1].isalpha()
    if not ends_sentence(last):
        return False
    if line.page_start:
        # A new page whose first line starts with a capital after a finished sentence.
        return True
    return bool(new_block and not spaced)


def introduces_quotation(current: Element, previous: Line | None, width: int) -> bool:
    return (
        current.kind == "paragraph"
        and previous is not None
        and current.lines[-1].endswith(":")
        and len(previous.text) < 0.75 * width
    )


def is_unnumbered_heading(line: Line, following: Line | None, width: int, spaced: bool) -> bool:
    text = line.text
    words = text.split()
    if not words or len(words) > 16 or not text[:1].isupper():
        return False
    if text.endswith((",", ";", ":", "-")) or ABSTRACT_LABEL.match(text):
        return False
    if following is not None and following.text[:1].islower() and following.block == line.block:
        return False  # the sentence goes on
    if title_like(text) and (not text.endswith(".") or len(words) <= 14):
        return len(words) >= 1 and (not text.endswith(".") or len(text) < 0.9 * width)
    # A short sentence-case line standing alone between paragraphs.
    isolated = following is None or following.block != line.block or spaced
    return (
        isolated
        and len(text) < 0.75 * width
        and not text.endswith((*SENTENCE_END, "."))
        and (following is None or following.text[:1].isupper())
    )


def join_line(element: Element, text: str, vocabulary: Counter, repairs: Counter):
    last = element.lines[-1]
    if last.endswith("-") and not last.endswith(" -") and text[:1].isalpha():
        head = last[:-1]
        stem = WORD.findall(head)
        first = WORD.findall(text)
        if stem and first:
            joined = (stem[-1] + first[0]).lower()
            hyphenated = f"{stem[-1]}-{first[0]}".lower()
            # Drop the hyphen only where the document itself spells the word without it.
            if vocabulary.get(joined, 0) > 0 and vocabulary.get(hyphenated, 0) == 0:
                element.lines[-1] = head + text
                repairs["hyphenation_joined"] += 1
                return
        element.lines[-1] = last + text
        return
    element.lines.append(text)


def caption_element(match) -> Element:
    label = "Figure" if match.group(1).startswith("Fig") else "Table"
    number = match.group(2)
    element = Element(
        "caption",
        [f"{label} {number_value(number)} {match.group(3)}".strip()],
        number=number_value(number),
        label=label,
    )
    element.original = match.group(0)  # type: ignore[attr-defined]
    return element


def number_value(number: str) -> str:
    # OCR reads a lone digit one as the letter l, a capital I or a bar.
    return "1" if number in {"l", "I", "|"} else number


def attach_figure_contents(elements: list[Element], width: int) -> list[Element]:
    """Fold the loose short lines of a flattened figure or table into its caption.

    Captions stand under figures and above tables, so a figure takes the fragments before
    its caption and a table the fragments after it.
    """

    def fragment(element: Element) -> bool:
        return (
            element.kind in {"paragraph", "heading"}
            and not element.number
            and all(len(line) < 0.6 * width for line in element.lines)
            and not (
                element.kind == "paragraph" and ends_sentence(element.lines[-1]) and len(element.text) > 0.6 * width
            )
        )

    result: list[Element] = []
    i = 0
    while i < len(elements):
        element = elements[i]
        if element.kind == "caption" and element.label == "Figure":
            taken = []
            while result and fragment(result[-1]):
                taken.insert(0, result.pop())
            element.figure_text = "\n".join(line for t in taken for line in t.lines)
            result.append(element)
        elif element.kind == "caption" and element.label == "Table":
            taken = []
            j = i + 1
            while j < len(elements) and fragment(elements[j]):
                taken.append(elements[j])
                j += 1
            element.figure_text = "\n".join(line for t in taken for line in t.lines)
            result.append(element)
            i = j
            continue
        else:
            result.append(element)
        i += 1
    return result


def build_sections(elements: list[Element], repairs: Counter, interventions: list[Intervention]) -> ParsedPaper:
    paper = ParsedPaper()
    headings = [e for e in elements if e.kind == "heading"]
    levels = unnumbered_levels(elements)
    section: ParsedSection | None = None
    passage_index = 0
    for position, element in enumerate(elements):
        if element.kind == "heading":
            title = element.text.strip()
            level = len(element.number.split(".")) if element.number else levels.get(position, 1)
            section = ParsedSection(title=title, number=element.number, level=min(level, 6))
            paper.sections.append(section)
            continue
        if section is None:
            label = ABSTRACT_LABEL.match(element.text) if element.kind == "paragraph" else None
            section = ParsedSection(title="Abstract" if label else SUPPLIED_OPENING, level=1)
            paper.sections.append(section)
            if label:
                element.lines[0] = element.lines[0][label.end() :]
                repairs["run_in_headings_split"] += 1
        elif section.title == "Abstract" and not section.number and len(paper.sections) == 1 and section.passages:
            # The body begins before the first heading: it gets a bracketed, supplied heading.
            section = ParsedSection(title=SUPPLIED_OPENING, level=1)
            paper.sections.append(section)
        if section.title == SUPPLIED_OPENING and not section.passages:
            interventions.append(
                Intervention(
                    kind="structure",
                    index=passage_index,
                    original="",
                    replacement=SUPPLIED_OPENING,
                    reason="The opening section has no heading in the source; the heading in square brackets is the editor’s.",
                    on_section=True,
                )
            )
        if element.kind == "caption":
            original = getattr(element, "original", "")
            if (
                original
                and not original.startswith(f"{element.label} {element.number}")
                and not original.startswith(element.text[:12])
            ):
                interventions.append(
                    Intervention(
                        kind="ocr",
                        index=passage_index,
                        original=original.split(" ")[0],
                        replacement=f"{element.label} {element.number}",
                        reason=f"OCR read the number in ‘{element.label} {element.number}’ as a letter.",
                    )
                )
            passage = ParsedPassage(kind=CAPTION, text=element.text, figure_text=element.figure_text)
        else:
            if element.kind == "quote":
                kind = QUOTE
            elif section.title.lower().rstrip(":") in REFERENCE_HEADINGS:
                kind = REFERENCE
            else:
                kind = BODY
            passage = ParsedPassage(kind=kind, text=element.text.strip())
        if passage.text:
            section.passages.append(passage)
            passage_index += 1
    if headings:
        repairs["headings_found"] = len(headings)
    return paper


def unnumbered_levels(elements: list[Element]) -> dict[int, int]:
    """Levels for unnumbered headings, from the outline the document shows.

    A heading followed at once by another heading is a part title over subsections; the
    usual top-level names are top level too. If no heading has subsections, all are top level.
    """
    positions = [i for i, e in enumerate(elements) if e.kind == "heading" and not e.number]
    parents = {i for i in positions if i + 1 < len(elements) and elements[i + 1].kind == "heading"}
    if not parents:
        return dict.fromkeys(positions, 1)
    levels = {}
    for i in positions:
        name = elements[i].text.lower().rstrip(":. ")
        levels[i] = 1 if i in parents or name in TOP_LEVEL_NAMES else 2
    return levels
