"""Full-text search: results and snippets on the real corpus, filters, any input, the search page."""

import re
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings import search, search_syntax
from readings.analysis import fold
from readings.models import Passage, Section
from readings.search import (
    EnglishTextVector,
    filtered_passages,
    fts5_query,
    parse_query,
    postgresql_query,
    search_passages,
)

pytestmark = pytest.mark.django_db


def test_cultural_security_finds_edney_and_the_official_paper(corpus):
    results = search_passages("cultural security")
    assert {"edney-2015", "cultural-power-strategy"} <= {hit.passage.paper.slug for hit in results}
    assert results.total == len(results.hits) > 5
    for hit in results:
        assert "cultur" in hit.passage.text.lower() and "secur" in hit.passage.text.lower()
        assert hit.passage.section.title  # loaded with the passage


def test_snippet_marks_the_matched_terms(corpus):
    snippet = search_passages("cultural security").hits[0].snippet
    assert re.search(r"<mark>cultural</mark>", snippet, re.IGNORECASE)
    assert re.search(r"<mark>security</mark>", snippet, re.IGNORECASE)


def test_more_relevant_passages_come_first(official_paper):
    section = Section.objects.create(paper=official_paper, key="rank", title="Ranking", ordinal=1)
    once = section.passages.create(
        ordinal=1, text="Power appears once here, among many other words on trade, law, history and diplomacy."
    )
    thrice = section.passages.create(ordinal=2, text="Power, power and again power.")
    assert [hit.passage for hit in search_passages("power ")] == [thrice, once]


def test_a_word_being_typed_matches_as_a_prefix(corpus):
    results = search_passages("infiltr")
    assert results.total >= 5
    assert all("infiltr" in hit.passage.text.lower() for hit in results)
    assert any(re.search(r"<mark>infiltration</mark>", hit.snippet, re.IGNORECASE) for hit in results)


def test_a_finished_word_is_not_a_prefix():
    assert parse_query("infiltr").prefix == "infiltr"
    assert parse_query("infiltr*").prefix == "infiltr"
    assert parse_query("infiltr ").prefix == ""


def test_query_syntax_is_reduced_to_quoted_words():
    parsed = parse_query('text:culture NEAR("soft power") -x OR y^2 "unfinished')
    assert fts5_query(parsed) == (
        '("text" AND "culture" AND "NEAR" AND "soft" AND "power" AND "y" AND "2" AND "unfinished"*) NOT "x"'
    )
    assert fts5_query(parse_query('"soft power" state')) == '"soft power" AND "state"*'


def hostile_passage(paper, text):
    section = Section.objects.create(paper=paper, key="hostile", title="<i>Hostile</i>", ordinal=9)
    return section.passages.create(ordinal=1, text=text)


def without_marks(html):
    return re.sub(r"</?mark>", "", html)


def test_source_text_cannot_inject_markup(official_paper):
    hostile_passage(official_paper, 'Culture <script>alert("x")</script> & <b onmouseover="y">bold</b>.')
    [hit] = search_passages("culture bold").hits
    assert "&lt;script&gt;alert(&quot;x&quot;)" in hit.snippet and "&lt;b onmouseover=&quot;y&quot;&gt;" in hit.snippet
    assert "<mark>" in hit.snippet and "<" not in without_marks(hit.snippet)


def test_source_text_cannot_forge_the_highlight_markers(official_paper):
    hostile_passage(official_paper, "Culture \ue000<script>\ue001 and \ue001</mark>\ue000 again.")
    [hit] = search_passages("culture again").hits
    assert "<" not in without_marks(hit.snippet)
    assert hit.snippet.count("<mark>") == hit.snippet.count("</mark>")


def test_source_text_cannot_inject_markup_into_the_page(client, official_paper):
    hostile_passage(official_paper, 'Culture <script>alert("x")</script>.')
    html = client.get("/search/", {"q": "culture"}).content.decode()
    assert "1 passage matches" in html and "<script>alert(" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    assert "&lt;i&gt;Hostile&lt;/i&gt;" in html


def test_a_query_cannot_inject_markup_into_the_page(client, official_passage):
    html = client.get("/search/", {"q": '"><img src=x onerror=alert(1)> passage'}).content.decode()
    assert "<img" not in html
    assert 'value="&quot;&gt;&lt;img src=x onerror=alert(1)&gt; passage"' in html


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({}, {"official/intro/1", "official/intro/2", "critical/intro/1", "critical/intro/2"}),
        ({"stance": "official"}, {"official/intro/1", "official/intro/2"}),
        ({"paper": "critical"}, {"critical/intro/1", "critical/intro/2"}),
        ({"theme": "definitions"}, {"official/intro/1", "critical/intro/1"}),
        ({"stance": "critical", "theme": "definitions"}, {"critical/intro/1"}),
    ],
)
def test_filters(contrast, filters, expected):
    results = search_passages("passage", **filters)
    assert {hit.passage.key for hit in results} == expected
    assert results.total == len(expected)


def test_the_page_applies_known_filters_and_ignores_unknown_ones(client, contrast):
    def matches(params):
        return re.search(r"(\d+) passages? match", client.get("/search/", {"q": "passage", **params}).content.decode())[
            1
        ]

    assert matches({"stance": "official", "theme": "definitions"}) == "1"
    assert matches({"stance": "neutral", "paper": "nope", "theme": "../x"}) == "4"
    assert matches({"stance": "official", "paper": "nope"}) == "2"


HOSTILE_QUERIES = [
    '"',
    '""',
    '"unbalanced',
    'cultural "security',
    "AND",
    "OR",
    "NOT",
    "culture AND",
    "OR culture",
    "NOT culture",
    "culture NEAR security",
    "NEAR(culture security, 2)",
    "*",
    "culture*",
    "*culture",
    "-culture",
    "culture -security",
    "text:culture",
    "{text}: culture",
    "col:",
    "^culture",
    "culture^2",
    "(culture",
    "culture)",
    "((()))",
    "'",
    "culture'; DROP TABLE readings_passage; --",
    "%_\\",
    "culture & security | !soft <-> power:*",
    "😀",
    "😀 culture 😀",
    "文化软实力",
    "café",
    "!!!???...",
    "",
    "   ",
    "culture\x00security",
    "<script>alert(1)</script>",
    "a" * 10_000,
    "culture " * 500,
]


@pytest.mark.parametrize("query", HOSTILE_QUERIES)
def test_any_input_gives_results_or_none_never_an_error(client, three_passages, query):
    response = client.get("/search/", {"q": query, "stance": query, "paper": query, "theme": query})
    assert response.status_code == 200
    fragment = client.get("/search/", {"q": query}, headers={"HX-Request": "true"})
    assert fragment.status_code == 200
    results = search_passages(query)
    assert results.total >= len(results.hits) >= 0


def test_htmx_request_gets_the_results_fragment(client, official_passage):
    response = client.get("/search/", {"q": "passage"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert b"<html" not in response.content and 'role="search"' not in html
    assert "<mark>passage</mark>" in html
    assert "HX-Request" in response["Vary"]


def test_history_restore_gets_the_whole_page(client, official_passage):
    headers = {"HX-Request": "true", "HX-History-Restore-Request": "true"}
    response = client.get("/search/", {"q": "passage"}, headers=headers)
    assert b"<html" in response.content


def test_plain_request_gets_the_whole_page(client, official_passage):
    response = client.get("/search/", {"q": "passage"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and 'role="search"' in html
    assert '<label for="search-q">' in html
    for name in ("stance", "paper", "theme"):
        assert f'<label for="id_{name}">' in html and f'name="{name}"' in html
    assert "2 passages match" in html
    assert f'href="{official_passage.get_absolute_url()}"' in html
    assert "[An Official Paper]" in html and "Official discourse" in html and "Introduction, paragraph 1" in html


def test_no_results_and_no_query_say_so(client, official_passage):
    assert "No passage matches" in client.get("/search/", {"q": "zyzzyva "}).content.decode()
    assert "Type a word" in client.get("/search/").content.decode()


def test_home_page_has_a_search_box(client, official_passage):
    html = client.get("/").content.decode()
    assert 'action="/search/"' in html and 'role="search"' in html and 'name="q"' in html


def test_index_follows_inserts_updates_and_deletes(official_paper):
    def found(word):
        return [hit.passage.pk for hit in search_passages(f"{word} ")]

    section = Section.objects.create(paper=official_paper, key="sync", title="Sync", ordinal=1)
    passage = section.passages.create(ordinal=1, text="A zyzzyva in the garden.")
    assert found("zyzzyva") == [passage.pk]

    passage.text = "A quokka in the garden."
    passage.save()
    assert found("zyzzyva") == [] and found("quokka") == [passage.pk]

    Passage.objects.filter(pk=passage.pk).update(text="A numbat in the garden.")
    assert found("quokka") == [] and found("numbat") == [passage.pk]

    passage.delete()
    assert found("numbat") == []
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # With rank 1, FTS5 checks its index against the content table row by row.
            cursor.execute("INSERT INTO readings_passage_fts(readings_passage_fts, rank) VALUES ('integrity-check', 1)")


def search_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


@pytest.mark.parametrize("filters", [{}, {"stance": "official", "theme": "definitions"}])
def test_query_count_does_not_grow_with_the_matches(client, contrast, official_paper, filters):
    url = "/search/?" + urlencode({"q": "passage", **filters})
    small = search_queries(client, url)
    section = Section.objects.create(paper=official_paper, key="more", title="More", ordinal=2)
    for ordinal in range(1, 91):
        passage = section.passages.create(ordinal=ordinal, text=f"Another passage, number {ordinal}.")
        contrast.contrast_passages.create(passage=passage, side="official", order=ordinal + 1)
    assert search_passages("passage", **filters).total > 90  # more matches than one page shows
    large = search_queries(client, url)
    assert len(large) == len(small) <= 5  # the paper and theme choices, then at most three to search


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN expression index is PostgreSQL's")
def test_postgresql_search_uses_the_expression_index(official_passage):
    query = postgresql_query(parse_query("passage "))
    matching = filtered_passages().alias(document=EnglishTextVector("text")).filter(document=query)
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = matching.explain()
    assert "readings_passage_text_search" in plan


def test_a_very_broad_query_ranks_a_bounded_window_and_says_so(client, official_passage, monkeypatch):
    import readings.search

    monkeypatch.setattr(readings.search, "RANK_WINDOW", 1)
    results = search_passages("passage")
    assert results.total == 2 and results.capped and len(results.hits) == 1
    html = client.get("/search/", {"q": "passage"}).content.decode()
    assert "More than 1 passages match" in html and "Add words or a filter" in html


@pytest.mark.parametrize(
    "query",
    ["cultural security", "culture", "legitim*", "Confucius OR Xinjiang", '"soft power" -china', "happy", "rise"],
)
def test_excerpts_look_only_at_words_that_may_match_and_miss_none(query):
    texts = [
        "Cultural security, culturally secure: the CULTURE of security. Happiness, happily, unhappy.",
        "Legitimacy and legitimate rule; illegitimate claims. Confucius Institutes in Xinjiang, arising, rise.",
        "Soft power is China's soft-power; the rise of a risen power; sunrise. Culturalism, acculturation.",
        "Cultúral sécurity’s rise — “CULTURE” in Ürümqi; Ⅻ İstanbul risé; the ﬁrst legitimacy: happİness.",
    ]
    parsed = parse_query(query)
    matches = search.matcher(parsed)
    for text in texts:
        tokens = list(search_syntax.WORD.finditer(text))
        every = [i for i, token in enumerate(tokens) if matches(fold(token.group()))]
        assert [i for i in search.candidate_hits(text, tokens, parsed) if matches(fold(tokens[i].group()))] == every


# --- The results cache -------------------------------------------------------------------------


@pytest.fixture
def search_cache(settings):
    settings.READING_ROOM_SEARCH_CACHE = True


def keys(results):
    return [hit.passage.key for hit in results], results.total


def test_a_search_asked_again_is_two_queries_and_the_same_page(
    search_cache, official_passage, django_assert_num_queries
):
    first = search_passages("passage")
    with django_assert_num_queries(2):  # the content version, and the passages kept by key
        again = search_passages("passage")
    assert keys(again) == keys(first) == (["official/intro/1", "official/intro/2"], 2)
    assert [hit.snippet for hit in again] == [hit.snippet for hit in first]
    title = official_passage.paper.title
    with django_assert_num_queries(0):
        assert again.hits[0].passage.paper.title == title  # loaded with it
    assert (again.page.number, again.pages, again.query) == (first.page.number, first.pages, first.query)


def test_an_edit_of_a_passage_is_searched_at_once(search_cache, official_passage):
    assert search_passages("zanzibar").total == 0
    official_passage.text = "Zanzibar now."
    official_passage.save()
    assert keys(search_passages("zanzibar")) == ([official_passage.key], 1)


def test_a_contrast_unpublished_leaves_the_theme_filter_at_once(search_cache, contrast):
    theme = contrast.theme.slug
    assert search_passages("passage", theme=theme).total == 2
    contrast.is_published = False
    contrast.save()
    assert search_passages("passage", theme=theme).total == 0


@pytest.mark.parametrize(
    "other", [{"stance": "critical"}, {"paper": "critical"}, {"theme": "definitions"}, {"page": 2}, {"typing": False}]
)
def test_searches_that_differ_in_anything_are_kept_apart(settings, contrast, other):
    asked = {"query": "passag"} | other
    settings.READING_ROOM_SEARCH_CACHE = False
    expected = keys(search_passages(**asked))
    settings.READING_ROOM_SEARCH_CACHE = True
    search_passages("passag")  # the search without the difference, kept first
    assert keys(search_passages(**asked)) == expected
