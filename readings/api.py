"""A read-only JSON API over papers, passages and the themes the reader may read, and the JSON exports.

Every endpoint answers GET (and HEAD) in a constant number of queries; anything it does not
know answers a JSON 404, `{"error": "not found"}`, never Django's HTML error page.
"""

import re
from collections import defaultdict
from functools import wraps

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Prefetch
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from .models import Contrast, ContrastPassage, EditorialNote, Paper, Passage, Section, Stance, Theme
from .search import RANK_WINDOW, search_passages
from .search_syntax import QUERY_MAX_LENGTH
from .views.moved import follow_moved_passage

JSON_OPTIONS = {"ensure_ascii": False}


def error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status, json_dumps_params=JSON_OPTIONS)


def not_found() -> JsonResponse:
    return error("not found", 404)


def api_view(view):
    """GET and HEAD only, anything else a JSON 405; a missing object is a JSON 404."""

    # Exempt from CSRF so that a write gets the JSON 405 the README promises rather than
    # Django's HTML 403 page: CSRF protects requests that change something, and every
    # endpoint here refuses any method that could, before the view is reached.
    @csrf_exempt
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            response = error("method not allowed", 405)
            response["Allow"] = "GET, HEAD"
            return response
        try:
            data = view(request, *args, **kwargs)
        except (ObjectDoesNotExist, Http404):
            return not_found()
        if isinstance(data, JsonResponse):
            return data
        return JsonResponse(data, json_dumps_params=JSON_OPTIONS)

    return wrapper


def links(request, api_name, api_args, html_url):
    return {
        "self": request.build_absolute_uri(reverse(f"readings:{api_name}", args=api_args)),
        "html": request.build_absolute_uri(html_url),
    }


def note_data(note) -> dict:
    return {"kind": note.kind, "original": note.original, "replacement": note.replacement, "note": note.note}


def paper_summary(request, paper) -> dict:
    return {
        "slug": paper.slug,
        "title": paper.title,
        "display_title": paper.display_title,
        "title_supplied": paper.title_supplied,
        "authors": paper.authors,
        "year": paper.year,
        "venue": paper.venue,
        "doi": paper.doi,
        "url": paper.url,
        "stance": paper.stance,
        "language": paper.language,
        "links": links(request, "api-paper", [paper.slug], paper.get_absolute_url()),
    }


def passage_data(request, passage, notes) -> dict:
    """A passage; `passage.paper` and `passage.section` must be loaded, `notes` its editorial notes."""
    return {
        "key": passage.key,
        "paper": passage.paper.slug,
        "section": passage.section.key,
        "ordinal": passage.ordinal,
        "kind": passage.kind,
        "text": passage.text,
        "lang": passage.lang,
        "figure_text": passage.figure_text,
        "editorial_notes": [note_data(n) for n in notes],
        "links": links(request, "api-passage", passage.url_args, passage.get_absolute_url()),
    }


def notes_by_passage(notes) -> dict:
    grouped = defaultdict(list)
    for note in notes:
        grouped[note.passage_id].append(note)
    return grouped


def papers_in_full(request, papers) -> list[dict]:
    """Papers with their notes, sections and passages, in four queries however many."""
    papers = list(papers)
    passages = Passage.objects.select_related("paper", "section").order_by("ordinal")
    sections = (
        Section.objects.filter(paper__in=papers)
        .order_by("ordinal")
        .prefetch_related(Prefetch("passages", queryset=passages))
    )
    by_paper = defaultdict(list)
    for section in sections:
        by_paper[section.paper_id].append(section)
    notes = defaultdict(list)
    for note in EditorialNote.objects.filter(paper__in=papers).order_by("ordinal", "pk"):
        notes[(note.paper_id, note.passage_id)].append(note)
    result = []
    for paper in papers:
        data = paper_summary(request, paper)
        data["abstract"] = paper.abstract
        data["editorial_notes"] = [note_data(n) for n in notes[(paper.pk, None)]]
        data["sections"] = [
            {
                "key": section.key,
                "number": section.number,
                "title": section.title,
                "heading": section.heading,
                "level": section.level,
                "ordinal": section.ordinal,
                "lang": section.lang,
                "passages": [passage_data(request, p, notes[(paper.pk, p.pk)]) for p in section.passages.all()],
            }
            for section in by_paper[paper.pk]
        ]
        result.append(data)
    return result


def theme_summary(request, theme) -> dict:
    return {
        "slug": theme.slug,
        "title": theme.title,
        "question": theme.question,
        "order": theme.order,
        "links": links(request, "api-theme", [theme.slug], theme.get_absolute_url()),
    }


def themes_in_full(request, themes) -> list[dict]:
    """Themes with the contrasts the reader may read, both sides' passages and the papers they quote, in four queries."""
    sides = ContrastPassage.objects.select_related("passage__paper", "passage__section").order_by("side", "order")
    contrasts = (
        Contrast.objects.readable_by(request.user)
        .order_by("order")
        .prefetch_related(Prefetch("contrast_passages", queryset=sides))
    )
    themes = list(themes.prefetch_related(Prefetch("contrasts", queryset=contrasts)))
    quoted = [cp.passage_id for t in themes for c in t.contrasts.all() for cp in c.contrast_passages.all()]
    notes = notes_by_passage(EditorialNote.objects.filter(passage__in=quoted).order_by("ordinal", "pk"))
    result = []
    for theme in themes:
        data = theme_summary(request, theme)
        data["introduction"] = theme.introduction
        data["contrasts"] = []
        papers = {}
        for contrast in theme.contrasts.all():
            entry = {
                "order": contrast.order,
                "title": contrast.title,
                "commentary": contrast.commentary,
                "official": [],
                "critical": [],
            }
            for cp in contrast.contrast_passages.all():
                entry[cp.side].append(passage_data(request, cp.passage, notes[cp.passage_id]))
                papers.setdefault(cp.passage.paper.slug, cp.passage.paper)
            data["contrasts"].append(entry)
        data["papers"] = [paper_summary(request, p) for p in sorted(papers.values(), key=lambda p: (p.order, p.slug))]
        result.append(data)
    return result


def one_theme(request, themes, slug) -> dict:
    found = themes_in_full(request, themes.filter(slug=slug))
    if not found:
        raise Http404("No such theme.")
    return found[0]


@api_view
def unknown(request, *args, **kwargs):
    """Anything else under /api/: a JSON 404 to read, a JSON 405 to write, never the site's HTML pages."""
    raise Http404


@api_view
def index(request):
    endpoints = ["api-papers", "api-themes", "api-search", "api-corpus"]
    return {name.removeprefix("api-"): request.build_absolute_uri(reverse(f"readings:{name}")) for name in endpoints}


@api_view
def papers(request):
    return {"papers": [paper_summary(request, p) for p in Paper.objects.all()]}


@api_view
def paper(request, slug):
    return papers_in_full(request, [Paper.objects.get(slug=slug)])[0]


@follow_moved_passage  # an old key of a passage that moved: 301 to its key now
@api_view
def passage(request, slug, section_key, ordinal):
    found = Passage.objects.select_related("paper", "section").get(
        paper__slug=slug, section__key=section_key, ordinal=ordinal
    )
    return passage_data(request, found, found.editorial_notes.order_by("ordinal", "pk"))


@api_view
def themes(request):
    return {"themes": [theme_summary(request, t) for t in Theme.objects.readable_by(request.user)]}


@api_view
def theme(request, slug):
    return one_theme(request, Theme.objects.readable_by(request.user), slug)


SLUG = re.compile(r"[-\w]{1,100}\Z", re.ASCII)
PAGE_NUMBER = re.compile(r"[1-9][0-9]{0,5}\Z")


def search_arguments(params):
    """The search and its filters from the query string, or the error that makes it a bad request."""
    q = params.get("q", "")
    if not q.strip():
        return None, "q, the words to search for, is required"
    if len(q) > QUERY_MAX_LENGTH:
        return None, f"q is at most {QUERY_MAX_LENGTH} characters"
    stance = params.get("stance", "")
    if stance and stance not in Stance.values:
        return None, "stance is one of: " + ", ".join(Stance.values)
    paper, theme = params.get("paper", ""), params.get("theme", "")
    if paper and not (SLUG.match(paper) and Paper.objects.filter(slug=paper).exists()):
        return None, "paper is the slug of a paper (see /api/papers/)"
    if theme and not (SLUG.match(theme) and Theme.objects.published().filter(slug=theme).exists()):
        return None, "theme is the slug of a published theme (see /api/themes/)"
    page = params.get("page", "1")
    if not PAGE_NUMBER.match(page):
        return None, "page is a page number: 1, 2, ..."
    return {"query": q, "stance": stance, "paper": paper, "theme": theme, "page": int(page)}, None


@api_view
def search(request):
    """One page of the full-text search, as the search page finds it: the passages with a snippet each.

    `count` is the number of passages that can be paged through, at most RANK_WINDOW; `capped`
    says more match than were ranked. A page past the last is a 404; anything malformed a 400.
    """
    arguments, problem = search_arguments(request.GET)
    if problem:
        return error(problem, 400)
    # A client sends finished queries: its last word is a prefix only if it ends in *.
    results = search_passages(arguments.pop("query"), **arguments, typing=False)
    if arguments["page"] > max(results.pages, 1):
        return error("no such page", 404)
    notes = notes_by_passage(
        EditorialNote.objects.filter(passage__in=[hit.passage.pk for hit in results]).order_by("ordinal", "pk")
    )
    data = {
        "query": results.query,
        "count": min(results.total, RANK_WINDOW),
        "capped": results.capped,
        "page": arguments["page"],
        "pages": results.pages,
        "results": [
            {**passage_data(request, hit.passage, notes[hit.passage.pk]), "snippet": str(hit.snippet)}
            for hit in results
        ],
    }
    if results.exclusions_only:
        data["message"] = "A search of exclusions only matches nothing: add a word to look for."
    return data


@api_view
def corpus(request):
    """Everything a reader can see: every paper in full and every published theme."""
    return {
        "papers": papers_in_full(request, Paper.objects.all()),
        "themes": themes_in_full(request, Theme.objects.readable_by(request.user)),
    }


@api_view
def theme_export(request, slug):
    """The theme as a JSON file, beside the Markdown handout; those who edit a draft may export it too."""
    data = one_theme(request, Theme.objects.readable_by(request.user), slug)
    response = JsonResponse(data, json_dumps_params={**JSON_OPTIONS, "indent": 2})
    response["Content-Disposition"] = f'attachment; filename="{slug}.json"'
    return response
