"""Import (or re-import) one paper from a PDF, or from a plain-text or Markdown extraction."""

from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from readings.importer import Curation, import_parsed, load_curation
from readings.ingest.pipeline import parse_pdf_source, parse_source
from readings.ingest.types import IngestError
from readings.models import Stance
from readings.pdf_import import megabytes, pdf_limits


class Command(BaseCommand):
    help = (
        "Import a paper from a PDF, text or Markdown file, repairing extraction damage. "
        "Re-importing the same file updates it in place and keeps passage keys. "
        "Curation in fixtures/curation.json for a file of the same name is applied."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--stance", choices=Stance.values, help="official or critical")
        parser.add_argument(
            "--title", help="title to use; marked as supplied by the editor unless the source prints it"
        )
        parser.add_argument("--authors", default=None)
        parser.add_argument("--year", type=int, default=None)
        parser.add_argument("--venue", default=None)
        parser.add_argument("--doi", default=None)
        parser.add_argument("--url", default=None)
        parser.add_argument("--slug", default=None)
        parser.add_argument(
            "--format", choices=["auto", "text", "markdown", "pdf"], default="auto", help="auto: .pdf files are PDFs"
        )
        parser.add_argument(
            "--no-build-indexes",
            action="store_true",
            help="leave the term and counterpoint indexes to a later build_indexes (when importing many papers)",
        )

    def handle(self, *args, path: Path, **options):
        curation = load_curation(path.name) or Curation()
        for name in ("stance", "title", "authors", "year", "venue", "doi", "url", "slug"):
            if options[name] is not None:
                setattr(curation, name, options[name])
        if options["title"] is not None:
            curation.title_supplied = True
        if not curation.stance:
            raise CommandError("--stance is required (official or critical)")
        pdf = options["format"] == "pdf" or (options["format"] == "auto" and path.suffix.lower() == ".pdf")
        try:
            if pdf and path.stat().st_size > settings.READING_ROOM_PDF_MAX_BYTES:
                raise CommandError(
                    f"{path.name} is larger than {megabytes(settings.READING_ROOM_PDF_MAX_BYTES)} "
                    "(READING_ROOM_PDF_MAX_BYTES)"
                )
            raw = path.read_bytes()
        except FileNotFoundError:
            raise CommandError(f"no such file: {path}") from None
        except IsADirectoryError:
            raise CommandError(f"{path} is a directory, not a file") from None
        except OSError as error:
            raise CommandError(f"cannot read {path}: {error.strerror}") from None
        try:
            self.stderr.write(f"Reading and repairing {path.name}…")
            if pdf:
                parsed = parse_pdf_source(raw, pdf_limits(), progress=self.progress)
                self.stderr.write("")
                for warning in parsed.warnings:
                    self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
            else:
                parsed = parse_source(raw, options["format"])
            self.stderr.write(f"Writing {len(parsed.sections)} sections…")
            paper = import_parsed(parsed, curation, path.name, progress=self.stderr.write)
        except IngestError as error:
            raise CommandError(f"{path.name}: {error}") from None
        count = paper.passages.count()
        self.stdout.write(
            self.style.SUCCESS(f"Imported {paper.slug}: {paper.sections.count()} sections, {count} passages.")
        )
        if not options["no_build_indexes"]:
            # Now, rather than in the first worker that notices the new text version.
            call_command("build_indexes", stdout=self.stdout)

    def progress(self, message: str) -> None:
        # One line redrawn in place on a terminal; one line per page otherwise (a log keeps them all).
        if self.stderr.isatty():
            self.stderr.write(f"\r  {message}", ending="")
            self.stderr.flush()
        else:
            self.stderr.write(f"  {message}")
