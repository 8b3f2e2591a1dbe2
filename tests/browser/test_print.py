"""A theme printed as a handout: compact, and no heading stranded at a page foot."""

import re

import pytest

from readings.models import Theme

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

THEME = "cultural-security-and-infiltration"  # five contrasts


def pdf_pages(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf))


def test_a_five_contrast_theme_prints_as_a_compact_handout(page):
    theme = Theme.objects.get(slug=THEME)
    assert theme.contrasts.count() == 5
    page.goto(f"/themes/{THEME}/")
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    pdf = page.pdf(path=SCREENSHOTS / "theme-print.pdf", format="A4", print_background=True)
    pages = pdf_pages(pdf)
    print(f"\n{THEME} prints on {pages} A4 pages")
    # About two contrasts a page where the texts allow (it was 11 pages, page 1 nearly empty).
    assert pages <= 6

    # The PDF is saved beside the screenshots, to be looked at: headings keep with what follows
    # (break-after: avoid), passages and commentaries stay whole (break-inside: avoid).
    page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi, for the screenshot
    page.screenshot(path=SCREENSHOTS / "theme-print-first-page.png")
