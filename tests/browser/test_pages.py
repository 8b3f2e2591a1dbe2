"""Compare and the paper reader in the browser, and every page at phone width."""

import re

import pytest
from playwright.sync_api import expect

from readings.models import Paper, Passage, Section

from .conftest import PHONE

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/papers/edney-2015/",
    "/papers/assyl-dauyen-2025/",
    "/papers/cultural-soft-power-international-communication/",  # has the rebuilt Table 1
    "/themes/what-is-cultural-soft-power/",
    "/themes/what-is-cultural-soft-power/contrasts/1/",
    "/compare/",
    "/search/?q=cultural+security",
]


def test_compare_choice_swaps_the_columns_in_place(page, screenshot):
    edney = Paper.objects.get(slug="edney-2015")
    page.goto("/compare/")
    page.evaluate("window.documentBeforeChoice = true")

    page.get_by_label("Critical analysis").select_option(edney.slug)

    expect(page).to_have_url(re.compile(rf"critical={edney.slug}"))
    expect(page.locator(".compare-title").nth(1)).to_have_text(edney.display_title)
    assert page.evaluate("window.documentBeforeChoice === true"), "columns swapped in, not a new page"
    left, right = (page.locator(".compare-column").nth(i).bounding_box() for i in (0, 1))
    assert right["x"] >= left["x"] + left["width"]
    screenshot(page, "compare", full_page=False)


def test_paper_contents_lead_to_sections_in_their_own_language(page, screenshot):
    page.goto("/papers/assyl-dauyen-2025/")
    expect(page.locator(".stance-label").first).to_have_text(re.compile("Critical analysis", re.I))
    contents = page.get_by_role("navigation", name="Contents")

    sections = Section.objects.filter(paper__slug="assyl-dauyen-2025").exclude(lang="").order_by("ordinal")
    assert {section.lang for section in sections} == {"kk", "ru"}
    for section in sections:
        link = contents.get_by_role("link", name=section.heading, exact=True)
        expect(link).to_have_attribute("lang", section.lang)
        link.click()
        target = page.locator(f'section[id="{section.key}"]')
        expect(target).to_have_attribute("lang", section.lang)
        expect(target.get_by_role("heading", level=2)).to_be_in_viewport()

    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "paper", full_page=False)


def test_contents_and_read_in_the_paper_links_land_where_they_say(page):
    """Section 3.1 (key "3-1") and paragraph 1 of section 3 must not share an anchor."""
    paper = "cultural-soft-power-international-communication"
    section = Section.objects.get(paper__slug=paper, key="3-1")
    passage = Passage.objects.get(paper__slug=paper, section__key="3", ordinal=1)
    page.goto(f"/papers/{paper}/")

    page.get_by_role("navigation", name="Contents").get_by_role("link", name=section.heading, exact=True).click()
    expect(page.locator(":target").get_by_role("heading", level=section.level + 1)).to_have_text(section.heading)

    page.goto(passage.get_absolute_url())
    page.get_by_role("link", name="Read it in the paper").click()
    expect(page.locator(":target")).to_contain_text(" ".join(passage.text.split()[:8]))
    expect(page.locator(":target")).to_be_in_viewport()


@pytest.mark.parametrize("path", PAGES)
def test_no_sideways_scrolling_at_phone_width(phone_page, path):
    # A mobile layout viewport widens to fit content that overflows (innerWidth grows with it);
    # the screen's width is the root element's clientWidth.
    phone_page.goto(path)
    too_wide = phone_page.evaluate(
        """() => {
            const screen = document.documentElement.clientWidth;
            return [...document.querySelectorAll("body *")]
                .filter(el => el.getBoundingClientRect().right > screen + 1 && !el.closest(".visually-hidden, .skip-link"))
                .slice(0, 5)
                .map(el => `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${el.className ? "." + el.className : ""}`
                    + ` ends at ${Math.round(el.getBoundingClientRect().right)}px`);
        }"""
    )
    assert not too_wide, f"wider than the {phone_page.viewport_size['width']}px screen on {path}: {too_wide}"
    assert phone_page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_compare_on_a_phone_switches_between_the_papers_and_keeps_each_place(new_page, screenshot, javascript):
    phone = new_page(**PHONE, java_script_enabled=javascript)
    phone.goto("/compare/")
    official, critical = (phone.locator(".compare-column").nth(i) for i in (0, 1))
    expect(official).to_be_visible()
    expect(critical).to_be_hidden()
    official_text = official.locator(".column-text")
    official_text.evaluate("el => { el.scrollTop = 1500; }")

    phone.locator(".compare-switch").get_by_text("Critical", exact=True).click()
    expect(critical).to_be_visible()
    expect(official).to_be_hidden()
    screenshot(phone, f"compare-phone-critical-{'js' if javascript else 'nojs'}", full_page=False)

    phone.locator(".compare-switch").get_by_text("Official", exact=True).click()
    expect(official).to_be_visible()
    assert official_text.evaluate("el => el.scrollTop") == 1500, "the official paper kept its place"
    # One screen's frame, not a 34,000 px page.
    assert phone.evaluate("document.documentElement.scrollHeight") < 3 * 844


def test_compare_on_a_desktop_says_each_column_scrolls(page):
    page.goto("/compare/")
    expect(page.locator(".compare-hint")).to_have_text("Each column scrolls on its own.")
    expect(page.locator(".compare-switch")).to_be_hidden()
    for column in page.locator(".column-text").all():
        assert column.evaluate("el => el.scrollHeight > el.clientHeight && getComputedStyle(el).overflowY === 'auto'")
