"""The term-contrast chart and the theme map render in the browser, and their links work."""

import pytest
from playwright.sync_api import expect

from readings.models import Theme

pytestmark = pytest.mark.browser


def test_term_chart_renders_and_a_term_opens_its_lines_in_place(page, screenshot):
    page.goto("/terms/")
    official, critical = page.locator("svg.term-panel.official"), page.locator("svg.term-panel.critical")
    expect(official).to_be_visible()
    expect(critical).to_be_visible()
    assert official.locator("a.term-bar").count() >= 10 and critical.locator("a.term-bar").count() >= 10
    box_o, box_c = official.bounding_box(), critical.bounding_box()
    assert box_o["x"] < box_c["x"] and box_o["width"] > 200 and box_o["height"] > 200
    screenshot(page, "terms-chart")

    critical.locator("a.term-bar").first.click()
    expect(page.locator("#kwic .kwic-source").first).to_be_visible()
    assert "/terms/?term=" in page.url
    screenshot(page, "terms-kwic")


def test_term_chart_at_phone_width(phone_page, screenshot):
    phone_page.goto("/terms/")
    expect(phone_page.locator("svg.term-panel.official")).to_be_visible()
    assert phone_page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone_page, "terms-chart-phone")


def test_theme_map_renders_with_a_link_in_each_used_cell(page, screenshot):
    page.goto("/map/")
    table = page.locator("table").first
    expect(table).to_be_visible()
    rows = table.locator("tbody tr")
    assert rows.count() == Theme.objects.published().count()
    links = table.locator("tbody a")
    assert links.count() >= 20
    screenshot(page, "theme-map")
    first = links.first
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{href.split('#')[0]}*")
    expect(page.locator("h1")).to_be_visible()


def test_theme_map_caption_fits_a_phone(phone_page, screenshot):
    phone_page.goto("/map/")
    caption = phone_page.locator(".map-caption")
    expect(caption).to_be_visible()
    box = caption.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390, "the whole caption is on the screen"
    screenshot(phone_page, "theme-map-phone", full_page=False)


def test_all_contrasts_stays_in_the_middle_of_the_contrast_navigation(page):
    # On the first contrast there is no "Previous", on the middle one there is: the link must not move.
    positions = []
    for order in (1, 2):
        page.goto(f"/themes/what-is-cultural-soft-power/contrasts/{order}/")
        box = page.get_by_role("link", name="All contrasts").bounding_box()
        positions.append(round(box["x"] + box["width"] / 2))
    assert positions[0] == positions[1]
