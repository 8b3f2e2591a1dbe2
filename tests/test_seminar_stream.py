"""A seminar's stream: what is shared with it, with replies, for its members only; never a private note."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from readings.models import Annotation
from readings.views import WORKSPACE_PAGE_SIZE

pytestmark = pytest.mark.django_db

SHARED = {"student-shared", "classmate-shared", "instructor-shared", "student-reply", "instructor-reply"}


def stream(client, user, slug="spring", **params):
    client.force_login(user)
    response = client.get(f"/seminars/{slug}/", params)
    assert response.status_code == 200
    return response.content.decode()


def bodies_in(html, candidates):
    return {body for body in candidates if f"<p>{body}</p>" in html}


@pytest.fixture
def notes(
    note, student, classmate, instructor, outsider, editor, seminar, other_seminar, official_passage, critical_passage
):
    shared = note(student, official_passage, "student-shared", seminar=seminar, tags=["nye"])
    theirs = note(classmate, critical_passage, "classmate-shared", seminar=seminar, tags=["framing"])
    return {
        "shared": shared,
        "theirs": theirs,
        "student-reply": note(student, critical_passage, "student-reply", parent=theirs),
        "instructor-reply": note(instructor, official_passage, "instructor-reply", parent=shared),
        "instructor": note(instructor, critical_passage, "instructor-shared", seminar=seminar),
        "private": note(student, official_passage, "student-private"),
        "instructor-private": note(instructor, official_passage, "instructor-private"),
        "outsider": note(outsider, official_passage, "outsider-shared", seminar=other_seminar),
        "editor": note(editor, official_passage, "editor-private"),
    }


ALL = SHARED | {"student-private", "instructor-private", "outsider-shared", "editor-private"}


@pytest.mark.parametrize("who", ["student", "classmate", "instructor"])
def test_members_see_everything_shared_with_the_seminar_and_no_private_note(client, request, notes, who):
    assert bodies_in(stream(client, request.getfixturevalue(who)), ALL) == SHARED


def test_visitors_are_sent_to_sign_in_whatever_the_slug(client, seminar):
    for slug in ("spring", "no-such-seminar"):
        response = client.get(f"/seminars/{slug}/")
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["outsider", "editor", "admin_user_"])
def test_anyone_not_a_member_gets_404_staff_included(client, request, notes, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get("/seminars/spring/").status_code == 404
    assert client.get("/seminars/no-such-seminar/").status_code == 404


def test_the_outsider_sees_their_own_seminar(client, outsider, notes):
    assert bodies_in(stream(client, outsider, "autumn"), ALL) == {"outsider-shared"}


def test_hidden_notes_and_replies_do_not_appear(client, student, notes):
    Annotation.objects.filter(pk__in=[notes["theirs"].pk, notes["instructor-reply"].pk]).update(is_hidden=True)
    assert bodies_in(stream(client, student), ALL) == {"student-shared", "instructor-shared"}


def test_a_note_withdrawn_by_its_author_keeps_its_replies(client, student, notes):
    Annotation.objects.filter(pk=notes["theirs"].pk).update(body="", deleted_at=timezone.now())
    html = stream(client, student)
    assert "Deleted by its author." in html and "<p>student-reply</p>" in html


def test_instructors_notes_and_replies_are_marked(client, student, notes):
    html = stream(client, student)
    for pk in (notes["instructor"].pk, notes["instructor-reply"].pk):
        assert (
            'class="annotation workspace-note by-instructor'
            in html.split(f'id="note-{pk}"')[0].rsplit("<article", 1)[1]
        )
    own = html.split(f'id="note-{notes["shared"].pk}"')[0].rsplit("<article", 1)[1]
    assert "by-instructor" not in own


def test_the_most_recent_activity_comes_first(client, student, notes):
    earlier = timezone.now() - timedelta(days=2)
    Annotation.objects.filter(pk__in=[n.pk for n in notes.values()]).update(created=earlier)
    Annotation.objects.filter(pk=notes["student-reply"].pk).update(created=earlier + timedelta(days=1))
    html = stream(client, student)
    # classmate-shared is the oldest note, but its reply is the newest activity
    assert html.index("classmate-shared") < html.index("student-shared")
    assert html.index("classmate-shared") < html.index("instructor-shared")


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"member": "classmate"}, {"classmate-shared", "student-reply"}),
        ({"member": "instructor"}, {"instructor-shared"}),
        ({"member": "outsider"}, SHARED),  # not a member: ignored
        ({"paper": "official"}, {"student-shared", "instructor-reply"}),
        ({"paper": "critical"}, {"classmate-shared", "student-reply", "instructor-shared"}),
        ({"theme": "definitions"}, SHARED),
        ({"tag": "framing"}, {"classmate-shared", "student-reply"}),
        ({"tag": "framing", "paper": "official"}, set()),
        ({"tag": "<script>", "page": "<script>"}, SHARED),
    ],
)
def test_filters(client, student, notes, contrast, params, shown):
    assert bodies_in(stream(client, student, **params), ALL) == shown


def test_filter_choices_hold_the_seminars_members_and_tags_only(client, student, notes):
    html = stream(client, student)
    assert '<option value="classmate">' in html and '<option value="outsider">' not in html
    assert '<option value="framing">' in html
    assert 'href="/seminars/spring/?tag=nye" rel="tag">#nye</a>' in html


def test_each_note_and_reply_says_who_wrote_it(client, student, notes):
    html = stream(client, student)
    assert '<p class="meta">classmate · <time' in html and '<p class="meta">instructor · <time' in html


def test_only_instructors_are_offered_the_export(client, student, instructor, notes):
    assert "/seminars/spring/export.csv" not in stream(client, student)
    assert "/seminars/spring/export.csv" in stream(client, instructor)


def test_pages(client, note, student, seminar, official_passage):
    for i in range(WORKSPACE_PAGE_SIZE + 1):
        note(student, official_passage, f"note-{i}", seminar=seminar)
    assert "<p>note-0</p>" not in stream(client, student)
    assert "<p>note-0</p>" in stream(client, student, page="2")
    assert "<p>note-0</p>" in stream(client, student, page="1000000000000000000000")


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_stream_costs_the_same_queries_for_few_threads_and_many(
    client, note, student, classmate, instructor, seminar, official_passage, critical_passage
):
    def add(n):
        for i in range(n):
            parent = note(
                classmate, official_passage, f"n{i}", seminar=seminar, tags=[f"t{i}", "both"], quote="Official"
            )
            note(instructor, official_passage, "reply", parent=parent, tags=["r"])
            note(student, official_passage, "reply", parent=parent)

    client.force_login(student)
    add(2)
    few = queries(client, "/seminars/spring/?tag=both")
    add(30)
    assert queries(client, "/seminars/spring/?tag=both") == few
    assert queries(client, "/seminars/spring/") == few
    # with the header's seminars and unread count, the assignments gating the reader and the seminar's assignments
    assert few <= 18
