"""The text and structure fixes of issue 14, pinned on the shipped corpus as readers see it."""

import pytest

from readings.models import EditorialNote, Passage, Section

pytestmark = pytest.mark.django_db

NATIONAL = "edney-2015/national-security-regime-security-and-soft-power"
CULTURAL = "edney-2015/cultural-security-in-china"


def at(key):
    paper, section, ordinal = key.rsplit("/", 2)
    return Passage.objects.get(paper__slug=paper, section__key=section, ordinal=int(ordinal))


@pytest.mark.parametrize(
    ("first", "ends", "begins"),
    [
        (f"{NATIONAL}/6", "the shared goal of national ‘rejuvenation’.", "Although national cohesion is a concept"),
        (f"{NATIONAL}/9", "by moral example and persuasion’.", "Soft power is also relevant"),
        (f"{CULTURAL}/3", "a concept such as cultural security.", "The Sixth Plenum"),
    ],
)
def test_edneys_run_together_paragraphs_are_two_paragraphs(corpus, first, ends, begins):
    paper, section, ordinal = first.rsplit("/", 2)
    second = at(f"{paper}/{section}/{int(ordinal) + 1}")
    assert at(first).text.endswith(ends)
    assert second.text.startswith(begins)


def test_the_one_break_the_extraction_does_not_show_is_the_editors_with_a_note(corpus):
    note = at(f"{NATIONAL}/7").editorial_notes.get()
    assert note.kind == EditorialNote.Kind.STRUCTURE and note.note.startswith("Paragraph break made by the editor")


def test_edneys_repair_note_calls_line_joins_line_wraps_not_page_breaks(corpus):
    note = EditorialNote.objects.get(paper__slug="edney-2015", kind="repair").note
    assert "line wraps of a double-spaced extraction" in note
    assert "389 paragraphs cut by page breaks" not in note


def test_reference_6_has_its_own_address_and_a_note_saying_what_was_wrong(corpus):
    reference = at("assyl-dauyen-2025/references/6")
    assert reference.text.endswith(
        "URL: https://opus.bsz-bw.de/ifa/frontdoor/deliver/index/docId/959/file/"
        "ifa-2023_zapata_china-cd-multilateralism_EN.pdf (accessed on: 09.04.2025)"
    )
    assert "joffe" not in reference.text and " bw.de/" not in reference.text
    note = reference.editorial_notes.get()
    assert note.kind == EditorialNote.Kind.CORRECTION and "bw.de/" in note.original


@pytest.mark.parametrize(("key", "title"), [("аңдатпа", "XXI ҒАСЫРДАҒЫ"), ("аннотация", "КУЛЬТУРНАЯ ДИПЛОМАТИЯ")])
def test_abstract_front_matter_is_not_passages_but_shown_with_a_note(corpus, client, key, title):
    section = Section.objects.get(paper__slug="assyl-dauyen-2025", key=key)
    assert section.front_matter.startswith(title) and len(section.front_matter.splitlines()) == 3
    assert not section.passages.filter(text__startswith=title[:10]).exists()
    assert section.passages.count() == 2
    assert section.editorial_notes.get().note.startswith("The source prints this title")
    page = client.get("/papers/assyl-dauyen-2025/").text
    assert page.index('class="front-matter"') < page.index(f'id="p-{key}-1"')


def test_the_task_list_of_004s_introduction_is_one_list_of_four_items(corpus, client):
    items = Passage.objects.filter(paper__slug="assyl-dauyen-2025", section__key="introduction", kind="item")
    assert list(items.values_list("ordinal", flat=True)) == [9, 10, 11, 12]
    for url in ("/papers/assyl-dauyen-2025/", "/papers/assyl-dauyen-2025/sections/introduction/"):
        page = client.get(url).text
        assert page.count('<ul class="passage-list">') == 1
        start = page.index('<ul class="passage-list">')
        assert page[start : page.index("</ul>", start)].count('<li class="passage kind-item"') == 4


def test_figure_2s_words_end_without_the_stray_equals_sign_and_a_note_says_so(corpus):
    figure = at("cultural-soft-power-international-communication/3-2/2")
    assert figure.text.startswith("Figure 2") and not figure.figure_text.rstrip().endswith("=")
    note = figure.editorial_notes.get(kind=EditorialNote.Kind.CORRECTION)
    assert note.original.endswith("\n=")


def test_what_the_table_note_says_the_source_reads_keeps_the_extractions_lines(corpus, client):
    table = Passage.objects.get(paper__slug="cultural-soft-power-international-communication", kind="table")
    page = client.get(table.get_absolute_url()).text
    assert "Source reads: <q>Tier 1 Indicators\nSecondary Indicators\n" in page


@pytest.mark.parametrize(
    ("slug", "words"),
    [
        ("edney-2015", "the article’s bibliography is not in it"),
        ("cultural-soft-power-international-communication", "[1]–[15] point to cannot be given here"),
    ],
)
def test_papers_whose_reference_list_is_missing_say_so(corpus, client, slug, words):
    assert words in client.get(f"/papers/{slug}/").text


def test_the_note_on_edneys_supplied_heading_sits_under_the_heading(corpus, client):
    page = client.get("/papers/edney-2015/").text
    heading = page.index('id="introduction-heading"')
    note = page.index("The opening section has no heading in the source")
    assert heading < note < page.index('id="p-introduction-1"')
    assert not at("edney-2015/introduction/1").editorial_notes.exists()


def test_section_keys_from_long_titles_are_cut_at_a_word(corpus):
    keys = list(Section.objects.filter(paper__slug="promoting-cultural-soft-power").values_list("key", flat=True))
    assert "opening-up-a-new-mode-of-socialist-development-with-chinese" in keys
    assert all(len(key) <= 60 and not key.endswith("-") for key in keys)
    assert "actively-carry-out-activities-to-publish-chinese-culture" in keys  # not "…-culture-abr"
