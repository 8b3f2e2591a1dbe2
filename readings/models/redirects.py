"""Old permalinks of passages whose key changed: a paragraph split, renumbered or its section renamed."""

from django.db import models
from django.db.models import Q
from django.utils import timezone

from .corpus import Paper, Passage


class PassageRedirect(models.Model):
    """The key a passage had before (paper, section key, ordinal), and the passage it is now.

    An old key no passage has any more answers with a permanent redirect; an old key that another
    passage now has (ordinals shifted within a section) shows that passage a notice instead, because
    its permalink cannot both stay and move.
    """

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="passage_redirects")
    section_key = models.SlugField(max_length=80, allow_unicode=True)
    ordinal = models.PositiveIntegerField()
    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="redirects")
    created = models.DateTimeField(default=timezone.now, help_text="When the passage left this key.")

    class Meta:
        ordering = ["paper", "section_key", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "section_key", "ordinal"], name="passageredirect_old_key_unique"),
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="passageredirect_ordinal_from_1"),
        ]

    def __str__(self):
        return f"{self.paper_id}/{self.section_key}/{self.ordinal} → {self.passage_id}"
