"""Adding a reading from its PDF: upload, the preview after reading in the background, confirm, read it, use it in a contrast."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from readings.models import Contrast, Membership, Passage, PdfImport, Seminar, Stance, Theme
from tests import pdfs

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-pdf-import-1"


@pytest.fixture
def instructor(site):
    user = get_user_model().objects.create_user("ingrid.instructor", password=PASSWORD)
    seminar = Seminar.objects.create(slug="pdf-seminar", name="PDF seminar")
    Membership.objects.create(seminar=seminar, user=user, role="instructor")  # staff, add-paper, contrasts
    return user


@pytest.fixture
def uploads(settings, tmp_path):
    settings.READING_ROOM_UPLOAD_DIR = tmp_path / "uploads"
    return settings.READING_ROOM_UPLOAD_DIR


def test_an_instructor_adds_a_reading_from_its_pdf_and_contrasts_it(browser, new_page, instructor, uploads, screenshot):
    printer = browser.new_page()
    paper_pdf = pdfs.print_paper(printer)
    printer.close()

    page = new_page()
    page.goto("/import/")
    page.get_by_label("Username").fill(instructor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/import/$"))

    page.get_by_label("PDF").set_input_files({"name": "print.pdf", "mimeType": "application/pdf", "buffer": paper_pdf})
    page.get_by_label("Critical analysis").check()
    page.get_by_label("Year").fill("2026")
    page.get_by_role("button", name="Read the PDF").click()

    # Read in the background; htmx polls until the preview replaces the progress line.
    expect(page.get_by_role("heading", name="Preview")).to_be_visible(timeout=30_000)
    expect(page.locator(".pdf-notes")).to_contain_text(
        "the PDF said inter-nationalization, the text says internationalization"
    )
    expect(page.get_by_role("region", name="Repairs")).to_contain_text("running headers and footers left out")
    expect(page.get_by_label("Title")).to_have_value("Cultural Soft Power in Print")
    assert not Passage.objects.filter(paper__slug="cultural-soft-power-in-print").exists()
    screenshot(page, "pdf-import-preview")

    page.get_by_role("button", name="Confirm and add this reading").click()
    expect(page).to_have_url(re.compile(r"/papers/cultural-soft-power-in-print/$"))
    expect(page.locator("h1")).to_contain_text("Cultural Soft Power in Print")
    expect(page.locator("main")).to_contain_text("Critics answered that the internationalization of cultural diplomacy")
    assert PdfImport.objects.get().status == "imported"
    assert list(uploads.iterdir()) == []

    # The new paper's passage goes into a contrast in the admin, against an official passage.
    critics = Passage.objects.get(paper__slug="cultural-soft-power-in-print", text__startswith="Critics answered")
    official = Passage.objects.filter(paper__stance=Stance.OFFICIAL).select_related("paper", "section").first()
    # An instructor builds contrasts in the themes of the seminars they instruct (the public ones are the editors').
    theme = Theme.objects.create(
        slug="print-and-power",
        title="Print and power",
        question="Who plans attraction?",
        order=97,
        seminar=Seminar.objects.get(slug="pdf-seminar"),
    )
    page.goto("/admin/readings/contrast/add/")
    fields = page.locator("fieldset.module").first
    fields.get_by_label("Theme:").select_option(value=str(theme.pk))
    fields.get_by_label("Order:").fill("98")
    fields.get_by_label("Title:").fill("Planned attraction, unplanned effects")
    for index, (side, passage) in enumerate([(Stance.OFFICIAL, official), (Stance.CRITICAL, critics)]):
        row = page.locator(f"#contrast_passages-{index}")
        row.locator(".field-side select").select_option(value=side)
        row.locator(".field-passage .select2-selection").click()
        page.locator(".select2-container--open .select2-search__field").press_sequentially(
            " ".join(passage.text.split()[:4])
        )
        page.locator(".select2-results__option", has_text=f"{passage.key}:").first.click()
        expect(row.locator(".field-passage .select2-selection__rendered")).to_contain_text(passage.key)
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    contrast = Contrast.objects.get(theme=theme, order=98)
    assert {cp.side: cp.passage for cp in contrast.contrast_passages.all()} == {
        Stance.OFFICIAL: official,
        Stance.CRITICAL: critics,
    }
