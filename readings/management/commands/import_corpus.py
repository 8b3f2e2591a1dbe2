"""Rebuild the shipped corpus fixture from the raw texts in fixtures/sources and the curation file."""

import json
from io import StringIO
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from readings.importer import CURATION_FILE

CORPUS_MODELS = ["readings.paper", "readings.section", "readings.passage", "readings.editorialnote"]


class Command(BaseCommand):
    help = "Import every curated source in fixtures/sources, then write fixtures/corpus.json."

    def add_arguments(self, parser):
        parser.add_argument("--output", type=Path, default=settings.BASE_DIR / "fixtures" / "corpus.json")
        parser.add_argument("--no-dump", action="store_true", help="import only; do not write the fixture")

    def handle(self, *args, output: Path, no_dump: bool, **options):
        sources = settings.BASE_DIR / "fixtures" / "sources"
        for name in json.loads(CURATION_FILE.read_text(encoding="utf-8")):
            call_command(
                "import_paper", str(sources / name), "--no-build-indexes", stdout=self.stdout, stderr=self.stderr
            )
        call_command("build_indexes", stdout=self.stdout)
        if no_dump:
            return
        buffer = StringIO()
        call_command("dumpdata", *CORPUS_MODELS, natural_foreign=True, natural_primary=True, indent=1, stdout=buffer)
        output.write_text(buffer.getvalue(), encoding="utf-8")
        self.stdout.write(self.style.SUCCESS(f"Wrote {output}"))
