"""The seminar roles, the permissions each carries as a Django group, and keeping them in step with memberships."""

from django.apps import apps
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
        # "add": creating seminars outside the admin (/seminars/new/). A new instructor, who has no
        # seminar yet and so not this group, is given it by hand as a user permission.
        "seminar": ["add", "view"],
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
    """Set a user's role groups and role-given staff access from the memberships they hold now (see sync_roles_of)."""
    sync_roles_of([user_id])


def sync_roles_of(user_ids) -> None:
    """Set users' role groups and role-given staff access from the memberships they hold now.

    Every change to a membership ends here (readings.signals, and the Membership QuerySet for the
    bulk writes that send no signals), so permissions follow memberships both ways. An instructor
    membership gives staff access; without one, staff access stays only with superusers and members
    of the Editors group, who were given it by hand. Idempotent: running it again changes nothing.
    Set-wise, in a fixed number of queries however many users: a class of 500 added from a paste
    is synced at once.
    """
    User = get_user_model()
    Membership = apps.get_model("readings", "Membership")
    Through = User.groups.through
    with transaction.atomic():
        # The users' rows are locked first (in one order everywhere), so that two membership changes
        # for one user sync one after the other and the second sees the first's membership
        # (PostgreSQL; SQLite has one writer). Users deleted along with their memberships drop out.
        users = list(
            User.objects.select_for_update()
            .filter(pk__in=set(user_ids))
            .order_by("pk")
            .only("is_staff", "is_superuser")
        )
        if not users:
            return
        ids = [user.pk for user in users]
        roles = {pk: set() for pk in ids}
        for user_id, role in Membership.objects.filter(user__in=ids).values_list("user_id", "role"):
            roles[user_id].add(role)
        groups = {role: role_group(ROLE_GROUPS[role]).pk for role in set().union(*roles.values())}
        wanted = {(pk, groups[role]) for pk in ids for role in roles[pk]}
        held = set(
            Through.objects.filter(user__in=ids, group__name__in=ROLE_GROUPS.values()).values_list(
                "user_id", "group_id"
            )
        )
        gone = held - wanted
        for group_id in {group for _, group in gone}:
            Through.objects.filter(group_id=group_id, user_id__in=[pk for pk, g in gone if g == group_id]).delete()
        Through.objects.bulk_create(
            [Through(user_id=pk, group_id=group) for pk, group in wanted - held], ignore_conflicts=True
        )
        editors = set(Through.objects.filter(user__in=ids, group__name=EDITORS_GROUP).values_list("user_id", flat=True))
        staff = {
            user.pk: Role.INSTRUCTOR in roles[user.pk] or (user.is_staff and (user.is_superuser or user.pk in editors))
            for user in users
        }
        for is_staff in (True, False):
            changed = [user.pk for user in users if user.is_staff != is_staff and staff[user.pk] == is_staff]
            if changed:
                User.objects.filter(pk__in=changed).update(is_staff=is_staff)


def edits_public_themes(user) -> bool:
    """Whether the user edits the public themes: a superuser, or staff given change_theme by hand.

    The Instructors group carries change_theme too, but for the themes of the seminars its members
    instruct only: the permission counts here when it comes from the user's own permissions or from
    a group that is not a seminar role (the Editors group, say). Remembered on the user object for
    the request, as Django remembers permissions.
    """
    if not (user.is_active and user.is_staff):
        return False
    if user.is_superuser:
        return True
    if not hasattr(user, "_edits_public_themes"):
        by_hand = models.Q(user=user) | models.Q(
            group__in=user.groups.exclude(name__in=ROLE_GROUPS.values()).values("pk")
        )
        user._edits_public_themes = (
            user.has_perm("readings.change_theme")
            and Permission.objects.filter(by_hand, content_type__app_label="readings", codename="change_theme").exists()
        )
    return user._edits_public_themes
