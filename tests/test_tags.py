"""Tags: typed in a Tags field on the annotation and edit forms, kept as Tag rows, shown as links."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.forms import TagsField
from readings.models import Annotation, Tag

pytestmark = pytest.mark.django_db


def annotations_url(passage):
    return f"{passage.get_absolute_url()}annotations/"


def test_tags_are_words_lowered_sorted_and_deduplicated():
    assert TagsField().clean("Soft-Power, framing  framing,2015") == ["2015", "framing", "soft-power"]
    assert TagsField().clean("  ") == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("a" * 41, "at most 40 characters"),
        ("soft_power", "is not a tag"),
        ("#framing", "is not a tag"),
        ("-framing", "is not a tag"),
        ("soft--power", "is not a tag"),
        ("café", "is not a tag"),
        ("<script>alert(1)</script>", "is not a tag"),
        (" ".join(f"t{i}" for i in range(11)), "Too many tags: at most 10"),
        ("a " * 300, "Too many tags"),
    ],
)
def test_bad_tags_are_a_form_error_and_nothing_is_saved(client, student, official_passage, typed, message):
    client.force_login(student)
    response = client.post(
        annotations_url(official_passage), {"body": "A note.", "visibility": "private", "tags": typed}
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Annotation.objects.exists() and not Tag.objects.exists()


def test_an_annotation_keeps_its_tags_and_shares_tag_rows(client, student, official_passage):
    Tag.objects.create(name="framing")
    client.force_login(student)
    response = client.post(
        annotations_url(official_passage), {"body": "A note.", "visibility": "private", "tags": "Framing, nye"}
    )
    assert response.status_code == 302
    annotation = Annotation.objects.get()
    assert [tag.name for tag in annotation.tags.all()] == ["framing", "nye"]
    assert Tag.objects.count() == 2


def test_editing_replaces_the_tags(client, student, official_passage, note):
    annotation = note(student, official_passage, tags=["framing", "nye"])
    client.force_login(student)
    form = client.get(f"/annotations/{annotation.pk}/edit/").content.decode()
    assert 'value="framing nye"' in form
    response = client.post(f"/annotations/{annotation.pk}/edit/", {"body": "Changed.", "version": 1, "tags": "power"})
    assert response.status_code == 302
    assert [tag.name for tag in annotation.tags.all()] == ["power"]


def test_a_bad_tag_in_an_edit_changes_nothing(client, student, official_passage, note):
    annotation = note(student, official_passage, tags=["framing"])
    client.force_login(student)
    response = client.post(f"/annotations/{annotation.pk}/edit/", {"body": "Changed.", "version": 1, "tags": "a_b"})
    assert response.status_code == 400 and "is not a tag" in response.content.decode()
    annotation.refresh_from_db()
    assert annotation.body == "A note." and [tag.name for tag in annotation.tags.all()] == ["framing"]


def test_tags_link_to_the_notebook_for_my_notes_and_to_the_stream_for_the_seminars(
    client, student, classmate, seminar, official_passage, note
):
    note(student, official_passage, "Mine.", seminar=seminar, tags=["mine"])
    note(classmate, official_passage, "Theirs.", seminar=seminar, tags=["theirs"])
    client.force_login(student)
    html = client.get(annotations_url(official_passage)).content.decode()
    assert 'href="/notebook/?tag=mine"' in html
    assert 'href="/seminars/spring/?tag=theirs"' in html


def test_a_replys_tags_link_by_the_replys_author(client, note, student, classmate, seminar, official_passage):
    theirs = note(classmate, official_passage, "Theirs.", seminar=seminar)
    note(student, official_passage, "My reply.", parent=theirs, tags=["mine"])
    note(classmate, official_passage, "Their reply.", parent=theirs, tags=["theirs"])
    client.force_login(student)
    html = client.get(annotations_url(official_passage)).content.decode()
    assert 'href="/notebook/?tag=mine"' in html
    assert 'href="/seminars/spring/?tag=theirs"' in html


def test_tags_cost_one_query_for_all_the_notes_on_a_passage(client, note, student, seminar, official_passage):
    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(annotations_url(official_passage)).status_code == 200
        return len(captured)

    def add(n):
        for i in range(n):
            parent = note(student, official_passage, f"n{i}", seminar=seminar, tags=[f"t{i}", "both"])
            note(student, official_passage, "reply", parent=parent, tags=["r"])

    client.force_login(student)
    add(1)
    count()  # the first request of a session reads what later ones find cached
    few = count()
    add(20)
    assert count() == few
