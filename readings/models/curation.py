"""Curation: themes and the contrasts that set official and critical passages side by side."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Q
from django.urls import reverse

from ..roles import edits_public_themes
from .corpus import Passage, Stance
from .rendered import COMMENTARY_MAX_LENGTH, INTRODUCTION_MAX_LENGTH, RenderedMarkdown, length_at_most, markdown_source
from .seminars import Seminar

PUBLISH_NEEDS_A_CONTRAST = (
    "A theme is published with at least one published contrast: publish one of its contrasts first "
    "(readers would otherwise open an empty theme)."
)

# Who reads and who edits a theme, as conditions on the theme reached through `to_theme` ("" for a
# theme, "theme__" for a contrast, "contrast__theme__" for a contrast's passage), so that every
# page, fragment, export, API answer and admin list filters by the same rule in its own query.
# A subquery (not a list fetched first) keeps each page's query count what it was.


def lookups(to_theme, **conditions) -> Q:
    return Q(**{to_theme + name: value for name, value in conditions.items()})


def themes_editable_by(user, to_theme="") -> Q:
    """Superusers edit every theme; editors the public ones; instructors those of the seminars they instruct."""
    if not (user.is_authenticated and user.is_active):
        return lookups(to_theme, pk__in=[])
    if user.is_superuser:
        return lookups(to_theme, pk__isnull=False)  # not Q(): Q() | x is x, not "everything"
    rule = lookups(to_theme, pk__in=[])
    if user.has_perm("readings.change_theme"):  # the Instructors group's, gone with the last instructor role
        instructed = Seminar.objects.instructed_by(user).active().values("pk")
        rule |= lookups(to_theme, seminar__in=instructed)
    if edits_public_themes(user):
        rule |= lookups(to_theme, seminar__isnull=True)
    return rule


def themes_readable_by(user, to_theme="") -> Q:
    """Published public themes for everyone, published seminar themes for the seminar's members, drafts for their editors."""
    public = lookups(to_theme, seminar__isnull=True)
    if user.is_authenticated:
        public |= lookups(to_theme, seminar__in=Seminar.objects.filter(memberships__user=user).values("pk"))
    return (lookups(to_theme, is_published=True) & public) | themes_editable_by(user, to_theme)


def contrasts_readable_by(user, to_contrast="") -> Q:
    """Published contrasts of the themes the user reads; draft contrasts only for those who edit their theme."""
    to_theme = to_contrast + "theme__"
    return themes_readable_by(user, to_theme) & (
        lookups(to_contrast, is_published=True) | themes_editable_by(user, to_theme)
    )


class ThemeQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def readable_by(self, user):
        """The themes the user may open: the published ones they may read, and the drafts they may edit."""
        return self.filter(themes_readable_by(user))

    def editable_by(self, user):
        return self.filter(themes_editable_by(user))


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

    def clean(self):
        super().clean()
        if self.is_published and not (self.pk and self.contrasts.filter(is_published=True).exists()):
            raise ValidationError({"is_published": PUBLISH_NEEDS_A_CONTRAST})

    def is_editable_by(self, user) -> bool:
        return Theme.objects.editable_by(user).filter(pk=self.pk).exists()

    def contrasts_for_reading(self, user=None):
        """The contrasts the user may read (no user: any reader), in order, with their passages, in three queries."""
        # Official first, as the page sets them side by side (alphabetical order would put "critical" first).
        official_first = models.Case(models.When(side=Stance.OFFICIAL, then=0), default=1)
        sides = ContrastPassage.objects.select_related("passage__paper", "passage__section").order_by(
            official_first, "order"
        )
        contrasts = self.contrasts.readable_by(user) if user is not None else self.contrasts.published()
        return contrasts.order_by("order").prefetch_related(models.Prefetch("contrast_passages", queryset=sides))


class ContrastQuerySet(models.QuerySet):
    def published(self):
        """Published contrasts of published themes (whoever the theme's readers are)."""
        return self.filter(is_published=True, theme__is_published=True)

    def readable_by(self, user):
        return self.filter(contrasts_readable_by(user))


class ContrastManager(models.Manager.from_queryset(ContrastQuerySet)):
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

    def clean(self):
        super().clean()
        before = Contrast.objects.filter(pk=self.pk).values("is_published", "theme_id").first() if self.pk else None
        if before and before["is_published"] and (not self.is_published or self.theme_id != before["theme_id"]):
            theme = Theme.objects.get(pk=before["theme_id"])
            if theme.is_published and not theme.contrasts.filter(is_published=True).exclude(pk=self.pk).exists():
                raise ValidationError(
                    {
                        "is_published": f"This is the last published contrast of “{theme}”, which is published: "
                        "unpublish the theme first, or publish another of its contrasts."
                    }
                )

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


class ContrastPassageQuerySet(models.QuerySet):
    def published(self):
        return self.filter(contrast__is_published=True, contrast__theme__is_published=True)

    def readable_by(self, user):
        return self.filter(contrasts_readable_by(user, "contrast__"))


class ContrastPassageManager(models.Manager.from_queryset(ContrastPassageQuerySet)):
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
