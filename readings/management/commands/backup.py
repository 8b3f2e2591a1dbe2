"""Write everything the reading room stores to one JSON file that `restore` reads back."""

import json
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Sessions and the cache are not worth restoring; permissions and content types are rebuilt by migrate.
EXCLUDED = ["sessions", "contenttypes", "auth.permission", "admin.logentry"]


class Command(BaseCommand):
    help = "Back up the whole database (papers, themes, people, annotations) to a JSON file."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if path.exists():
            raise CommandError(f"{path} exists; choose a new file name")
        tmp = path.with_name(path.name + ".partial")
        call_command(
            "dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, output=str(tmp), verbosity=0
        )
        count = len(json.loads(tmp.read_text(encoding="utf-8")))
        tmp.rename(path)  # a backup file is either complete or absent
        self.stdout.write(self.style.SUCCESS(f"Backed up {count} objects to {path}"))
