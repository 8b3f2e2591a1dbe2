"""axe-core finds no WCAG 2.1 A or AA violation on the seminar management pages, errors and phone width included."""

from urllib.parse import urlparse

import pytest
from django.test import Client

from readings.models import Membership, Seminar
from tests.browser.test_accessibility import axe_violations, describe, duplicate_ids
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def signed_in(axe_page, site, django_user_model):
    seminar = Seminar.objects.create(slug="spring", name="Spring seminar", join_enabled=True)
    teacher = django_user_model.objects.create_user("teacher", password=PASSWORD, email="t@example.edu")
    Membership.objects.create(seminar=seminar, user=teacher, role="instructor")
    for i in range(3):
        student = django_user_model.objects.create_user(f"student{i}", email=f"s{i}@example.edu")
        student.set_unusable_password()
        student.save()
        Membership.objects.create(seminar=seminar, user=student)
    client = Client()
    client.force_login(teacher)
    axe_page.context.add_cookies(
        [
            {
                "name": "sessionid",
                "value": client.cookies["sessionid"].value,
                "domain": urlparse(site).hostname,
                "path": "/",
            }
        ]
    )
    return axe_page, seminar


def check(page, axe_source, what):
    # A form answered with its errors is a 400, an invalid link a 404: the console notes them, as it should.
    page.problems[:] = [
        problem for problem in page.problems if "status of 400" not in problem and "status of 404" not in problem
    ]
    violations = axe_violations(page, axe_source)
    assert not violations, f"axe-core on {what}:\n{describe(violations)}"
    assert not duplicate_ids(page), what


def test_the_management_pages_have_no_wcag_violations(signed_in, axe_source, screenshot):
    page, seminar = signed_in
    for path in ["/seminars/new/", "/seminars/spring/settings/", "/seminars/spring/members/", "/seminars/spring/"]:
        page.goto(path)
        check(page, axe_source, path)
    page.goto("/seminars/spring/members/")
    page.get_by_label("People to add, one per line").fill("a,a@example.edu\nb,not-mail\nc,c@example.edu,C,boss\n")
    page.get_by_role("button", name="Check and add").click()
    assert page.get_by_text("Line 2:").is_visible()
    check(page, axe_source, "the members page with a bad paste")
    screenshot(page, "seminar-members-bad-paste")
    page.get_by_label("Username or email").fill("nobody")
    page.get_by_role("button", name="Add", exact=True).click()
    check(page, axe_source, "the members page with an unknown person")
    page.get_by_label("People to add, one per line").fill("d,d@example.edu,Dee Dee,student\n")
    page.get_by_role("button", name="Check and add").click()
    assert page.get_by_text("1 added").is_visible()
    check(page, axe_source, "the members page after adding")
    screenshot(page, "seminar-members")
    page.goto(f"/seminars/join/{seminar.join_code}/")
    check(page, axe_source, "the join page")


def test_the_join_and_sign_up_pages_have_no_wcag_violations(axe_page, axe_source, site):
    seminar = Seminar.objects.create(slug="spring", name="Spring seminar", join_enabled=True)
    axe_page.goto(f"/seminars/join/{seminar.join_code}/")
    check(axe_page, axe_source, "the join page, signed out")
    axe_page.get_by_role("link", name="Create an account and join").click()
    check(axe_page, axe_source, "the sign-up page")
    axe_page.get_by_role("button", name="Create the account and join").click()
    check(axe_page, axe_source, "the sign-up page with errors")
    axe_page.goto("/seminars/join/not-a-code/")
    check(axe_page, axe_source, "an invalid join link")
