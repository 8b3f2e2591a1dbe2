"""A theme in the browser: columns side by side or stacked, passage panels swapped in place, contrast history."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from readings.models import Annotation, Passage, Theme
from readings.views import CONTEXT_SIZE

pytestmark = pytest.mark.browser

THEME = "what-is-cultural-soft-power"


def first_contrast_passages():
    """The official and the critical passage of the theme's first contrast, as the page orders them."""
    contrast = Theme.objects.get(slug=THEME).contrasts_for_reading()[0]
    by_side = {cp.side: cp.passage for cp in contrast.contrast_passages.all()}
    return contrast, by_side["official"], by_side["critical"]


def opening_words(passage, count=8):
    return " ".join(passage.text.split()[:count])


def remember_document(page):
    """Mark the loaded document, so a test can tell a swap in place from a new page load."""
    page.evaluate("window.documentBeforeSwap = true")


def same_document(page):
    return page.evaluate("window.documentBeforeSwap === true")


def box(locator):
    """The element's box in page coordinates, whatever the scroll position."""
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }"
    )


def test_official_and_critical_side_by_side_at_desktop_width(page, screenshot):
    page.goto(f"/themes/{THEME}/")
    official, critical = page.locator("#contrast-1 .column.official"), page.locator("#contrast-1 .column.critical")
    expect(official.get_by_role("heading", name="Official discourse")).to_be_visible()
    expect(critical.get_by_role("heading", name="Critical analysis")).to_be_visible()

    left, right = box(official), box(critical)
    assert right["x"] >= left["x"] + left["width"], "the critical column starts right of the official one"
    assert abs(right["y"] - left["y"]) < 1, "the two columns start on the same line"
    screenshot(page, "theme-desktop")


def test_columns_stack_at_phone_width_with_their_labels(phone_page, screenshot):
    phone_page.goto(f"/themes/{THEME}/")
    official, critical = (
        phone_page.locator("#contrast-1 .column.official"),
        phone_page.locator("#contrast-1 .column.critical"),
    )
    official_label = official.get_by_role("heading", name="Official discourse")
    critical_label = critical.get_by_role("heading", name="Critical analysis")
    expect(official_label).to_be_visible()
    expect(critical_label).to_be_visible()

    top, bottom = box(official), box(critical)
    assert bottom["y"] >= top["y"] + top["height"], "the critical column comes below the official one"
    assert abs(bottom["x"] - top["x"]) < 1 and abs(bottom["width"] - top["width"]) < 1, "both take the full width"
    assert box(official_label)["y"] <= box(official.locator("figure").first)["y"], "each label heads its column"
    assert phone_page.evaluate("document.documentElement.scrollWidth <= document.documentElement.clientWidth")
    screenshot(phone_page, "theme-phone")
    screenshot(phone_page.locator("#contrast-1"), "theme-phone-contrast-1")


def test_show_context_swaps_the_neighbours_in_place(page, screenshot):
    contrast, passage, _ = first_contrast_passages()
    page.goto(f"/themes/{THEME}/")
    url = page.url
    remember_document(page)
    figure = page.locator(f"#c{contrast.order}-p{passage.pk}")
    panel = figure.locator(".passage-panel")

    show_context = figure.get_by_role("link", name="Show context")
    show_context.click()

    # The passage is already on the page above the panel: the panel marks its place, not repeats it.
    expect(panel.locator(".context-marker")).to_contain_text(f"¶{passage.ordinal}")
    expect(panel.locator(".passage.current")).to_have_count(0)
    expect(show_context).to_have_attribute("aria-expanded", "true")
    neighbours = Passage.objects.before(passage, CONTEXT_SIZE) + Passage.objects.after(passage, CONTEXT_SIZE)
    assert neighbours
    for neighbour in neighbours:
        expect(panel.locator(f'a[href="{neighbour.get_absolute_url()}"]')).to_have_count(1)
        expect(panel).to_contain_text(opening_words(neighbour))
    assert page.url == url and same_document(page), "swapped in place, without a page load"
    expect(panel.locator(".passage-context")).to_be_focused()
    expect(page.locator("#announcer")).to_have_text("Passage shown with its neighbours")
    screenshot(figure, "theme-context-expanded")

    # The panel closes with its button, and again by choosing the link that opened it.
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_empty()
    expect(show_context).to_be_focused()
    expect(show_context).to_have_attribute("aria-expanded", "false")
    show_context.click()
    expect(panel.locator(".context-marker")).to_be_visible()
    show_context.click()
    expect(panel).to_be_empty()


def test_annotations_panel_tells_an_anonymous_reader_how_to_see_annotations(page):
    contrast, _, passage = first_contrast_passages()
    page.goto(f"/themes/{THEME}/")
    remember_document(page)
    figure = page.locator(f"#c{contrast.order}-p{passage.pk}")

    figure.get_by_role("link", name="Annotations").click()

    panel = figure.locator(".passage-panel")
    expect(panel.get_by_role("heading", name="Annotations")).to_be_visible()
    expect(panel).to_contain_text("No annotations visible")
    assert same_document(page)
    expect(panel.locator(".annotations")).to_be_focused()


def test_annotations_panel_shows_a_signed_in_readers_annotation(page, site):
    contrast, _, passage = first_contrast_passages()
    reader = get_user_model().objects.create_user("reader", password="not-used-here")
    Annotation.objects.create(passage=passage, author=reader, body="Compare **Edney** on the same definition.")
    client = Client()
    client.force_login(reader)
    session = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": site}])
    page.goto(f"/themes/{THEME}/")
    figure = page.locator(f"#c{contrast.order}-p{passage.pk}")

    figure.get_by_role("link", name="Annotations").click()

    annotation = figure.locator(".passage-panel .annotation")
    expect(annotation).to_contain_text("Compare Edney on the same definition.")
    expect(annotation.locator("strong")).to_have_text("Edney")
    expect(annotation).to_contain_text("reader")


def test_whole_section_opens_the_section_in_place(page):
    contrast, passage, _ = first_contrast_passages()
    page.goto(f"/themes/{THEME}/")
    remember_document(page)
    figure = page.locator(f"#c{contrast.order}-p{passage.pk}")

    figure.get_by_role("link", name="Whole section").click()

    section = figure.locator(".passage-panel .whole-section")
    expect(section.get_by_role("heading", name=passage.section.heading)).to_be_visible()
    expect(section.locator(".passage")).to_have_count(passage.section.passages.count())
    assert same_document(page)
    expect(section).to_be_focused()


def expect_full_contrast_page(page, order, title):
    """A whole page (site header, theme heading, one contrast), not a fragment left from a swap."""
    expect(page).to_have_url(re.compile(rf"/themes/{THEME}/contrasts/{order}/$"))
    expect(page.locator("header.site-header")).to_have_count(1)
    expect(page.get_by_role("heading", level=1)).to_have_text(Theme.objects.get(slug=THEME).title)
    expect(page.locator("section.contrast")).to_have_count(1)
    expect(page.locator(f"#contrast-{order}-heading")).to_contain_text(title)


def test_next_contrast_pushes_its_url_and_history_restores_full_pages(page):
    first, second = Theme.objects.get(slug=THEME).contrasts_for_reading()[:2]
    page.goto(f"/themes/{THEME}/contrasts/1/")
    remember_document(page)

    page.get_by_role("link", name="Next contrast →").click()

    expect_full_contrast_page(page, 2, second.title)
    assert same_document(page), "the next contrast is swapped in, not loaded as a new page"
    expect(page.locator("#contrast-2-heading")).to_be_in_viewport()  # the reader starts at its top

    page.go_back()
    expect_full_contrast_page(page, 1, first.title)
    expect(page.get_by_role("link", name="Next contrast →")).to_have_attribute("href", re.compile(r"/contrasts/2/$"))

    page.go_forward()
    expect_full_contrast_page(page, 2, second.title)

    page.reload()
    expect_full_contrast_page(page, 2, second.title)
    expect(page.get_by_role("link", name="← Previous contrast")).to_be_visible()


def test_next_contrast_takes_focus_and_is_announced(page):
    second = Theme.objects.get(slug=THEME).contrasts_for_reading()[1]
    page.goto(f"/themes/{THEME}/contrasts/1/")

    page.get_by_role("link", name="Next contrast →").click()

    expect(page.locator("#contrast-2")).to_be_focused(timeout=1_000)
    expect(page.locator("#announcer")).to_have_text(f"Contrast 2 of 6: {second.title}", timeout=1_000)


def test_skip_link_comes_first_and_moves_focus_to_main(page):
    page.goto(f"/themes/{THEME}/")

    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to content")
    expect(skip_link).to_be_focused()
    link_box = skip_link.bounding_box()
    assert link_box["x"] >= 0 and link_box["y"] >= 0, "the focused skip link is on screen"

    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()


def test_passage_actions_work_from_the_keyboard(page):
    contrast, passage, _ = first_contrast_passages()
    page.goto(f"/themes/{THEME}/")
    figure = page.locator(f"#c{contrast.order}-p{passage.pk}")
    show_context = figure.get_by_role("link", name="Show context")

    page.locator("main").focus()
    for _ in range(40):
        page.keyboard.press("Tab")
        if show_context.evaluate("el => el === document.activeElement"):
            break
    else:
        pytest.fail("Tab never reached the first passage's 'Show context'")

    page.keyboard.press("Enter")
    panel = figure.locator(".passage-panel")
    expect(panel.locator(".context-marker")).to_be_visible()

    expect(panel.locator(".passage-context")).to_be_focused()
    # The actions come just before the panel, and the panel's Close button first in it.
    page.keyboard.press("Shift+Tab")
    expect(panel.get_by_role("button", name="Close")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(figure.get_by_role("link", name="Whole section")).to_be_focused()
    page.keyboard.press("Shift+Tab")
    expect(figure.get_by_role("link", name="Annotations")).to_be_focused()
    page.keyboard.press("Enter")
    expect(panel.get_by_role("heading", name="Annotations")).to_be_visible()
