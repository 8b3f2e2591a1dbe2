"""What every page's header shows a signed-in reader: their seminars and unread notifications."""

from functools import cached_property
from urllib.parse import quote

from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from .models import Assignment, Notification, Seminar

# The sign-in link brings a visitor back to the page they were on, query string included, unless the
# address is long: every page would echo whatever a URL carried (search and terms read 80 characters).
NEXT_MAX_LENGTH = 80


class ReaderHeader:
    """Looked up only when the header reads it (one query each), so fragments and anonymous pages pay nothing."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def seminars(self):
        """The reader's seminars, each with its next due open assignment (`next_title`, `next_pk`, `next_due`).

        Subqueries of the one query, not a query per seminar.
        """
        now = timezone.now()
        next_due = Assignment.objects.filter(seminar=OuterRef("pk"), opens_at__lte=now, due_at__gt=now).order_by(
            "due_at", "pk"
        )
        return list(
            Seminar.objects.filter(memberships__user=self.user)
            .annotate(
                next_pk=Subquery(next_due.values("pk")[:1]),
                next_title=Subquery(next_due.values("title")[:1]),
                next_due=Subquery(next_due.values("due_at")[:1]),
            )
            .order_by("name")
        )

    @cached_property
    def unread_count(self):
        return Notification.objects.for_reader(self.user).unread().count()


def reader_header(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        back = request.get_full_path()
        if len(back) > NEXT_MAX_LENGTH:
            back = request.path
        return {"sign_in_url": f"{reverse('login')}?next={quote(back, safe='/')}"}
    return {"reader_header": ReaderHeader(user)}
