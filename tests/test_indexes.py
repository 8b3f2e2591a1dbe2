"""The text version, the stored term and counterpoint indexes, and their rebuild off the request path."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.urls import reverse

from readings import counterpoints, term_index
from readings.analysis import store
from readings.models import ContentVersion, Passage, StoredIndex, TextVersion

pytestmark = pytest.mark.django_db

TERMS_URL = reverse("readings:terms")
REFRESHING_TERMS = "the terms are being counted again"
REFRESHING_SUGGESTIONS = "Suggestions are being refreshed"


def build_indexes() -> str:
    out = StringIO()
    call_command("build_indexes", stdout=out)
    return out.getvalue()


def counterpoints_url(passage):
    return reverse("readings:passage-counterpoints", args=[passage.paper.slug, passage.section.key, passage.ordinal])


@pytest.fixture
def two_sides(official_passage, critical_passage):
    """Two passages long enough to be suggested for each other, sharing 'harmony'."""
    official_passage.text = (
        "Harmony abroad: the nation builds harmony through culture, film, music and language teaching."
    )
    official_passage.save()
    critical_passage.text = (
        "Harmony is the word the state gives to control: harmony abroad means silence on rights at home."
    )
    critical_passage.save()
    return official_passage, critical_passage


def edit_elsewhere(passage, text):
    """A text edit committed by another process: no signal reaches this one, the text version does."""
    Passage.objects.filter(pk=passage.pk).update(text=text)
    TextVersion.bump()


# --- The text version ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)  # the version is raised when a transaction commits
def test_theme_contrast_and_annotation_edits_leave_the_text_version(contrast, theme, student, seminar, note):
    text, content = TextVersion.current(), ContentVersion.current()
    theme.introduction = "A new introduction."
    theme.save()
    contrast.commentary = "They differ more."
    contrast.save()
    note(student, contrast.contrast_passages.first().passage, seminar=seminar)
    assert TextVersion.current() == text
    assert ContentVersion.current() > content  # the page cache keeps its own version


@pytest.mark.django_db(transaction=True)
def test_a_passage_edit_raises_the_text_version_once_however_many_rows(official_passage):
    section = official_passage.section
    passages = [  # in autocommit: one raise per save
        official_passage,
        *(Passage.objects.create(section=section, ordinal=n, text=f"Passage {n}.") for n in range(3, 7)),
    ]
    before = TextVersion.current()
    with transaction.atomic():
        for passage in passages:
            passage.text = f"Edited {passage.ordinal}."
            passage.save()
    assert TextVersion.current() == before + 1
    with transaction.atomic():
        Passage.objects.filter(pk__in=[p.pk for p in passages[:3]]).delete()
    assert TextVersion.current() == before + 2


@pytest.mark.django_db(transaction=True)
def test_an_edit_rolled_back_raises_nothing(official_passage):
    def save_then_fail():
        with transaction.atomic():
            official_passage.text = "Never committed."
            official_passage.save()
            raise RuntimeError

    before = TextVersion.current()
    with pytest.raises(RuntimeError):
        save_then_fail()
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            save_then_fail()  # a savepoint rolled back...
        official_passage.paper.save()  # ...and a later change in the same transaction still counts
    assert TextVersion.current() == before + 1


@pytest.mark.django_db(transaction=True)
def test_a_fixture_load_raises_the_text_version_once(official_passage, tmp_path):
    fixture = tmp_path / "passages.json"
    out = StringIO()
    call_command("dumpdata", "readings.paper", "readings.section", "readings.passage", stdout=out)
    fixture.write_text(out.getvalue())
    before = TextVersion.current()
    call_command("loaddata", str(fixture), verbosity=0)
    assert json.loads(out.getvalue())  # several rows...
    assert TextVersion.current() == before + 1  # ...one version


# --- The stored indexes ----------------------------------------------------------------------


def test_build_indexes_stores_both_for_the_current_version_and_keeps_them(two_sides):
    TextVersion.bump()
    version = TextVersion.current()
    assert "built" in build_indexes()
    stored = {row.kind: row for row in StoredIndex.objects.all()}
    assert set(stored) == {"terms", "counterpoints"}
    assert {row.version for row in stored.values()} == {version}
    assert "already stored" in build_indexes()
    assert {row.pk for row in StoredIndex.objects.all()} == {row.pk for row in stored.values()}


def test_a_newer_build_drops_the_older_indexes_and_other_releases(two_sides):
    build_indexes()
    StoredIndex.objects.filter(kind="terms").update(code="built-by-an-older-release")
    TextVersion.bump()
    build_indexes()
    assert set(StoredIndex.objects.values_list("version", "code")) == {
        (TextVersion.current(), store.code_fingerprint())
    }


def test_a_new_worker_loads_the_stored_index_without_building(two_sides, django_assert_num_queries):
    official, _ = two_sides
    build_indexes()
    # Changed without a new version: an index built now would see it, the stored one cannot.
    Passage.objects.filter(pk=official.pk).update(text="Zyzzyva " * 20)
    store.forget()  # a newly started worker
    with django_assert_num_queries(2):  # the text version, and the stored index
        terms = term_index.get_index()
    with django_assert_num_queries(2):  # each kind is loaded when first asked for
        ranking = counterpoints.current_index()
    assert "harmony" in terms.scores
    assert "zyzzyva" not in terms.scores
    assert "zyzzyva" not in ranking.term_weight
    with django_assert_num_queries(1):
        assert term_index.get_index() is terms
    assert terms.source_count == 4  # two passages a side
    # The lines in context are read from the database: the text as it is now, the count as indexed.
    with django_assert_num_queries(2 if connection.vendor == "sqlite" else 4):  # passages a side, one query each
        official_side, _ = terms.kwic_sides(("harmony",), 40)
    assert official_side["lines"]["total"] == 2
    assert official_side["lines"]["shown"] == []  # the edit above took "harmony" out of the text


def test_an_index_stored_by_other_code_is_not_loaded(two_sides):
    build_indexes()
    StoredIndex.objects.update(code="built-by-an-older-release")
    store.forget()
    assert "harmony" in term_index.get_index().scores  # the shipped-size corpus is built again at once
    assert StoredIndex.objects.filter(code=store.code_fingerprint(), kind="terms").exists()


# --- The rebuild, off the request path -------------------------------------------------------


@pytest.fixture
def in_background(settings):
    settings.READING_ROOM_INDEX_REFRESH = "background"
    yield
    store.forget()  # stops a refresher still waiting for the lock
    store.join_refresher(timeout=10)


@pytest.mark.usefixtures("in_background")
def test_a_request_during_a_rebuild_answers_from_the_previous_index(client, two_sides):
    official, critical = two_sides
    build_indexes()
    page = client.get(TERMS_URL, {"term": "harmony"}).content.decode()
    assert REFRESHING_TERMS not in page
    # The worker holds both indexes when the edit comes (loading a stored one is tested above).
    assert (
        REFRESHING_SUGGESTIONS
        not in client.get(counterpoints_url(critical), headers={"HX-Request": "true"}).content.decode()
    )
    edit_elsewhere(official, "Zyzzyva abroad: the nation builds zyzzyva through culture, film, music and teaching.")
    with store.build_lock() as held:  # another worker is rebuilding
        assert held
        terms = client.get(TERMS_URL, {"term": "harmony"})
        fragment = client.get(counterpoints_url(critical), headers={"HX-Request": "true"})
        assert store.status("terms") == store.status("counterpoints") == store.REFRESHING
    assert REFRESHING_TERMS in terms.content.decode()
    assert "“harmony” in context" in terms.content.decode()  # the old texts' lines
    assert REFRESHING_SUGGESTIONS in fragment.content.decode()
    assert official.get_absolute_url() in fragment.content.decode()  # still suggested, from the old wording


@pytest.mark.usefixtures("in_background")
def test_with_nothing_stored_a_large_corpus_is_prepared_in_the_background(client, two_sides, settings):
    settings.READING_ROOM_INDEX_INLINE_PASSAGES = 1
    with store.build_lock():
        terms = client.get(TERMS_URL)
        fragment = client.get(counterpoints_url(two_sides[1]), headers={"HX-Request": "true"})
    assert terms.status_code == fragment.status_code == 200
    assert "being counted for the first time" in terms.content.decode()
    assert "being prepared for the first time" in fragment.content.decode()
    assert not StoredIndex.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("in_background")
def test_the_background_rebuild_stores_and_swaps_in_the_new_index(client, two_sides, settings):
    settings.READING_ROOM_PAGE_CACHE = True
    official, _ = two_sides
    build_indexes()
    assert "harmony" in client.get(TERMS_URL, {"term": "harmony"}).content.decode()
    official.text = "Zyzzyva abroad: the nation builds zyzzyva through culture, film, music and teaching."
    official.save()
    stale = client.get(TERMS_URL, {"term": "zyzzyva"}).content.decode()
    store.join_refresher(timeout=30)
    fresh = client.get(TERMS_URL, {"term": "zyzzyva"}).content.decode()
    assert REFRESHING_TERMS in stale
    assert REFRESHING_TERMS not in fresh  # the stale page was not kept in the page cache
    assert "1 official" in fresh or "zyzzyva</mark>" in fresh
    assert set(StoredIndex.objects.values_list("kind", "version")) == {
        ("terms", TextVersion.current()),
        ("counterpoints", TextVersion.current()),
    }


# --- Query counts ----------------------------------------------------------------------------


def grow(critical_passage, count):
    for ordinal in range(10, 10 + count):
        Passage.objects.create(
            section=critical_passage.section,
            ordinal=ordinal,
            text=f"Harmony is a word of control, passage {ordinal}, repeated through the critical reading.",
        )
    TextVersion.bump()
    build_indexes()
    store.forget()


@pytest.mark.parametrize("grown_by", [0, 40])
def test_the_terms_page_costs_the_same_queries_at_any_size(client, two_sides, grown_by, django_assert_num_queries):
    grow(two_sides[1], grown_by)
    client.get(TERMS_URL, {"term": "abroad"})  # the stored index loaded
    # The text version, and a side's passages that may hold the term, read in chunks by one query
    # (on PostgreSQL one more a side: whether the term is all stop words, which its index leaves out).
    with django_assert_num_queries(3 if connection.vendor == "sqlite" else 5):
        response = client.get(TERMS_URL, {"term": "harmony"})
    assert response.content.decode().count("<mark") >= 2


@pytest.mark.parametrize("grown_by", [0, 40])
def test_the_counterpoints_fragment_costs_the_same_queries_at_any_size(
    client, two_sides, grown_by, django_assert_num_queries
):
    grow(two_sides[1], grown_by)
    url = counterpoints_url(two_sides[0])
    client.get(url, headers={"HX-Request": "true"})
    # The passage and what the page shows around it (three), the text version, the suggested passages,
    # and the contrasts instructors paired it in.
    with django_assert_num_queries(6):
        response = client.get(url, headers={"HX-Request": "true"})
    assert two_sides[1].get_absolute_url() in response.content.decode()


def test_a_ranking_is_computed_once_per_index(two_sides, theme):
    official, critical = two_sides
    first = counterpoints.counterpoints_for(official)
    theme.introduction = "Edited: the page cache is emptied, the texts and their index are not."
    theme.save()

    def ranked_again():
        raise AssertionError("ranked again")

    key = (official.pk, official.text, official.paper.stance, 5)
    remembered = store.remembered(counterpoints.current_index(), key, ranked_again)
    assert [match.pk for match in remembered] == [point.passage.pk for point in first] == [critical.pk]


@pytest.mark.usefixtures("in_background")
def test_an_index_built_at_text_version_zero_is_not_taken_for_the_empty_one(client, two_sides):
    # A database where no transaction has raised the text version yet is at version 0: its index is real.
    TextVersion.objects.all().delete()
    assert TextVersion.current() == 0
    build_indexes()
    client.get(TERMS_URL)
    client.get(counterpoints_url(two_sides[1]), headers={"HX-Request": "true"})
    assert store.status("terms") == store.status("counterpoints") == store.FRESH
