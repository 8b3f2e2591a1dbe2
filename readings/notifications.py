"""Who is told of a new note: the people a reply answers, and a seminar's members of its instructors' notes."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Annotation, Membership, Notification
from .roles import Role


def notify_about(annotation):
    """Make the notifications a new annotation or reply calls for; returns them.

    A reply tells the people in its thread (the author of the note it answers and of the replies
    before it: a thread is one conversation). A top-level note an instructor of the seminar shares
    with it tells the seminar's other members. Only members of the seminar the note is shared
    with now are told, which is exactly who Annotation.objects.visible_to lets see a seminar
    note; a private note tells nobody, and nobody is told of their own note. A few small queries
    and one insert: cheap enough to run inside the transaction that saves the note.
    """
    if annotation.visibility != Annotation.Visibility.SEMINAR or annotation.is_hidden:
        return []
    if annotation.parent_id is not None:
        kind = Notification.Kind.REPLY
        thread = Annotation.objects.filter(
            Q(pk=annotation.parent_id) | Q(parent_id=annotation.parent_id), deleted_at__isnull=True
        )
        candidates = Q(pk__in=thread.values("author_id"))
    else:
        led_by_author = Membership.objects.filter(
            seminar_id=annotation.seminar_id, user_id=annotation.author_id, role=Role.INSTRUCTOR
        ).exists()
        if not led_by_author:
            return []
        kind = Notification.Kind.INSTRUCTOR_NOTE
        candidates = Q()
    recipients = (
        get_user_model()
        .objects.filter(candidates, is_active=True, memberships__seminar_id=annotation.seminar_id)
        .exclude(pk=annotation.author_id)
        .values_list("pk", flat=True)
    )
    notifications = [Notification(recipient_id=pk, kind=kind, annotation=annotation) for pk in recipients]
    # A notification is made once: unique per (recipient, annotation, kind) in the database.
    return Notification.objects.bulk_create(notifications, ignore_conflicts=True)


DIGEST_MAX_NOTIFICATIONS = 100  # per email; the rest go in the next round


def readers_awaiting_email():
    """Readers who asked for email, can receive it, and have unread notifications not yet emailed."""
    waiting = Notification.objects.filter(recipient=OuterRef("pk"), read_at__isnull=True, emailed_at__isnull=True)
    return (
        get_user_model()
        .objects.filter(Exists(waiting), reader_settings__email_notifications=True, is_active=True)
        .exclude(email="")
        .order_by("pk")
    )


def claim_for_email(reader):
    """Mark the reader's unsent, unread notifications emailed, and return those this call marked.

    The UPDATE ... WHERE emailed_at IS NULL is the claim: of two rounds running at once, each row
    goes to exactly one (on PostgreSQL the second waits for the first's row locks and then finds
    emailed_at set; SQLite has one writer), so nobody gets the same notification twice.
    """
    now = timezone.now()
    wanted = list(
        Notification.objects.for_reader(reader)
        .unread()
        .filter(emailed_at__isnull=True)
        .values_list("pk", flat=True)[:DIGEST_MAX_NOTIFICATIONS]
    )
    Notification.objects.filter(pk__in=wanted, emailed_at__isnull=True).update(emailed_at=now)
    return list(
        Notification.objects.filter(pk__in=wanted, emailed_at=now).select_related(
            "annotation__author", "annotation__seminar", "annotation__parent", "annotation__passage__paper"
        )
    )


def send_digest(reader, site_url):
    """One email with the reader's new notifications; how many it told of (0: nothing to send).

    Claimed before sending, so a crash may lose an email (the notifications stay on the site)
    but never sends one twice; a refused send gives the claim back for the next round.
    """
    notifications = claim_for_email(reader)
    if not notifications:
        return 0
    context = {"reader": reader, "notifications": notifications, "site_url": site_url.rstrip("/")}
    count = len(notifications)
    subject = f"{count} new notification{'s' if count != 1 else ''} in the Soft Power Reading Room"
    try:
        send_mail(subject, render_to_string("readings/notifications_email.txt", context), None, [reader.email])
    except Exception:
        Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=None)
        raise
    return count
