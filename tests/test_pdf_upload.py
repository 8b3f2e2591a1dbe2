"""Adding a reading from its PDF in the browser's pages: who may, the preview, confirming, and bad uploads."""

import os
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.models import Paper, Passage, PdfImport
from tests import pdfs
from tests.conftest import member

pytestmark = pytest.mark.django_db
UPLOAD = reverse("readings:pdf-upload")
TITLE = "Cultural Soft Power in Print"


@pytest.fixture(autouse=True)
def read_inline(settings, tmp_path):
    """Read uploads within the request (a thread would not see the test's transaction) into a temporary directory."""
    settings.READING_ROOM_PDF_BACKGROUND = False
    settings.READING_ROOM_UPLOAD_DIR = tmp_path / "uploads"
    return settings.READING_ROOM_UPLOAD_DIR


def signed_in(client, user):
    client.force_login(user)
    return client


def upload(client, raw: bytes, name="paper.pdf", **fields):
    data = {"stance": "critical", "title": "", "authors": "", "year": "", **fields}
    return client.post(UPLOAD, {**data, "pdf": SimpleUploadedFile(name, raw, "application/pdf")})


@pytest.fixture
def other_instructor(django_user_model, other_seminar):
    return member(django_user_model, other_seminar, "other-instructor", role="instructor")


def test_only_users_who_may_add_papers_reach_the_upload_page(
    client, student, outsider, instructor, other_instructor, editor
):
    response = client.get(UPLOAD)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    for user in (student, outsider, editor):  # the editor fixture holds no add-paper permission
        assert signed_in(client, user).get(UPLOAD).status_code == 403
        assert upload(client, pdfs.text_pdf(["Soft power."])).status_code == 403
    for user in (instructor, other_instructor):
        response = signed_in(client, user).get(UPLOAD)
        assert response.status_code == 200
        assert b'enctype="multipart/form-data"' in response.content
    editor.user_permissions.add(Permission.objects.get(codename="add_paper"))
    editor = type(editor).objects.get(pk=editor.pk)  # permissions are cached on the instance
    assert signed_in(client, editor).get(UPLOAD).status_code == 200
    assert not PdfImport.objects.exists()


def test_upload_page_queries(client, instructor, django_assert_max_num_queries):
    signed_in(client, instructor)
    # +1 since the header counts unread notifications through the annotate-first rule (one query).
    with django_assert_max_num_queries(9):
        assert client.get(UPLOAD).status_code == 200


def test_upload_previews_and_writes_nothing_until_confirmed(
    client, instructor, paper_pdf, read_inline, django_assert_max_num_queries
):
    response = upload(signed_in(client, instructor), paper_pdf, year="2026")
    job = PdfImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("readings:pdf-import", args=[job.token])
    assert list(read_inline.iterdir()) == []  # the file is gone once read
    assert not Paper.objects.exists()

    # +1 since the header counts unread notifications through the annotate-first rule (one query).
    with django_assert_max_num_queries(9):
        page = client.get(response["Location"])
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nothing is written until you confirm" in html
    assert "5 sections" in html and "10 passages" in html
    assert "1.1 Background" in html and "(level 2)" in html
    assert "the PDF said <del>inter-nationalization</del>, the text says <ins>internationalization</ins>" in html
    assert "running headers and footers left out" in html and "page numbers left out" in html
    assert f"<q>{pdfs.HEADER}</q>" in html
    assert f'value="{TITLE}"' in html  # the title the PDF prints, to confirm or change
    assert 'value="2026"' in html
    for paragraph in pdfs.expected_paragraphs():
        assert paragraph in html


def test_preview_page_queries_do_not_grow_with_the_paper(client, instructor):
    signed_in(client, instructor)
    counts = []
    for paragraphs in (["A short paper about soft power and its critics."] * 2, ["Soft power again."] * 40):
        job = PdfImport.objects.create(
            user=instructor, file_name="x.pdf", status="ready", stance="critical", title="T", parsed=parsed(paragraphs)
        )
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("readings:pdf-import", args=[job.token])).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def parsed(paragraphs):
    return {
        "title": "T",
        "authors": "",
        "sections": [
            {
                "title": "Body",
                "number": "",
                "level": 1,
                "lang": "",
                "passages": [{"kind": "body", "text": p, "lang": "", "figure_text": ""} for p in paragraphs],
            }
        ],
        "interventions": [],
        "repairs": {},
        "warnings": ["no headings were found: the whole text is one section"],
        "removed": [],
    }


def test_confirm_writes_the_paper_and_its_notes(client, instructor, paper_pdf):
    upload(signed_in(client, instructor), paper_pdf)
    job = PdfImport.objects.get()
    confirm_url = reverse("readings:pdf-import-confirm", args=[job.token])
    data = {"stance": "critical", "title": TITLE, "authors": "A. Critic", "year": "2026"}
    response = client.post(confirm_url, data)
    paper = Paper.objects.get()
    assert response.status_code == 302 and response["Location"] == paper.get_absolute_url()
    assert (paper.title, paper.authors, paper.year, paper.stance) == (TITLE, "A. Critic", 2026, "critical")
    assert not paper.title_supplied
    assert paper.source_file == "paper.pdf"
    texts = list(Passage.objects.filter(section__paper=paper).order_by("section__ordinal", "ordinal"))
    assert [p.text for p in texts] == pdfs.expected_paragraphs()
    assert paper.editorial_notes.filter(original="inter-nationalization").exists()
    job.refresh_from_db()
    assert job.status == "imported" and job.paper == paper and job.parsed is None
    # Confirming again, or opening the import, goes to the paper and writes nothing more.
    assert client.post(confirm_url, data).status_code == 302
    assert client.get(reverse("readings:pdf-import", args=[job.token]))["Location"] == paper.get_absolute_url()
    assert Paper.objects.count() == 1
    assert client.get(paper.get_absolute_url()).status_code == 200


def test_reupload_keeps_keys_and_refuses_to_drop_annotated_passages(client, instructor, student, paper_pdf, note):
    signed_in(client, instructor)
    data = {"stance": "critical", "title": TITLE, "authors": "", "year": ""}
    upload(client, paper_pdf)
    client.post(reverse("readings:pdf-import-confirm", args=[PdfImport.objects.get().token]), data)
    before = dict(Passage.objects.values_list("pk", "text"))
    conclusion = Passage.objects.get(section__title="Conclusion")
    note(student, conclusion, "Kept?")

    upload(client, paper_pdf)
    job = PdfImport.objects.latest("pk")
    preview = client.get(reverse("readings:pdf-import", args=[job.token])).content.decode()
    assert "A paper with this title exists" in preview
    assert client.post(reverse("readings:pdf-import-confirm", args=[job.token]), data).status_code == 302
    assert dict(Passage.objects.values_list("pk", "text")) == before

    upload(client, pdfs.text_pdf(["A shorter version of the paper, with no conclusion at all, about soft power."]))
    job = PdfImport.objects.latest("pk")
    response = client.post(reverse("readings:pdf-import-confirm", args=[job.token]), data)
    assert response.status_code == 400
    assert "Nothing was written: re-import would remove passages that contrasts or annotations use" in (
        response.content.decode()
    )
    assert dict(Passage.objects.values_list("pk", "text")) == before


def test_others_cannot_see_confirm_or_discard_an_import(client, instructor, other_instructor, student):
    job = PdfImport.objects.create(user=instructor, file_name="x.pdf", status="ready", parsed=parsed(["Soft power."]))
    urls = [reverse(name, args=[job.token]) for name in ("readings:pdf-import-confirm", "readings:pdf-import-discard")]
    page = reverse("readings:pdf-import", args=[job.token])
    assert client.get(page).status_code == 302  # anonymous: to sign in
    assert all(client.post(url)["Location"].startswith(reverse("login")) for url in urls)
    signed_in(client, other_instructor)
    assert client.get(page).status_code == 404
    assert all(client.post(url, {"stance": "official", "title": "Mine"}).status_code == 404 for url in urls)
    signed_in(client, student)
    assert client.get(page).status_code == 403
    assert all(client.post(url, {"stance": "official", "title": "Mine"}).status_code == 403 for url in urls)
    assert client.get(reverse("readings:pdf-import", args=["x" * 500])).status_code == 403
    signed_in(client, instructor)
    assert client.get(reverse("readings:pdf-import", args=["x" * 500])).status_code == 404
    assert client.get(reverse("readings:pdf-import", args=["nope"])).status_code == 404
    assert not Paper.objects.exists()
    assert client.post(urls[1]).status_code == 302
    assert not PdfImport.objects.exists()


def test_progress_is_polled_by_htmx_and_linked_without_it(client, instructor):
    job = PdfImport.objects.create(user=instructor, file_name="long.pdf", progress="page 12/200")
    url = reverse("readings:pdf-import", args=[job.token])
    page = signed_in(client, instructor).get(url).content.decode()
    assert "Reading the PDF: page 12/200" in page
    assert f'<a href="{url}">Check progress</a>' in page
    fragment = client.get(url, headers={"HX-Request": "true"})
    assert b"<html" not in fragment.content
    assert f'hx-get="{url}" hx-trigger="load delay:1s" hx-swap="outerHTML"'.encode() in fragment.content
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (pdfs.encrypted_pdf, "the PDF is encrypted"),
        (pdfs.image_only_pdf, "the PDF has no text layer (a scan or images only)"),
    ],
    ids=["encrypted", "scan"],
)
def test_unreadable_pdf_is_refused_with_its_reason_and_nothing_written(client, instructor, read_inline, build, message):
    response = upload(signed_in(client, instructor), build())
    page = client.get(response["Location"]).content.decode()
    assert f"This PDF was not imported:</strong> {message}" in page
    assert "Nothing was written" in page
    assert PdfImport.objects.get().status == "failed"
    assert not Paper.objects.exists() and list(read_inline.iterdir()) == []


def test_not_a_pdf_or_too_large_is_a_400_before_anything_is_stored(client, instructor, settings, read_inline):
    signed_in(client, instructor)
    response = upload(client, b"<html>not a pdf</html>", name="paper.pdf")
    assert response.status_code == 400 and "The file is not a PDF (it does not start with %PDF-)." in (
        response.content.decode()
    )
    settings.READING_ROOM_PDF_MAX_BYTES = 1000
    response = upload(client, pdfs.text_pdf(["Soft power. " * 200]))
    assert response.status_code == 400 and "larger than" in response.content.decode()
    response = upload(client, b"%PDF-1.4\n" + b"0" * 200_000)  # refused from its Content-Length, unread
    assert response.status_code == 400 and "The file is larger than" in response.content.decode()
    assert upload(client, b"").status_code == 400  # an empty file is no file
    assert not PdfImport.objects.exists()
    assert not read_inline.exists() or list(read_inline.iterdir()) == []


@pytest.mark.django_db(transaction=True)
def test_a_pdf_is_read_in_the_background_while_the_page_answers(client, instructor, settings, paper_pdf):
    settings.READING_ROOM_PDF_BACKGROUND = True
    response = upload(signed_in(client, instructor), paper_pdf)
    url = response["Location"]
    assert response.status_code == 302  # at once: the reading goes on in a thread
    deadline = time.monotonic() + 30
    while "Check progress" in (page := client.get(url).content.decode()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert PdfImport.objects.get().status == "ready"
    assert "Nothing is written until you confirm" in page
    assert list(settings.READING_ROOM_UPLOAD_DIR.iterdir()) == []


def test_an_import_whose_reading_was_interrupted_says_so(client, instructor, settings):
    job = PdfImport.objects.create(user=instructor, file_name="long.pdf")
    PdfImport.objects.filter(pk=job.pk).update(
        created=job.created - timedelta(seconds=settings.READING_ROOM_PDF_SECONDS * 3)
    )
    page = signed_in(client, instructor).get(reverse("readings:pdf-import", args=[job.token])).content.decode()
    assert "reading the PDF was interrupted" in page and "Check progress" not in page


def test_files_left_by_an_interrupted_read_are_removed_a_day_later(client, instructor, read_inline):
    read_inline.mkdir(parents=True)
    old, recent = read_inline / "old.pdf", read_inline / "recent.pdf"
    for path in (old, recent):
        path.write_bytes(b"%PDF-1.4")
    os.utime(old, (time.time() - 2 * 24 * 3600,) * 2)
    upload(signed_in(client, instructor), pdfs.encrypted_pdf())
    assert sorted(p.name for p in read_inline.iterdir()) == ["recent.pdf"]


def test_confirming_needs_the_csrf_token(instructor):
    from django.test import Client

    job = PdfImport.objects.create(user=instructor, file_name="x.pdf", status="ready", parsed=parsed(["Soft power."]))
    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)
    url = reverse("readings:pdf-import-confirm", args=[job.token])
    assert client.post(url, {"stance": "official", "title": "Mine"}).status_code == 403
    assert client.post(UPLOAD, {"stance": "official"}).status_code == 403
    assert not Paper.objects.exists()
