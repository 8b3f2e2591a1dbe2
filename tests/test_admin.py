"""Curation and moderation in the admin, as editors and instructors use it."""

import pytest

from readings.models import Annotation, Contrast, EditorialNote, Membership, Theme

pytestmark = pytest.mark.django_db


def passage_form(passage, **changes):
    data = {
        "kind": passage.kind,
        "text": passage.text,
        "lang": passage.lang,
        "figure_text": passage.figure_text,
        "correction_note": "",
    }
    return {**data, **changes}


def test_correcting_a_passage_needs_a_reason_and_leaves_a_visible_note(client, admin_user_, official_passage):
    client.force_login(admin_user_)
    url = f"/admin/readings/passage/{official_passage.pk}/change/"
    refused = client.post(url, passage_form(official_passage, text="Corrected text."))
    assert refused.status_code == 200 and "nothing is rewritten silently" in refused.content.decode()
    official_passage.refresh_from_db()
    assert official_passage.text == "An Official Paper passage 1."

    client.post(url, passage_form(official_passage, text="Corrected text.", correction_note="Misprint in the source."))
    note = EditorialNote.objects.get(passage=official_passage, kind="correction")
    assert (note.original, note.replacement, note.note) == (
        "An Official Paper passage 1.",
        "Corrected text.",
        "Misprint in the source.",
    )
    page = client.get(official_passage.paper.get_absolute_url()).content.decode()
    assert "Misprint in the source." in page


@pytest.mark.parametrize("field", ["text", "figure_text"])
def test_a_passage_longer_than_the_cap_is_a_field_error_in_the_admin(client, admin_user_, official_passage, field):
    client.force_login(admin_user_)
    url = f"/admin/readings/passage/{official_passage.pk}/change/"
    too_long = "y" * 20_001
    response = client.post(url, passage_form(official_passage, **{field: too_long}, correction_note="Pasted."))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert list(errors) == [field]
    assert "at most 20000 characters (it has 20001)" in errors[field][0]
    official_passage.refresh_from_db()
    assert getattr(official_passage, field) != too_long
    assert not EditorialNote.objects.filter(kind="correction").exists()


def test_passage_keys_are_read_only_in_the_admin(client, admin_user_, official_passage):
    client.force_login(admin_user_)
    url = f"/admin/readings/passage/{official_passage.pk}/change/"
    client.post(url, {**passage_form(official_passage), "ordinal": 9, "section": 999})
    official_passage.refresh_from_db()
    assert official_passage.ordinal == 1


def test_theme_admin_previews_the_sanitized_introduction(client, admin_user_, contrast):
    client.force_login(admin_user_)
    html = client.get(f"/admin/readings/theme/{contrast.theme.pk}/change/").content.decode()
    assert '<div class="markdown-preview"><p>An <em>intro</em>.</p></div>' in html


def test_contrast_admin_refuses_an_empty_side(client, instructor, seminar, contrast, official_passage):
    Theme.objects.filter(pk=contrast.theme_id).update(seminar=seminar)  # a theme the instructor edits
    client.force_login(instructor)
    data = {
        "theme": contrast.theme.pk,
        "order": 5,
        "title": "New",
        "commentary": "",
        "contrast_passages-TOTAL_FORMS": "1",
        "contrast_passages-INITIAL_FORMS": "0",
        "contrast_passages-MIN_NUM_FORMS": "0",
        "contrast_passages-MAX_NUM_FORMS": "1000",
        "contrast_passages-0-side": "official",
        "contrast_passages-0-passage": official_passage.pk,
        "contrast_passages-0-order": "1",
    }
    response = client.post("/admin/readings/contrast/add/", data)
    assert response.status_code == 200
    assert "at least one critical-analysis passage" in response.content.decode()
    assert not Contrast.objects.filter(order=5).exists()


def test_instructor_builds_a_contrast_in_the_admin(
    client, instructor, seminar, theme, official_passage, critical_passage
):
    Theme.objects.filter(pk=theme.pk).update(seminar=seminar)  # a theme the instructor edits
    client.force_login(instructor)
    data = {
        "theme": theme.pk,
        "order": 1,
        "title": "Built",
        "commentary": "Both *define* it.",
        "contrast_passages-TOTAL_FORMS": "2",
        "contrast_passages-INITIAL_FORMS": "0",
        "contrast_passages-MIN_NUM_FORMS": "0",
        "contrast_passages-MAX_NUM_FORMS": "1000",
        "contrast_passages-0-side": "official",
        "contrast_passages-0-passage": official_passage.pk,
        "contrast_passages-0-order": "1",
        "contrast_passages-1-side": "critical",
        "contrast_passages-1-passage": critical_passage.pk,
        "contrast_passages-1-order": "1",
    }
    assert client.post("/admin/readings/contrast/add/", data).status_code == 302
    contrast = Contrast.objects.get(title="Built")
    assert contrast.commentary_html == "<p>Both <em>define</em> it.</p>"
    assert set(contrast.passages.all()) == {official_passage, critical_passage}


def test_passage_autocomplete_finds_passages_by_their_words(client, instructor, official_passage):
    client.force_login(instructor)
    response = client.get(
        "/admin/autocomplete/",
        {
            "term": "Official Paper passage 1",
            "app_label": "readings",
            "model_name": "contrastpassage",
            "field_name": "passage",
        },
    )
    assert response.status_code == 200
    assert [r["id"] for r in response.json()["results"]] == [str(official_passage.pk)]


def test_moderators_hide_annotations_from_the_reading_room(
    client, admin_user_, student, classmate, seminar, official_passage
):
    note = Annotation.objects.create(
        passage=official_passage, author=student, body="Rude.", visibility="seminar", seminar=seminar
    )
    client.force_login(admin_user_)
    client.post("/admin/readings/annotation/", {"action": "hide", "_selected_action": [note.pk]})
    note.refresh_from_db()
    assert note.is_hidden
    client.force_login(classmate)
    assert "Rude." not in client.get(f"{official_passage.get_absolute_url()}annotations/").content.decode()


def test_adding_an_instructor_to_a_seminar_gives_the_role(client, admin_user_, seminar, django_user_model):
    teacher = django_user_model.objects.create_user("teacher", password="x-long-password-1")
    Membership.objects.create(seminar=seminar, user=teacher, role="instructor")
    teacher.refresh_from_db()
    assert teacher.is_staff and teacher.has_perm("readings.add_theme")
    assert not teacher.has_perm("readings.change_passage")


def test_unpublishing_from_the_theme_list(client, admin_user_, contrast):
    client.force_login(admin_user_)
    theme = contrast.theme
    client.post(
        "/admin/readings/theme/",
        {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": theme.pk, "_save": "Save"},
    )
    assert Theme.objects.get(pk=theme.pk).is_published is False
