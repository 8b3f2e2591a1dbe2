"""The counterpoints of a passage, for the partial that lists them wherever it is rendered."""

from django import template

from readings.counterpoints import counterpoints_for

register = template.Library()

COUNTERPOINTS_SHOWN = 5


@register.simple_tag
def passage_counterpoints(passage, top=COUNTERPOINTS_SHOWN):
    """Passages of the other stance that speak to the same matter; three queries, however many."""
    return counterpoints_for(passage, top=top)
