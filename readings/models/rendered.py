"""Markdown written by people, stored beside its sanitized HTML, with the length limits that bound rendering."""

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual

from .. import markdown

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
