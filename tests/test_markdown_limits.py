"""Markdown in bounded time: the slowest shapes of text found render quickly at the longest text a field
takes, and ordinary Markdown renders as it did."""

import json
import time
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest

from readings.markdown import EXTENSIONS, MAX_LENGTH, render_markdown, sanitize

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


def repeated(unit):
    return lambda length: (unit * (length // len(unit) + 1))[:length]


# The slowest shapes found, by hand and by repeating every one- and two-character unit of Markdown's
# alphabet. Before the guard most took seconds to minutes at 10,000 characters (2,000 "[" took 0.7 s,
# 20,000 took 63 s) and the nested lists recursed past Python's limit (a 500); the last two are ordinary
# Markdown, the slowest kind left.
WORST_CASES = {
    "unclosed brackets": repeated("["),
    "unclosed links": repeated("[a]("),
    "unclosed autolinks": repeated("<http://a"),
    "strong brackets": repeated("**["),
    "emphasised brackets": repeated("*["),
    "brackets and underscores": repeated("[_"),
    "unclosed images": repeated("!["),
    "unclosed references": repeated("[a]["),
    "footnote markers": repeated("[^"),
    "brackets and backticks": repeated("[`"),
    "double brackets": repeated("[["),
    "links with unclosed titles": repeated("[a](b "),
    "links with unclosed angle brackets": repeated("[a](<"),
    "nested brackets": lambda length: "[" * (length // 2) + "]" * (length // 2),
    "sparse brackets": repeated("[" + "x" * 9),
    "misaligned backtick runs": repeated("``a`"),
    "emphasis marks": repeated("*_"),
    "unclosed tags": repeated("<a "),
    "unclosed tags over lines": repeated("<a\n"),
    "unclosed attribute values": repeated("<a b='"),
    "unclosed CDATA": repeated("<![CDATA["),
    "ampersands": repeated("&"),
    "less-than signs": repeated("<"),
    "headings": repeated("# a\n"),
    "rules": repeated("***\n"),
    "setext headings": repeated("a\n-\n"),
    "abbreviations": repeated("*[a]: b\n"),
    "definitions": repeated("a\n: b\n"),
    "footnote definitions": repeated("[^1]: a\n    b\n"),
    "attributes after a heading": lambda length: "# a" + " {" * (length // 2 - 2),
    "nested ordered lists": repeated("1. "),
    "nested indented lists": repeated("  - "),
    "nested quotations and lists": repeated("> - "),
    "a table of many rows": lambda length: "| a | b |\n|---|---|\n" + repeated("| a | b |\n")(length - 20),
    "many paragraphs": repeated("a\n\n"),
}


def cpu_seconds(function, *args):
    # CPU time, not wall time: on a shared machine the wall clock also counts the neighbours' work.
    start = time.process_time()
    function(*args)
    return time.process_time() - start


@pytest.mark.parametrize("shape", WORST_CASES.values(), ids=WORST_CASES.keys())
def test_the_worst_shapes_render_quickly_at_the_longest_text_a_field_takes(shape):
    render_markdown("warm *up*")  # the first render imports the extensions
    assert cpu_seconds(render_markdown, shape(MAX_LENGTH)) < 1


def test_a_longer_text_than_any_field_takes_renders_quickly_as_typed():
    text = "[" * 1_000_000
    assert cpu_seconds(render_markdown, text) < 1
    assert visible_text(render_markdown(text)) == text


class VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts = []

    def handle_data(self, data):
        self.parts.append(data)


def visible_text(html):
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


@pytest.mark.parametrize("unit", ["[", "[a](", "*_", "<a ", "<![CDATA[", "1. "])
def test_what_is_not_parsed_is_shown_as_typed(unit):
    text = repeated(unit)(MAX_LENGTH)
    assert visible_text(render_markdown(text)) == text


ORDINARY = """\
### Soft power, defined

Nye's **soft power** is *attraction*, not coercion; see [his 2004 book](https://example.org/nye "Nye 2004")
and the [critics][c], or <https://example.org/critique>. Inline `code`, ``code with a ` tick``, and
an escaped \\*star\\*. H<sub>2</sub>O and e = mc<sup>2</sup>; the <abbr title="People's Republic">PRC</abbr>.

> A quotation, with *emphasis*,
> over two lines.

1. First
2. Second, with a nested list:
    - a
    - b

- [ ] not a task list, just brackets
- item with a footnote[^1]

| Term | Official | Critical |
|:-----|:--------:|---------:|
| soft | yes      | *no*     |

    indented code <kept as text>

```
fenced code [not a link](x)
```

Apple
:   A fruit.

*[HTML]: Hyper Text Markup Language

HTML, once more, and a rule:

---

[c]: https://example.org/critics
[^1]: The footnote.
"""


def test_ordinary_markdown_renders_exactly_as_without_the_guard():
    unguarded = sanitize(markdown.markdown(ORDINARY, extensions=EXTENSIONS, output_format="html"))
    assert render_markdown(ORDINARY) == unguarded
    for expected in (
        "<strong>soft power</strong>",
        "<em>attraction</em>",
        '<a href="https://example.org/nye" title="Nye 2004" rel="noopener noreferrer nofollow">his 2004 book</a>',
        '<a href="https://example.org/critics" rel="noopener noreferrer nofollow">critics</a>',
        "<code>code with a ` tick</code>",
        "<blockquote>",
        "<ol>",
        "<td><em>no</em></td>",
        "<pre><code>indented code &lt;kept as text&gt;",
        '<abbr title="Hyper Text Markup Language">HTML</abbr>',
    ):
        assert expected in unguarded


def test_the_shipped_themes_render_as_without_the_guard():
    texts = 0
    for item in json.loads((FIXTURES / "themes.json").read_text()):
        for field in ("introduction", "commentary"):
            if field in item["fields"]:
                text = item["fields"][field]
                assert render_markdown(text) == sanitize(
                    markdown.markdown(text, extensions=EXTENSIONS, output_format="html")
                )
                texts += 1
    assert texts >= 10
