"""Views of the reading room: the library, a paper, a passage, a theme."""

from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from .forms import SearchForm
from .models import Annotation, ContrastPassage, EditorialNote, Paper, Passage, Section, Stance, Theme
from .search import search_passages

CONTEXT_SIZE = 2  # passages shown on each side when a passage is expanded in place


@require_GET
def home(request):
    papers = list(Paper.objects.all())
    context = {
        "official_papers": [p for p in papers if p.stance == Stance.OFFICIAL],
        "critical_papers": [p for p in papers if p.stance == Stance.CRITICAL],
        "themes": Theme.objects.published(),
    }
    return TemplateResponse(request, "readings/home.html", context)


@require_GET
def paper_detail(request, slug):
    paper = get_object_or_404(Paper, slug=slug)
    published_uses = ContrastPassage.objects.filter(contrast__theme__is_published=True).select_related("contrast__theme")
    passages = (
        Passage.objects.filter(paper=paper)
        .order_by("ordinal")
        .prefetch_related(
            Prefetch("contrast_passages", queryset=published_uses, to_attr="uses"),
            Prefetch("editorial_notes", queryset=EditorialNote.objects.order_by("ordinal"), to_attr="notes"),
        )
    )
    sections = paper.sections.order_by("ordinal").prefetch_related(Prefetch("passages", queryset=passages))
    context = {
        "paper": paper,
        "sections": sections,
        "paper_notes": paper.editorial_notes.filter(passage__isnull=True).order_by("ordinal"),
    }
    return TemplateResponse(request, "readings/paper_detail.html", context)


def get_passage(slug, section_key, ordinal):
    return get_object_or_404(
        Passage.objects.select_related("paper", "section"), paper__slug=slug, section__key=section_key, ordinal=ordinal
    )


def passage_context(request, passage, **extra):
    """Everything the passage page shows; each fragment of it has a URL of its own."""
    return {
        "passage": passage,
        "before": Passage.objects.before(passage, CONTEXT_SIZE),
        "after": Passage.objects.after(passage, CONTEXT_SIZE),
        "notes": passage.editorial_notes.order_by("ordinal"),
        "themes": Theme.objects.published().filter(contrasts__passages=passage).distinct(),
        "annotations": Annotation.objects.visible_to(request.user).filter(passage=passage).select_related("author"),
        "citation": passage.citation(request.build_absolute_uri(passage.get_absolute_url())),
        **extra,
    }


def render_passage(request, passage, partial, **extra):
    template = "readings/passage_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += f"#{partial}"
    return TemplateResponse(request, template, passage_context(request, passage, open=partial, **extra))


@require_GET
@vary_on_headers("HX-Request")
def passage_detail(request, slug, section_key, ordinal):
    return render_passage(request, get_passage(slug, section_key, ordinal), "passage")


@require_GET
@vary_on_headers("HX-Request")
def passage_in_context(request, slug, section_key, ordinal):
    """The passage among its neighbours: what 'expand' opens in place on a theme page."""
    return render_passage(request, get_passage(slug, section_key, ordinal), "context")


@require_GET
@vary_on_headers("HX-Request")
def passage_annotations(request, slug, section_key, ordinal):
    return render_passage(request, get_passage(slug, section_key, ordinal), "annotations")


@require_GET
@vary_on_headers("HX-Request")
def section_detail(request, slug, section_key):
    section = get_object_or_404(Section.objects.select_related("paper"), paper__slug=slug, key=section_key)
    passages = section.passages.select_related("paper", "section").order_by("ordinal")
    template = "readings/section_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#section"
    return TemplateResponse(request, template, {"section": section, "paper": section.paper, "passages": passages})


@require_GET
@vary_on_headers("HX-Request")
def theme_detail(request, slug):
    theme = get_object_or_404(Theme.objects.published(), slug=slug)
    contrasts = list(theme.contrasts_for_reading())
    return TemplateResponse(
        request, "readings/theme_detail.html", {"theme": theme, "contrasts": contrasts, "count": len(contrasts)}
    )


@require_GET
@vary_on_headers("HX-Request")
def contrast_detail(request, slug, order):
    """One contrast of a theme; stepping to the previous or next swaps it in place."""
    theme = get_object_or_404(Theme.objects.published(), slug=slug)
    contrasts = list(theme.contrasts_for_reading())
    contrast = next((c for c in contrasts if c.order == order), None)
    if contrast is None:
        raise Http404("No such contrast in this theme.")
    template = "readings/theme_detail.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#contrast"
    context = {"theme": theme, "contrasts": [contrast], "contrast": contrast, "count": len(contrasts), "single": True}
    context.update(neighbours(contrasts, contrast))
    return TemplateResponse(request, template, context)


def neighbours(contrasts, contrast):
    index = contrasts.index(contrast)
    return {
        "previous": contrasts[index - 1] if index > 0 else None,
        "next": contrasts[index + 1] if index + 1 < len(contrasts) else None,
    }


@require_GET
def theme_handout(request, slug):
    """The theme as a Markdown handout, for printing or pasting elsewhere."""
    theme = get_object_or_404(Theme.objects.published(), slug=slug)
    contrasts = theme.contrasts_for_reading()
    text = render_to_string(
        "readings/theme_handout.md", {"theme": theme, "contrasts": contrasts, "site": request.build_absolute_uri("/")[:-1]}
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{theme.slug}.md"'
    return response


@require_GET
@vary_on_headers("HX-Request")
def compare(request):
    """Any official paper beside any critical paper, section by section."""
    papers = list(Paper.objects.all())
    official = [p for p in papers if p.stance == Stance.OFFICIAL]
    critical = [p for p in papers if p.stance == Stance.CRITICAL]
    # An unknown or wrong-stance choice is ignored, not an error: the first paper is shown.
    left = next((p for p in official if p.slug == request.GET.get("official")), official[0] if official else None)
    right = next((p for p in critical if p.slug == request.GET.get("critical")), critical[0] if critical else None)
    chosen = [p for p in (left, right) if p]
    passages = Passage.objects.filter(paper__in=chosen).select_related("section").order_by("section__ordinal", "ordinal")
    sections = {p.pk: [] for p in chosen}
    for section in Section.objects.filter(paper__in=chosen).order_by("ordinal").prefetch_related(
        Prefetch("passages", queryset=passages.order_by("ordinal"))
    ):
        sections[section.paper_id].append(section)
    columns = [(paper, sections[paper.pk]) for paper in chosen]
    template = "readings/compare.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#columns"
    return TemplateResponse(
        request, template, {"official": official, "critical": critical, "left": left, "right": right, "columns": columns}
    )


@require_GET
@vary_on_headers("HX-Request")
def search(request):
    form = SearchForm(request.GET)
    results = search_passages(form.cleaned_data["q"], **form.filters()) if form.is_valid() else None
    template = "readings/search.html"
    if request.htmx and not request.htmx.history_restore_request:
        template += "#results"
    return TemplateResponse(request, template, {"form": form, "results": results})
