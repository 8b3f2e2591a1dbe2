"""What happens when models are saved: sanitized HTML beside Markdown, roles' permissions, the content version.

Connected in ReadingsConfig.ready(), so importing the models never has side effects.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .markdown import render_markdown
from .models import (
    Annotation,
    ContentVersion,
    Contrast,
    ContrastPassage,
    EditorialNote,
    Membership,
    Paper,
    Passage,
    Role,
    Section,
    Theme,
)
from .roles import INSTRUCTORS_GROUP, STUDENTS_GROUP, role_group

MARKDOWN_FIELDS = {
    Theme: [("introduction", "introduction_html")],
    Contrast: [("commentary", "commentary_html")],
    Annotation: [("body", "body_html")],
}


@receiver(pre_save, sender=Theme)
@receiver(pre_save, sender=Contrast)
@receiver(pre_save, sender=Annotation)
def render_markdown_fields(sender, instance, **kwargs):
    """Store sanitized HTML beside the Markdown on every save, loaddata's raw saves included."""
    for source, target in MARKDOWN_FIELDS[sender]:
        setattr(instance, target, render_markdown(getattr(instance, source)))


@receiver(post_save, sender=Membership)
def grant_role(sender, instance, **kwargs):
    """A seminar role carries its permissions: the role's group, and the admin for instructors."""
    group = INSTRUCTORS_GROUP if instance.role == Role.INSTRUCTOR else STUDENTS_GROUP
    instance.user.groups.add(role_group(group))
    if instance.role == Role.INSTRUCTOR and not instance.user.is_staff:
        instance.user.is_staff = True
        instance.user.save(update_fields=["is_staff"])


# Everything a reader sees: a change to any of it raises the version cached pages key on.
CACHED_CONTENT = (Paper, Section, Passage, EditorialNote, Theme, Contrast, ContrastPassage)


def content_changed(sender, **kwargs):
    ContentVersion.bump()


for _model in CACHED_CONTENT:
    post_save.connect(content_changed, sender=_model, dispatch_uid=f"content-changed-save-{_model.__name__}")
    post_delete.connect(content_changed, sender=_model, dispatch_uid=f"content-changed-delete-{_model.__name__}")
