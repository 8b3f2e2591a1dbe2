"""The same journeys with JavaScript off: every control is a real link or a real form."""

import re

import pytest
from playwright.sync_api import expect

from readings.models import Paper, Passage, Stance, Theme
from readings.views import CONTEXT_SIZE

pytestmark = pytest.mark.browser

THEME = "what-is-cultural-soft-power"


@pytest.fixture
def first_official_passage():
    contrast = Theme.objects.get(slug=THEME).contrasts_for_reading()[0]
    return next(cp.passage for cp in contrast.contrast_passages.all() if cp.side == "official")


def figure_of(page, passage):
    return page.locator(f"#c1-p{passage.pk}")


def test_show_context_opens_the_context_page(nojs_page, first_official_passage):
    passage = first_official_passage
    nojs_page.goto(f"/themes/{THEME}/")

    figure_of(nojs_page, passage).get_by_role("link", name="Show context").click()

    expect(nojs_page).to_have_url(re.compile(rf"{re.escape(passage.get_absolute_url())}context/$"))
    expect(nojs_page.get_by_role("heading", level=1)).to_have_text(passage.paper.display_title)
    expect(nojs_page.locator(".passage.current")).to_contain_text(" ".join(passage.text.split()[:8]))
    neighbours = Passage.objects.before(passage, CONTEXT_SIZE) + Passage.objects.after(passage, CONTEXT_SIZE)
    expect(nojs_page.locator(".passage-context .passage.neighbour")).to_have_count(len(neighbours))


def test_annotations_and_whole_section_open_their_pages(nojs_page, first_official_passage):
    passage = first_official_passage
    nojs_page.goto(f"/themes/{THEME}/")
    figure_of(nojs_page, passage).get_by_role("link", name="Annotations").click()
    expect(nojs_page).to_have_url(re.compile(r"/annotations/$"))
    expect(nojs_page.get_by_role("heading", name="Annotations")).to_be_visible()
    expect(nojs_page.locator(".annotations")).to_contain_text("No annotations visible")

    nojs_page.go_back()
    figure_of(nojs_page, passage).get_by_role("link", name="Whole section").click()
    expect(nojs_page).to_have_url(re.compile(rf"/sections/{re.escape(passage.section.key)}/$"))
    expect(nojs_page.get_by_role("heading", name=passage.section.heading)).to_be_visible()
    expect(nojs_page.locator(".whole-section .passage")).to_have_count(passage.section.passages.count())


def test_contrast_stepping_navigates(nojs_page):
    first, second = Theme.objects.get(slug=THEME).contrasts_for_reading()[:2]
    nojs_page.goto(f"/themes/{THEME}/")
    nojs_page.get_by_role("link", name="Read one contrast at a time").click()
    expect(nojs_page.locator("#contrast-1-heading")).to_contain_text(first.title)

    nojs_page.get_by_role("link", name="Next contrast →").click()
    expect(nojs_page).to_have_url(re.compile(r"/contrasts/2/$"))
    expect(nojs_page.locator("#contrast-2-heading")).to_contain_text(second.title)

    nojs_page.get_by_role("link", name="← Previous contrast").click()
    expect(nojs_page).to_have_url(re.compile(r"/contrasts/1/$"))
    expect(nojs_page.locator("#contrast-1-heading")).to_contain_text(first.title)


def test_search_form_submits_and_shows_marked_results(nojs_page):
    nojs_page.goto("/")
    nojs_page.get_by_role("searchbox", name="Search the papers").fill("cultural security")
    nojs_page.get_by_role("button", name="Search").click()

    expect(nojs_page).to_have_url(re.compile(r"/search/\?q=cultural\+security$"))
    expect(nojs_page.locator(".search-count")).to_contain_text(re.compile(r"\d+ passages? match.*cultural security"))

    nojs_page.get_by_label("Stance").select_option("official")
    nojs_page.get_by_role("main").get_by_role("button", name="Search").click()
    expect(nojs_page).to_have_url(re.compile(r"stance=official"))
    expect(nojs_page.locator(".search-hit.stance-critical")).to_have_count(0)
    expect(nojs_page.locator(".search-hit.stance-official").first.locator("mark").first).to_be_visible()


def test_compare_form_submits(nojs_page, screenshot):
    official = Paper.objects.filter(stance=Stance.OFFICIAL).order_by("pk").last()
    critical = Paper.objects.get(slug="edney-2015")
    nojs_page.goto("/compare/")

    nojs_page.get_by_label("Official discourse").select_option(official.slug)
    nojs_page.get_by_label("Critical analysis").select_option(critical.slug)
    nojs_page.get_by_role("button", name="Show").click()

    expect(nojs_page).to_have_url(re.compile(rf"official={official.slug}&critical={critical.slug}$"))
    titles = nojs_page.locator(".compare-title")
    expect(titles).to_have_text([official.display_title, critical.display_title])
    screenshot(nojs_page, "compare-no-javascript", full_page=False)
