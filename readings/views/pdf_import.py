"""Adding a reading from its PDF: upload, the background reading with its progress, preview, confirm."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.text import slugify
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django.views.decorators.vary import vary_on_headers

from ..forms import PdfConfirmForm, PdfUploadForm
from ..ingest.pdf_worker import paper_from_dict
from ..ingest.types import IngestError
from ..models import Paper, PdfImport
from ..pdf_import import confirm, mark_if_abandoned, megabytes, preview, start_reading, store_upload
from .render import render_page

UPLOAD_TEMPLATE = "readings/pdf_upload.html"
JOB_TEMPLATE = "readings/pdf_import.html"
# The multipart envelope around the file: boundaries, the other fields.
ENVELOPE = 64 * 1024


def may_add_papers(request) -> None:
    if not request.user.has_perm("readings.add_paper"):
        raise PermissionDenied("Adding a reading needs the permission to add papers.")


def own_import(request, token: str) -> PdfImport:
    may_add_papers(request)
    if len(token) > 40:
        raise Http404("No such import.")
    return get_object_or_404(PdfImport.objects.select_related("paper"), token=token, user=request.user)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def pdf_upload(request):
    may_add_papers(request)
    limit = settings.READING_ROOM_PDF_MAX_BYTES
    context = {"limit": megabytes(limit)}
    if request.method != "POST":
        return TemplateResponse(request, UPLOAD_TEMPLATE, {**context, "form": PdfUploadForm()})
    # Checked before the body is read: a 2 GB upload is refused without being received.
    if int(request.META.get("CONTENT_LENGTH") or 0) > limit + ENVELOPE:
        error = f"The file is larger than {megabytes(limit)}."
        return TemplateResponse(
            request, UPLOAD_TEMPLATE, {**context, "form": PdfUploadForm(), "error": error}, status=400
        )
    form = PdfUploadForm(request.POST, request.FILES)
    if form.is_valid():
        uploaded = form.cleaned_data["pdf"]
        try:
            path = store_upload(uploaded)
        except IngestError as error:
            form.add_error("pdf", f"{str(error)[:1].upper()}{str(error)[1:]}.")
        else:
            job = PdfImport.objects.create(
                user=request.user,
                file_name=uploaded.name[-200:],
                stance=form.cleaned_data["stance"],
                title=form.cleaned_data["title"],
                authors=form.cleaned_data["authors"],
                year=form.cleaned_data["year"],
            )
            start_reading(job, path)
            return redirect("readings:pdf-import", token=job.token)
    return TemplateResponse(request, UPLOAD_TEMPLATE, {**context, "form": form}, status=400)


def job_context(job: PdfImport, form=None) -> dict:
    context = {"job": job, "form": form}
    if job.status == PdfImport.Status.READY:
        parsed = paper_from_dict(job.parsed)
        context.update(preview(parsed), parsed=parsed)
        if form is None:
            context["form"] = PdfConfirmForm(
                initial={"stance": job.stance, "title": job.title, "authors": job.authors, "year": job.year}
            )
        title = (form.data.get("title") if form is not None and form.is_bound else None) or job.title
        context["existing"] = Paper.objects.filter(slug=slugify(title)[:80]).first() if title else None
    return context


@login_required
@require_safe
@vary_on_headers("HX-Request")
def pdf_import(request, token: str):
    """The import: progress while the PDF is read (polled by htmx, or by a link), then the preview."""
    job = own_import(request, token)
    mark_if_abandoned(job)
    if job.status == PdfImport.Status.IMPORTED and job.paper is not None:
        return redirect(job.paper)
    return render_page(request, JOB_TEMPLATE, "job", job_context(job))


@login_required
@require_POST
def pdf_import_confirm(request, token: str):
    job = own_import(request, token)
    if job.status != PdfImport.Status.READY:
        return redirect("readings:pdf-import", token=job.token)
    form = PdfConfirmForm(request.POST)
    if form.is_valid():
        try:
            paper = confirm(
                job,
                stance=form.cleaned_data["stance"],
                title=form.cleaned_data["title"],
                authors=form.cleaned_data["authors"],
                year=form.cleaned_data["year"],
            )
        except IngestError as error:
            form.add_error(None, f"Nothing was written: {error}.")
        else:
            return redirect(paper)
    return TemplateResponse(request, JOB_TEMPLATE, job_context(job, form), status=400)


@login_required
@require_POST
def pdf_import_discard(request, token: str):
    job = own_import(request, token)
    if job.status != PdfImport.Status.IMPORTED:
        job.delete()
    return redirect("readings:pdf-upload")
