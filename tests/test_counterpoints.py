"""Counterpoints: the ranking on a hand-made corpus, the command, the views, the admin, and the quality on held-out pairs."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings import counterpoints
from readings.counterpoints import Analyzer, CounterpointIndex, Document
from readings.models import Contrast, Passage, Section, Stance, TextVersion, Theme

HTMX = {"HX-Request": "true"}


def official(pk, text, **kwargs):
    return Document(pk, Stance.OFFICIAL, text, **kwargs)


def critical(pk, text, **kwargs):
    return Document(pk, Stance.CRITICAL, text, **kwargs)


def ranked(index, document, top=5):
    return [match.pk for match in index.rank(document.text, document.stance, top=top, exclude=document.pk)]


@pytest.fixture(autouse=True)
def fresh_index():
    counterpoints.forget_index()
    yield
    counterpoints.forget_index()


# The ranking, on a tiny hand-made corpus (no database) -----------------------------------------


def test_terms_are_snowball_stems_and_phrases_without_stop_words_or_citations():
    counts = Analyzer().terms("China\u2019s cultural infiltration (Nye, 2011, p. 4) infiltrates [12] the cultures.")
    assert counts["infiltr"] == 2 and counts["cultur"] == 2 and counts["china"] == 1
    assert counts["cultur infiltr"] == 1 and counts["china cultur"] == 1
    assert "nye" not in counts and "the" not in counts
    # A phrase does not run across a citation or punctuation.
    assert "infiltr infiltr" not in counts and "infiltr cultur" not in counts


def test_only_passages_of_the_other_stance_are_ranked():
    query = official(
        1, "Western cultural infiltration threatens our cultural security and national cohesion in this new era."
    )
    same_stance = official(
        2, "Western cultural infiltration threatens cultural security and national cohesion, as we said before."
    )
    other_stance = critical(
        3, "Chinese analysts describe cultural infiltration as a threat to cultural security and cohesion."
    )
    index = CounterpointIndex([query, same_stance, other_stance])
    assert ranked(index, query) == [3]
    assert set(ranked(index, other_stance)) == {1, 2}


def test_a_shared_phrase_beats_a_shared_common_word():
    query = official(1, "China must protect its cultural security in the age of globalization, as China grows.")
    phrase = critical(2, "Edney reads the official discourse of cultural security as a project of regime security.")
    common = critical(3, "China, China and China again: the country appears in every line written about China.")
    others = [
        critical(n, f"China and its neighbours discuss trade, tourism, sport and much else in report number {n}.")
        for n in range(4, 9)
    ]
    index = CounterpointIndex([query, phrase, common, *others])
    assert ranked(index, query)[0] == 2
    assert index.rank(query.text, query.stance)[0].shared_terms[0] == "cultural security"


def test_references_captions_other_languages_and_short_passages_are_never_suggested():
    query = official(
        1, "Confucius Institutes have spread the Chinese language and Chinese culture widely abroad in recent years."
    )
    body = critical(
        2, "Confucius Institutes are the best known institutions of Chinese cultural diplomacy in the world today."
    )
    excluded = [
        critical(
            3,
            "Liu X. Confucius Institutes and Chinese cultural diplomacy: a great leap outward? London: Routledge, 2019.",
            kind="reference",
        ),
        critical(
            4,
            "Figure 2 Confucius Institutes and Chinese cultural diplomacy across the world, by region and by year",
            kind="caption",
        ),
        critical(
            5,
            "Confucius Institutes and Chinese cultural diplomacy, as the abstract says again in another language",
            language="ru",
        ),
        critical(6, "Confucius Institutes and Chinese cultural diplomacy."),
    ]
    index = CounterpointIndex([query, body, *excluded])
    assert ranked(index, query) == [2]
    # An excluded passage may still ask for its own counterpoints.
    assert ranked(index, excluded[0]) == [1]


def test_unrelated_passages_and_the_passage_itself_are_not_suggested():
    query = critical(
        1, "Regime legitimacy depends on consent, on justification by shared beliefs, and on legality of rule."
    )
    unrelated = official(
        2, "Tourism years were organised with Russia and with many other partner countries across the continent."
    )
    related = official(3, "The legitimacy of the state rests on the consent of the governed people and on the law.")
    index = CounterpointIndex([query, unrelated, related])
    assert ranked(index, query) == [3]


def test_shared_terms_say_why_as_the_passage_writes_them():
    query = official(
        1, "Our Confucius Institutes promote cultural security abroad. Cultural security matters to every nation."
    )
    other = critical(
        2, "The Confucius Institutes and the official discourse of cultural security are both studied in this article."
    )
    unrelated = critical(
        3, "Something else entirely, about trade and tariffs and shipping costs between many ports today."
    )
    index = CounterpointIndex([query, other, unrelated])
    shared = index.rank(query.text, query.stance)[0].shared_terms
    assert "Confucius Institutes" in shared and "cultural security" in shared
    assert "security" not in shared and "Confucius" not in shared  # the phrase stands for its words


def test_a_long_critical_passage_is_not_pushed_down_by_its_length(monkeypatch):
    query_text = (
        "Hostile forces use cultural infiltration to threaten our cultural security and our cultural sovereignty."
    )
    short_text = (
        "Chinese scholars write that cultural infiltration is a threat to the nation and its cultural security."
    )
    long_text = (
        "Chinese scholars write that hostile forces use cultural infiltration to threaten cultural security and"
        " cultural sovereignty. They cite trade rules, films, television dramas, religious activities, foreign"
        " investment, publishing houses, universities, museums, tourism, sport, advertising, fashion, cuisine and"
        " the internet as channels of influence, and they ask the state to guide public opinion and to build"
        " indigenous values in response to globalization."
    )
    filler = [
        f"Trade, tourism, sport and music between many countries were discussed in meeting number {n}."
        for n in range(4, 8)
    ]

    def first_two(asking, answering):
        query = Document(1, asking, query_text)
        others = [Document(n, answering, text) for n, text in enumerate([short_text, long_text, *filler], 2)]
        return ranked(CounterpointIndex([query, *others]), query)[:2]

    # Critical passages are normalised with a pivot: the long one, which says more of what the query says, first.
    assert first_two(Stance.OFFICIAL, Stance.CRITICAL) == [3, 2]
    # Official passages keep plain cosine, which lets the long passage's other matters outweigh that.
    assert first_two(Stance.CRITICAL, Stance.OFFICIAL) == [2, 3]
    monkeypatch.setitem(counterpoints.LENGTH_PIVOT_SLOPE, Stance.CRITICAL.value, 1.0)
    assert first_two(Stance.OFFICIAL, Stance.CRITICAL) == [2, 3]


# The cache and the database ---------------------------------------------------------------------


@pytest.fixture
def small_corpus(infiltration_texts):
    return infiltration_texts


def test_counterpoints_for_a_stored_passage(small_corpus):
    infiltration = Passage.objects.select_related("paper").get(paper__slug="official", section__key="body", ordinal=1)
    found = counterpoints.counterpoints_for(infiltration)
    assert found[0].passage.key == "critical/body/1"
    assert all(point.passage.paper.stance == Stance.CRITICAL for point in found)
    assert "cultural security" in found[0].shared_terms


def test_an_edit_is_seen_by_the_next_ranking(small_corpus):
    query = Passage.objects.select_related("paper").get(paper__slug="official", section__key="body", ordinal=2)
    assert counterpoints.counterpoints_for(query)[0].passage.key == "critical/body/2"
    target = Passage.objects.get(paper__slug="critical", section__key="body", ordinal=3)
    # An edit saved by another process: no signal reaches this one, but the text version it raised does.
    Passage.objects.filter(pk=target.pk).update(
        text="Confucius Institutes teach the Chinese language abroad; Confucius Institutes made an important contribution."
    )
    TextVersion.bump()
    assert counterpoints.counterpoints_for(query)[0].passage.key == "critical/body/3"


def test_suggestions_are_fetched_in_a_constant_number_of_queries(small_corpus, critical_paper):
    passages = list(Passage.objects.select_related("paper").filter(paper__slug="official"))
    counterpoints.current_index()
    with CaptureQueriesContext(connection) as few:
        counterpoints.counterpoints_for_many(passages[:1])
    with CaptureQueriesContext(connection) as many:
        counterpoints.counterpoints_for_many(passages)
    assert len(few) == len(many) == 2  # the fingerprint, and the suggested passages with paper and section


# The command --------------------------------------------------------------------------------------


def test_command_prints_json(corpus, capsys):
    call_command("counterparts", "cultural infiltration as an important MEANS", "--top", "3", "--json")
    out, err = capsys.readouterr()
    records = json.loads(out)
    assert len(records) == 3 and err == ""
    for record in records:
        assert set(record) >= {"key", "paper", "paper_title", "section", "score", "shared_terms", "text"}
        assert record["paper"] in ("edney-2015", "assyl-dauyen-2025")
        assert record["key"].startswith(record["paper"] + "/")
        assert Passage.objects.get_by_natural_key(*record["key"].rsplit("/", 2)).text == record["text"]
    assert [r["score"] for r in records] == sorted((r["score"] for r in records), reverse=True)


def test_command_ignores_case_spacing_and_typographic_quotes(corpus, capsys):
    # The source prints “cultural soft power” with curly quotes and an apostrophe as ’.
    call_command("counterparts", 'improving the soft power of national culture"', "--json")
    records = json.loads(capsys.readouterr().out)
    assert records and all(r["paper"] in ("edney-2015", "assyl-dauyen-2025") for r in records)


def test_command_without_json_is_readable(corpus, capsys):
    call_command("counterparts", "Confucius Institutes in March 2004", "--top", "2")
    out = capsys.readouterr().out
    assert out.startswith("Counterpoints to promoting-cultural-soft-power/")
    assert "shared:" in out and "\n2. " in out


def test_command_says_which_passage_it_took_when_several_contain_the_fragment(corpus, capsys):
    call_command("counterparts", "cultural security", "--json")
    out, err = capsys.readouterr()
    assert "passages contain the fragment; using the first" in err
    assert json.loads(out)


def test_command_refuses_a_fragment_no_passage_contains(corpus):
    with pytest.raises(CommandError, match="No passage contains"):
        call_command("counterparts", "words that appear in no paper at all")


# The reader and the admin -------------------------------------------------------------------------


def counterpoints_url(passage):
    return f"/papers/{passage.paper.slug}/{passage.section.key}/{passage.ordinal}/counterpoints/"


def test_fragment_for_htmx_and_full_page_without(client, small_corpus):
    passage = Passage.objects.get(paper__slug="official", section__key="body", ordinal=1)
    fragment = client.get(counterpoints_url(passage), headers=HTMX)
    assert fragment.status_code == 200
    assert b"<html" not in fragment.content
    assert b'id="counterpoints-' in fragment.content and b"/papers/critical/body/1/" in fragment.content
    assert b"Shared: cultural infiltration, cultural security" in fragment.content
    assert "HX-Request" in fragment["Vary"]
    page = client.get(counterpoints_url(passage))
    assert b"<html" in page.content and b"/papers/critical/body/1/" in page.content
    assert "HX-Request" in page["Vary"]


def test_the_passage_page_lists_counterpoints(client, small_corpus):
    response = client.get("/papers/critical/body/2/")
    assert b"Counterpoints</h2>" in response.content and b"/papers/official/body/2/" in response.content


def test_counterpoints_need_get(client, small_corpus):
    assert client.post("/papers/official/body/1/counterpoints/").status_code == 405


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, headers=HTMX).status_code == 200
    return len(queries)


def test_counterpoints_query_count_does_not_grow(client, small_corpus):
    url = "/papers/official/body/1/counterpoints/"
    query = Passage.objects.get(paper__slug="official", section__key="body", ordinal=1)
    theme = Theme.objects.create(slug="pub", title="Published", question="Q?", order=1, is_published=True)
    Contrast.objects.create(theme=theme, order=1, is_published=True).set_sides(
        [query], [Passage.objects.get(paper__slug="critical", section__key="body", ordinal=1)]
    )
    client.get(url)  # builds the index
    small = queries_for(client, url)
    official_section = Section.objects.get(paper__slug="official", key="body")
    critical_section = Section.objects.get(paper__slug="critical", key="body")
    for n in range(10, 30):
        section = critical_section if n % 2 else official_section
        Passage.objects.create(
            section=section, ordinal=n, text=f"Cultural security and cultural infiltration, note {n}."
        )
    critical_passages = list(Passage.objects.filter(paper__slug="critical"))
    for order in range(2, 7):
        Contrast.objects.create(theme=theme, order=order, is_published=True).set_sides([query], critical_passages)
    client.get(url)
    assert client.get(url, headers=HTMX).content.count(b"Paired in: ") == 6
    assert queries_for(client, url) == small
    assert small <= 8


@pytest.fixture
def many_counterpoints(official_paper, critical_paper):
    """One official passage and twelve critical passages that all share its wording, less and less."""
    o = Section.objects.create(paper=official_paper, key="body", title="Body", ordinal=1)
    c = Section.objects.create(paper=critical_paper, key="body", title="Body", ordinal=1)
    words = "cultural security sovereignty infiltration ideology legitimacy propaganda heritage tradition identity"
    query = Passage.objects.create(section=o, ordinal=1, text=f"The official view of {words} in a new era.")
    vocabulary = words.split()
    for n in range(1, 13):
        shared = " ".join(vocabulary[: max(1, 11 - n)])
        Passage.objects.create(
            section=c, ordinal=n, text=f"Critics number {n} discuss {shared} at length, among other matters of the day."
        )
    return query


def test_ten_suggestions_five_shown_five_behind_a_disclosure(client, many_counterpoints):
    page = client.get(counterpoints_url(many_counterpoints), headers=HTMX).content.decode()
    shown, more = page.split('<details class="counterpoint-more">')
    assert shown.count('<li class="counterpoint ') == 5
    assert more.count('<li class="counterpoint ') == 5
    assert "<summary>5 more suggestions</summary>" in more and '<ol class="counterpoint-list" start="6">' in more
    assert "/papers/critical/body/1/" in shown and "/papers/critical/body/6/" in more
    assert page.count("Shared: ") == 10


def test_few_suggestions_have_no_disclosure(client, small_corpus):
    page = client.get("/papers/official/body/1/counterpoints/", headers=HTMX).content.decode()
    assert "counterpoint-more" not in page


def test_curated_pairs_are_shown_apart_from_the_suggestions(client, small_corpus, seminar):
    query = Passage.objects.get(paper__slug="official", section__key="body", ordinal=1)
    answer = Passage.objects.get(paper__slug="critical", section__key="body", ordinal=3)
    published = Theme.objects.create(slug="pub", title="Published theme", question="Q?", order=1, is_published=True)
    draft = Theme.objects.create(slug="draft", title="Draft theme", question="Q?", order=2)
    own = Theme.objects.create(
        slug="own", title="Seminar theme", question="Q?", order=3, is_published=True, seminar=seminar
    )
    Contrast.objects.create(theme=published, order=2, title="Shown", is_published=True).set_sides([query], [answer])
    Contrast.objects.create(theme=published, order=3, title="Draft contrast").set_sides([query], [answer])
    Contrast.objects.create(theme=draft, order=1, is_published=True).set_sides([query], [answer])
    Contrast.objects.create(theme=own, order=1, is_published=True).set_sides([query], [answer])
    page = client.get(counterpoints_url(query), headers=HTMX).content.decode()
    assert "Paired by instructors" in page and "Curated, not computed" in page
    assert page.count("Paired in: ") == 1
    assert (
        'href="/themes/pub/contrasts/2/">Published theme, contrast 2</a> (Shown), with <a href="/papers/critical/body/3/">'
        in page
    )
    assert "Draft" not in page and "Seminar theme" not in page
    # The computed list stays computed: the curated answer shares no wording, so is not suggested.
    suggested = page.split("Suggested from the texts")[1]
    assert "/papers/critical/body/1/" in suggested and "/papers/critical/body/3/" not in suggested
    # And from the other side.
    other_side = client.get(counterpoints_url(answer), headers=HTMX).content.decode()
    assert 'Published theme, contrast 2</a> (Shown), with <a href="/papers/official/body/1/">' in other_side


def test_no_curated_section_without_published_pairs(client, small_corpus):
    page = client.get("/papers/official/body/1/counterpoints/", headers=HTMX).content.decode()
    assert "Paired by instructors" not in page


def test_reader_links_open_counterpoints_in_place(client, contrast, official_passage):
    url = counterpoints_url(official_passage)
    theme_page = client.get(contrast.theme.get_absolute_url()).content.decode()
    assert f'href="{url}" hx-get="{url}" hx-target="#panel-c1-p{official_passage.pk}"' in theme_page
    paper_page = client.get("/papers/official/").content.decode()
    assert f'hx-get="{url}" hx-target="#panel-p{official_passage.pk}"' in paper_page
    assert f'id="panel-p{official_passage.pk}"' in paper_page


def test_admin_contrast_page_suggests_counterpoints(client, admin_user_, small_corpus, theme):
    query = Passage.objects.get(paper__slug="official", section__key="body", ordinal=1)
    answer = Passage.objects.get(paper__slug="critical", section__key="body", ordinal=1)
    contrast = Contrast.objects.create(theme=theme, order=1, title="Infiltration", is_published=True)
    contrast.set_sides([query], [answer])
    client.force_login(admin_user_)
    page = client.get(f"/admin/readings/contrast/{contrast.pk}/change/").content.decode()
    assert "Suggested counterpoints" in page
    assert f"For {query.key}" in page and f"{answer.key}</a> (passage #{answer.pk}" in page
    assert f"For {answer.key}" in page and f"{query.key}</a> (passage #{query.pk}" in page  # and the other way round
    assert page.count("already on this contrast") == 2


def test_admin_add_page_explains_when_suggestions_appear(client, admin_user_):
    client.force_login(admin_user_)
    assert b"Save the contrast with a passage" in client.get("/admin/readings/contrast/add/").content


# Quality on held-out pairs ------------------------------------------------------------------------

# Ten pairs written for this test by reading the texts, before the ranking was built: an official
# passage and the critical passage that most directly answers it. Neither these nor the curated
# contrasts are an input of the ranking; they only measure it.
READER_PAIRS = [
    ("cultural-power-strategy/3-1/2", "assyl-dauyen-2025/literature-review/1"),  # Nye's definition
    (
        "promoting-cultural-soft-power/the-theory-of-peaceful-diplomacy-has-been-recognized/1",
        "assyl-dauyen-2025/results/2",
    ),  # peaceful diplomacy / "peaceful rise" and the China threat
    (
        "promoting-cultural-soft-power/to-strengthen-the-reform-of-the-political-system/2",
        "edney-2015/soft-power-and-cultural-security/2",
    ),  # "oppose bourgeois liberalization" / democracy as a threat
    (
        "promoting-cultural-soft-power/to-strengthen-the-reform-of-the-political-system/3",
        "edney-2015/conclusion/2",
    ),  # no Western political model / the ideological outsider
    (
        "cultural-soft-power-international-communication/4-2/2",
        "edney-2015/national-security-regime-security-and-soft-power/5",
    ),  # political identity / regime legitimacy
    (
        "cultural-soft-power-international-communication/3-1/1",
        "edney-2015/soft-power-and-cultural-security/6",
    ),  # absorbing foreign culture / openness and security
    (
        "cultural-soft-power-international-communication/5/1",
        "edney-2015/soft-power-and-cultural-security/9",
    ),  # inculcating ideology / propaganda campaigns
    (
        "promoting-cultural-soft-power/to-strengthen-independent-innovation-and-to-increase/3",
        "edney-2015/cultural-security-in-china/7",
    ),  # cultural trade deficit / failing to transmit cultural products
    ("cultural-power-strategy/abstract/1", "edney-2015/introduction/1"),  # the Party's programme and the China Dream
    ("cultural-soft-power-international-communication/abstract/1", "edney-2015/abstract/1"),  # national cohesion
]

CHANCE_AT_FIVE = 5 / 86  # five picks among the 86 critical passages that can be suggested


def hit_rate(pairs):
    """The share of (official passage, its critical passages) for which one is in the top five.

    Today's figure on READER_PAIRS is 5 of 10, as it was with the hand-written Porter stemmer and
    with plain cosine (the pivot moves three of the five missed answers up and one down, none across five).
    """
    index = counterpoints.current_index()
    hits = 0
    for query, answers in pairs:
        top = [m.pk for m in index.rank(query.text, query.paper.stance, top=5, exclude=query.pk)]
        hits += bool(set(top) & {a.pk for a in answers})
    return hits / len(pairs)


def test_evaluate_reports_recall_over_the_curated_contrasts(corpus, capsys):
    call_command("counterparts", "--evaluate", "--json")
    official_side, critical_side = json.loads(capsys.readouterr().out)
    # The figures reached (README, "How good are the counterpoints"). The issue aims for 22 of its
    # 59 pairs at five and 0.55 at ten. Plain cosine found 18 and 27 of the 58 pairs of the revised
    # themes; the pivoted length normalisation of critical passages (LENGTH_PIVOT_SLOPE) finds 22
    # and 30, and leaves critical -> official as it was (official passages keep cosine). Under
    # leave-one-theme-out, the slope chosen on the other nine themes scores 22 and 30 on the
    # held-out ones. Other ideas (BM25, heavier phrases, headings, neighbours, best sentence,
    # hubness correction, section priors, pseudo-relevance feedback, per-stance IDF) moved these by
    # one to four pairs either way, within noise, so none was kept. Splitting Edney's three
    # run-together paragraphs (issue 14) gave one contrast a second critical passage (51 pairs).
    assert (official_side["query_side"], official_side["pairs"]) == ("official", 58)
    assert (official_side["found_at_5"], official_side["found_at_10"]) == (22, 30)
    assert (critical_side["query_side"], critical_side["pairs"]) == ("critical", 51)
    assert (critical_side["found_at_5"], critical_side["found_at_10"]) == (15, 25)
    assert official_side["found_at_5"] / 58 >= 5 * CHANCE_AT_FIVE


def test_evaluate_prints_a_readable_summary(small_corpus, capsys):
    query = Passage.objects.get(paper__slug="official", section__key="body", ordinal=1)
    answer = Passage.objects.get(paper__slug="critical", section__key="body", ordinal=1)
    theme = Theme.objects.create(slug="t", title="T", question="Q?", order=1)
    Contrast.objects.create(theme=theme, order=1).set_sides([query], [answer])
    call_command("counterparts", "--evaluate")
    out = capsys.readouterr().out
    assert "official -> critical: recall@5 1/1 (100%), recall@10 1/1 (100%)" in out
    assert "critical -> official: recall@5 1/1 (100%)" in out


def test_evaluate_takes_no_fragment_and_a_look_up_needs_one(small_corpus):
    with pytest.raises(CommandError, match="no FRAGMENT"):
        call_command("counterparts", "cultural", "--evaluate")
    with pytest.raises(CommandError, match="Give some words"):
        call_command("counterparts")


def test_curation_is_not_an_input_of_the_ranking(small_corpus):
    query = Passage.objects.select_related("paper").get(paper__slug="official", section__key="body", ordinal=2)
    before = [(p.passage.pk, p.score) for p in counterpoints.counterpoints_for(query, top=10)]
    far = Passage.objects.get(paper__slug="critical", section__key="body", ordinal=3)
    theme = Theme.objects.create(slug="t", title="T", question="Q?", order=1, is_published=True)
    Contrast.objects.create(theme=theme, order=1, is_published=True).set_sides([query], [far])
    assert [(p.passage.pk, p.score) for p in counterpoints.counterpoints_for(query, top=10)] == before


def test_quality_on_the_reader_pairs(corpus):
    by_key = {p.key: p for p in Passage.objects.with_context()}
    pairs = [(by_key[query], [by_key[answer]]) for query, answer in READER_PAIRS]
    rate = hit_rate(pairs)
    print(f"\nreader pairs: critical counterpart in the top five for {rate:.0%} of {len(pairs)}")
    assert rate >= 0.5
