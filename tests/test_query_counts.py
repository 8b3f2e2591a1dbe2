"""Every page's SQL query count is small and does not grow with the corpus."""

import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.models import Passage

pytestmark = pytest.mark.django_db

THEME = "what-is-cultural-soft-power"
PASSAGE = "/papers/edney-2015/national-security-regime-security-and-soft-power/1/"
PAGES = [
    ("/", {}),
    ("/papers/", {}),
    ("/papers/?stance=critical&page=2", {}),
    ("/themes/", {}),
    ("/papers/edney-2015/", {}),
    (PASSAGE, {}),
    (f"{PASSAGE}context/", {"HX-Request": "true"}),
    (f"{PASSAGE}annotations/", {}),
    (f"{PASSAGE}counterpoints/", {"HX-Request": "true"}),
    ("/papers/edney-2015/sections/cultural-security-in-china/", {}),
    (f"/themes/{THEME}/", {}),
    (f"/themes/{THEME}/contrasts/2/", {"HX-Request": "true"}),
    (f"/themes/{THEME}/handout.md", {}),
    (f"/themes/{THEME}/export.json", {}),
    ("/compare/?official=cultural-power-strategy&critical=edney-2015", {}),
    ("/search/?q=cultural+security", {}),
    ("/terms/", {}),
    ("/terms/?term=cultural+security", {}),  # on both sides: each side with the term costs one query
    ("/map/", {}),
    ("/api/papers/", {}),
    ("/api/papers/edney-2015/", {}),
    ("/api/themes/", {}),
    (f"/api/themes/{THEME}/", {}),
]


def count(client, url, headers):
    client.get(url, headers=headers)  # per-process indexes (terms, counterpoints) are built once
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return len(queries)


def test_every_page_costs_the_same_few_queries_at_any_corpus_size(client, corpus):
    small = {url: count(client, url, headers) for url, headers in PAGES}
    # 40 papers puts each stance past what the home page lists; ten passages a paper is the fewest the command makes.
    call_command("build_bench_corpus", papers=40, passages=400, themes=3, stdout=io.StringIO(), stderr=io.StringIO())
    large = {url: count(client, url, headers) for url, headers in PAGES}
    assert large == small
    assert {url: n for url, n in small.items() if n > 10} == {}


SIGNED_IN_PAGES = [
    ("/papers/edney-2015/", {}),
    (PASSAGE, {}),
    (f"{PASSAGE}annotations/", {}),
    (f"{PASSAGE}annotations/", {"HX-Request": "true"}),
    ("/papers/edney-2015/sections/national-security-regime-security-and-soft-power/", {"HX-Request": "true"}),
    (f"/themes/{THEME}/", {}),
    (f"/themes/{THEME}/contrasts/2/", {"HX-Request": "true"}),
]


def notes_on(paper_slug, authors, seminar, count):
    """`count` notes spread over the paper's passages, each on the passage's first word, alternately private and shared."""
    from readings.models import Annotation, Passage

    passages = list(Passage.objects.filter(paper__slug=paper_slug).order_by("section__ordinal", "ordinal"))
    notes = []
    for i in range(count):
        passage = passages[i % len(passages)]
        word = passage.text.split()[0]
        shared = i % 2 == 1
        notes.append(
            Annotation(
                passage=passage,
                author=authors[i % len(authors)],
                quote=word,
                start=0,
                end=len(word),
                body=f"Note {i}.",
                body_html=f"<p>Note {i}.</p>",
                visibility="seminar" if shared else "private",
                seminar=seminar if shared else None,
            )
        )
    Annotation.objects.bulk_create(notes)


def test_highlights_cost_the_same_queries_at_any_corpus_size_and_any_number_of_notes(
    client, corpus, student, classmate, seminar
):
    client.force_login(student)
    # Notes on every paragraph from the start: a list of notes costs its fixed few queries (their tags, say)
    # once it is not empty, and the claim here is that it costs no more as it grows.
    notes_on("edney-2015", [student, classmate], seminar, 2 * Passage.objects.filter(paper__slug="edney-2015").count())
    small = {(url, bool(headers)): count(client, url, headers) for url, headers in SIGNED_IN_PAGES}
    call_command("build_bench_corpus", papers=40, passages=400, themes=3, stdout=io.StringIO(), stderr=io.StringIO())
    large = {(url, bool(headers)): count(client, url, headers) for url, headers in SIGNED_IN_PAGES}
    notes_on("edney-2015", [student, classmate], seminar, 1000)
    many = {(url, bool(headers)): count(client, url, headers) for url, headers in SIGNED_IN_PAGES}
    assert large == small
    assert many == small
    # 16 before the header showed the reader's seminars and unread count (two queries, for signed-in readers only);
    # 18 before the passage's counterpoints showed the contrasts instructors paired it in (one query), and
    # one more for the assignments whose gate hides classmates' notes from the reader (annotations.locked_assignments).
    assert {url: n for url, n in small.items() if n > 20} == {}
    assert (
        client.get("/papers/edney-2015/").content.count(b'<mark class="highlight') >= 20
    )  # one per paragraph: identical spans share a mark
