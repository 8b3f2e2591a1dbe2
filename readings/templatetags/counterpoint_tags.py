"""The counterpoints of a passage, for the partial that lists them wherever it is rendered."""

from django import template

from readings.analysis import store
from readings.counterpoints import counterpoints_for, curated_counterparts

register = template.Library()

# Ten suggestions are fetched and the first five shown; the other five sit behind a disclosure.
COUNTERPOINTS_FETCHED = 10
COUNTERPOINTS_SHOWN = 5


@register.simple_tag(takes_context=True)
def counterpoints_index_status(context):
    """Whether the suggestions just listed come from the current texts (store.FRESH) or are being refreshed."""
    return store.note_served(context.get("request"), "counterpoints")


@register.simple_tag
def passage_counterpoints(passage, top=COUNTERPOINTS_FETCHED):
    """Passages of the other stance that speak to the same matter, split into (shown, more); three queries."""
    points = counterpoints_for(passage, top=top)
    return points[:COUNTERPOINTS_SHOWN], points[COUNTERPOINTS_SHOWN:]


@register.simple_tag
def passage_pairings(passage):
    """The contrasts instructors have published that set this passage against others; two queries."""
    return curated_counterparts(passage)
