"""Geometry and colour for the server-drawn charts: the term contrast's bars, the theme map's shades."""

import math
from dataclasses import dataclass
from urllib.parse import urlencode

# The term chart: two panels, official discourse to the left and critical analysis to the
# right (stacked on a phone). In each, a column of labels stands next to the centre line
# and bars grow outwards by |z|, on one scale for both panels.
PANEL_WIDTH = 480
CHART_TOP = 56  # room for the panel's heading
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
    bar_x: int
    bar_width: int
    number_x: int

    row_height = ROW_HEIGHT
    bar_height = BAR_HEIGHT

    @property
    def text_y(self):
        return self.y + ROW_HEIGHT // 2 + 5

    @property
    def bar_y(self):
        return self.y + (ROW_HEIGHT - BAR_HEIGHT) // 2


@dataclass(frozen=True)
class Panel:
    side: str  # "official" or "critical"
    bars: list
    height: int
    width: int = PANEL_WIDTH

    @property
    def anchor(self) -> str:
        """The text-anchor that runs text away from the centre line, as the bars run."""
        return "end" if self.side == "official" else "start"

    @property
    def centre_x(self) -> int:
        return self.width - 1 if self.side == "official" else 1

    @property
    def heading_x(self) -> int:
        return self.width - GAP if self.side == "official" else GAP


def term_href(base: str, term: str) -> str:
    return f"{base}?{urlencode({'term': term})}"


def term_panels(official, critical, base: str) -> list[Panel]:
    """The two panels of the chart; `base` is the page's URL, each bar links to base?term=..."""
    largest = max((abs(s.z) for s in [*official, *critical]), default=1.0) or 1.0
    labels = label_width([*official, *critical])
    bar_max = PANEL_WIDTH - GAP - labels - NUMBER_ROOM
    height = CHART_TOP + max(len(official), len(critical), 1) * ROW_HEIGHT + 8
    panels = []
    for side, scores in (("official", official), ("critical", critical)):
        bars = []
        for row, score in enumerate(scores):
            width = max(1, round(bar_max * abs(score.z) / largest))
            if side == "official":
                label_x = PANEL_WIDTH - GAP
                bar_x = label_x - labels - width
                number_x = bar_x - 4
            else:
                label_x = GAP
                bar_x = label_x + labels
                number_x = bar_x + width + 4
            bars.append(
                Bar(score, term_href(base, score.term), CHART_TOP + row * ROW_HEIGHT, label_x, bar_x, width, number_x)
            )
        panels.append(Panel(side, bars, height))
    return panels


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
