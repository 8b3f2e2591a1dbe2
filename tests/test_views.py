"""The reading-room pages through the test client: content, status codes, query counts."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone

from readings import api_urls
from readings import urls as readings_urls
from readings.models import (
    Annotation,
    Assignment,
    Contrast,
    Membership,
    Paper,
    PdfImport,
    Section,
    Seminar,
    Stance,
    Theme,
)

pytestmark = pytest.mark.django_db


def test_home_lists_papers_by_stance_and_themes(client, contrast):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "[An Official Paper]" in html and "title supplied by the editor" in html
    assert html.index("Official discourse") < html.index("[An Official Paper]") < html.index("Critical analysis")
    assert html.index("Critical analysis") < html.index("A Critical Paper")
    assert "What is it?" in html


def test_paper_page_shows_sections_passages_and_permalinks(client, official_passage, contrast):
    response = client.get("/papers/official/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "An Official Paper passage 1." in html
    assert 'href="/papers/official/intro/1/"' in html
    assert 'href="/themes/definitions/"' in html  # the themes the passage takes part in


def test_passage_permalink_renders_the_passage(client, official_passage):
    response = client.get(official_passage.get_absolute_url())
    assert response.status_code == 200
    assert "An Official Paper passage 1." in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/papers/nope/", "/papers/official/intro/99/", "/papers/official/nope/1/", "/themes/nope/", "/nowhere/"]
)
def test_unknown_things_are_a_404_page(client, official_passage, url):
    response = client.get(url)
    assert response.status_code == 404
    assert b"Not found" in response.content


def test_theme_sets_official_beside_critical(client, contrast):
    html = client.get("/themes/definitions/").content.decode()
    official = html.index('<section class="column official"')
    critical = html.index('<section class="column critical"')
    assert official < html.index("An Official Paper passage 1.") < critical < html.index("A Critical Paper passage 1.")
    assert "<em>intro</em>" in html and "They differ." in html


def test_unpublished_theme_is_not_found(client, contrast):
    Theme.objects.filter(pk=contrast.theme_id).update(is_published=False)
    assert client.get("/themes/definitions/").status_code == 404


def test_pages_refuse_writes(client, official_passage):
    assert client.post("/").status_code == 405


def grow(paper, theme, critical_passage, sections=3, per_section=4):
    """Add sections, passages and contrasts so that query counts can be compared."""
    start = paper.sections.count()
    for i in range(sections):
        section = Section.objects.create(
            paper=paper, key=f"extra-{start + i}", title=f"Extra {i}", ordinal=100 + start + i
        )
        for n in range(1, per_section + 1):
            passage = section.passages.create(paper=paper, ordinal=n, text=f"Extra text {i}.{n}.")
            contrast = Contrast.objects.create(theme=theme, order=theme.contrasts.count() + 1, is_published=True)
            contrast.set_sides([passage], [critical_passage])


@pytest.mark.parametrize("url", ["/", "/papers/official/", "/themes/definitions/"])
def test_query_count_does_not_grow_with_the_corpus(client, contrast, critical_passage, url):
    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    small = count()
    grow(Paper.objects.get(slug="official"), contrast.theme, critical_passage)
    assert count() == small
    assert small <= 10


def test_home_shows_the_first_papers_and_links_to_all_of_them(client, db):
    for n in range(15):
        Paper.objects.create(slug=f"p{n}", title=f"Paper {n}", stance=Stance.OFFICIAL)
    html = client.get("/").content.decode()
    assert html.count("/papers/p") == 10
    assert 'href="/papers/?stance=official">All 15 official-discourse papers' in html


@pytest.mark.parametrize(
    "query", ["", "?stance=official", "?stance=bogus", "?page=2", "?page=x", "?page=-1", "?page=99999"]
)
def test_paper_list_pages_and_ignores_bad_parameters(client, official_paper, critical_paper, query):
    response = client.get(f"/papers/{query}")
    assert response.status_code == 200


def test_paper_list_filters_by_stance(client, official_paper, critical_paper):
    html = client.get("/papers/?stance=critical").content.decode()
    assert "A Critical Paper" in html and "An Official Paper" not in html


def test_paper_list_pages_keep_the_stance(client):
    from readings import views
    from readings.models import Paper, Stance

    Paper.objects.bulk_create(
        Paper(slug=f"c{i}", title=f"Critical {i}", stance=Stance.CRITICAL) for i in range(views.LIST_PAGE_SIZE + 1)
    )
    html = client.get("/papers/?stance=critical").content.decode()
    assert 'href="?stance=critical&amp;page=2" rel="next"' in html


def test_theme_list(client, contrast):
    assert "Definitions" in client.get("/themes/?page=abc").content.decode()


@pytest.fixture
def every_page(client, contrast, official_passage, student):
    """A URL for every page the reading room serves to GET, signed in as a reader with a note of their own."""
    note = Annotation.objects.create(passage=official_passage, author=student, body="Mine.")
    # A seminar the reader teaches, for the exports only its instructors may download.
    taught = Seminar.objects.create(slug="taught", name="Taught seminar", join_enabled=True)
    Membership.objects.create(seminar=taught, user=student, role="instructor")
    assignment = Assignment.objects.create(
        seminar=taught, title="Read", kind="theme", theme=contrast.theme, due_at=timezone.now() + timedelta(days=1)
    )
    client.force_login(student)
    passage = official_passage.get_absolute_url()
    # The instructor's PDF import, read and waiting for confirmation.
    pdf_import = PdfImport.objects.create(user=student, file_name="x.pdf", status="ready", parsed=PARSED_PDF)
    return [
        "/",
        "/papers/",
        "/themes/",
        "/papers/official/",
        "/papers/official/sections/intro/",
        passage,
        f"{passage}context/",
        f"{passage}counterpoints/",
        f"{passage}annotations/",
        "/themes/definitions/",
        "/themes/definitions/contrasts/1/",
        "/themes/definitions/handout.md",
        "/themes/definitions/export.json",
        "/compare/",
        f"/annotations/{note.pk}/edit/",
        f"/annotations/{note.pk}/delete/",
        "/search/?q=paper",
        "/terms/?term=paper",
        "/map/",
        "/api/",
        "/api/papers/",
        "/api/papers/official/",
        "/api/passages/official/intro/1/",
        "/api/themes/",
        "/api/themes/definitions/",
        "/api/search/?q=paper",
        "/api/corpus.json",
        "/accounts/login/",
        "/notifications/",
        "/settings/",
        "/notebook/",
        "/notebook/export.csv",
        "/notebook/export.md",
        "/seminars/spring/",
        "/seminars/taught/export.csv",
        "/seminars/taught/export.md",
        "/seminars/taught/assignments/new/",
        f"/seminars/taught/assignments/{assignment.pk}/",
        f"/seminars/taught/assignments/{assignment.pk}/edit/",
        f"/seminars/taught/assignments/{assignment.pk}/delete/",
        "/seminars/taught/participation/",
        "/seminars/taught/participation.csv",
        "/seminars/new/",
        "/seminars/taught/settings/",
        "/seminars/taught/members/",
        f"/seminars/join/{taught.join_code}/",
        "/import/",
        f"/import/{pdf_import.token}/",
    ]


PARSED_PDF = {
    "title": "A PDF",
    "authors": "",
    "sections": [
        {
            "title": "Body",
            "number": "",
            "level": 1,
            "lang": "",
            "passages": [{"kind": "body", "text": "A passage about soft power.", "lang": "", "figure_text": ""}],
        }
    ],
    "interventions": [],
    "repairs": {},
    "warnings": [],
    "removed": [],
}


# Answers POST only: it has no page to fetch.
POST_ONLY = {
    "annotation-reply",
    "notification-read",
    "notifications-read-all",
    "highlights-setting",
    "seminar-archive",
    "seminar-join-link",
    "member-role",
    "member-remove",
    "member-invite",
    "pdf-import-confirm",
    "pdf-import-discard",
}
# Not pages: they do their work and redirect (tests/test_notifications.py; the favicon below). Sign-up is
# a page for visitors without an account, and sends a signed-in reader on (tests/test_signup.py).
REDIRECTS = {"notification-open", "favicon", "signup"}


def assert_every_page_is_listed(every_page):
    """A page added to the URLs without being added to `every_page` fails the tests that use it."""
    patterns = [*readings_urls.urlpatterns, *api_urls.urlpatterns]
    named = {p.name for p in patterns if getattr(p, "name", None)} - POST_ONLY - REDIRECTS
    assert named <= {resolve(url.split("?")[0]).url_name for url in every_page}


def test_every_page_answers_an_htmx_request_with_a_partial_that_exists(client, every_page):
    assert_every_page_is_listed(every_page)
    for url in every_page:
        response = client.get(url, headers={"HX-Request": "true"})
        assert response.status_code == 200, url


def test_an_htmx_request_for_a_passage_gets_the_passage_alone(client, official_passage):
    response = client.get(official_passage.get_absolute_url(), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "An Official Paper passage 1." in html
    assert "<html" not in html and "Annotations</h2>" not in html
    assert "HX-Request" in response["Vary"]


def test_every_page_answers_head_as_it_answers_get(client, every_page):
    assert_every_page_is_listed(every_page)
    for url in every_page:
        get, head = client.get(url), client.head(url)
        assert (url, head.status_code) == (url, get.status_code) == (url, 200)
        assert head.content == b""
        assert head["Content-Type"] == get["Content-Type"]


def test_the_favicon_browsers_ask_for_on_admin_pages_leads_to_the_sites_icon(client):
    # The site's pages name their icon; the admin's do not, so browsers ask for /favicon.ico there.
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"].endswith(".svg")
    assert client.head("/favicon.ico").status_code == 301


def test_the_500_page_is_in_the_sites_look_without_touching_the_database(rf, django_assert_num_queries):
    from django.views.defaults import server_error

    with django_assert_num_queries(0):
        response = server_error(rf.get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert 'rel="stylesheet"' in html and 'class="site-header"' in html and "<h1>Something went wrong</h1>" in html
