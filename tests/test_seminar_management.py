"""Seminars run by their instructors: creating, renaming, archiving, members, roles and the join link."""

import time

import pytest
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from readings.models import Annotation, Membership, Seminar
from tests.conftest import PASSWORD, member

pytestmark = pytest.mark.django_db


def fresh(user):
    return type(user).objects.get(pk=user.pk)


def groups(user):
    return set(fresh(user).groups.values_list("name", flat=True))


@pytest.fixture
def other_instructor(django_user_model, other_seminar):
    """An instructor, but of the other seminar."""
    return member(django_user_model, other_seminar, "other-instructor", role="instructor")


@pytest.fixture
def reader(request, client):
    """A client signed in as the role the test is parametrized with (none for anonymous)."""

    def sign_in(role):
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        return client

    return sign_in


def instructor_urls(seminar, membership):
    base = f"/seminars/{seminar.slug}"
    return [
        ("get", f"{base}/members/", {}),
        ("get", f"{base}/settings/", {}),
        ("post", f"{base}/settings/", {"name": "Taken over"}),
        ("post", f"{base}/archive/", {"archive": "1"}),
        ("post", f"{base}/join-link/", {"action": "enable"}),
        ("post", f"{base}/members/", {"form": "add", "who": "outsider", "role": "student"}),
        ("post", f"{base}/members/", {"form": "import", "lines": "newbie,newbie@example.edu"}),
        ("post", f"{base}/members/{membership.pk}/role/", {"role": "instructor"}),
        ("post", f"{base}/members/{membership.pk}/remove/", {}),
        ("post", f"{base}/members/{membership.pk}/invite/", {}),
    ]


@pytest.mark.parametrize("role", ["outsider", "student", "other_instructor", "editor", "admin_user_"])
def test_nobody_but_the_seminars_instructors_reaches_its_management(reader, role, seminar, student, instructor):
    client = reader(role)
    membership = Membership.objects.get(user=student, seminar=seminar)
    for method, url, data in instructor_urls(seminar, membership):
        response = getattr(client, method)(url, data)
        assert response.status_code == 404, (role, method, url)
    seminar.refresh_from_db()
    assert seminar.name == "Spring seminar" and not seminar.is_archived and not seminar.join_enabled
    assert Membership.objects.get(pk=membership.pk).role == "student"
    assert not Membership.objects.filter(user__username__in=["outsider", "newbie"], seminar=seminar).exists()


def test_anonymous_visitors_are_sent_to_sign_in(client, seminar, student):
    membership = Membership.objects.get(user=student, seminar=seminar)
    for method, url, data in [*instructor_urls(seminar, membership), ("get", "/seminars/new/", {})]:
        response = getattr(client, method)(url, data)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next="), url
    assert Membership.objects.get(pk=membership.pk).role == "student"


def test_an_instructor_manages_their_own_seminar_and_no_other(client, instructor, seminar, other_seminar, outsider):
    client.force_login(instructor)
    assert client.get(f"/seminars/{seminar.slug}/members/").status_code == 200
    assert client.get(f"/seminars/{seminar.slug}/settings/").status_code == 200
    # Another seminar's membership through this seminar's address: not found.
    theirs = Membership.objects.get(user=outsider, seminar=other_seminar)
    response = client.post(f"/seminars/{seminar.slug}/members/{theirs.pk}/remove/")
    assert response.status_code == 404 and Membership.objects.filter(pk=theirs.pk).exists()


# Creating, renaming and archiving.


def test_an_instructor_creates_a_seminar_and_becomes_its_instructor(client, instructor):
    client.force_login(instructor)
    assert client.get("/seminars/new/").status_code == 200
    response = client.post("/seminars/new/", {"name": "  Soft power, autumn 2027 "})
    seminar = Seminar.objects.get(name="Soft power, autumn 2027")
    assert seminar.slug == "soft-power-autumn-2027"
    assert response["Location"] == f"/seminars/{seminar.slug}/members/"
    assert Membership.objects.get(seminar=seminar).user == instructor
    assert Membership.objects.get(seminar=seminar).role == "instructor"


def test_a_new_instructor_with_the_permission_given_by_hand_creates_a_first_seminar(client, django_user_model):
    newcomer = django_user_model.objects.create_user("newcomer", password=PASSWORD)
    newcomer.user_permissions.add(Permission.objects.get(codename="add_seminar"))
    client.force_login(newcomer)
    client.post("/seminars/new/", {"name": "First"})
    assert Membership.objects.get(seminar__name="First", user=newcomer).role == "instructor"
    assert fresh(newcomer).is_staff and "Instructors" in groups(newcomer)


@pytest.mark.parametrize("role", ["student", "outsider", "editor"])
def test_without_the_instructor_permission_nobody_creates_seminars(reader, role):
    client = reader(role)
    assert client.get("/seminars/new/").status_code == 403
    assert client.post("/seminars/new/", {"name": "Mine"}).status_code == 403
    assert not Seminar.objects.filter(name="Mine").exists()


def test_new_seminars_never_take_a_reserved_or_taken_slug(client, instructor, seminar):
    client.force_login(instructor)
    client.post("/seminars/new/", {"name": "New"})
    client.post("/seminars/new/", {"name": "Spring"})
    client.post("/seminars/new/", {"name": "!!!"})
    assert set(Seminar.objects.values_list("slug", flat=True)) == {"spring", "new-2", "spring-2", "seminar"}


def test_a_seminar_needs_a_name_of_bounded_length(client, instructor):
    client.force_login(instructor)
    for name in ["   ", "x" * 201]:
        response = client.post("/seminars/new/", {"name": name})
        assert response.status_code == 400
        assert 'aria-invalid="true"' in response.content.decode()
    assert Seminar.objects.count() == 1


def test_renaming_keeps_the_address(client, instructor, seminar):
    client.force_login(instructor)
    response = client.post(f"/seminars/{seminar.slug}/settings/", {"name": "Spring seminar, renamed"})
    assert response.status_code == 302
    seminar.refresh_from_db()
    assert (seminar.name, seminar.slug) == ("Spring seminar, renamed", "spring")
    assert "The seminar is renamed." in client.get(response["Location"]).content.decode()


@pytest.fixture
def shared_note(student, seminar, official_passage):
    return Annotation.objects.create(
        passage=official_passage, author=student, body="Shared.", visibility="seminar", seminar=seminar
    )


def test_an_archived_seminar_is_read_only_but_still_readable(client, instructor, student, seminar, shared_note):
    client.force_login(instructor)
    client.post(f"/seminars/{seminar.slug}/archive/", {"archive": "1"})
    seminar.refresh_from_db()
    assert seminar.is_archived

    client.force_login(student)
    stream = client.get(f"/seminars/{seminar.slug}/")
    assert stream.status_code == 200 and "Shared." in stream.content.decode() and "archived" in stream.content.decode()
    url = f"{shared_note.passage.get_absolute_url()}annotations/"
    refused = client.post(url, {"body": "New note.", "share_with": seminar.pk})
    assert refused.status_code == 400 and "archived" in refused.content.decode()
    assert client.post(f"/annotations/{shared_note.pk}/reply/", {"body": "A reply."}).status_code == 403
    edit = client.post(f"/annotations/{shared_note.pk}/edit/", {"body": "Changed.", "version": 1})
    assert edit.status_code == 403
    assert not Annotation.objects.writable_by(student).filter(pk=shared_note.pk).exists()
    assert Annotation.objects.filter(author=student).count() == 1
    # Private notes are the reader's own, archive or not.
    assert client.post(url, {"body": "Private."}).status_code == 302

    client.force_login(instructor)
    client.post(f"/seminars/{seminar.slug}/archive/", {"archive": "0"})
    client.force_login(student)
    assert client.post(f"/annotations/{shared_note.pk}/reply/", {"body": "A reply."}).status_code == 302


# The members page.


def test_the_members_page_costs_the_same_queries_for_few_members_and_many(
    client, django_user_model, instructor, seminar, django_assert_num_queries
):
    client.force_login(instructor)
    url = f"/seminars/{seminar.slug}/members/"
    client.get(url)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        assert response.status_code == 200
        return len(captured)

    for i in range(3):
        member(django_user_model, seminar, f"s{i}")
    few = queries()
    for i in range(3, 80):  # more than a page
        member(django_user_model, seminar, f"s{i}")
    assert queries() == few
    # Session, user, the instructor's membership, the count and the page of members; the header's three.
    with django_assert_num_queries(8):
        assert "Page 1 of 2" in client.get(url).content.decode()
    assert "s79" in client.get(f"{url}?page=2").content.decode()


def test_an_instructor_adds_a_person_by_username_or_email(client, django_user_model, instructor, seminar):
    django_user_model.objects.create_user("mli", email="Mei.Li@example.edu")
    django_user_model.objects.create_user("bo", email="bo@example.edu")
    client.force_login(instructor)
    url = f"/seminars/{seminar.slug}/members/"
    assert client.post(url, {"form": "add", "who": "bo", "role": "student"}).status_code == 302
    assert client.post(url, {"form": "add", "who": "mei.li@example.edu", "role": "instructor"}).status_code == 302
    roles = dict(Membership.objects.filter(seminar=seminar).values_list("user__username", "role"))
    assert roles == {"instructor": "instructor", "bo": "student", "mli": "instructor"}


@pytest.mark.parametrize(
    ("who", "says"),
    [("nobody", "No account has the username or email"), ("instructor", "is a member already"), ("x" * 300, "")],
)
def test_adding_someone_who_cannot_be_added_says_why_at_the_field(client, instructor, seminar, who, says):
    client.force_login(instructor)
    response = client.post(f"/seminars/{seminar.slug}/members/", {"form": "add", "who": who, "role": "student"})
    page = response.content.decode()
    assert response.status_code == 400
    assert says in page and 'id="id_who_error"' in page and 'aria-describedby="id_who_helptext id_who_error"' in page
    assert Membership.objects.filter(seminar=seminar).count() == 1


def test_pasted_lines_create_accounts_and_send_a_set_your_password_email(
    client, django_user_model, instructor, seminar, student, mailoutbox
):
    client.force_login(instructor)
    lines = (
        "username,email,full name,role\nmli,mli@example.edu,Mei Li,\nbo,bo@example.edu,Bo Chen,instructor\nstudent\n"
    )
    response = client.post(f"/seminars/{seminar.slug}/members/", {"form": "import", "lines": lines})
    assert response.status_code == 302
    summary = client.get(response["Location"]).content.decode()
    assert "2 added, of whom 2 with new accounts (2 sent an email" in summary and "1 already member" in summary
    mli = django_user_model.objects.get(username="mli")
    assert not mli.has_usable_password()
    assert sorted(mail.to[0] for mail in mailoutbox) == ["bo@example.edu", "mli@example.edu"]
    mail = next(mail for mail in mailoutbox if mail.to == ["mli@example.edu"])
    assert "Spring seminar" in mail.subject and "mli" in mail.body
    link = next(line for line in mail.body.splitlines() if "/accounts/reset/" in line).strip()
    client.logout()
    form = client.get(link, follow=True)
    assert form.status_code == 200 and "new_password1" in form.content.decode()
    done = client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert done.status_code == 302
    assert django_user_model.objects.get(username="mli").check_password(PASSWORD)
    assert fresh(django_user_model.objects.get(username="bo")).is_staff  # instructor: staff, as the role gives


def test_the_email_is_sent_again_to_a_member_without_a_password_but_not_endlessly(
    client, settings, django_user_model, instructor, seminar, student, mailoutbox
):
    settings.READING_ROOM_PASSWORD_RESET_PER_EMAIL = 2
    client.force_login(instructor)
    client.post(f"/seminars/{seminar.slug}/members/", {"form": "import", "lines": "mli,mli@example.edu"})
    membership = Membership.objects.get(user__username="mli")
    url = f"/seminars/{seminar.slug}/members/{membership.pk}/invite/"
    assert url in client.get(f"/seminars/{seminar.slug}/members/").content.decode()
    for _ in range(3):
        response = client.post(url, follow=True)
    assert len(mailoutbox) == 3  # the first from the import, then two more, then the limit
    assert "Too many emails to mli@example.edu" in response.content.decode()
    # Someone with a password of their own is sent nothing.
    django_user_model.objects.filter(username="student").update(email="student@example.edu")
    mine = Membership.objects.get(user=student)
    client.post(f"/seminars/{seminar.slug}/members/{mine.pk}/invite/")
    assert len(mailoutbox) == 3


def test_pasted_lines_with_any_bad_line_add_nobody_and_report_each_line(
    client, django_user_model, instructor, seminar, mailoutbox
):
    django_user_model.objects.create_user("taken", email="taken@example.edu")
    client.force_login(instructor)
    lines = (
        "good,good@example.edu,Good One,student\n"
        "bad,bad@example.edu,Bad One,professor\n"
        "good,again@example.edu\n"
        "mal,not-an-email\n"
        "taken,other@example.edu\n"
    )
    response = client.post(f"/seminars/{seminar.slug}/members/", {"form": "import", "lines": lines})
    page = response.content.decode()
    assert response.status_code == 400
    assert "4 lines cannot be added (listed below); nobody was added." in page
    for number in (2, 3, 4, 5):
        assert f"Line {number}:" in page
    assert "Line 1:" not in page
    assert "professor" in page and "not-an-email" in page  # the paste comes back to be corrected
    assert not django_user_model.objects.filter(username="good").exists()
    assert Membership.objects.filter(seminar=seminar).count() == 1 and not mailoutbox


def test_a_five_thousand_line_paste_is_refused_quickly(client, instructor, seminar, mailoutbox):
    client.force_login(instructor)
    lines = "".join(f"user{i},user{i}@example.edu,User {i},student\n" for i in range(5000))
    started = time.perf_counter()
    response = client.post(f"/seminars/{seminar.slug}/members/", {"form": "import", "lines": lines})
    assert time.perf_counter() - started < 2
    assert response.status_code == 400
    assert "at most 100,000 bytes (500 lines) can be added at once" in response.content.decode()
    assert Membership.objects.filter(seminar=seminar).count() == 1 and not mailoutbox


def test_an_instructor_demoted_on_the_members_page_loses_the_admin_at_once(
    client, django_user_model, instructor, seminar
):
    colleague = member(django_user_model, seminar, "colleague", role="instructor")
    assert fresh(colleague).is_staff
    client.force_login(instructor)
    membership = Membership.objects.get(user=colleague, seminar=seminar)
    response = client.post(f"/seminars/{seminar.slug}/members/{membership.pk}/role/", {"role": "student"})
    assert response.status_code == 302
    assert not fresh(colleague).is_staff and groups(colleague) == {"Students"}
    client.force_login(colleague)
    assert client.get("/admin/").status_code == 302
    assert client.get(f"/seminars/{seminar.slug}/members/").status_code == 404

    client.force_login(instructor)
    client.post(f"/seminars/{seminar.slug}/members/{membership.pk}/role/", {"role": "instructor"})
    assert fresh(colleague).is_staff and groups(colleague) == {"Instructors"}


def test_an_instructor_removed_from_their_last_instructing_seminar_loses_the_admin_at_once(
    client, django_user_model, instructor, seminar, other_seminar
):
    colleague = member(django_user_model, seminar, "colleague", role="instructor")
    Membership.objects.create(seminar=other_seminar, user=colleague, role="student")
    client.force_login(instructor)
    membership = Membership.objects.get(user=colleague, seminar=seminar)
    assert client.post(f"/seminars/{seminar.slug}/members/{membership.pk}/remove/").status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()
    assert not fresh(colleague).is_staff and groups(colleague) == {"Students"}


def test_the_last_instructor_can_neither_demote_nor_remove_themselves(client, instructor, seminar):
    client.force_login(instructor)
    mine = Membership.objects.get(user=instructor, seminar=seminar)
    for url, data in [(f"members/{mine.pk}/role/", {"role": "student"}), (f"members/{mine.pk}/remove/", {})]:
        response = client.post(f"/seminars/{seminar.slug}/{url}", data, follow=True)
        assert "only instructor: make someone else an instructor first" in response.content.decode()
    assert Membership.objects.get(pk=mine.pk).role == "instructor" and fresh(instructor).is_staff


def test_an_instructor_with_a_colleague_may_step_down(client, django_user_model, instructor, seminar):
    member(django_user_model, seminar, "colleague", role="instructor")
    client.force_login(instructor)
    mine = Membership.objects.get(user=instructor, seminar=seminar)
    response = client.post(f"/seminars/{seminar.slug}/members/{mine.pk}/role/", {"role": "student"})
    assert response["Location"] == f"/seminars/{seminar.slug}/"  # the members page is no longer theirs
    assert not fresh(instructor).is_staff


def test_an_unknown_role_is_a_bad_request(client, instructor, student, seminar):
    client.force_login(instructor)
    membership = Membership.objects.get(user=student, seminar=seminar)
    response = client.post(f"/seminars/{seminar.slug}/members/{membership.pk}/role/", {"role": "dean"})
    assert response.status_code == 400 and Membership.objects.get(pk=membership.pk).role == "student"


def test_the_stream_shows_instructors_their_tools_and_students_none(client, instructor, student, seminar):
    client.force_login(instructor)
    page = client.get(f"/seminars/{seminar.slug}/").content.decode()
    assert f'href="/seminars/{seminar.slug}/members/"' in page and 'href="/seminars/new/"' in page
    client.force_login(student)
    page = client.get(f"/seminars/{seminar.slug}/").content.decode()
    assert f"/seminars/{seminar.slug}/members/" not in page and f"/seminars/{seminar.slug}/settings/" not in page


def test_the_notebook_offers_a_new_seminar_to_those_who_may_create_one(client, instructor, student):
    client.force_login(instructor)
    assert 'href="/seminars/new/"' in client.get("/notebook/").content.decode()
    client.force_login(student)
    assert 'href="/seminars/new/"' not in client.get("/notebook/").content.decode()


# The join link.


@pytest.fixture
def open_seminar(seminar):
    Seminar.objects.filter(pk=seminar.pk).update(join_enabled=True)
    seminar.refresh_from_db()
    return seminar


def join_url(seminar):
    return f"/seminars/join/{seminar.join_code}/"


def test_join_codes_are_long_random_tokens(seminar, other_seminar):
    assert len(seminar.join_code) >= 32 and seminar.join_code != other_seminar.join_code


def test_the_instructor_turns_the_join_link_on_and_off_and_makes_a_new_one(client, instructor, seminar):
    client.force_login(instructor)
    url = f"/seminars/{seminar.slug}/join-link/"
    client.post(url, {"action": "enable"})
    seminar.refresh_from_db()
    assert seminar.join_enabled
    assert join_url(seminar) in client.get(f"/seminars/{seminar.slug}/settings/").content.decode()
    old = seminar.join_code
    client.post(url, {"action": "regenerate"})
    seminar.refresh_from_db()
    assert seminar.join_code != old and seminar.join_enabled
    assert client.get(f"/seminars/join/{old}/").status_code == 404
    client.post(url, {"action": "disable"})
    seminar.refresh_from_db()
    assert not seminar.join_enabled
    assert client.post(url, {"action": "explode"}).status_code == 400


def test_a_signed_in_reader_confirms_and_joins_as_a_student(client, outsider, open_seminar):
    client.force_login(outsider)
    page = client.get(join_url(open_seminar))
    assert page.status_code == 200 and "Join Spring seminar" in page.content.decode()
    assert not Membership.objects.filter(user=outsider, seminar=open_seminar).exists()  # a GET joins nobody
    response = client.post(join_url(open_seminar))
    assert response["Location"] == f"/seminars/{open_seminar.slug}/"
    assert Membership.objects.get(user=outsider, seminar=open_seminar).role == "student"
    assert "already" in client.get(join_url(open_seminar)).content.decode()
    client.post(join_url(open_seminar))  # a second click changes nothing
    assert Membership.objects.filter(user=outsider, seminar=open_seminar).count() == 1


def test_joining_never_changes_an_instructors_role(client, instructor, open_seminar):
    client.force_login(instructor)
    client.post(join_url(open_seminar))
    assert Membership.objects.get(user=instructor, seminar=open_seminar).role == "instructor"


def test_an_anonymous_visitor_is_offered_sign_in_and_sign_up(client, open_seminar):
    page = client.get(join_url(open_seminar)).content.decode()
    assert f'href="/accounts/login/?next=%2Fseminars%2Fjoin%2F{open_seminar.join_code}%2F"' in page
    assert f'href="/accounts/signup/?join={open_seminar.join_code}"' in page
    response = client.post(join_url(open_seminar))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_with_sign_in_required_the_join_link_still_opens(client, settings, open_seminar):
    settings.READING_ROOM_REQUIRE_LOGIN = True
    assert client.get(join_url(open_seminar)).status_code == 200
    assert client.get(f"/accounts/signup/?join={open_seminar.join_code}").status_code == 200


@pytest.mark.parametrize("change", [{"join_enabled": False}, {"archived_at": "2026-01-01T00:00:00Z"}])
def test_a_link_turned_off_or_of_an_archived_seminar_joins_nobody(client, outsider, open_seminar, change):
    Seminar.objects.filter(pk=open_seminar.pk).update(**change)
    client.force_login(outsider)
    assert client.get(join_url(open_seminar)).status_code == 404
    assert client.post(join_url(open_seminar)).status_code == 404
    assert not Membership.objects.filter(user=outsider, seminar=open_seminar).exists()


@pytest.mark.parametrize("code", ["x", "A" * 32, "A" * 65])
def test_a_wrong_code_joins_nobody(client, outsider, open_seminar, code):
    client.force_login(outsider)
    response = client.get(f"/seminars/join/{code}/")
    assert response.status_code == 404 and "does not work" in response.content.decode()


def test_a_code_that_shares_only_its_first_characters_with_a_real_one_joins_nobody(client, outsider, open_seminar):
    client.force_login(outsider)
    near = open_seminar.join_code[:-1] + ("A" if open_seminar.join_code[-1] != "A" else "B")
    assert client.post(f"/seminars/join/{near}/").status_code == 404
    assert client.post(f"/seminars/join/{open_seminar.join_code}extra/").status_code == 404
    assert not Membership.objects.filter(user=outsider, seminar=open_seminar).exists()


def test_guessing_codes_is_limited_per_address_with_a_clear_429(client, settings, outsider, open_seminar):
    settings.READING_ROOM_JOIN_FAILURES_PER_ADDRESS = 3
    client.force_login(outsider)
    for i in range(3):
        assert client.get(f"/seminars/join/guess{i}/").status_code == 404
    refused = client.get(join_url(open_seminar))  # even the right code, until the window has passed
    assert refused.status_code == 429 and int(refused["Retry-After"]) > 0
    assert "Too many tries" in refused.content.decode()
    assert client.post(join_url(open_seminar)).status_code == 429
    assert not Membership.objects.filter(user=outsider, seminar=open_seminar).exists()
    # Another address is not held back.
    assert client.get(join_url(open_seminar), REMOTE_ADDR="10.1.2.3").status_code == 200


def test_valid_links_are_not_counted_so_a_whole_class_can_join(client, settings, django_user_model, open_seminar):
    settings.READING_ROOM_JOIN_FAILURES_PER_ADDRESS = 3
    for i in range(10):
        client.force_login(django_user_model.objects.create_user(f"pupil{i}"))
        assert client.post(join_url(open_seminar)).status_code == 302
    assert Membership.objects.filter(seminar=open_seminar, role="student").count() == 10


def test_a_rename_to_nothing_is_refused_at_the_field_and_the_heading_keeps_the_name(client, instructor, seminar):
    client.force_login(instructor)
    response = client.post(f"/seminars/{seminar.slug}/settings/", {"name": " "})
    page = response.content.decode()
    assert (
        response.status_code == 400 and 'id="id_name_error"' in page and "<h1>Settings of Spring seminar</h1>" in page
    )
    seminar.refresh_from_db()
    assert seminar.name == "Spring seminar"


def test_instructors_create_seminars_here_not_in_the_admin(client, instructor, admin_user_):
    client.force_login(instructor)
    assert client.get("/admin/readings/seminar/add/").status_code == 403
    client.force_login(admin_user_)
    assert client.get("/admin/readings/seminar/add/").status_code == 200


def test_an_empty_post_is_answered_with_the_fields_errors(client, instructor, seminar):
    client.force_login(instructor)
    for url in ["/seminars/new/", f"/seminars/{seminar.slug}/settings/"]:
        response = client.post(url)
        assert response.status_code == 400 and 'id="id_name_error"' in response.content.decode(), url


@pytest.mark.parametrize(
    ("who", "path", "count"),
    [
        # Session, user, the instructor's membership with its seminar; the header's three.
        ("instructor", "settings/", 6),
        # Session, user, their permissions (user's and groups'); the header's three.
        ("instructor", "new", 7),
        # The client's count of wrong codes, the seminar; session, user, membership; the header's three.
        ("outsider", "join", 8),
        # The client's count of wrong codes and the seminar: nothing about a reader.
        ("anonymous", "join", 2),
        ("anonymous", "signup", 2),
    ],
)
def test_the_other_new_pages_cost_a_fixed_number_of_queries(
    reader, django_user_model, django_assert_num_queries, seminar, other_seminar, who, path, count
):
    Seminar.objects.filter(pk=seminar.pk).update(join_enabled=True)
    seminar.refresh_from_db()
    for i in range(20):  # more seminars and members change nothing
        member(django_user_model, Seminar.objects.create(slug=f"s{i}", name=f"S{i}"), f"m{i}")
        member(django_user_model, seminar, f"p{i}")
    client = reader(who)
    url = {
        "settings/": f"/seminars/{seminar.slug}/settings/",
        "new": "/seminars/new/",
        "join": join_url(seminar),
        "signup": f"/accounts/signup/?join={seminar.join_code}",
    }[path]
    client.get(url)
    with django_assert_num_queries(count):
        assert client.get(url).status_code == 200


def test_a_form_answered_with_errors_keeps_the_members_pages_address_and_paging(
    client, django_user_model, instructor, seminar
):
    for i in range(60):
        member(django_user_model, seminar, f"s{i}")
    client.force_login(instructor)
    url = f"/seminars/{seminar.slug}/members/"
    response = client.post(url, {"form": "import", "lines": "x,not-mail"})
    assert response.status_code == 400 and 'href="?page=2"' in response.content.decode()
    assert client.post(url, {"form": "explode"}).status_code == 400
