"""The term contrast: tokens, the informative-Dirichlet log-odds, keyword in context, and the /terms/ page."""

import math
import re
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings import term_index
from readings.analysis.tokens import tokenize as tokenise
from readings.models import EditorialNote, Passage, Section, TextVersion
from readings.terms import count_terms, kwic, log_odds, parse_term, terms, top_terms

TERMS_URL = reverse("readings:terms")


@pytest.fixture(autouse=True)
def fresh_index():
    # Test databases roll back and reuse primary keys, so an index kept from another test
    # could carry the same version; each test starts from none.
    term_index.clear()
    yield
    term_index.clear()


# --- The statistic, by hand -------------------------------------------------------------------

# A corpus of two sides:
#   official (i): "peace peace culture"                    y^i: peace 2, culture 1            n^i = 3
#   critical (j): "culture culture security security security"  y^j: culture 2, security 3   n^j = 5
# Whole corpus: peace 2, culture 3, security 3, n = 8.
OFFICIAL = Counter(peace=2, culture=1)
CRITICAL = Counter(culture=2, security=3)


def test_log_odds_by_hand_with_prior_equal_to_corpus_counts():
    # α0 = 8 = n, so α_w = α0 · y_w / n = y_w: α_peace = 2, α_culture = 3, α_security = 3.
    scores = log_odds(OFFICIAL, CRITICAL, alpha0=8)

    # peace: y^i = 2, y^j = 0, α = 2
    #   δ̂ = log((2+2)/(3+8−2−2)) − log((0+2)/(5+8−0−2)) = log(4/7) − log(2/11) = log(22/7) = 1.145132
    #   σ² = 1/(2+2) + 1/(0+2) = 0.25 + 0.5 = 0.75
    #   z = 1.145132 / √0.75 = 1.145132 / 0.866025 = 1.322285
    peace = scores["peace"]
    assert (peace.count_i, peace.count_j) == (2, 0)
    assert peace.delta == pytest.approx(math.log(22 / 7)) == pytest.approx(1.145132, abs=1e-6)
    assert peace.variance == pytest.approx(0.75)
    assert peace.z == pytest.approx(1.322285, abs=1e-6)

    # culture: y^i = 1, y^j = 2, α = 3
    #   δ̂ = log((1+3)/(3+8−1−3)) − log((2+3)/(5+8−2−3)) = log(4/7) − log(5/8) = log(32/35) = −0.089612
    #   σ² = 1/4 + 1/5 = 0.45
    #   z = −0.089612 / √0.45 = −0.089612 / 0.670820 = −0.133586
    culture = scores["culture"]
    assert culture.delta == pytest.approx(math.log(32 / 35)) == pytest.approx(-0.089612, abs=1e-6)
    assert culture.variance == pytest.approx(0.45)
    assert culture.z == pytest.approx(-0.133586, abs=1e-6)

    # security: y^i = 0, y^j = 3, α = 3
    #   δ̂ = log((0+3)/(3+8−0−3)) − log((3+3)/(5+8−3−3)) = log(3/8) − log(6/7) = log(7/16) = −0.826679
    #   σ² = 1/3 + 1/6 = 0.5
    #   z = −0.826679 / √0.5 = −0.826679 / 0.707107 = −1.169100
    security = scores["security"]
    assert security.delta == pytest.approx(math.log(7 / 16)) == pytest.approx(-0.826679, abs=1e-6)
    assert security.variance == pytest.approx(0.5)
    assert security.z == pytest.approx(-1.169100, abs=1e-6)
    assert (peace.side, security.side) == ("official", "critical")


def test_log_odds_by_hand_with_a_weaker_prior():
    # α0 = 4: α_w = 4 · y_w / 8 = y_w / 2, so α_peace = 1.
    # peace: δ̂ = log((2+1)/(3+4−2−1)) − log((0+1)/(5+4−0−1)) = log(3/4) − log(1/8) = log 6 = 1.791759
    #        σ² = 1/3 + 1/1 = 1.333333;  z = 1.791759 / 1.154701 = 1.551709
    peace = log_odds(OFFICIAL, CRITICAL, alpha0=4)["peace"]
    assert peace.delta == pytest.approx(math.log(6))
    assert peace.variance == pytest.approx(4 / 3)
    assert peace.z == pytest.approx(1.551709, abs=1e-6)


def test_the_prior_can_come_from_a_background_corpus():
    # Background: peace 1, culture 1, security 2 (total 4), α0 = 8: α_peace = 2 as before.
    scores = log_odds(OFFICIAL, CRITICAL, prior={"peace": 1, "culture": 1, "security": 2}, alpha0=8)
    assert scores["peace"].z == pytest.approx(1.322285, abs=1e-6)
    # security now has α = 4: δ̂ = log(4/(11−4)) − log(7/(13−7)) = log(4/7) − log(7/6) = log(24/49)
    assert scores["security"].delta == pytest.approx(math.log(24 / 49))


def test_terms_of_equal_use_score_zero_and_empty_input_scores_nothing():
    same = log_odds(Counter(a=2, b=3), Counter(a=4, b=6))
    assert same["a"].delta == pytest.approx(0) and same["a"].z == pytest.approx(0)
    assert log_odds(Counter(), Counter()) == {}


# --- Tokens and keyword in context -----------------------------------------------------------


def test_tokenise_lowercases_words_and_keeps_where_they_stand():
    text = "China’s cultural soft-power [12] grew in 2015, they don't say."
    tokens = tokenise(text)
    assert [t.word for t in tokens] == ["china's", "cultural", "soft", "power", "grew", "in", "they", "don't", "say"]
    assert text[tokens[0].start : tokens[0].end] == "China’s"


def test_bigrams_join_words_across_spaces_and_hyphens_only():
    words, pairs = terms("Cultural soft-power [12] grew, in 2015 markets.")
    assert words == ["cultural", "soft", "power", "grew", "in", "markets"]
    # Not "power grew" (a citation marker between), "grew in" (a comma), "in markets" (a number).
    assert pairs == ["cultural soft", "soft power"]


def test_count_terms_adds_up_over_texts():
    unigrams, bigrams = count_terms(["Cultural security.", "cultural security and cultural power"])
    assert unigrams["cultural"] == 3 and bigrams["cultural security"] == 2 and bigrams["cultural power"] == 1


def test_top_terms_hides_stop_words_but_counts_them():
    scores = log_odds(Counter({"the": 50, "peace": 9, "of the": 9}), Counter({"the": 5, "security": 9}))
    assert [s.term for s in top_terms(scores.values(), "official", 5)] == ["peace"]
    assert [s.term for s in top_terms(scores.values(), "critical", 5)] == ["security"]


def test_kwic_gives_context_either_side_and_the_matched_words_as_printed():
    text = "We must protect national Cultural Security now. Cultural-security matters; cultural, security does not."
    lines = kwic(["cultural", "security"], [("p1", text)], width=20)
    assert [line.match for line in lines] == ["Cultural Security", "Cultural-security"]
    first = lines[0]
    assert first.source == "p1"
    assert first.left == "…protect national "
    assert first.right == " now.…"
    assert lines[1].right.startswith(" matters;")


def test_kwic_of_nothing_or_an_absent_word_is_empty():
    assert kwic([], [("p", "text")]) == []
    assert kwic(["zebra"], [("p", "no such word here")]) == []


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("Cultural  Security", ("cultural", "security")),
        ("<script>alert(1)</script>", ()),  # three words: script alert script
        ("soft-power", ("soft", "power")),
        ("2015 [12]", ()),
        ("", ()),
    ],
)
def test_parse_term_normalises_as_the_counts_do(value, words):
    assert parse_term(value, max_words=2) == words


# --- The corpus as counted -------------------------------------------------------------------


def add_passage(section, ordinal, text, **fields):
    return Passage.objects.create(section=section, ordinal=ordinal, text=text, **fields)


def test_references_captions_and_other_languages_are_not_counted(official_passage, critical_passage):
    section = critical_passage.section
    add_passage(section, 10, "Zanzibar reference entry.", kind=Passage.Kind.REFERENCE)
    add_passage(section, 11, "Figure 1 Zanzibar caption", kind=Passage.Kind.CAPTION)
    add_passage(section, 12, "Занзибар zanzibar", lang="kk")
    other = Section.objects.create(
        paper=critical_passage.paper, key="аннотация", title="Аннотация", ordinal=2, lang="ru"
    )
    add_passage(other, 1, "zanzibar in a Russian section")
    add_passage(section, 13, "Quoted zanzibar in the body.")
    index = term_index.get_index()
    assert index.scores["zanzibar"].count_j == 1
    critical_lines = index.kwic_sides(("zanzibar",), 40)[1]["lines"]["shown"]
    assert [line.source.key for line in critical_lines] == ["critical/intro/13"]


# --- Lines in context, read from the database --------------------------------------------------


def lines_of(term, stance="critical", limit=40):
    words = parse_term(term, 3)
    return term_index.get_index().kwic_sides(words, limit)[0 if stance == "official" else 1]["lines"]


def test_a_common_term_shows_its_first_lines_in_reading_order_and_counts_them_all(critical_passage):
    for ordinal in range(10, 70):
        add_passage(critical_passage.section, ordinal, f"Harmony {ordinal} and harmony again.")
    lines = lines_of("harmony", limit=5)
    assert lines["total"] == 120  # from the index's counts: the passages past the fifth line are not read
    assert [line.source.ordinal for line in lines["shown"]] == [10, 10, 11, 11, 12]
    assert lines["truncated"] and not lines["at_least"]


def test_the_lines_match_words_as_written_not_their_stems_or_parts(official_passage, critical_passage):
    add_passage(critical_passage.section, 10, "China’s harmonious world: a harmony of harmonies, not Harmony-lite.")
    add_passage(critical_passage.section, 11, "An unharmonious decade.")
    assert [line.match for line in lines_of("harmony")["shown"]] == ["harmony", "Harmony"]
    assert [line.match for line in lines_of("china's")["shown"]] == ["China’s"]
    assert lines_of("harmony lite")["shown"][0].match == "Harmony-lite"
    assert lines_of("harmony", stance="official") == {"total": 0, "shown": [], "truncated": False, "at_least": False}


def test_a_phrase_of_stop_words_finds_its_lines(critical_passage):
    # PostgreSQL's full-text index leaves such words out: the passages are then read as they come.
    add_passage(critical_passage.section, 10, "The rise of the state, and of the party.")
    assert [line.match for line in lines_of("of the")["shown"]] == ["of the", "of the"]


def test_a_three_word_term_is_counted_over_a_bounded_number_of_passages(critical_passage, monkeypatch):
    for ordinal in range(10, 16):
        add_passage(critical_passage.section, ordinal, "The peaceful rise of China, and the peaceful rise of China.")
    assert lines_of("peaceful rise of")["total"] == 12  # three words: not in the index's counts
    monkeypatch.setattr(term_index, "KWIC_SCAN_LIMIT", 4)
    lines = lines_of("peaceful rise of", limit=3)
    assert (lines["total"], len(lines["shown"]), lines["truncated"], lines["at_least"]) == (8, 3, True, True)


def test_a_floor_is_said_to_be_one(client, critical_passage, monkeypatch):
    for ordinal in range(10, 16):
        add_passage(critical_passage.section, ordinal, "The peaceful rise of China.")
    monkeypatch.setattr(term_index, "KWIC_SCAN_LIMIT", 4)
    page = client.get(TERMS_URL, {"term": "peaceful rise of"}).content.decode()
    assert "At least 4 lines" in page


@pytest.mark.django_db(transaction=True)  # the text version is raised when the edit commits
def test_the_index_is_rebuilt_when_a_passage_changes(official_passage, critical_passage):
    assert "harmony" not in term_index.get_index().scores
    official_passage.text = "Harmony and harmony."
    official_passage.save()
    assert term_index.get_index().scores["harmony"].count_i == 2


def test_the_version_moves_with_a_correction_made_elsewhere(official_passage):
    # Another process's correction is seen through the text version it raised on commit.
    before = term_index.current_version()
    Passage.objects.filter(pk=official_passage.pk).update(text="Corrected elsewhere.")
    TextVersion.bump()
    assert term_index.current_version() == before + 1


@pytest.mark.django_db(transaction=True)
def test_an_editorial_note_leaves_the_term_index_alone(official_passage):
    before = term_index.current_version()
    EditorialNote.objects.create(
        paper=official_passage.paper, passage=official_passage, kind="correction", note="Fixed."
    )
    assert term_index.current_version() == before


# --- The page --------------------------------------------------------------------------------


def test_terms_page_draws_the_chart_with_links_and_a_table(client, corpus):
    response = client.get(TERMS_URL)
    assert response.status_code == 200
    html = response.content.decode()
    official, critical = re.findall(r'<svg class="term-panel \w+".*?</svg>', html, re.S)
    assert 'class="term-panel official"' in official and 'class="term-panel critical"' in critical
    assert official.count('<a href="/terms/?term=') == critical.count('<a href="/terms/?term=') == 20
    link = '<a href="/terms/?term=cultural+security#kwic" hx-get="/terms/?term=cultural+security" hx-target="#kwic"'
    assert link in critical and link not in official
    assert "<title>cultural security: 5 official, 62 critical; z -4.7</title>" in critical
    assert 'hx-push-url="true"' in official
    table = html[html.index('<table class="term-table"') : html.index("</table>")]
    assert table.count("<tr class=") == 40
    assert ">cultural security</a>" in table
    assert "HX-Request" in response["Vary"]
    assert "No lines" not in html


def test_the_top_terms_lean_the_way_the_seminar_expects(corpus):
    index = term_index.get_index()
    official = [s.term for s in index.top("official", 20)]
    critical = [s.term for s in index.top("critical", 20)]
    assert {"development", "culture", "innovation"} <= set(official)
    assert {"security", "cultural diplomacy", "cultural security", "regime", "legitimacy"} <= set(critical)


def test_a_term_adds_lines_from_both_sides_to_the_full_page(client, corpus):
    response = client.get(TERMS_URL, {"term": "cultural security"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" in html and "<svg" in html
    assert "“cultural security” in context" in html
    official, critical = response.context["sides"]
    assert official["lines"]["total"] == 5 and critical["lines"]["total"] == 62
    assert critical["lines"]["truncated"] and len(critical["lines"]["shown"]) == 40
    first = official["lines"]["shown"][0]
    assert f'<a href="{first.source.url}">' in html
    assert "<mark>cultural security</mark>" in html


def test_htmx_gets_only_the_lines(client, corpus):
    response = client.get(TERMS_URL, {"term": "regime"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html and "<svg" not in html
    assert html.lstrip().startswith('<div class="kwic-body"')
    assert "data-announce=" in html and "/papers/edney-2015/" in html
    assert "HX-Request" in response["Vary"]


@pytest.mark.parametrize(
    "value",
    [
        "<script>alert(1)</script>",
        "x" * 200,  # past the 80 characters read (kept short of the page cache's key limit)
        "\x00",
        "%",
        "one two three four five",
        "' OR 1=1 --",
        "   ",
        "日本語",
        "2015",
    ],
)
def test_hostile_terms_get_no_lines_never_an_error(client, official_passage, critical_passage, value):
    for headers in ({}, {"HX-Request": "true"}):
        response = client.get(TERMS_URL, {"term": value}, headers=headers)
        assert response.status_code == 200
        html = response.content.decode()
        assert "<script>alert" not in html
        blank = not value.replace("\x00", "").strip()  # nothing asked: the hint instead
        assert ("Choose a term" if blank else "No lines") in html
        assert "x" * 81 not in html  # the term is read, and echoed, to 80 characters at most


def test_unknown_words_get_no_lines_on_either_side(client, official_passage, critical_passage):
    response = client.get(TERMS_URL, {"term": "zebra"})
    assert response.content.decode().count("No lines.") == 2


def page_queries(client, **params):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(TERMS_URL, params).status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_however_large_the_corpus(client, official_passage, critical_passage):
    # Each request asks for another term, so that no page comes from the page cache; each
    # corpus is indexed by the command, and read by a new worker that loads what it stored.
    call_command("build_indexes", stdout=StringIO())
    term_index.clear()
    # Terms on both sides: each side's lines are one query, made only for a side the term is on.
    small_cold = page_queries(client, term="passage")
    small = page_queries(client, term="paper")
    for ordinal in range(10, 60):
        for side in (official_passage, critical_passage):
            add_passage(side.section, ordinal, f"Cultural security passage number {ordinal}.")
    TextVersion.bump()  # as the commit would
    call_command("build_indexes", stdout=StringIO())
    term_index.clear()
    grown_cold = page_queries(client, term="security")
    grown = page_queries(client, term="cultural")
    assert small_cold == grown_cold == small + 1  # the stored index
    assert small == grown
