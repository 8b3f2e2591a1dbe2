"""Email each reader who asked for it their new notifications, one email each: for cron."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from readings.notifications import readers_awaiting_email, send_digest


class Command(BaseCommand):
    help = (
        "Send one email to each reader who opted in, with their unread notifications not emailed yet. "
        "Safe to run again, or twice at once: each notification is emailed at most once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            default=settings.READING_ROOM_SITE_URL,
            help="Where the links in the emails point (default: READING_ROOM_SITE_URL, %(default)s).",
        )

    def handle(self, *args, site_url, **options):
        emails = notifications = failures = 0
        for reader in readers_awaiting_email().iterator():
            try:
                sent = send_digest(reader, site_url)
            except Exception as error:  # one unreachable address must not stop everyone else's mail
                failures += 1
                self.stderr.write(f"Could not email {reader.get_username()}: {error}")
                continue
            if sent:
                emails += 1
                notifications += sent
        self.stdout.write(f"Sent {emails} email(s) telling of {notifications} notification(s).")
        if failures:
            # A non-zero exit, so cron tells someone.
            raise CommandError(f"{failures} email(s) failed; their notifications will be tried again next time.")
