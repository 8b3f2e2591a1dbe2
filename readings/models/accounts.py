"""What the accounts side keeps: each reader's settings, and password-reset requests, counted to limit them."""

from django.conf import settings
from django.db import models

from .seminars import Seminar


class ReaderSettings(models.Model):
    """A reader's choices the site remembers between visits (made on first use: `for_user`)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reader_settings")
    # "Share with": None is "Only me"; a seminar the reader has since left falls back to "Only me".
    share_with = models.ForeignKey(Seminar, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    hide_others_highlights = models.BooleanField(default=False)
    email_notifications = models.BooleanField(
        default=False, help_text="Also send notifications by email (sent in batches by send_notifications)."
    )

    class Meta:
        verbose_name_plural = "reader settings"

    def __str__(self):
        return f"settings of {self.user}"

    @classmethod
    def for_user(cls, user):
        """The reader's settings; defaults (unsaved) for a reader who never changed any."""
        try:
            return user.reader_settings
        except cls.DoesNotExist:
            return cls(user=user)


class PasswordResetRequest(models.Model):
    """A password-reset mail let through, kept for the window in which resets are limited."""

    email_key = models.CharField(max_length=64)  # keyed hash of the normalised e-mail address
    address = models.GenericIPAddressField(null=True)
    requested_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["email_key", "requested_at"]),
            models.Index(fields=["address", "requested_at"]),
            models.Index(fields=["requested_at"]),
        ]

    def __str__(self):
        return f"password reset requested at {self.requested_at:%Y-%m-%d %H:%M}"
