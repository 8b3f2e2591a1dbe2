"""Markdown written by people (themes, commentary, annotations) rendered to sanitized HTML, in bounded time.

Python-Markdown is quadratic, or worse, on some shapes of input: every unclosed "[" and every unmatched
run of backticks scans to the end of its paragraph, unclosed tags rescan the rest of the text, a block
of headings or rules is re-tested once per line, deep nesting recurses. A render happens on every save,
so each is bounded here: a budget where the parser can be metered from inside, a check beforehand where
it cannot, and the text shown as typed when a budget is spent. tests/test_markdown_limits.py times the
worst shapes found at the longest text any field takes (MAX_LENGTH).
"""

import bisect
import re
import xml.etree.ElementTree as etree
from html import escape

import markdown as markdown_lib
import nh3
from markdown import inlinepatterns
from markdown.blockprocessors import BlockProcessor
from markdown.extensions import Extension
from markdown.extensions.attr_list import AttrListTreeprocessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

# The longest text parsed as Markdown (no field takes more: readings.models); a longer one is shown as typed.
MAX_LENGTH = 20_000
# Characters the inline parser may scan ahead for closing brackets and backtick runs, in one render.
# Links and code spans people write need a few hundred; unbalanced ones need the text's length squared.
LOOKAHEAD_BUDGET = 100_000
# Characters the block parser may be handed, summed over its steps, in one render. Each step tests the
# block in hand against every kind of block, and some kinds take one line off a block and hand back
# the rest: a text of nothing but headings or rules is handed over once per line.
BLOCK_BUDGET = 1_000_000
# Emphasis marks (runs of * or _) and Markdown punctuation in one paragraph, list item or cell beyond
# which the inline parser, quadratic or slow in them, is not asked: the block is shown as typed.
EMPHASIS_RUNS_PER_BLOCK = 1_000
PUNCTUATION_PER_BLOCK = 2_000
# "<" and "&" in a whole text: the HTML scanner reads the whole text and stops at each of them.
MARKUP_CHARACTERS = 4_000
# Characters the HTML scanner may rescan looking for the end of unclosed tags, in one render.
MARKUP_SCAN_BUDGET = 200_000
# Lists and quotations nested deeper than this on one line recurse towards Python's limit.
MAX_NESTING = 16


EXTENSIONS = ["extra", "sane_lists"]


def render_markdown(source: str) -> str:
    """Render Markdown to sanitized HTML, in bounded time whatever the source."""
    source = source or ""
    if len(source) > MAX_LENGTH or is_pathological(source):
        return sanitize(as_plain_text(source))
    parser = markdown_lib.Markdown(extensions=[*EXTENSIONS, BoundedParsing()], output_format="html")
    try:
        return sanitize(parser.convert(source))
    except RecursionError:
        # Nesting deeper than is_pathological foresees, in a shape nobody has tried yet.
        return sanitize(as_plain_text(source))


def sanitize(html: str) -> str:
    """Keep only an explicit allow-list: Markdown passes raw HTML through."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        # Only absolute http, https and mailto links: a relative "java script:" is nobody's link.
        url_relative="deny",
    )


def as_plain_text(source: str) -> str:
    """The text as it was typed, one paragraph per blank-line-separated block: every character shown."""
    blocks = (block.strip("\n") for block in re.split(r"\n[ \t]*\n", source))
    return "\n".join(f"<p>{escape(block)}</p>" for block in blocks if block.strip())


# Shapes the block parser and its HTML scanner cannot be bounded on from inside: the whole text is
# shown as typed.

NESTED_MARKERS = re.compile(r"^(?:[ \t]*(?:>|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t])))+", re.MULTILINE)
NESTED_MARKER = re.compile(r">|[*+-](?=[ \t])|\d{1,9}[.)](?=[ \t])")
MARKUP_OPENER = re.compile(r"<[A-Za-z/!?]")


def is_pathological(source: str) -> bool:
    return (
        source.count("<") + source.count("&") > MARKUP_CHARACTERS
        or nesting_depth(source) > MAX_NESTING
        or markup_scan_cost(source) > MARKUP_SCAN_BUDGET
    )


def nesting_depth(source: str) -> int:
    """The deepest nesting of lists and quotations a line opens: its markers, and indentation before them."""
    deepest = 0
    for match in NESTED_MARKERS.finditer(source):
        run = match.group()
        indent = run[: len(run) - len(run.lstrip(" \t"))]
        deepest = max(deepest, len(NESTED_MARKER.findall(run)) + len(indent.expandtabs(4)) // 4)
    return deepest


def markup_scan_cost(source: str) -> int:
    """An upper bound on what the HTML scanner reads to find where each "<tag" ends, summed over the tags.

    A tag ends at the next ">" outside quotes; one that never ends is rescanned to the end of the text.
    """
    closers = [m.start() for m in re.finditer(">", source)]
    quotes = [m.start() for m in re.finditer("['\"]", source)]
    cost = 0
    for opener in MARKUP_OPENER.finditer(source):
        cost += tag_end(source, opener.start(), closers, quotes) - opener.start()
        if cost > MARKUP_SCAN_BUDGET:
            break
    return cost


def tag_end(source, start, closers, quotes, quoted_values=8):
    position = start
    for _ in range(quoted_values):
        closer = following(closers, position, len(source))
        quote = following(quotes, position, len(source))
        if closer <= quote:
            return closer
        # A quoted attribute value may hold ">": the tag goes on after the closing quote.
        position = source.find(source[quote], quote + 1)
        if position < 0:
            break
    return len(source)


def following(positions, after, default):
    index = bisect.bisect_right(positions, after)
    return positions[index] if index < len(positions) else default


# Bounds inside Python-Markdown's inline parser.


class Budget:
    def __init__(self, characters):
        self.remaining = characters

    def window(self, data, index):
        """The text the parser may still scan from index on: all of it, or as much as the budget allows."""
        limit = index + max(self.remaining, 0)
        return data if limit >= len(data) else data[:limit]


class BoundedLinkScan:
    """A link processor that stops looking for closing brackets once the render's budget is spent.

    Python-Markdown scans from every "[" to its matching "]" (and from "](" to ")"), to the end of
    the paragraph when there is none. An opening bracket met after the budget is spent stays text.
    """

    budget: Budget

    def handleMatch(self, m, data):
        if self.budget.remaining <= 0:
            return None, None, None
        return super().handleMatch(m, data)

    def getText(self, data, index):
        text, end, handled = super().getText(self.budget.window(data, index), index)
        self.budget.remaining -= end - index
        return text, end, handled

    def getLink(self, data, index):
        href, title, end, handled = super().getLink(self.budget.window(data, index), index)
        self.budget.remaining -= end - index
        return href, title, end, handled


class BoundedCodeSpans(inlinepatterns.BacktickInlineProcessor):
    """Backticks that scan ahead for their closing run within the render's budget, then stay text.

    Each run of backticks with no run of the same length after it is scanned to the end of its paragraph.
    """

    budget: Budget

    def find_code_spans(self, start, text):
        if self.budget.remaining <= 0:
            return start + len(text) - len(text[start:].lstrip("`")), None
        window = self.budget.window(text, start)
        code_start, code_end = super().find_code_spans(start, window)
        self.budget.remaining -= (len(window) if code_end is None else code_end) - start
        return code_start, code_end


# The processors as markdown.inlinepatterns.build_inlinepatterns registers them.
LINK_PROCESSORS = [
    ("reference", 170, inlinepatterns.ReferenceInlineProcessor, inlinepatterns.REFERENCE_RE),
    ("link", 160, inlinepatterns.LinkInlineProcessor, inlinepatterns.LINK_RE),
    ("image_link", 150, inlinepatterns.ImageInlineProcessor, inlinepatterns.IMAGE_LINK_RE),
    ("image_reference", 140, inlinepatterns.ImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE),
    ("short_reference", 130, inlinepatterns.ShortReferenceInlineProcessor, inlinepatterns.REFERENCE_RE),
    ("short_image_ref", 125, inlinepatterns.ShortImageReferenceInlineProcessor, inlinepatterns.IMAGE_REFERENCE_RE),
]
BOUNDED_LINK_PROCESSORS = {
    cls: type(f"Bounded{cls.__name__}", (BoundedLinkScan, cls), {}) for _, _, cls, _ in LINK_PROCESSORS
}
# Footnote labels are short; the extension's unbounded "[^...]" pattern rescans to the end from every "[^".
FOOTNOTE_RE = r"\[\^([^\]]{0,100})\]"
EMPHASIS_RUN = re.compile(r"\*+|_+")
PUNCTUATION = re.compile(r"[\\`*_\[\]()<>!&{}]")


class BlockMeter(BlockProcessor):
    """First of the block processors: charges each step of the block parser the length of the block in
    hand, and once the budget is spent, takes every block that is left as a paragraph of plain text."""

    def __init__(self, parser, characters):
        super().__init__(parser)
        self.remaining = characters

    def test(self, parent, block):
        self.remaining -= len(block)
        return self.remaining < 0

    def run(self, parent, blocks):
        paragraph = etree.SubElement(parent, "p")
        paragraph.text = AtomicString(blocks.pop(0).strip("\n"))


class BoundedAttrLists(AttrListTreeprocessor):
    """The "{: attributes}" a heading or table cell may end with, sought from the first space of each run
    and within the last 200 characters: tried from every space, the pattern rescans the rest of the line."""

    HEADER_RE = re.compile(r"(?<![ ])[ ]+(?=\{[^\n]{1,200}$)" + AttrListTreeprocessor.BASE_RE + r"[ ]*$")


class InlineGuard(Treeprocessor):
    """Leaves as typed any paragraph, list item or cell with more marks than the inline parser can take."""

    def run(self, root):
        for element in root.iter():
            for attribute in ("text", "tail"):
                text = getattr(element, attribute)
                if text and not isinstance(text, AtomicString) and too_marked(text):
                    setattr(element, attribute, AtomicString(text))


def too_marked(text: str) -> bool:
    return (
        len(PUNCTUATION.findall(text)) > PUNCTUATION_PER_BLOCK
        or len(EMPHASIS_RUN.findall(text)) > EMPHASIS_RUNS_PER_BLOCK
    )


class BoundedParsing(Extension):
    """Python-Markdown with budgets for its lookahead and its block parser, and a guard on its inline parser."""

    def extendMarkdown(self, md):
        budget = Budget(LOOKAHEAD_BUDGET)
        for name, priority, cls, pattern in LINK_PROCESSORS:
            processor = BOUNDED_LINK_PROCESSORS[cls](pattern, md)
            processor.budget = budget
            md.inlinePatterns.register(processor, name, priority)
        code_spans = BoundedCodeSpans(inlinepatterns.BACKTICK_RE)
        code_spans.budget = budget
        md.inlinePatterns.register(code_spans, "backtick", 190)
        footnotes = md.inlinePatterns["footnote"]
        md.inlinePatterns.register(type(footnotes)(FOOTNOTE_RE, footnotes.footnotes), "footnote", 175)
        md.treeprocessors.register(BoundedAttrLists(md), "attr_list", 8)
        md.parser.blockprocessors.register(BlockMeter(md.parser, BLOCK_BUDGET), "block-meter", 1_000)
        # After the block parser has made the blocks (footnotes at 50), before the inline parser (20).
        md.treeprocessors.register(InlineGuard(md), "inline-guard", 21)
