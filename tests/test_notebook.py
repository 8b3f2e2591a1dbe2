"""My notebook: every annotation and reply I wrote, and nobody else's, filtered, searched and paginated."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from readings.views import WORKSPACE_PAGE_SIZE

pytestmark = pytest.mark.django_db


def notebook(client, user, **params):
    client.force_login(user)
    response = client.get("/notebook/", params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def notes(
    note, student, classmate, instructor, outsider, editor, seminar, other_seminar, official_passage, critical_passage
):
    """One note (or reply) by each person, each saying who wrote it and how it is shared."""
    shared = note(student, official_passage, "student-shared", seminar=seminar, quote="An Official Paper", tags=["nye"])
    return {
        "shared": shared,
        "private": note(student, critical_passage, "student-private", tags=["framing"]),
        "reply": note(
            student,
            official_passage,
            "student-reply",
            parent=note(classmate, critical_passage, "classmate-shared", seminar=seminar),
        ),
        "classmate-private": note(classmate, official_passage, "classmate-private"),
        "classmate-reply": note(classmate, official_passage, "classmate-reply", parent=shared),
        "instructor": note(instructor, official_passage, "instructor-shared", seminar=seminar),
        "instructor-private": note(instructor, official_passage, "instructor-private"),
        "outsider": note(outsider, official_passage, "outsider-shared", seminar=other_seminar),
        "editor": note(editor, official_passage, "editor-private"),
    }


def test_visitors_are_sent_to_sign_in(client):
    response = client.get("/notebook/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/?next=/notebook/")


def test_the_header_links_to_the_notebook_for_signed_in_readers_only(client, student):
    assert 'href="/notebook/"' not in client.get("/").content.decode()
    client.force_login(student)
    assert 'href="/notebook/">My notebook</a>' in client.get("/").content.decode()


@pytest.mark.parametrize(
    ("who", "mine"),
    [
        ("student", {"student-shared", "student-private", "student-reply"}),
        ("classmate", {"classmate-shared", "classmate-private", "classmate-reply"}),
        ("instructor", {"instructor-shared", "instructor-private"}),
        ("outsider", {"outsider-shared"}),
        ("editor", {"editor-private"}),
    ],
)
def test_each_reader_sees_exactly_what_they_wrote(client, request, notes, who, mine):
    html = notebook(client, request.getfixturevalue(who))
    everything = {n.body for n in notes.values()} | {"classmate-shared"}
    assert {body for body in everything if f"<p>{body}</p>" in html} == mine


def test_a_note_shows_its_quote_passage_seminar_tags_and_replies(client, student, notes):
    html = notebook(client, student)
    shared = notes["shared"]
    assert f'href="{shared.get_absolute_url()}"' in html
    assert "[An Official Paper], Introduction, ¶1" in html
    assert '<blockquote class="annotation-quote">An Official Paper</blockquote>' in html
    assert "Spring seminar" in html and "Only me" in html
    assert 'href="/notebook/?tag=nye" rel="tag">#nye</a>' in html
    assert "1 reply" in html
    assert "reply to classmate" in html


def test_newest_first(client, student, notes):
    html = notebook(client, student)
    assert html.index("student-reply") < html.index("student-private") < html.index("student-shared")


def test_hidden_and_withdrawn_notes_are_left_out(client, student, notes):
    notes["shared"].is_hidden = True
    notes["shared"].save()
    notes["private"].deleted_at = timezone.now()
    notes["private"].save()
    html = notebook(client, student)
    assert "student-shared" not in html and "student-private" not in html and "student-reply" in html


@pytest.mark.parametrize(
    ("params", "shown"),
    [
        ({"paper": "official"}, {"student-shared", "student-reply"}),
        ({"paper": "critical"}, {"student-private"}),
        ({"theme": "definitions"}, {"student-shared", "student-reply", "student-private"}),
        ({"seminar": "spring"}, {"student-shared", "student-reply"}),
        ({"seminar": "only-me"}, {"student-private"}),
        ({"tag": "framing"}, {"student-private"}),
        ({"q": "PRIVATE"}, {"student-private"}),
        ({"q": "official paper"}, {"student-shared"}),  # the quote is searched too
        ({"paper": "official", "seminar": "spring", "q": "reply"}, {"student-reply"}),
        ({"paper": "no-such-paper"}, {"student-shared", "student-reply", "student-private"}),
        ({"tag": "no-such-tag"}, {"student-shared", "student-reply", "student-private"}),
        ({"seminar": "autumn"}, {"student-shared", "student-reply", "student-private"}),  # not theirs: ignored
        ({"theme": "x" * 5000, "q": "note" * 5000}, set()),
        ({"q": "\x00"}, {"student-shared", "student-reply", "student-private"}),
        ({"q": "\x00", "tag": "framing"}, {"student-private"}),
    ],
)
def test_filters(client, student, notes, contrast, params, shown):
    html = notebook(client, student, **params)
    assert {body for body in ("student-shared", "student-reply", "student-private") if body in html} == shown


def test_a_theme_filter_keeps_to_its_contrasts_passages(
    client, student, note, theme, official_passage, critical_passage
):
    from readings.models import Contrast

    other = official_passage.section.passages.get(ordinal=2)
    Contrast.objects.create(theme=theme, order=1, title="One side", is_published=True).set_sides(
        [official_passage], [critical_passage]
    )
    note(student, official_passage, "in-theme")
    note(student, other, "not-in-theme")
    html = notebook(client, student, theme="definitions")
    assert "in-theme" in html and "not-in-theme" not in html


@pytest.fixture
def many_notes(note, student, official_passage):
    return [note(student, official_passage, f"note-{i}") for i in range(WORKSPACE_PAGE_SIZE + 3)]


@pytest.mark.parametrize(
    ("page", "first_shown"),
    [
        ("1", f"note-{WORKSPACE_PAGE_SIZE + 2}"),
        ("2", "note-2"),
        ("99", "note-2"),
        ("-1", "note-2"),
        ("x", f"note-{WORKSPACE_PAGE_SIZE + 2}"),
    ],
)
def test_pages_out_of_range_show_the_last_page_and_not_a_number_the_first(
    client, student, many_notes, page, first_shown
):
    html = notebook(client, student, page=page)
    assert f"<p>{first_shown}</p>" in html


def test_page_links_keep_the_filters(client, student, many_notes):
    html = notebook(client, student, paper="official")
    assert 'href="?paper=official&amp;page=2" rel="next"' in html


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_notebook_costs_the_same_queries_for_few_notes_and_many(
    client, note, student, classmate, seminar, official_passage, critical_passage
):
    def add(n):
        for i in range(n):
            parent = note(student, official_passage, f"n{i}", seminar=seminar, tags=[f"t{i}", "both"], quote="Official")
            note(student, critical_passage, f"r{i}", parent=note(classmate, critical_passage, "c", seminar=seminar))
            note(classmate, official_passage, "reply", parent=parent)

    client.force_login(student)
    add(2)
    few = queries(client, "/notebook/?tag=both&q=n")
    add(30)
    assert queries(client, "/notebook/?tag=both&q=n") == few
    assert queries(client, "/notebook/") == few
    assert few <= 14  # with the header's seminars and unread count, and the assignments gating the reader
