"""Rendering of source text: escaped, with numbered citation markers set as superscripts."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

register = template.Library()

CITATION_MARKER = re.compile(r"(?<=[^\s\[])\[(\d{1,3}(?:[,–-]\s*\d{1,3})*(?:,\s*pp?\.\s*[\d–-]+)?)\]")


@register.filter
def source_text(text: str) -> str:
    """Escape the author's text first; only then mark up what the text itself marks."""
    escaped = escape(text)
    return mark_safe(CITATION_MARKER.sub(r'<sup class="cite">[\1]</sup>', escaped))


@register.filter
def side_passages(contrast_passages, side):
    return [cp.passage for cp in contrast_passages if cp.side == side]


@register.filter
def linebreaks_to_quote(text: str) -> str:
    """Keep every line of a multi-line passage (a table) inside the Markdown quotation."""
    return "\n> ".join(text.splitlines())
