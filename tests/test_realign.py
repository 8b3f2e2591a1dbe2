"""Re-cutting a paper's text: passages matched by text, a split's second half taking what is attached
to its words, old permalinks redirected or explained, and re-import keeping all of it."""

import io

import pytest
from django.core.management import call_command

from readings.models import Annotation, ContrastPassage, Passage, PassageRedirect, Section
from readings.realign import NewPassage, NewSection, Origin, align, current_models, realign_paper

FIRST = "First paragraph, which stays as it is."
RUN_TOGETHER = "Second paragraph ends here. Third paragraph begins here and goes on."
HEAD, TAIL = "Second paragraph ends here.", "Third paragraph begins here and goes on."
LAST = "Last paragraph, which moves down one place."


def test_align_keeps_same_texts_and_cuts_a_run_together_paragraph_in_two():
    origins = align([(1, FIRST), (2, RUN_TOGETHER), (3, LAST)], [FIRST, HEAD, TAIL, LAST])
    assert origins == [
        Origin(1, 0, keeps_row=True),
        Origin(2, 0, keeps_row=True),
        Origin(2, len(HEAD) + 1, keeps_row=False),
        Origin(3, 0, keeps_row=True),
    ]


def test_align_keeps_a_revised_passage_and_gives_an_unrelated_one_a_new_row():
    revised = "Last paragraph, which moves down one place. bw.de/stray"
    origins = align([(1, FIRST), (3, revised)], [FIRST, LAST, "Something else altogether, never seen."])
    assert origins[1] == Origin(3, 0, keeps_row=True)
    assert origins[2] == Origin()


def test_align_does_not_match_by_position():
    # The old ¶2 is gone and a new text stands in its place: that is a new passage, not the old row.
    origins = align([(1, FIRST), (2, "A paragraph the new text no longer has at all.")], [FIRST, LAST])
    assert origins[1] == Origin()


@pytest.fixture
def split_paper(critical_paper, official_passage, theme, django_user_model, seminar):
    section = Section.objects.create(paper=critical_paper, key="body", title="Body", ordinal=1)
    passages = [
        Passage.objects.create(section=section, ordinal=i, text=text)
        for i, text in enumerate([FIRST, RUN_TOGETHER, LAST], 1)
    ]
    contrast = theme.contrasts.create(
        order=1, title="Two views", commentary="The critic writes “Third paragraph begins here”.", is_published=True
    )
    contrast.set_sides([official_passage], [passages[1]])
    return critical_paper, passages, contrast


def span(note, passage, words):
    start = passage.text.index(words)
    return note(passage=passage, quote=words, start=start, end=start + len(words))


def split(paper):
    sections = [NewSection("body", "Body", passages=[NewPassage("body", t) for t in (FIRST, HEAD, TAIL, LAST)])]
    return realign_paper(current_models(), paper, sections)


def test_a_split_keeps_rows_moves_notes_with_their_words_and_redirects_old_keys(split_paper, note, student):
    paper, (_first, run_together, last), contrast = split_paper
    whole = note(student, run_together)
    in_head = span(lambda **kw: note(student, **kw), run_together, "paragraph ends")
    in_tail = span(lambda **kw: note(student, **kw), run_together, "begins here")
    reply = note(student, run_together, parent=in_tail)
    across = span(lambda **kw: note(student, **kw), run_together, "here. Third")

    head, tail, moved_last = split(paper)[1:]

    assert (head.pk, moved_last.pk) == (run_together.pk, last.pk)
    assert [p.key for p in (head, tail, moved_last)] == ["critical/body/2", "critical/body/3", "critical/body/4"]
    in_tail.refresh_from_db()
    assert in_tail.passage_id == tail.pk and tail.text[in_tail.start : in_tail.end] == "begins here"
    assert Annotation.objects.get(pk=reply.pk).passage_id == tail.pk
    in_head.refresh_from_db()
    assert in_head.passage_id == head.pk and head.text[in_head.start : in_head.end] == "paragraph ends"
    across.refresh_from_db()
    assert (across.passage_id, across.start, across.end, across.quote) == (head.pk, None, None, "here. Third")
    assert Annotation.objects.get(pk=whole.pk).passage_id == head.pk
    # The contrast's commentary quotes the second half: its side goes there.
    assert ContrastPassage.objects.get(contrast=contrast, side="critical").passage_id == tail.pk
    assert list(PassageRedirect.objects.values_list("section_key", "ordinal", "passage")) == [("body", 3, last.pk)]


def test_realigning_the_same_text_again_changes_nothing(split_paper):
    paper = split_paper[0]
    first = split(paper)
    again = split(paper)
    assert [p.pk for p in again] == [p.pk for p in first]
    assert PassageRedirect.objects.count() == 1


def test_an_old_key_now_held_by_another_passage_shows_where_its_paragraph_went(client, split_paper):
    paper = split_paper[0]
    split(paper)
    response = client.get("/papers/critical/body/3/")
    assert response.status_code == 200
    assert "¶3 of this section was renumbered on" in response.text
    assert 'href="/papers/critical/body/4/"' in response.text
    assert "renumbered" not in client.get("/papers/critical/body/4/").text


@pytest.fixture
def renamed(split_paper):
    paper = split_paper[0]
    split(paper)
    Section.objects.filter(paper=paper).update(title="A Body Renamed")
    sections = [
        NewSection("renamed", "A Body Renamed", passages=[NewPassage("body", t) for t in (FIRST, HEAD, TAIL, LAST)])
    ]
    realign_paper(current_models(), paper, sections)
    return paper


@pytest.mark.parametrize("suffix", ["", "context/", "counterpoints/", "annotations/"])
def test_an_old_key_no_passage_has_redirects_permanently_to_the_new_one(client, renamed, suffix):
    response = client.get(f"/papers/critical/body/2/{suffix}?quote=x")
    assert response.status_code == 301
    assert response["Location"] == f"/papers/critical/renamed/2/{suffix}?quote=x"


def test_an_old_key_held_twice_leads_to_the_passage_that_held_it_last(client, renamed):
    # body/3 was the last paragraph's key before the split and the second half's after it: a key is
    # one redirect, so it leads to its latest holder, and body/4 (the last paragraph's after the split) on.
    assert client.get("/papers/critical/body/3/")["Location"] == "/papers/critical/renamed/3/"
    assert client.get("/papers/critical/body/4/")["Location"] == "/papers/critical/renamed/4/"


def test_an_old_section_key_redirects_to_the_section_now(client, renamed):
    response = client.get("/papers/critical/sections/body/")
    assert (response.status_code, response["Location"]) == (301, "/papers/critical/sections/renamed/")


def test_a_form_posted_to_an_old_key_is_posted_again_to_the_new_one(client, renamed, student):
    client.force_login(student)
    response = client.post("/papers/critical/body/2/annotations/", {"body": "A note."})
    assert (response.status_code, response["Location"]) == (308, "/papers/critical/renamed/2/annotations/")


def test_keys_that_never_existed_are_still_not_found(client, renamed):
    assert client.get("/papers/critical/body/9/").status_code == 404
    assert client.get("/papers/critical/sections/nowhere/").status_code == 404
    assert client.get("/papers/official/body/2/").status_code == 404


def test_the_redirect_lookup_costs_a_constant_number_of_queries(client, renamed, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        client.get("/papers/critical/body/2/")
    PassageRedirect.objects.bulk_create(
        PassageRedirect(paper=renamed, section_key="old", ordinal=i, passage=Passage.objects.first())
        for i in range(1, 200)
    )
    with django_assert_max_num_queries(4):
        client.get("/papers/critical/body/2/")


SOURCE = """ Abstract: This paper studies cultural soft power and what it is said to do for a country.

1. Introduction

Culture is the deep reason of the development of human society and the spiritual foundation of
national survival and development. It is also what this paper studies in some detail here.
{gap}Western countries took cultural infiltration as an important means of international competition.
This kind of infiltration of hegemonic culture brings great threat to the cultural security of
developing countries, as the paper argues at length.

The last paragraph of the paper says what the paper found and what it leaves for later work.
"""


def run_import(path):
    call_command("import_paper", str(path), "--stance", "critical", "--title", "On Security", stdout=io.StringIO())


def test_reimport_of_a_split_paragraph_keeps_annotations_on_their_words(tmp_path, student, note):
    path = tmp_path / "paper.txt"
    path.write_text(SOURCE.format(gap=""), encoding="utf-8")
    run_import(path)
    run_together = Passage.objects.get(section__key="1", ordinal=1)
    last = Passage.objects.get(section__key="1", ordinal=2)
    on_second = span(lambda **kw: note(student, **kw), run_together, "hegemonic culture")
    on_last = span(lambda **kw: note(student, **kw), last, "leaves for later work")

    path.write_text(SOURCE.format(gap="\n"), encoding="utf-8")
    run_import(path)

    texts = list(Passage.objects.filter(section__key="1").order_by("ordinal").values_list("pk", "text"))
    assert [pk for pk, _ in texts][::2] == [run_together.pk, last.pk]
    assert texts[1][1].startswith("Western countries") and texts[0][1].endswith("in some detail here.")
    on_second.refresh_from_db()
    on_last.refresh_from_db()
    assert (
        on_second.passage.ordinal == 2
        and on_second.passage.text[on_second.start : on_second.end] == "hegemonic culture"
    )
    assert on_last.passage_id == last.pk and last.text[on_last.start : on_last.end] == "leaves for later work"
    assert PassageRedirect.objects.get(passage=last).ordinal == 2


@pytest.mark.parametrize(
    ("title", "key"),
    [
        (
            "Opening up a New Mode of Socialist Development with Chinese Characteristics",
            "opening-up-a-new-mode-of-socialist-development-with-chinese",
        ),
        (
            "The Theory of Peaceful Diplomacy has been Recognized by the World.",
            "the-theory-of-peaceful-diplomacy-has-been-recognized",
        ),
        ("A Short Title", "a-short-title"),
        ("W" * 70, "w" * 60),
    ],
)
def test_section_keys_from_long_titles_are_cut_at_a_word_without_a_dangling_small_word(title, key):
    from readings.importer import title_key

    assert title_key(title) == key


def test_the_api_answers_an_old_passage_key_with_a_redirect_too(client, renamed):
    response = client.get("/api/passages/critical/body/2/")
    assert (response.status_code, response["Location"]) == (301, "/api/passages/critical/renamed/2/")
    assert client.get(response["Location"]).json()["key"] == "critical/renamed/2"
    assert client.get("/api/passages/critical/body/9/").status_code == 404
