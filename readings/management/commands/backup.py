"""Write everything the reading room stores to one JSON file that `restore` reads back."""

import io
import json
import os
import tempfile
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from readings.backups import make_document

# Sessions and the cache are not worth restoring; permissions and content types are rebuilt by migrate;
# the text indexes are rebuilt from the texts (restore runs build_indexes) and their version moves on.
EXCLUDED = [
    "sessions",
    "contenttypes",
    "auth.permission",
    "admin.logentry",
    "readings.storedindex",
    "readings.textversion",
]


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
        document = make_document(json.loads(dump.getvalue()), created=timezone.now().isoformat(timespec="seconds"))
        write_privately(path, document)
        counts = document["counts"]
        users, papers = counts.get(get_user_model()._meta.label_lower, 0), counts.get("readings.paper", 0)
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up {len(document['objects'])} objects ({users} users, {papers} papers) to {path}"
            )
        )
        if not users or not papers:
            self.stderr.write(self.style.WARNING("This backup has no users or no papers: restore will need --force."))


def write_privately(path: Path, document: dict) -> None:
    """Write the file as the owner's alone (it holds password hashes and private notes), complete or not at all.

    mkstemp creates the temporary file with mode 0600 from the start, so there is no moment when others
    may open it; linking it into place refuses to replace a file that appeared meanwhile.
    """
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".partial")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(document, file, ensure_ascii=False, indent=1)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.link(tmp, path)
    except FileExistsError:
        raise CommandError(f"{path} exists; choose a new file name") from None
    finally:
        os.unlink(tmp)
