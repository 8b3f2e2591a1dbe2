"""The participation table in a browser: sorting by links without JavaScript, a phone's width, and axe."""

import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from readings.models import Annotation, Assignment, Membership, Paper, Passage, Role, Seminar

from .test_accessibility import axe_violations, describe

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-participation-1"
TABLE = "/seminars/reading-group/participation/"


@pytest.fixture
def seminar_work(site):
    """An instructor, three students (one silent), two assignments, shared notes on the first's paper."""
    seminar = Seminar.objects.create(slug="reading-group", name="Reading group")
    users = {}
    for username, first, last, role in [
        ("ines", "Inès", "Moreau", Role.INSTRUCTOR),
        ("sam", "Sam", "Okafor", Role.STUDENT),
        ("cleo", "Cléo", "Zhang", Role.STUDENT),
        ("quiet", "", "", Role.STUDENT),
    ]:
        users[username] = get_user_model().objects.create_user(
            username, password=PASSWORD, first_name=first, last_name=last
        )
        Membership.objects.create(seminar=seminar, user=users[username], role=role)
    edney = Paper.objects.get(slug="edney-2015")
    now = timezone.now()
    Assignment.objects.create(
        seminar=seminar,
        title="Edney on framing",
        kind="paper",
        paper=edney,
        opens_at=now - timedelta(days=9),
        due_at=now - timedelta(days=2),
    )
    Assignment.objects.create(
        seminar=seminar,
        title="Edney again",
        kind="paper",
        paper=edney,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=6),
    )
    passages = list(Passage.objects.filter(paper=edney).order_by("section__ordinal", "ordinal")[:3])
    for author, passage, body in [
        ("sam", passages[0], "Framing as co-optive power, in many words here."),
        ("sam", passages[1], "Second note."),
        ("cleo", passages[2], "Cleo, short."),
    ]:
        Annotation.objects.create(
            passage=passage, author=users[author], seminar=seminar, visibility="seminar", body=body
        )
    return seminar


def sign_in(page, username, next_url):
    page.goto(f"/accounts/login/?next={quote(next_url)}")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(re.escape(next_url) + "$"))


def student_order(page):
    return page.locator("tbody th[scope=row] a").all_inner_texts()


def test_sorting_and_filtering_work_without_javascript(nojs_page, seminar_work, screenshot):
    page = nojs_page
    sign_in(page, "ines", TABLE)
    assert student_order(page) == ["Sam Okafor", "quiet", "Cléo Zhang"]  # by last name, then first, then username
    page.get_by_role("link", name=re.compile(r"^Words")).click()
    expect(page.locator("th[aria-sort=ascending]")).to_contain_text("Words")
    assert student_order(page) == ["quiet", "Cléo Zhang", "Sam Okafor"]
    page.get_by_role("link", name=re.compile(r"^Words")).click()
    expect(page.locator("th[aria-sort=descending]")).to_contain_text("Words")
    assert student_order(page) == ["Sam Okafor", "Cléo Zhang", "quiet"]
    page.get_by_label("Assignment", exact=True).select_option(index=1)  # by due date: "Edney on framing" first
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_role("columnheader", name=re.compile("Notes after due date"))).to_be_visible()
    screenshot(page, "participation-assignment-desktop")
    page.get_by_role("link", name="Sam Okafor").click()
    expect(page).to_have_url(re.compile(r"/seminars/reading-group/\?member=sam$"))
    expect(page.get_by_text("Second note.")).to_be_visible()


def test_the_table_scrolls_inside_its_box_on_a_phone(phone_page, seminar_work, screenshot):
    sign_in(phone_page, "ines", TABLE)
    region = phone_page.get_by_role("region", name=re.compile("All assignments"))
    expect(region).to_be_visible()
    width = phone_page.evaluate("document.documentElement.scrollWidth")
    assert width <= phone_page.viewport_size["width"]  # the page itself does not scroll sideways
    screenshot(phone_page, "participation-phone")


@pytest.mark.parametrize("path", [TABLE, TABLE + "?sort=first&dir=desc"])
def test_no_axe_violations(axe_page, axe_source, seminar_work, path):
    sign_in(axe_page, "ines", path)
    violations = axe_violations(axe_page, axe_source)
    assert not violations, describe(violations)
