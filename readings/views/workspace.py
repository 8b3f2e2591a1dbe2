"""A reader's notebook and a seminar's stream: annotations listed, filtered and exported beyond their passage."""

from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce, Greatest
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from ..forms import WorkspaceFilterForm
from ..models import Annotation, ContrastPassage, Paper, Role, Seminar, Tag, Theme
from . import exports
from .access import seminar_of_member
from .assignments import assignment_groups

WORKSPACE_PAGE_SIZE = 20
# The notebook's seminar filter for private notes (a seminar slugged so would be shadowed by it).
ONLY_ME = "only-me"


def listed(annotations, user):
    """Everything a note in a list shows, fetched with it: author, seminar, passage, parent, tags, replies.

    A reply is seen by whoever sees its note, but for those hidden by a moderator or by an assignment's gate.
    """
    replies = (
        Annotation.objects.filter(parent=OuterRef("pk"), is_hidden=False)
        .not_gated_for(user)
        .order_by()
        .values("parent")
    )
    return (
        annotations.for_display()
        .select_related("passage__paper", "passage__section", "parent__author")
        .annotate(reply_count=Coalesce(Subquery(replies.annotate(n=Count("pk")).values("n")), 0))
    )


def filtered(annotations, filters, user):
    """Annotations narrowed by the workspace filters that are set (values already checked by the form)."""
    if "member" in filters:
        annotations = annotations.filter(author__username=filters["member"])
    if "paper" in filters:
        annotations = annotations.filter(passage__paper__slug=filters["paper"])
    if "theme" in filters:
        # A subquery, not a join: a passage in two contrasts of a theme would list its notes twice.
        # Only the contrasts the reader may read: a draft contrast's passages are not yet "in" the theme.
        in_theme = (
            ContrastPassage.objects.readable_by(user).filter(contrast__theme__slug=filters["theme"]).values("passage")
        )
        annotations = annotations.filter(passage__in=in_theme)
    if filters.get("seminar") == ONLY_ME:
        annotations = annotations.filter(visibility=Annotation.Visibility.PRIVATE)
    elif "seminar" in filters:
        annotations = annotations.filter(seminar__slug=filters["seminar"], visibility=Annotation.Visibility.SEMINAR)
    if "tag" in filters:
        annotations = annotations.filter(tags__name=filters["tag"])
    if "q" in filters:
        # A plain substring match over the reader's own notes: a few hundred rows, no index needed.
        annotations = annotations.filter(Q(body__icontains=filters["q"]) | Q(quote__icontains=filters["q"]))
    return annotations


def my_notes(user):
    """Every annotation and reply the reader wrote that is still there (not withdrawn, not hidden)."""
    return Annotation.objects.visible_to(user).filter(author=user, deleted_at__isnull=True)


def notebook_form(request):
    user = request.user
    mine = my_notes(user)
    # Seminars the reader is in now, and those they shared with before leaving.
    seminars = Seminar.objects.filter(Q(memberships__user=user) | Q(pk__in=mine.values("seminar"))).distinct()
    return WorkspaceFilterForm(
        request.GET,
        papers=Paper.objects.filter(pk__in=mine.values("passage__paper")).only("slug", "title", "title_supplied"),
        themes=Theme.objects.readable_by(user).only("slug", "title"),
        seminars=[("", "All seminars"), (ONLY_ME, "Only me"), *seminars.values_list("slug", "name")],
        tags=Tag.objects.filter(annotations__in=mine.values("pk")).distinct(),
        search=True,
    )


def page_of(request, annotations):
    """A page of the list; a page number past the end is the last page, and one that is not a number the first."""
    return Paginator(annotations, WORKSPACE_PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@login_required
def notebook(request):
    form = notebook_form(request)
    filters = form.filters()
    notes = listed(filtered(my_notes(request.user), filters, request.user), request.user).order_by("-created", "-pk")
    context = {
        "form": form,
        "filters": filters,
        "query": urlencode(filters),
        "page": page_of(request, notes),
        "tag_base": reverse("readings:notebook"),
    }
    return TemplateResponse(request, "readings/notebook.html", context)


@require_safe
@login_required
def notebook_export(request, fmt):
    filters = notebook_form(request).filters()
    notes = listed(filtered(my_notes(request.user), filters, request.user), request.user).order_by("-created", "-pk")
    title = f"Notebook of {request.user.get_username()}"
    return exports.download(request, fmt, title, f"notebook-{request.user.get_username()}", filters, list(notes))


def shared_with(request, seminar):
    """The seminar's threads: notes shared with it (never private ones), hidden ones left out by visible_to."""
    return Annotation.objects.visible_to(request.user).filter(
        seminar=seminar, visibility=Annotation.Visibility.SEMINAR, parent__isnull=True
    )


def stream_form(request, seminar):
    threads = shared_with(request, seminar)
    members = (
        get_user_model()
        .objects.filter(memberships__seminar=seminar)
        .order_by("username")
        .values_list("username", "first_name", "last_name")
    )
    return WorkspaceFilterForm(
        request.GET,
        members=[("", "Everyone"), *((u, f"{f} {la}".strip() or u) for u, f, la in members)],
        papers=Paper.objects.filter(pk__in=threads.values("passage__paper")).only("slug", "title", "title_supplied"),
        themes=Theme.objects.readable_by(request.user).only("slug", "title"),
        tags=Tag.objects.filter(annotations__in=threads.values("pk")).distinct(),
    )


def stream_threads(request, seminar, filters):
    """Threads with their replies, the most recent activity (the note or its latest reply) first."""
    latest_reply = (
        Annotation.objects.filter(parent=OuterRef("pk"), is_hidden=False)
        .not_gated_for(request.user)
        .order_by("-created")
        .values("created")[:1]
    )
    replies = (
        Annotation.objects.visible_to(request.user).for_display().select_related("passage__paper", "passage__section")
    )
    return (
        listed(filtered(shared_with(request, seminar), filters, request.user), request.user)
        .annotate(activity=Greatest("created", Coalesce(Subquery(latest_reply), "created")))
        .prefetch_related(Prefetch("replies", queryset=replies, to_attr="thread"))
        .order_by("-activity", "-pk")
    )


@require_safe
@login_required
def seminar_stream(request, slug):
    seminar, membership = seminar_of_member(request, slug)
    form = stream_form(request, seminar)
    filters = form.filters()
    context = {
        "seminar": seminar,
        "is_instructor": membership.role == Role.INSTRUCTOR,
        "form": form,
        "filters": filters,
        "query": urlencode(filters),
        "page": page_of(request, stream_threads(request, seminar, filters)),
        "tag_base": reverse("readings:seminar-stream", args=[seminar.slug]),
        **assignment_groups(request.user, membership),
    }
    return TemplateResponse(request, "readings/seminar_stream.html", context)


@require_safe
@login_required
def seminar_stream_export(request, slug, fmt):
    seminar, membership = seminar_of_member(request, slug)
    if membership.role != Role.INSTRUCTOR:
        raise PermissionDenied("Only the seminar's instructors can export its stream.")
    filters = stream_form(request, seminar).filters()
    rows = []
    for thread in stream_threads(request, seminar, filters):
        rows += [thread, *thread.thread]
    return exports.download(request, fmt, seminar.name, f"seminar-{seminar.slug}", filters, rows)
