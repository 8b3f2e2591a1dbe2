"""Notifications: what a reader is told of (a reply to their note, an instructor's note in their seminar)."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q

from .annotations import Annotation


class NotificationQuerySet(models.QuerySet):
    def unread(self):
        return self.filter(read_at__isnull=True)

    def for_reader(self, user):
        """A reader's notifications of what they may still see: a note hidden since, or in a seminar they
        have left, drops out of their list and count (Annotation.objects.visible_to decides).

        Asked of each notification's own note (EXISTS on its primary key), not as `annotation IN (every
        note the reader may see)`: SQLite built that list by reading all of the seminars' notes, on
        every page of a reader with one unread notification.
        """
        still_visible = Annotation.objects.visible_to(user).filter(pk=OuterRef("annotation_id"))
        return self.filter(Exists(still_visible), recipient=user)


class Notification(models.Model):
    class Kind(models.TextChoices):
        REPLY = "reply", "Reply to your note"
        INSTRUCTOR_NOTE = "instructor_note", "Instructor's note in your seminar"

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    # The reply or the instructor's note the reader is told of; deleting it withdraws the notification.
    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="notifications")
    created = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "annotation", "kind"], name="notification_once"),
            models.CheckConstraint(condition=Q(kind__in=["reply", "instructor_note"]), name="notification_kind_valid"),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self):
        return f"{self.get_kind_display()} for {self.recipient}"
