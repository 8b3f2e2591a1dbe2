"""The demo seminar command: what it makes on the shipped corpus, run once or again, and when it refuses."""

import re
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from readings.models import (
    Annotation,
    Assignment,
    ContrastPassage,
    Membership,
    Notification,
    Role,
    Seminar,
    Stance,
    Tag,
)

pytestmark = pytest.mark.django_db

DEMO_USERS = ["demo-instructor", "demo-student-1", "demo-student-2", "demo-student-3"]


@pytest.fixture
def development(settings):
    settings.DEBUG = True  # as `make run` has it; the test runner turns it off


def demo_seminar(*args):
    out = StringIO()
    call_command("demo_seminar", *args, stdout=out)
    return out.getvalue()


def printed_password(output):
    return re.search(r"^Password for [^:]+: (\S+)$", output, re.MULTILINE).group(1)


def sign_in(username, password):
    """A client that signed in through the sign-in page (django-axes refuses Client.login, which has no request)."""
    client = Client()
    client.response = client.post("/accounts/login/", {"username": username, "password": password})
    return client


def signs_in(username, password):
    return sign_in(username, password).response.status_code == 302


def everything():
    """What the command writes, as rows, to compare runs by."""
    users = get_user_model().objects.filter(username__in=DEMO_USERS)
    return {
        "users": sorted(users.values_list("username", "password", "first_name", "last_name", "is_staff")),
        "seminars": sorted(Seminar.objects.values_list("slug", "name")),
        "memberships": sorted(Membership.objects.values_list("seminar__slug", "user__username", "role")),
        "annotations": sorted(Annotation.objects.values_list("pk", "body", "body_html", "updated")),
        "tags": sorted(Annotation.tags.through.objects.values_list("annotation_id", "tag__name")),
        "notifications": sorted(Notification.objects.values_list("pk", "recipient__username", "annotation_id")),
        "assignments": sorted(Assignment.objects.values_list("pk", "title", "instructions_html", "due_at", "gate")),
    }


def test_it_makes_the_seminar_its_people_and_their_notes(corpus, development):
    demo_seminar()

    seminar = Seminar.objects.get(slug="demo")
    roles = dict(seminar.memberships.values_list("user__username", "role"))
    assert roles == {
        "demo-instructor": Role.INSTRUCTOR,
        "demo-student-1": Role.STUDENT,
        "demo-student-2": Role.STUDENT,
        "demo-student-3": Role.STUDENT,
    }
    users = get_user_model().objects.in_bulk(DEMO_USERS, field_name="username")
    assert all(user.get_full_name() for user in users.values())
    # The roles' groups, given by the membership as the admin would give them.
    assert users["demo-instructor"].is_staff and users["demo-instructor"].groups.filter(name="Instructors").exists()
    assert not users["demo-student-1"].is_staff and users["demo-student-1"].groups.filter(name="Students").exists()

    notes = Annotation.objects.filter(parent=None).select_related("passage__paper")
    for note in notes:
        assert note.passage.text[note.start : note.end] == note.quote
        assert note.body_html.startswith("<p>")
    shared = notes.filter(seminar=seminar)
    assert {note.passage.paper.stance for note in shared} == {Stance.OFFICIAL, Stance.CRITICAL}
    assert len({note.passage.paper_id for note in shared}) >= 2
    on_themes = ContrastPassage.objects.filter(contrast__theme__is_published=True, passage__annotations__in=shared)
    assert on_themes.exists()
    assert Tag.objects.filter(annotations__in=notes).exists()

    (private,) = Annotation.objects.filter(visibility=Annotation.Visibility.PRIVATE)
    assert private.author.username.startswith("demo-student") and private.seminar is None
    assert not Annotation.objects.visible_to(users["demo-instructor"]).filter(pk=private.pk).exists()

    first_note = shared.filter(author__username="demo-student-1").first()
    reply = first_note.replies.get(author__username="demo-instructor")
    assert reply.seminar == seminar and reply.body_html
    notification = Notification.objects.get(recipient__username="demo-student-1")
    assert (notification.kind, notification.annotation, notification.read_at) == (Notification.Kind.REPLY, reply, None)


def test_running_it_again_changes_nothing(corpus, development):
    demo_seminar()
    first = everything()

    output = demo_seminar()

    assert everything() == first
    assert "Password for" not in output


def test_the_printed_password_signs_every_demo_user_in(corpus, development):
    password = printed_password(demo_seminar())

    assert all(signs_in(username, password) for username in DEMO_USERS)


def test_password_option_sets_it_for_every_demo_user(corpus, development):
    old = printed_password(demo_seminar())

    demo_seminar("--password", "new-demo-password-42")

    assert all(signs_in(username, "new-demo-password-42") for username in DEMO_USERS)
    assert not signs_in("demo-student-1", old)


def test_a_password_the_validators_refuse_is_refused_with_nothing_written(corpus, development):
    with pytest.raises(CommandError, match="too similar to the username"):
        demo_seminar("--password", "demo-student-1")

    assert not Seminar.objects.exists() and not get_user_model().objects.exists()


def test_it_refuses_with_debug_off_unless_forced(corpus, settings):
    settings.DEBUG = False

    with pytest.raises(CommandError, match=r"DJANGO_DEBUG=0.*--force"):
        demo_seminar()
    assert not Seminar.objects.exists()

    demo_seminar("--force")
    assert Seminar.objects.filter(slug="demo").exists()


def test_it_refuses_without_the_corpus_and_writes_nothing(development):
    with pytest.raises(CommandError, match="make setup"):
        demo_seminar()

    assert not get_user_model().objects.exists()
    assert not Seminar.objects.exists() and not Annotation.objects.exists() and not Tag.objects.exists()


def test_the_first_student_reads_the_instructors_reply_and_only_she_her_private_note(corpus, development):
    password = printed_password(demo_seminar())
    reply = Annotation.objects.get(parent__author__username="demo-student-1", author__username="demo-instructor")
    private = Annotation.objects.get(visibility=Annotation.Visibility.PRIVATE)
    student, classmate = sign_in("demo-student-1", password), sign_in("demo-student-2", password)

    def thread(client, annotation):
        return client.get(annotation.get_absolute_url().split("#")[0]).content.decode()

    assert "Good question for Thursday" in thread(student, reply)
    assert "For my essay" in thread(student, private)
    assert "For my essay" not in thread(classmate, private)


def test_running_it_again_keeps_edits_and_makes_again_only_what_is_missing(corpus, development):
    demo_seminar()
    edited = Annotation.objects.get(parent=None, author__username="demo-student-2")
    Annotation.objects.filter(pk=edited.pk).update(body="Rewritten by its author.")
    Annotation.objects.filter(parent=None, author__username="demo-student-3").delete()  # with its reply
    get_user_model().objects.get(username="demo-student-3").delete()
    count = Annotation.objects.count()

    output = demo_seminar()

    assert Annotation.objects.get(pk=edited.pk).body == "Rewritten by its author."
    assert Annotation.objects.count() == count + 3  # demo-student-3's note and reply, and the reply to it
    assert re.search(r"^Password for demo-student-3: ", output, re.MULTILINE)


def test_a_correction_that_moves_the_quote_makes_no_second_copy(corpus, development):
    demo_seminar()
    note = Annotation.objects.get(parent=None, author__username="demo-student-3")
    note.passage.text = "An editor's correction. " + note.passage.text
    note.passage.save()
    count = Annotation.objects.count()

    demo_seminar()

    assert Annotation.objects.count() == count


def test_it_adds_an_assignment_that_asks_the_third_student_for_a_note_before_she_sees_others(corpus, development):
    password = printed_password(demo_seminar())
    (assignment,) = Assignment.objects.all()
    assert (assignment.seminar.slug, assignment.kind, assignment.gate) == ("demo", "paper", 1)
    assert assignment.is_open and not assignment.is_past_due
    assert assignment.instructions_html.startswith("<p>") and assignment.created_by.username == "demo-instructor"
    first = Annotation.objects.get(parent=None, author__username="demo-student-1", passage__paper=assignment.paper)
    third = sign_in("demo-student-3", password)

    def thread():
        return third.get(first.get_absolute_url().split("#")[0]).content.decode()

    seminar_page = third.get("/seminars/demo/").content.decode()
    assert assignment.title in seminar_page and "Next due" in seminar_page
    page = third.get(assignment.get_absolute_url()).content.decode()
    assert "You have shared 0 of the 1 annotation this assignment asks before you see others." in page
    # Her classmate's note, and with it the thread under it: the instructor's reply answers a note she cannot see.
    assert "So Nye" not in thread() and "Good question for Thursday" not in thread()

    third.post(
        first.get_absolute_url().split("#")[0],
        {"body": "Regime security first.", "share_with": assignment.seminar.pk},
    )

    assert "So Nye" in thread() and "Good question for Thursday" in thread()
