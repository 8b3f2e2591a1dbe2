"""Adding a reading from its PDF: the upload's short stay on disk, reading it in the background, the preview."""

from __future__ import annotations

import dataclasses
import logging
import secrets
import threading
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connections
from django.utils import timezone

from .importer import REPAIR_DESCRIPTIONS, Curation, import_parsed
from .ingest.pdf import Limits, check_bytes
from .ingest.pdf_worker import paper_from_dict
from .ingest.pipeline import parse_pdf_source
from .ingest.types import IngestError, ParsedPaper
from .models import Paper, PdfImport

logger = logging.getLogger(__name__)
PROGRESS_EVERY = 0.5  # seconds between progress writes: a 200-page PDF need not make 200 writes
# PDFs read at once by one web process; more wait their turn, so ten uploads at once never start
# ten subprocesses of up to 1 GB each.
READERS = threading.BoundedSemaphore(2)
STALE_UPLOAD = 24 * 60 * 60  # seconds: a file left by a process that died while reading it


def pdf_limits() -> Limits:
    return Limits(max_pages=settings.READING_ROOM_PDF_MAX_PAGES, seconds=settings.READING_ROOM_PDF_SECONDS)


def store_upload(uploaded) -> Path:
    """Write an uploaded PDF under READING_ROOM_UPLOAD_DIR with a random name; refuse what is not a PDF.

    The name is ours, never the uploader's (which could hold a path), and the directory is
    outside the static root, so nothing there is ever served.
    """
    if uploaded.size > settings.READING_ROOM_PDF_MAX_BYTES:
        raise IngestError(f"the file is larger than {megabytes(settings.READING_ROOM_PDF_MAX_BYTES)}")
    head = uploaded.read(1024)
    uploaded.seek(0)
    if not head.lstrip()[:5] == b"%PDF-":
        raise IngestError("the file is not a PDF (it does not start with %PDF-)")
    directory = Path(settings.READING_ROOM_UPLOAD_DIR)
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    remove_stale_uploads(directory)
    path = directory / f"{secrets.token_hex(16)}.pdf"
    with path.open("xb") as out:
        path.chmod(0o600)
        for chunk in uploaded.chunks():
            out.write(chunk)
    return path


def remove_stale_uploads(directory: Path) -> None:
    """Files are removed once read; one left behind by a server that stopped mid-read goes a day later."""
    cutoff = time.time() - STALE_UPLOAD
    for path in directory.glob("*.pdf"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:
            pass  # another process removed it first


def mark_if_abandoned(job: PdfImport) -> None:
    """A job still reading long after the time limit lost its thread (the server restarted): say so."""
    if job.status != PdfImport.Status.READING:
        return
    limit = timezone.now() - timedelta(seconds=settings.READING_ROOM_PDF_SECONDS * 2 + 60)
    if job.created < limit:
        job.status = PdfImport.Status.FAILED
        job.error = "reading the PDF was interrupted (the server restarted?): upload it again"
        job.save(update_fields=["status", "error"])


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):g} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def start_reading(job: PdfImport, path: Path) -> None:
    """Read the stored PDF into the job: in a thread, so the request returns at once, or inline."""
    if settings.READING_ROOM_PDF_BACKGROUND:
        threading.Thread(target=read_in_thread, args=(job.pk, path), daemon=True, name=f"pdf-{job.pk}").start()
    else:
        read_upload(job, path)


def read_in_thread(job_id: int, path: Path) -> None:
    close_old_connections()
    try:
        read_upload(PdfImport.objects.get(pk=job_id), path)
    except Exception:
        logger.exception("reading PDF import %s failed", job_id)
        PdfImport.objects.filter(pk=job_id).update(
            status=PdfImport.Status.FAILED, error="the PDF could not be read (an error on our side)"
        )
    finally:
        path.unlink(missing_ok=True)
        connections.close_all()


def read_upload(job: PdfImport, path: Path) -> None:
    """Parse the PDF, keep the result on the job, and remove the file whatever happens."""
    last = 0.0

    def progress(message: str) -> None:
        nonlocal last
        if time.monotonic() - last >= PROGRESS_EVERY:
            last = time.monotonic()
            PdfImport.objects.filter(pk=job.pk).update(progress=message)

    try:
        raw = path.read_bytes()
        check_bytes(raw)
        with READERS:
            parsed = parse_pdf_source(raw, pdf_limits(), progress)
    except IngestError as error:
        job.status, job.error = PdfImport.Status.FAILED, str(error)
        job.save(update_fields=["status", "error"])
        return
    finally:
        path.unlink(missing_ok=True)
    job.parsed = dataclasses.asdict(parsed)
    job.title = job.title or parsed.title
    job.authors = job.authors or parsed.authors
    job.status, job.progress = PdfImport.Status.READY, ""
    job.save(update_fields=["parsed", "title", "authors", "status", "progress"])


def confirm(job: PdfImport, *, stance: str, title: str, authors: str, year: int | None) -> Paper:
    """Write the previewed paper: import_parsed does it all in one transaction."""
    parsed = paper_from_dict(job.parsed)
    curation = Curation(
        stance=stance,
        title=title,
        title_supplied=bool(title) and title != parsed.title,
        authors=authors,
        year=year,
    )
    paper = import_parsed(parsed, curation, job.file_name)
    job.status, job.paper, job.parsed = PdfImport.Status.IMPORTED, paper, None
    job.save(update_fields=["status", "paper", "parsed"])
    return paper


def preview(parsed: ParsedPaper) -> dict:
    """What the preview page shows: sections with their passages, each with the changes made to it."""
    passages = list(parsed.passages())
    notes: dict[int, list] = {}
    opening = []
    for fix in parsed.interventions:
        if fix.kind == "structure":
            opening.append(fix)
        else:
            notes.setdefault(fix.index, []).append(fix)
    sections, index = [], 0
    for section in parsed.sections:
        rows = []
        for passage in section.passages:
            rows.append({"passage": passage, "notes": notes.get(index, [])})
            index += 1
        sections.append({"section": section, "passages": rows})
    repairs = [
        f"{count} {REPAIR_DESCRIPTIONS[kind][count != 1]}"
        for kind, count in parsed.repairs.items()
        if kind in REPAIR_DESCRIPTIONS and count
    ]
    return {
        "sections": sections,
        "passage_count": len(passages),
        "repairs": repairs,
        "structure_notes": opening,
        "changes": len(parsed.interventions) - len(opening),
    }
