"""What happens when models are saved: sanitized HTML beside Markdown, roles' permissions, the content and text versions.

Connected in ReadingsConfig.ready(), so importing the models never has side effects.
"""

from django.db.models.signals import post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import (
    Annotation,
    Assignment,
    ContentVersion,
    Contrast,
    ContrastPassage,
    EditorialNote,
    Membership,
    Paper,
    Passage,
    Section,
    TextVersion,
    Theme,
)
from .models.annotations import forget_locked_assignments
from .roles import sync_roles


@receiver(pre_save, sender=Theme)
@receiver(pre_save, sender=Contrast)
@receiver(pre_save, sender=Annotation)
@receiver(pre_save, sender=Assignment)
def render_markdown_fields(sender, instance, **kwargs):
    """Sanitized HTML beside the Markdown on every save, loaddata's raw saves included.

    Views render before their transaction opens (RenderedMarkdown.render_markdown); this renders
    only what is still stale, for saves that did not.
    """
    instance.render_markdown()


@receiver(post_save, sender=Annotation)
@receiver(post_delete, sender=Annotation)
def recount_gate(sender, instance, **kwargs):
    """A student's N-th note opens the reading to them at once, in the response to the very request that saved it.

    The user object the note was saved with (request.user) keeps the assignments it was gated from
    for the request (annotations.locked_assignments): that list is stale now.
    """
    author = instance._state.fields_cache.get("author")
    if author is not None:
        forget_locked_assignments(author)


@receiver(pre_save, sender=Membership)
def remember_member(sender, instance, **kwargs):
    """Note whose membership this was: the admin's seminar page can give a membership row to someone else."""
    previous = Membership.objects.filter(pk=instance.pk).values_list("user_id", flat=True) if instance.pk else []
    instance.previous_user_id = next(iter(previous), None)


@receiver(post_save, sender=Membership)
@receiver(post_delete, sender=Membership)
def sync_member_roles(sender, instance, **kwargs):
    """A seminar role carries its permissions, given and taken with the membership (readings.roles.sync_roles).

    post_delete also comes for every membership a seminar's or a user's deletion cascades to, and for
    QuerySet.delete(): a receiver here keeps Django from deleting memberships without signals.
    loaddata's raw saves are synced too: a restored membership gives its role, whatever the backup says.
    """
    for user_id in {instance.user_id, getattr(instance, "previous_user_id", None)} - {None}:
        sync_roles(user_id)


# Everything a reader sees: a change to any of it raises the version cached pages key on.
CACHED_CONTENT = (Paper, Section, Passage, EditorialNote, Theme, Contrast, ContrastPassage)


def content_changed(sender, **kwargs):
    ContentVersion.bump()


for _model in CACHED_CONTENT:
    post_save.connect(content_changed, sender=_model, dispatch_uid=f"content-changed-save-{_model.__name__}")
    post_delete.connect(content_changed, sender=_model, dispatch_uid=f"content-changed-delete-{_model.__name__}")


# What the term and counterpoint indexes read: passages, and the sections and papers that give
# them a heading, a stance and a language. Themes, contrasts, notes and annotations are not here,
# so editing them never sends the indexes to be rebuilt. loaddata's raw saves count (a restored
# or reloaded corpus is new text); bulk_create and update() send no signals, so code using them
# raises the version itself.
INDEXED_TEXT = (Paper, Section, Passage)


def text_changed(sender, using, **kwargs):
    TextVersion.bump_on_commit(using)


for _model in INDEXED_TEXT:
    post_save.connect(text_changed, sender=_model, dispatch_uid=f"text-changed-save-{_model.__name__}")
    post_delete.connect(text_changed, sender=_model, dispatch_uid=f"text-changed-delete-{_model.__name__}")
