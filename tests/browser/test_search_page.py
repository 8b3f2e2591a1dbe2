"""Search as you type: results follow the words typed, with the matched terms marked."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_results_follow_typing_without_submitting(page, screenshot):
    page.goto("/search/")
    page.evaluate("window.documentBeforeTyping = true")

    page.get_by_label("Search the papers").press_sequentially("cultural secu", delay=30)

    expect(page).to_have_url(re.compile(r"/search/\?q=cultural(%20|\+)secu(&|$)"))
    count = page.locator(".search-count")
    expect(count).to_contain_text(re.compile(r"\d+ passages? match.*cultural secu"))
    hits = page.locator(".search-hit")
    assert hits.count() > 5
    first = hits.first
    expect(first.locator("mark").filter(has_text=re.compile(r"^cultural$", re.I)).first).to_be_visible()
    expect(first.locator("mark").filter(has_text=re.compile(r"^secu", re.I)).first).to_be_visible()
    assert page.evaluate("window.documentBeforeTyping === true"), "results swapped in, the form not submitted"
    expect(page.get_by_label("Search the papers")).to_be_focused()
    screenshot(page, "search-results", full_page=False)

    page.get_by_label("Search the papers").press_sequentially("rity infiltration", delay=30)
    expect(count).to_contain_text(re.compile(r"\d+ passages? match.*cultural security infiltration"))

    page.reload()  # the pushed URL is a whole page of its own
    expect(page.get_by_role("heading", level=1)).to_have_text("Search the papers")
    expect(page.get_by_label("Search the papers")).to_have_value("cultural security infiltration")
    expect(page.locator(".search-hit").first.locator("mark").first).to_be_visible()


def test_a_filter_narrows_the_results_in_place(page):
    page.goto("/search/?q=cultural+security")
    page.evaluate("window.documentBeforeFiltering = true")

    page.get_by_label("Stance").select_option("critical")

    expect(page).to_have_url(re.compile(r"stance=critical"))
    expect(page.locator(".search-hit.stance-official")).to_have_count(0)
    expect(page.locator(".search-hit.stance-critical").first.locator(".stance-label")).to_have_text(
        re.compile("Critical analysis", re.I)
    )
    assert page.evaluate("window.documentBeforeFiltering === true")


def test_next_page_swaps_the_results_and_keeps_the_search(page):
    page.goto("/search/?q=soft+power")
    expect(page.locator(".search-count")).to_contain_text("Page 1 of")
    page.evaluate("window.documentBeforePaging = true")

    page.get_by_role("link", name="Next →").click()

    expect(page).to_have_url(re.compile(r"/search/\?q=soft(\+|%20)power&page=2$"))
    expect(page.locator(".search-count")).to_contain_text("Page 2 of")
    expect(page.locator(".search-hit").first.locator("mark").first).to_be_visible()
    expect(page.get_by_label("Search the papers")).to_have_value("soft power")
    assert page.evaluate("window.documentBeforePaging === true"), "the results were swapped in, not a new page"
    page.go_back()
    expect(page.locator(".search-count")).to_contain_text("Page 1 of")
