"""Notifications: who is told of a reply or an instructor's note, the list, marking read, the email digest."""

import pytest
from django.contrib.auth import get_user_model

from readings.models import Annotation, Membership, Notification

pytestmark = pytest.mark.django_db


def annotations_url(passage):
    return f"{passage.get_absolute_url()}annotations/"


def annotate(client, user, passage, visibility="seminar", body="A note."):
    client.force_login(user)
    response = client.post(annotations_url(passage), {"body": body, "visibility": visibility})
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
    client.post(
        annotations_url(official_passage), {"body": "As a student.", "visibility": "seminar", "seminar": seminar.pk}
    )
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
