"""Annotate before you see others: a gated student sees only their own and the instructors' notes in the reading."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from readings.models import Annotation, Assignment, Notification, Section

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as a new request loads them: locked assignments are remembered per user object, per request."""
    return get_user_model().objects.get(pk=user.pk)


def assign(seminar, *, gate=1, opens=-1, due=7, **reading):
    now = timezone.now()
    kind = next(iter(reading))
    return Assignment.objects.create(
        seminar=seminar,
        title="Week one",
        kind=kind,
        opens_at=now + timedelta(days=opens),
        due_at=now + timedelta(days=due),
        gate=gate,
        **({} if kind == "sections" else reading),
    )


def make_passages(paper, count):
    section = Section.objects.create(paper=paper, key="intro", title="Introduction", ordinal=1)
    return [section.passages.create(ordinal=i, text=f"{paper.title} passage {i}.") for i in range(1, count + 1)]


@pytest.fixture
def passages(official_paper):
    return make_passages(official_paper, count=2)


@pytest.fixture
def elsewhere(critical_paper):
    return make_passages(critical_paper, count=1)[0]


@pytest.fixture
def notes(note, passages, elsewhere, seminar, classmate, instructor):
    return {
        "classmate": note(classmate, passages[0], "Classmate in the reading.", seminar=seminar),
        "instructor": note(instructor, passages[0], "Instructor prompt.", seminar=seminar),
        "elsewhere": note(classmate, elsewhere, "Classmate elsewhere.", seminar=seminar),
    }


def visible(user):
    return set(Annotation.objects.visible_to(fresh(user)).values_list("body", flat=True))


def test_a_gated_student_sees_only_own_and_instructor_notes_in_the_reading(
    seminar, student, official_paper, notes, note, passages
):
    assign(seminar, paper=official_paper)
    mine = note(student, passages[1], "Mine, private.")

    assert visible(student) == {"Instructor prompt.", "Classmate elsewhere.", mine.body}


def test_after_sharing_n_notes_the_student_sees_everyone(seminar, student, official_paper, notes, note, passages):
    assign(seminar, paper=official_paper, gate=2)
    note(student, passages[1], "First.", seminar=seminar)
    assert "Classmate in the reading." not in visible(student)

    note(student, passages[1], "Second.", seminar=seminar)

    assert "Classmate in the reading." in visible(student)


def test_private_deleted_and_outside_notes_do_not_count(
    seminar, student, official_paper, notes, note, passages, elsewhere
):
    assign(seminar, paper=official_paper)
    note(student, passages[1], "Private.")
    note(student, passages[1], "Gone.", seminar=seminar, deleted_at=timezone.now())
    note(student, elsewhere, "Outside the reading.", seminar=seminar)

    assert "Classmate in the reading." not in visible(student)


def test_a_reply_to_the_instructor_counts(seminar, student, official_paper, notes, note):
    assign(seminar, paper=official_paper)

    note(student, notes["instructor"].passage, "My answer.", parent=notes["instructor"])

    assert "Classmate in the reading." in visible(student)


def test_instructors_and_classmates_who_did_the_work_are_not_gated(
    seminar, student, classmate, instructor, official_paper, notes, note
):
    assign(seminar, paper=official_paper)
    note(student, notes["instructor"].passage, "Student note.", seminar=seminar)

    assert "Student note." in visible(instructor)
    assert "Student note." in visible(classmate)  # the classmate shared one in the reading already


def test_a_classmates_reply_to_my_note_does_not_leak_through_the_thread(
    client, seminar, student, classmate, official_paper, note, passages
):
    assign(seminar, paper=official_paper, gate=2)
    mine = note(student, passages[0], "My first note.", seminar=seminar)
    note(classmate, passages[0], "Classmate's reply.", parent=mine)
    client.force_login(student)

    page = client.get(f"/papers/{official_paper.slug}/intro/1/annotations/").content.decode()
    stream = client.get(f"/seminars/{seminar.slug}/").content.decode()
    notebook = client.get("/notebook/").content.decode()

    assert "My first note." in page and "Classmate&#x27;s reply." not in page and "Classmate's reply" not in page
    assert "My first note." in stream and "reply." not in stream
    assert "0 replies" in notebook
    assert not Notification.objects.for_reader(fresh(student)).exists()


def test_the_gate_holds_on_pages_and_lifts_in_the_same_request_that_posts_the_nth_note(
    client, seminar, student, official_paper, notes, passages
):
    assign(seminar, paper=official_paper)
    client.force_login(student)
    url = f"/papers/{official_paper.slug}/intro/1/annotations/"
    assert "Classmate in the reading." not in client.get(url).content.decode()
    assert "highlight-others" not in client.get(f"/papers/{official_paper.slug}/").content.decode()

    response = client.post(
        url, {"body": "Now I have read it.", "share_with": seminar.pk}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200
    assert "Classmate in the reading." in response.content.decode()


def test_the_gate_covers_a_themes_passages_and_chosen_sections(
    seminar, student, theme, contrast, official_passage, critical_passage, note, classmate
):
    note(classmate, official_passage, "On the theme.", seminar=seminar)
    assign(seminar, theme=theme)
    assert "On the theme." not in visible(student)

    Assignment.objects.all().delete()
    sections = assign(seminar, sections=True)
    sections.sections.set([critical_passage.section])
    note(classmate, critical_passage, "In the section.", seminar=seminar)
    assert visible(student) >= {"On the theme."}
    assert "In the section." not in visible(student)


def test_the_gate_applies_from_opening_and_holds_past_the_due_date(seminar, student, official_paper, notes):
    assignment = assign(seminar, paper=official_paper, opens=1, due=2)
    assert "Classmate in the reading." in visible(student)

    Assignment.objects.filter(pk=assignment.pk).update(
        opens_at=timezone.now() - timedelta(days=3), due_at=timezone.now() - timedelta(days=1)
    )

    assert "Classmate in the reading." not in visible(student)


def test_the_gate_binds_only_the_assignments_seminar_and_lifts_when_it_is_archived(
    seminar, student, official_paper, notes, other_seminar
):
    assign(seminar, paper=official_paper)
    assert "Classmate in the reading." not in visible(student)

    seminar.archived_at = timezone.now()
    seminar.save()

    assert "Classmate in the reading." in visible(student)


def test_gate_zero_gates_nothing(seminar, student, official_paper, notes):
    assign(seminar, paper=official_paper, gate=0)

    assert "Classmate in the reading." in visible(student)


def test_visible_to_costs_one_query_more_whatever_the_number_of_assignments(
    seminar, student, official_paper, critical_paper, theme, notes
):
    def queries():
        user = fresh(student)
        with CaptureQueriesContext(connection) as captured:
            list(Annotation.objects.visible_to(user))
            list(Annotation.objects.visible_to(user))  # the locked assignments are looked up once
        return len(captured)

    assign(seminar, paper=official_paper)
    one = queries()
    assign(seminar, paper=critical_paper)
    assign(seminar, theme=theme)
    assign(seminar, sections=True).sections.set(official_paper.sections.all())

    assert queries() == one == 3


def test_the_stream_and_its_export_hide_the_reading_from_a_gated_student_but_not_from_instructors(
    client, seminar, student, instructor, official_paper, notes
):
    assign(seminar, paper=official_paper)

    client.force_login(student)
    stream = client.get(f"/seminars/{seminar.slug}/").content.decode()
    client.force_login(instructor)
    export = client.get(f"/seminars/{seminar.slug}/export.md").content.decode()

    assert "Classmate elsewhere." in stream and "Instructor prompt." in stream
    assert "Classmate in the reading." not in stream
    assert "Classmate in the reading." in export


def test_a_page_costs_the_same_queries_for_one_locked_assignment_and_many(
    client, seminar, student, official_paper, critical_paper, theme, notes, passages
):
    def count():
        client.get(f"/papers/{official_paper.slug}/intro/1/")  # once to warm what a first request caches
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/papers/{official_paper.slug}/intro/1/").status_code == 200
        return len(captured)

    client.force_login(student)
    assign(seminar, paper=official_paper)
    one = count()
    for _ in range(5):
        assign(seminar, paper=critical_paper)
        assign(seminar, theme=theme)
        assign(seminar, sections=True).sections.set(official_paper.sections.all())

    assert count() == one
