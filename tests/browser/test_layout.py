"""Layout a reader notices: the passage page keeps a reading measure, the paragraph tools are big enough to tap."""

import pytest

from readings.models import Passage

pytestmark = pytest.mark.browser

MEASURE_CHARACTERS = 90  # a comfortable line is 70 to 85 characters; more than 90 is a wall of text


def characters_per_line(page, selector):
    """The passage's width over the average width of one of its characters, at its own font."""
    return page.evaluate(
        """(selector) => {
            const element = document.querySelector(selector);
            const probe = document.createElement("span");
            probe.textContent = "abcdefghijklmnopqrstuvwxyz ".repeat(4);
            probe.style.whiteSpace = "nowrap";  // one line, so its box is the text's width
            probe.style.position = "absolute";
            element.appendChild(probe);
            const perCharacter = probe.getBoundingClientRect().width / probe.textContent.length;
            probe.remove();
            return element.getBoundingClientRect().width / perCharacter;
        }""",
        selector,
    )


def test_the_passage_page_keeps_a_reading_measure(page):
    passage = Passage.objects.filter(paper__slug="edney-2015", kind="body").order_by("pk").first()
    page.goto(passage.get_absolute_url())
    assert characters_per_line(page, ".passage-page .passage.current .passage-text") <= MEASURE_CHARACTERS


def test_the_paragraph_tools_are_at_least_24_pixels_tall(page):
    page.goto("/papers/edney-2015/")
    heights = page.locator(".passage-tools a").evaluate_all("links => links.map(l => l.getBoundingClientRect().height)")
    assert heights and min(heights) >= 24
