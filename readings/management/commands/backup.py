"""Write everything the reading room stores to one JSON file that `restore` reads back."""

import io
import json
import os
import tempfile
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

# Sessions and the cache are not worth restoring; permissions and content types are rebuilt by migrate.
EXCLUDED = ["sessions", "contenttypes", "auth.permission", "admin.logentry"]


class Command(BaseCommand):
    help = "Back up the whole database (papers, themes, people, annotations) to a JSON file only you can read."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)

    def handle(self, *args, path: Path, **options):
        if path.exists():
            raise CommandError(f"{path} exists; choose a new file name")
        if not path.parent.is_dir():
            raise CommandError(f"no such folder: {path.parent}")
        dump = io.StringIO()
        call_command("dumpdata", exclude=EXCLUDED, natural_foreign=True, natural_primary=True, stdout=dump)
        write_privately(path, dump.getvalue())
        count = len(json.loads(dump.getvalue()))
        self.stdout.write(self.style.SUCCESS(f"Backed up {count} objects to {path}"))


def write_privately(path: Path, text: str) -> None:
    """Write the file as the owner's alone (it holds password hashes and private notes), complete or not at all.

    mkstemp creates the temporary file with mode 0600 from the start, so there is no moment when others
    may open it; linking it into place refuses to replace a file that appeared meanwhile.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.link(tmp, path)
    except FileExistsError:
        raise CommandError(f"{path} exists; choose a new file name") from None
    finally:
        os.unlink(tmp)
