"""Staff access given by hand gets a mark (the Editors group), and roles are brought in step with memberships.

Until now a seminar role was only ever given: an instructor demoted or removed kept the Instructors
group and staff access. From here on readings.roles.sync_roles takes both away with the last
instructor membership, except from superusers and members of Editors. This migration puts today's
staff who got staff access by hand into Editors, so they keep the admin, then takes away what the
memberships no longer give.
"""

from django.conf import settings
from django.db import migrations
from django.db.models import Q

# The roles as they were when this migration was written (readings.roles holds the current ones).
ROLE_GROUPS = {"instructor": "Instructors", "student": "Students"}
EDITORS = "Editors"


def mark_editors_and_sync_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Membership = apps.get_model("readings", "Membership")
    GroupLink = User.groups.through
    editors, _ = Group.objects.get_or_create(name=EDITORS)

    instructors = Membership.objects.filter(role="instructor").values("user_id")
    in_instructors_group = GroupLink.objects.filter(group__name=ROLE_GROUPS["instructor"]).values("user_id")
    # Staff by hand: permissions given to the user or through a group that is not a role's, or staff
    # access without any instructor role, now or before (every instructor membership added the
    # Instructors group). A staff user whose only trace is that group is an instructor demoted or
    # removed, who kept staff access only because roles never went: they lose it now.
    by_hand = User.objects.filter(is_staff=True, is_superuser=False).filter(
        Q(pk__in=User.user_permissions.through.objects.values("user_id"))
        | Q(pk__in=GroupLink.objects.exclude(group__name__in=[*ROLE_GROUPS.values(), EDITORS]).values("user_id"))
        | (~Q(pk__in=instructors) & ~Q(pk__in=in_instructors_group))
    )
    GroupLink.objects.bulk_create(
        [GroupLink(user_id=pk, group=editors) for pk in by_hand.exclude(groups=editors).values_list("pk", flat=True)]
    )

    for role, name in ROLE_GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        holders = Membership.objects.filter(role=role).values("user_id")
        GroupLink.objects.filter(group=group).exclude(user_id__in=holders).delete()
        missing = (
            Membership.objects.filter(role=role)
            .exclude(user_id__in=GroupLink.objects.filter(group=group).values("user_id"))
            .values_list("user_id", flat=True)
            .order_by()  # not Meta.ordering's columns, which would defeat distinct()
            .distinct()
        )
        GroupLink.objects.bulk_create([GroupLink(user_id=user_id, group=group) for user_id in missing])

    User.objects.filter(pk__in=instructors, is_staff=False).update(is_staff=True)
    User.objects.filter(is_staff=True, is_superuser=False).exclude(pk__in=instructors).exclude(groups=editors).update(
        is_staff=False
    )


class Migration(migrations.Migration):
    dependencies = [
        ("readings", "0007_content_version"),
        ("auth", "0012_alter_user_first_name_max_length"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # Backwards leaves the Editors group and the synced roles as they are: the old code ignores both.
    operations = [migrations.RunPython(mark_editors_and_sync_roles, migrations.RunPython.noop)]
