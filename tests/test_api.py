"""The read-only JSON API and the theme's JSON export: shapes, 404s, and constant queries."""

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.models import Contrast, EditorialNote, Paper, Passage, Section, Stance, Theme

pytestmark = pytest.mark.django_db

PAPER_FIELDS = {
    "slug",
    "title",
    "display_title",
    "title_supplied",
    "authors",
    "year",
    "venue",
    "doi",
    "url",
    "stance",
    "language",
    "links",
}
PASSAGE_FIELDS = {
    "key",
    "paper",
    "section",
    "ordinal",
    "kind",
    "text",
    "lang",
    "figure_text",
    "editorial_notes",
    "links",
}
THEME_FIELDS = {"slug", "title", "question", "order", "links"}
NOT_FOUND = {"error": "not found"}


def get_json(client, url, status=200, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == status, url
    assert response["Content-Type"] == "application/json"
    return json.loads(response.content)


def test_index_names_the_endpoints(client, db):
    data = get_json(client, "/api/")
    assert data == {
        "papers": "http://testserver/api/papers/",
        "themes": "http://testserver/api/themes/",
        "corpus": "http://testserver/api/corpus.json",
    }


def test_papers_lists_every_paper_with_its_title_as_displayed(client, official_passage, critical_passage):
    papers = {p["slug"]: p for p in get_json(client, "/api/papers/")["papers"]}
    assert list(papers) == list(Paper.objects.values_list("slug", flat=True))
    assert set(papers["official"]) == PAPER_FIELDS
    assert papers["official"]["title_supplied"] is True and papers["official"]["display_title"] == "[An Official Paper]"
    assert papers["critical"]["title_supplied"] is False and papers["critical"]["display_title"] == "A Critical Paper"
    assert papers["critical"]["links"] == {
        "self": "http://testserver/api/papers/critical/",
        "html": "http://testserver/papers/critical/",
    }


def test_a_paper_comes_with_its_sections_passages_and_notes(client, official_passage):
    EditorialNote.objects.create(paper=official_passage.paper, kind="metadata", note="No author named.")
    EditorialNote.objects.create(
        paper=official_passage.paper, passage=official_passage, kind="ocr", original="0f", replacement="of", note="OCR."
    )
    data = get_json(client, "/api/papers/official/")
    assert set(data) == PAPER_FIELDS | {"abstract", "editorial_notes", "sections"}
    assert data["editorial_notes"] == [
        {"kind": "metadata", "original": "", "replacement": "", "note": "No author named."}
    ]
    (section,) = data["sections"]
    assert {k: section[k] for k in ("key", "title", "heading", "level", "ordinal", "lang")} == {
        "key": "intro",
        "title": "Introduction",
        "heading": "Introduction",
        "level": 1,
        "ordinal": 1,
        "lang": "",
    }
    first, second = section["passages"]
    assert set(first) == PASSAGE_FIELDS
    assert first["key"] == official_passage.key == "official/intro/1"
    assert first["text"] == official_passage.text
    assert first["editorial_notes"] == [{"kind": "ocr", "original": "0f", "replacement": "of", "note": "OCR."}]
    assert second["editorial_notes"] == []
    assert first["links"]["html"] == "http://testserver" + official_passage.get_absolute_url()


def test_a_passage_by_its_key(client, critical_passage):
    data = get_json(client, "/api/passages/critical/intro/1/")
    assert set(data) == PASSAGE_FIELDS
    assert (data["key"], data["paper"], data["section"], data["ordinal"]) == (
        "critical/intro/1",
        "critical",
        "intro",
        1,
    )
    assert data["links"]["self"] == "http://testserver/api/passages/critical/intro/1/"


def test_a_passage_in_a_section_with_a_non_latin_key(client, corpus):
    data = get_json(client, "/api/passages/assyl-dauyen-2025/аннотация/1/")
    assert data["lang"] == "ru" and data["key"] == "assyl-dauyen-2025/аннотация/1"


def test_themes_lists_only_published_themes(client, contrast, theme):
    Theme.objects.create(slug="draft", title="Draft", question="?", order=2, is_published=False)
    themes = get_json(client, "/api/themes/")["themes"]
    assert [t["slug"] for t in themes] == ["definitions"]
    assert set(themes[0]) == THEME_FIELDS


def test_a_theme_with_its_contrasts_sides_and_papers(client, contrast, official_passage, critical_passage):
    data = get_json(client, "/api/themes/definitions/")
    assert set(data) == THEME_FIELDS | {"introduction", "contrasts", "papers"}
    assert data["introduction"] == "An *intro*."
    (only,) = data["contrasts"]
    assert {k: only[k] for k in ("order", "title", "commentary")} == {
        "order": 1,
        "title": "Two views",
        "commentary": "They differ.",
    }
    assert [p["key"] for p in only["official"]] == [official_passage.key]
    assert [p["key"] for p in only["critical"]] == [critical_passage.key]
    assert only["critical"][0]["text"] == critical_passage.text
    papers = {p["slug"]: p for p in data["papers"]}
    assert set(papers) == {"official", "critical"}
    assert papers["official"]["display_title"] == "[An Official Paper]"


def test_a_contrast_still_being_curated_is_listed_with_empty_sides(client, contrast, theme):
    Contrast.objects.create(theme=theme, order=2, title="To be filled", is_published=True)
    contrasts = get_json(client, "/api/themes/definitions/")["contrasts"]
    assert [(c["order"], len(c["official"]), len(c["critical"])) for c in contrasts] == [(1, 1, 1), (2, 0, 0)]


@pytest.mark.parametrize(
    "url",
    [
        "/api/papers/no-such-paper/",
        "/api/passages/official/intro/99/",
        "/api/passages/official/no-section/1/",
        "/api/passages/nobody/intro/1/",
        "/api/themes/no-such-theme/",
        "/api/themes/draft/",
        "/api/no-such-endpoint/",
        "/api/papers/official/extra/",
        "/themes/no-such-theme/export.json",
        "/themes/draft/export.json",
    ],
)
def test_unknown_things_are_a_json_404(client, contrast, url):
    Theme.objects.create(slug="draft", title="Draft", question="?", order=2, is_published=False)
    assert get_json(client, url, status=404) == NOT_FOUND


def test_the_api_is_read_only(client, contrast):
    for method in (client.post, client.put, client.delete):
        response = method("/api/themes/definitions/")
        assert response.status_code == 405
        assert response["Allow"] == "GET, HEAD"
        assert json.loads(response.content) == {"error": "method not allowed"}


def test_corpus_json_holds_everything_a_reader_can_see(client, corpus):
    data = get_json(client, "/api/corpus.json")
    assert set(data) == {"papers", "themes"}
    assert [p["slug"] for p in data["papers"]] == list(Paper.objects.values_list("slug", flat=True))
    keys = [p["key"] for paper in data["papers"] for s in paper["sections"] for p in s["passages"]]
    assert len(keys) == Passage.objects.count() == len(set(keys))
    notes = sum(len(p["editorial_notes"]) for p in data["papers"]) + sum(
        len(p["editorial_notes"]) for paper in data["papers"] for s in paper["sections"] for p in s["passages"]
    )
    assert notes == EditorialNote.objects.count()
    assert [t["slug"] for t in data["themes"]] == list(Theme.objects.published().values_list("slug", flat=True))
    theme_keys = {
        p["key"] for t in data["themes"] for c in t["contrasts"] for side in ("official", "critical") for p in c[side]
    }
    assert theme_keys <= set(keys)


def test_a_theme_exports_as_a_json_file(client, contrast):
    response = client.get(reverse("readings:theme-export", args=["definitions"]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="definitions.json"'
    assert json.loads(response.content) == get_json(client, "/api/themes/definitions/")


def test_curators_may_export_a_draft_theme(client, contrast, theme, instructor, seminar):
    theme.is_published = False
    theme.seminar = seminar  # the instructor edits the seminar's themes, not the public ones
    theme.save()
    client.force_login(instructor)
    assert client.get("/themes/definitions/export.json").status_code == 200


def test_the_theme_page_links_its_exports(client, contrast):
    html = client.get(contrast.theme.get_absolute_url()).content.decode()
    assert 'href="/themes/definitions/handout.md"' in html
    assert 'href="/themes/definitions/export.json"' in html


def grow(official_passage, critical_passage):
    """More of everything: papers, sections, passages, notes, themes and contrasts."""
    for n in range(3):
        paper = Paper.objects.create(slug=f"grown-{n}", title=f"Grown {n}", stance=Stance.OFFICIAL)
        for s in range(1, 4):
            section = Section.objects.create(paper=paper, key=f"s{s}", title=f"S{s}", ordinal=s)
            for o in range(1, 4):
                passage = Passage.objects.create(section=section, ordinal=o, text=f"Text {n} {s} {o}.")
                EditorialNote.objects.create(paper=paper, passage=passage, kind="repair", note="Joined.")
        EditorialNote.objects.create(paper=paper, kind="metadata", note="Grown.")
    for order in range(2, 5):
        theme = Theme.objects.create(
            slug=f"grown-{order}", title=f"Grown {order}", question="?", order=order, is_published=True
        )
        for c in range(1, 3):
            Contrast.objects.create(theme=theme, order=c, is_published=True).set_sides(
                [official_passage], [critical_passage]
            )
    section = official_passage.section
    for o in range(10, 20):
        Passage.objects.create(section=section, ordinal=o, text=f"More {o}.")


ENDPOINTS = [
    "/api/papers/",
    "/api/papers/official/",
    "/api/passages/official/intro/1/",
    "/api/themes/",
    "/api/themes/definitions/",
    "/api/corpus.json",
    "/themes/definitions/export.json",
]


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_every_endpoint_costs_the_same_queries_however_large_the_data(
    client, contrast, official_passage, critical_passage
):
    small = {url: queries(client, url) for url in ENDPOINTS}
    grow(official_passage, critical_passage)
    grown = {url: queries(client, url) for url in ENDPOINTS}
    assert grown == small
    assert small["/api/corpus.json"] <= 8


WRITES = ["post", "put", "patch", "delete", "options"]


@pytest.mark.parametrize("signed_in", [False, True])
def test_every_api_url_refuses_writes_with_json_before_any_csrf_check(contrast, student, signed_in):
    # The browser's view: CSRF enforced, as the test client otherwise skips it.
    client = Client(enforce_csrf_checks=True)
    if signed_in:
        client.force_login(student)
    for url in [*ENDPOINTS, "/api/", "/api/no-such-endpoint/", "/api/papers/no-such-paper/"]:
        for method in WRITES:
            response = getattr(client, method)(url, data=b"{}", content_type="application/json")
            assert (url, method, response.status_code) == (url, method, 405)
            assert response["Content-Type"] == "application/json"
            assert response["Allow"] == "GET, HEAD"
            assert json.loads(response.content) == {"error": "method not allowed"}


def test_the_markdown_handout_puts_the_official_passage_first_as_the_page_does(client, contrast):
    handout = client.get("/themes/definitions/handout.md").content.decode()
    assert handout.index("### Official discourse") < handout.index("### Critical analysis")
    assert "### Official discourse: [Author not named], [An Official Paper]" in handout
