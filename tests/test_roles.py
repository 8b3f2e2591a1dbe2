"""Roles follow memberships both ways: given with a membership, taken with it, and checked on every write."""

import pytest
from django.contrib.auth.models import Group

from readings.models import Annotation, Membership, Seminar, Theme

pytestmark = pytest.mark.django_db


def fresh(user):
    """The user as the next request loads it: groups, staff status and permissions read again."""
    return type(user).objects.get(pk=user.pk)


def role_groups(user):
    return set(fresh(user).groups.filter(name__in=["Instructors", "Students"]).values_list("name", flat=True))


def annotations_url(passage):
    return f"{passage.get_absolute_url()}annotations/"


@pytest.fixture
def draft(contrast, seminar):
    """A draft of the seminar's own: its instructors preview it, as they edit it."""
    Theme.objects.filter(pk=contrast.theme_id).update(is_published=False, seminar=seminar)
    return contrast.theme


def test_demotion_to_student_takes_the_admin_and_draft_previews_at_once(client, instructor, seminar, draft):
    client.force_login(instructor)
    assert client.get("/admin/").status_code == 200
    assert client.get(draft.get_absolute_url()).status_code == 200

    membership = Membership.objects.get(user=instructor, seminar=seminar)
    membership.role = "student"
    membership.save()

    admin = client.get("/admin/")
    assert admin.status_code == 302 and admin["Location"].startswith("/admin/login/")
    assert client.get("/admin/readings/theme/add/").status_code == 302
    assert client.get(draft.get_absolute_url()).status_code == 404
    assert role_groups(instructor) == {"Students"} and not fresh(instructor).is_staff


def seminar_form(seminar, membership, **changes):
    """The seminar's admin page as posted, with its one membership row changed."""
    row = {"id": membership.pk, "seminar": seminar.pk, "user": membership.user_id, "role": membership.role, **changes}
    data = {
        "name": seminar.name,
        "slug": seminar.slug,
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-MIN_NUM_FORMS": "0",
        "memberships-MAX_NUM_FORMS": "1000",
    }
    return data | {f"memberships-0-{name}": value for name, value in row.items()}


@pytest.mark.parametrize(("change", "groups"), [({"role": "student"}, {"Students"}), ({"DELETE": "on"}, set())])
def test_demotion_or_removal_in_the_seminar_admin_takes_the_role(
    client, admin_user_, instructor, seminar, change, groups
):
    client.force_login(admin_user_)
    membership = Membership.objects.get(user=instructor)
    response = client.post(f"/admin/readings/seminar/{seminar.pk}/change/", seminar_form(seminar, membership, **change))
    assert response.status_code == 302
    assert role_groups(instructor) == groups and not fresh(instructor).is_staff


def test_a_role_changed_by_queryset_update_is_synced_too(instructor, seminar):
    # QuerySet.update() sends no signals: the Membership QuerySet syncs the users it touched itself.
    assert Membership.objects.filter(seminar=seminar, role="instructor").update(role="student") == 1
    assert role_groups(instructor) == {"Students"} and not fresh(instructor).is_staff


def test_a_member_added_through_the_seminar_gets_the_role(seminar, django_user_model):
    # members.add() writes memberships with bulk_create, which sends no signals.
    teacher = django_user_model.objects.create_user("teacher", password="x-long-password-1")
    seminar.members.add(teacher, through_defaults={"role": "instructor"})
    assert role_groups(teacher) == {"Instructors"} and fresh(teacher).is_staff


def test_a_membership_given_to_someone_else_takes_the_role_from_the_first(instructor, student, seminar):
    membership = Membership.objects.get(user=instructor)
    Membership.objects.filter(user=student).delete()
    membership.user = student
    membership.save()
    assert role_groups(instructor) == set() and not fresh(instructor).is_staff
    assert role_groups(student) == {"Instructors"} and fresh(student).is_staff


def test_leaving_the_last_seminar_takes_the_role_groups_away(student, instructor, seminar, other_seminar):
    Membership.objects.create(seminar=other_seminar, user=student)
    Membership.objects.get(seminar=seminar, user=student).delete()
    assert role_groups(student) == {"Students"}  # still a member of the other seminar
    other_seminar.members.remove(student)
    assert role_groups(student) == set()

    Membership.objects.filter(user=instructor).delete()
    assert role_groups(instructor) == set() and not fresh(instructor).is_staff


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_a_seminar_takes_its_members_roles(instructor, student, seminar, other_seminar, how):
    Membership.objects.create(seminar=other_seminar, user=student, role="instructor")
    if how == "instance":
        seminar.delete()
    else:
        Seminar.objects.filter(pk=seminar.pk).delete()
    assert role_groups(instructor) == set() and not fresh(instructor).is_staff
    # A role held in another seminar stays.
    assert role_groups(student) == {"Instructors"} and fresh(student).is_staff


@pytest.mark.parametrize("how", ["instance", "queryset"])
def test_deleting_a_member_leaves_no_role_behind(instructor, student, seminar, django_user_model, how):
    # Guards the new receivers: they run while the user is being deleted and must neither fail nor give anything back.
    if how == "instance":
        instructor.delete()
    else:
        django_user_model.objects.filter(pk=instructor.pk).delete()
    assert not Group.objects.get(name="Instructors").user_set.exists()
    assert list(Membership.objects.values_list("user__username", flat=True)) == ["student"]
    assert role_groups(student) == {"Students"}


@pytest.mark.parametrize("who", ["editor", "admin_user_"])
def test_editors_and_superusers_keep_staff_when_their_roles_go(client, request, seminar, other_seminar, who):
    user = request.getfixturevalue(who)
    Membership.objects.create(seminar=seminar, user=user, role="instructor")
    Membership.objects.create(seminar=other_seminar, user=user, role="instructor")
    client.force_login(user)

    Membership.objects.filter(seminar=seminar, user=user).update(role="student")
    Membership.objects.get(seminar=other_seminar, user=user).delete()
    assert fresh(user).is_staff and role_groups(user) == {"Students"}
    seminar.delete()
    assert fresh(user).is_staff and role_groups(user) == set()

    assert client.get("/admin/").status_code == 200
    # The instructor's curation rights went with the role; an editor keeps only what was given by hand.
    assert client.get("/admin/readings/theme/add/").status_code == (200 if who == "admin_user_" else 403)


@pytest.fixture
def left_note(student, seminar, other_seminar, official_passage):
    """A note the student shared with a seminar they have since left; they are still a student elsewhere."""
    Membership.objects.create(seminar=other_seminar, user=student)
    note = Annotation.objects.create(
        passage=official_passage, author=student, body="Original.", visibility="seminar", seminar=seminar
    )
    Membership.objects.get(seminar=seminar, user=student).delete()
    return note


def test_a_former_member_cannot_edit_their_note_in_the_seminar(client, student, left_note):
    client.force_login(student)
    assert client.get(f"/annotations/{left_note.pk}/edit/").status_code == 403
    response = client.post(f"/annotations/{left_note.pk}/edit/", {"body": "Changed.", "version": 1})
    assert response.status_code == 403
    assert "no longer a member of Spring seminar" in response.content.decode()
    left_note.refresh_from_db()
    assert (left_note.body, left_note.version) == ("Original.", 1)


def test_a_former_member_cannot_reply_in_the_seminar(client, student, left_note):
    client.force_login(student)
    response = client.post(f"/annotations/{left_note.pk}/reply/", {"body": "Still here?"})
    assert response.status_code == 403
    assert "no longer a member of Spring seminar" in response.content.decode()
    assert not Annotation.objects.filter(parent=left_note).exists()


def test_a_former_member_cannot_share_with_the_seminar_again(client, student, seminar, left_note, official_passage):
    client.force_login(student)
    response = client.post(annotations_url(official_passage), {"body": "Again.", "share_with": seminar.pk})
    assert response.status_code == 400
    assert "You can share only with a seminar you are a member of" in response.content.decode()
    assert Annotation.objects.count() == 1


def test_a_former_member_may_still_delete_their_note(client, student, left_note):
    # A decision, not a regression test: withdrawing one's own words stays possible after leaving.
    client.force_login(student)
    assert client.post(f"/annotations/{left_note.pk}/delete/").status_code == 302
    assert not Annotation.objects.filter(pk=left_note.pk).exists()


def test_the_page_offers_no_edit_or_reply_in_a_seminar_one_has_left(client, student, left_note, official_passage):
    client.force_login(student)
    html = client.get(annotations_url(official_passage)).content.decode()
    assert "Original." in html  # still theirs to read
    assert f"/annotations/{left_note.pk}/delete/" in html
    assert f"/annotations/{left_note.pk}/edit/" not in html
    assert f"/annotations/{left_note.pk}/reply/" not in html


def test_leaving_every_seminar_ends_annotating(client, student, seminar, official_passage):
    Membership.objects.filter(user=student).delete()
    client.force_login(student)
    assert 'class="annotation-form"' not in client.get(annotations_url(official_passage)).content.decode()
    response = client.post(annotations_url(official_passage), {"body": "A note."})
    assert response.status_code == 403
    assert not Annotation.objects.exists()


def instructor_note(instructor, seminar, passage):
    return Annotation.objects.create(
        passage=passage, author=instructor, body="Read slowly.", visibility="seminar", seminar=seminar
    )


def test_the_instructor_badge_goes_with_the_role(client, instructor, student, seminar, official_passage):
    instructor_note(instructor, seminar, official_passage)
    client.force_login(student)
    assert "by-instructor" in client.get(annotations_url(official_passage)).content.decode()
    Membership.objects.filter(user=instructor).update(role="student")
    html = client.get(annotations_url(official_passage)).content.decode()
    assert "Read slowly." in html and "by-instructor" not in html


def test_the_badge_marks_instructors_of_the_notes_seminar_only(
    client, student, seminar, other_seminar, django_user_model, official_passage
):
    teacher = django_user_model.objects.create_user("teacher", password="x-long-password-1")
    Membership.objects.create(seminar=other_seminar, user=teacher, role="instructor")
    Membership.objects.create(seminar=seminar, user=teacher, role="student")
    instructor_note(teacher, seminar, official_passage)
    client.force_login(student)
    html = client.get(annotations_url(official_passage)).content.decode()
    assert "Read slowly." in html and "by-instructor" not in html


@pytest.mark.django_db(transaction=True)  # migrates backwards and forwards
def test_the_migration_keeps_staff_given_by_hand_and_takes_what_roles_no_longer_give(django_user_model):
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    before = [("readings", "0007_content_version")]
    executor = MigrationExecutor(connection)
    latest = executor.loader.graph.leaf_nodes()
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    User, Group = old.get_model("auth", "User"), old.get_model("auth", "Group")
    Seminar, Membership = old.get_model("readings", "Seminar"), old.get_model("readings", "Membership")
    instructors_group = Group.objects.get_or_create(name="Instructors")[0]
    students_group = Group.objects.get_or_create(name="Students")[0]
    spring, autumn = (
        Seminar.objects.create(slug="spring", name="Spring"),
        Seminar.objects.create(slug="autumn", name="Autumn"),
    )

    def user(name, groups=(), **fields):
        made = User.objects.create(username=name, **fields)
        made.groups.set(groups)
        return made

    editor = user("editor", is_staff=True)
    editor.user_permissions.set(old.get_model("auth", "Permission").objects.filter(codename="change_passage"))
    user("helper", is_staff=True)  # staff, never an instructor: given by hand
    user("root", is_staff=True, is_superuser=True)
    user("demoted", [instructors_group, students_group], is_staff=True)
    user("removed", [instructors_group], is_staff=True)
    teacher = user("teacher", [instructors_group], is_staff=True)
    unsynced = user("unsynced")  # an instructor in two seminars, never given the group: synced now
    Membership.objects.create(seminar=spring, user=User.objects.get(username="demoted"), role="student")
    Membership.objects.create(seminar=spring, user=teacher, role="instructor")
    Membership.objects.create(seminar=spring, user=unsynced, role="instructor")
    Membership.objects.create(seminar=autumn, user=unsynced, role="instructor")

    executor.loader.build_graph()
    executor.migrate(latest)

    people = {u.username: u for u in django_user_model.objects.all()}
    assert {name for name, u in people.items() if u.is_staff} == {"editor", "helper", "root", "teacher", "unsynced"}
    assert set(Group.objects.get(name="Editors").user_set.values_list("username", flat=True)) == {"editor", "helper"}
    assert set(instructors_group.user_set.values_list("username", flat=True)) == {"teacher", "unsynced"}
    assert set(students_group.user_set.values_list("username", flat=True)) == {"demoted"}
