"""The seminar roles and the permissions each carries, as Django groups."""

from django.contrib.auth.models import Group, Permission

INSTRUCTORS_GROUP = "Instructors"
STUDENTS_GROUP = "Students"

ROLES = {
    INSTRUCTORS_GROUP: {
        "theme": ["add", "change", "delete", "view"],
        "contrast": ["add", "change", "delete", "view"],
        "contrastpassage": ["add", "change", "delete", "view"],
        "paper": ["view"],
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
