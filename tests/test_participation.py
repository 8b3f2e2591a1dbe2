"""Participation for instructors: who wrote what in each assignment's reading, as a table and a CSV."""

import csv
import io
from datetime import timedelta

import pytest
from django.utils import timezone

from readings.models import Annotation, Assignment, Membership, Section
from readings.participation import LATE, NONE, ON_TIME, participation
from tests.conftest import member

pytestmark = pytest.mark.django_db

DUE = timezone.now().replace(microsecond=0) - timedelta(days=1)


def at(annotation, moment):
    Annotation.objects.filter(pk=annotation.pk).update(created=moment)
    return annotation


def assign(seminar, title="Read the official paper", due=DUE, **reading):
    sections = reading.pop("sections", None)
    assignment = Assignment.objects.create(
        seminar=seminar, title=title, opens_at=due - timedelta(days=7), due_at=due, **reading
    )
    if sections:
        assignment.sections.set(sections)
    return assignment


@pytest.fixture
def paper_assignment(seminar, official_paper):
    return assign(seminar, kind="paper", paper=official_paper)


@pytest.fixture
def facts(
    note, seminar, other_seminar, student, classmate, instructor, official_passage, critical_passage, django_user_model
):
    """A hand-made seminar: what counts for the student, and everything that must not."""
    second = official_passage.section.passages.get(ordinal=2)
    Membership.objects.create(seminar=other_seminar, user=student)
    theirs = at(note(classmate, official_passage, "Classmate, late.", seminar=seminar), DUE + timedelta(seconds=1))
    at(note(student, official_passage, "Soft power is *cultural* security.", seminar=seminar), DUE)
    at(note(student, second, "Two words", seminar=seminar), DUE + timedelta(hours=1))
    at(note(student, official_passage, "A reply of six words here.", parent=theirs), DUE + timedelta(hours=2))
    # Not counted: private, shared elsewhere, hidden, deleted, an instructor's, off the reading.
    at(note(student, official_passage, "private " * 50), DUE - timedelta(days=2))
    at(note(student, official_passage, "elsewhere " * 50, seminar=other_seminar), DUE - timedelta(days=2))
    at(note(student, second, "hidden " * 50, seminar=seminar, is_hidden=True), DUE - timedelta(days=2))
    at(note(student, second, "deleted " * 50, seminar=seminar, deleted_at=DUE), DUE - timedelta(days=2))
    note(instructor, official_passage, "instructor " * 50, seminar=seminar)
    at(note(student, critical_passage, "Off the paper.", seminar=seminar), DUE - timedelta(days=3))
    return {"student": student, "classmate": classmate}


def rows_by_username(table):
    return {row.student.username: row for row in table.rows}


def test_counts_only_what_students_shared_with_the_seminar_in_the_reading(facts, seminar, paper_assignment):
    table = participation(seminar)
    rows = rows_by_username(table)
    assert set(rows) == {"student", "classmate"}  # instructors are not students
    cell = rows["student"].cells[0]
    assert (cell.annotations, cell.replies, cell.words, cell.passages) == (2, 1, 5 + 2 + 6, 2)
    assert cell.first == DUE and cell.last == DUE + timedelta(hours=2)


def test_on_time_when_the_first_note_is_at_the_due_date_late_a_second_after(facts, seminar, paper_assignment):
    rows = rows_by_username(participation(seminar))
    assert rows["student"].cells[0].status == ON_TIME
    assert rows["student"].cells[0].after_due == 2
    assert rows["classmate"].cells[0].status == LATE


def test_a_student_without_notes_has_none(seminar, paper_assignment, student):
    cell = participation(seminar).rows[0].cells[0]
    assert (cell.status, cell.annotations, cell.first) == (NONE, 0, None)


def test_theme_and_section_readings_and_totals_count_each_note_once(
    facts, seminar, paper_assignment, contrast, theme, official_paper, critical_passage
):
    by_theme = assign(seminar, "The theme", due=DUE + timedelta(days=7), kind="theme", theme=theme)
    intro = Section.objects.get(paper=official_paper, key="intro")
    by_sections = assign(seminar, "The introduction", due=DUE + timedelta(days=14), kind="sections", sections=[intro])
    table = participation(seminar)
    assert table.assignments == [paper_assignment, by_theme, by_sections]
    row = rows_by_username(table)["student"]
    # The theme holds the first official passage and the critical one.
    assert (row.cells[1].annotations, row.cells[1].replies, row.cells[1].passages) == (2, 1, 2)
    assert row.cells[1].status == ON_TIME
    assert (row.cells[2].annotations, row.cells[2].replies) == (2, 1)
    assert (row.total.annotations, row.total.replies, row.total.passages) == (3, 1, 3)
    assert (row.on_time, row.late) == (3, 0)


def grow(django_user_model, seminar, official_paper, students, assignments, start):
    section = Section.objects.create(paper=official_paper, key=f"s{start}", title="More", ordinal=start + 1)
    passages = [section.passages.create(ordinal=i, text=f"Passage {i}.") for i in range(1, 4)]
    for number in range(start, start + students):
        user = member(django_user_model, seminar, f"s{number}")
        for passage in passages:
            Annotation.objects.create(
                passage=passage, author=user, seminar=seminar, visibility="seminar", body=f"Note {number}."
            )
    for number in range(assignments):
        assign(seminar, f"A{start}-{number}", kind="sections", sections=[section])


def test_the_page_takes_the_same_queries_however_many_students_and_assignments(
    client, django_user_model, django_assert_num_queries, seminar, instructor, official_paper
):
    client.force_login(instructor)
    grow(django_user_model, seminar, official_paper, students=1, assignments=1, start=0)
    # Session, user, membership; assignments, students, notes, passages; the header's notifications and seminars.
    with django_assert_num_queries(9):
        assert client.get("/seminars/spring/participation/").status_code == 200
    grow(django_user_model, seminar, official_paper, students=12, assignments=6, start=100)
    with django_assert_num_queries(9):
        response = client.get("/seminars/spring/participation/")
    assert response.content.decode().count('<th scope="row">') == 13
    with django_assert_num_queries(7):
        assert client.get("/seminars/spring/participation.csv").status_code == 200


def get(client, user, url):
    if user is not None:
        client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize("url", ["/seminars/spring/participation/", "/seminars/spring/participation.csv"])
@pytest.mark.parametrize("who", ["student", "outsider", "other_instructor", "editor", "admin_user_"])
def test_nobody_but_the_seminars_instructors_finds_it(client, request, django_user_model, other_seminar, url, who):
    request.getfixturevalue("seminar")
    if who == "other_instructor":
        user = member(django_user_model, other_seminar, "other-instructor", role="instructor")
    else:
        user = request.getfixturevalue(who)
    assert get(client, user, url).status_code == 404


@pytest.mark.parametrize("url", ["/seminars/spring/participation/", "/seminars/spring/participation.csv"])
def test_visitors_are_sent_to_sign_in(client, seminar, url):
    response = client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_the_table_links_each_student_to_their_shared_notes(client, facts, instructor, paper_assignment):
    html = get(client, instructor, "/seminars/spring/participation/").content.decode()
    assert 'href="/seminars/spring/?member=student"' in html
    assert "facts, not grades" in html
    stream = client.get("/seminars/spring/", {"member": "student"}).content.decode()
    assert "Two words" in stream and "Classmate, late." not in stream and "private private" not in stream


def names_in_order(html):
    return sorted(("classmate", "student"), key=lambda name: html.index(f'?member={name}"'))


def test_sorting_by_a_column_either_way_and_unknown_sorts_are_ignored(client, facts, instructor, paper_assignment):
    url = "/seminars/spring/participation/"
    client.force_login(instructor)
    assert names_in_order(client.get(url).content.decode()) == ["classmate", "student"]
    html = client.get(url, {"sort": "words", "dir": "desc"}).content.decode()
    assert names_in_order(html) == ["student", "classmate"]
    assert 'aria-sort="descending"' in html and html.count("aria-sort=") == 1
    assert names_in_order(client.get(url, {"sort": "words", "dir": "asc"}).content.decode()) == ["classmate", "student"]
    for sort in ("nonsense", "__class__", "x" * 5000):
        response = client.get(url, {"sort": sort, "dir": "sideways"})
        assert response.status_code == 200 and names_in_order(response.content.decode()) == ["classmate", "student"]


def test_filtering_by_assignment_shows_its_details_and_ignores_unknown_ids(
    client, facts, instructor, paper_assignment, seminar, other_seminar, official_paper
):
    theirs = assign(other_seminar, "Not ours", kind="paper", paper=official_paper)
    url = "/seminars/spring/participation/"
    client.force_login(instructor)
    html = client.get(url, {"assignment": paper_assignment.pk, "sort": "status"}).content.decode()
    assert "Notes after due date" in html and "on time" in html and "late" in html
    assert names_in_order(html) == ["classmate", "student"]  # late before on time, ascending
    for wanted in (theirs.pk, "abc", "9" * 5000):
        response = client.get(url, {"assignment": wanted})
        assert response.status_code == 200 and "Notes after due date" not in response.content.decode()


def test_the_csv_is_one_row_per_student_and_assignment_ready_for_a_gradebook(
    client, facts, instructor, seminar, paper_assignment, theme, contrast
):
    student = facts["student"]
    student.first_name, student.last_name, student.email = '=HYPERLINK("x")', "Zhou", "s@example.org"
    student.save()
    assign(seminar, "@SUM(1)", due=DUE + timedelta(days=7), kind="theme", theme=theme)
    response = get(client, instructor, "/seminars/spring/participation.csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="participation-spring-')
    assert "no-store" in response["Cache-Control"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8"))))
    assert rows[0] == [
        "username",
        "full_name",
        "email",
        "assignment",
        "due",
        "annotations",
        "replies",
        "words",
        "passages",
        "first_activity",
        "last_activity",
        "notes_after_due",
        "status",
    ]
    assert len(rows) == 1 + 2 * 2
    mine = [row for row in rows if row[0] == "student"]
    assert mine[0] == [
        "student",
        '\'=HYPERLINK("x") Zhou',
        "s@example.org",
        "Read the official paper",
        DUE.isoformat(timespec="seconds"),
        "2",
        "1",
        "13",
        "2",
        DUE.isoformat(timespec="seconds"),
        (DUE + timedelta(hours=2)).isoformat(timespec="seconds"),
        "2",
        "on time",
    ]
    assert mine[1][3] == "'@SUM(1)"
    only = get(client, instructor, f"/seminars/spring/participation.csv?assignment={paper_assignment.pk}")
    assert len(list(csv.reader(io.StringIO(only.content.decode())))) == 1 + 2


def test_the_seminar_page_links_instructors_to_participation(client, seminar, instructor, student):
    assert "/seminars/spring/participation/" in get(client, instructor, "/seminars/spring/").content.decode()
    assert "/seminars/spring/participation/" not in get(client, student, "/seminars/spring/").content.decode()


def test_the_bench_seminar_fills_every_kind_of_cell(
    django_user_model, contrast, official_paper, critical_paper, official_passage
):
    from django.core.management import call_command

    from readings.models import Seminar

    call_command("build_bench_seminar", "--students", "4", "--assignments", "3", "--notes", "4", stdout=io.StringIO())
    seminar = Seminar.objects.get(slug="bench-participation")
    table = participation(seminar)
    assert len(table.rows) == 4 and [a.kind for a in table.assignments] == ["theme", "paper", "sections"]
    cells = [cell for row in table.rows for cell in row.cells]
    assert sum(cell.replies for cell in cells) > 0 and any(cell.after_due for cell in cells)
    # Built again, it replaces itself rather than adding a second set of people.
    call_command("build_bench_seminar", "--students", "4", "--assignments", "3", stdout=io.StringIO())
    assert django_user_model.objects.filter(username__startswith="bench-participation-").count() == 5


def test_students_without_activity_come_last_either_way_and_ties_go_by_name(
    client, django_user_model, facts, seminar, instructor, paper_assignment
):
    member(django_user_model, seminar, "zed")
    member(django_user_model, seminar, "abe")
    url = "/seminars/spring/participation/"
    client.force_login(instructor)
    for direction in ("asc", "desc"):
        html = client.get(url, {"sort": "first", "dir": direction}).content.decode()
        order = sorted(("abe", "classmate", "student", "zed"), key=lambda name: html.index(f'?member={name}"'))
        assert order[2:] == ["abe", "zed"]
        assert order[:2] == (["student", "classmate"] if direction == "asc" else ["classmate", "student"])
