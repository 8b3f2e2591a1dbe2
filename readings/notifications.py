"""Who is told of a new note: the people a reply answers, and a seminar's members of its instructors' notes."""

from django.contrib.auth import get_user_model
from django.db.models import Q

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
