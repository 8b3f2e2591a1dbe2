"""Reading assignments: what a seminar reads by when, and whether students annotate before they see others."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from ..roles import Role
from .corpus import Paper, Passage, Section
from .curation import ContrastPassage, Theme
from .rendered import ANNOTATION_MAX_LENGTH, RenderedMarkdown, length_at_most, markdown_source
from .seminars import Seminar

INSTRUCTIONS_MAX_LENGTH = ANNOTATION_MAX_LENGTH
GATE_MAX = 20  # "annotate N times before you see others": more than a handful is a chore, not a prompt


DUE_SOON = timedelta(days=7)


class AssignmentQuerySet(models.QuerySet):
    def opened(self, now=None):
        return self.filter(opens_at__lte=now or timezone.now())

    def seen_by(self, membership):
        """What a member of the seminar sees: instructors every assignment, students those that have opened."""
        assignments = self.filter(seminar=membership.seminar_id)
        return assignments if membership.role == Role.INSTRUCTOR else assignments.opened()


class Assignment(RenderedMarkdown):
    class Kind(models.TextChoices):
        THEME = "theme", "A theme"
        PAPER = "paper", "A paper"
        SECTIONS = "sections", "Sections of papers"

    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="assignments")
    title = models.CharField(max_length=200)
    instructions = markdown_source(INSTRUCTIONS_MAX_LENGTH, blank=True, help_text="Markdown.")
    instructions_html = models.TextField(blank=True, editable=False)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    # The reading: exactly one of theme, paper or sections, as `kind` says.
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments")
    paper = models.ForeignKey(Paper, on_delete=models.PROTECT, null=True, blank=True, related_name="assignments")
    sections = models.ManyToManyField(Section, blank=True, related_name="assignments")
    opens_at = models.DateTimeField(default=timezone.now)
    due_at = models.DateTimeField()
    # "Annotate before you see others": until a student has shared this many annotations in the
    # reading, they see only their own and the instructors' notes there. 0: no such rule.
    gate = models.PositiveSmallIntegerField(
        default=0,
        help_text="Annotations a student shares in this reading before they see their classmates' notes there (0: none).",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created = models.DateTimeField(auto_now_add=True)

    objects = AssignmentQuerySet.as_manager()
    markdown_fields = {"instructions": "instructions_html"}

    class Meta:
        ordering = ["seminar", "due_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=["theme", "paper", "sections"]), name="assignment_kind_valid"),
            models.CheckConstraint(
                condition=(
                    Q(kind="theme", theme__isnull=False, paper__isnull=True)
                    | Q(kind="paper", paper__isnull=False, theme__isnull=True)
                    | Q(kind="sections", theme__isnull=True, paper__isnull=True)
                ),
                name="assignment_reading_matches_kind",
            ),
            models.CheckConstraint(condition=Q(due_at__gt=models.F("opens_at")), name="assignment_due_after_opening"),
            models.CheckConstraint(condition=Q(gate__lte=GATE_MAX), name="assignment_gate_at_most_max"),
            length_at_most("instructions", INSTRUCTIONS_MAX_LENGTH, "assignment_instructions_length"),
        ]
        indexes = [models.Index(fields=["seminar", "due_at"], name="assignment_seminar_due")]

    def __str__(self):
        return f"{self.seminar}: {self.title}"

    def get_absolute_url(self):
        return reverse("readings:assignment-detail", args=[self.seminar.slug, self.pk])

    @property
    def is_open(self) -> bool:
        return self.opens_at <= timezone.now()

    @property
    def is_past_due(self) -> bool:
        return self.is_late(timezone.now())

    @property
    def is_due_soon(self) -> bool:
        return not self.is_past_due and self.due_at <= timezone.now() + DUE_SOON

    def is_late(self, when) -> bool:
        """Late work is allowed, and marked: written after the due date."""
        return when > self.due_at

    def reading_q(self, prefix: str = "") -> Q:
        """The assignment's passages as a condition on Passage (prefix "passage__" from an Annotation)."""
        if self.kind == self.Kind.THEME:
            in_theme = ContrastPassage.objects.filter(passage=OuterRef(f"{prefix}id"), contrast__theme=self.theme_id)
            return Q(Exists(in_theme))
        if self.kind == self.Kind.PAPER:
            return Q(**{f"{prefix}paper_id": self.paper_id})
        in_sections = Assignment.sections.through.objects.filter(assignment=self.pk).values("section_id")
        return Q(**{f"{prefix}section_id__in": in_sections})

    def passages(self):
        return Passage.objects.filter(self.reading_q())
