"""A PDF page's words as printed lines in reading order: columns found, page furniture taken out."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from statistics import median

PAGE_NUMBER = re.compile(r"^(?:page\s+)?(?:\d{1,4}|[ivxlc]{1,7})(?:\s*(?:of|/)\s*\d{1,4})?$", re.IGNORECASE)
MARKER = re.compile(r"^(?:\d{1,3}(?:[,–-]\d{1,3})*|[*†‡§])$")
MARGIN = 0.12  # furniture lives in the top and bottom 12% of a page


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


def page_words(page) -> list[Word]:
    words = []
    # Ligatures as the PDF has them, so their repair is recorded rather than silent.
    # Word gaps as a share of the type size: pdfplumber's default of 3 points runs words
    # together in 10-point type set tight, as TeX and DocBook PDFs often are.
    for w in page.extract_words(extra_attrs=["size", "fontname"], expand_ligatures=False, x_tolerance_ratio=0.15):
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
            # A gutter is wider than most gaps of justified text: most of an em, and more than an
            # em for two lines a side (a column's last lines at the top of a page).
            size = median(w.size for w in inside)
            band = edge - max(w.x1 for w in left_words)
            if band < (0.8 if min(len(right_lines), len(left_lines)) >= 3 else 1.2) * size:
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


def set_apart(rows: list[Row], height: float) -> list[Row]:
    """The page's rows in its top or bottom margin that stand apart from the text next to them.

    A running header or page number has space between it and the text, more than between
    lines of a paragraph; a line of the text that happens to sit near the page's edge has not.
    """
    ordered = sorted(rows, key=lambda r: r.top)
    apart = []
    for i, row in enumerate(ordered):
        if row.bottom < height * MARGIN:
            neighbour = next((r for r in ordered[i + 1 :] if r.top >= row.bottom), None)
            gap = neighbour.top - row.bottom if neighbour else height
        elif row.top > height * (1 - MARGIN):
            neighbour = next((r for r in reversed(ordered[:i]) if r.bottom <= row.top), None)
            gap = row.top - neighbour.bottom if neighbour else height
        else:
            continue
        if gap >= 0.8 * (row.bottom - row.top):
            apart.append(row)
    return apart


def remove_furniture(pages: list[tuple[int, float, float, list[Row]]], repairs: Counter, removed: list[str]):
    """Drop running headers and footers (the same line at the same place on many pages) and page numbers."""
    candidates = {id(row) for _n, _w, height, rows in pages for row in set_apart(rows, height)}
    seen = Counter(
        (furniture_key(r), round(r.top / 4)) for _n, _w, _h, rows in pages for r in rows if id(r) in candidates
    )
    repeated = {key for key, n in seen.items() if n >= 2 and n >= 0.4 * len(pages)}
    for index, (number, width, height, rows) in enumerate(pages):
        kept = []
        for row in rows:
            text = row.text()
            if id(row) in candidates and PAGE_NUMBER.match(text):
                repairs["page_numbers_removed"] += 1
            elif id(row) in candidates and (furniture_key(row), round(row.top / 4)) in repeated:
                repairs["running_headers_removed"] += 1
                if text not in removed:
                    removed.append(text)
            else:
                kept.append(row)
        pages[index] = (number, width, height, kept)


def body_size(rows: list[Row]) -> float:
    sizes = Counter()
    for row in rows:
        sizes[row.size] += len(row.text())
    return sizes.most_common(1)[0][0]
