"""The models, by concern: the corpus, curation, seminars, annotations; `from readings.models import X` finds each."""

from ..roles import Role
from .accounts import PasswordResetRequest, ReaderSettings
from .annotations import (
    TAG_MAX_LENGTH,
    TAGS_PER_ANNOTATION,
    Annotation,
    AnnotationQuerySet,
    AnnotationRevision,
    Tag,
    may_write,
)
from .assignments import GATE_MAX, INSTRUCTIONS_MAX_LENGTH, Assignment, AssignmentQuerySet
from .corpus import (
    EditorialNote,
    NoteKind,
    Paper,
    PaperManager,
    PaperQuerySet,
    Passage,
    PassageManager,
    PassageQuerySet,
    Section,
    SectionManager,
    Stance,
)
from .curation import (
    Contrast,
    ContrastManager,
    ContrastPassage,
    ContrastPassageManager,
    Theme,
    ThemeManager,
    ThemeQuerySet,
    validate_sides,
)
from .notifications import Notification, NotificationQuerySet
from .redirects import PassageRedirect
from .rendered import (
    ANNOTATION_MAX_LENGTH,
    COMMENTARY_MAX_LENGTH,
    INTRODUCTION_MAX_LENGTH,
    TOO_LONG,
    RenderedMarkdown,
    length_at_most,
    markdown_source,
)
from .seminars import Membership, MembershipQuerySet, Seminar, SeminarQuerySet, new_join_code
from .versions import ContentVersion

__all__ = [
    "ANNOTATION_MAX_LENGTH",
    "COMMENTARY_MAX_LENGTH",
    "GATE_MAX",
    "INSTRUCTIONS_MAX_LENGTH",
    "INTRODUCTION_MAX_LENGTH",
    "TAGS_PER_ANNOTATION",
    "TAG_MAX_LENGTH",
    "TOO_LONG",
    "Annotation",
    "AnnotationQuerySet",
    "AnnotationRevision",
    "Assignment",
    "AssignmentQuerySet",
    "ContentVersion",
    "Contrast",
    "ContrastManager",
    "ContrastPassage",
    "ContrastPassageManager",
    "EditorialNote",
    "Membership",
    "MembershipQuerySet",
    "NoteKind",
    "Notification",
    "NotificationQuerySet",
    "Paper",
    "PaperManager",
    "PaperQuerySet",
    "Passage",
    "PassageManager",
    "PassageQuerySet",
    "PassageRedirect",
    "PasswordResetRequest",
    "ReaderSettings",
    "RenderedMarkdown",
    "Role",
    "Section",
    "SectionManager",
    "Seminar",
    "SeminarQuerySet",
    "Stance",
    "Tag",
    "Theme",
    "ThemeManager",
    "ThemeQuerySet",
    "length_at_most",
    "markdown_source",
    "may_write",
    "new_join_code",
    "validate_sides",
]
