"""The corpus (papers, sections, passages), the seminar layer (themes, contrasts) and annotations."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import connection, models, transaction
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, Value
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse

from . import markdown
from .ingest.types import PASSAGE_MAX_LENGTH
from .roles import Role, sync_roles


class Stance(models.TextChoices):
    OFFICIAL = "official", "Official discourse"
    CRITICAL = "critical", "Critical analysis"


class PaperQuerySet(models.QuerySet):
    def official(self):
        return self.filter(stance=Stance.OFFICIAL)

    def critical(self):
        return self.filter(stance=Stance.CRITICAL)


class PaperManager(models.Manager.from_queryset(PaperQuerySet)):
    def get_by_natural_key(self, slug):
        return self.get(slug=slug)


class Paper(models.Model):
    slug = models.SlugField(max_length=80, unique=True)
    source_file = models.CharField(max_length=200, blank=True, help_text="The raw text this paper was imported from.")
    title = models.CharField(max_length=400)
    title_supplied = models.BooleanField(
        default=False, help_text="The source has no title page; the title is the editor's."
    )
    authors = models.CharField(max_length=400, blank=True, help_text="As the source prints them; empty when unknown.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    venue = models.CharField(max_length=400, blank=True)
    doi = models.CharField("DOI", max_length=200, blank=True)
    url = models.URLField("URL", blank=True)
    stance = models.CharField(max_length=16, choices=Stance.choices)
    language = models.CharField(max_length=16, default="en")
    abstract = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    objects = PaperManager()

    class Meta:
        ordering = ["order", "slug"]
        constraints = [
            models.CheckConstraint(condition=Q(stance__in=Stance.values), name="paper_stance_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="paper_title_not_empty"),
        ]

    def __str__(self):
        return self.display_title

    def get_absolute_url(self):
        return reverse("readings:paper-detail", args=[self.slug])

    def natural_key(self):
        return (self.slug,)

    @property
    def display_title(self) -> str:
        # Catalogues print a title the editor supplied in square brackets.
        return f"[{self.title}]" if self.title_supplied else self.title

    @property
    def short_citation(self) -> str:
        who = self.authors or "Anonymous"
        return f"{who} ({self.year})" if self.year else who


class SectionManager(models.Manager):
    def get_by_natural_key(self, paper_slug, key):
        return self.get(paper__slug=paper_slug, key=key)


class Section(models.Model):
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=80, allow_unicode=True, help_text="Stable; used in permalinks.")
    number = models.CharField(max_length=20, blank=True, help_text="As printed in the source, e.g. 3.2.1.")
    title = models.CharField(max_length=400)
    level = models.PositiveSmallIntegerField(default=1)
    ordinal = models.PositiveIntegerField()
    lang = models.CharField(max_length=16, blank=True, help_text="Only when it differs from the paper's language.")

    objects = SectionManager()

    class Meta:
        ordering = ["paper", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["paper", "key"], name="section_key_unique_in_paper"),
            models.UniqueConstraint(fields=["paper", "ordinal"], name="section_ordinal_unique_in_paper"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=6), name="section_level_1_to_6"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}".strip()

    def get_absolute_url(self):
        return reverse("readings:paper-detail", args=[self.paper.slug]) + f"#{self.key}"

    def natural_key(self):
        return (self.paper.slug, self.key)

    natural_key.dependencies = ["readings.paper"]

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()


class PassageQuerySet(models.QuerySet):
    def in_reading_order(self):
        return self.order_by("paper__order", "paper_id", "section__ordinal", "ordinal")

    def with_context(self):
        return self.select_related("paper", "section")

    def before(self, passage, count):
        """The `count` passages of the same paper just before `passage`, in reading order."""
        earlier = Q(section__ordinal__lt=passage.section.ordinal) | Q(
            section=passage.section, ordinal__lt=passage.ordinal
        )
        window = self.filter(earlier, paper_id=passage.paper_id).order_by("-section__ordinal", "-ordinal")[:count]
        return list(reversed(window.select_related("paper", "section")))

    def after(self, passage, count):
        later = Q(section__ordinal__gt=passage.section.ordinal) | Q(
            section=passage.section, ordinal__gt=passage.ordinal
        )
        window = self.filter(later, paper_id=passage.paper_id).order_by("section__ordinal", "ordinal")[:count]
        return list(window.select_related("paper", "section"))


class PassageManager(models.Manager.from_queryset(PassageQuerySet)):
    def get_by_natural_key(self, paper_slug, section_key, ordinal):
        return self.get(section__paper__slug=paper_slug, section__key=section_key, ordinal=ordinal)


class Passage(models.Model):
    class Kind(models.TextChoices):
        BODY = "body", "Body text"
        CAPTION = "caption", "Figure caption"
        TABLE = "table", "Table"
        QUOTE = "quote", "Block quotation"
        REFERENCE = "reference", "Reference-list entry"
        ITEM = "item", "List item"

    # `paper` repeats section.paper so that lists of passages filter and order without a
    # join; Passage.save() and a database trigger keep the two in agreement.
    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="passages")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="passages")
    ordinal = models.PositiveIntegerField(help_text="Position within its section, from 1; part of the permalink.")
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.BODY)
    # max_length gives the admin's form its limit and message; the constraints hold every other writer to it.
    text = models.TextField(max_length=PASSAGE_MAX_LENGTH)
    lang = models.CharField(max_length=16, blank=True, help_text="Only when it differs from the paper's language.")
    figure_text = models.TextField(
        blank=True,
        max_length=PASSAGE_MAX_LENGTH,
        help_text="Words printed inside a figure, kept verbatim as the extraction gave them.",
    )

    objects = PassageManager()

    class Meta:
        ordering = ["section__ordinal", "ordinal"]
        constraints = [
            models.UniqueConstraint(fields=["section", "ordinal"], name="passage_ordinal_unique_in_section"),
            models.CheckConstraint(condition=Q(ordinal__gte=1), name="passage_ordinal_from_1"),
            models.CheckConstraint(condition=~Q(text=""), name="passage_text_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("text"), PASSAGE_MAX_LENGTH), name="passage_text_length_capped"
            ),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("figure_text"), PASSAGE_MAX_LENGTH),
                name="passage_figure_text_length_capped",
            ),
        ]
        indexes = [models.Index(fields=["paper", "section", "ordinal"], name="passage_reading_order")]

    def __str__(self):
        return f"{self.key}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.paper_id = self.section.paper_id
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("readings:passage-detail", args=self.url_args)

    def natural_key(self):
        return (self.section.paper.slug, self.section.key, self.ordinal)

    natural_key.dependencies = ["readings.section"]

    @property
    def key(self) -> str:
        """The stable key: paper, section, ordinal."""
        return f"{self.paper.slug}/{self.section.key}/{self.ordinal}"

    @property
    def anchor(self) -> str:
        return f"{self.section.key}-{self.ordinal}"

    @property
    def stance(self) -> str:
        return self.paper.stance

    @property
    def url_args(self):
        return [self.paper.slug, self.section.key, self.ordinal]

    def citation(self, permalink: str) -> str:
        """A reference a student can paste: authors, year, title, section, paragraph, permalink."""
        paper = self.paper
        who = paper.authors or "[Author not named]"
        year = paper.year or "n.d."
        venue = f" {paper.venue}." if paper.venue else ""
        return (
            f"{who} ({year}). {paper.display_title}.{venue} {self.section.heading}, para. {self.ordinal}. {permalink}"
        )

    @property
    def table_rows(self) -> list[list[str]]:
        """A table passage is stored as text, one row a line, cells separated by ' | '."""
        return [[cell.strip() for cell in line.split(" | ")] for line in self.text.splitlines() if line.strip()]


class NoteKind(models.TextChoices):
    SUPPLIED_TITLE = "supplied-title", "Supplied title"
    METADATA = "metadata", "Metadata"
    REPAIR = "repair", "Mechanical repair"
    CITATION = "citation", "Citation marker"
    OCR = "ocr", "OCR correction"
    TABLE = "table", "Rebuilt table"
    STRUCTURE = "structure", "Structure"
    CORRECTION = "correction", "Editor’s correction"


class EditorialNote(models.Model):
    """An editorial intervention beyond mechanical repair, shown to readers where it applies."""

    Kind = NoteKind

    paper = models.ForeignKey(Paper, on_delete=models.CASCADE, related_name="editorial_notes")
    passage = models.ForeignKey(
        Passage, on_delete=models.CASCADE, null=True, blank=True, related_name="editorial_notes"
    )
    kind = models.CharField(max_length=20, choices=NoteKind.choices)
    original = models.TextField(blank=True, help_text="What the source has.")
    replacement = models.TextField(blank=True, help_text="What the reader sees instead.")
    note = models.TextField()
    ordinal = models.PositiveIntegerField(default=0)
    from_import = models.BooleanField(
        default=False, editable=False, help_text="Written by the importer; replaced when the paper is re-imported."
    )

    class Meta:
        ordering = ["paper", "ordinal", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=NoteKind.values), name="editorialnote_kind_valid"),
            models.CheckConstraint(condition=~Q(note=""), name="editorialnote_note_not_empty"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.note[:60]}"


# The longest Markdown each field takes: rendering time grows with length, and readings.markdown bounds
# the worst case up to its MAX_LENGTH. A seminar's notes and introductions are far shorter.
ANNOTATION_MAX_LENGTH = 10_000
INTRODUCTION_MAX_LENGTH = COMMENTARY_MAX_LENGTH = markdown.MAX_LENGTH
TOO_LONG = "This text has %(show_value)d characters; the limit is %(limit_value)d. Shorten it, or split it in two."


def markdown_source(max_length, **kwargs):
    """A Markdown text bounded in forms (max_length), in model validation and, by a constraint, in the database."""
    return models.TextField(
        max_length=max_length, validators=[MaxLengthValidator(max_length, message=TOO_LONG)], **kwargs
    )


def length_at_most(field, max_length, name):
    return models.CheckConstraint(condition=LessThanOrEqual(Length(field), max_length), name=name)


class RenderedMarkdown(models.Model):
    """Markdown fields stored beside their sanitized HTML, which is rendered once for each new source.

    Rendering is the slow part of a save (up to a good part of a second on a long, pathological text),
    so views call render_markdown() before they open a transaction; the pre_save signal then finds
    nothing stale and renders only for saves that did not (loaddata, the shell).
    """

    markdown_fields: dict[str, str]  # source field: HTML field

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values, **kwargs):
        instance = super().from_db(db, field_names, values, **kwargs)
        # The stored HTML was rendered from the stored source.
        instance.markdown_rendered = {
            source: (getattr(instance, source), getattr(instance, target))
            for source, target in cls.markdown_fields.items()
            if source in instance.__dict__ and target in instance.__dict__
        }
        return instance

    def render_markdown(self, rendered: dict[str, str] | None = None):
        """Render every Markdown field whose HTML was not made from its current source.

        `rendered` maps sources to HTML already rendered from them, before a transaction opened.
        """
        done = self.__dict__.setdefault("markdown_rendered", {})
        for source, target in self.markdown_fields.items():
            text = getattr(self, source)
            if done.get(source) == (text, getattr(self, target)):
                continue
            html = rendered[text] if rendered and text in rendered else markdown.render_markdown(text)
            setattr(self, target, html)
            done[source] = (text, html)


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
    is_published = models.BooleanField(default=True)

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
        sides = ContrastPassage.objects.select_related("passage__paper", "passage__section").order_by("side", "order")
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


class Seminar(models.Model):
    """People reading together: shared annotations are shared within a seminar."""

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    members = models.ManyToManyField(settings.AUTH_USER_MODEL, through="Membership", related_name="seminars")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class MembershipQuerySet(models.QuerySet):
    """Bulk writes send no signals: these two sync the roles of the users they touch themselves.

    (Saves and deletes, QuerySet.delete() and the cascades from a seminar or user included, send
    signals that readings.signals answers; a seminar's members.add() goes through bulk_create.)
    """

    def update(self, **kwargs):
        with transaction.atomic(using=self.db):
            before = dict(self.values_list("pk", "user_id"))
            count = super().update(**kwargs)
            after = self.model._base_manager.filter(pk__in=before).values_list("user_id", flat=True)
            for user_id in set(before.values()) | set(after):
                sync_roles(user_id)
        return count

    def bulk_create(self, objs, *args, **kwargs):
        with transaction.atomic(using=self.db):
            created = super().bulk_create(objs, *args, **kwargs)
            for user_id in {membership.user_id for membership in created}:
                sync_roles(user_id)
        return created


class Membership(models.Model):
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.STUDENT)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["seminar", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["seminar", "user"], name="membership_once_per_seminar"),
            models.CheckConstraint(condition=Q(role__in=["instructor", "student"]), name="membership_role_valid"),
        ]

    def __str__(self):
        return f"{self.user} in {self.seminar} ({self.get_role_display()})"


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Anonymous readers see none; a reader sees their own and what their seminars share."""
        if not user.is_authenticated:
            return self.none()
        shared = Q(visibility=Annotation.Visibility.SEMINAR, seminar__memberships__user=user)
        return self.filter(Q(author=user) | shared, is_hidden=False).distinct()

    def writable_by(self, user):
        """What a reader may write in (edit if theirs, reply to): their private notes and the notes of
        the seminars they are a member of now.

        Narrower than visible_to: an author keeps reading what they shared with a seminar they have
        left, but no longer writes in it.
        """
        if not user.is_authenticated:
            return self.none()
        return self.filter(may_write(user), is_hidden=False)

    def with_write_access(self, user):
        """Each annotation marked `writable` as writable_by(user) decides, so a page offers only what works."""
        writable = may_write(user) if user.is_authenticated else Value(False)
        return self.annotate(writable=ExpressionWrapper(writable, output_field=BooleanField()))

    def for_display(self):
        # The badge says "an instructor of the seminar this is shared with", not "an instructor somewhere".
        instructor = Membership.objects.filter(
            user=OuterRef("author_id"), seminar=OuterRef("seminar_id"), role=Role.INSTRUCTOR
        )
        return (
            self.select_related("author", "seminar")
            .annotate(by_instructor=Exists(instructor))
            .order_by("created", "pk")
        )


def may_write(user) -> Q:
    member_now = Membership.objects.filter(user=user, seminar=OuterRef("seminar_id"))
    return Q(visibility=Annotation.Visibility.PRIVATE, author=user) | Q(
        Exists(member_now), visibility=Annotation.Visibility.SEMINAR
    )


class Annotation(RenderedMarkdown):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Only me"
        SEMINAR = "seminar", "My seminar"

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations")
    parent = models.ForeignKey("self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies")
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, null=True, blank=True, related_name="annotations")
    quote = models.TextField(blank=True, help_text="The quoted span of the passage; empty for the whole passage.")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    body = markdown_source(ANNOTATION_MAX_LENGTH, help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE)
    is_hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised on every edit: stale edits conflict."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()
    markdown_fields = {"body": "body_html"}

    class Meta:
        ordering = ["passage", "created"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(start__isnull=True, end__isnull=True) | Q(start__isnull=False, end__gt=models.F("start"))),
                name="annotation_span_valid",
            ),
            models.CheckConstraint(
                condition=Q(visibility__in=["private", "seminar"]), name="annotation_visibility_valid"
            ),
            models.CheckConstraint(
                condition=Q(visibility="private") | Q(seminar__isnull=False), name="annotation_shared_with_a_seminar"
            ),
            models.CheckConstraint(condition=~Q(body=""), name="annotation_body_not_empty"),
            length_at_most("body", ANNOTATION_MAX_LENGTH, "annotation_body_length"),
        ]

    def __str__(self):
        return f"{self.author} on {self.passage.key}"

    def get_absolute_url(self):
        return reverse("readings:passage-annotations", args=self.passage.url_args) + f"#annotation-{self.pk}"


class AnnotationRevision(models.Model):
    """The text an annotation had before an edit: edit history is kept, never overwritten."""

    annotation = models.ForeignKey(Annotation, on_delete=models.CASCADE, related_name="revisions")
    version = models.PositiveIntegerField()
    body = models.TextField()
    edited_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    edited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["annotation", "version"]
        constraints = [models.UniqueConstraint(fields=["annotation", "version"], name="revision_version_unique")]

    def __str__(self):
        return f"{self.annotation} v{self.version}"


class ContentVersion(models.Model):
    """One number that changes whenever anything a reader sees changes: cached pages key on it."""

    value = models.PositiveBigIntegerField(default=1)

    def __str__(self):
        return f"content version {self.value}"

    @classmethod
    def current(cls) -> int:
        # Read on every anonymous request before anything else: plain SQL, no ORM overhead.
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT value FROM {cls._meta.db_table} WHERE id = 1")
            row = cursor.fetchone()
        return row[0] if row else 0

    @classmethod
    def bump(cls):
        if not cls.objects.filter(pk=1).update(value=models.F("value") + 1):
            cls.objects.get_or_create(pk=1)


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
