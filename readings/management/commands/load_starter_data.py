"""Load the shipped corpus and starter themes into an empty database; leave a used one alone."""

from django.core.management import call_command
from django.core.management.base import BaseCommand

from readings.models import Paper, Theme


class Command(BaseCommand):
    help = "Load fixtures/corpus.json and fixtures/themes.json unless the database already has papers."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="load even if papers exist (overwrites them)")

    def handle(self, *args, force: bool, **options):
        if Paper.objects.exists() and not force:
            self.stdout.write("Corpus already loaded; nothing to do (use --force to reload).")
            return
        call_command("loaddata", "corpus", "themes", stdout=self.stdout)
        call_command("build_indexes", stdout=self.stdout)
        self.stdout.write(
            self.style.SUCCESS(f"Loaded {Paper.objects.count()} papers and {Theme.objects.count()} themes.")
        )
