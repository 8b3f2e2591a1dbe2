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
the text says now. Run on untrusted files only through `readings.ingest.pdf_worker`, which
reads the PDF in a subprocess under time, page and memory limits; `pdf_layout` turns a page's
words into lines in reading order.
"""

from __future__ import annotations

import io
import re
import time
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise
from statistics import median

from .pdf_layout import Row, Word, body_size, page_regions, page_words, remove_furniture
from .plaintext import NUMBERED_HEADING, REFERENCE_HEADINGS, SUPPLIED_OPENING, caption_match, ends_sentence
from .types import BODY, CAPTION, REFERENCE, IngestError, Intervention, ParsedPaper, ParsedPassage, ParsedSection

LIGATURES = {"ﬀ": "ff", "ﬁ": "fi", "ﬂ": "fl", "ﬃ": "ffi", "ﬄ": "ffl", "ﬅ": "ft", "ﬆ": "st"}
LIGATURE = re.compile("[" + "".join(LIGATURES) + "]")
SOFT_HYPHENS = ("\u00ad", "\u2010")
WORD = re.compile(r"[^\W\d_][\w’'\-]*", re.UNICODE)
MOJIBAKE = re.compile("Ã[\u0080-\u00bf]|â€|\ufffd|Â[\u00a0-\u00bf]")
LONG_PASSAGE = 5_000  # characters: worth a look, though not refused


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
            # Kept: a hyphen the document prints inside a line elsewhere, one before a capital
            # ("Sino-|American"), and one in a code or date pattern ("YYMMDDhhmm-|hh").
            code = any(c.isdigit() or c.isupper() for c in stem.group(1)[1:] + rest.group(0)[1:])
            keep = last.endswith("-") and (
                vocabulary.get(hyphenated.lower(), 0) > 0
                or (text[:1].isupper() and vocabulary.get(joined.lower(), 0) == 0)
                or code
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
