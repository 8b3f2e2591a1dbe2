"""From raw bytes to a repaired, structured paper: decoding, then each repair in its order."""

from __future__ import annotations

import re

from .citations import repair_citation_markers
from .glyphs import has_glyph_damage, repair_glyph_ids
from .markdown_source import parse_markdown_paper
from .ocr import repair_ocr_slips
from .pdf import Limits
from .pdf_worker import read_pdf_limited
from .plaintext import parse_plain_text
from .types import BODY, PASSAGE_MAX_LENGTH, IngestError, ParsedPaper

MARKDOWN_HEADING = re.compile(r"^#{1,6}\s+\S", re.MULTILINE)


def decode(raw: bytes) -> str:
    if not raw.strip():
        raise IngestError("the file is empty")
    if b"\x00" in raw:
        raise IngestError("the file is binary, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise IngestError(f"the file is not UTF-8 text (bad byte at position {error.start})") from None
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\r\t\f")
    if controls > len(text) / 100:
        raise IngestError("the file is binary, not text")
    return text


def looks_like_markdown(text: str) -> bool:
    return len(MARKDOWN_HEADING.findall(text)) >= 2


def check_passage_lengths(paper: ParsedPaper) -> None:
    """Refuse a paper with a passage longer than PASSAGE_MAX_LENGTH, naming the first one."""
    for section in paper.sections:
        heading = f"{section.number} {section.title}".strip()
        for position, passage in enumerate(section.passages, 1):
            for part, text in (("", passage.text), (" (the words in its figure)", passage.figure_text)):
                if len(text) > PASSAGE_MAX_LENGTH:
                    raise IngestError(
                        f"paragraph {position} of section ‘{heading}’{part} is {len(text):,} characters, "
                        f"longer than a passage may be ({PASSAGE_MAX_LENGTH:,}): is a paragraph break "
                        "missing from the source?"
                    )


def parse_source(raw: bytes, fmt: str = "auto") -> ParsedPaper:
    """Decode, repair and structure one source text. Raises IngestError on bad input."""
    text = decode(raw)
    repairs = {}
    if has_glyph_damage(text):
        repair = repair_glyph_ids(text)
        text = repair.text
        repairs["glyph_ids_decoded"] = repair.replaced
    markdown = fmt == "markdown" or (fmt == "auto" and looks_like_markdown(text))
    paper = parse_markdown_paper(text) if markdown else parse_plain_text(text)
    paper.repairs = {**repairs, **paper.repairs}
    # Before the repairs below, which read every paragraph.
    check_passage_lengths(paper)
    return repair_markers(paper)


def parse_pdf_source(raw: bytes, limits: Limits | None = None, progress=None) -> ParsedPaper:
    """Read a PDF (in a time- and memory-limited subprocess), then repair it as a text is repaired."""
    paper = read_pdf_limited(raw, limits, progress)
    passages = list(paper.passages())
    joined = "\n".join(p.text for p in passages)
    if has_glyph_damage(joined):
        repair = repair_glyph_ids(joined)
        for passage, text in zip(passages, repair.text.split("\n"), strict=True):
            passage.text = text
        paper.repairs["glyph_ids_decoded"] = repair.replaced
    check_passage_lengths(paper)
    # Not the citation-debris repair: it undoes what plain-text extraction does to raised
    # markers, which the PDF reader finds by their size and position instead; on a clean PDF
    # it would take a texinfo "[Function]" label for a garbled marker.
    return repair_markers(paper, citations=False)


def repair_markers(paper: ParsedPaper, citations: bool = True) -> ParsedPaper:
    # Marker and OCR repairs work on the body paragraphs in reading order, because
    # citation numbers run through the whole paper.
    passages = [p for p in paper.passages() if p.kind == BODY]
    texts = [p.text for p in passages]
    texts, citation_fixes = repair_citation_markers(texts) if citations else (texts, [])
    texts, ocr_fixes = repair_ocr_slips(texts)
    for passage, text in zip(passages, texts, strict=False):
        passage.text = text
    all_passages = list(paper.passages())
    position = {id(p): i for i, p in enumerate(all_passages)}
    for fix in citation_fixes + ocr_fixes:
        paper.interventions.append(
            type(fix)(fix.kind, position[id(passages[fix.index])], fix.original, fix.replacement, fix.reason)
        )
    if citation_fixes:
        paper.repairs["citation_markers_renumbered"] = len(citation_fixes)
    return paper
