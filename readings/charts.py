"""Geometry and colour for the server-drawn charts: the term contrast's bars, the theme map's shades."""

import math
from dataclasses import dataclass
from urllib.parse import urlencode

# The term chart: official terms to the left of the centre line, critical to the right. Each
# side has a column of labels next to the centre and bars growing outwards by |z|.
CHART_WIDTH = 960
CENTRE = CHART_WIDTH // 2
CHART_TOP = 56  # room for the two side headings
ROW_HEIGHT = 26
BAR_HEIGHT = 16
GAP = 10  # between the centre line and the labels
LABEL_PADDING = 12  # between the longest label and the bars
CHARACTER_WIDTH = 7.5  # a generous average for 14px Arial, so that labels never reach the bars
LABEL_WIDTH_RANGE = (80, 220)
NUMBER_ROOM = 44  # beyond the longest bar, for its z printed


def label_width(scores) -> int:
    longest = max((len(s.term) for s in scores), default=0)
    low, high = LABEL_WIDTH_RANGE
    return int(min(high, max(low, longest * CHARACTER_WIDTH + LABEL_PADDING)))


@dataclass(frozen=True)
class Bar:
    score: object  # terms.TermScore
    href: str
    y: int  # top of the row
    label_x: int
    label_anchor: str
    bar_x: int
    bar_width: int
    number_x: int
    number_anchor: str
    hit_x: int
    hit_width: int

    row_height = ROW_HEIGHT
    bar_height = BAR_HEIGHT

    @property
    def text_y(self):
        return self.y + ROW_HEIGHT // 2 + 5

    @property
    def bar_y(self):
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) // 2


def term_href(base: str, term: str) -> str:
    return f"{base}?{urlencode({'term': term})}"


def term_bars(official, critical, base: str) -> tuple[list[Bar], int]:
    """The bars of both sides and the chart's height; `base` is the page's URL."""
    largest = max((abs(s.z) for s in [*official, *critical]), default=1.0) or 1.0
    labels = label_width([*official, *critical])
    bar_max = CENTRE - GAP - labels - NUMBER_ROOM
    bars = []
    for side, scores in (("official", official), ("critical", critical)):
        for row, score in enumerate(scores):
            y = CHART_TOP + row * ROW_HEIGHT
            width = max(1, round(bar_max * abs(score.z) / largest))
            href = term_href(base, score.term)
            if side == "official":
                label_x = CENTRE - GAP
                bar_x = label_x - labels - width
                bar = Bar(score, href, y, label_x, "end", bar_x, width, bar_x - 4, "end", 0, CENTRE)
            else:
                label_x = CENTRE + GAP
                bar_x = label_x + labels
                bar = Bar(score, href, y, label_x, "start", bar_x, width, bar_x + width + 4, "start", CENTRE, CENTRE)
            bars.append(bar)
    rows = max(len(official), len(critical), 1)
    return bars, CHART_TOP + rows * ROW_HEIGHT + 8


# The theme map's shades, lightest to darkest, as (background, text) pairs for each stance.
# Every pair meets WCAG AA for normal text (4.5:1); tests check it. Level 0 is an empty cell.
SHADES = {
    "official": [
        ("#ffffff", "#4a4a4a"),
        ("#fbf1ec", "#1b1b1b"),
        ("#f2c9b5", "#1b1b1b"),
        ("#e0946f", "#1b1b1b"),
        ("#a4461d", "#ffffff"),
        ("#7a2e0e", "#ffffff"),
    ],
    "critical": [
        ("#ffffff", "#4a4a4a"),
        ("#edf5fa", "#1b1b1b"),
        ("#bcd8eb", "#1b1b1b"),
        ("#86b7d8", "#1b1b1b"),
        ("#2f6f96", "#ffffff"),
        ("#0d4a6b", "#ffffff"),
    ],
}
LEVELS = len(SHADES["official"]) - 1


def shade_level(count: int, largest: int) -> int:
    """0 for nothing, else 1 to LEVELS in proportion to the largest count on the map."""
    if count <= 0 or largest <= 0:
        return 0
    return max(1, min(LEVELS, math.ceil(LEVELS * count / largest)))


def relative_luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG 2 contrast ratio of two #rrggbb colours."""
    light, dark = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)
