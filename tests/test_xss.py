"""Hostile Markdown through every Markdown field renders inert on the pages that show it."""

import re
from html.parser import HTMLParser

import pytest

from readings.models import Annotation

pytestmark = pytest.mark.django_db

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</script>",
    "[a](javascript:alert(1))",
    "[a](JAVASCRIPT:alert(1))",
    "[a](  javascript:alert(1))",
    "[a](java\tscript:alert(1))",
    "[a](&#106;avascript:alert(1))",
    "[a](&#x6A;avascript&#x3A;alert(1))",
    '<a href="javascript&colon;alert(1)">a</a>',
    '<a href="jav&#x09;ascript:alert(1)">a</a>',
    "[a](vbscript:msgbox(1))",
    "[a](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![i](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![i](javascript:alert(1))",
    '<img src=x onerror="alert(1)">',
    "<img src=x onerror=alert(1)//",
    '<p onclick="alert(1)">click</p>',
    '<a href="https://ok.example" onmouseover="alert(1)">hover</a>',
    '<div hx-get="/admin/" hx-trigger="load">x</div>',
    '<a hx-post="/annotations/1/delete/" hx-trigger="load">x</a>',
    '<form action="/accounts/logout/" method="post"><button>x</button></form>',
    "<iframe src='https://evil.example'></iframe>",
    "<object data='https://evil.example/x.swf'></object>",
    "<embed src='https://evil.example/x.swf'>",
    "<style>body{display:none}</style>",
    '<span style="background:url(javascript:alert(1))">x</span>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '<base href="https://evil.example/">',
    '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "<<img src=x onerror=alert(1)>",
    '"><img src=x onerror=alert(1)>',
    "<details open ontoggle=alert(1)>",
    "<input autofocus onfocus=alert(1)>",
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '[a](https://ok.example "title" onclick=alert(1))',
]

SAFE_TAGS = {
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
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class TagAudit(HTMLParser):
    """Looks at the markup as a browser would: tags and attributes, not text that merely looks like them."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []

    def handle_starttag(self, tag, attrs):
        if tag not in SAFE_TAGS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-") or name.startswith("data-") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in {"href", "src"} and not (value or "").strip().lower().startswith(SAFE_SCHEMES):
                self.problems.append(f"{tag}[{name}={value}]")


def problems(html):
    audit = TagAudit()
    audit.feed(html)
    audit.close()
    return audit.problems


def region(html, css_class):
    match = re.search(rf'<div class="{css_class}">(.*?)</div>', html, re.S)
    assert match, css_class
    return match.group(1)


def test_there_are_at_least_thirty_payloads():
    assert len(PAYLOADS) >= 30


def test_the_audit_sees_live_markup_and_not_escaped_text():
    assert problems('<img src=x onerror="alert(1)">') == ["<img>", "img[src=x]", "img[onerror]"]
    assert problems("<p>&lt;img src=x onerror=alert(1)&gt;</p>") == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_theme_introduction_is_inert(client, contrast, payload):
    theme = contrast.theme
    theme.introduction = f"Intro.\n\n{payload}"
    theme.save()
    assert problems(region(client.get(theme.get_absolute_url()).content.decode(), "introduction")) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_contrast_commentary_is_inert(client, contrast, payload):
    contrast.commentary = f"Commentary.\n\n{payload}"
    contrast.save()
    assert problems(region(client.get(contrast.theme.get_absolute_url()).content.decode(), "commentary")) == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_annotation_body_is_inert(client, student, official_passage, payload):
    client.force_login(student)
    url = f"{official_passage.get_absolute_url()}annotations/"
    assert client.post(url, {"body": f"Note.\n\n{payload}"}).status_code == 302
    html = client.get(url).content.decode()
    assert problems(region(html, "annotation-body")) == []
    assert Annotation.objects.get().body.endswith(payload)  # the author's text itself is kept as written


def test_safe_markdown_still_renders(client, contrast):
    contrast.commentary = "**Bold**, *em*, [a link](https://example.org) and `code`."
    contrast.save()
    html = region(client.get(contrast.theme.get_absolute_url()).content.decode(), "commentary")
    assert "<strong>Bold</strong>" in html and "<em>em</em>" in html and "<code>code</code>" in html
    assert '<a href="https://example.org" rel="noopener noreferrer nofollow">a link</a>' in html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_annotation_body_is_inert_in_the_notebook_and_the_stream(
    client, note, student, seminar, official_passage, payload
):
    note(student, official_passage, f"Note.\n\n{payload}", seminar=seminar, tags=["safe"])
    client.force_login(student)
    for url in ("/notebook/", "/seminars/spring/"):
        assert problems(region(client.get(url).content.decode(), "annotation-body")) == [], url


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_hostile_tag_is_refused_and_its_echo_inert(client, student, official_passage, payload):
    client.force_login(student)
    url = f"{official_passage.get_absolute_url()}annotations/"
    response = client.post(url, {"body": "Note.", "visibility": "private", "tags": payload})
    assert response.status_code == 400
    errors = re.findall(r'<span class="error" role="alert">(.*?)</span>', response.content.decode(), re.S)
    assert errors and all(problems(error) == [] for error in errors)
    assert not Annotation.objects.exists()
