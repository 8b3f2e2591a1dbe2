"""Rebuild a paper's paragraphs, headings and sections from a PDF's words, their positions and font sizes.

A PDF keeps printed words where they stand on the page, not paragraphs. pdfplumber (on
pdfminer.six) gives each word with its box, font and size; from those this module finds:

- running headers and footers (lines repeated at the same place on many pages) and page
  numbers in the top and bottom margins, which it drops;
- two-column pages, from an empty vertical gutter that many lines on both sides share,
  read left column first;
- headings by font size (and bold type) and their numbering; the largest type on page one
  is the title;
- footnote markers (small raised numbers), written as "[n]";
- words hyphenated at a line end, rejoined (a hyphen the document spells elsewhere is kept);
- ligature characters (ﬁ, ﬂ, …), written as their letters.

Every change to the words is an Intervention, so the reader sees what the PDF said and what
the text says now. Run on untrusted files only through `readings.ingest.pdf_limits`, which
reads the PDF in a subprocess under time, page and memory limits.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from statistics import median

from .plaintext import NUMBERED_HEADING, REFERENCE_HEADINGS, SUPPLIED_OPENING, caption_match, ends_sentence
from .types import BODY, CAPTION, REFERENCE, IngestError, Intervention, ParsedPaper, ParsedPassage, ParsedSection

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}
LIGATURE = re.compile("[" + "".join(LIGATURES) + "]")
SOFT_HYPHENS = ("\u00ad", "\u2010")
PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
MARKER = re.compile(r"^(?:\d{1,3}(?:[,–-]\d{1,3})*|[*†‡§])$")
WORD = re.compile(r"[^\W\d_][\w’'\-]*", re.UNICODE)
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€|\ufffd|Â[\u00a0-\u00bf]")
MARGIN = 0.12  # furniture lives in the top and bottom 12% of a page
LONG_PASSAGE = 5_000  # characters: worth a look, though not refused


@dataclass
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float
    size: float
    bold: bool


@dataclass
class Row:
    words: list[Word]
    page: int
    region: int = 0  # reading-order index of the page region (above, left column, right column, below)

    @property
    def top(self):
        return min(w.top for w in self.words)

    @property
    def bottom(self):
        return max(w.bottom for w in self.words)

    @property
    def x0(self):
        return min(w.x0 for w in self.words)

    @property
    def x1(self):
        return max(w.x1 for w in self.words)

    @property
    def size(self) -> float:
        sizes = Counter()
        for word in self.words:
            sizes[round(word.size, 1)] += len(word.text)
        return sizes.most_common(1)[0][0]

    @property
    def bold(self) -> bool:
        return all(w.bold for w in self.words if not self.is_marker(w))

    def is_marker(self, word: Word) -> bool:
        """A footnote marker: a number (or dagger) in smaller type, raised above the line."""
        size = self.size
        return (
            word.size < 0.85 * size and MARKER.match(word.text) is not None and word.bottom < self.bottom - 0.15 * size
        )

    def text(self, fixes: Counter | None = None) -> str:
        parts: list[str] = []
        for word in self.words:
            if parts and self.is_marker(word):
                parts[-1] += f"[{word.text}]"
                if fixes is not None:
                    fixes["footnote_markers_bracketed"] += 1
            else:
                parts.append(word.text)
        return " ".join(parts)


@dataclass
class Block:
    """A heading or paragraph in reading order, with the changes made to its words."""

    kind: str  # "heading" or "paragraph"
    text: str
    size: float
    first: Row
    last: Row
    fixes: list[tuple[str, str, str]] = field(default_factory=list)  # (original, replacement, reason)


@dataclass
class Limits:
    max_pages: int = 500
    seconds: float = 60.0


def read_pdf(raw: bytes, limits: Limits | None = None, progress=None) -> ParsedPaper:
    """Parse a PDF's bytes into a paper. Raises IngestError for anything that is not a readable paper."""
    import pdfplumber  # here: the web process never imports it, only the worker does
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import MalformedPDFException, PdfminerException

    limits = limits or Limits()
    progress = progress or (lambda message: None)
    check_bytes(raw)
    started = time.monotonic()
    try:
        pdf = pdfplumber.open(io.BytesIO(raw))
        try:
            if getattr(pdf.doc, "encryption", None):
                raise IngestError(ENCRYPTED)
            # The page tree's own count first: listing 2,000 pages to refuse them costs seconds.
            count = page_count(pdf)
            if count > limits.max_pages:
                raise IngestError(f"the PDF has {count:,} pages; at most {limits.max_pages:,} may be imported")
            count = len(pdf.pages)
            if count == 0:
                raise IngestError("the PDF has no pages")
            if count > limits.max_pages:
                raise IngestError(f"the PDF has {count:,} pages; at most {limits.max_pages:,} may be imported")
            pages, empty = [], []
            for number, page in enumerate(pdf.pages, 1):
                if time.monotonic() - started > limits.seconds:
                    raise IngestError(
                        f"reading the PDF took longer than {limits.seconds:g} seconds (stopped at page {number})"
                    )
                words = page_words(page)
                if not words:
                    empty.append(number)
                pages.append((number, float(page.width), float(page.height), words))
                page.close()  # pdfplumber caches each page's objects; a long PDF would keep them all
                progress(f"page {number}/{count}")
            metadata = {k: v for k, v in (pdf.metadata or {}).items() if isinstance(v, str)}
        finally:
            # pdfplumber's close() lists every page to close it: seconds for a 2,000-page file
            # that was refused without listing them.
            if hasattr(pdf, "_pages"):
                pdf.close()
    except (PdfminerException, MalformedPDFException) as error:
        cause = error.args[0] if error.args else error
        if isinstance(cause, (PDFPasswordIncorrect, PDFEncryptionError)):
            raise IngestError(ENCRYPTED) from None
        raise IngestError(f"the file is not a readable PDF (malformed: {cause or type(cause).__name__})") from None
    if len(empty) == len(pages):
        raise IngestError(
            "the PDF has no text layer (a scan or images only): run it through OCR first, then upload the result"
        )
    paper = build_paper(pages)
    if not paper.title:
        paper.title = metadata.get("Title", "").strip()
    paper.authors = metadata.get("Author", "").strip()
    if empty:
        paper.warnings.append(f"{_pages(empty)} no text (images only?): anything printed there is missing")
    return paper


ENCRYPTED = "the PDF is encrypted: save or print an unencrypted copy and upload that"


def page_count(pdf) -> int:
    try:
        pages = pdf.doc.catalog["Pages"].resolve()
        return int(pages.get("Count", 0))
    except (AttributeError, KeyError, TypeError, ValueError):
        return 0  # the page list, read next, decides


def check_bytes(raw: bytes) -> None:
    if not raw.lstrip()[:5] == b"%PDF-":
        raise IngestError("the file is not a PDF (it does not start with %PDF-)")
    if b"%%EOF" not in raw[-2048:]:
        raise IngestError("the PDF is incomplete (truncated: it does not end with %%EOF); upload the whole file")


def _pages(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:10]) + (" …" if len(numbers) > 10 else "")
    return f"page {shown} has" if len(numbers) == 1 else f"pages {shown} have"


def page_words(page) -> list[Word]:
    words = []
    # Ligatures as the PDF has them, so their repair is recorded rather than silent.
    for w in page.extract_words(extra_attrs=["size", "fontname"], expand_ligatures=False):
        text = w["text"]
        if not text.strip():
            continue
        font = w["fontname"].lower()
        bold = any(mark in font for mark in ("bold", "black", "heavy", "semibold"))
        words.append(Word(text, float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]), w["size"], bold))
    return words


def group_rows(words: list[Word], page: int) -> list[Row]:
    """Words into printed lines: a word joins a line its height mostly overlaps (a raised marker does too)."""
    rows: list[Row] = []
    for word in sorted(words, key=lambda w: (w.top, w.x0)):
        for row in reversed(rows[-3:]):
            overlap = min(row.bottom, word.bottom) - max(row.top, word.top)
            if overlap > 0.5 * min(word.bottom - word.top, row.bottom - row.top):
                row.words.append(word)
                break
        else:
            rows.append(Row([word], page))
    for row in rows:
        row.words.sort(key=lambda w: w.x0)
    return sorted(rows, key=lambda r: r.top)


def find_gutter(words: list[Word]) -> tuple[float, float, float] | None:
    """A two-column stretch of the page: (gutter x, top, bottom), or None.

    A gutter is an x position in the middle of the text that no word crosses over a vertical
    stretch holding at least three lines on each side (two, if the gutter is wide), the
    right-hand ones starting at one left edge. Justified text leaves wide gaps between words too, but never at one x on
    line after line.
    """
    if len(words) < 12:
        return None
    left, right = min(w.x0 for w in words), max(w.x1 for w in words)
    width = right - left
    best = None
    for step in range(30, 71):
        x = left + width * step / 100
        crossing = sorted((w.top, w.bottom) for w in words if w.x0 - 2 < x < w.x1 + 2)
        # Free vertical stretches at x, between the words that cross it.
        edges, cursor = [], -1e9
        for top, bottom in crossing:
            if top > cursor:
                edges.append((cursor, top))
            cursor = max(cursor, bottom)
        edges.append((cursor, 1e9))
        for low, high in edges:
            inside = [w for w in words if w.top >= low and w.bottom <= high]
            right_words = [w for w in inside if w.x0 > x]
            left_words = [w for w in inside if w.x1 < x]
            right_lines = {round(w.top) for w in right_words}
            left_lines = {round(w.top) for w in left_words}
            if len(right_lines) < 2 or len(left_lines) < 2:
                continue
            edge = min(w.x0 for w in right_words)
            # Two lines a side (a column's last lines at the top of a page) only with a gutter
            # of more than an em: wider than the gaps of justified text.
            size = median(w.size for w in inside)
            if min(len(right_lines), len(left_lines)) < 3 and edge - max(w.x1 for w in left_words) < 1.2 * size:
                continue
            starts = Counter(round(min(w.x0 for w in right_words if round(w.top) == line)) for line in right_lines)
            if sum(n for start, n in starts.items() if abs(start - edge) <= 2) < 0.6 * len(right_lines):
                continue
            score = len(right_lines)
            if best is None or score > best[0]:
                top = min(w.top for w in right_words)
                bottom = max(w.bottom for w in right_words)
                best = (score, edge - 1, top, bottom, low, high)
    if best is None:
        return None
    _, gutter, top, bottom, low, high = best
    # The left column may run a line or two longer than the right: extend down over its lines
    # while they keep the line spacing, up to the end of the free stretch.
    left_rows = group_rows([w for w in words if w.x1 < gutter and bottom < w.top and w.bottom <= high], 0)
    for row in left_rows:
        if row.top - bottom > 0.9 * row.size:
            break
        bottom = row.bottom
    return gutter, top, bottom


def page_regions(words: list[Word], page: int) -> list[Row]:
    """The page's lines in reading order: above the columns, left column, right column, below."""
    columns = find_gutter(words)
    if columns is None:
        return group_rows(words, page)
    gutter, top, bottom = columns
    centre = lambda w: (w.top + w.bottom) / 2  # noqa: E731
    above = [w for w in words if centre(w) < top]
    below = [w for w in words if centre(w) > bottom]
    inside = [w for w in words if top <= centre(w) <= bottom]
    regions = [above, [w for w in inside if w.x1 <= gutter], [w for w in inside if w.x1 > gutter], below]
    rows = []
    for index, region in enumerate(regions):
        for row in group_rows(region, page):
            row.region = index
            rows.append(row)
    return rows


def furniture_key(row: Row) -> str:
    return re.sub(r"\d+", "#", row.text().lower())


def remove_furniture(pages: list[tuple[int, float, float, list[Row]]], repairs: Counter, removed: list[str]):
    """Drop running headers and footers and page numbers from the pages' rows."""
    margin_rows = []
    for _number, _width, height, rows in pages:
        for row in rows:
            if row.bottom < height * MARGIN or row.top > height * (1 - MARGIN):
                margin_rows.append(row)
    seen = Counter((furniture_key(r), round(r.top / 4)) for r in margin_rows)
    repeated = {key for key, n in seen.items() if n >= 2 and n >= 0.4 * len(pages)}
    for index, (number, width, height, rows) in enumerate(pages):
        kept = []
        for row in rows:
            in_margin = row.bottom < height * MARGIN or row.top > height * (1 - MARGIN)
            text = row.text()
            if in_margin and PAGE_NUMBER.match(text):
                repairs["page_numbers_removed"] += 1
            elif in_margin and (furniture_key(row), round(row.top / 4)) in repeated:
                repairs["running_headers_removed"] += 1
                if text not in removed:
                    removed.append(text)
            else:
                kept.append(row)
        pages[index] = (number, width, height, kept)


FOOTNOTE_START = re.compile(r"^(\d{1,3}|[*†‡§])\s*(?=\S)")
NOTES_HEADING = "[Notes]"


def take_footnotes(pages: list[tuple[int, float, float, list[Row]]], body: float) -> list[Row]:
    """Take out each page's footnotes: lines in smaller type after its last line of body type,
    below it, the first opening with a number or mark. Left in, they would split the paragraph
    that runs on to the next page."""
    notes: list[Row] = []
    for index, (number, width, height, rows) in enumerate(pages):
        body_rows = [i for i, row in enumerate(rows) if abs(row.size - body) < 0.3]
        if not body_rows:
            continue
        last = body_rows[-1]
        tail = rows[last + 1 :]
        if (
            tail
            and tail[0].top > rows[last].bottom
            and FOOTNOTE_START.match(tail[0].text())
            and all(row.size < 0.9 * body for row in tail)
        ):
            notes.extend(tail)
            pages[index] = (number, width, height, rows[: last + 1])
    return notes


def add_notes_section(paper: ParsedPaper, rows: list[Row], vocabulary: Counter) -> None:
    """The footnotes, gathered at the end under a heading in square brackets, each marked "[n]"."""
    if not rows:
        return
    notes: list[Block] = []
    for row in rows:
        text = row.text()
        if FOOTNOTE_START.match(text) or not notes:
            notes.append(Block("paragraph", FOOTNOTE_START.sub(lambda m: f"[{m.group(1)}] ", text), row.size, row, row))
        else:
            join(notes[-1], text, vocabulary, Counter())
    index = sum(1 for _ in paper.passages())
    section = ParsedSection(title=NOTES_HEADING, level=1)
    paper.sections.append(section)
    paper.interventions.append(
        Intervention(
            kind="structure",
            index=index,
            original="",
            replacement=NOTES_HEADING,
            reason="The footnotes, printed at the foot of their pages, are gathered here; the heading in square "
            "brackets is the editor’s.",
        )
    )
    for note in notes:
        text = fix_ligatures(note)
        section.passages.append(ParsedPassage(kind=REFERENCE, text=text))
        for original, replacement, reason in note.fixes:
            paper.interventions.append(Intervention("repair", index, original, replacement, reason))
        index += 1
    paper.repairs["footnotes_gathered"] = len(notes)


def body_size(rows: list[Row]) -> float:
    sizes = Counter()
    for row in rows:
        sizes[row.size] += len(row.text())
    return sizes.most_common(1)[0][0]


def build_paper(pages: list[tuple[int, float, float, list[Word]]]) -> ParsedPaper:
    repairs: Counter = Counter()
    removed: list[str] = []
    laid_out = [(number, width, height, page_regions(words, number)) for number, width, height, words in pages]
    remove_furniture(laid_out, repairs, removed)
    rows = [row for _n, _w, _h, page_rows in laid_out for row in page_rows]
    if not rows:
        raise IngestError("the PDF has no text once page headers and numbers are set aside")
    body = body_size(rows)
    footnotes = take_footnotes(laid_out, body)
    rows = [row for _n, _w, _h, page_rows in laid_out for row in page_rows]
    vocabulary = Counter(w.lower() for row in rows + footnotes for w in WORD.findall(row.text()))
    blocks = build_blocks(rows, body, vocabulary, repairs)
    title, blocks = take_title(blocks, body)
    paper = build_sections(blocks, body, repairs)
    add_notes_section(paper, footnotes, vocabulary)
    paper.title = title
    paper.removed = removed
    if not any(len(WORD.findall(p.text)) >= 5 for p in paper.passages() if p.kind == BODY):
        raise IngestError("no paragraphs of prose were found in the PDF")
    if not paper.repairs.get("headings_found"):
        paper.warnings.append("no headings were found: the whole text is one section")
    for section in paper.sections:
        for position, passage in enumerate(section.passages, 1):
            where = f"paragraph {position} of ‘{section.title}’"
            if len(passage.text) > LONG_PASSAGE:
                paper.warnings.append(f"{where} is {len(passage.text):,} characters long: is a paragraph break lost?")
            if MOJIBAKE.search(passage.text):
                paper.warnings.append(f"{where} still has characters that look like mojibake (Ã, â€, �)")
    return paper


def starts_paragraph(previous: Row, row: Row, pitch: float, left: float, right: float) -> bool:
    if row.page != previous.page or row.region != previous.region:
        return True
    size = row.size
    if row.top - previous.top > 1.35 * pitch:
        return True
    if row.x0 > left + 0.8 * size and previous.x0 <= left + 0.8 * size:
        return True  # first-line indent
    text = previous.text()
    return previous.x1 < right - 2 * size and ends_sentence(text)


def is_heading_row(row: Row, body: float) -> bool:
    words = row.text().split()
    if not words or len(words) > 20:
        return False
    if row.size >= body * 1.15:
        return True
    return row.bold and len(words) <= 12 and not row.text().endswith((".", ",", ";"))


def build_blocks(rows: list[Row], body: float, vocabulary: Counter, repairs: Counter) -> list[Block]:
    """Join lines into headings and paragraphs, across line, column and page breaks."""
    pitches = [
        b.top - a.top
        for a, b in pairwise(rows)
        if a.page == b.page and a.region == b.region and a.size == b.size == body and b.top > a.top
    ]
    pitch = median(pitches) if pitches else body * 1.2
    edges: dict[tuple[int, int], tuple[float, float]] = {}
    for row in rows:
        if row.size == body:
            key = (row.page, row.region)
            low, high = edges.get(key, (row.x0, row.x1))
            edges[key] = (min(low, row.x0), max(high, row.x1))
    blocks: list[Block] = []
    previous: Row | None = None
    for row in rows:
        text = row.text(repairs)
        left, right = edges.get((row.page, row.region), (row.x0, row.x1))
        if is_heading_row(row, body):
            last = blocks[-1] if blocks else None
            if (
                last is not None
                and last.kind == "heading"
                and previous is not None
                and abs(last.size - row.size) < 0.2
                and row.page == previous.page
                and row.top - previous.bottom < 0.8 * row.size
                and not NUMBERED_HEADING.match(text)
            ):
                last.text += " " + text
                last.last = row
                repairs["heading_rejoined"] += 1
            else:
                blocks.append(Block("heading", text, row.size, row, row))
            previous = row
            continue
        last = blocks[-1] if blocks else None
        if last is None or last.kind != "paragraph":
            blocks.append(Block("paragraph", text, row.size, row, row))
        elif previous is not None and not starts_paragraph(previous, row, pitch, left, right):
            join(last, text, vocabulary, repairs)
            last.last = row
        elif (
            previous is not None
            and (previous.page, previous.region) != (row.page, row.region)
            and continues(last, text)
        ):
            join(last, text, vocabulary, repairs)
            last.last = row
            repairs["page_break_joins"] += 1
        else:
            blocks.append(Block("paragraph", text, row.size, row, row))
        previous = row
    return blocks


def continues(block: Block, text: str) -> bool:
    """A paragraph cut by a column or page break goes on in the next column or page."""
    return text[:1].islower() or not ends_sentence(block.text) or block.text.endswith(("-", *SOFT_HYPHENS))


def join(block: Block, text: str, vocabulary: Counter, repairs: Counter) -> None:
    last = block.text
    if last.endswith((*SOFT_HYPHENS, "-")) and len(last) > 1 and last[-2].isalpha() and text[:1].isalpha():
        head = WORD.findall(last[:-1] + " ")
        stem = re.search(r"([^\W\d_][\w’']*)$", last[:-1])
        rest = re.match(r"[\w’']+", text)
        if stem and rest and head:
            hyphenated = f"{stem.group(1)}-{rest.group(0)}"
            joined = f"{stem.group(1)}{rest.group(0)}"
            keep = last.endswith("-") and (
                vocabulary.get(hyphenated.lower(), 0) > 0
                or (text[:1].isupper() and vocabulary.get(joined.lower(), 0) == 0)
            )
            if keep:
                block.text = last + text
            else:
                block.text = last[:-1] + text
                block.fixes.append(
                    (
                        hyphenated,
                        joined,
                        "A word hyphenated at a line end in the PDF, rejoined without the hyphen.",
                    )
                )
                repairs["hyphenation_joined"] += 1
            return
    block.text = f"{last} {text}"
    repairs["line_wraps_joined"] += 1


def take_title(blocks: list[Block], body: float) -> tuple[str, list[Block]]:
    """The title: the first heading on page one, when nothing later is set as large."""
    headings = [b for b in blocks if b.kind == "heading"]
    if not headings or headings[0].first.page != 1 or blocks.index(headings[0]) > 2:
        return "", blocks
    first = headings[0]
    if any(b.size >= first.size for b in headings[1:]) or first.size < body * 1.3:
        return "", blocks
    return first.text, [b for b in blocks if b is not first]


def heading_levels(blocks: list[Block]) -> dict[float, int]:
    sizes = sorted({round(b.size, 1) for b in blocks if b.kind == "heading"}, reverse=True)
    return {size: min(level, 6) for level, size in enumerate(sizes, 1)}


def build_sections(blocks: list[Block], body: float, repairs: Counter) -> ParsedPaper:
    paper = ParsedPaper()
    levels = heading_levels(blocks)
    section: ParsedSection | None = None
    interventions: list[Intervention] = []
    index = 0
    headings = 0
    for block in blocks:
        if block.kind == "heading":
            text = fix_ligatures(block)
            match = NUMBERED_HEADING.match(text)
            number, title = (match.group(1), match.group(2)) if match else ("", text)
            level = len(number.split(".")) if number else levels.get(round(block.size, 1), 1)
            section = ParsedSection(title=title.strip(), number=number, level=min(level, 6))
            paper.sections.append(section)
            headings += 1
            continue
        if section is None:
            section = ParsedSection(title=SUPPLIED_OPENING, level=1)
            paper.sections.append(section)
            interventions.append(
                Intervention(
                    kind="structure",
                    index=index,
                    original="",
                    replacement=SUPPLIED_OPENING,
                    reason="The opening section has no heading in the source; the heading in square brackets is the editor’s.",
                )
            )
        text = fix_ligatures(block)
        if caption_match(text):
            kind = CAPTION
        elif section.title.lower().rstrip(":") in REFERENCE_HEADINGS:
            kind = REFERENCE
        else:
            kind = BODY
        section.passages.append(ParsedPassage(kind=kind, text=text.strip()))
        for original, replacement, reason in block.fixes:
            interventions.append(Intervention("repair", index, original, replacement, reason))
            if reason.startswith("Ligature"):
                repairs["ligatures_replaced"] += 1
        index += 1
    if headings:
        repairs["headings_found"] = headings
    paper.repairs = {kind: n for kind, n in repairs.items() if n}
    paper.interventions = interventions
    return paper


def fix_ligatures(block: Block) -> str:
    """Write ligature characters as their letters, one note per word changed."""
    text = block.text
    if not LIGATURE.search(text):
        return text
    for word in sorted({m.group(0) for m in re.finditer(r"\S*[" + "".join(LIGATURES) + r"]\S*", text)}):
        fixed = LIGATURE.sub(lambda m: LIGATURES[m.group(0)], word)
        count = text.count(word)
        block.fixes.extend(
            [(word, fixed, f"Ligature {LIGATURE.search(word).group(0)} in the PDF’s text written as letters.")] * count
        )
    return LIGATURE.sub(lambda m: LIGATURES[m.group(0)], text)


# Reading an untrusted PDF in a subprocess: a hostile file (a decompression bomb, a page tree
# that loops, a font that takes minutes) costs the worker at most its time and memory limits,
# never the web process.

MEMORY_LIMIT = 1024 * 1024 * 1024  # bytes of address space for the worker


def read_pdf_limited(raw: bytes, limits: Limits | None = None, progress=None) -> ParsedPaper:
    """read_pdf in a subprocess killed after the time limit; its progress lines go to `progress`."""
    import json
    import subprocess
    import sys
    import threading

    limits = limits or Limits()
    progress = progress or (lambda message: None)
    check_bytes(raw)  # before starting a process for something that is not a PDF
    command = [sys.executable, "-m", "readings.ingest.pdf", str(limits.max_pages), str(limits.seconds)]
    # From the project's root, where `readings` is importable whatever the server's working directory.
    root = Path(__file__).resolve().parents[2]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=root)
    # read_pdf checks the clock between pages; the kill covers a single page that never ends.
    timed_out = threading.Event()

    def stop():
        timed_out.set()
        process.kill()

    killer = threading.Timer(limits.seconds + 5, stop)
    killer.start()
    output: list[bytes] = []
    writer = threading.Thread(target=_feed, args=(process.stdin, raw), daemon=True)
    reader = threading.Thread(target=lambda: output.append(process.stdout.read()), daemon=True)
    writer.start()
    reader.start()
    try:
        for line in process.stderr:
            message = line.decode("utf-8", "replace").strip()
            if message.startswith("progress: "):
                progress(message.removeprefix("progress: "))
        process.wait()
        reader.join()
    finally:
        killer.cancel()
        if process.poll() is None:
            process.kill()
            process.wait()
    if timed_out.is_set():
        raise IngestError(f"reading the PDF took longer than {limits.seconds:g} seconds: it was stopped")
    try:
        result = json.loads((output[0] if output else b"") or b"{}")
    except ValueError:
        result = {}
    if "error" in result:
        raise IngestError(result["error"])
    if "paper" not in result:
        raise IngestError("the PDF could not be read (it is malformed, or too large to read in memory)")
    return paper_from_dict(result["paper"])


def _feed(pipe, raw: bytes) -> None:
    try:
        pipe.write(raw)
        pipe.close()
    except (BrokenPipeError, OSError):
        pass  # the worker stopped early (bad PDF, time limit): its answer says why


def paper_from_dict(data: dict) -> ParsedPaper:
    sections = [
        ParsedSection(**{**s, "passages": [ParsedPassage(**p) for p in s["passages"]]}) for s in data["sections"]
    ]
    interventions = [Intervention(**i) for i in data["interventions"]]
    return ParsedPaper(**{**data, "sections": sections, "interventions": interventions})


def main(argv: list[str]) -> None:
    """The worker: a PDF on stdin, {"paper": …} or {"error": …} as JSON on stdout, progress on stderr."""
    import dataclasses
    import json
    import resource
    import sys

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
    limits = Limits(max_pages=int(argv[0]), seconds=float(argv[1]))
    cpu = int(limits.seconds) + 5  # the parent's kill is the real limit; this one holds if the parent dies
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu))
    raw = sys.stdin.buffer.read()

    def progress(message):
        sys.stderr.write(f"progress: {message}\n")
        sys.stderr.flush()

    try:
        result = {"paper": dataclasses.asdict(read_pdf(raw, limits, progress))}
    except IngestError as error:
        result = {"error": str(error)}
    except RecursionError:
        result = {"error": "the file is not a readable PDF (malformed: its objects nest without end)"}
    except Exception as error:  # any parser failure on a hostile file is a refusal, not a crash
        result = {"error": f"the file is not a readable PDF (malformed: {type(error).__name__})"}
    sys.stdout.write(json.dumps(result))


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
