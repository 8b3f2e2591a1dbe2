"""The header every page carries (who is signed in, their seminars, notifications) and the account pages."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.models import Membership, Notification
from readings.notifications import notify_about
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["outsider", "student", "classmate", "instructor", "editor"]


@pytest.fixture
def people(student, classmate, outsider, instructor, editor):
    return {
        "student": student,
        "classmate": classmate,
        "outsider": outsider,
        "instructor": instructor,
        "editor": editor,
    }


def header(response):
    html = response.content.decode()
    return html[html.index("<header") : html.index("</header>")]


def test_visitors_are_offered_sign_in_back_to_the_same_page(client, official_passage):
    page = header(client.get("/papers/?page=1"))
    assert 'href="/accounts/login/?next=/papers/%3Fpage%3D1"' in page
    assert "Sign out" not in page and "Notifications" not in page


@pytest.mark.parametrize("role", ROLES)
def test_the_header_names_the_reader_their_seminars_and_sign_out(client, people, seminar, other_seminar, role):
    user = people[role]
    client.force_login(user)
    page = header(client.get("/"))
    assert user.username in page
    assert "Sign in" not in page
    assert 'action="/accounts/logout/"' in page and "csrfmiddlewaretoken" in page
    assert "Notifications (0)" in page
    seminars = {seminar.name: role in {"student", "classmate", "instructor"}, other_seminar.name: role == "outsider"}
    assert {name: name in page for name in seminars} == seminars
    assert 'href="/settings/"' in page and 'href="/accounts/password_change/"' in page


def test_the_header_counts_unread_notifications_the_reader_may_still_see(
    client, instructor, student, seminar, official_passage
):
    from readings.models import Annotation, Membership

    for body in ["One.", "Two.", "Three."]:
        note = Annotation.objects.create(
            passage=official_passage, author=instructor, body=body, visibility="seminar", seminar=seminar
        )
        notify_about(note)
    Notification.objects.filter(annotation=note).update(read_at=note.created)
    client.force_login(student)
    assert "Notifications (2)" in header(client.get("/"))
    Membership.objects.filter(user=student).delete()  # left the seminar: its notes are no longer theirs to see
    assert "Notifications (0)" in header(client.get("/"))


def test_anonymous_pages_carry_no_session_or_csrf_cookie(client, official_passage):
    response = client.get("/")
    assert response.cookies == {}
    assert "csrfmiddlewaretoken" not in response.content.decode()


def test_signing_out_by_get_shows_the_button(client, student):
    client.force_login(student)
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    page = response.content.decode()
    assert '<form method="post" action="/accounts/logout/"' in page and "csrfmiddlewaretoken" in page
    assert "_auth_user_id" in client.session  # a GET signs nobody out


def test_signing_out_by_post_signs_out(client, student):
    client.force_login(student)
    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session
    assert "Sign in" in header(client.get("/"))


def test_signing_out_needs_the_csrf_token(student):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(student)
    assert client.post("/accounts/logout/").status_code == 403
    assert "_auth_user_id" in client.session


def test_the_logout_page_for_a_visitor_offers_sign_in(client):
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert "You are not signed in" in response.content.decode()


def test_sign_in_brings_the_reader_back(client, student, official_passage):
    url = official_passage.get_absolute_url()
    response = client.post("/accounts/login/", {"username": "student", "password": PASSWORD, "next": url})
    assert response.status_code == 302 and response["Location"] == url


def test_password_change_pages_are_the_sites_own(client, student):
    client.force_login(student)
    page = client.get("/accounts/password_change/").content.decode()
    assert "Change your password" in page and 'class="site-header"' in page
    response = client.post(
        "/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": "another-long-pass-99", "new_password2": "another-long-pass-99"},
    )
    assert response["Location"] == "/accounts/password_change/done/"
    page = client.get("/accounts/password_change/done/").content.decode()
    assert "Password changed" in page and 'class="site-header"' in page


def test_password_change_needs_sign_in(client):
    assert client.get("/accounts/password_change/")["Location"].startswith("/accounts/login/")


def queries_for(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries]


def test_the_header_costs_three_queries_whatever_the_reader_has(
    client, django_user_model, student, instructor, seminar, official_passage
):
    from readings.models import Annotation, Seminar
    from tests.conftest import member

    client.force_login(student)
    client.get("/themes/")
    few = queries_for(client, "/themes/")
    for i in range(5):
        member(django_user_model, Seminar.objects.create(slug=f"s{i}", name=f"Seminar {i}"), f"x{i}")
        Membership.objects.create(seminar_id=Seminar.objects.get(slug=f"s{i}").pk, user=student)
        note = Annotation.objects.create(
            passage=official_passage, author=instructor, body=f"{i}", visibility="seminar", seminar=seminar
        )
        notify_about(note)
    many = queries_for(client, "/themes/")
    assert len(many) == len(few)
    # The theme list reads seminars too, in a subquery of its own query (seminar themes for members).
    header = [
        sql
        for sql in many
        if ("readings_notification" in sql or '"readings_seminar"' in sql) and "readings_theme" not in sql
    ]
    # The seminars (with each one's next due assignment, as subqueries), the unread count, and the assignments
    # whose gate hides notes from the reader (annotations.locked_assignments), which the unread count needs
    # and the page's own notes then share.
    assert len(header) == 3


def test_anonymous_pages_ask_nothing_about_readers(client, official_passage):
    sql = " ".join(queries_for(client, "/themes/"))
    assert "readings_notification" not in sql and "readings_membership" not in sql


def test_cached_anonymous_pages_keep_their_own_header(client, contrast, student, settings):
    settings.READING_ROOM_PAGE_CACHE = True
    for url in ["/themes/", "/papers/", "/themes/"]:
        page = header(client.get(url))
        assert f"/accounts/login/?next={url}" in page and "student" not in page
    client.force_login(student)
    page = header(client.get("/themes/"))  # never the cached copy
    assert "student" in page and "Sign in" not in page
