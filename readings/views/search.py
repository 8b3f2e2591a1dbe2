"""Finding: full-text search of the passages and the term contrast between the two stances."""

from django.urls import reverse
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from .. import charts, term_index
from ..analysis import store
from ..forms import SearchForm
from ..models import (
    Stance,
)
from ..search import search_passages
from ..terms import parse_term
from .render import render_page


@require_safe
@vary_on_headers("HX-Request")
def search(request):
    form = SearchForm(request.GET, user=request.user)
    results = None
    if form.is_valid():
        results = search_passages(form.cleaned_data["q"], **form.filters(), page=request.GET.get("page"))
    # The pagination links carry the search and its filters; the page number is theirs to set.
    params = request.GET.copy()
    params.pop("page", None)
    context = {"form": form, "results": results, "page": results.page if results else None, "query": params.urlencode()}
    return render_page(request, "readings/search.html", "results", context)


# Term contrast and theme map.
TERMS_PER_SIDE = 20


KWIC_LINES_PER_SIDE = 40


TERM_MAX_LENGTH = 80  # characters of ?term= read; the rest is ignored


TERM_MAX_WORDS = 3


@require_safe
@vary_on_headers("HX-Request")
def term_contrast(request):
    """The terms leaning most to each side, as an SVG chart and a table; ?term= adds its lines in context."""
    index = term_index.get_index()
    index_status = store.note_served(request, "terms")
    term = " ".join(request.GET.get("term", "").replace("\x00", "")[:TERM_MAX_LENGTH].split())
    words = parse_term(term, TERM_MAX_WORDS)
    sides = index.kwic_sides(words, KWIC_LINES_PER_SIDE)
    official, critical = index.top(Stance.OFFICIAL, TERMS_PER_SIDE), index.top(Stance.CRITICAL, TERMS_PER_SIDE)
    panels = charts.term_panels(official, critical, reverse("readings:terms"))
    totals = [side["lines"]["total"] for side in sides]
    context = {
        "term": term,
        "words": words,
        "sides": sides,
        "announce": f"{totals[0]} official and {totals[1]} critical lines for {term}" if words else "No lines",
        "official": official,
        "critical": critical,
        "panels": panels,
        "bars": [bar for panel in panels for bar in panel.bars],
        "tokens_official": index.tokens[Stance.OFFICIAL],
        "tokens_critical": index.tokens[Stance.CRITICAL],
        "source_count": index.source_count,
        "alpha0": index.alpha0,
        "max_words": TERM_MAX_WORDS,
        "max_length": TERM_MAX_LENGTH,
        "index_status": index_status,
    }
    return render_page(request, "readings/terms.html", "kwic", context)
