"""Pasted CSV lines of people to add: every kind of bad line reported by number, nothing added unless all are good."""

import time

import pytest
from django.db import IntegrityError

from readings.membership_import import MAX_BYTES, MAX_LINES, add_all, read
from readings.models import Membership

pytestmark = pytest.mark.django_db


def errors(text):
    report = read(text)
    assert not report.refused, report.refused
    return dict(report.errors)


def test_good_lines_are_read_with_defaults_and_a_header_skipped():
    report = read(
        'username,email,full name,role\nmli,mli@example.edu,Mei Li,student\n\nbo,bo@example.edu,"Bo, Jr. Chen",Instructor\n'
        "cy,cy@example.edu\n"
    )
    assert report.ok and not report.errors
    assert [(line.number, line.username, line.role) for line in report.lines] == [
        (2, "mli", "student"),
        (4, "bo", "instructor"),
        (5, "cy", "student"),
    ]
    assert (report.lines[0].first_name, report.lines[0].last_name) == ("Mei", "Li")
    assert (report.lines[1].first_name, report.lines[1].last_name) == ("Bo, Jr.", "Chen")


def test_an_unknown_role_is_reported_with_its_line():
    assert errors("a,a@example.edu,A,student\nb,b@example.edu,B,teacher\n") == {
        2: "“teacher” is not a role: write instructor or student (or nothing, for student)."
    }


def test_a_username_twice_in_the_paste_is_reported_at_its_second_line():
    found = errors("mli,mli@example.edu\nother,o@example.edu\nMLI,mli2@example.edu\n")
    assert list(found) == [3]
    assert "line 1 already" in found[3]


def test_an_email_twice_in_the_paste_is_reported():
    found = errors("a,same@example.edu\nb,SAME@example.edu\n")
    assert list(found) == [2] and "email" in found[2]


@pytest.mark.parametrize("email", ["not-an-email", "a@", "@example.edu", "a b@example.edu", "x" * 250 + "@e.co"])
def test_a_malformed_email_is_reported(email):
    found = errors(f"mli,{email},Mei Li,student\n")
    assert list(found) == [1] and "email" in found[1]


@pytest.mark.parametrize(
    ("line", "says"),
    [
        (",a@example.edu", "username is missing"),
        ("has space,a@example.edu", "is not a username"),
        ("x" * 151 + ",a@example.edu", "longer than 150"),
        ("a,a@example.edu,A,student,extra", "Too many columns"),
        ("a,a@example.edu," + "x" * 151 + ",student", "full name is too long"),
    ],
)
def test_a_line_of_the_wrong_shape_is_reported(line, says):
    found = errors(line)
    assert list(found) == [1] and says in found[1]


def test_an_existing_username_with_another_email_is_reported(django_user_model):
    django_user_model.objects.create_user("mli", email="mei@example.edu")
    found = errors("mli,other@example.edu\n")
    assert list(found) == [1] and "different email" in found[1]


def test_an_existing_account_is_matched_by_username_with_its_email_or_none(django_user_model):
    user = django_user_model.objects.create_user("mli", email="Mei@Example.edu")
    report = read("mli,mei@example.edu\nmli2\n")
    assert [line.user for line in report.lines] == [user]
    assert dict(report.errors) == {2: "There is no account “mli2”: give an email address to create one."}


def test_a_username_differing_only_in_case_from_an_account_is_reported(django_user_model):
    django_user_model.objects.create_user("mli", email="mei@example.edu")
    found = errors("MLI,mei@example.edu\n")
    assert list(found) == [1] and "“mli”" in found[1]


def test_a_new_username_with_another_accounts_email_is_reported(django_user_model):
    django_user_model.objects.create_user("mei", email="mei@example.edu")
    found = errors("mli,mei@example.edu\n")
    assert list(found) == [1] and "belongs to the account “mei”" in found[1]


def test_every_bad_line_is_reported_not_only_the_first():
    found = errors("a,a@example.edu,A,boss\nb,not-mail\nc,c@example.edu\n,d@example.edu\n")
    assert sorted(found) == [1, 2, 4]


def test_a_stray_quote_stays_on_its_line():
    report = read('a,"a@example.edu\nb,b@example.edu,"Bo Chen\nc,c@example.edu,C,"boss"\n')
    assert [line.username for line in report.lines] == ["a", "b"]
    assert [number for number, _ in report.errors] == [3]


def test_an_empty_paste_is_refused():
    assert read("\n \n").refused.startswith("There is nothing to add")


def test_five_thousand_lines_are_refused_quickly_unread(django_assert_num_queries):
    paste = "".join(f"user{i},user{i}@example.edu,User {i},student\n" for i in range(5000))
    started = time.perf_counter()
    with django_assert_num_queries(0):
        report = read(paste)
    assert time.perf_counter() - started < 0.5
    assert report.refused and not report.lines and not report.errors
    assert f"{MAX_BYTES:,} bytes" in report.refused


def test_too_many_short_lines_are_refused_even_under_the_byte_limit():
    paste = "".join(f"u{i}\n" for i in range(MAX_LINES + 1))
    assert len(paste.encode()) < MAX_BYTES
    report = read(paste)
    assert report.refused.startswith(f"This paste has {MAX_LINES + 1:,} lines")


def test_the_largest_allowed_paste_is_checked_in_two_queries(django_assert_num_queries):
    paste = "".join(f"user{i},user{i}@example.edu,User {i},student\n" for i in range(MAX_LINES))
    with django_assert_num_queries(2):
        report = read(paste)
    assert report.ok and len(report.lines) == MAX_LINES


def test_adding_creates_accounts_without_passwords_and_keeps_members_roles(django_user_model, seminar, student):
    report = read("student,,,instructor\nmli,mli@example.edu,Mei Li,instructor\nbo,bo@example.edu\n")
    assert report.ok
    outcome = add_all(seminar, report.lines)
    assert (outcome.added, outcome.already) == (2, 1)
    assert sorted(user.username for user in outcome.created) == ["bo", "mli"]
    mli = django_user_model.objects.get(username="mli")
    assert not mli.has_usable_password() and mli.get_full_name() == "Mei Li"
    roles = dict(Membership.objects.filter(seminar=seminar).values_list("user__username", "role"))
    assert roles == {"student": "student", "mli": "instructor", "bo": "student"}  # a paste never demotes or promotes
    assert django_user_model.objects.get(username="mli").is_staff  # the role's staff access, given with it


def test_adding_is_all_or_nothing(django_user_model, seminar):
    report = read("mli,mli@example.edu\nbo,bo@example.edu\n")
    django_user_model.objects.create_user("bo", email="bo@example.edu")  # made between the check and the write
    with pytest.raises(IntegrityError):
        add_all(seminar, report.lines)
    assert not django_user_model.objects.filter(username="mli").exists()
    assert not Membership.objects.filter(seminar=seminar).exists()


def test_adding_a_class_costs_the_same_queries_for_five_and_fifty(django_user_model, seminar, other_seminar):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(first, count, seminar, role):
        report = read("".join(f"u{i},u{i}@example.edu,U {i},{role}\n" for i in range(first, first + count)))
        with CaptureQueriesContext(connection) as captured:
            add_all(seminar, report.lines)
        return len(captured)

    # The role groups exist already, as on any site past its first seminar (a test that flushed the
    # database before this one would otherwise make the first import pay for creating them).
    from readings.roles import INSTRUCTORS_GROUP, STUDENTS_GROUP, role_group

    role_group(INSTRUCTORS_GROUP), role_group(STUDENTS_GROUP)
    assert queries(0, 5, seminar, "instructor") == queries(5, 50, other_seminar, "instructor")
    assert django_user_model.objects.filter(is_staff=True, groups__name="Instructors").count() == 55
