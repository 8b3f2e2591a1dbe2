"""Notifications: who is told of a reply or an instructor's note, the list, marking read, the email digest."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from readings.models import Annotation, Membership, Notification, ReaderSettings

pytestmark = pytest.mark.django_db


def annotations_url(passage):
    return f"{passage.get_absolute_url()}annotations/"


def share_with(user, visibility="seminar"):
    """The "Share with" choice: the user's (first) seminar, or "Only me"."""
    if visibility == "private":
        return ""
    return Membership.objects.filter(user=user).order_by("pk").values_list("seminar_id", flat=True).first()


def annotate(client, user, passage, visibility="seminar", body="A note."):
    client.force_login(user)
    response = client.post(annotations_url(passage), {"body": body, "share_with": share_with(user, visibility)})
    assert response.status_code == 302
    return Annotation.objects.filter(author=user).latest("pk")


def reply(client, user, parent, body="A reply."):
    client.force_login(user)
    response = client.post(f"/annotations/{parent.pk}/reply/", {"body": body})
    assert response.status_code == 302
    return Annotation.objects.filter(author=user, parent=parent).latest("pk")


def told(user):
    return list(Notification.objects.filter(recipient=user).values_list("kind", flat=True))


def test_a_reply_tells_the_author_of_the_note(client, student, classmate, instructor, outsider, official_passage):
    note = annotate(client, student, official_passage)
    answer = reply(client, classmate, note)
    assert Notification.objects.get(recipient=student).annotation == answer
    assert told(student) == ["reply"]
    assert told(classmate) == []  # not of their own reply
    assert told(instructor) == [] and told(outsider) == []  # not in the thread, or may not see it


def test_a_reply_tells_those_who_replied_before(client, student, classmate, instructor, official_passage):
    note = annotate(client, student, official_passage)
    reply(client, classmate, note)
    reply(client, instructor, note)
    assert told(student) == ["reply", "reply"]
    assert told(classmate) == ["reply"]
    assert told(instructor) == []


def test_nobody_is_told_of_their_own_reply(client, student, official_passage):
    note = annotate(client, student, official_passage)
    reply(client, student, note)
    assert Notification.objects.count() == 0


def test_private_notes_tell_nobody(client, instructor, student, official_passage):
    note = annotate(client, instructor, official_passage, visibility="private")
    reply(client, instructor, note)
    assert Notification.objects.count() == 0


def test_an_instructors_note_tells_the_seminar(client, instructor, student, classmate, outsider, official_passage):
    note = annotate(client, instructor, official_passage)
    assert told(student) == told(classmate) == ["instructor_note"]
    assert Notification.objects.get(recipient=student).annotation == note
    assert told(instructor) == [] and told(outsider) == []


def test_a_students_note_tells_nobody(client, student, classmate, instructor, official_passage):
    annotate(client, student, official_passage)
    assert Notification.objects.count() == 0


def test_an_instructor_of_another_seminar_is_no_instructor_here(
    client, django_user_model, seminar, other_seminar, student, official_passage
):
    from tests.conftest import member

    teacher = member(django_user_model, other_seminar, "teacher", role="instructor")
    Membership.objects.create(seminar=seminar, user=teacher, role="student")
    client.force_login(teacher)
    client.post(annotations_url(official_passage), {"body": "As a student.", "share_with": seminar.pk})
    assert told(student) == []


def test_who_left_the_seminar_is_not_told(client, student, classmate, official_passage):
    note = annotate(client, student, official_passage)
    Membership.objects.filter(user=student).delete()
    reply(client, classmate, note)
    assert Notification.objects.count() == 0


def test_inactive_accounts_are_not_told(client, instructor, student, official_passage):
    get_user_model().objects.filter(pk=student.pk).update(is_active=False)
    annotate(client, instructor, official_passage)
    assert told(student) == []


@pytest.fixture
def instructor_notes(instructor, student, seminar, official_passage):
    """25 notes by the instructor, each notifying the student (and the classmate, if there is one)."""
    from readings.notifications import notify_about

    notes = []
    for i in range(25):
        note = Annotation.objects.create(
            passage=official_passage, author=instructor, body=f"Note {i}.", visibility="seminar", seminar=seminar
        )
        notify_about(note)
        notes.append(note)
    return notes


def test_the_list_needs_sign_in(client):
    assert client.get("/notifications/")["Location"].startswith("/accounts/login/?next=/notifications/")


def test_the_list_is_paginated_newest_first(client, student, instructor_notes):
    client.force_login(student)
    first = client.get("/notifications/").content.decode()
    assert "Note 24." in first and "Note 5." in first and "Note 4." not in first
    assert first.index("Note 24.") < first.index("Note 23.")
    assert "instructor</strong>" in first and "(instructor) wrote a note for Spring seminar" in first
    second = client.get("/notifications/?page=2").content.decode()
    assert "Note 4." in second and "Note 0." in second and "Note 5." not in second
    assert client.get("/notifications/?page=99").status_code == 200  # the last page
    assert client.get("/notifications/?page=x").status_code == 200  # the first


def test_the_list_shows_the_quote_the_reply_and_a_link(client, student, classmate, official_passage):
    client.force_login(student)
    client.post(
        annotations_url(official_passage),
        {"body": "Mine.", "quote": "passage 1", "share_with": share_with(student)},
    )
    note = Annotation.objects.get(author=student)
    answer = reply(client, classmate, note, body="I *disagree* <b>here</b>.")
    client.force_login(student)
    page = client.get("/notifications/").content.decode()
    assert "replied to your note" in page and "passage 1" in page
    assert "I *disagree* &lt;b&gt;here&lt;/b&gt;." in page
    notification = Notification.objects.get(recipient=student)
    assert f'href="/notifications/{notification.pk}/open/"' in page
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response["Location"] == answer.get_absolute_url()
    assert response["Location"].endswith(f"/annotations/#annotation-{answer.pk}")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_others_notifications_are_not_found(client, student, classmate, instructor_notes):
    theirs = Notification.objects.filter(recipient=student).first()
    client.force_login(classmate)
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    client.post("/notifications/read/")
    assert Notification.objects.filter(recipient=student).unread().count() == 25
    assert client.get("/notifications/999999/open/").status_code == 404


def test_mark_one_read(client, student, instructor_notes):
    client.force_login(student)
    notification = Notification.objects.filter(recipient=student).first()
    response = client.post(f"/notifications/{notification.pk}/read/", {"next": "/notifications/?page=2"})
    assert response["Location"] == "/notifications/?page=2"
    notification.refresh_from_db()
    assert notification.read_at is not None
    assert Notification.objects.filter(recipient=student).unread().count() == 24
    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405


def test_mark_read_goes_back_only_to_the_list(client, student, instructor_notes):
    client.force_login(student)
    notification = Notification.objects.filter(recipient=student).first()
    for elsewhere in ["https://evil.example/", "//evil.example/notifications/", "/admin/"]:
        response = client.post(f"/notifications/{notification.pk}/read/", {"next": elsewhere})
        assert response["Location"] == "/notifications/"


def test_mark_all_read(client, student, classmate, instructor_notes):
    client.force_login(student)
    assert "Mark all read" in client.get("/notifications/").content.decode()
    assert client.post("/notifications/read/").status_code == 302
    assert Notification.objects.filter(recipient=student).unread().count() == 0
    assert Notification.objects.filter(recipient=classmate).unread().count() == 25
    assert "Mark all read" not in client.get("/notifications/").content.decode()


def test_a_note_hidden_since_drops_out_of_the_list(client, student, instructor_notes):
    Annotation.objects.filter(pk=instructor_notes[-1].pk).update(is_hidden=True)
    client.force_login(student)
    page = client.get("/notifications/").content.decode()
    assert "Note 24." not in page and "Note 23." in page


def test_settings_need_sign_in(client):
    assert client.get("/settings/")["Location"].startswith("/accounts/login/")


def test_email_is_off_until_the_reader_opts_in(client, student):
    client.force_login(student)
    page = client.get("/settings/").content.decode()
    assert 'name="email_notifications"' in page and "checked" not in page
    assert client.post("/settings/", {"email_notifications": "on"}).status_code == 200
    assert ReaderSettings.objects.get(user=student).email_notifications is True
    assert "checked" in client.get("/settings/").content.decode()
    client.post("/settings/", {})
    assert ReaderSettings.objects.get(user=student).email_notifications is False


def opt_in(*users, email=True):
    for user in users:
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])
        ReaderSettings.objects.update_or_create(user=user, defaults={"email_notifications": email})


def send():
    out = io.StringIO()
    call_command("send_notifications", site_url="https://reading.example", stdout=out)
    return out.getvalue()


def test_one_email_per_reader_who_opted_in(mailoutbox, student, classmate, instructor, instructor_notes):
    opt_in(student)
    opt_in(classmate, email=False)
    assert "Sent 1 email(s) telling of 25 notification(s)." in send()
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["student@example.org"]
    assert message.subject == "25 new notifications in the Soft Power Reading Room"
    first = Notification.objects.filter(recipient=student).first()
    assert f"https://reading.example/notifications/{first.pk}/open/" in message.body
    assert "Note 24." in message.body and "instructor (instructor) wrote a note for Spring seminar" in message.body
    assert Notification.objects.filter(recipient=student, emailed_at__isnull=True).count() == 0
    assert Notification.objects.filter(recipient=classmate, emailed_at__isnull=False).count() == 0


def test_sending_again_sends_nothing_twice(mailoutbox, client, student, instructor, official_passage, seminar):
    opt_in(student)
    annotate(client, instructor, official_passage, body="First.")
    send()
    assert send().startswith("Sent 0 email(s)")
    annotate(client, instructor, official_passage, body="Second.")
    send()
    assert len(mailoutbox) == 2
    assert "First." in mailoutbox[0].body
    assert "Second." in mailoutbox[1].body and "First." not in mailoutbox[1].body


def test_a_round_sends_nothing_another_has_claimed(mailoutbox, student, instructor_notes):
    from readings.notifications import claim_for_email

    opt_in(student)
    claimed = claim_for_email(student)  # another round, still sending
    assert len(claimed) == 25
    assert claim_for_email(student) == []
    send()
    assert mailoutbox == []


def test_read_notifications_and_readers_without_an_address_get_no_email(
    mailoutbox, student, classmate, instructor_notes
):
    opt_in(student, classmate)
    Notification.objects.filter(recipient=student).update(read_at=instructor_notes[0].created)
    classmate.email = ""
    classmate.save(update_fields=["email"])
    send()
    assert mailoutbox == []


def test_a_failed_send_is_tried_again_next_time(settings, student, instructor_notes):
    opt_in(student)
    # Nothing listens on port 1: the real SMTP backend is refused at once.
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 1, "timeout": 2},
        }
    }
    with pytest.raises(CommandError, match="1 email"):
        call_command("send_notifications", stdout=io.StringIO(), stderr=io.StringIO())
    assert Notification.objects.filter(recipient=student, emailed_at__isnull=True).count() == 25


def test_the_list_costs_the_same_queries_at_any_length(
    client, django_user_model, student, instructor, seminar, official_passage
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from readings.notifications import notify_about

    def notes(count):
        for i in range(count):
            note = Annotation.objects.create(
                passage=official_passage, author=instructor, body=f"{i}", visibility="seminar", seminar=seminar
            )
            notify_about(note)
            reply_ = Annotation.objects.create(
                passage=official_passage,
                author=instructor,
                parent=note,
                body="r",
                visibility="seminar",
                seminar=seminar,
            )
            Notification.objects.create(recipient=student, kind="reply", annotation=reply_)

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/notifications/").status_code == 200
        return len(queries)

    client.force_login(student)
    notes(1)
    few = count()
    notes(15)
    assert count() == few <= 8


@pytest.mark.django_db(transaction=True)
def test_rounds_running_at_once_email_each_notification_once(mailoutbox, student, classmate, instructor_notes):
    import threading

    from django.db import connection

    opt_in(student, classmate)
    rounds = 4
    start = threading.Barrier(rounds)

    def run():
        start.wait()
        try:
            call_command("send_notifications", stdout=io.StringIO())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(rounds)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    told = sorted(line for message in mailoutbox for line in message.body.splitlines() if line.startswith("* "))
    assert len(told) == 50  # 25 each for two readers, none twice
    assert sorted(message.to[0] for message in mailoutbox) == ["classmate@example.org", "student@example.org"]


@pytest.mark.parametrize(
    ("role", "count"), [("student", 1), ("classmate", 1), ("instructor", 0), ("outsider", 0), ("editor", 0)]
)
def test_each_role_sees_only_its_own_notifications(
    client, student, classmate, instructor, outsider, editor, official_passage, role, count
):
    annotate(client, instructor, official_passage, body="Read this one first.")
    people = {
        "student": student,
        "classmate": classmate,
        "instructor": instructor,
        "outsider": outsider,
        "editor": editor,
    }
    client.force_login(people[role])
    page = client.get("/notifications/").content.decode()
    assert page.count('<li class="notification') == count
    assert f"Notifications ({count})" in page


def test_visitors_have_no_notifications_page(client, instructor_notes):
    notification = Notification.objects.first()
    for url in ["/notifications/", f"/notifications/{notification.pk}/open/", "/settings/"]:
        assert client.get(url)["Location"].startswith("/accounts/login/")
    assert client.post(f"/notifications/{notification.pk}/read/").status_code == 302
    assert client.post("/notifications/read/").status_code == 302
    assert Notification.objects.unread().count() == Notification.objects.count()
