"""Who may do what: every role against every action, allowed where it should be and refused elsewhere."""

import pytest
from django.test import override_settings

from readings.models import Annotation, AnnotationRevision, Theme

pytestmark = pytest.mark.django_db

ROLES = ["anonymous", "student", "instructor", "admin"]


@pytest.fixture
def as_role(client, student, instructor, admin_user_):
    def login(role):
        users = {"student": student, "instructor": instructor, "admin": admin_user_}
        if role != "anonymous":
            client.force_login(users[role])
        return users.get(role)

    return login


def annotations_url(passage):
    return f"{passage.get_absolute_url()}annotations/"


@pytest.mark.parametrize("role", ROLES)
def test_everyone_reads_published_themes_and_papers(client, as_role, contrast, role):
    as_role(role)
    assert client.get("/themes/definitions/").status_code == 200
    assert client.get("/papers/official/").status_code == 200


# An instructor edits (and previews) only their seminars' themes, not this public one (tests/test_drafts.py).
@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 404), ("student", 404), ("instructor", 404), ("admin", 200)]
)
def test_only_curators_preview_unpublished_themes(client, as_role, contrast, role, status):
    Theme.objects.filter(pk=contrast.theme_id).update(is_published=False)
    as_role(role)
    assert client.get("/themes/definitions/").status_code == status


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 403), ("student", 302), ("instructor", 302), ("admin", 302)]
)
def test_who_may_annotate(client, as_role, official_passage, role, status):
    as_role(role)
    response = client.post(annotations_url(official_passage), {"body": "A note."})
    assert response.status_code == status
    assert Annotation.objects.count() == (0 if status == 403 else 1)


def test_annotation_of_a_quoted_span_records_where_it_is(client, student, official_passage):
    client.force_login(student)
    client.post(annotations_url(official_passage), {"body": "Why *this*?", "quote": "Official Paper"})
    annotation = Annotation.objects.get()
    assert official_passage.text[annotation.start : annotation.end] == "Official Paper"
    assert annotation.body_html == "<p>Why <em>this</em>?</p>"


def test_a_quote_that_is_not_in_the_passage_is_refused(client, student, official_passage):
    client.force_login(student)
    response = client.post(annotations_url(official_passage), {"body": "x", "quote": "not there"})
    assert response.status_code == 400
    assert "not in the passage" in response.content.decode()
    assert not Annotation.objects.exists()


def test_sharing_goes_only_to_ones_own_seminar(client, student, other_seminar, official_passage):
    client.force_login(student)
    response = client.post(annotations_url(official_passage), {"body": "x", "share_with": other_seminar.pk})
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_shared_annotation_is_seen_by_the_seminar_and_nobody_else(
    client, student, classmate, outsider, seminar, official_passage
):
    client.force_login(student)
    client.post(annotations_url(official_passage), {"body": "Compare Edney here.", "share_with": seminar.pk})
    assert Annotation.objects.get().seminar == seminar
    client.force_login(classmate)
    assert "Compare Edney here." in client.get(annotations_url(official_passage)).content.decode()
    client.force_login(outsider)
    assert "Compare Edney here." not in client.get(annotations_url(official_passage)).content.decode()
    client.logout()
    assert "Compare Edney here." not in client.get(annotations_url(official_passage)).content.decode()


def test_instructor_annotations_are_marked(client, instructor, student, seminar, official_passage):
    Annotation.objects.create(
        passage=official_passage, author=instructor, body="Read slowly.", visibility="seminar", seminar=seminar
    )
    client.force_login(student)
    html = client.get(annotations_url(official_passage)).content.decode()
    assert 'class="annotation by-instructor"' in html and "Instructor" in html


@pytest.fixture
def shared_note(student, seminar, official_passage):
    return Annotation.objects.create(
        passage=official_passage, author=student, body="Original.", visibility="seminar", seminar=seminar
    )


@pytest.mark.parametrize(
    ("who", "status"), [("student", 302), ("classmate", 403), ("outsider", 404), ("instructor", 403)]
)
def test_only_the_author_edits(client, shared_note, student, classmate, outsider, instructor, who, status):
    client.force_login(
        {"student": student, "classmate": classmate, "outsider": outsider, "instructor": instructor}[who]
    )
    response = client.post(f"/annotations/{shared_note.pk}/edit/", {"body": "Changed.", "version": 1})
    assert response.status_code == status
    shared_note.refresh_from_db()
    assert shared_note.body == ("Changed." if status == 302 else "Original.")


@pytest.mark.parametrize(("who", "status"), [("student", 302), ("classmate", 403), ("outsider", 404)])
def test_only_the_author_deletes(client, shared_note, student, classmate, outsider, who, status):
    client.force_login({"student": student, "classmate": classmate, "outsider": outsider}[who])
    assert client.post(f"/annotations/{shared_note.pk}/delete/").status_code == status
    assert Annotation.objects.filter(pk=shared_note.pk).exists() == (status != 302)


def test_anonymous_cannot_edit_or_delete(client, shared_note):
    assert client.post(f"/annotations/{shared_note.pk}/edit/", {"body": "x", "version": 1}).status_code == 404
    assert client.post(f"/annotations/{shared_note.pk}/delete/").status_code == 404


def test_a_stale_edit_conflicts_instead_of_overwriting(client, shared_note, student):
    client.force_login(student)
    assert client.post(f"/annotations/{shared_note.pk}/edit/", {"body": "First edit.", "version": 1}).status_code == 302
    stale = client.post(f"/annotations/{shared_note.pk}/edit/", {"body": "Second, from an old form.", "version": 1})
    assert stale.status_code == 409
    html = stale.content.decode()
    assert "Someone saved this annotation after you opened it" in html
    assert "Second, from an old form." in html  # the writer's text is not lost
    shared_note.refresh_from_db()
    assert shared_note.body == "First edit." and shared_note.version == 2


def test_edit_history_is_kept(client, shared_note, student):
    client.force_login(student)
    client.post(f"/annotations/{shared_note.pk}/edit/", {"body": "Second.", "version": 1})
    client.post(f"/annotations/{shared_note.pk}/edit/", {"body": "Third.", "version": 2})
    assert list(AnnotationRevision.objects.values_list("version", "body")) == [(1, "Original."), (2, "Second.")]


@pytest.mark.parametrize(("who", "status"), [("classmate", 302), ("outsider", 404)])
def test_replies_come_from_those_who_can_see_the_annotation(client, shared_note, classmate, outsider, who, status):
    client.force_login({"classmate": classmate, "outsider": outsider}[who])
    assert client.post(f"/annotations/{shared_note.pk}/reply/", {"body": "Agreed."}).status_code == status
    if status == 302:
        reply = Annotation.objects.get(parent=shared_note)
        assert (reply.visibility, reply.seminar) == ("seminar", shared_note.seminar)


def test_writes_need_the_csrf_token(student, official_passage):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(student)
    response = strict.post(annotations_url(official_passage), {"body": "x"})
    assert response.status_code == 403
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"), [("anonymous", 302), ("student", 302), ("instructor", 200), ("admin", 200)]
)
def test_admin_is_for_instructors_and_admins(client, as_role, role, status):
    as_role(role)
    assert client.get("/admin/").status_code == status


@pytest.mark.parametrize(
    ("role", "url", "status"),
    [
        ("instructor", "/admin/readings/theme/add/", 200),
        ("instructor", "/admin/readings/contrast/add/", 200),
        ("instructor", "/admin/readings/annotation/", 403),
        ("instructor", "/admin/auth/user/", 403),
        ("admin", "/admin/readings/annotation/", 200),
        ("admin", "/admin/auth/user/", 200),
    ],
)
def test_curation_and_moderation_rights_in_the_admin(client, as_role, role, url, status):
    as_role(role)
    assert client.get(url).status_code == status


def test_instructor_cannot_change_imported_text(client, as_role, official_passage):
    as_role("instructor")
    url = f"/admin/readings/passage/{official_passage.pk}/change/"
    client.post(url, {"text": "Rewritten.", "kind": "body"})
    official_passage.refresh_from_db()
    assert official_passage.text == "An Official Paper passage 1."


def test_passwords_are_validated(db):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password("password")


@override_settings(READING_ROOM_REQUIRE_LOGIN=True)
def test_a_setting_can_require_sign_in(client, contrast, student):
    response = client.get("/themes/definitions/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(student)
    assert client.get("/themes/definitions/").status_code == 200


def test_a_role_group_lost_to_a_flush_is_made_again_with_its_permissions(seminar, django_user_model):
    from django.contrib.auth.models import Group

    from readings.models import Membership

    Group.objects.all().delete()
    teacher = django_user_model.objects.create_user("teacher2", password="x-long-password-1")
    Membership.objects.create(seminar=seminar, user=teacher, role="instructor")
    teacher = django_user_model.objects.get(pk=teacher.pk)
    assert teacher.has_perm("readings.add_theme") and not teacher.has_perm("readings.view_annotation")
