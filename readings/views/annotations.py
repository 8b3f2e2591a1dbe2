"""Annotating: writing, editing, deleting and replying to annotations on a passage."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers

from ..forms import AnnotationEditForm, AnnotationForm, ReplyForm, share
from ..models import (
    Annotation,
    AnnotationRevision,
    ReaderSettings,
)
from ..notifications import notify_about
from .moved import follow_moved_passage
from .reading import annotation_context, get_passage, render_passage
from .render import render_page


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
@follow_moved_passage
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
            share(annotation, form.cleaned_data["share_with"])
            # Rendering is the slow part of a save: done before the write lock is taken.
            annotation.render_markdown()
            with transaction.atomic():
                annotation.save()
                annotation.set_tags(form.cleaned_data["tags"])
                notify_about(annotation)
                remember_share_with(request.user, annotation.seminar)
            if not request.htmx:
                return redirect(annotation.get_absolute_url())
            form = None
        status = 200 if form is None else 400
        response = render_passage(request, passage, "annotations", form=form, saved=form is None)
        response.status_code = status
        return response
    return render_passage(request, passage, "annotations")


@require_POST
def highlights_setting(request):
    """Show or hide other people's highlights, remembered for the reader; back to where they were."""
    if not request.user.is_authenticated:
        raise PermissionDenied("Sign in to choose which highlights you see.")
    hide = request.POST.get("hide_others") == "1"
    with transaction.atomic():
        ReaderSettings.objects.update_or_create(user=request.user, defaults={"hide_others_highlights": hide})
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = "/"
    return redirect(back)


def remember_share_with(user, seminar):
    """The writer's "Share with" choice becomes the default of their next note."""
    ReaderSettings.objects.update_or_create(user=user, defaults={"share_with": seminar})


def own_annotation(request, pk):
    """An annotation the reader wrote; others' annotations are not theirs to change (403)."""
    annotation = get_object_or_404(
        Annotation.objects.visible_to(request.user).select_related("passage__paper", "passage__section"),
        pk=pk,
        deleted_at__isnull=True,
    )
    if annotation.author_id != request.user.pk:
        raise PermissionDenied("You can only change your own annotations.")
    return annotation


def check_still_writable(request, annotation):
    """Writing in a seminar's thread needs membership of that seminar now, not only once, and the seminar
    not archived (403 otherwise)."""
    if not Annotation.objects.writable_by(request.user).filter(pk=annotation.pk).exists():
        if annotation.seminar and annotation.seminar.is_archived:
            raise PermissionDenied(f"{annotation.seminar.name} is archived: its notes can be read, not changed.")
        raise PermissionDenied(
            f"You are no longer a member of {annotation.seminar.name}: what you shared there stays readable "
            "(and yours to delete), but you can no longer change it or reply in it."
        )


def annotation_done(request, annotation):
    """After a change: the passage's annotations, as a fragment for htmx or a page to go back to."""
    if request.htmx:
        return render_passage(request, annotation.passage, "annotations")
    return redirect(reverse("readings:passage-annotations", args=annotation.passage.url_args))


def annotation_edited(request, annotation):
    """After an edit: for htmx, that one note as its thread shows it (it replaces the edit form), else the page."""
    if not request.htmx:
        return annotation_done(request, annotation)
    context = annotation_context(request, annotation.passage)
    notes = [note for top in context["annotations"] for note in (top, *top.thread)]
    context["annotation"] = next((note for note in notes if note.pk == annotation.pk), None)
    if context["annotation"] is None:  # hidden by a moderator meanwhile: show the thread as it is
        return annotation_done(request, annotation)
    return TemplateResponse(request, "readings/_annotation.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
@vary_on_headers("HX-Request")
def annotation_edit(request, pk):
    annotation = own_annotation(request, pk)
    check_still_writable(request, annotation)
    conflict = False
    if request.method == "POST":
        form = AnnotationEditForm(request.POST, annotation=annotation, user=request.user)
        if form.is_valid():
            annotation.body = form.cleaned_data["body"]
            fields = ["body", "body_html", "version", "updated"]
            if "share_with" in form.cleaned_data:
                share(annotation, form.cleaned_data["share_with"])
                fields += ["visibility", "seminar"]
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
                    annotation.save(update_fields=fields)
                    annotation.set_tags(form.cleaned_data["tags"])
                    # A reply is seen by exactly those who see what it answers.
                    annotation.replies.update(visibility=annotation.visibility, seminar=annotation.seminar)
                    if "share_with" in form.cleaned_data:
                        remember_share_with(request.user, annotation.seminar)
            if not conflict:
                return annotation_edited(request, annotation)
            annotation = current
    else:
        tags = [tag.name for tag in annotation.tags.all()]
        form = AnnotationEditForm(
            initial={
                "body": annotation.body,
                "tags": tags,
                "version": annotation.version,
                "share_with": annotation.seminar_id,
            },
            annotation=annotation,
            user=request.user,
        )
    context = {"annotation": annotation, "form": form, "conflict": conflict}
    status = 409 if conflict else (400 if request.method == "POST" else 200)
    return render_page(request, "readings/annotation_edit.html", "edit-form", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def annotation_delete(request, pk):
    # No membership check: an author may withdraw what they wrote from a seminar they have left.
    annotation = own_annotation(request, pk)
    if request.method == "POST":
        with transaction.atomic():
            if annotation.replies.exists():
                # What others wrote in reply stays: the note keeps its place, without its words.
                annotation.revisions.all().delete()
                annotation.body, annotation.body_html, annotation.deleted_at = "", "", timezone.now()
                annotation.save(update_fields=["body", "body_html", "deleted_at", "updated"])
            else:
                annotation.delete()  # with its revisions
                # The last reply gone, a deleted note's empty place has nothing left to keep.
                Annotation.objects.filter(pk=annotation.parent_id, deleted_at__isnull=False, replies=None).delete()
        return annotation_done(request, annotation)
    context = {"annotation": annotation, "replies": annotation.replies.count()}
    return TemplateResponse(request, "readings/annotation_delete.html", context)


@require_POST
def annotation_reply(request, pk):
    parent = get_object_or_404(
        Annotation.objects.visible_to(request.user).select_related("passage__paper", "passage__section"),
        pk=pk,
        parent__isnull=True,
        deleted_at__isnull=True,
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
