"""Write a parsed paper into the database: idempotent, in one transaction, keys kept stable."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils.text import slugify

from .ingest.pipeline import check_passage_lengths
from .ingest.types import CAPTION, TABLE, IngestError, ParsedPaper, ParsedPassage
from .models import EditorialNote, Paper, Passage, Section, Stance

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


def section_keys(parsed: ParsedPaper) -> list[str]:
    keys, seen = [], set()
    for section in parsed.sections:
        base = section.number.replace(".", "-") if section.number else slugify(section.title, allow_unicode=True)[:60]
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
    existing_sections = {s.key: s for s in paper.sections.all()}
    # Move old ordinals out of the way so the unique (paper, ordinal) constraint holds
    # while sections are renumbered.
    paper.sections.update(ordinal=F("ordinal") + 1_000_000)
    kept_passages: set[int] = set()
    sections = []
    for ordinal, (key, parsed_section) in enumerate(zip(keys, parsed.sections, strict=False), 1):
        section = existing_sections.get(key) or Section(paper=paper, key=key)
        section.number, section.title = parsed_section.number, parsed_section.title
        section.level, section.ordinal, section.lang = parsed_section.level, ordinal, parsed_section.lang
        section.save()
        sections.append(section)
        existing = {p.ordinal: p for p in section.passages.all()}
        for position, parsed_passage in enumerate(parsed_section.passages, 1):
            passage = existing.get(position) or Passage(section=section, ordinal=position)
            passage.kind = parsed_passage.kind
            passage.text = parsed_passage.text
            passage.lang = parsed_passage.lang
            passage.figure_text = parsed_passage.figure_text
            passage.save()
            parsed_passage.saved = passage  # type: ignore[attr-defined]
            kept_passages.add(passage.pk)
        progress(f"  {ordinal}/{len(parsed.sections)} {section.heading} ({len(parsed_section.passages)} passages)")

    stale = Passage.objects.filter(paper=paper).exclude(pk__in=kept_passages)
    used = stale.filter(contrast_passages__isnull=False) | stale.filter(annotations__isnull=False)
    if used.exists():
        keys_used = ", ".join(sorted({p.key for p in used.distinct().select_related("paper", "section")}))
        raise IngestError(f"re-import would remove passages that contrasts or annotations use: {keys_used}")
    stale.delete()
    paper.sections.exclude(pk__in=[s.pk for s in sections]).delete()

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
                passage=target,
                kind=fix.kind,
                original=fix.original,
                replacement=fix.replacement,
                note=fix.reason,
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
