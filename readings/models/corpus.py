"""The corpus: papers, their sections and passages, and the editorial notes on them."""

from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse

from ..ingest.types import PASSAGE_MAX_LENGTH

AUTHOR_NOT_NAMED = "[Author not named]"
SHORT_TITLE_LENGTH = 40
TRAILING_SMALL_WORDS = frozenset(["a", "an", "and", "at", "by", "for", "in", "of", "on", "the", "to", "under", "with"])


def shortened(text: str, length: int) -> str:
    """The text, or its words up to `length` characters and an ellipsis: cut at a word, never inside one."""
    if len(text) <= length:
        return text
    words = (text[: length + 1].rsplit(" ", 1)[0] if " " in text[:length] else text[:length]).split(" ")
    while len(words) > 1 and words[-1].lower() in TRAILING_SMALL_WORDS:  # "The Role of…", not "The Role of the…"
        words.pop()
    return " ".join(words).rstrip(" ,;.–—-") + "…"


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
        return self.display_title_of(self.title, self.title_supplied)

    @staticmethod
    def display_title_of(title: str, supplied: bool) -> str:
        # Catalogues print a title the editor supplied in square brackets.
        return f"[{title}]" if supplied else title

    @property
    def author_label(self) -> str:
        # Not "Anonymous", which means published without a name: these authors are unknown to us.
        return self.authors or AUTHOR_NOT_NAMED

    @property
    def brief_title(self) -> str:
        """The title to its colon, or its first words, bracketed when supplied by the editor."""
        title = shortened(self.title.split(":", 1)[0] + ("…" if ":" in self.title else ""), SHORT_TITLE_LENGTH)
        return f"[{title}]" if self.title_supplied else title

    @property
    def short_citation(self) -> str:
        """What identifies the paper wherever a passage is labelled: author and year, or, with no
        author named, the short title ("[Author not named], [Promoting China’s Cultural Soft Power…]")."""
        who = self.authors or f"{AUTHOR_NOT_NAMED}, {self.brief_title}"
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
    front_matter = models.TextField(
        blank=True,
        help_text="Lines printed with the section that are not its text (a title, authors and affiliation "
        "repeated in another language), one a line; shown above it, not passages.",
    )

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

    @property
    def label(self) -> str:
        """The section's number, or its title shortened: what a paragraph label shows before ¶N."""
        return self.number or shortened(self.title, SHORT_TITLE_LENGTH)


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
    # A note on a section's heading or front matter, shown under the heading rather than after a passage.
    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, null=True, blank=True, related_name="editorial_notes"
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
