"""Views of the reading room: the library, a paper, a passage, a theme."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from .models import Contrast, ContrastPassage, EditorialNote, Paper, Passage, Section, Stance, Theme


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


@require_GET
def passage_detail(request, slug, section_key, ordinal):
    passage = get_object_or_404(
        Passage.objects.select_related("paper", "section"),
        paper__slug=slug,
        section__key=section_key,
        ordinal=ordinal,
    )
    notes = passage.editorial_notes.order_by("ordinal")
    themes = Theme.objects.published().filter(contrasts__passages=passage).distinct()
    return TemplateResponse(
        request, "readings/passage_detail.html", {"passage": passage, "notes": notes, "themes": themes}
    )


@require_GET
def theme_detail(request, slug):
    theme = get_object_or_404(Theme.objects.published(), slug=slug)
    sides = ContrastPassage.objects.select_related("passage__paper", "passage__section").order_by("side", "order")
    contrasts = theme.contrasts.order_by("order").prefetch_related(Prefetch("contrast_passages", queryset=sides))
    return TemplateResponse(request, "readings/theme_detail.html", {"theme": theme, "contrasts": contrasts})
