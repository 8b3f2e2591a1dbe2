"""Markdown in bounded time: a length limit on every Markdown field, a renderer that stays fast at it,
and rendering done before a write's transaction opens, so no text holds the write lock for long."""

import json
import time
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction

from readings.markdown import EXTENSIONS, MAX_LENGTH, render_markdown, sanitize
from readings.models import (
    ANNOTATION_MAX_LENGTH,
    COMMENTARY_MAX_LENGTH,
    INTRODUCTION_MAX_LENGTH,
    Annotation,
    Contrast,
    Theme,
)

pytestmark = pytest.mark.django_db

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


def test_the_shipped_themes_render_as_without_the_guard_and_fit_their_limits():
    limits = {("readings.theme", "introduction"): INTRODUCTION_MAX_LENGTH}
    limits[("readings.contrast", "commentary")] = COMMENTARY_MAX_LENGTH
    texts = 0
    for item in json.loads((FIXTURES / "themes.json").read_text()):
        for (model, field), limit in limits.items():
            if item["model"] == model:
                text = item["fields"][field]
                assert len(text) <= limit
                unguarded = sanitize(markdown.markdown(text, extensions=EXTENSIONS, output_format="html"))
                assert render_markdown(text) == unguarded
                texts += 1
    assert texts >= 10


# Length limits: in the forms (400 on the annotation views), in model validation, in the database.


def annotations_url(passage):
    return f"{passage.get_absolute_url()}annotations/"


@pytest.fixture
def note(student, official_passage):
    return Annotation.objects.create(passage=official_passage, author=student, body="Original.")


def test_an_annotation_at_the_limit_is_taken_and_one_over_it_refused(client, student, official_passage):
    client.force_login(student)
    url = annotations_url(official_passage)
    refused = client.post(url, {"body": "x" * (ANNOTATION_MAX_LENGTH + 1)})
    assert refused.status_code == 400
    assert (
        f"has {ANNOTATION_MAX_LENGTH + 1} characters; the limit is {ANNOTATION_MAX_LENGTH}" in refused.content.decode()
    )
    assert not Annotation.objects.exists()
    assert client.post(url, {"body": "x" * ANNOTATION_MAX_LENGTH}).status_code == 302
    assert len(Annotation.objects.get().body) == ANNOTATION_MAX_LENGTH


def test_an_edit_over_the_limit_is_refused(client, student, note):
    client.force_login(student)
    refused = client.post(f"/annotations/{note.pk}/edit/", {"body": "x" * (ANNOTATION_MAX_LENGTH + 1), "version": 1})
    assert refused.status_code == 400
    assert f"the limit is {ANNOTATION_MAX_LENGTH}" in refused.content.decode()
    note.refresh_from_db()
    assert (note.body, note.version) == ("Original.", 1)


def test_a_reply_over_the_limit_is_refused(client, student, note):
    client.force_login(student)
    refused = client.post(f"/annotations/{note.pk}/reply/", {"body": "x" * (ANNOTATION_MAX_LENGTH + 1)})
    assert refused.status_code == 400
    assert f"the limit is {ANNOTATION_MAX_LENGTH}" in refused.content.decode()
    assert not note.replies.exists()


def test_the_admin_refuses_an_introduction_over_the_limit(client, admin_user_, theme):
    client.force_login(admin_user_)
    data = {
        "title": theme.title,
        "slug": theme.slug,
        "question": theme.question,
        "introduction": "x" * (INTRODUCTION_MAX_LENGTH + 1),
        "order": theme.order,
        "is_published": "on",
        "contrasts-TOTAL_FORMS": "0",
        "contrasts-INITIAL_FORMS": "0",
    }
    refused = client.post(f"/admin/readings/theme/{theme.pk}/change/", data)
    assert refused.status_code == 200
    assert (
        f"at most {INTRODUCTION_MAX_LENGTH} characters (it has {INTRODUCTION_MAX_LENGTH + 1})"
        in refused.content.decode()
    )
    theme.refresh_from_db()
    assert theme.introduction == "An *intro*."


@pytest.mark.parametrize(
    ("model", "field", "limit"),
    [(Theme, "introduction", INTRODUCTION_MAX_LENGTH), (Contrast, "commentary", COMMENTARY_MAX_LENGTH)],
)
def test_model_validation_gives_the_limit(contrast, model, field, limit):
    instance = contrast if model is Contrast else contrast.theme
    setattr(instance, field, "x" * (limit + 1))
    with pytest.raises(ValidationError, match=f"the limit is {limit}"):
        instance.full_clean()


def test_the_database_refuses_markdown_over_the_limits(student, official_passage, contrast):
    theme = contrast.theme
    for save in (
        lambda: Annotation.objects.create(
            passage=official_passage, author=student, body="x" * (ANNOTATION_MAX_LENGTH + 1)
        ),
        lambda: Theme.objects.filter(pk=theme.pk).update(introduction="x" * (INTRODUCTION_MAX_LENGTH + 1)),
        lambda: Contrast.objects.filter(pk=contrast.pk).update(commentary="x" * (COMMENTARY_MAX_LENGTH + 1)),
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            save()


# Rendering happens before a view's transaction opens.


@pytest.fixture
def renders(monkeypatch):
    """Each Markdown render, as the number of transactions open around it."""
    depths = []
    convert = markdown.Markdown.convert

    def counting_convert(self, source):
        depths.append(len(connection.atomic_blocks))
        return convert(self, source)

    monkeypatch.setattr(markdown.Markdown, "convert", counting_convert)
    return depths


def test_annotating_editing_and_replying_render_before_the_transaction(client, student, official_passage, renders):
    client.force_login(student)
    outside = len(connection.atomic_blocks)
    url = annotations_url(official_passage)
    assert client.post(url, {"body": "A *note*."}).status_code == 302
    note = Annotation.objects.get()
    assert client.post(f"/annotations/{note.pk}/edit/", {"body": "An *edit*.", "version": 1}).status_code == 302
    assert client.post(f"/annotations/{note.pk}/reply/", {"body": "A *reply*."}).status_code == 302
    assert renders == [outside, outside, outside]
    note.refresh_from_db()
    assert (note.body_html, note.version) == ("<p>An <em>edit</em>.</p>", 2)
    assert note.replies.get().body_html == "<p>A <em>reply</em>.</p>"


def test_the_admin_renders_before_its_transaction(client, admin_user_, contrast, renders):
    theme = contrast.theme
    client.force_login(admin_user_)
    data = {
        "title": theme.title,
        "slug": theme.slug,
        "question": theme.question,
        "introduction": "A new *introduction*.",
        "order": theme.order,
        "is_published": "on",
        "contrasts-TOTAL_FORMS": "1",
        "contrasts-INITIAL_FORMS": "1",
        "contrasts-0-id": contrast.pk,
        "contrasts-0-theme": theme.pk,
        "contrasts-0-order": contrast.order,
        "contrasts-0-title": contrast.title,
        "contrasts-0-commentary": "A new *commentary*.",
    }
    outside = len(connection.atomic_blocks)
    assert client.post(f"/admin/readings/theme/{theme.pk}/change/", data).status_code == 302
    assert renders and set(renders) == {outside}
    theme.refresh_from_db()
    contrast.refresh_from_db()
    assert theme.introduction_html == "<p>A new <em>introduction</em>.</p>"
    assert contrast.commentary_html == "<p>A new <em>commentary</em>.</p>"


def test_a_save_renders_only_a_source_its_html_was_not_rendered_from(theme, renders):
    theme = Theme.objects.get(pk=theme.pk)
    theme.save()
    assert renders == []  # the stored HTML was rendered from the stored introduction
    theme.introduction = "A *changed* introduction."
    theme.save()
    assert len(renders) == 1 and theme.introduction_html == "<p>A <em>changed</em> introduction.</p>"
    theme.introduction_html = "<p>Written by hand.</p>"
    theme.save()
    assert Theme.objects.get(pk=theme.pk).introduction_html == "<p>A <em>changed</em> introduction.</p>"


def test_loaddata_renders_and_never_keeps_html_from_the_file(tmp_path, renders):
    fixture = tmp_path / "theme.json"
    fields = {"slug": "t", "title": "T", "question": "Q?", "order": 7, "is_published": True}
    fields |= {"introduction": "*Loaded*.", "introduction_html": "<p onclick='x()'>forged</p>"}
    fixture.write_text(json.dumps([{"model": "readings.theme", "pk": 70, "fields": fields}]))
    call_command("loaddata", str(fixture), verbosity=0)
    assert Theme.objects.get(pk=70).introduction_html == "<p><em>Loaded</em>.</p>"
