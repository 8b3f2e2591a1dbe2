"""A PDF on its way into the corpus: read in the background, previewed, then confirmed or dropped."""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q


def new_token() -> str:
    return secrets.token_urlsafe(24)


class PdfImport(models.Model):
    class Status(models.TextChoices):
        READING = "reading", "Reading the PDF"
        READY = "ready", "Ready to confirm"
        FAILED = "failed", "Refused"
        IMPORTED = "imported", "Imported"

    # The URL names an import by this random token, not by its id: ids would let one editor
    # guess another's uploads (the view checks the owner all the same).
    token = models.CharField(max_length=40, unique=True, default=new_token, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="pdf_imports")
    file_name = models.CharField(max_length=200, help_text="The uploaded file's name, for people; never a path.")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.READING)
    progress = models.CharField(max_length=200, blank=True)
    error = models.TextField(blank=True)
    # The parsed paper (ingest.types.ParsedPaper as a dict) between reading and confirming.
    parsed = models.JSONField(null=True, blank=True)
    stance = models.CharField(max_length=16, blank=True)
    title = models.CharField(max_length=400, blank=True)
    authors = models.CharField(max_length=400, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    paper = models.ForeignKey("readings.Paper", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["reading", "ready", "failed", "imported"]), name="pdfimport_status_valid"
            ),
        ]

    def __str__(self):
        return f"{self.file_name} ({self.get_status_display()})"
