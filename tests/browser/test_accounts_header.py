"""The header's account menu and notifications, in a browser at desktop and phone width.

Signing in and out from the header on any page; a student told of an instructor's reply who
follows the notification to the note; axe on the notifications and settings pages.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from readings.models import Annotation, Membership, Passage, Role, Seminar

from .conftest import DESKTOP, PHONE, open_page
from .test_accessibility import axe_violations

pytestmark = pytest.mark.browser

PASSWORD = "a-long-password-for-the-header-1"
SIZES = {"desktop": DESKTOP, "phone": PHONE}


@pytest.fixture
def people(site):
    seminar = Seminar.objects.create(slug="spring-reading", name="Spring reading seminar")
    users = {}
    for username, role in [("ines.instructor", Role.INSTRUCTOR), ("sam.student", Role.STUDENT)]:
        users[username] = get_user_model().objects.create_user(username, password=PASSWORD)
        Membership.objects.create(seminar=seminar, user=users[username], role=role)
    return {"seminar": seminar, **users}


@pytest.fixture
def passage(site):
    return Passage.objects.select_related("paper", "section").get(
        paper__slug="edney-2015", section__key__startswith="introduction", ordinal=1
    )


def sign_in_from_the_header(page, username):
    page.locator(".site-header").get_by_role("link", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next="))
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))


def account_menu(page, username):
    menu = page.get_by_role("navigation", name="Your account")
    menu.get_by_text(username, exact=True).click()  # the <details> summary
    return menu


@pytest.mark.parametrize("size", SIZES)
def test_sign_in_and_out_from_the_header(new_page, people, passage, screenshot, size):
    page = new_page(**SIZES[size])
    page.goto(passage.get_absolute_url())
    sign_in_from_the_header(page, "sam.student")
    expect(page).to_have_url(re.compile(re.escape(passage.get_absolute_url()) + "$"))  # back where they were
    menu = account_menu(page, "sam.student")
    expect(menu.get_by_role("link", name="Notifications (0)")).to_be_visible()
    expect(menu.get_by_text("Spring reading seminar")).to_be_visible()
    screenshot(page, f"header-menu-{size}", full_page=False)
    header = page.locator(".site-header").bounding_box()
    assert header["width"] <= (1280 if size == "desktop" else 390)
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    menu.get_by_role("button", name="Sign out").click()
    expect(page.locator(".site-header").get_by_role("link", name="Sign in")).to_be_visible()
    expect(page.get_by_role("navigation", name="Your account")).to_have_count(0)


def test_sign_out_works_without_javascript(new_page, people):
    page = new_page(java_script_enabled=False)
    page.goto("/")
    sign_in_from_the_header(page, "sam.student")
    account_menu(page, "sam.student").get_by_role("button", name="Sign out").click()
    expect(page.locator(".site-header").get_by_role("link", name="Sign in")).to_be_visible()
    page.goto("/accounts/logout/")
    expect(page.get_by_text("You are not signed in")).to_be_visible()


@pytest.mark.parametrize("size", SIZES)
def test_a_student_follows_a_notification_to_the_instructors_reply(new_page, people, passage, screenshot, size):
    note = Annotation.objects.create(
        passage=passage,
        author=people["sam.student"],
        quote="",
        body="Is this the state's voice?",
        visibility="seminar",
        seminar=people["seminar"],
    )
    instructor = new_page(**SIZES[size])
    instructor.goto(note.get_absolute_url())
    sign_in_from_the_header(instructor, "ines.instructor")
    thread = instructor.locator(f"#annotation-{note.pk}")
    thread.get_by_text("Reply", exact=True).click()
    thread.get_by_label("Reply (Markdown)").fill("Read Edney's next paragraph first.")
    thread.get_by_role("button", name="Reply").click()
    expect(thread.get_by_text("Read Edney's next paragraph first.")).to_be_visible()
    reply = Annotation.objects.get(parent=note)

    student = new_page(**SIZES[size])
    student.goto("/")
    sign_in_from_the_header(student, "sam.student")
    student.get_by_role("link", name="Notifications (1)").click()
    expect(student).to_have_url(re.compile(r"/notifications/$"))
    item = student.locator(".notification").first
    expect(item).to_contain_text("ines.instructor")
    expect(item).to_contain_text("replied to your note")
    expect(item).to_contain_text("Read Edney's next paragraph first.")
    screenshot(student, f"notifications-{size}")
    item.get_by_role("link", name="Go to the note").click()
    expect(student).to_have_url(re.compile(rf"/annotations/#annotation-{reply.pk}$"))
    expect(student.locator(f"#annotation-{reply.pk}")).to_be_visible()
    expect(student.get_by_role("link", name="Notifications (0)")).to_be_visible()
    screenshot(student.locator(f"#annotation-{reply.pk}"), f"notification-followed-{size}")


def test_notifications_and_settings_pages_pass_axe(browser, site, people, passage, axe_source, screenshot):
    note = Annotation.objects.create(
        passage=passage,
        author=people["ines.instructor"],
        body="Start here.",
        visibility="seminar",
        seminar=people["seminar"],
    )
    from readings.notifications import notify_about

    notify_about(note)
    context, page = open_page(browser, base_url=site, bypass_csp=True, **DESKTOP)
    try:
        page.goto("/")
        sign_in_from_the_header(page, "sam.student")
        for url, name in [
            ("/notifications/", "notifications"),
            ("/settings/", "settings"),
            ("/accounts/logout/", "logout"),
            ("/accounts/password_change/", "password-change"),
        ]:
            page.goto(url)
            assert axe_violations(page, axe_source) == [], url
            screenshot(page, f"axe-{name}")
        page.goto("/")
        account_menu(page, "sam.student")
        assert axe_violations(page, axe_source) == [], "open account menu"
        assert page.problems == []
    finally:
        context.close()
