"""Instructors may create seminars outside the admin: the Instructors group gets readings.add_seminar."""

from django.contrib.auth.management import create_permissions
from django.db import migrations


def give(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs this one now.
    app_config = apps.get_app_config("readings")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    permission = Permission.objects.get(content_type__app_label="readings", codename="add_seminar")
    for group in Group.objects.filter(name="Instructors"):
        group.permissions.add(permission)


def take(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group in Group.objects.filter(name="Instructors"):
        group.permissions.remove(*Permission.objects.filter(content_type__app_label="readings", codename="add_seminar"))


class Migration(migrations.Migration):
    dependencies = [("readings", "0014_search")]

    operations = [migrations.RunPython(give, take)]
