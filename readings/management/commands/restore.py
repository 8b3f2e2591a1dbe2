"""Replace the database's contents with a backup written by `backup`, all or nothing."""

from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction


class Command(BaseCommand):
    help = "Restore a backup made with `manage.py backup`. If anything fails, nothing changes."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing the current contents")

    def handle(self, *args, path: Path, yes: bool, **options):
        if not path.is_file():
            raise CommandError(f"no such backup file: {path}")
        if not yes and input("This replaces everything in the database. Type 'yes' to go on: ").strip() != "yes":
            raise CommandError("restore cancelled")
        try:
            with transaction.atomic():
                call_command("flush", interactive=False, verbosity=0)
                call_command("loaddata", str(path), verbosity=0)
        except Exception as error:
            raise CommandError(f"restore failed, nothing was changed: {error}".splitlines()[0]) from error
        self.stdout.write(self.style.SUCCESS(f"Restored {path}"))
