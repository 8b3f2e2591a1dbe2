"""Annotations: readers' notes on passages, threads of replies, and their edit history."""

import contextlib

from django.conf import settings
from django.db import models
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone

from ..roles import Role
from .assignments import Assignment
from .corpus import Passage
from .curation import ContrastPassage
from .rendered import ANNOTATION_MAX_LENGTH, RenderedMarkdown, length_at_most, markdown_source
from .seminars import Membership, Seminar

TAG_MAX_LENGTH = 40
TAGS_PER_ANNOTATION = 10


class Tag(models.Model):
    """A word readers file annotations under: lower case, letters, digits and hyphens (see forms.TagsField)."""

    name = models.CharField(max_length=TAG_MAX_LENGTH, unique=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=~Q(name=""), name="tag_name_not_empty"),
        ]

    def __str__(self):
        return self.name


class AnnotationQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Anonymous readers see none; a reader sees their own and what their seminars share.

        Except where an assignment asks them to annotate before they see others: in the reading of
        each such assignment they have not done yet, they see only their own notes and the seminar
        instructors' (see locked_assignments), on every page, fragment, export and API alike.
        """
        if not user.is_authenticated:
            return self.none()
        # A correlated EXISTS, not a join through memberships: no duplicate rows, so no DISTINCT over
        # every visible note (the costliest part of a signed-in page in a large library).
        member = Membership.objects.filter(user=user, seminar=OuterRef("seminar_id"))
        shared = Q(Exists(member), visibility=Annotation.Visibility.SEMINAR)
        return self.filter(Q(author=user) | shared, is_hidden=False).not_gated_for(user)

    def not_gated_for(self, user):
        """Without the notes an assignment's gate keeps from `user` for now (a reply counted in a list, say)."""
        locked = locked_assignments(user)
        return self.exclude(gated_from(user, locked)) if locked else self

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
        # Tags too: every note shown shows its tags, in one query for the whole list.
        return (
            self.select_related("author", "seminar")
            .prefetch_related("tags")
            .annotate(by_instructor=Exists(instructor))
            .order_by("created", "pk")
        )


# "Annotate before you see others" (Assignment.gate). What counts: a note or a reply the student
# shares with the assignment's seminar on a passage of its reading, not deleted and not hidden by a
# moderator, written at any time (before the assignment opened too: the student has annotated). A
# reply counts: answering the instructor's prompt is annotating. The gate holds from opens_at and,
# as Perusall's does, does not lift at the due date (late work is allowed, and seeing the others'
# notes stays the reward for writing one); it lifts when the seminar is archived, when nobody can
# write in it any more. Instructors are never gated.
LOCKED_CACHE = "_locked_assignments"


def shared_in_reading(user):
    """How many notes `user` shared in the reading of the outer query's Assignment, as a subquery."""
    in_theme = ContrastPassage.objects.filter(
        passage=OuterRef("passage_id"), contrast__theme_id=OuterRef(OuterRef("theme_id"))
    )
    in_sections = Assignment.sections.through.objects.filter(assignment=OuterRef(OuterRef("pk"))).values("section_id")
    # Only the kind's own reading is set (a constraint for theme and paper; forms clear the sections).
    in_reading = Q(Exists(in_theme)) | Q(passage__paper_id=OuterRef("paper_id")) | Q(passage__section__in=in_sections)
    notes = Annotation.objects.filter(
        in_reading,
        author=user,
        seminar=OuterRef("seminar_id"),
        visibility=Annotation.Visibility.SEMINAR,
        deleted_at__isnull=True,
        is_hidden=False,
    )
    counted = notes.order_by().values("author").annotate(n=Count("pk")).values("n")
    return Coalesce(Subquery(counted), 0)


def locked_assignments(user):
    """The open assignments whose reading `user`, a student of their seminar, may not yet see others' notes in.

    One query, kept on the user object: request.user lives for one request, so every visible_to of a
    page shares it. Saving or deleting one of the user's notes forgets it (readings.signals).
    """
    cached = getattr(user, LOCKED_CACHE, None)
    if cached is None:
        cached = list(
            Assignment.objects.filter(
                gate__gt=0,
                opens_at__lte=timezone.now(),
                seminar__archived_at__isnull=True,
                seminar__memberships__user=user,
                seminar__memberships__role=Role.STUDENT,
            )
            .annotate(done=shared_in_reading(user))
            .filter(done__lt=F("gate"))
            .only("pk", "seminar_id", "kind", "theme_id", "paper_id", "gate")
        )
        setattr(user, LOCKED_CACHE, cached)
    return cached


def forget_locked_assignments(user):
    with contextlib.suppress(AttributeError):
        delattr(user, LOCKED_CACHE)


def gated_from(user, locked) -> Q:
    """The notes a gated student may not see yet: others' notes in the locked readings, but the instructors'."""
    in_locked_reading = Q()
    for assignment in locked:
        in_locked_reading |= Q(seminar_id=assignment.seminar_id) & assignment.reading_q("passage__")
    by_instructor = Membership.objects.filter(
        user=OuterRef("author_id"), seminar=OuterRef("seminar_id"), role=Role.INSTRUCTOR
    )
    return in_locked_reading & ~Q(author=user) & ~Q(Exists(by_instructor))


def may_write(user) -> Q:
    # An archived seminar is read-only: its notes stay readable, nobody writes in them.
    member_now = Membership.objects.filter(user=user, seminar=OuterRef("seminar_id"), seminar__archived_at=None)
    return Q(visibility=Annotation.Visibility.PRIVATE, author=user) | Q(
        Exists(member_now), visibility=Annotation.Visibility.SEMINAR
    )


class Annotation(RenderedMarkdown):
    class Visibility(models.TextChoices):
        PRIVATE = "private", "Only me"
        SEMINAR = "seminar", "My seminar"

    passage = models.ForeignKey(Passage, on_delete=models.CASCADE, related_name="annotations")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="annotations")
    # Indexed for replies only (annotation_replies below): an index holding the NULL of every note
    # that starts a thread led SQLite to read all of a seminar's notes for a page's few passages.
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies", db_index=False
    )
    seminar = models.ForeignKey(Seminar, on_delete=models.CASCADE, null=True, blank=True, related_name="annotations")
    quote = models.TextField(blank=True, help_text="The quoted span of the passage; empty for the whole passage.")
    start = models.PositiveIntegerField(null=True, blank=True)
    end = models.PositiveIntegerField(null=True, blank=True)
    body = markdown_source(ANNOTATION_MAX_LENGTH, help_text="Markdown.")
    body_html = models.TextField(editable=False, blank=True)
    visibility = models.CharField(max_length=16, choices=Visibility.choices, default=Visibility.PRIVATE)
    is_hidden = models.BooleanField(default=False, help_text="Hidden by a moderator.")
    # Deleting a note others replied to keeps the thread: the note's words go, its place stays,
    # shown as "deleted by its author".
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="annotations")
    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Raised on every edit: stale edits conflict."
    )
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    objects = AnnotationQuerySet.as_manager()
    markdown_fields = {"body": "body_html"}

    class Meta:
        ordering = ["passage", "created"]
        indexes = [
            models.Index(fields=["parent"], condition=Q(parent__isnull=False), name="annotation_replies"),
            # A student's notes in one seminar, as the "annotate before you see others" gate counts them
            # on every page: by author alone or seminar alone, SQLite read all of the seminar's notes.
            models.Index(fields=["author", "seminar"], name="annotation_author_seminar"),
        ]
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
            models.CheckConstraint(
                condition=~Q(body="") | Q(deleted_at__isnull=False), name="annotation_body_not_empty"
            ),
            length_at_most("body", ANNOTATION_MAX_LENGTH, "annotation_body_length"),
        ]

    def __str__(self):
        return f"{self.author} on {self.passage.key}"

    def get_absolute_url(self):
        return reverse("readings:passage-annotations", args=self.passage.url_args) + f"#annotation-{self.pk}"

    def set_tags(self, names):
        """File the annotation under exactly these tag names (cleaned by forms.TagsField), making new tags.

        Call it inside the transaction that saves the annotation: a few short index lookups, no slow work.
        """
        self.tags.set([Tag.objects.get_or_create(name=name)[0] for name in names])


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
