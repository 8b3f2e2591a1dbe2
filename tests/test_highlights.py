"""The span renderer: annotations drawn as <mark>s on escaped passage text, well nested whatever the spans."""

from html.parser import HTMLParser

import pytest

from readings.highlights import Span, anchor, render_marked_text
from readings.templatetags.readings_tags import source_text


class Nesting(HTMLParser):
    """Fails on any end tag that does not close the innermost open element; collects the text."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open, self.text, self.marks = [], [], []

    def handle_starttag(self, tag, attrs):
        self.open.append(tag)
        if tag == "mark":
            self.marks.append(dict(attrs))

    def handle_endtag(self, tag):
        assert self.open and self.open[-1] == tag, f"</{tag}> closes {self.open}"
        self.open.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(html):
    parser = Nesting()
    parser.feed(str(html))
    parser.close()
    assert parser.open == []
    return parser


def marked(text, *spans):
    return str(render_marked_text(text, [s if isinstance(s, Span) else Span(*s) for s in spans]))


def test_without_spans_it_is_the_plain_source_text():
    text = "Soft power [12] & <b>hard</b> power[3, p. 4]."
    assert marked(text) == str(source_text(text))


def test_one_span_is_one_mark_with_its_id():
    assert marked("Soft power matters.", (5, 10, 7, True)) == (
        'Soft <mark class="highlight highlight-own" data-annotations="7">power</mark> matters.'
    )


def test_others_marks_say_so():
    assert 'class="highlight highlight-others"' in marked("Soft power.", (0, 4, 1, False))


def test_overlapping_spans_split_into_segments_never_nested_marks():
    html = marked("abcdefghij", (0, 6, 1, True), (3, 9, 2, False))
    parsed = parse(html)
    assert [m["data-annotations"] for m in parsed.marks] == ["1", "1 2", "2"]
    assert "".join(parsed.text) == "abcdefghij"
    assert 'class="highlight highlight-mixed" data-annotations="1 2">def<' in html


def test_a_span_inside_another():
    parsed = parse(marked("abcdefghij", (0, 10, 1, True), (4, 6, 2, True)))
    assert [m["data-annotations"] for m in parsed.marks] == ["1", "1 2", "1"]


def test_identical_spans_share_one_mark():
    parsed = parse(marked("abcdef", (1, 3, 5, True), (1, 3, 4, False)))
    assert [m["data-annotations"] for m in parsed.marks] == ["4 5"]


def test_spans_at_both_edges_of_the_text():
    html = marked("abcdef", (0, 2, 1, True), (4, 6, 2, True))
    assert html.startswith('<mark class="highlight highlight-own" data-annotations="1">ab</mark>cd<mark')
    assert html.endswith(">ef</mark>")
    assert marked("abc", (0, 3, 9, True)).count("<mark") == 1


def test_spans_outside_the_text_are_not_drawn():
    assert "<mark" not in marked("abc", (2, 9, 1, True), (3, 3, 2, True))


def test_a_span_crossing_a_citation_marker_keeps_the_sup_whole():
    text = "as argued[12] before"
    html = marked(text, (3, 11, 1, True))  # "argued[1" ends inside the marker
    parsed = parse(html)
    assert "".join(parsed.text) == text
    assert html.count('<sup class="cite">') == 1 and html.count("</sup>") == 1
    assert '<sup class="cite"><mark class="highlight highlight-own" data-annotations="1">[1</mark>2]</sup>' in html


def test_a_span_starting_inside_a_marker_and_ending_after_it():
    text = "as argued[12] before"
    parsed = parse(marked(text, (11, 16, 1, True)))
    assert "".join(parsed.text) == text
    assert [m["data-annotations"] for m in parsed.marks] == ["1", "1"]


def test_html_special_characters_are_escaped_inside_and_outside_marks():
    text = '<script>alert("x")</script> & co'
    html = marked(text, (0, 8, 1, True), (20, 31, 2, False))
    assert "<script" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&quot;" in html
    assert "".join(parse(html).text) == text


def test_offsets_are_code_points_so_emoji_count_once():
    text = "🙂 soft 👍🏽 power"
    start = text.index("power")
    html = marked(text, (start, start + 5, 1, True), (7, 9, 2, True))
    assert ">power</mark>" in html
    assert ">👍🏽</mark>" in html


def test_the_label_goes_on_the_last_segment_of_its_span():
    parsed = parse(marked("abcdefghij", Span(0, 6, 1, True, label=1), Span(3, 9, 2, True, label=2)))
    assert [m.get("data-label") for m in parsed.marks] == [None, "1", "2"]


@pytest.mark.parametrize(
    ("text", "quote", "start", "end", "expected"),
    [
        ("soft power", "power", 5, 10, (5, 10)),
        ("a soft power", "power", 5, 10, (7, 12)),  # corrected text: found once, re-anchored
        ("power and power", "power", 1, 6, None),  # found twice: which one? an orphan
        ("soft might", "power", 5, 10, None),  # gone
        ("soft power", "", None, None, None),  # the whole passage: nothing to draw
    ],
)
def test_anchor(text, quote, start, end, expected):
    assert anchor(text, quote, start, end) == expected
