"""Reading: the library, papers, passages and their fragments, themes and contrasts, compare, the theme map."""

from django.core.paginator import Paginator
from django.db.models import Count, Min, Prefetch, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.templatetags.static import static
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from .. import charts, term_index
from ..forms import AnnotationForm
from ..highlights import highlight_passages, place_notes
from ..models import (
    ANNOTATION_MAX_LENGTH,
    Annotation,
    ContrastPassage,
    EditorialNote,
    Paper,
    Passage,
    Section,
    Stance,
    Theme,
)
from .moved import follow_moved_passage, follow_moved_section, held_before_by_another, renumbered
from .render import render_page
from .structure import mark_list_runs

CONTEXT_SIZE = 2  # passages shown on each side when a passage is expanded in place


HOME_PAPERS = 10  # per stance


HOME_THEMES = 20


LIST_PAGE_SIZE = 50


@require_safe
def home(request):
    # A department's library can hold a thousand papers: the home page shows the first of
    # each stance and links to the full, paginated list.
    official = Paper.objects.official()
    critical = Paper.objects.critical()
    context = {
        "official_papers": official[:HOME_PAPERS],
        "critical_papers": critical[:HOME_PAPERS],
        "official_count": official.count(),
        "critical_count": critical.count(),
        "themes": Theme.objects.readable_by(request.user).select_related("seminar")[:HOME_THEMES],
        "theme_count": Theme.objects.readable_by(request.user).count(),
    }
    return TemplateResponse(request, "readings/home.html", context)


@require_safe
def paper_list(request):
    stance = request.GET.get("stance") if request.GET.get("stance") in Stance.values else ""
    papers = Paper.objects.filter(stance=stance) if stance else Paper.objects.all()
    page = Paginator(papers, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(
        request, "readings/paper_list.html", {"page": page, "stance": stance, "stances": Stance.choices}
    )


@require_safe
def theme_list(request):
    themes = Theme.objects.readable_by(request.user).select_related("seminar")
    page = Paginator(themes, LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "readings/theme_list.html", {"page": page})


@require_safe
def paper_detail(request, slug):
    paper = get_object_or_404(Paper, slug=slug)
    published_uses = ContrastPassage.objects.readable_by(request.user).select_related("contrast__theme")
    passages = (
        Passage.objects.filter(paper=paper)
        .order_by("ordinal")
        .prefetch_related(
            Prefetch("contrast_passages", queryset=published_uses, to_attr="uses"),
            Prefetch("editorial_notes", queryset=EditorialNote.objects.order_by("ordinal"), to_attr="notes"),
        )
    )
    sections = list(
        paper.sections.order_by("ordinal").prefetch_related(
            Prefetch("passages", queryset=passages),
            Prefetch("editorial_notes", queryset=EditorialNote.objects.order_by("ordinal"), to_attr="notes"),
        )
    )
    for section in sections:
        mark_list_runs(section.passages.all())
    shown = [passage for section in sections for passage in section.passages.all()]
    for passage in shown:
        passage.paper = paper  # the notes count links to each passage: no query per passage for its paper
    hide_others = highlight_passages(request.user, shown, Q(passage__paper=paper))
    context = {
        "hide_others": hide_others,
        "paper": paper,
        "sections": sections,
        "paper_notes": paper.editorial_notes.filter(passage__isnull=True, section__isnull=True).order_by("ordinal"),
    }
    return TemplateResponse(request, "readings/paper_detail.html", context)


def get_passage(slug, section_key, ordinal):
    return get_object_or_404(
        Passage.objects.select_related("paper", "section").annotate(renumbered_here=held_before_by_another()),
        paper__slug=slug,
        section__key=section_key,
        ordinal=ordinal,
    )


def passage_context(request, passage, **extra):
    """Everything the passage page shows; each fragment of it has a URL of its own."""
    before = list(Passage.objects.before(passage, CONTEXT_SIZE))
    after = list(Passage.objects.after(passage, CONTEXT_SIZE))
    shown = [*before, passage, *after]
    hide_others = highlight_passages(request.user, shown, Q(passage__in=[p.pk for p in shown]))
    return {
        "passage": passage,
        "hide_others": hide_others,
        "before": before,
        "after": after,
        "notes": passage.editorial_notes.order_by("ordinal"),
        "renumbered": renumbered(passage),
        "themes": Theme.objects.readable_by(request.user)
        .filter(
            pk__in=ContrastPassage.objects.readable_by(request.user).filter(passage=passage).values("contrast__theme")
        )
        .select_related("seminar"),
        "citation": passage.citation(request.build_absolute_uri(passage.get_absolute_url())),
        **annotation_context(request, passage, extra.pop("form", None)),
        **extra,
    }


def annotation_context(request, passage, form=None):
    """The passage's annotation threads the reader may see, and a form if they may annotate."""
    visible = list(
        Annotation.objects.visible_to(request.user)
        .filter(passage=passage)
        .for_display()
        .with_write_access(request.user)
    )
    replies = {}
    for annotation in visible:
        replies.setdefault(annotation.parent_id, []).append(annotation)
    for annotation in visible:
        annotation.thread = replies.get(annotation.pk, [])
    place_notes(passage.text, replies.get(None, []))
    can_annotate = request.user.has_perm("readings.add_annotation")
    if form is None and can_annotate:
        initial = {k: request.GET[k] for k in ("quote", "start", "end") if k in request.GET}
        form = AnnotationForm(initial=initial, user=request.user, passage=passage)
    return {
        "annotations": replies.get(None, []),
        "can_annotate": can_annotate,
        "form": form,
        "annotation_max_length": ANNOTATION_MAX_LENGTH,
    }


def render_passage(request, passage, partial, **extra):
    context = passage_context(request, passage, open=partial, **extra)
    return render_page(request, "readings/passage_detail.html", partial, context)


@require_safe
@vary_on_headers("HX-Request")
@follow_moved_passage
def passage_detail(request, slug, section_key, ordinal):
    return render_passage(request, get_passage(slug, section_key, ordinal), "passage")


@require_safe
@vary_on_headers("HX-Request")
@follow_moved_passage
def passage_in_context(request, slug, section_key, ordinal):
    """The passage among its neighbours: what 'Show context' opens in place on a theme page, where the
    passage itself is already shown (the panel marks its place instead of repeating it)."""
    return render_passage(request, get_passage(slug, section_key, ordinal), "context", in_panel=bool(request.htmx))


@require_safe
@vary_on_headers("HX-Request")
@follow_moved_section
def section_detail(request, slug, section_key):
    section = get_object_or_404(Section.objects.select_related("paper"), paper__slug=slug, key=section_key)
    passages = mark_list_runs(section.passages.select_related("paper", "section").order_by("ordinal"))
    highlight_passages(request.user, passages, Q(passage__section=section))
    notes = section.editorial_notes.order_by("ordinal")
    context = {"section": section, "paper": section.paper, "passages": passages, "section_notes": notes}
    return render_page(request, "readings/section_detail.html", "section", context)


@require_safe
@vary_on_headers("HX-Request")
def theme_detail(request, slug):
    theme = get_object_or_404(Theme.objects.readable_by(request.user), slug=slug)
    contrasts = list(theme.contrasts_for_reading(request.user))
    hide_others = highlight_contrasts(request.user, contrasts)
    context = {"theme": theme, "contrasts": contrasts, "count": len(contrasts), "hide_others": hide_others}
    return TemplateResponse(request, "readings/theme_detail.html", context)


@require_safe
@vary_on_headers("HX-Request")
def contrast_detail(request, slug, order):
    """One contrast of a theme; stepping to the previous or next swaps it in place."""
    theme = get_object_or_404(Theme.objects.readable_by(request.user), slug=slug)
    contrasts = list(theme.contrasts_for_reading(request.user))
    contrast = next((c for c in contrasts if c.order == order), None)
    if contrast is None:
        raise Http404("No such contrast in this theme.")
    highlight_contrasts(request.user, [contrast])
    context = {"theme": theme, "contrasts": [contrast], "contrast": contrast, "count": len(contrasts), "single": True}
    context.update(neighbours(contrasts, contrast))
    return render_page(request, "readings/theme_detail.html", "contrast", context)


def highlight_contrasts(user, contrasts):
    shown = [use.passage for contrast in contrasts for use in contrast.contrast_passages.all()]
    return highlight_passages(user, shown, Q(passage__in={p.pk for p in shown}))


def neighbours(contrasts, contrast):
    index = contrasts.index(contrast)
    return {
        "previous": contrasts[index - 1] if index > 0 else None,
        "next": contrasts[index + 1] if index + 1 < len(contrasts) else None,
    }


@require_safe
def theme_handout(request, slug):
    """The theme as a Markdown handout, for printing or pasting elsewhere."""
    theme = get_object_or_404(Theme.objects.readable_by(request.user), slug=slug)
    contrasts = theme.contrasts_for_reading(request.user)
    text = render_to_string(
        "readings/theme_handout.md",
        {"theme": theme, "contrasts": contrasts, "site": request.build_absolute_uri("/")[:-1]},
    )
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{theme.slug}.md"'
    return response


@require_safe
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
    passages = (
        Passage.objects.filter(paper__in=chosen).select_related("section").order_by("section__ordinal", "ordinal")
    )
    sections = {p.pk: [] for p in chosen}
    for section in (
        Section.objects.filter(paper__in=chosen)
        .order_by("ordinal")
        .prefetch_related(Prefetch("passages", queryset=passages.order_by("ordinal")))
    ):
        sections[section.paper_id].append(section)
    columns = [(paper, sections[paper.pk]) for paper in chosen]
    context = {"official": official, "critical": critical, "left": left, "right": right, "columns": columns}
    return render_page(request, "readings/compare.html", "columns", context)


@require_safe
def theme_map(request):
    """Themes against papers: how many passages each paper brings to each theme the reader may read."""
    themes = list(Theme.objects.readable_by(request.user).select_related("seminar"))
    papers = sorted(Paper.objects.all(), key=lambda p: p.stance != Stance.OFFICIAL)  # official first, in order
    for paper in papers:
        paper.label = term_index.paper_label(paper)
        paper.short_title = term_index.short_title(paper)
    cells = (
        ContrastPassage.objects.readable_by(request.user)
        .values("contrast__theme_id", "passage__paper_id")
        .annotate(count=Count("passage_id", distinct=True), first_contrast=Min("contrast__order"))
        .order_by()
    )
    found = {(c["contrast__theme_id"], c["passage__paper_id"]): c for c in cells}
    largest = max((c["count"] for c in found.values()), default=0)
    rows = []
    for theme in themes:
        row = []
        for paper in papers:
            cell = found.get((theme.pk, paper.pk), {"count": 0, "first_contrast": None})
            level = charts.shade_level(cell["count"], largest)
            row.append(
                {"paper": paper, "count": cell["count"], "first_contrast": cell["first_contrast"], "level": level}
            )
        rows.append({"theme": theme, "cells": row, "total": sum(c["count"] for c in row)})
    context = {
        "papers": papers,
        "official_papers": [p for p in papers if p.stance == Stance.OFFICIAL],
        "critical_papers": [p for p in papers if p.stance == Stance.CRITICAL],
        "rows": rows,
    }
    return TemplateResponse(request, "readings/theme_map.html", context)


@require_safe
@vary_on_headers("HX-Request")
@follow_moved_passage
def passage_counterpoints(request, slug, section_key, ordinal):
    """Passages of the other stance that speak to the same matter, suggested from the texts alone."""
    return render_passage(request, get_passage(slug, section_key, ordinal), "counterpoints")


@require_safe
def favicon(request):
    """Pages name their icon (base.html); the admin's do not, and browsers then ask for /favicon.ico."""
    return redirect(static("favicon.svg"), permanent=True)
