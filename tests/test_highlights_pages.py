"""Highlights on the reading pages, and threads that keep what others wrote: every role, through the client."""

import re

import pytest

from readings.models import Annotation, AnnotationRevision, Membership, Passage, ReaderSettings

pytestmark = pytest.mark.django_db


def note(passage, author, quote="Paper passage", seminar=None, **fields):
    start = passage.text.find(quote) if quote else None
    return Annotation.objects.create(
        passage=passage,
        author=author,
        quote=quote,
        start=start,
        end=None if start is None else start + len(quote),
        body=fields.pop("body", f"A note by {author}."),
        visibility="seminar" if seminar else "private",
        seminar=seminar,
        **fields,
    )


def marks(html):
    return re.findall(r'<mark class="highlight[^"]*" data-annotations="([\d ]+)"', html)


def page(client, user, url):
    if user:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def notes(official_passage, student, classmate, instructor, seminar):
    return {
        "private": note(official_passage, student, "Official"),
        "shared": note(official_passage, classmate, "Paper passage", seminar=seminar),
        "instructor": note(official_passage, instructor, "passage 1", seminar=seminar),
        "instructor_private": note(official_passage, instructor, "An Official"),
    }


@pytest.mark.parametrize(
    ("who", "seen"),
    [
        ("visitor", set()),
        ("outsider", set()),
        ("student", {"private", "shared", "instructor"}),
        ("classmate", {"shared", "instructor"}),
        ("instructor", {"shared", "instructor", "instructor_private"}),
    ],
)
@pytest.mark.parametrize("where", ["paper", "passage", "section", "theme"])
def test_marks_and_counts_show_only_what_each_reader_may_see(client, request, notes, contrast, who, seen, where):
    user = None if who == "visitor" else request.getfixturevalue(who)
    passage = notes["private"].passage
    url = {
        "paper": passage.paper.get_absolute_url(),
        "passage": passage.get_absolute_url(),
        "section": f"/papers/{passage.paper.slug}/sections/{passage.section.key}/",
        "theme": contrast.theme.get_absolute_url(),
    }[where]
    html = page(client, user, url)
    drawn = {pk for ids in marks(html) for pk in ids.split()}
    assert drawn == {str(notes[name].pk) for name in seen}
    if seen:
        assert f">{len(seen)} note" in html or f"Annotations ({len(seen)})" in html
    else:
        assert "notes-count" not in html


def test_visitors_get_the_same_page_as_before(client, official_passage, student):
    before = client.get(official_passage.paper.get_absolute_url()).content
    note(official_passage, student, "Official")
    assert client.get(official_passage.paper.get_absolute_url()).content == before
    assert b"<mark" not in before


def test_a_quote_that_moved_is_found_again(client, official_passage, student):
    annotation = note(official_passage, student, "passage 1")
    Passage.objects.filter(pk=official_passage.pk).update(text="Corrected: " + official_passage.text)
    html = page(client, student, official_passage.paper.get_absolute_url())
    assert f'data-annotations="{annotation.pk}" data-label="1">passage 1</mark>' in html


def test_an_orphan_is_not_drawn_but_listed_on_its_paragraph(client, official_passage, student):
    annotation = note(official_passage, student, "passage 1")
    Passage.objects.filter(pk=official_passage.pk).update(text="Entirely rewritten, twice rewritten.")
    html = page(client, student, official_passage.get_absolute_url())
    assert "<mark" not in html
    assert ">1 note<" in html
    thread = page(client, student, f"{official_passage.get_absolute_url()}annotations/")
    assert f'id="annotation-{annotation.pk}"' in thread
    assert "no longer matches the text" in thread


def test_overlapping_notes_are_numbered_alike_on_the_marks_and_in_the_thread(client, official_passage, student):
    first = note(official_passage, student, "Official Paper")
    second = note(official_passage, student, "Paper passage")
    html = page(client, student, official_passage.get_absolute_url())
    assert marks(html) == [str(first.pk), f"{first.pk} {second.pk}", str(second.pk)]
    assert 'data-label="1">Paper</mark>' in html and 'data-label="2"> passage</mark>' in html
    assert '<span class="note-number">1</span> Note 1' in html
    assert '<span class="note-number">2</span> Note 2' in html


def test_a_reader_can_hide_other_peoples_highlights_and_it_is_remembered(client, notes, student):
    client.force_login(student)
    url = notes["private"].passage.paper.get_absolute_url()
    response = client.post("/reader/highlights/", {"hide_others": "1", "next": url})
    assert response.status_code == 302 and response["Location"] == url
    assert ReaderSettings.objects.get(user=student).hide_others_highlights
    html = page(client, student, url)
    assert {pk for ids in marks(html) for pk in ids.split()} == {str(notes["private"].pk)}
    assert "Show everyone’s highlights" in html
    client.post("/reader/highlights/", {"hide_others": "0", "next": url})
    assert len({pk for ids in marks(page(client, student, url)) for pk in ids.split()}) == 3


def test_the_highlights_setting_goes_back_only_to_this_site(client, student):
    client.force_login(student)
    response = client.post("/reader/highlights/", {"hide_others": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_visitors_cannot_change_the_highlights_setting(client):
    assert client.post("/reader/highlights/", {"hide_others": "1"}).status_code == 403


def test_a_quote_cannot_inject_markup_into_the_page(client, official_passage, student):
    Passage.objects.filter(pk=official_passage.pk).update(text='Say <script>alert("x")</script> & more.')
    official_passage.refresh_from_db()
    note(official_passage, student, '<script>alert("x")</script>')
    for url in (official_passage.paper.get_absolute_url(), f"{official_passage.get_absolute_url()}annotations/"):
        html = page(client, student, url)
        assert "<script>alert" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
    marked = page(client, student, official_passage.paper.get_absolute_url())
    assert 'data-label="1">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</mark>' in marked


def test_deleting_a_note_with_replies_keeps_the_thread(client, official_passage, student, classmate, seminar):
    parent = note(official_passage, student, "Official", seminar=seminar, body="My words.", version=2)
    AnnotationRevision.objects.create(annotation=parent, version=1, body="Earlier words.", edited_by=student)
    note(official_passage, classmate, "", seminar=seminar, parent=parent, body="A classmate’s reply.")
    client.force_login(student)
    confirm = client.get(f"/annotations/{parent.pk}/delete/").content.decode()
    assert "Its 1 reply stays, under “deleted by its author”" in confirm
    assert client.post(f"/annotations/{parent.pk}/delete/").status_code == 302
    parent.refresh_from_db()
    assert parent.deleted_at and parent.body == "" and parent.body_html == ""
    assert not parent.revisions.exists()
    client.force_login(classmate)
    thread = page(client, None, f"{official_passage.get_absolute_url()}annotations/")
    assert "Deleted by its author." in thread and "A classmate’s reply." in thread
    assert "My words." not in thread
    assert "<mark" not in page(client, None, official_passage.get_absolute_url())


def test_deleting_a_note_without_replies_removes_it(client, official_passage, student):
    annotation = note(official_passage, student, "Official")
    client.force_login(student)
    assert "stay" not in client.get(f"/annotations/{annotation.pk}/delete/").content.decode()
    client.post(f"/annotations/{annotation.pk}/delete/")
    assert not Annotation.objects.exists()


def test_a_deleted_note_cannot_be_edited_deleted_again_or_replied_to(client, official_passage, student, seminar):
    parent = note(official_passage, student, "Official", seminar=seminar)
    note(official_passage, student, "", seminar=seminar, parent=parent)
    client.force_login(student)
    client.post(f"/annotations/{parent.pk}/delete/")
    assert Annotation.objects.filter(pk=parent.pk, deleted_at__isnull=False).exists()
    assert client.get(f"/annotations/{parent.pk}/edit/").status_code == 404
    assert client.post(f"/annotations/{parent.pk}/delete/").status_code == 404
    assert client.post(f"/annotations/{parent.pk}/reply/", {"body": "Hm."}).status_code == 404


def test_the_last_reply_deleted_takes_the_empty_note_with_it(client, official_passage, student, classmate, seminar):
    parent = note(official_passage, student, "Official", seminar=seminar)
    reply = note(official_passage, classmate, "", seminar=seminar, parent=parent)
    client.force_login(student)
    client.post(f"/annotations/{parent.pk}/delete/")
    assert Annotation.objects.count() == 2
    client.force_login(classmate)
    client.post(f"/annotations/{reply.pk}/delete/")
    assert not Annotation.objects.exists()


def test_replies_are_edited_and_deleted_by_their_authors_only(client, official_passage, student, classmate, seminar):
    parent = note(official_passage, student, "Official", seminar=seminar)
    reply = note(official_passage, classmate, "", seminar=seminar, parent=parent, body="First thought.")
    client.force_login(student)
    assert client.post(f"/annotations/{reply.pk}/edit/", {"body": "Hijack", "version": 1}).status_code == 403
    assert client.post(f"/annotations/{reply.pk}/delete/").status_code == 403
    client.force_login(classmate)
    thread = page(client, None, f"{official_passage.get_absolute_url()}annotations/")
    assert f'hx-get="/annotations/{reply.pk}/edit/" hx-target="#annotation-{reply.pk}"' in thread
    response = client.post(f"/annotations/{reply.pk}/edit/", {"body": "Second thought.", "version": 1})
    assert response.status_code == 302
    reply.refresh_from_db()
    assert reply.body == "Second thought." and reply.seminar == seminar
    client.post(f"/annotations/{reply.pk}/delete/")
    assert list(Annotation.objects.all()) == [parent]


def test_an_edit_in_place_answers_with_that_one_note(client, official_passage, student):
    annotation = note(official_passage, student, "Official")
    client.force_login(student)
    response = client.post(
        f"/annotations/{annotation.pk}/edit/", {"body": "Changed.", "version": 1}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith(f'<article class="annotation" id="annotation-{annotation.pk}"')
    assert "Changed." in html and 'class="annotations"' not in html and "<html" not in html
    assert "Note 1" in html


def annotate(client, passage, **data):
    return client.post(f"{passage.get_absolute_url()}annotations/", {"body": "A note.", **data})


def test_share_with_offers_only_me_and_the_writers_own_seminars(client, official_passage, outsider, student):
    client.force_login(student)
    form = client.get(f"{official_passage.get_absolute_url()}annotations/").content.decode()
    options = re.findall(r"<option value=\"(\d*)\"[^>]*>([^<]+)</option>", form)
    assert [name for _, name in options] == ["Only me", "Spring seminar"]
    assert "Autumn seminar" not in form and 'name="visibility"' not in form


def test_share_with_is_remembered_as_the_next_default(client, official_passage, student, seminar):
    client.force_login(student)
    assert annotate(client, official_passage, share_with=seminar.pk).status_code == 302
    saved = Annotation.objects.get()
    assert (saved.visibility, saved.seminar) == ("seminar", seminar)
    assert ReaderSettings.objects.get(user=student).share_with == seminar
    form = client.get(f"{official_passage.get_absolute_url()}annotations/").content.decode()
    assert f'<option value="{seminar.pk}" selected>' in form
    annotate(client, official_passage, share_with="")
    assert Annotation.objects.latest("pk").visibility == "private"
    assert ReaderSettings.objects.get(user=student).share_with is None


def test_share_with_refuses_a_seminar_one_is_not_in(client, official_passage, student, other_seminar):
    client.force_login(student)
    response = annotate(client, official_passage, share_with=other_seminar.pk)
    assert response.status_code == 400
    assert "You can share only with a seminar you are a member of now" in response.content.decode()
    response = annotate(client, official_passage, share_with="not-a-number")
    assert response.status_code == 400
    assert not Annotation.objects.exists()


def test_share_with_refuses_a_seminar_one_has_left(client, official_passage, student, seminar, other_seminar):
    client.force_login(student)
    annotate(client, official_passage, share_with=seminar.pk)
    Membership.objects.create(seminar=other_seminar, user=student, role="student")
    student.memberships.filter(seminar=seminar).delete()
    assert annotate(client, official_passage, share_with=seminar.pk).status_code == 400
    # The remembered seminar is no longer offered: the form falls back to "Only me".
    form = client.get(f"{official_passage.get_absolute_url()}annotations/").content.decode()
    assert '<option value="" selected>Only me</option>' in form
    assert f'<option value="{seminar.pk}"' not in form


def test_the_author_can_change_who_sees_a_note_and_its_replies_follow(
    client, official_passage, student, classmate, seminar
):
    parent = note(official_passage, student, "Official", seminar=seminar)
    reply = note(official_passage, classmate, "", seminar=seminar, parent=parent)
    client.force_login(student)
    edit = client.get(f"/annotations/{parent.pk}/edit/").content.decode()
    assert f'<option value="{seminar.pk}" selected>' in edit
    response = client.post(f"/annotations/{parent.pk}/edit/", {"body": "Now mine.", "version": 1, "share_with": ""})
    assert response.status_code == 302
    parent.refresh_from_db()
    reply.refresh_from_db()
    assert (parent.visibility, parent.seminar, reply.visibility, reply.seminar) == ("private", None, "private", None)
    assert ReaderSettings.objects.get(user=student).share_with is None
    client.force_login(classmate)
    assert 'name="share_with"' not in client.get(f"/annotations/{reply.pk}/edit/").content.decode()
