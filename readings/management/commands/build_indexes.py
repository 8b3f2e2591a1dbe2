"""Build the term and counterpoint indexes for the current text version and store them for every worker."""

from django.core.management.base import BaseCommand

from readings.analysis import store


class Command(BaseCommand):
    help = (
        "Build the term contrast and counterpoint indexes for the texts as they are now and store them in the "
        "database, where every worker loads them. Indexes already stored for this text version are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="build again even if stored for this version")
        parser.add_argument(
            "--wait",
            type=float,
            default=None,
            help="seconds to wait for another builder (default: as long as it takes)",
        )

    def handle(self, *args, force: bool, wait: float | None, **options):
        # The lock first, then the version: whoever held the lock may have stored this version already.
        with store.waiting_build_lock(wait):
            version = store.current_text_version()
            store.build_missing(version, force=force, report=self.stdout.write)
        self.stdout.write(self.style.SUCCESS(f"Indexes stored for text version {version}."))
