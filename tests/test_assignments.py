"""Reading assignments: instructors set them; members see them on the seminar page, in the header and on their page."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from readings.assignment_forms import DATETIME_FORMAT
from readings.models import GATE_MAX, Assignment, Section, Theme
from readings.views.assignments import READING_PAGE_SIZE

pytestmark = pytest.mark.django_db


def assign(seminar, *, title="Week one", gate=0, opens=-1, due=3, **reading):
    now = timezone.now()
    kind = next(iter(reading))
    assignment = Assignment.objects.create(
        seminar=seminar,
        title=title,
        instructions="Read *closely*.",
        kind=kind,
        opens_at=now + timedelta(days=opens),
        due_at=now + timedelta(days=due),
        gate=gate,
        **({} if kind == "sections" else reading),
    )
    if kind == "sections":
        assignment.sections.set(reading["sections"])
    return assignment


@pytest.fixture
def assignment(seminar, official_paper, official_passage):
    return assign(seminar, paper=official_paper)


@pytest.fixture
def other_instructor(django_user_model, other_seminar):
    from readings.models import Membership

    user = django_user_model.objects.create_user("other-instructor", password="x-long-password-1")
    Membership.objects.create(seminar=other_seminar, user=user, role="instructor")
    return user


def when(days):
    return (timezone.localtime() + timedelta(days=days)).strftime(DATETIME_FORMAT)


def form_data(**changes):
    data = {"title": "Read the definitions", "instructions": "Find **two** definitions.", "kind": "paper"}
    data.update(opens_at=when(0), due_at=when(7), gate="1")
    data.update(changes)
    return data


# Permissions: every URL, every role.

URLS = ["detail", "new", "edit", "delete"]


def url_of(name, assignment):
    base = f"/seminars/{assignment.seminar.slug}/assignments/"
    suffix = {"new": "new/", "detail": f"{assignment.pk}/", "edit": f"{assignment.pk}/edit/"}
    return base + suffix.get(name, f"{assignment.pk}/delete/")


@pytest.mark.parametrize("name", URLS)
def test_visitors_are_sent_to_sign_in(client, assignment, name):
    response = client.get(url_of(name, assignment))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("who", ["outsider", "other_instructor", "editor"])
@pytest.mark.parametrize("name", URLS)
def test_people_outside_the_seminar_find_nothing(client, request, assignment, name, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(url_of(name, assignment)).status_code == 404
    assert client.post(url_of(name, assignment), form_data()).status_code == (405 if name == "detail" else 404)
    assert Assignment.objects.filter(pk=assignment.pk, title="Week one").exists()


@pytest.mark.parametrize("name", ["new", "edit", "delete"])
def test_students_cannot_create_edit_or_delete(client, student, assignment, name):
    client.force_login(student)
    assert client.get(url_of(name, assignment)).status_code == 404
    assert client.post(url_of(name, assignment), form_data()).status_code == 404
    assert Assignment.objects.get().title == "Week one"


@pytest.mark.parametrize("name", URLS)
def test_the_instructor_reaches_every_page(client, instructor, assignment, name):
    client.force_login(instructor)
    assert client.get(url_of(name, assignment)).status_code == 200


def test_an_instructor_of_another_seminar_cannot_touch_this_ones_assignment_through_their_own_slug(
    client, other_instructor, assignment, other_seminar
):
    client.force_login(other_instructor)
    url = f"/seminars/{other_seminar.slug}/assignments/{assignment.pk}/"
    for suffix in ("", "edit/", "delete/"):
        assert client.get(url + suffix).status_code == 404
    assert client.post(url + "delete/").status_code == 404
    assert Assignment.objects.filter(pk=assignment.pk).exists()


def test_a_student_reads_an_open_assignment_of_their_seminar_but_not_one_yet_to_open(
    client, student, instructor, seminar, official_paper, official_passage
):
    opened = assign(seminar, paper=official_paper)
    later = assign(seminar, title="Later", paper=official_paper, opens=2, due=9)
    client.force_login(student)
    assert client.get(url_of("detail", opened)).status_code == 200
    assert client.get(url_of("detail", later)).status_code == 404
    assert "Later" not in client.get("/seminars/spring/").content.decode()

    client.force_login(instructor)
    page = client.get("/seminars/spring/").content.decode()
    assert client.get(url_of("detail", later)).status_code == 200
    assert "Later" in page and "Not open yet" in page


# Creating, editing, deleting.


def test_an_instructor_creates_an_assignment_on_a_paper(client, instructor, seminar, official_paper):
    client.force_login(instructor)
    response = client.post("/seminars/spring/assignments/new/", form_data(paper=official_paper.pk, theme="9"))

    assignment = Assignment.objects.get()
    assert response.status_code == 302 and response["Location"] == assignment.get_absolute_url()
    assert (assignment.kind, assignment.paper, assignment.theme, assignment.gate) == ("paper", official_paper, None, 1)
    assert assignment.instructions_html == "<p>Find <strong>two</strong> definitions.</p>"
    assert assignment.created_by == instructor and assignment.seminar == seminar
    assert assignment.due_at - assignment.opens_at == timedelta(days=7)


def test_an_instructor_assigns_chosen_sections_and_a_theme(
    client, instructor, seminar, official_paper, critical_paper, official_passage, critical_passage, theme
):
    client.force_login(instructor)
    form = client.get("/seminars/spring/assignments/new/").content.decode()
    assert "<legend>[An Official Paper]</legend>" in form and 'name="sections"' in form

    sections = Section.objects.order_by("pk")
    client.post(
        "/seminars/spring/assignments/new/",
        form_data(kind="sections", sections=[s.pk for s in sections], paper=official_paper.pk),
    )
    client.post("/seminars/spring/assignments/new/", form_data(kind="theme", theme=theme.pk, title="Theme"))

    by_sections, by_theme = Assignment.objects.order_by("pk")
    assert by_sections.paper is None and set(by_sections.sections.all()) == set(sections)
    assert set(by_sections.passages()) == set(official_paper.passages.all()) | set(critical_paper.passages.all())
    assert by_theme.theme == theme and not by_theme.sections.exists()


def test_editing_keeps_only_the_chosen_kinds_reading(client, instructor, seminar, official_paper, official_passage):
    assignment = assign(seminar, sections=[official_passage.section])
    client.force_login(instructor)

    response = client.post(url_of("edit", assignment), form_data(paper=official_paper.pk, title="Renamed"))

    assert response.status_code == 302
    assignment.refresh_from_db()
    assert (assignment.title, assignment.kind, assignment.paper) == ("Renamed", "paper", official_paper)
    assert not assignment.sections.exists()
    form = client.get(url_of("edit", assignment)).content.decode()
    assert 'value="Renamed"' in form


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"due_at": when(-1)}, "due_at", "The due date must come after the opening date."),
        ({"kind": "paper"}, "paper", "Choose a paper to read."),
        ({"kind": "sections"}, "sections", "Choose the sections to read."),
        ({"kind": "theme", "theme": "12345"}, "theme", "Select a valid choice."),
        ({"gate": str(GATE_MAX + 1)}, "gate", f"less than or equal to {GATE_MAX}"),
        ({"gate": "-1"}, "gate", "greater than or equal to 0"),
        ({"title": "x" * 201}, "title", "at most 200 characters"),
        ({"instructions": "x" * 10_001}, "instructions", "at most 10000 characters"),
        ({"kind": "novel"}, "kind", "Select a valid choice."),
        ({"opens_at": "tomorrow"}, "opens_at", "Enter a valid date/time."),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    client, instructor, seminar, official_paper, changes, field, message
):
    client.force_login(instructor)
    data = form_data(**({"paper": official_paper.pk} | changes))
    if field in ("paper",):
        data.pop("paper")
    response = client.post("/seminars/spring/assignments/new/", data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert message.replace("'", "&#x27;") in response.content.decode()
    assert not Assignment.objects.exists()


def test_themes_offered_are_public_published_ones_and_the_seminars_own(
    client, instructor, seminar, other_seminar, theme
):
    Theme.objects.create(slug="draft", title="A draft", question="?", order=2)
    own = Theme.objects.create(slug="own", title="Our own", question="?", order=3, seminar=seminar)
    theirs = Theme.objects.create(
        slug="theirs", title="Theirs", question="?", order=4, seminar=other_seminar, is_published=True
    )
    client.force_login(instructor)

    form = client.get("/seminars/spring/assignments/new/").content.decode()
    response = client.post("/seminars/spring/assignments/new/", form_data(kind="theme", theme=theirs.pk))

    assert "Definitions" in form and "Our own" in form and "A draft" not in form and "Theirs" not in form
    assert response.status_code == 400
    assert client.post("/seminars/spring/assignments/new/", form_data(kind="theme", theme=own.pk)).status_code == 302


def test_an_archived_seminar_takes_no_new_or_changed_assignments(client, instructor, seminar, assignment):
    seminar.archived_at = timezone.now()
    seminar.save()
    client.force_login(instructor)

    assert client.get("/seminars/spring/assignments/new/").status_code == 403
    assert client.post("/seminars/spring/assignments/new/", form_data()).status_code == 403
    assert client.post(url_of("delete", assignment)).status_code == 403
    assert client.get(url_of("detail", assignment)).status_code == 200  # still readable
    assert "New assignment" not in client.get("/seminars/spring/").content.decode()
    assert Assignment.objects.count() == 1


def test_the_instructor_deletes_an_assignment_after_confirming(client, instructor, assignment):
    client.force_login(instructor)
    assert "Delete the assignment" in client.get(url_of("delete", assignment)).content.decode()

    response = client.post(url_of("delete", assignment))

    assert response.status_code == 302 and response["Location"] == "/seminars/spring/"
    assert not Assignment.objects.exists()


def test_writes_need_the_csrf_token(instructor, seminar, official_paper):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(instructor)

    assert client.post("/seminars/spring/assignments/new/", form_data(paper=official_paper.pk)).status_code == 403


# What members see.


def test_the_seminar_page_groups_assignments_due_soon_upcoming_and_past(client, student, seminar, official_paper):
    assign(seminar, title="Close at hand", paper=official_paper, due=2)
    assign(seminar, title="Later on", paper=official_paper, due=20)
    assign(seminar, title="Over", paper=official_paper, opens=-9, due=-2)
    client.force_login(student)

    page = client.get("/seminars/spring/").content.decode()
    page = page[page.index('id="assignments"') :]

    assert page.index("Due soon") < page.index("Close at hand") < page.index("Upcoming") < page.index("Later on")
    assert page.index("Later on") < page.index("Past") < page.index("Over")
    assert "late work is accepted, marked late" in page
    assert "New assignment" not in page


def test_the_header_names_each_seminars_next_due_assignment(client, student, seminar, official_paper):
    assign(seminar, title="Second", paper=official_paper, due=5)
    assign(seminar, title="First due", paper=official_paper, due=2)
    assign(seminar, title="Not open", paper=official_paper, opens=1, due=1.5)
    assign(seminar, title="Over", paper=official_paper, opens=-9, due=-2)
    client.force_login(student)

    page = client.get("/notebook/").content.decode()

    assert "Next due: <a" in page and "First due" in page
    assert "Second" not in page and "Not open" not in page and "Over" not in page


def test_the_header_costs_no_query_more_with_assignments(client, student, seminar, other_seminar, official_paper):
    from readings.models import Membership

    Membership.objects.create(seminar=other_seminar, user=student)
    client.force_login(student)
    before = queries(client, "/settings/")
    for s in (seminar, other_seminar):
        assign(s, paper=official_paper)
        assign(s, title="Two", paper=official_paper, due=4)

    assert queries(client, "/settings/") == before


def test_the_assignment_page_shows_dates_instructions_the_reading_and_progress(
    client, student, classmate, seminar, official_paper, official_passage, note
):
    assignment = assign(seminar, paper=official_paper, gate=2)
    note(student, official_passage, "Mine.", seminar=seminar, quote="Official", start=4, end=12)
    client.force_login(student)

    page = client.get(url_of("detail", assignment)).content.decode()

    assert "<h1>Week one</h1>" in page and "<p>Read <em>closely</em>.</p>" in page
    assert "You have shared 1 of the 2 annotations this assignment asks before you see others." in page
    assert 'class="highlight highlight-own"' in page
    assert official_passage.get_absolute_url() in page
    assert "Late" not in page


def test_a_theme_assignment_shows_the_themes_contrasts_with_highlights(
    client, student, seminar, theme, contrast, official_passage, critical_passage, note, classmate
):
    assignment = assign(seminar, theme=theme)
    note(classmate, critical_passage, "Theirs.", seminar=seminar, quote="Critical", start=2, end=10)
    client.force_login(student)

    page = client.get(url_of("detail", assignment)).content.decode()

    assert "Two views" in page and "Contrast 1 of 1." in page
    assert 'class="highlight highlight-others"' in page


def test_a_whole_paper_is_read_a_page_at_a_time(client, student, seminar, official_paper):
    section = Section.objects.create(paper=official_paper, key="body", title="Body", ordinal=1)
    for i in range(1, READING_PAGE_SIZE + 6):
        section.passages.create(ordinal=i, text=f"Paragraph number {i} of the body.")
    assignment = assign(seminar, paper=official_paper)
    client.force_login(student)

    first = client.get(url_of("detail", assignment)).content.decode()
    second = client.get(url_of("detail", assignment), {"page": 2}).content.decode()

    assert f"Paragraph number {READING_PAGE_SIZE} of" in first and f"number {READING_PAGE_SIZE + 1} of" not in first
    assert f"Paragraph number {READING_PAGE_SIZE + 5} of" in second
    assert client.get(url_of("detail", assignment), {"page": "x"}).status_code == 200


def test_notes_after_the_due_date_are_marked_late_for_the_instructor(
    client, instructor, student, seminar, official_paper, official_passage, note
):
    assignment = assign(seminar, paper=official_paper, opens=-9, due=-2)
    on_time = note(student, official_passage, "On time.", seminar=seminar)
    late = note(student, official_passage, "Late.", seminar=seminar)
    type(on_time).objects.filter(pk=on_time.pk).update(created=timezone.now() - timedelta(days=3))
    client.force_login(instructor)

    page = client.get(url_of("detail", assignment)).content.decode()

    assert page.count('<span class="label late">Late</span>') == 1
    assert page.index("Late</span>") < page.index(f"#annotation-{late.pk}") < page.index(f"#annotation-{on_time.pk}")
    assert "2 notes and replies" in page


# Query counts.


def queries(client, url):
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_seminar_page_costs_the_same_for_one_assignment_and_many(client, student, seminar, official_paper, theme):
    client.force_login(student)
    assign(seminar, paper=official_paper)
    one = queries(client, "/seminars/spring/")
    for i in range(20):
        assign(seminar, title=f"A{i}", theme=theme, gate=2, due=i - 10 if i % 2 else i + 1, opens=-12)

    assert queries(client, "/seminars/spring/") == one
    assert one <= 18


@pytest.mark.parametrize("who", ["student", "instructor"])
def test_the_assignment_page_costs_the_same_for_few_notes_and_many(
    client, request, who, classmate, seminar, official_paper, official_passage, note
):
    user = request.getfixturevalue(who)
    section = official_passage.section
    for i in range(3, 60):
        section.passages.create(ordinal=i, text=f"Paragraph {i}.")
    assignment = assign(seminar, paper=official_paper, gate=1)
    client.force_login(user)
    note(user, official_passage, "Mine.", seminar=seminar)
    few = queries(client, url_of("detail", assignment))
    for passage in section.passages.all():
        note(classmate, passage, "Theirs.", seminar=seminar, quote="Paragraph", start=0, end=9, tags=["t"])
        note(user, passage, "Mine again.", seminar=seminar)

    assert queries(client, url_of("detail", assignment)) == few
    assert few <= 18


def test_a_student_cannot_reach_another_seminars_assignment_through_their_own_slug(
    client, student, other_seminar, official_paper
):
    theirs = assign(other_seminar, paper=official_paper)
    client.force_login(student)

    assert client.get(f"/seminars/spring/assignments/{theirs.pk}/").status_code == 404
    assert client.get(url_of("detail", theirs)).status_code == 404
    assert "Week one" not in client.get("/seminars/spring/").content.decode()


def test_a_theme_reading_is_its_published_contrasts_only(seminar, contrast, official_paper):
    from readings.models import Contrast, Section

    section = Section.objects.create(paper=official_paper, key="later", title="Later", ordinal=2)
    unpublished = section.passages.create(ordinal=1, text="Not yet part of the reading.")
    draft = Contrast.objects.create(theme=contrast.theme, order=2, title="Draft")
    draft.contrast_passages.create(passage=unpublished, side="official")
    week = assign(seminar, theme=contrast.theme)
    reading = set(week.passages())
    assert reading == set(contrast.passages.all())
    assert unpublished not in reading


def test_the_assignment_page_labels_paragraphs_by_section_not_by_key(client, student, seminar, official_paper):
    from readings.models import Section

    section = Section.objects.create(paper=official_paper, key="4-3", number="4.3", title="Competitiveness", ordinal=5)
    section.passages.create(ordinal=1, text="A numbered section's paragraph.")
    week = assign(seminar, paper=official_paper)
    client.force_login(student)
    html = client.get(week.get_absolute_url()).content.decode()
    assert "4.3, ¶1" in html and "¶ 4-3.1" not in html
