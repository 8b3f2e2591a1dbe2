"""Replace the database's contents with a backup written by `backup`, all or nothing."""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from readings.backups import NotABackup, checked_objects
from readings.models import TextVersion


class Command(BaseCommand):
    help = "Restore a backup made with `manage.py backup`. If anything fails, nothing changes."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the current contents")
        parser.add_argument("--force", action="store_true", help="restore a backup that has no users or no papers")

    def handle(self, *args, path: Path, yes: bool, force: bool, **options):
        if not path.is_file():
            raise CommandError(f"no such backup file: {path}")
        # Everything is checked before the question is asked, and before the database is touched.
        try:
            objects = checked_objects(path.read_bytes())
        except NotABackup as reason:
            raise CommandError(
                f"restore refused, nothing was changed: {path} is not a usable backup: {reason}"
            ) from None
        missing = missing_essentials(objects)
        if missing and not force:
            raise CommandError(
                f"restore refused, nothing was changed: {path} has no {' and no '.join(missing)}; "
                "pass --force to restore it anyway"
            )
        if not yes and input("This replaces everything in the database. Type 'yes' to go on: ").strip() != "yes":
            raise CommandError("restore cancelled")
        # The text version only ever rises, though flush empties its table: a worker holding an index
        # of some version must never take the restored texts for the ones it indexed.
        text_version = TextVersion.current()
        try:
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                load(objects)
                TextVersion.objects.update_or_create(pk=1, defaults={"value": text_version + 1})
        except Exception as error:
            raise CommandError(f"restore failed, nothing was changed: {error}".splitlines()[0]) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {len(objects)} objects from {path}"))
        call_command("build_indexes", stdout=self.stdout)


def missing_essentials(objects: list[dict]) -> list[str]:
    """A reading room with no people or no papers is almost surely a mistake, not a state to go back to."""
    held = {obj["model"] for obj in objects}
    essentials = {"users": get_user_model()._meta.label_lower, "papers": "readings.paper"}
    return [name for name, label in essentials.items() if label not in held]


def load(objects: list[dict], using: str = DEFAULT_DB_ALIAS) -> None:
    """What loaddata does with one fixture file, for objects already read and checked.

    Objects are saved raw with foreign-key checks deferred (natural keys may point forward), then the
    keys are checked and the primary-key sequences moved past the restored rows.
    """
    connection = connections[using]
    models, deferred = set(), []
    with connection.constraint_checks_disabled():
        for obj in serializers.deserialize("python", objects, using=using, handle_forward_references=True):
            obj.save(using=using)
            models.add(type(obj.object))
            if obj.deferred_fields:
                deferred.append(obj)
        for obj in deferred:
            obj.save_deferred_fields(using=using)
    connection.check_constraints(table_names=[model._meta.db_table for model in models])
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
