"""Signed-in pages whose work does not grow with the library: the notes read, the unread count, the paper filter.

The query plans are SQLite's, read as the app's own database makes them (no statistics, as a fresh
database has none). PostgreSQL chooses by statistics, and on tables this small reads them whole
whatever the query: its plans say nothing here, so those tests run on SQLite only.
"""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from readings.models import Annotation, Assignment, Notification, Paper, Section, Stance
from readings.models.annotations import locked_assignments

pytestmark = pytest.mark.django_db

sqlite_only = pytest.mark.skipif(connection.vendor != "sqlite", reason="reads SQLite's query plans")


def plan(sql, params):
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        return [row[-1] for row in cursor.fetchall()]


def annotation_reads(client, url):
    """How each query of the page that lists annotations reads the annotation table (its own alias only)."""
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert client.get(url).status_code == 200
    return [
        step
        for sql, params in statements
        if sql.startswith('SELECT "readings_annotation"')
        for step in plan(sql, params)
        if step.startswith(("SCAN readings_annotation", "SEARCH readings_annotation"))
    ]


def seminar_notes_elsewhere(author, seminar, passage, count):
    """Notes of the seminar on another passage: what the page must not read."""
    Annotation.objects.bulk_create(
        Annotation(
            passage=passage,
            author=author,
            seminar=seminar,
            visibility=Annotation.Visibility.SEMINAR,
            body="Elsewhere.",
            body_html="<p>Elsewhere.</p>",
        )
        for _ in range(count)
    )


@sqlite_only
@pytest.mark.parametrize("page", ["paper", "theme"])
def test_highlights_read_only_the_notes_of_the_pages_passages(client, student, classmate, seminar, contrast, page):
    """Not every note that starts a thread: the parent index once led SQLite through all of the seminar's notes."""
    paper = Paper.objects.create(slug="elsewhere", title="Elsewhere", stance=Stance.CRITICAL)
    elsewhere = Section.objects.create(paper=paper, key="intro", title="Intro", ordinal=1).passages.create(
        ordinal=1, text="Elsewhere."
    )
    seminar_notes_elsewhere(classmate, seminar, elsewhere, 20)
    client.force_login(student)
    url = {"paper": "/papers/official/", "theme": "/themes/definitions/"}[page]
    reads = annotation_reads(client, url)
    assert reads, "the page reads the notes of its passages"
    assert all("(passage_id=?)" in step for step in reads), reads


@sqlite_only
def test_the_unread_count_looks_up_each_notifications_note(student, classmate, seminar, official_passage, note):
    """EXISTS on the note's key, not IN (every note the reader may see), which SQLite built by reading them all."""
    Notification.objects.create(
        recipient=student, annotation=note(classmate, official_passage, seminar=seminar), kind="reply"
    )
    seminar_notes_elsewhere(classmate, seminar, official_passage, 20)
    sql, params = Notification.objects.for_reader(student).unread().query.sql_with_params()
    steps = plan(sql, params)
    assert not [step for step in steps if step.startswith("SCAN")], steps


@sqlite_only
def test_the_gate_counts_the_students_own_notes_in_the_seminar(
    student, classmate, seminar, official_paper, official_passage, note
):
    """Looked up by author and seminar together, not through all of the seminar's notes."""
    now = timezone.now()
    Assignment.objects.create(
        seminar=seminar,
        title="Week one",
        kind="paper",
        paper=official_paper,
        gate=1,
        opens_at=now - timedelta(days=1),
        due_at=now + timedelta(days=7),
    )
    seminar_notes_elsewhere(classmate, seminar, official_passage, 20)
    reader = get_user_model().objects.get(pk=student.pk)  # as a request loads them: nothing remembered yet
    statements = []

    def record(execute, sql, params, many, context):
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        assert len(locked_assignments(reader)) == 1
    ((sql, params),) = statements
    counted = [step for step in plan(sql, params) if "readings_annotation" in step or step.startswith("SEARCH V0")]
    assert counted, plan(sql, params)
    assert all("(author_id=? AND seminar_id=?)" in step for step in counted), counted


def header_count(client):
    return client.get("/papers/").content.decode().split("Notifications (", 1)[1].split(")", 1)[0]


def test_the_unread_count_leaves_out_what_the_reader_no_longer_sees(
    client, student, classmate, seminar, official_passage, note
):
    shown, hidden, made_private = (note(classmate, official_passage, seminar=seminar) for _ in range(3))
    for annotation in (shown, hidden, made_private):
        Notification.objects.create(recipient=student, annotation=annotation, kind="reply")
    client.force_login(student)
    assert header_count(client) == "3"
    Annotation.objects.filter(pk=hidden.pk).update(is_hidden=True)
    Annotation.objects.filter(pk=made_private.pk).update(seminar=None, visibility=Annotation.Visibility.PRIVATE)
    assert header_count(client) == "1"


def add_papers(count):
    Paper.objects.bulk_create(
        Paper(slug=f"paper-{n:04}", title=f"Paper {n} & <more>", stance=Stance.CRITICAL, order=100 + n)
        for n in range(count)
    )


def search_page(client, params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", params)
    assert response.status_code == 200
    return response.content.decode(), len(queries)


def test_the_paper_filter_lists_every_paper_in_the_same_queries(client, student, official_passage):
    client.force_login(student)
    params = {"q": "passage", "paper": "official"}
    _, few = search_page(client, params)
    add_papers(300)
    html, many = search_page(client, params)
    assert many == few
    assert html.count('<option value="paper-') == 300
    assert '<option value="paper-0299">Paper 299 &amp; &lt;more&gt;</option>' in html
    assert '<option value="official" selected>[An Official Paper]</option>' in html  # a title the editor supplied
    assert "2 passages match" in html


def test_the_paper_filter_ignores_a_paper_not_in_the_library(client, student, official_passage):
    client.force_login(student)
    html, _ = search_page(client, {"q": "passage", "paper": "paper-9999"})
    assert " selected" not in html.split('name="paper"', 1)[1].split("</select>", 1)[0]  # so "All papers"
    assert "2 passages match" in html
