"""Annotating: writing, editing, deleting and replying to annotations on a passage."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from ..forms import AnnotationEditForm, AnnotationForm, ReplyForm
from ..models import (
    Annotation,
    AnnotationRevision,
)
from ..notifications import notify_about
from .reading import get_passage, render_passage
from .render import render_page


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
                notify_about(annotation)
            if not request.htmx:
                return redirect(annotation.get_absolute_url())
            form = None
        status = 200 if form is None else 400
        response = render_passage(request, passage, "annotations", form=form, saved=form is None)
        response.status_code = status
        return response
    return render_passage(request, passage, "annotations")


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
        notify_about(reply)
    return annotation_done(request, parent)
