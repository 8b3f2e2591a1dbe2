"""A seminar end to end: an instructor builds a theme in the admin, students annotate it and share.

The issue's acceptance journey, in one test: an instructor signs in and builds a theme of their
seminar with two contrasts in the admin (passages picked with the admin's autocomplete), and
publishes it with the change form's action; a student signs in, reads it side by side, selects
words with the mouse and annotates them for the seminar; a classmate sees the annotation; a
student of another seminar, and an anonymous reader, find neither the theme nor the note.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from readings.models import Annotation, Contrast, Membership, Passage, Role, Seminar, Stance, Theme

from .conftest import SCREENSHOTS

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-seminar-1"

THEME = {
    "title": "Who speaks for Chinese culture abroad?",
    "slug": "who-speaks-for-chinese-culture-abroad",
    "question": "Is cultural diplomacy the state's voice, or culture's own?",
    "introduction": "Read each official account *beside* its critique.",
    "order": "11",  # the shipped themes take 1 to 10
}

# Each contrast: a title, a commentary, and for each side a passage (paper, section key
# prefix, ordinal) with the words an instructor types to find it in the autocomplete.
CONTRASTS = [
    {
        "title": "Confucius Institutes",
        "commentary": "The official text counts institutes; the critique asks what they **achieve**.",
        Stance.OFFICIAL: (("promoting-cultural-soft-power", "actively-carry-out", 2), "officially named Confucius"),
        Stance.CRITICAL: (("assyl-dauyen-2025", "discussion", 2), "Confucius Institutes serve as key platforms"),
    },
    {
        "title": "Whose definition of soft power?",
        "commentary": "Both start from Nye; only one asks *whom* the power is for.",
        Stance.OFFICIAL: (("cultural-power-strategy", "3-1", 2), "first proposed by Joseph Nye"),
        Stance.CRITICAL: (("edney-2015", "introduction", 1), "co-optive means of framing"),
    },
]

# The words student A selects with the mouse, in the first contrast's critical passage.
SELECTED = "Confucius Institutes serve as key platforms for disseminating Chinese language"


def corpus_passage(paper, section_prefix, ordinal):
    return Passage.objects.select_related("paper", "section").get(
        paper__slug=paper, section__key__startswith=section_prefix, ordinal=ordinal
    )


@pytest.fixture
def people(site):
    """Seminar A: an instructor and two students; seminar B: one student. Real passwords."""
    seminar_a = Seminar.objects.create(slug="spring-reading", name="Spring reading seminar")
    seminar_b = Seminar.objects.create(slug="autumn-reading", name="Autumn reading seminar")
    users = {}
    for username, seminar, role in [
        ("ines.instructor", seminar_a, Role.INSTRUCTOR),
        ("sam.student", seminar_a, Role.STUDENT),
        ("cleo.classmate", seminar_a, Role.STUDENT),
        ("otto.outsider", seminar_b, Role.STUDENT),
    ]:
        user = get_user_model().objects.create_user(username, password=PASSWORD)
        Membership.objects.create(seminar=seminar, user=user, role=role)
        users[username] = user
    return {"seminar_a": seminar_a, "seminar_b": seminar_b, **users}


def sign_in(page, username):
    """Sign in on the one sign-in page, from wherever the page is (it carries ?next=)."""
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))  # signed in and sent on


def box(locator):
    return locator.evaluate(
        "el => { const r = el.getBoundingClientRect();"
        " return {x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height}; }"
    )


def pick_passage(page, row, words, passage):
    """Choose a passage in an inline row's select2 autocomplete: open it, type, click the result."""
    row.locator(".field-passage .select2-selection").click()
    search = page.locator(".select2-container--open .select2-search__field")
    search.press_sequentially(words)
    result = page.locator(".select2-results__option", has_text=f"{passage.key}:")
    result.click()
    expect(row.locator(".field-passage .select2-selection__rendered")).to_contain_text(passage.key)


def select_with_mouse(page, text, words):
    """Drag the mouse across `words` inside the element `text`, as a reader selects them.

    The drag starts just inside the left edge of the first character and ends just inside
    the right edge of the last, which puts the selection's ends exactly around the words.
    """
    text.scroll_into_view_if_needed()
    ends = text.evaluate(
        """(el, words) => {
            const node = [...el.childNodes].find(n => n.nodeType === Node.TEXT_NODE && n.data.includes(words));
            const at = node.data.indexOf(words);
            const charBox = (i) => {
                const range = document.createRange();
                range.setStart(node, i);
                range.setEnd(node, i + 1);
                const r = range.getClientRects()[0];
                return {left: r.left, right: r.right, middle: (r.top + r.bottom) / 2};
            };
            return {first: charBox(at), last: charBox(at + words.length - 1)};
        }""",
        words,
    )
    first, last = ends["first"], ends["last"]
    page.mouse.move(first["left"] + 1, first["middle"])
    page.mouse.down()
    page.mouse.move(last["right"] - 1, last["middle"], steps=12)
    page.mouse.up()
    assert page.evaluate("window.getSelection().toString()") == words


def test_a_seminar_end_to_end(new_page, people, screenshot):
    sides = {
        (i, side): corpus_passage(*spec[side][0])
        for i, spec in enumerate(CONTRASTS)
        for side in (Stance.OFFICIAL, Stance.CRITICAL)
    }

    # --- The instructor builds the theme in the admin. ------------------------------------
    admin = new_page()
    admin.goto("/admin/")  # the admin's own sign-in redirects to the site's one
    sign_in(admin, "ines.instructor")
    expect(admin).to_have_url(re.compile(r"/admin/$"))

    admin.get_by_role("row", name=re.compile(r"^Themes")).get_by_role("link", name="Add").click()
    expect(admin).to_have_url(re.compile(r"/admin/readings/theme/add/$"))
    fields = admin.locator("fieldset.module").first  # the theme's own, not its contrasts inline
    fields.get_by_label("Title:").fill(THEME["title"])
    fields.get_by_label("Title:").press("Tab")  # leaving the title fills the slug in from it
    expect(fields.get_by_label("Slug:")).to_have_value(THEME["slug"])
    fields.get_by_label("Question:").fill(THEME["question"])
    fields.get_by_label("Introduction:").fill(THEME["introduction"])
    fields.get_by_label("Order:").fill(THEME["order"])
    # The instructor's own seminar, the only one they may give it to; a draft until published.
    expect(fields.get_by_label("Seminar:")).to_have_value(str(people["seminar_a"].pk))
    expect(fields.get_by_label("Is published")).not_to_be_checked()
    admin.get_by_role("button", name="Save", exact=True).click()
    expect(admin.locator(".messagelist .success")).to_have_text(f"The theme “{THEME['title']}” was added successfully.")
    theme = Theme.objects.get(slug=THEME["slug"])
    assert (theme.title, theme.question, theme.order, theme.is_published, theme.seminar) == (
        THEME["title"],
        THEME["question"],
        11,
        False,
        people["seminar_a"],
    )

    for i, spec in enumerate(CONTRASTS):
        admin.goto("/admin/readings/contrast/add/")
        fields = admin.locator("fieldset.module").first  # the contrast's own, not its passages inline
        fields.get_by_label("Theme:").select_option(label=THEME["title"])
        fields.get_by_label("Order:").fill(str(i + 1))
        fields.get_by_label("Title:").fill(spec["title"])
        fields.get_by_label("Commentary:").fill(spec["commentary"])
        fields.get_by_label("Is published").check()
        for row_index, side in enumerate((Stance.OFFICIAL, Stance.CRITICAL)):
            row = admin.locator(f"#contrast_passages-{row_index}")
            row.locator(".field-side select").select_option(label=side.label)
            pick_passage(admin, row, spec[side][1], sides[(i, side)])
        admin.get_by_role("button", name="Save and continue editing").click()
        expect(admin.locator(".messagelist .success")).to_have_text(
            f"The contrast “{THEME['title']}: {spec['title']}” was added successfully. You may edit it again below."
        )
        contrast = Contrast.objects.get(theme=theme, order=i + 1)
        assert contrast.title == spec["title"] and contrast.commentary == spec["commentary"]
        stored = {cp.side: cp.passage for cp in contrast.contrast_passages.all()}
        assert stored == {side: sides[(i, side)] for side in (Stance.OFFICIAL, Stance.CRITICAL)}
    screenshot(admin, "seminar-admin-contrast-saved")

    # Publishing the theme is its own act, once it has published contrasts.
    admin.goto(f"/admin/readings/theme/{theme.pk}/change/")
    admin.locator("select[name='CHANGE_FORM-action']").select_option(label="Publish this theme")
    admin.locator("div.actions").get_by_role("button", name="Run").click()
    expect(admin.locator(".messagelist")).to_contain_text("Published 1 theme.")
    theme.refresh_from_db()
    assert theme.is_published

    # --- Student A reads the theme side by side and annotates a span. --------------------
    student = new_page()
    student.goto(f"/accounts/login/?next=/themes/{THEME['slug']}/")
    sign_in(student, "sam.student")
    expect(student).to_have_url(re.compile(rf"/themes/{THEME['slug']}/$"))
    expect(student.get_by_role("heading", level=1)).to_have_text(THEME["title"])
    expect(student.locator("section.contrast")).to_have_count(2)
    for i, spec in enumerate(CONTRASTS):
        order = i + 1
        expect(student.locator(f"#contrast-{order}-heading")).to_contain_text(f"Contrast {order} of 2. {spec['title']}")
        official = student.locator(f"#contrast-{order} .column.official")
        critical = student.locator(f"#contrast-{order} .column.critical")
        expect(official.locator(f"#c{order}-p{sides[(i, Stance.OFFICIAL)].pk}")).to_be_visible()
        expect(critical.locator(f"#c{order}-p{sides[(i, Stance.CRITICAL)].pk}")).to_be_visible()
        left, right = box(official), box(critical)
        assert right["x"] >= left["x"] + left["width"], "the critical column starts right of the official one"
        assert abs(right["y"] - left["y"]) < 1, "the two columns start on the same line"

    passage = sides[(0, Stance.CRITICAL)]
    start = passage.text.index(SELECTED)
    figure = student.locator(f"#c1-p{passage.pk}")
    select_with_mouse(student, figure.locator(".passage-text"), SELECTED)
    student.get_by_role("link", name="Annotate the selected words").click()

    form = figure.locator(".passage-panel form.annotation-form")
    expect(form.get_by_label("Quoted span (optional)")).to_have_value(SELECTED)
    expect(form.locator('input[name="start"]')).to_have_value(str(start))
    expect(form.locator('input[name="end"]')).to_have_value(str(start + len(SELECTED)))
    form.get_by_label("Your annotation (Markdown)").fill(
        "The *platforms* here are the state's own: compare the official count."
    )
    form.get_by_label("Share with").select_option(label="Spring reading seminar")
    # Not the screenshot fixture: its caret hiding leaves style="" on the form's inputs, which
    # htmx's settle then copies onto the swapped-in form, and the strict CSP reports that.
    figure.screenshot(path=str(SCREENSHOTS / "seminar-annotation-form-prefilled.png"), caret="initial")
    form.get_by_role("button", name="Save annotation").click()

    annotation_box = figure.locator(".passage-panel .annotation")
    expect(annotation_box).to_have_count(1)
    expect(annotation_box.locator(".annotation-quote")).to_have_text(SELECTED)
    expect(annotation_box.locator(".annotation-body em")).to_have_text("platforms")
    expect(annotation_box.locator(".meta")).to_contain_text("sam.student · Spring reading seminar")
    expect(student.locator("#announcer")).to_have_text("Annotation saved")

    annotation = Annotation.objects.get(author=people["sam.student"])
    assert annotation.passage == passage
    assert annotation.quote == SELECTED
    assert (annotation.start, annotation.end) == (start, start + len(SELECTED))
    assert passage.text[annotation.start : annotation.end] == annotation.quote
    assert annotation.visibility == Annotation.Visibility.SEMINAR
    assert annotation.seminar == people["seminar_a"]

    # --- A classmate sees it; another seminar's student and an anonymous reader do not. ---
    def annotations_panel(page):
        page.goto(f"/themes/{THEME['slug']}/")
        figure = page.locator(f"#c1-p{passage.pk}")
        figure.get_by_role("link", name="Annotations").click()
        panel = figure.locator(".passage-panel")
        expect(panel.get_by_role("heading", name="Annotations")).to_be_visible()
        return figure, panel

    classmate = new_page()
    classmate.goto("/accounts/login/")
    sign_in(classmate, "cleo.classmate")
    figure, panel = annotations_panel(classmate)
    shown = panel.locator(f"#annotation-{annotation.pk}")
    expect(shown.locator(".annotation-quote")).to_have_text(SELECTED)
    expect(shown.locator(".annotation-body")).to_contain_text("The platforms here are the state's own")
    expect(shown.locator(".meta")).to_contain_text("sam.student · Spring reading seminar")
    expect(shown.get_by_role("link", name="Edit")).to_have_count(0)  # not hers to change
    screenshot(figure, "seminar-annotation-seen-by-classmate")

    # The theme is the seminar's own: others do not find it, nor the note on its passage's own page.
    def passage_annotations(page):
        assert page.request.get(f"/themes/{THEME['slug']}/").status == 404  # with the page's cookies, no console error
        page.goto(f"{passage.get_absolute_url()}annotations/")
        return page.locator(f"#annotations-{passage.pk}")

    outsider = new_page()
    outsider.goto("/accounts/login/")
    sign_in(outsider, "otto.outsider")
    panel = passage_annotations(outsider)
    expect(panel).to_contain_text("No annotations on this passage yet.")
    expect(panel.locator(".annotation")).to_have_count(0)
    expect(panel).not_to_contain_text(SELECTED)

    anonymous = new_page()
    panel = passage_annotations(anonymous)
    expect(panel).to_contain_text("No annotations visible")
    expect(panel.locator(".annotation")).to_have_count(0)
    expect(panel).not_to_contain_text(SELECTED)
