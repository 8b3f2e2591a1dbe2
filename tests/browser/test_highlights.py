"""Highlights and annotating in place, in a real browser: select, annotate beside the paragraph, see the mark;
edit in place; delete a note others replied to; a touch selection on a phone."""

import re
from urllib.parse import urlparse

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from playwright.sync_api import expect

from readings.models import Annotation, ContrastPassage, Membership, Passage, Role, Seminar

from .conftest import DESKTOP, PHONE, open_page
from .test_accessibility import axe_violations, describe, duplicate_ids

pytestmark = pytest.mark.browser

PAPER = "/papers/edney-2015/"
THEME = "what-is-cultural-soft-power"
WORDS = "regime security"


@pytest.fixture
def people(site):
    seminar = Seminar.objects.create(slug="spring", name="Spring seminar")
    users = {}
    for username, role in [("sam", Role.STUDENT), ("cleo", Role.STUDENT)]:
        users[username] = get_user_model().objects.create_user(username, password="a-long-password-for-tests-1")
        Membership.objects.create(seminar=seminar, user=users[username], role=role)
    return {"seminar": seminar, **users}


@pytest.fixture
def signed_in(new_page, site):
    """A browser page signed in as `user` (a session made by the test client, handed to the browser)."""

    def make(user, options=DESKTOP, **extra):
        client = Client()
        client.force_login(user)
        page = new_page(**options, **extra)
        host = urlparse(site).hostname
        page.context.add_cookies(
            [{"name": "sessionid", "value": client.cookies["sessionid"].value, "domain": host, "path": "/"}]
        )
        return page

    return make


def first_passage_with(words):
    return (
        Passage.objects.select_related("paper", "section")
        .filter(paper__slug="edney-2015", text__contains=words)
        .order_by("section__ordinal", "ordinal")
        .first()
    )


def select_words(page, text, words):
    """Select `words` inside the element `text` as a script would: a Range, which fires selectionchange."""
    text.scroll_into_view_if_needed()
    text.evaluate(
        """(el, words) => {
            const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
            for (let node = walker.nextNode(); node; node = walker.nextNode()) {
                const at = node.data.indexOf(words);
                if (at < 0) continue;
                const range = document.createRange();
                range.setStart(node, at);
                range.setEnd(node, at + words.length);
                const selection = window.getSelection();
                selection.removeAllRanges();
                selection.addRange(range);
                return;
            }
            throw new Error("words not found: " + words);
        }""",
        words,
    )


def ids_and_sections(page):
    return duplicate_ids(page), page.locator("section.annotations").count()


def test_select_on_a_paper_page_and_annotate_beside_the_paragraph(signed_in, people, screenshot):
    passage = first_passage_with(WORDS)
    page = signed_in(people["sam"])
    page.goto(PAPER)
    holder = page.locator(f"#p-{passage.anchor}")
    select_words(page, holder.locator(".passage-text"), WORDS)
    page.get_by_role("link", name="Annotate the selected words").click()
    panel = page.locator(f"#panel-p{passage.pk}")
    form = panel.locator("form.annotation-form")
    expect(form.get_by_label("Quoted span (optional)")).to_have_value(WORDS)
    body = form.get_by_label("Your annotation (Markdown)")
    expect(body).to_be_focused()
    expect(page).to_have_url(re.compile(r"/papers/edney-2015/$"))  # no jump to another page
    body.fill("Whose security?")
    form.get_by_label("Share with").select_option(label="Spring seminar")
    form.get_by_role("button", name="Save annotation").click()
    expect(panel.locator(".annotation .annotation-body")).to_have_text("Whose security?")
    note = Annotation.objects.get()
    assert (note.quote, note.seminar) == (WORDS, people["seminar"])
    mark = holder.locator(f'.passage-text mark[data-annotations="{note.pk}"]')
    expect(mark).to_have_text(WORDS)
    screenshot(holder, "highlights-annotated-in-place")
    assert duplicate_ids(page) == []

    # Reloaded, the mark is there, the paragraph counts its note, and choosing the mark opens the thread.
    page.goto(PAPER)
    expect(holder.locator(".notes-count")).to_contain_text("1 note")
    holder.locator("mark.highlight").click()
    expect(page.locator(f"#annotation-{note.pk}")).to_be_focused()
    expect(page.locator(f"#annotation-{note.pk} .note-number")).to_have_text("1")


def highlight(passage, words, author, **shared):
    start = passage.text.index(words)
    return Annotation.objects.create(
        passage=passage, author=author, quote=words, start=start, end=start + len(words), body="A note.", **shared
    )


@pytest.mark.parametrize("where", ["paper", "passage", "theme"])
def test_highlighted_pages_have_no_accessibility_violation(browser, site, people, axe_source, screenshot, where):
    if where == "theme":
        use = ContrastPassage.objects.select_related("passage__paper", "passage__section", "contrast__theme").filter(
            contrast__theme__slug=THEME, contrast__order=1
        )[0]
        passage = use.passage
        words = passage.text.split()[0]
    else:
        passage, words = first_passage_with(WORDS), WORDS
    highlight(passage, words, people["sam"])
    highlight(passage, words[:3], people["cleo"], visibility="seminar", seminar=people["seminar"])
    client = Client()
    client.force_login(people["sam"])
    context, page = open_page(browser, base_url=site, bypass_csp=True, **DESKTOP)
    context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": urlparse(site).hostname,
                "path": "/",
            }
        ]
    )
    try:
        url = {"paper": PAPER, "passage": passage.get_absolute_url(), "theme": f"/themes/{THEME}/"}[where]
        page.goto(url)
        expect(page.locator("mark.highlight").first).to_be_visible()
        if where == "paper":
            holder = page.locator(f"#p-{passage.anchor}")
            holder.locator(".notes-count").click()
            expect(page.locator(f"#panel-p{passage.pk} .annotation")).to_have_count(2)
            screenshot(holder, "highlights-thread-open")
        elif where == "theme":
            figure = page.locator(f"#c1-p{passage.pk}")
            figure.locator(".notes-count").click()
            expect(figure.locator(".passage-panel .annotation")).to_have_count(2)
            screenshot(figure, "highlights-theme-thread-open")
        else:
            screenshot(page.locator(".passage-page"), "highlights-passage-page")
        violations = axe_violations(page, axe_source)
        assert violations == [], describe(violations)
        assert duplicate_ids(page) == []
    finally:
        context.close()


def test_edit_in_place_replaces_only_that_note(signed_in, people, screenshot):
    passage = first_passage_with(WORDS)
    note = Annotation.objects.create(passage=passage, author=people["sam"], body="First words.")
    page = signed_in(people["sam"])
    page.goto(f"{passage.get_absolute_url()}annotations/")
    assert ids_and_sections(page) == ([], 1)
    page.locator(f"#annotation-{note.pk}").get_by_role("link", name="Edit").click()
    form = page.locator("form.annotation-edit")
    form.get_by_label("Your annotation (Markdown)").fill("Second words.")
    form.get_by_role("button", name="Save").click()
    expect(page.locator(f"#annotation-{note.pk} .annotation-body")).to_have_text("Second words.")
    assert ids_and_sections(page) == ([], 1)
    screenshot(page.locator("section.annotations"), "highlights-edited-in-place")


def test_deleting_a_note_with_a_reply_keeps_the_reply(signed_in, people, screenshot):
    passage = first_passage_with(WORDS)
    note = Annotation.objects.create(
        passage=passage, author=people["sam"], body="My note.", visibility="seminar", seminar=people["seminar"]
    )
    Annotation.objects.create(
        passage=passage,
        author=people["cleo"],
        parent=note,
        body="Cleo’s reply.",
        visibility="seminar",
        seminar=people["seminar"],
    )
    page = signed_in(people["sam"])
    page.goto(f"{passage.get_absolute_url()}annotations/")
    page.locator(f"#annotation-{note.pk}").get_by_role("link", name="Delete your annotation").click()
    expect(page.get_by_text("Its 1 reply stays")).to_be_visible()
    page.get_by_role("button", name="Delete").click()
    thread = page.locator(f"#annotation-{note.pk}")
    expect(thread.get_by_text("Deleted by its author.")).to_be_visible()
    expect(thread.locator(".reply .annotation-body")).to_have_text("Cleo’s reply.")
    screenshot(thread, "highlights-deleted-with-reply")


def test_a_touch_selection_on_a_phone_opens_the_form(signed_in, people, screenshot):
    passage = first_passage_with(WORDS)
    page = signed_in(people["sam"], options=PHONE)
    page.goto(PAPER)
    holder = page.locator(f"#p-{passage.anchor}")
    select_words(page, holder.locator(".passage-text"), WORDS)  # no mouse, no key: only selectionchange
    page.get_by_role("link", name="Annotate the selected words").tap()
    form = page.locator(f"#panel-p{passage.pk} form.annotation-form")
    expect(form.get_by_label("Quoted span (optional)")).to_have_value(WORDS)
    expect(form.get_by_label("Your annotation (Markdown)")).to_be_focused()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width}px wide at phone width"
    screenshot(holder, "highlights-phone-form")


def test_a_visitor_who_selects_words_is_invited_to_sign_in_and_brought_back(page):
    passage = first_passage_with(WORDS)
    page.goto(PAPER)
    select_words(page, page.locator(f"#p-{passage.anchor} .passage-text"), WORDS)
    link = page.get_by_role("link", name="Sign in to annotate")
    expect(link).to_have_attribute("href", f"/accounts/login/?next=/papers/edney-2015/%23p-{passage.anchor}")
