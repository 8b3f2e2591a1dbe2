"""Sign-up: only through a valid join link, unless READING_ROOM_OPEN_SIGNUP; the new reader is signed in and joined."""

import pytest

from readings.models import Membership, Seminar
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_seminar(seminar):
    Seminar.objects.filter(pk=seminar.pk).update(join_enabled=True)
    seminar.refresh_from_db()
    return seminar


def details(**changes):
    return {"username": "newbie", "email": "newbie@example.edu", "password1": PASSWORD, "password2": PASSWORD} | changes


def test_without_a_join_link_sign_up_is_closed(client, django_user_model):
    page = client.get("/accounts/signup/")
    assert page.status_code == 404 and "join link" in page.content.decode()
    assert client.post("/accounts/signup/", details()).status_code == 404
    assert not django_user_model.objects.filter(username="newbie").exists()


def test_a_join_link_opens_sign_up_and_the_new_reader_is_signed_in_and_joined(client, django_user_model, open_seminar):
    code = open_seminar.join_code
    page = client.get(f"/accounts/signup/?join={code}").content.decode()
    assert "and join Spring seminar" in page and f'name="join" value="{code}"' in page
    response = client.post("/accounts/signup/", details(join=code))
    assert response["Location"] == f"/seminars/{open_seminar.slug}/"
    user = django_user_model.objects.get(username="newbie")
    assert user.email == "newbie@example.edu" and user.check_password(PASSWORD)
    assert Membership.objects.get(user=user, seminar=open_seminar).role == "student"
    assert client.get(response["Location"]).status_code == 200  # signed in: the stream is theirs to read
    assert not user.is_staff


@pytest.mark.parametrize(
    "change", [{"join_enabled": False}, {"archived_at": "2026-01-01T00:00:00Z"}, {"join_code": "another-code-x"}]
)
def test_a_link_that_does_not_work_opens_no_sign_up(client, django_user_model, open_seminar, change):
    code = open_seminar.join_code
    Seminar.objects.filter(pk=open_seminar.pk).update(**change)
    assert client.get(f"/accounts/signup/?join={code}").status_code == 404
    assert client.post("/accounts/signup/", details(join=code)).status_code == 404
    assert not django_user_model.objects.filter(username="newbie").exists()


def test_open_sign_up_needs_no_link(client, settings, django_user_model):
    settings.READING_ROOM_OPEN_SIGNUP = True
    assert client.get("/accounts/signup/").status_code == 200
    response = client.post("/accounts/signup/", details())
    assert response["Location"] == "/"
    user = django_user_model.objects.get(username="newbie")
    assert not user.memberships.exists()
    assert client.get("/notebook/").status_code == 200  # signed in


@pytest.mark.parametrize(
    ("changes", "field", "says"),
    [
        ({"password1": "short", "password2": "short"}, "password2", "too short"),
        ({"password1": "12345678901234", "password2": "12345678901234"}, "password2", "entirely numeric"),
        ({"password2": "something-else-entirely"}, "password2", "didn’t match"),
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": "Student@Example.edu"}, "email", "exists already"),
        ({"username": "STUDENT"}, "username", "already exists"),
        ({"username": "has space"}, "username", "valid username"),
    ],
)
def test_bad_details_are_refused_at_their_field(client, django_user_model, open_seminar, changes, field, says):
    django_user_model.objects.create_user("student", email="student@example.edu")
    response = client.post("/accounts/signup/", details(join=open_seminar.join_code, **changes))
    page = response.content.decode()
    assert response.status_code == 400
    assert f'id="id_{field}_error"' in page and says in page.replace("&#x27;", "'")
    assert not django_user_model.objects.filter(username__in=["newbie", "has space", "STUDENT"]).exists()
    assert not Membership.objects.filter(seminar=open_seminar).exists()


def test_a_signed_in_reader_is_sent_to_the_join_page(client, outsider, open_seminar):
    client.force_login(outsider)
    response = client.get(f"/accounts/signup/?join={open_seminar.join_code}")
    assert response["Location"] == f"/seminars/join/{open_seminar.join_code}/"


def test_sign_up_counts_wrong_codes_against_the_address(client, settings, open_seminar):
    settings.READING_ROOM_JOIN_FAILURES_PER_ADDRESS = 2
    client.get("/accounts/signup/?join=guess1")
    client.post("/accounts/signup/", details(join="guess2"))
    assert client.get(f"/accounts/signup/?join={open_seminar.join_code}").status_code == 429
