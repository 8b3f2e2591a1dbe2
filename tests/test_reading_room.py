"""Reading-room interactions on the server side: fragments for htmx, full pages otherwise."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.models import Annotation, Contrast, Passage, Section

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def test_expand_context_returns_the_neighbours_as_a_fragment(client, official_passage):
    second = Passage.objects.get(section=official_passage.section, ordinal=2)
    url = f"{official_passage.get_absolute_url()}context/"
    response = client.get(url, headers=HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    # The panel opens under the passage on a theme page: it marks the passage's place, not repeats it.
    assert second.text in html and "An Official Paper passage 1." not in html
    assert "¶1, the passage shown above, comes here." in html
    assert "HX-Request" in response["Vary"]


def test_context_page_without_htmx_shows_the_passage_among_its_neighbours(client, official_passage):
    response = client.get(f"{official_passage.get_absolute_url()}context/")
    assert "An Official Paper passage 1." in response.content.decode()
    assert b"the passage shown above" not in response.content


@pytest.mark.parametrize("suffix", ["", "context/", "annotations/"])
def test_passage_urls_render_full_pages_without_htmx(client, official_passage, suffix):
    response = client.get(f"{official_passage.get_absolute_url()}{suffix}")
    assert response.status_code == 200
    assert b"<html" in response.content


def test_history_restore_gets_the_full_page(client, official_passage):
    response = client.get(
        f"{official_passage.get_absolute_url()}context/", headers={**HTMX, "HX-History-Restore-Request": "true"}
    )
    assert b"<html" in response.content


def test_context_crosses_section_boundaries(client, official_passage):
    later = Section.objects.create(paper=official_passage.paper, key="next", title="Next", ordinal=2)
    Passage.objects.create(section=later, ordinal=1, text="First of the next section.")
    second = Passage.objects.get(section=official_passage.section, ordinal=2)
    html = client.get(f"{second.get_absolute_url()}context/", headers=HTMX).content.decode()
    assert "An Official Paper passage 1." in html and "First of the next section." in html


def test_annotations_fragment_shows_only_what_the_reader_may_see(client, official_passage, student, classmate, seminar):
    Annotation.objects.create(passage=official_passage, author=student, body="Private *thought*.", visibility="private")
    Annotation.objects.create(
        passage=official_passage, author=student, body="Shared reading.", visibility="seminar", seminar=seminar
    )
    url = f"{official_passage.get_absolute_url()}annotations/"

    anonymous = client.get(url, headers=HTMX).content.decode()
    assert "Private" not in anonymous and "Shared reading" not in anonymous

    client.force_login(classmate)
    seen = client.get(url, headers=HTMX).content.decode()
    assert "Shared reading" in seen and "Private" not in seen

    client.force_login(student)
    own = client.get(url, headers=HTMX).content.decode()
    assert "Private <em>thought</em>." in own


def test_whole_section_fragment(client, official_passage):
    url = f"/papers/official/sections/{official_passage.section.key}/"
    fragment = client.get(url, headers=HTMX).content.decode()
    assert "<html" not in fragment and "An Official Paper passage 2." in fragment
    assert b"<html" in client.get(url).content
    assert client.get("/papers/official/sections/nope/").status_code == 404


def test_contrast_steps_are_their_own_pages_and_fragments(client, contrast, official_passage, critical_passage):
    second = Contrast.objects.create(theme=contrast.theme, order=2, title="Second look", is_published=True)
    second.set_sides([official_passage], [critical_passage])
    page = client.get("/themes/definitions/contrasts/1/").content.decode()
    assert "<html" in page and 'href="/themes/definitions/contrasts/2/"' in page and "Two views" in page
    fragment = client.get("/themes/definitions/contrasts/2/", headers=HTMX).content.decode()
    assert "<html" not in fragment and "Second look" in fragment
    assert 'hx-get="/themes/definitions/contrasts/1/"' in fragment and 'hx-push-url="true"' in fragment
    assert client.get("/themes/definitions/contrasts/9/").status_code == 404


def test_theme_passages_offer_context_annotations_and_section_with_real_links(client, contrast, official_passage):
    html = client.get("/themes/definitions/").content.decode()
    context_url = f"{official_passage.get_absolute_url()}context/"
    assert f'href="{context_url}" hx-get="{context_url}"' in html
    assert 'href="/papers/official/sections/intro/" hx-get="/papers/official/sections/intro/"' in html


def test_passage_offers_a_citation(client, official_passage, critical_passage):
    html = client.get(critical_passage.get_absolute_url()).content.decode()
    assert (
        "A. Critic (2015). A Critical Paper. Introduction, para. 1. http://testserver/papers/critical/intro/1/" in html
    )
    html = client.get(official_passage.get_absolute_url()).content.decode()
    assert "[Author not named] (n.d.). [An Official Paper]." in html


def test_theme_downloads_as_markdown(client, contrast):
    response = client.get("/themes/definitions/handout.md")
    assert response["Content-Type"].startswith("text/markdown")
    assert 'filename="definitions.md"' in response["Content-Disposition"]
    text = response.content.decode()
    assert text.startswith("# Definitions")
    assert "> An Official Paper passage 1." in text and "> A Critical Paper passage 1." in text
    assert "**Commentary.** They differ." in text
    # Official first, as on the page.
    assert text.index("> An Official Paper passage 1.") < text.index("> A Critical Paper passage 1.")


def test_compare_shows_one_paper_of_each_stance(client, official_passage, critical_passage):
    html = client.get("/compare/?official=official&critical=critical").content.decode()
    assert html.index("An Official Paper passage 1.") < html.index("A Critical Paper passage 1.")


@pytest.mark.parametrize("query", ["?official=critical&critical=official", "?official=%00&critical=", "?official[]=x"])
def test_compare_ignores_malformed_choices(client, official_passage, critical_passage, query):
    response = client.get(f"/compare/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "An Official Paper passage 1." in html and "A Critical Paper passage 1." in html


def test_compare_fragment_for_htmx(client, official_passage, critical_passage):
    response = client.get("/compare/", headers=HTMX)
    assert b"<html" not in response.content and b"compare-columns" in response.content


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize(
    "url",
    [
        "/papers/official/intro/2/",
        "/papers/official/intro/2/context/",
        "/papers/official/sections/intro/",
        "/themes/definitions/contrasts/1/",
        "/compare/",
    ],
)
def test_reading_room_query_counts_do_not_grow(client, contrast, critical_passage, url):
    queries_for(client, url)  # with no index stored, a small corpus is indexed by its first request
    small = queries_for(client, url)
    section = Section.objects.get(paper__slug="official", key="intro")
    for n in range(3, 12):
        Passage.objects.create(section=section, ordinal=n, text=f"More text {n}.")
    extra = Section.objects.create(paper=section.paper, key="more", title="More", ordinal=5)
    Passage.objects.create(section=extra, ordinal=1, text="Another section.")
    contrast.set_sides(list(section.passages.all()[:4]), [critical_passage])
    assert queries_for(client, url) == small
    assert small <= 10
