"""Keep passages, their notes, contrasts and permalinks together when a paper's text is cut anew.

A passage is known by its key (paper, section key, ordinal), and the key is its position: splitting
a paragraph in two or renaming a section moves every key after it. Matching passages by position
would then silently hang a reader's annotation on different words. So passages are matched by their
text: the same text keeps its row (and so its annotations and contrast sides), a passage cut in two
keeps its row for the first half and hands the second half what was attached to it, and every key
that moved is recorded as a PassageRedirect so old permalinks keep working.

The functions take the model classes as an argument (`models`, with attributes Passage, Section,
Annotation, ContrastPassage, PassageRedirect): the importer passes readings.models, and the data
migration passes its historical models, so both re-align the same way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from types import SimpleNamespace

from django.db.models import F
from django.utils import timezone

from .ingest.types import IngestError

# Ordinals are moved out of the way by this much while a paper is renumbered, so that the unique
# (section, ordinal) constraint holds at every step.
PARKED = 1_000_000
# How alike a changed passage must be to the old one to keep its row (an OCR fix, a stray fragment
# removed) rather than count as a new passage.
REVISED_SIMILARITY = 0.8
QUOTATION = re.compile(r"“([^”]+)”")
NESTED_QUOTES = str.maketrans({"‘": '"', "’": '"', "“": '"', "”": '"'})


@dataclass(frozen=True)
class Origin:
    """Where a new passage comes from: an old passage's row (`keeps_row`), a part of an old passage
    starting at `offset` of its text (a split's second half: a new row), or nothing (`pk` None)."""

    pk: int | None = None
    offset: int = 0
    keeps_row: bool = False


@dataclass
class NewPassage:
    kind: str
    text: str
    lang: str = ""
    figure_text: str = ""


@dataclass
class NewSection:
    key: str
    title: str
    number: str = ""
    level: int = 1
    lang: str = ""
    front_matter: str = ""
    passages: list[NewPassage] = field(default_factory=list)


def align(old: list[tuple[int, str]], new: list[str]) -> list[Origin]:
    """Match new passage texts (in reading order) to old ones (pk, text): exact text first, then a
    passage cut in two (the first half is a prefix of the old text, the second follows it), then a
    passage revised in place (alike enough, and unmatched otherwise)."""
    origins: list[Origin | None] = [None] * len(new)
    texts = dict(old)
    unclaimed = [pk for pk, _ in old]
    for i, text in enumerate(new):
        pk = next((pk for pk in unclaimed if texts[pk] == text), None)
        if pk is not None:
            origins[i] = Origin(pk, 0, keeps_row=True)
            unclaimed.remove(pk)
    i = 0
    while i < len(new):
        if origins[i] is not None:
            i += 1
            continue
        pk = next((pk for pk in unclaimed if len(new[i]) < len(texts[pk]) and texts[pk].startswith(new[i])), None)
        if pk is None:
            i += 1
            continue
        unclaimed.remove(pk)
        origins[i] = Origin(pk, 0, keeps_row=True)
        end = len(new[i])
        i += 1
        # The parts that follow in the old text, each a new row taking what is attached there.
        while i < len(new) and origins[i] is None:
            start = len(texts[pk]) - len(texts[pk][end:].lstrip())
            if not new[i] or not texts[pk].startswith(new[i], start):
                break
            origins[i] = Origin(pk, start, keeps_row=False)
            end = start + len(new[i])
            i += 1
    for i, text in enumerate(new):
        if origins[i] is not None:
            continue
        alike = [
            (SequenceMatcher(None, texts[pk], text, autojunk=False).ratio(), pk)
            for pk in unclaimed
            if SequenceMatcher(None, texts[pk], text).real_quick_ratio() >= REVISED_SIMILARITY
        ]
        best = max(alike, default=(0, None))
        if best[0] >= REVISED_SIMILARITY:
            origins[i] = Origin(best[1], 0, keeps_row=True)
            unclaimed.remove(best[1])
    return [origin or Origin() for origin in origins]


def comparable(text: str) -> str:
    # As tests/test_themes.py compares: nested quotation marks folded, apostrophes kept.
    return re.sub(r"(?<=\w)’(?=\w)", "\x00", text).translate(NESTED_QUOTES).replace("\x00", "’")


def quotes_from(commentary: str, text: str) -> bool:
    """Does the commentary quote (in “double quotes”, three words or more) from this text?"""
    folded = comparable(text)
    for quoted in QUOTATION.findall(commentary):
        quoted = comparable(quoted.rstrip(",."))
        if len(quoted.split()) >= 3 and (quoted in folded or quoted[0].upper() + quoted[1:] in folded):
            return True
    return False


def move_annotations(models, source, target, offset: int) -> None:
    """Hand the second half of a split passage the annotations whose span lies in it, their offsets
    shifted. A span that straddles the cut stays on the first half without its span (its quoted
    words are kept and shown with the note); notes on the whole paragraph stay on the first half.
    Replies follow the note they answer."""
    head_length = len(source.text)
    Annotation = models.Annotation
    moved = list(Annotation.objects.filter(passage_id=source.pk, start__gte=offset).values_list("pk", flat=True))
    Annotation.objects.filter(pk__in=moved).update(
        passage_id=target.pk, start=F("start") - offset, end=F("end") - offset
    )
    while moved:
        replies = list(Annotation.objects.filter(parent_id__in=moved).values_list("pk", flat=True))
        Annotation.objects.filter(pk__in=replies).update(passage_id=target.pk)
        moved = replies
    Annotation.objects.filter(passage_id=source.pk, start__lt=offset, end__gt=head_length).update(start=None, end=None)


def move_contrast_sides(models, source, target) -> None:
    """A contrast side on a split passage goes with the half its commentary quotes: to the second
    half if it quotes only that, to both if it quotes both, and stays if it quotes neither."""
    ContrastPassage = models.ContrastPassage
    for side in ContrastPassage.objects.filter(passage_id=source.pk).select_related("contrast"):
        commentary = side.contrast.commentary
        in_head, in_tail = quotes_from(commentary, source.text), quotes_from(commentary, target.text)
        if in_tail and not in_head:
            ContrastPassage.objects.filter(pk=side.pk).update(passage_id=target.pk)
        elif in_tail and in_head:
            last = ContrastPassage.objects.filter(contrast_id=side.contrast_id, side=side.side).order_by("-order")
            ContrastPassage.objects.create(
                contrast_id=side.contrast_id, passage_id=target.pk, side=side.side, order=last[0].order + 1
            )


def record_redirects(models, paper, old_keys: dict[int, tuple[str, int]], when=None) -> int:
    """A PassageRedirect from each passage's old key to it where the key changed; returns how many."""
    when = when or timezone.now()
    Passage, PassageRedirect = models.Passage, models.PassageRedirect
    current = {p.pk: (p.section.key, p.ordinal) for p in Passage.objects.filter(paper=paper).select_related("section")}
    # A passage back at a key it once left needs no redirect from there any more.
    for pk, key in current.items():
        PassageRedirect.objects.filter(paper=paper, section_key=key[0], ordinal=key[1], passage_id=pk).delete()
    recorded = 0
    for pk, old_key in old_keys.items():
        if pk in current and current[pk] != old_key:
            PassageRedirect.objects.update_or_create(
                paper=paper,
                section_key=old_key[0],
                ordinal=old_key[1],
                defaults={"passage_id": pk, "created": when},
            )
            recorded += 1
    return recorded


def realign_paper(models, paper, sections: list[NewSection], when=None) -> list:
    """Make the paper's sections and passages these, keeping rows by text (see align); return the
    saved passages in reading order. Refuses (IngestError) to drop a passage a contrast or an
    annotation uses."""
    Section, Passage = models.Section, models.Passage
    old = list(Passage.objects.filter(paper=paper).select_related("section").order_by("section__ordinal", "ordinal"))
    old_keys = {p.pk: (p.section.key, p.ordinal) for p in old}
    by_pk = {p.pk: p for p in old}
    flat = [(s, n) for s in sections for n in s.passages]
    origins = align([(p.pk, p.text) for p in old], [n.text for _, n in flat])

    existing = {s.key: s for s in Section.objects.filter(paper=paper)}
    unmatched_titles = {s.title: s for s in existing.values() if s.key not in {n.key for n in sections}}
    Section.objects.filter(paper=paper).update(ordinal=F("ordinal") + PARKED)
    Passage.objects.filter(paper=paper).update(ordinal=F("ordinal") + PARKED)
    saved_sections = {}
    for ordinal, new in enumerate(sections, 1):
        # A section whose key changed (a renamed key) is the one with its title.
        section = existing.get(new.key) or unmatched_titles.pop(new.title, None) or Section(paper_id=paper.pk)
        section.key, section.number, section.title = new.key, new.number, new.title
        section.level, section.ordinal, section.lang, section.front_matter = (
            new.level,
            ordinal,
            new.lang,
            new.front_matter,
        )
        section.save()
        saved_sections[id(new)] = section

    saved, splits = [], []
    positions: dict[int, int] = {}
    for (new_section, new), origin in zip(flat, origins, strict=True):
        section = saved_sections[id(new_section)]
        positions[section.pk] = positions.get(section.pk, 0) + 1
        passage = by_pk[origin.pk] if origin.keeps_row else Passage()
        passage.section, passage.paper_id, passage.ordinal = section, paper.pk, positions[section.pk]
        passage.kind, passage.text, passage.lang, passage.figure_text = new.kind, new.text, new.lang, new.figure_text
        passage.save()
        if origin.pk is not None and not origin.keeps_row:
            splits.append((by_pk[origin.pk], passage, origin.offset))
        saved.append(passage)
    for source, target, offset in splits:
        move_annotations(models, source, target, offset)
        move_contrast_sides(models, source, target)

    kept = {p.pk for p in saved}
    stale = Passage.objects.filter(paper=paper).exclude(pk__in=kept)
    used = stale.filter(contrast_passages__isnull=False) | stale.filter(annotations__isnull=False)
    if used.exists():
        keys_used = ", ".join(sorted("/".join(map(str, old_keys[p.pk])) for p in used.distinct()))
        raise IngestError(f"re-import would remove passages that contrasts or annotations use: {keys_used}")
    stale.delete()
    Section.objects.filter(paper=paper).exclude(pk__in=[s.pk for s in saved_sections.values()]).delete()
    record_redirects(models, paper, old_keys, when)
    return saved


def current_models():
    from . import models

    return SimpleNamespace(
        Passage=models.Passage,
        Section=models.Section,
        Annotation=models.Annotation,
        ContrastPassage=models.ContrastPassage,
        PassageRedirect=models.PassageRedirect,
    )
