"""Highlights: readers' annotations drawn on the passage text as <mark>s, rendered on the server."""

from dataclasses import dataclass
from itertools import pairwise

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import Annotation, ReaderSettings
from .templatetags.readings_tags import CITATION_MARKER


@dataclass(frozen=True)
class Span:
    """An annotation's place in a passage: code-point offsets into the text as stored."""

    start: int
    end: int
    annotation_id: int
    is_own: bool
    label: int | None = None  # the note's number on its paragraph, shown where its mark ends


@dataclass(slots=True)
class MarkedNote:
    """What drawing a note on its paragraph reads of it (place_notes fills the last three).

    A row, not an Annotation: a paper can carry thousands of notes, and building a model for each
    cost six times the query (42 ms for the 2,500 notes on a paper in the benchmark).
    """

    pk: int
    passage_id: int
    author_id: int
    quote: str
    start: int | None
    end: int | None
    deleted_at: None = None  # highlight_passages reads only notes not deleted and not replies
    parent_id: None = None
    label: int | None = None
    placed: tuple[int, int] | None = None
    orphan: bool = False


def anchor(text: str, quote: str, start: int | None, end: int | None) -> tuple[int, int] | None:
    """Where a quote stands in the text now, or None for an orphan.

    A correction of the text can move the quoted words: they are found again if they occur
    exactly once; twice or more, we cannot tell which was meant, and none is drawn.
    """
    if start is None or end is None or not quote:
        return None
    if 0 <= start < end <= len(text) and text[start:end] == quote:
        return start, end
    found = text.find(quote)
    if found < 0 or text.find(quote, found + 1) >= 0:
        return None
    return found, found + len(quote)


def render_marked_text(text: str, spans: list[Span]) -> SafeString:
    """The passage text, escaped, with citation markers as <sup> and each annotated stretch in one <mark>.

    Overlapping spans split the text into segments; each segment is wrapped in a single <mark>
    that names every note covering it, so marks never nest. Citation markers are boundaries too,
    so a mark never crosses a <sup>: the HTML stays well nested whatever the spans.
    """
    markers = [(m.start(), m.end()) for m in CITATION_MARKER.finditer(text)]
    spans = [s for s in spans if 0 <= s.start < s.end <= len(text)]
    cuts = {0, len(text)}
    for span in spans:
        cuts.update((span.start, span.end))
    for start, end in markers:
        cuts.update((start, end))
    cuts = sorted(cuts)
    marker_starts = {start for start, _ in markers}
    marker_ends = {end for _, end in markers}
    labels_ending = {}
    for span in spans:
        if span.label is not None:
            labels_ending.setdefault(span.end, []).append(span.label)

    html = []
    for left, right in pairwise(cuts):
        if left in marker_starts:
            html.append('<sup class="cite">')
        covering = [s for s in spans if s.start <= left and right <= s.end]
        words = escape(text[left:right])
        if covering:
            ids = " ".join(str(s.annotation_id) for s in sorted(covering, key=lambda s: s.annotation_id))
            whose = (
                "own" if all(s.is_own for s in covering) else ("mixed" if any(s.is_own for s in covering) else "others")
            )
            label = ""
            if right in labels_ending and any(s.end == right for s in covering):
                label = f' data-label="{",".join(str(n) for n in sorted(labels_ending[right]))}"'
            html.append(f'<mark class="highlight highlight-{whose}" data-annotations="{ids}"{label}>{words}</mark>')
        else:
            html.append(words)
        if right in marker_ends:
            html.append("</sup>")
    return mark_safe("".join(html))


def place_notes(text: str, notes) -> None:
    """Number a paragraph's notes and find where each stands: `label`, `placed` (start, end) and `orphan`.

    The numbers are the same on the page's marks and in the paragraph's thread: notes with a
    quote, not deleted, in the order they were written.
    """
    number = 0
    for note in notes:
        note.label, note.placed, note.orphan = None, None, False
        if note.deleted_at or note.parent_id or not note.quote:
            continue
        number += 1
        note.label = number
        note.placed = anchor(text, note.quote, note.start, note.end)
        note.orphan = note.placed is None


def highlight_passages(user, passages, where) -> bool:
    """Give each passage the reader's view of it: `marked_text` (its text with highlights) and `note_count`.

    One query for all the passages' notes, whatever their number (`where` narrows the notes to
    the page's passages), plus one for the reader's settings. Visitors see no notes: nothing is
    set, and their pages stay the same for every visitor (cacheable).

    Returns whether the reader hides other people's highlights.
    """
    if not user.is_authenticated:
        return False
    hide_others = ReaderSettings.for_user(user).hide_others_highlights
    rows = (
        Annotation.objects.visible_to(user)
        .filter(where, parent__isnull=True, deleted_at__isnull=True)
        .order_by("created", "pk")
        .values_list("pk", "passage_id", "author_id", "quote", "start", "end")
    )
    by_passage = {}
    for row in rows:
        note = MarkedNote(*row)
        by_passage.setdefault(note.passage_id, []).append(note)
    for passage in passages:
        found = by_passage.get(passage.pk, [])
        place_notes(passage.text, found)
        passage.note_count = len(found)
        spans = [
            Span(*note.placed, note.pk, note.author_id == user.pk, note.label)
            for note in found
            if note.placed and (note.author_id == user.pk or not hide_others)
        ]
        passage.marked_text = render_marked_text(passage.text, spans)
    return hide_others
