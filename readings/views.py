"""Views of the reading room: library, papers, passages, themes, compare, search, annotations, terms, map."""

from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import PasswordResetView
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Min, Prefetch
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from . import charts, term_index, throttling
from .forms import AnnotationEditForm, AnnotationForm, ReplyForm, SearchForm
from .models import (
    ANNOTATION_MAX_LENGTH,
    Annotation,
    AnnotationRevision,
    ContrastPassage,
    EditorialNote,
    Paper,
    Passage,
    Section,
    Stance,
    Theme,
)
from .search import search_passages
from .terms import parse_term

CONTEXT_SIZE = 2  # passages shown on each side when a passage is expanded in place
HOME_PAPERS = 10  # per stance
HOME_THEMES = 20
LIST_PAGE_SIZE = 50


def render_page(request, template, partial, context, status=200):
    """The named partial for an htmx swap, the whole page otherwise.

    A history restore asks for a whole page: htmx found nothing in its cache and will replace
    the document with what it gets.
    """
    if request.htmx and not request.htmx.history_restore_request:
        template = f"{template}#{partial}"
    return TemplateResponse(request, template, context, status=status)


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
        "themes": Theme.objects.published()[:HOME_THEMES],
        "theme_count": Theme.objects.published().count(),
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
    page = Paginator(Theme.objects.published(), LIST_PAGE_SIZE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "readings/theme_list.html", {"page": page})


@require_safe
def paper_detail(request, slug):
    paper = get_object_or_404(Paper, slug=slug)
    published_uses = ContrastPassage.objects.filter(contrast__theme__is_published=True).select_related(
        "contrast__theme"
    )
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
def passage_detail(request, slug, section_key, ordinal):
    return render_passage(request, get_passage(slug, section_key, ordinal), "passage")


@require_safe
@vary_on_headers("HX-Request")
def passage_in_context(request, slug, section_key, ordinal):
    """The passage among its neighbours: what 'expand' opens in place on a theme page."""
    return render_passage(request, get_passage(slug, section_key, ordinal), "context")


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def passage_annotations(request, slug, section_key, ordinal):
    """Read a passage's annotations; annotate it (or a quoted span of it) by POST."""
    passage = get_passage(slug, section_key, ordinal)
    if request.method == "POST":
        if not request.user.has_perm("readings.add_annotation"):
            raise PermissionDenied("Only members of a seminar can annotate.")
        form = AnnotationForm(request.POST, user=request.user, passage=passage)
        if form.is_valid():
            annotation = form.save(commit=False)
            annotation.passage, annotation.author = passage, request.user
            annotation.start, annotation.end = form.cleaned_data["start"], form.cleaned_data["end"]
            annotation.seminar = form.cleaned_data["seminar"]
            # Rendering is the slow part of a save: done before the write lock is taken.
            annotation.render_markdown()
            with transaction.atomic():
                annotation.save()
            if not request.htmx:
                return redirect(annotation.get_absolute_url())
            form = None
        status = 200 if form is None else 400
        response = render_passage(request, passage, "annotations", form=form, saved=form is None)
        response.status_code = status
        return response
    return render_passage(request, passage, "annotations")


@require_safe
@vary_on_headers("HX-Request")
def section_detail(request, slug, section_key):
    section = get_object_or_404(Section.objects.select_related("paper"), paper__slug=slug, key=section_key)
    passages = section.passages.select_related("paper", "section").order_by("ordinal")
    context = {"section": section, "paper": section.paper, "passages": passages}
    return render_page(request, "readings/section_detail.html", "section", context)


@require_safe
@vary_on_headers("HX-Request")
def theme_detail(request, slug):
    theme = get_object_or_404(Theme.objects.readable_by(request.user), slug=slug)
    contrasts = list(theme.contrasts_for_reading())
    return TemplateResponse(
        request, "readings/theme_detail.html", {"theme": theme, "contrasts": contrasts, "count": len(contrasts)}
    )


@require_safe
@vary_on_headers("HX-Request")
def contrast_detail(request, slug, order):
    """One contrast of a theme; stepping to the previous or next swaps it in place."""
    theme = get_object_or_404(Theme.objects.readable_by(request.user), slug=slug)
    contrasts = list(theme.contrasts_for_reading())
    contrast = next((c for c in contrasts if c.order == order), None)
    if contrast is None:
        raise Http404("No such contrast in this theme.")
    context = {"theme": theme, "contrasts": [contrast], "contrast": contrast, "count": len(contrasts), "single": True}
    context.update(neighbours(contrasts, contrast))
    return render_page(request, "readings/theme_detail.html", "contrast", context)


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
    contrasts = theme.contrasts_for_reading()
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
@vary_on_headers("HX-Request")
def search(request):
    form = SearchForm(request.GET)
    results = search_passages(form.cleaned_data["q"], **form.filters()) if form.is_valid() else None
    return render_page(request, "readings/search.html", "results", {"form": form, "results": results})


def own_annotation(request, pk):
    """An annotation the reader wrote; others' annotations are not theirs to change (403)."""
    annotation = get_object_or_404(
        Annotation.objects.visible_to(request.user).select_related("passage__paper", "passage__section"), pk=pk
    )
    if annotation.author_id != request.user.pk:
        raise PermissionDenied("You can only change your own annotations.")
    return annotation


def check_still_writable(request, annotation):
    """Writing in a seminar's thread needs membership of that seminar now, not only once (403 otherwise)."""
    if not Annotation.objects.writable_by(request.user).filter(pk=annotation.pk).exists():
        raise PermissionDenied(
            f"You are no longer a member of {annotation.seminar.name}: what you shared there stays readable "
            "(and yours to delete), but you can no longer change it or reply in it."
        )


def annotation_done(request, annotation):
    """After a change: the passage's annotations, as a fragment for htmx or a page to go back to."""
    if request.htmx:
        return render_passage(request, annotation.passage, "annotations")
    return redirect(reverse("readings:passage-annotations", args=annotation.passage.url_args))


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def annotation_edit(request, pk):
    annotation = own_annotation(request, pk)
    check_still_writable(request, annotation)
    conflict = False
    if request.method == "POST":
        form = AnnotationEditForm(request.POST)
        if form.is_valid():
            annotation.body = form.cleaned_data["body"]
            # Rendering is the slow part of a save: done before the row is locked.
            annotation.render_markdown()
            with transaction.atomic():
                # Lock the row, then compare versions: someone may have saved since this form was loaded.
                current = Annotation.objects.select_for_update().get(pk=annotation.pk)
                conflict = current.version != form.cleaned_data["version"]
                if not conflict:
                    AnnotationRevision.objects.create(
                        annotation=current, version=current.version, body=current.body, edited_by=request.user
                    )
                    annotation.version = current.version + 1
                    # Only what an edit changes: a moderator may have hidden the note since it was loaded.
                    annotation.save(update_fields=["body", "body_html", "version", "updated"])
            if not conflict:
                return annotation_done(request, annotation)
            annotation = current
    else:
        form = AnnotationEditForm(initial={"body": annotation.body, "version": annotation.version})
    context = {"annotation": annotation, "form": form, "conflict": conflict}
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render_page(request, "readings/annotation_edit.html", "edit-form", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def annotation_delete(request, pk):
    # No membership check: an author may withdraw what they wrote from a seminar they have left.
    annotation = own_annotation(request, pk)
    if request.method == "POST":
        with transaction.atomic():
            annotation.delete()  # with its replies and revisions
        return annotation_done(request, annotation)
    return TemplateResponse(request, "readings/annotation_delete.html", {"annotation": annotation})


@require_POST
def annotation_reply(request, pk):
    parent = get_object_or_404(
        Annotation.objects.visible_to(request.user).select_related("passage__paper", "passage__section"),
        pk=pk,
        parent__isnull=True,
    )
    if not request.user.has_perm("readings.add_annotation"):
        raise PermissionDenied("Only members of a seminar can reply.")
    check_still_writable(request, parent)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(" ".join(form.errors["body"]), content_type="text/plain; charset=utf-8")
    # A reply is seen by exactly those who see what it answers.
    reply = Annotation(
        passage=parent.passage,
        author=request.user,
        parent=parent,
        visibility=parent.visibility,
        seminar=parent.seminar,
        body=form.cleaned_data["body"],
    )
    reply.render_markdown()  # before the write lock, as for an annotation
    with transaction.atomic():
        reply.save()
    return annotation_done(request, parent)


def sign_in_locked(request, response, credentials=None):
    """The sign-in page again, saying for how long sign-in is locked (django-axes' AXES_LOCKOUT_CALLABLE)."""
    minutes = throttling.sign_in_lockout_minutes(request, credentials)
    context = getattr(response, "context_data", None) or {"form": AuthenticationForm(request)}
    # Rendered here: axes' middleware hands this back after the view, too late to render it lazily.
    locked = render(request, "registration/login.html", {**context, "locked": True, "minutes": minutes}, status=429)
    locked["Retry-After"] = str(minutes * 60)
    return locked


class LimitedPasswordResetView(PasswordResetView):
    """Django's password reset, sending no more mail than readings.throttling allows."""

    def form_valid(self, form):
        wait = throttling.password_reset_wait(self.request, form.cleaned_data["email"])
        if wait is None:
            return super().form_valid(form)
        minutes = throttling.minutes_until(timezone.now() + wait)
        response = self.render_to_response(self.get_context_data(form=form, limited=True, minutes=minutes))
        response.status_code = 429
        response["Retry-After"] = str(minutes * 60)
        return response


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
        "source_count": len(index.sources),
        "alpha0": index.alpha0,
        "max_words": TERM_MAX_WORDS,
        "max_length": TERM_MAX_LENGTH,
    }
    return render_page(request, "readings/terms.html", "kwic", context)


@require_safe
def theme_map(request):
    """Themes against papers: how many passages each paper brings to each published theme."""
    themes = list(Theme.objects.published())
    papers = sorted(Paper.objects.all(), key=lambda p: p.stance != Stance.OFFICIAL)  # official first, in order
    for paper in papers:
        paper.label = term_index.paper_label(paper)
        paper.short_title = term_index.short_title(paper)
    cells = (
        ContrastPassage.objects.filter(contrast__theme__is_published=True)
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
def passage_counterpoints(request, slug, section_key, ordinal):
    """Passages of the other stance that speak to the same matter, suggested from the texts alone."""
    return render_passage(request, get_passage(slug, section_key, ordinal), "counterpoints")
