"""What every page's header shows a signed-in reader: their seminars and unread notifications."""

from functools import cached_property

from .models import Notification, Seminar


class ReaderHeader:
    """Looked up only when the header reads it (one query each), so fragments and anonymous pages pay nothing."""

    def __init__(self, user):
        self.user = user

    @cached_property
    def seminars(self):
        return list(Seminar.objects.filter(memberships__user=self.user).order_by("name"))

    @cached_property
    def unread_count(self):
        return Notification.objects.for_reader(self.user).unread().count()


def reader_header(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"reader_header": ReaderHeader(user)}
