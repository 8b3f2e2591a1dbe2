"""The seminar roles, the permissions each carries as a Django group, and keeping them in step with memberships."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import models, transaction


class Role(models.TextChoices):
    INSTRUCTOR = "instructor", "Instructor"
    STUDENT = "student", "Student"


INSTRUCTORS_GROUP = "Instructors"
STUDENTS_GROUP = "Students"
# Staff access given by hand (editors who correct texts and moderate), not by a seminar role: its
# members keep the admin when their seminar roles go. It carries no permissions of its own.
EDITORS_GROUP = "Editors"

ROLE_GROUPS = {Role.INSTRUCTOR: INSTRUCTORS_GROUP, Role.STUDENT: STUDENTS_GROUP}

ROLES = {
    INSTRUCTORS_GROUP: {
        "theme": ["add", "change", "delete", "view"],
        "contrast": ["add", "change", "delete", "view"],
        "contrastpassage": ["add", "change", "delete", "view"],
        "paper": ["add", "view"],  # a reading from its PDF (readings.views.pdf_import)
        "section": ["view"],
        "passage": ["view"],
        "editorialnote": ["view"],
        "annotation": ["add"],  # not "view": students' private notes are not for the admin list
        "seminar": ["view"],
        "membership": ["view"],
    },
    STUDENTS_GROUP: {
        "annotation": ["add"],
    },
}


def codenames(role: str) -> list[str]:
    return [f"{action}_{model}" for model, actions in ROLES[role].items() for action in actions]


def role_group(role: str) -> Group:
    """The role's group with its permissions, made again if a flush or restore lost it."""
    group, created = Group.objects.get_or_create(name=role)
    if created or not group.permissions.exists():
        group.permissions.set(
            Permission.objects.filter(content_type__app_label="readings", codename__in=codenames(role))
        )
    return group


def sync_roles(user_id: int) -> None:
    """Set a user's role groups and role-given staff access from the memberships they hold now.

    Every change to a membership ends here (readings.signals, and the Membership QuerySet for the
    bulk writes that send no signals), so permissions follow memberships both ways. An instructor
    membership gives staff access; without one, staff access stays only with superusers and members
    of the Editors group, who were given it by hand. Idempotent: running it again changes nothing.
    """
    with transaction.atomic():
        # The user's row is locked first, so that two membership changes for one user sync one after
        # the other and the second sees the first's membership (PostgreSQL; SQLite has one writer).
        user = get_user_model().objects.select_for_update().filter(pk=user_id).first()
        if user is None:
            return  # deleted along with its memberships
        roles = set(user.memberships.values_list("role", flat=True))
        wanted = {role_group(ROLE_GROUPS[role]) for role in roles}
        held = set(user.groups.filter(name__in=ROLE_GROUPS.values()))
        if held - wanted:
            user.groups.remove(*(held - wanted))
        if wanted - held:
            user.groups.add(*(wanted - held))
        given_by_hand = user.is_superuser or user.groups.filter(name=EDITORS_GROUP).exists()
        is_staff = Role.INSTRUCTOR in roles or (user.is_staff and given_by_hand)
        if is_staff != user.is_staff:
            type(user).objects.filter(pk=user.pk).update(is_staff=is_staff)
