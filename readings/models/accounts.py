"""What the accounts side keeps: password-reset requests, counted to limit them."""

from django.db import models


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
