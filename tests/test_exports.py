"""Exports: my notebook, and a seminar's stream for its instructors, as CSV and Markdown downloads."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db

COLUMNS = [
    "id",
    "parent_id",
    "author",
    "role",
    "seminar",
    "paper",
    "passage",
    "permalink",
    "quote",
    "body",
    "tags",
    "created",
    "edited",
]


def download(client, user, url, status=200, **params):
    client.force_login(user)
    response = client.get(url, params)
    assert response.status_code == status
    return response


def rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.content.decode()))
    assert reader.fieldnames == COLUMNS
    return list(reader)


@pytest.fixture
def notes(note, student, classmate, instructor, outsider, seminar, other_seminar, official_passage, critical_passage):
    shared = note(
        student, official_passage, "student-shared", seminar=seminar, quote="An Official Paper", tags=["nye", "power"]
    )
    return {
        "shared": shared,
        "private": note(student, critical_passage, "student-private", tags=["framing"]),
        "instructor-reply": note(instructor, official_passage, "instructor-reply", parent=shared),
        "student-reply": note(student, official_passage, "student-reply", parent=shared),
        "classmate": note(classmate, critical_passage, "classmate-shared", seminar=seminar),
        "classmate-private": note(classmate, critical_passage, "classmate-private"),
        "instructor-private": note(instructor, critical_passage, "instructor-private"),
        "outsider": note(outsider, official_passage, "outsider-shared", seminar=other_seminar),
    }


def test_the_notebook_as_csv_is_a_row_for_each_of_my_notes_and_replies(client, student, notes):
    response = download(client, student, "/notebook/export.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="notebook-student-')
    assert response["Content-Disposition"].endswith('.csv"')
    assert "no-store" in response["Cache-Control"]
    table = rows(response)
    assert [row["body"] for row in table] == ["student-reply", "student-private", "student-shared"]
    reply, private, shared = table
    assert shared == {
        "id": str(notes["shared"].pk),
        "parent_id": "",
        "author": "student",
        "role": "student",
        "seminar": "Spring seminar",
        "paper": "[An Official Paper]",
        "passage": "official/intro/1",
        "permalink": f"http://testserver/papers/official/intro/1/annotations/#annotation-{notes['shared'].pk}",
        "quote": "An Official Paper",
        "body": "student-shared",
        "tags": "nye power",
        "created": notes["shared"].created.isoformat(timespec="seconds"),
        "edited": "",
    }
    assert private["seminar"] == "Only me" and private["role"] == "" and private["tags"] == "framing"
    assert reply["parent_id"] == str(notes["shared"].pk)


def test_the_notebook_as_markdown(client, student, notes):
    response = download(client, student, "/notebook/export.md")
    assert response["Content-Type"] == "text/markdown; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="notebook-student-')
    text = response.content.decode()
    assert text.startswith("# Notebook of student\n")
    assert "## student on [An Official Paper], official/intro/1" in text
    assert "> An Official Paper" in text and "tags: nye, power" in text
    assert "### Reply by student, official/intro/1" in text
    assert "classmate" not in text and "instructor" not in text.lower()


def test_exports_keep_the_pages_filters(client, student, notes):
    table = rows(download(client, student, "/notebook/export.csv", tag="framing"))
    assert [row["body"] for row in table] == ["student-private"]
    text = download(client, student, "/notebook/export.md", seminar="spring").content.decode()
    assert "student-shared" in text and "student-private" not in text and "Filters: seminar=spring." in text


def test_visitors_are_sent_to_sign_in(client, seminar):
    for url in ("/notebook/export.csv", "/notebook/export.md", "/seminars/spring/export.csv"):
        assert client.get(url).status_code == 302


def test_the_instructor_exports_the_stream_with_no_private_note(client, instructor, notes):
    response = download(client, instructor, "/seminars/spring/export.csv")
    assert response["Content-Disposition"].startswith('attachment; filename="seminar-spring-')
    table = rows(response)
    assert {row["body"] for row in table} == {"student-shared", "instructor-reply", "student-reply", "classmate-shared"}
    roles = {row["body"]: row["role"] for row in table}
    assert roles["instructor-reply"] == "instructor" and roles["student-shared"] == "student"
    # each thread, then its replies
    bodies = [row["body"] for row in table]
    assert bodies.index("student-shared") < bodies.index("instructor-reply") < bodies.index("student-reply")
    text = download(client, instructor, "/seminars/spring/export.md", member="classmate").content.decode()
    assert text.startswith("# Spring seminar\n") and "classmate-shared" in text and "student-shared" not in text


@pytest.mark.parametrize(("who", "status"), [("student", 403), ("classmate", 403), ("outsider", 404), ("editor", 404)])
def test_nobody_else_exports_the_stream(client, request, notes, who, status):
    user = request.getfixturevalue(who)
    for fmt in ("csv", "md"):
        download(client, user, f"/seminars/spring/export.{fmt}", status=status)
    assert client.get("/seminars/spring/").status_code == (200 if status == 403 else 404)


def test_hidden_notes_are_not_exported(client, instructor, notes):
    notes["classmate"].is_hidden = True
    notes["classmate"].save()
    table = rows(download(client, instructor, "/seminars/spring/export.csv"))
    assert "classmate-shared" not in {row["body"] for row in table}


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r"])
def test_cells_a_spreadsheet_would_run_as_formulas_start_with_an_apostrophe(
    client, note, student, official_passage, start
):
    note(student, official_passage, f'{start}HYPERLINK("https://evil.example","x")', quote="Official")
    (row,) = rows(download(client, student, "/notebook/export.csv"))
    assert row["body"] == f'\'{start}HYPERLINK("https://evil.example","x")'
    assert row["quote"] == "Official"


def test_an_ordinary_cell_is_left_alone(client, note, student, official_passage):
    note(student, official_passage, "1 + 1 = 2, said @someone")
    (row,) = rows(download(client, student, "/notebook/export.csv"))
    assert row["body"] == "1 + 1 = 2, said @someone"


def test_an_export_costs_the_same_queries_for_few_notes_and_many(
    client, note, student, instructor, seminar, official_passage
):
    def add(n):
        for i in range(n):
            parent = note(student, official_passage, f"n{i}", seminar=seminar, tags=["a", f"t{i}"])
            note(instructor, official_passage, "reply", parent=parent)

    def count(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    add(2)
    client.force_login(instructor)
    few = count("/seminars/spring/export.csv")
    add(25)
    assert count("/seminars/spring/export.csv") == few
    client.force_login(student)
    few = count("/notebook/export.md")
    add(25)
    assert count("/notebook/export.md") == few
