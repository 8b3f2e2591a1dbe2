"""The counterpoints of a passage, for the partial that lists them wherever it is rendered."""

from django import template

from readings.analysis import store
from readings.counterpoints import counterpoints_for

register = template.Library()

COUNTERPOINTS_SHOWN = 5


@register.simple_tag(takes_context=True)
def counterpoints_index_status(context):
    """Whether the suggestions just listed come from the current texts (store.FRESH) or are being refreshed."""
    return store.note_served(context.get("request"), "counterpoints")


@register.simple_tag
def passage_counterpoints(passage, top=COUNTERPOINTS_SHOWN):
    """Passages of the other stance that speak to the same matter; three queries, however many."""
    return counterpoints_for(passage, top=top)
