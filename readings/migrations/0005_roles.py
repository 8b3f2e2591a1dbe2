"""The instructor and student roles, as Django groups with the permissions each role needs."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

# The roles as they were when this migration was written (readings.roles holds the current ones).
ROLES = {
    "Instructors": {
        "theme": ["add", "change", "delete", "view"],
        "contrast": ["add", "change", "delete", "view"],
        "contrastpassage": ["add", "change", "delete", "view"],
        "paper": ["view"],
        "section": ["view"],
        "passage": ["view"],
        "editorialnote": ["view"],
        "annotation": ["add"],  # not "view": students’ private notes are not for the admin list
        "seminar": ["view"],
        "membership": ["view"],
    },
    "Students": {
        "annotation": ["add"],
    },
}


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, models in ROLES.items():
        group, _ = Group.objects.get_or_create(name=name)
        codenames = [f"{action}_{model}" for model, actions in models.items() for action in actions]
        group.permissions.set(Permission.objects.filter(content_type__app_label="readings", codename__in=codenames))


def remove_roles(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("readings", "0004_seminars_and_annotation_threads"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_roles, remove_roles)]
