"""Reading assignments: what a seminar reads by when; instructors set them, members read them with the seminar's notes."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from ..assignment_forms import AssignmentForm
from ..highlights import highlight_passages
from ..models import DUE_SOON, Annotation, Assignment, Passage, Role, shared_in_reading
from .access import seminar_of_instructor, seminar_of_member
from .reading import highlight_contrasts

READING_PAGE_SIZE = 40  # passages of a paper or of sections per page of an assignment
WORK_SHOWN = 50  # the most recent notes in the reading an assignment page lists


def assignment_groups(user, membership):
    """The seminar's assignments a member sees, in one query: due soon, later, and past (most recent first).

    Each carries `done`, how many notes the reader shared in its reading.
    """
    now = timezone.now()
    assignments = list(
        Assignment.objects.seen_by(membership)
        .select_related("theme", "paper")
        .annotate(done=shared_in_reading(user))
        .order_by("due_at", "pk")
    )
    return {
        "due_soon": [a for a in assignments if now < a.due_at <= now + DUE_SOON],
        "upcoming": [a for a in assignments if a.due_at > now + DUE_SOON],
        "past": [a for a in reversed(assignments) if a.due_at <= now],
        "assignment_count": len(assignments),
    }


def assignment_for(request, slug, pk):
    """The assignment, to a member of its seminar (a student only once it has opened): 404 otherwise."""
    seminar, membership = seminar_of_member(request, slug)
    assignment = get_object_or_404(
        Assignment.objects.seen_by(membership)
        .select_related("theme", "paper")
        .annotate(done=shared_in_reading(request.user)),
        pk=pk,
    )
    assignment.seminar = seminar
    return assignment, membership


def work_in_reading(request, assignment, is_instructor):
    """Notes shared with the seminar in the reading, latest first: everyone's for instructors, a student's own."""
    notes = Annotation.objects.visible_to(request.user).filter(
        assignment.reading_q("passage__"),
        seminar=assignment.seminar,
        visibility=Annotation.Visibility.SEMINAR,
        deleted_at__isnull=True,
    )
    if not is_instructor:
        notes = notes.filter(author=request.user)
    listed = notes.for_display().select_related("passage__paper", "passage__section").order_by("-created", "-pk")
    work = list(listed[:WORK_SHOWN])
    for note in work:
        note.late = assignment.is_late(note.created)
    return work, notes.count()


@require_safe
@login_required
def assignment_detail(request, slug, pk):
    assignment, membership = assignment_for(request, slug, pk)
    is_instructor = membership.role == Role.INSTRUCTOR
    context = {"assignment": assignment, "seminar": assignment.seminar, "is_instructor": is_instructor}
    if assignment.kind == Assignment.Kind.THEME:
        contrasts = list(assignment.theme.contrasts_for_reading())
        context.update(
            theme=assignment.theme,
            contrasts=contrasts,
            count=len(contrasts),
            hide_others=highlight_contrasts(request.user, contrasts),
        )
    else:
        # A whole paper is a hundred paragraphs or more: a page of them at a time.
        passages = Passage.objects.filter(assignment.reading_q()).select_related("paper", "section").in_reading_order()
        page = Paginator(passages, READING_PAGE_SIZE).get_page(request.GET.get("page"))
        shown = list(page)
        hide_others = highlight_passages(request.user, shown, Q(passage__in=[p.pk for p in shown]))
        context.update(page=page, passages=shown, hide_others=hide_others)
    context["work"], context["work_count"] = work_in_reading(request, assignment, is_instructor)
    return TemplateResponse(request, "readings/assignment_detail.html", context)


def writable(seminar):
    if seminar.is_archived:
        raise PermissionDenied("This seminar is archived: it is read-only, and takes no new or changed assignments.")
    return seminar


def edit_assignment(request, seminar, assignment):
    """The form, for a new assignment or an existing one; saved, to the assignment's page."""
    form = AssignmentForm(request.POST or None, instance=assignment, seminar=seminar)
    if request.method == "POST" and form.is_valid():
        assignment = form.save(commit=False)
        # Rendering is the slow part of a save: done before the write lock is taken.
        assignment.render_markdown()
        with transaction.atomic():
            assignment.save()
            form.save_m2m()
        return redirect(assignment.get_absolute_url())
    context = {"form": form, "seminar": seminar, "assignment": assignment}
    status = 400 if request.method == "POST" else 200
    return TemplateResponse(request, "readings/assignment_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assignment_new(request, slug):
    seminar = writable(seminar_of_instructor(request, slug))
    now = timezone.now().replace(second=0, microsecond=0)
    assignment = Assignment(seminar=seminar, created_by=request.user, opens_at=now, due_at=now + DUE_SOON)
    return edit_assignment(request, seminar, assignment)


def instructors_assignment(request, slug, pk):
    seminar = writable(seminar_of_instructor(request, slug))
    assignment = get_object_or_404(Assignment.objects.filter(seminar=seminar), pk=pk)
    assignment.seminar = seminar
    return seminar, assignment


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assignment_edit(request, slug, pk):
    seminar, assignment = instructors_assignment(request, slug, pk)
    return edit_assignment(request, seminar, assignment)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def assignment_delete(request, slug, pk):
    seminar, assignment = instructors_assignment(request, slug, pk)
    if request.method == "POST":
        with transaction.atomic():
            assignment.delete()
        return redirect("readings:seminar-stream", seminar.slug)
    return TemplateResponse(request, "readings/assignment_delete.html", {"assignment": assignment, "seminar": seminar})
