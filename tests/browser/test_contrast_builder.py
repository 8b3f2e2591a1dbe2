"""The contrast builder: an editor builds a contrast from a suggestion, with the preview, before any save."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from playwright.sync_api import expect

from readings.models import Contrast, Paper, Passage, Stance, Theme

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-builder-1"
BUILDING = [
    "add_contrast",
    "change_contrast",
    "view_contrast",
    "add_contrastpassage",
    "change_contrastpassage",
    "view_contrastpassage",
    "view_theme",
    "change_theme",  # by hand: an editor of the public themes, whose contrasts they may build
    "view_passage",
]


@pytest.fixture
def editor(site):
    user = get_user_model().objects.create_user("edith.editor", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get_or_create(name="Editors")[0])
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="readings", codename__in=BUILDING))
    return user


def test_an_editor_builds_a_contrast_from_a_suggestion(new_page, editor, screenshot):
    theme = Theme.objects.order_by("order").first()
    official = Passage.objects.select_related("paper", "section").get(
        paper__slug="promoting-cultural-soft-power", section__key__startswith="actively-carry-out", ordinal=2
    )
    opening_words = " ".join(official.text.split()[:4])

    page = new_page()
    page.goto("/admin/readings/contrast/add/")  # the admin's sign-in sends to the site's
    page.get_by_label("Username").fill(editor.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/admin/readings/contrast/add/$"))

    fields = page.locator("fieldset.module").first  # the contrast's own, not its passages inline
    fields.get_by_label("Theme:").select_option(value=str(theme.pk))
    fields.get_by_label("Order:").fill("99")
    fields.get_by_label("Title:").fill("Built from a suggestion")
    suggestions = page.locator("#builder-suggestions")
    expect(suggestions).to_contain_text("Pick a passage on either side")

    # The official side: the passage box offers only official passages, those opening with the words first.
    row = page.locator("#contrast_passages-0")
    row.locator(".field-side select").select_option(value=Stance.OFFICIAL)
    row.locator(".field-passage .select2-selection").click()
    page.locator(".select2-container--open .select2-search__field").press_sequentially(opening_words)
    results = page.locator(".select2-results__option")
    expect(results.first).to_contain_text(f"{official.key}:")
    official_papers = set(Paper.objects.official().values_list("slug", flat=True))
    assert {text.partition("/")[0] for text in results.all_inner_texts()} <= official_papers
    results.first.click()
    expect(row.locator(".field-passage .select2-selection__rendered")).to_contain_text(official.key)

    # Its counterpoints appear; one click puts the first on the critical side, in the next empty row.
    fill = suggestions.locator("button.builder-fill").first
    expect(suggestions).to_contain_text(f"For {official.key} (official discourse)")
    expect(fill).to_have_text("Add to the critical analysis side")
    suggested = Passage.objects.select_related("paper", "section").get(pk=fill.get_attribute("data-passage"))
    fill.click()
    filled = page.locator("#contrast_passages-1")
    expect(filled.locator(".field-side select")).to_have_value(Stance.CRITICAL)
    expect(filled.locator(".field-passage .select2-selection__rendered")).to_contain_text(suggested.key)
    expect(suggestions.locator(".builder-status")).to_have_text(f"Added {suggested.key} to the critical analysis side.")
    expect(suggestions.locator(f'button[data-passage="{suggested.pk}"]')).to_have_count(0)  # now on the contrast

    # The commentary as readers will see it, before any save.
    fields.get_by_label("Commentary:").fill("The official text *counts*; the critique <script>asks</script>.")
    preview = page.locator("#builder-preview .markdown-preview")
    expect(preview.locator("em")).to_have_text("counts")
    expect(preview.locator("script")).to_have_count(0)
    expect(page.locator(".field-counterpoint_suggestions")).to_be_hidden()  # the "after saving" rows give way
    screenshot(page, "contrast-builder-before-save")

    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator(".messagelist .success")).to_contain_text("was added successfully")
    contrast = Contrast.objects.get(theme=theme, order=99)
    assert {cp.side: cp.passage for cp in contrast.contrast_passages.all()} == {
        Stance.OFFICIAL: official,
        Stance.CRITICAL: suggested,
    }
