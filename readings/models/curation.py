"""Curation: themes and the contrasts that set official and critical passages side by side."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse

from .corpus import Passage, Stance
from .rendered import COMMENTARY_MAX_LENGTH, INTRODUCTION_MAX_LENGTH, RenderedMarkdown, length_at_most, markdown_source
from .seminars import Seminar


class ThemeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def readable_by(self, user):
        """Published themes; curators also preview the unpublished ones they are working on."""
        return self if user.has_perm("readings.change_theme") else self.published()


class ThemeManager(models.Manager.from_queryset(ThemeQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Theme(RenderedMarkdown):
    slug = models.SlugField(max_length=80, unique=True)
    title = models.CharField(max_length=200)
    question = models.CharField(max_length=400, help_text="The seminar question the theme asks.")
    introduction = markdown_source(INTRODUCTION_MAX_LENGTH, blank=True, help_text="Markdown.")
    introduction_html = models.TextField(blank=True, editable=False)
    order = models.PositiveSmallIntegerField(unique=True)
    # A theme starts as a draft, seen only by those who may edit it, and is published by a deliberate act.
    is_published = models.BooleanField(default=False)
    # Empty for the public themes (edited by editors); a seminar's own theme is read by its members
    # and edited by its instructors.
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, null=True, blank=True, related_name="themes")

    objects = ThemeManager()
    markdown_fields = {"introduction": "introduction_html"}

    class Meta:
        ordering = ["order"]
        constraints = [length_at_most("introduction", INTRODUCTION_MAX_LENGTH, "theme_introduction_length")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("readings:theme-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    def contrasts_for_reading(self):
        """The contrasts in order, each with its passages, papers and sections, in three queries."""
        # Official first, as the page sets them side by side (alphabetical order would put "critical" first).
        official_first = models.Case(models.When(side=Stance.OFFICIAL, then=0), default=1)
        sides = ContrastPassage.objects.select_related("passage__paper", "passage__section").order_by(
            official_first, "order"
        )
        return self.contrasts.order_by("order").prefetch_related(models.Prefetch("contrast_passages", queryset=sides))


class ContrastManager(models.Manager):
    def get_by_natural_key(self, theme_slug, order):
        return self.get(theme__slug=theme_slug, order=order)


class Contrast(RenderedMarkdown):
    theme = models.ForeignKey(Theme, on_delete=models.CASCADE, related_name="contrasts")
    order = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200, blank=True, help_text="A short label for the contrast.")
    commentary = markdown_source(COMMENTARY_MAX_LENGTH, blank=True, help_text="The editor's commentary, Markdown.")
    commentary_html = models.TextField(blank=True, editable=False)
    passages = models.ManyToManyField(Passage, through="ContrastPassage", related_name="contrasts")
    is_published = models.BooleanField(default=False)

    objects = ContrastManager()
    markdown_fields = {"commentary": "commentary_html"}

    class Meta:
        ordering = ["theme", "order"]
        constraints = [
            models.UniqueConstraint(fields=["theme", "order"], name="contrast_order_unique_in_theme"),
            length_at_most("commentary", COMMENTARY_MAX_LENGTH, "contrast_commentary_length"),
        ]

    def __str__(self):
        return f"{self.theme}: {self.title or self.order}"

    def natural_key(self):
        return (self.theme.slug, self.order)

    natural_key.dependencies = ["readings.theme"]

    @transaction.atomic
    def set_sides(self, official, critical):
        """Replace both sides at once; a contrast is never left with an empty side."""
        official, critical = list(official), list(critical)
        validate_sides(official, critical)
        self.contrast_passages.all().delete()
        ContrastPassage.objects.bulk_create(
            [
                ContrastPassage(contrast=self, passage=p, side=Stance.OFFICIAL, order=i)
                for i, p in enumerate(official, 1)
            ]
            + [
                ContrastPassage(contrast=self, passage=p, side=Stance.CRITICAL, order=i)
                for i, p in enumerate(critical, 1)
            ]
        )


def validate_sides(official, critical):
    errors = []
    if not official:
        errors.append("A contrast needs at least one official-discourse passage.")
    if not critical:
        errors.append("A contrast needs at least one critical-analysis passage.")
    for side, passages in ((Stance.OFFICIAL, official), (Stance.CRITICAL, critical)):
        for passage in passages:
            if passage.paper.stance != side:
                errors.append(f"{passage.key} is not {Stance(side).label.lower()}.")
    if errors:
        raise ValidationError(errors)


class ContrastPassageManager(models.Manager):
    def get_by_natural_key(self, theme_slug, order, paper_slug, section_key, ordinal):
        return self.get(
            contrast__theme__slug=theme_slug,
            contrast__order=order,
            passage__section__paper__slug=paper_slug,
            passage__section__key=section_key,
            passage__ordinal=ordinal,
        )


class ContrastPassage(models.Model):
    contrast = models.ForeignKey(Contrast, on_delete=models.CASCADE, related_name="contrast_passages")
    passage = models.ForeignKey(Passage, on_delete=models.PROTECT, related_name="contrast_passages")
    side = models.CharField(max_length=16, choices=Stance.choices)
    order = models.PositiveSmallIntegerField(default=1)

    objects = ContrastPassageManager()

    class Meta:
        ordering = ["contrast", "side", "order"]
        constraints = [
            models.UniqueConstraint(fields=["contrast", "passage"], name="contrastpassage_once_per_contrast"),
            models.UniqueConstraint(fields=["contrast", "side", "order"], name="contrastpassage_order_unique"),
            models.CheckConstraint(condition=Q(side__in=Stance.values), name="contrastpassage_side_valid"),
        ]

    def __str__(self):
        return f"{self.get_side_display()}: {self.passage.key}"

    def natural_key(self):
        return self.contrast.natural_key() + self.passage.natural_key()

    natural_key.dependencies = ["readings.contrast", "readings.passage"]
