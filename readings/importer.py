"""Write a parsed paper into the database: idempotent, in one transaction, keys kept stable."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils.text import slugify

from .ingest.pipeline import check_passage_lengths
from .ingest.types import CAPTION, TABLE, IngestError, ParsedPaper, ParsedPassage
from .models import EditorialNote, Paper, Stance
from .models.corpus import TRAILING_SMALL_WORDS
from .realign import NewPassage, NewSection, current_models, realign_paper

CURATION_FILE = settings.BASE_DIR / "fixtures" / "curation.json"
# What each kind of repair did, for one and for several: "1 run-in heading", "3 run-in headings".
REPAIR_DESCRIPTIONS = {
    "glyph_ids_decoded": (
        "character of PDF glyph-ID damage decoded (it was a font glyph number read as a letter)",
        "characters of PDF glyph-ID damage decoded (each character was a font glyph number read as a letter)",
    ),
    "line_wraps_joined": ("hard line wrap joined into a paragraph", "hard line wraps joined into paragraphs"),
    "spaced_line_wraps_joined": (
        "line wrap of a double-spaced extraction (a blank line after every printed line) joined into a paragraph",
        "line wraps of a double-spaced extraction (a blank line after every printed line) joined into paragraphs",
    ),
    "page_break_joins": ("paragraph cut by a page break rejoined", "paragraphs cut by page breaks rejoined"),
    "hyphenation_joined": ("word hyphenated at a line end rejoined", "words hyphenated at line ends rejoined"),
    "heading_rejoined": ("heading wrapped over two lines rejoined", "headings wrapped over two lines rejoined"),
    "run_in_headings_split": ("run-in heading separated from the text", "run-in headings separated from the text"),
    "citation_markers_renumbered": (
        "citation marker garbled by OCR restored as a numbered marker",
        "citation markers garbled by OCR restored as numbered markers",
    ),
    # From a PDF's words and their positions (readings.ingest.pdf).
    "running_headers_removed": ("running header or footer left out", "running headers and footers left out"),
    "page_numbers_removed": ("page number left out", "page numbers left out"),
    "footnote_markers_bracketed": (
        "raised footnote marker written in square brackets",
        "raised footnote markers written in square brackets",
    ),
    "ligatures_replaced": ("ligature written as its letters", "ligatures written as their letters"),
    "footnotes_gathered": ("footnote gathered under [Notes]", "footnotes gathered under [Notes]"),
}


@dataclass
class Curation:
    """Hand curation of one source: metadata and what code cannot infer, each with a note."""

    slug: str = ""
    stance: str = ""
    title: str = ""
    title_supplied: bool = False
    authors: str = ""
    year: int | None = None
    venue: str = ""
    doi: str = ""
    url: str = ""
    language: str = "en"
    order: int = 0
    notes: list[dict] = field(default_factory=list)
    levels: dict[str, int] = field(default_factory=dict)
    tables: list[dict] = field(default_factory=list)
    # Paragraph ends the extraction does not show, each {"after": the words ending the paragraph, "note"}.
    paragraph_breaks: list[dict] = field(default_factory=list)
    # Faults of the extraction an editor put right, each {"find", "replace", "note"} and optionally
    # "field": "figure_text"; shown to readers as a correction with what the source reads.
    corrections: list[dict] = field(default_factory=list)


def load_curation(source_name: str, path: Path = CURATION_FILE) -> Curation | None:
    if not path.exists():
        return None
    entries = json.loads(path.read_text(encoding="utf-8"))
    entry = entries.get(source_name)
    return Curation(**entry) if entry else None


def apply_curation(parsed: ParsedPaper, curation: Curation) -> list[dict]:
    """Apply the structural curation to the parsed paper; return the notes it implies."""
    notes = []
    for section in parsed.sections:
        if section.title in curation.levels and section.level != curation.levels[section.title]:
            notes.append(
                {
                    "kind": EditorialNote.Kind.STRUCTURE,
                    "note": f"Heading level of ‘{section.title}’ set to {curation.levels[section.title]} by the editor: "
                    "the source marks its outline only by typography.",
                }
            )
            section.level = curation.levels[section.title]
    for correction in curation.corrections:
        notes.append(correct(parsed, correction))
    for paragraph_break in curation.paragraph_breaks:
        notes.append(break_paragraph(parsed, paragraph_break["after"], paragraph_break["note"]))
    for table in curation.tables:
        for section in parsed.sections:
            for i, passage in enumerate(section.passages):
                if passage.kind == CAPTION and passage.text.startswith(table["caption"]):
                    rows = "\n".join(" | ".join(row) for row in table["rows"])
                    rebuilt = ParsedPassage(kind=TABLE, text=rows, figure_text=passage.figure_text)
                    passage.figure_text = ""
                    section.passages.insert(i + 1, rebuilt)
                    notes.append(
                        {
                            "kind": EditorialNote.Kind.TABLE,
                            "note": table["note"],
                            "passage": rebuilt,
                            "original": rebuilt.figure_text,
                            "replacement": rows,
                        }
                    )
                    break
            else:
                continue
            break
        else:
            raise IngestError(f"curation names a table caption that is not in the text: {table['caption']!r}")
    return notes


def correct(parsed: ParsedPaper, correction: dict) -> dict:
    """Make one curated correction in the one passage that has the words it finds; return its note."""
    name = correction.get("field", "text")
    if name not in {"text", "figure_text"}:
        raise IngestError(f"a curated correction names a field passages do not have: {name!r}")
    found = [p for p in parsed.passages() if correction["find"] in getattr(p, name)]
    if len(found) != 1:
        raise IngestError(f"curation corrects words that are not in the text once: {correction['find']!r}")
    passage = found[0]
    setattr(passage, name, getattr(passage, name).replace(correction["find"], correction["replace"]).strip())
    return {
        "kind": EditorialNote.Kind.CORRECTION,
        "note": correction["note"],
        "passage": passage,
        "original": correction["find"],
        "replacement": correction["replace"],
    }


def break_paragraph(parsed: ParsedPaper, after: str, note: str) -> dict:
    """Split the one passage in which `after` ends a sentence that another follows; the note goes on its
    second half, where the reader sees the paragraph the editor made."""
    found = [
        (section, i)
        for section in parsed.sections
        for i, passage in enumerate(section.passages)
        if f"{after} " in passage.text
    ]
    if len(found) != 1:
        raise IngestError(f"curation names a paragraph break that is not in the text once: {after!r}")
    section, i = found[0]
    passage = section.passages[i]
    head, tail = passage.text.split(f"{after} ", 1)
    second = ParsedPassage(kind=passage.kind, text=tail.strip(), lang=passage.lang)
    passage.text = f"{head}{after}"
    section.passages.insert(i + 1, second)
    return {"kind": EditorialNote.Kind.STRUCTURE, "note": note, "passage": second}


SECTION_KEY_LENGTH = 60


def title_key(title: str) -> str:
    """The slug of a section's title, cut at a word to at most SECTION_KEY_LENGTH characters and
    without a dangling small word ("…-with-chinese", not "…-with-chinese-" or "…-abr")."""
    slug = slugify(title, allow_unicode=True)
    if len(slug) <= SECTION_KEY_LENGTH:
        return slug
    words = slug[: SECTION_KEY_LENGTH + 1].split("-")[:-1] or [slug[:SECTION_KEY_LENGTH]]
    while len(words) > 1 and words[-1] in TRAILING_SMALL_WORDS:
        words.pop()
    return "-".join(words)


def section_keys(parsed: ParsedPaper) -> list[str]:
    keys, seen = [], set()
    for section in parsed.sections:
        base = section.number.replace(".", "-") if section.number else title_key(section.title)
        base = base or "section"
        key, n = base, 2
        while key in seen:
            key, n = f"{base}-{n}", n + 1
        seen.add(key)
        keys.append(key)
    return keys


@transaction.atomic
def import_parsed(parsed: ParsedPaper, curation: Curation, source_name: str = "", progress=None) -> Paper:
    """Create or update the paper; passages keep their keys, so contrasts and notes stay attached."""
    progress = progress or (lambda message: None)
    if curation.stance not in Stance.values:
        raise IngestError(f"stance must be one of {', '.join(Stance.values)}")
    # Interventions point at passages by position; fix their targets before curation inserts any.
    targets = list(parsed.passages())
    curated_notes = apply_curation(parsed, curation)
    check_passage_lengths(parsed)  # again: curation may have rebuilt a table
    title = curation.title or parsed.title
    if not title:
        raise IngestError("the source prints no title: give one with --title (it is marked as supplied)")
    slug = curation.slug or slugify(title)[:80]

    paper, _created = Paper.objects.get_or_create(slug=slug, defaults={"title": title, "stance": curation.stance})
    paper.source_file = source_name
    paper.title = title
    paper.title_supplied = curation.title_supplied
    paper.authors = curation.authors or parsed.authors
    paper.year = curation.year
    paper.venue, paper.doi, paper.url = curation.venue, curation.doi, curation.url
    paper.stance, paper.language, paper.order = curation.stance, curation.language, curation.order
    abstract = next((s for s in parsed.sections if s.title == "Abstract"), None)
    paper.abstract = "\n\n".join(p.text for p in abstract.passages) if abstract else ""
    paper.save()

    keys = section_keys(parsed)
    # Passages are matched to the ones already there by text, not by position: a paragraph split in
    # two must not hang a reader's annotation on the words of the next (see readings.realign).
    new_sections = [
        NewSection(
            key=key,
            title=section.title,
            number=section.number,
            level=section.level,
            lang=section.lang,
            front_matter=section.front_matter,
            passages=[NewPassage(p.kind, p.text, p.lang, p.figure_text) for p in section.passages],
        )
        for key, section in zip(keys, parsed.sections, strict=True)
    ]
    saved = realign_paper(current_models(), paper, new_sections)
    for parsed_passage, passage in zip(parsed.passages(), saved, strict=True):
        parsed_passage.saved = passage  # type: ignore[attr-defined]
    for ordinal, parsed_section in enumerate(parsed.sections, 1):
        heading = f"{parsed_section.number} {parsed_section.title}".strip()
        progress(f"  {ordinal}/{len(parsed.sections)} {heading} ({len(parsed_section.passages)} passages)")

    write_notes(paper, parsed, targets, curation, curated_notes)
    return paper


def write_notes(paper: Paper, parsed: ParsedPaper, passages: list, curation: Curation, curated_notes: list[dict]):
    paper.editorial_notes.filter(from_import=True).delete()
    notes = []
    for note in curation.notes:
        notes.append(
            EditorialNote(
                paper=paper,
                kind=note["kind"],
                note=note["note"],
                original=note.get("original", ""),
                replacement=note.get("replacement", ""),
            )
        )
    repaired = [
        f"{count} {REPAIR_DESCRIPTIONS[kind][count != 1]}"
        for kind, count in parsed.repairs.items()
        if kind in REPAIR_DESCRIPTIONS and count
    ]
    if repaired:
        notes.append(
            EditorialNote(
                paper=paper,
                kind=EditorialNote.Kind.REPAIR,
                note="Mechanical repair of the PDF extraction: "
                + "; ".join(repaired)
                + ". The words are the author’s.",
            )
        )
    for fix in parsed.interventions:
        target = getattr(passages[fix.index], "saved", None)
        notes.append(
            EditorialNote(
                paper=paper,
                passage=None if fix.on_section else target,
                section=target.section if fix.on_section and target else None,
                kind=fix.kind,
                original=fix.original,
                replacement=fix.replacement,
                note=fix.reason,
            )
        )
    for section in paper.sections.exclude(front_matter=""):
        notes.append(
            EditorialNote(
                paper=paper,
                section=section,
                kind=EditorialNote.Kind.STRUCTURE,
                note="The source prints this title, its authors and their affiliation again before this "
                "abstract, in its language: they are shown here as the abstract’s front matter, not as its "
                "paragraphs.",
            )
        )
    for note in curated_notes:
        target = getattr(note.get("passage"), "saved", None)
        notes.append(
            EditorialNote(
                paper=paper,
                passage=target,
                kind=note["kind"],
                note=note["note"],
                original=note.get("original", ""),
                replacement=note.get("replacement", ""),
            )
        )
    for ordinal, note in enumerate(notes, 1):
        note.ordinal = ordinal
        note.from_import = True
    EditorialNote.objects.bulk_create(notes)
