"""axe-core finds no WCAG 2.1 A or AA violation on the pages students read, nor in the panels htmx opens."""

import pytest
from playwright.sync_api import expect

from readings.models import Theme

pytestmark = pytest.mark.browser

# WCAG 2.2 AA includes target size (24 px), which the paragraph tools were once too small for.
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
THEME = "what-is-cultural-soft-power"


def axe_violations(page, axe_source):
    page.add_script_tag(content=axe_source)
    return page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}}).then(result => result.violations)",
        WCAG_21_AA,
    )


def duplicate_ids(page):
    """Ids used more than once: anchors and aria references to them are ambiguous (axe no longer checks)."""
    return page.evaluate(
        """() => {
            const counts = {};
            for (const el of document.querySelectorAll("[id]")) counts[el.id] = (counts[el.id] || 0) + 1;
            return Object.keys(counts).filter(id => counts[id] > 1);
        }"""
    )


def describe(violations):
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"][:5]:
            fixes = node["failureSummary"].splitlines()[1:] or [
                ""
            ]  # the first line says "Fix any/all of the following:"
            lines.append(f"    {' '.join(node['target'])}: {fixes[0].strip()}")
        if len(violation["nodes"]) > 5:
            lines.append(f"    ... and {len(violation['nodes']) - 5} more")
    return "\n".join(lines)


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/papers/edney-2015/",
        "/papers/assyl-dauyen-2025/",  # Kazakh and Russian sections
        "/papers/cultural-soft-power-international-communication/",  # a table; section keys like 3-1
        f"/themes/{THEME}/",
        f"/themes/{THEME}/contrasts/1/",
        "/compare/",
        "/search/?q=cultural+security",
        "/terms/?term=cultural+security",
        "/map/",
        "/papers/edney-2015/national-security-regime-security-and-soft-power/1/",
    ],
)
def test_page_has_no_wcag_violations(axe_page, axe_source, path):
    axe_page.goto(path)
    violations = axe_violations(axe_page, axe_source)
    assert not violations, f"axe-core on {path}:\n{describe(violations)}"
    duplicates = duplicate_ids(axe_page)
    assert not duplicates, f"ids used more than once on {path}: {duplicates}"


def test_theme_with_panels_open_has_no_wcag_violations(axe_page, axe_source):
    """What htmx swaps in (context, annotations, a whole section) is checked in place."""
    first, second, third = Theme.objects.get(slug=THEME).contrasts_for_reading()[:3]
    axe_page.goto(f"/themes/{THEME}/")
    for contrast, action, opened in [
        (first, "Show context", ".passage-context"),
        (second, "Annotations", ".annotations"),
        (third, "Whole section", ".whole-section"),
    ]:
        for figure in axe_page.locator(f"#contrast-{contrast.order} figure").all():
            figure.get_by_role("link", name=action).click()
            figure.locator(f".passage-panel {opened}").wait_for()

    violations = axe_violations(axe_page, axe_source)
    assert not violations, f"axe-core on the theme with panels open:\n{describe(violations)}"
    duplicates = duplicate_ids(axe_page)
    assert not duplicates, f"ids used more than once with the panels open: {duplicates}"


@pytest.mark.parametrize("path", ["/no/such/page/", "/papers/no-such-paper/"])
def test_error_pages_are_in_the_sites_look_and_accessible(browser, site, axe_source, screenshot, path):
    # Not the checked fixtures: a 404 page logs its own 404 in the console, as it should.
    context = browser.new_context(base_url=site, bypass_csp=True, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        assert page.goto(path).status == 404
        expect(page.locator(".site-header")).to_be_visible()
        expect(page.get_by_role("heading", level=1)).to_have_text("Not found")
        screenshot(page, "error-404", full_page=False)
        violations = axe_violations(page, axe_source)
        assert not violations, f"axe-core on the 404 page:\n{describe(violations)}"
    finally:
        context.close()
