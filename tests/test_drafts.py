"""Drafts and seminar themes: who reads them, who edits them, and publishing as a deliberate act."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError

from readings.models import Contrast, Passage, Theme
from tests.conftest import PASSWORD, member

pytestmark = pytest.mark.django_db

DRAFT_BANNER = "<strong>Draft:</strong> readers do not see this"


@pytest.fixture
def theme_editor(django_user_model):
    """An editor given the theme permissions by hand, in the Editors group: edits the public themes."""
    user = django_user_model.objects.create_user("curator", password=PASSWORD, is_staff=True)
    editors = Group.objects.get_or_create(name="Editors")[0]
    editors.permissions.set(
        Permission.objects.filter(
            content_type__app_label="readings", codename__regex=r"^(add|change|delete|view)_(theme|contrast)"
        )
    )
    user.groups.add(editors)
    return django_user_model.objects.get(pk=user.pk)


@pytest.fixture
def other_instructor(django_user_model, other_seminar):
    return member(django_user_model, other_seminar, "other-instructor", role="instructor")


def second_passages():
    """The second passage of each paper (the fixtures make two each): a contrast of their own."""
    return Passage.objects.get(paper__slug="official", ordinal=2), Passage.objects.get(
        paper__slug="critical", ordinal=2
    )


@pytest.fixture
def draft_contrast(contrast):
    """A draft contrast in the published theme, on passages no published contrast quotes."""
    official, critical = second_passages()
    draft = Contrast.objects.create(theme=contrast.theme, order=2, title="Unfinished pairing", commentary="Wip.")
    draft.set_sides([official], [critical])
    return draft


def make_theme(slug, order, *, seminar=None, published=True, contrast_published=True):
    theme = Theme.objects.create(slug=slug, title=slug.title(), question="Why?", order=order, seminar=seminar)
    official, critical = second_passages()
    contrast = Contrast.objects.create(theme=theme, order=1, title=f"{slug} pair", is_published=contrast_published)
    contrast.set_sides([official], [critical])
    if published:
        Theme.objects.filter(pk=theme.pk).update(is_published=True)
        theme.refresh_from_db()
    return theme


@pytest.fixture
def draft_theme(contrast):
    return make_theme("drafting", 2, published=False, contrast_published=False)


@pytest.fixture
def seminar_theme(contrast, seminar):
    return make_theme("spring-only", 3, seminar=seminar)


def login(client, request, who):
    if who != "anonymous":
        client.force_login(request.getfixturevalue(who))


READER_PAGES = [
    "/",
    "/themes/",
    "/map/",
    "/api/themes/",
    "/api/corpus.json",
    "/papers/official/",
    "/papers/official/intro/2/",
    "/search/?q=passage",
]

# Everyone who may not edit a public draft: the instructor edits only their own seminar's themes.
NOT_EDITORS = ["anonymous", "student", "outsider", "instructor", "editor"]


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_a_draft_theme_is_nowhere_for_readers(client, request, draft_theme, who):
    login(client, request, who)
    slug = draft_theme.slug
    for url in [f"/themes/{slug}/", f"/themes/{slug}/contrasts/1/", f"/themes/{slug}/handout.md"]:
        assert client.get(url).status_code == 404, url
    for url in [f"/themes/{slug}/export.json", f"/api/themes/{slug}/"]:
        assert client.get(url).status_code == 404, url
    for url in READER_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Drafting" not in response.content.decode(), url


@pytest.mark.parametrize("who", NOT_EDITORS)
def test_a_draft_contrast_is_nowhere_for_readers(client, request, draft_contrast, who):
    login(client, request, who)
    theme = draft_contrast.theme
    page = client.get(theme.get_absolute_url()).content.decode()
    assert "Two views" in page and "Unfinished pairing" not in page
    assert "Contrast 1 of 1." in page
    assert client.get(f"/themes/{theme.slug}/contrasts/2/").status_code == 404
    assert "Unfinished pairing" not in client.get(f"/themes/{theme.slug}/handout.md").content.decode()
    exported = client.get(f"/themes/{theme.slug}/export.json").json()
    assert [c["title"] for c in exported["contrasts"]] == ["Two views"]
    assert [c["title"] for c in client.get(f"/api/themes/{theme.slug}/").json()["contrasts"]] == ["Two views"]
    # The draft's passages are in no theme yet: not on the passage page, the paper page or the map.
    assert "In themes" not in client.get("/papers/official/intro/2/").content.decode()
    assert 'class="theme-link"' in client.get("/papers/official/").content.decode()  # the published one's
    assert client.get("/papers/official/").content.decode().count('class="theme-link"') == 1
    assert client.get("/search/?q=passage+2&theme=definitions").context["results"].total == 0


def test_editors_see_drafts_with_the_banner(client, theme_editor, draft_theme, draft_contrast):
    client.force_login(theme_editor)
    page = client.get(draft_theme.get_absolute_url()).content.decode()
    assert DRAFT_BANNER in page
    assert client.get(f"/themes/{draft_theme.slug}/export.json").status_code == 200
    published = client.get(draft_contrast.theme.get_absolute_url()).content.decode()
    assert "Unfinished pairing" in published and "Contrast 2 of 2." in published
    assert published.count(DRAFT_BANNER) == 1  # on the draft contrast, not on the published theme
    one = client.get(f"/themes/{draft_contrast.theme.slug}/contrasts/2/").content.decode()
    assert DRAFT_BANNER in one
    assert "Draft</span>" in client.get("/themes/").content.decode()


def test_readers_see_no_banner(client, student, contrast):
    assert DRAFT_BANNER not in client.get(contrast.theme.get_absolute_url()).content.decode()


@pytest.mark.parametrize(("who", "status"), [("student", 200), ("instructor", 200), ("outsider", 404)])
def test_a_seminar_theme_is_read_by_its_members_only(client, request, seminar_theme, who, status):
    client.force_login(request.getfixturevalue(who))
    assert client.get(seminar_theme.get_absolute_url()).status_code == status
    assert client.get(f"/api/themes/{seminar_theme.slug}/").status_code == status
    listed = client.get("/themes/").content.decode()
    assert ("Spring-Only" in listed) == (status == 200)
    assert "Definitions" in listed  # next to the public ones


@pytest.mark.parametrize("who", ["anonymous", "editor", "theme_editor"])
def test_a_seminar_theme_is_hidden_from_everyone_else(client, request, seminar_theme, who):
    login(client, request, who)
    assert client.get(seminar_theme.get_absolute_url()).status_code == 404
    assert "Spring-Only" not in client.get("/").content.decode()


def test_instructors_preview_their_seminars_drafts_only(client, instructor, other_instructor, seminar, contrast):
    draft = make_theme("spring-draft", 4, seminar=seminar, published=False, contrast_published=False)
    client.force_login(instructor)
    page = client.get(draft.get_absolute_url()).content.decode()
    assert DRAFT_BANNER in page
    client.force_login(other_instructor)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_the_one_at_a_time_link_starts_at_the_first_readable_contrast(client, theme_editor, contrast):
    theme = make_theme("late-start", 5)
    Contrast.objects.filter(theme=theme).update(order=3)
    assert f'href="/themes/{theme.slug}/contrasts/3/"' in client.get(theme.get_absolute_url()).content.decode()
    empty = Theme.objects.create(slug="empty", title="Empty", question="?", order=6)
    client.force_login(theme_editor)
    page = client.get(empty.get_absolute_url()).content.decode()
    assert "Read one contrast at a time" not in page


# Publishing.


def test_the_model_refuses_to_publish_an_empty_theme(contrast):
    theme = Theme(slug="bare", title="Bare", question="?", order=9, is_published=True)
    with pytest.raises(ValidationError, match="at least one published contrast"):
        theme.full_clean()
    theme.is_published = False
    theme.save()
    Contrast.objects.create(theme=theme, order=1, title="Not yet")
    theme.is_published = True
    with pytest.raises(ValidationError, match="at least one published contrast"):
        theme.full_clean()


def test_the_model_refuses_to_unpublish_the_last_published_contrast(contrast, draft_contrast):
    contrast.is_published = False
    with pytest.raises(ValidationError, match="last published contrast"):
        contrast.full_clean()
    draft_contrast.is_published = True
    draft_contrast.save()
    contrast.full_clean()  # another is published now


def theme_form(**fields):
    return {
        "title": "Fresh",
        "slug": "fresh",
        "question": "What now?",
        "introduction": "",
        "order": 20,
        "contrasts-TOTAL_FORMS": "0",
        "contrasts-INITIAL_FORMS": "0",
        "contrasts-MIN_NUM_FORMS": "0",
        "contrasts-MAX_NUM_FORMS": "1000",
        **fields,
    }


def test_the_admin_refuses_to_publish_an_empty_theme(client, theme_editor, contrast):
    client.force_login(theme_editor)
    response = client.post("/admin/readings/theme/add/", theme_form(is_published="on"))
    assert response.status_code == 200
    assert "at least one published contrast" in response.content.decode()
    assert not Theme.objects.filter(slug="fresh").exists()


def test_save_and_continue_editing_keeps_a_draft(client, theme_editor, contrast):
    client.force_login(theme_editor)
    response = client.post("/admin/readings/theme/add/", theme_form(_continue="Save and continue editing"))
    assert response.status_code == 302
    fresh = Theme.objects.get(slug="fresh")
    assert fresh.is_published is False
    Contrast.objects.create(theme=fresh, order=1, title="Ready", is_published=True)
    client.post(f"/admin/readings/theme/{fresh.pk}/change/", theme_form(_continue="Save and continue editing"))
    assert Theme.objects.get(pk=fresh.pk).is_published is False


def test_the_publish_action_publishes_only_themes_with_a_published_contrast(client, theme_editor, draft_theme):
    ready = make_theme("ready", 7, published=False)
    client.force_login(theme_editor)
    response = client.post(
        "/admin/readings/theme/",
        {"action": "publish_themes", "_selected_action": [draft_theme.pk, ready.pk]},
        follow=True,
    )
    assert "Not published: “Drafting”" in response.content.decode()
    assert set(Theme.objects.published().values_list("slug", flat=True)) == {"definitions", "ready"}


def test_the_unpublish_action_keeps_the_last_published_contrast(client, theme_editor, contrast, draft_contrast):
    client.force_login(theme_editor)
    client.post("/admin/readings/contrast/", {"action": "publish_contrasts", "_selected_action": [draft_contrast.pk]})
    client.post(
        "/admin/readings/contrast/",
        {"action": "unpublish_contrasts", "_selected_action": [contrast.pk, draft_contrast.pk]},
    )
    assert set(Contrast.objects.filter(is_published=True)) == {contrast, draft_contrast}
    client.post("/admin/readings/contrast/", {"action": "unpublish_contrasts", "_selected_action": [contrast.pk]})
    assert set(Contrast.objects.filter(is_published=True)) == {draft_contrast}


def test_deleting_the_last_published_contrast_takes_the_theme_back_to_draft(client, theme_editor, contrast):
    client.force_login(theme_editor)
    response = client.post(f"/admin/readings/contrast/{contrast.pk}/delete/", {"post": "yes"}, follow=True)
    assert "went back to draft" in response.content.decode()
    assert Theme.objects.get(pk=contrast.theme_id).is_published is False


# Who edits what in the admin.


def test_an_instructor_cannot_touch_the_public_themes(client, instructor, contrast):
    client.force_login(instructor)
    theme = contrast.theme
    assert client.get(f"/admin/readings/theme/{theme.pk}/change/").status_code == 403
    assert client.post(f"/admin/readings/theme/{theme.pk}/change/", theme_form()).status_code == 403
    assert client.post(f"/admin/readings/theme/{theme.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/readings/contrast/{contrast.pk}/change/").status_code == 403
    assert client.post(f"/admin/readings/contrast/{contrast.pk}/delete/", {"post": "yes"}).status_code == 403
    assert "Definitions" not in client.get("/admin/readings/theme/").content.decode()
    client.post("/admin/readings/theme/", {"action": "delete_selected", "_selected_action": [theme.pk], "post": "yes"})
    assert Theme.objects.filter(pk=theme.pk, title="Definitions").exists()


def test_an_instructor_edits_and_creates_their_seminars_themes_only(
    client, instructor, seminar, other_seminar, seminar_theme
):
    client.force_login(instructor)
    assert client.get(f"/admin/readings/theme/{seminar_theme.pk}/change/").status_code == 200
    assert "Spring-Only" in client.get("/admin/readings/theme/").content.decode()
    # No public theme (the seminar is required), none for a seminar they do not instruct.
    for seminar_field in ["", other_seminar.pk]:
        response = client.post("/admin/readings/theme/add/", theme_form(seminar=seminar_field))
        assert response.status_code == 200
    assert not Theme.objects.filter(slug="fresh").exists()
    assert client.post("/admin/readings/theme/add/", theme_form(seminar=seminar.pk)).status_code == 302
    assert Theme.objects.get(slug="fresh").seminar == seminar


def test_an_instructor_of_another_seminar_cannot_touch_its_themes(client, other_instructor, seminar_theme):
    client.force_login(other_instructor)
    assert client.get(f"/admin/readings/theme/{seminar_theme.pk}/change/").status_code == 403
    contrast = seminar_theme.contrasts.get()
    assert client.get(f"/admin/readings/contrast/{contrast.pk}/change/").status_code == 403


def test_an_editor_edits_the_public_themes_not_the_seminars(client, theme_editor, contrast, seminar_theme):
    client.force_login(theme_editor)
    theme = contrast.theme
    assert client.get(f"/admin/readings/theme/{theme.pk}/change/").status_code == 200
    assert client.get(f"/admin/readings/theme/{seminar_theme.pk}/change/").status_code == 403
    response = client.post(f"/admin/readings/theme/{theme.pk}/change/", theme_form(title="Renamed", slug=theme.slug))
    assert response.status_code == 302
    assert Theme.objects.get(pk=theme.pk).title == "Renamed"


def test_a_staff_editor_without_theme_rights_edits_no_theme(client, editor, contrast):
    client.force_login(editor)
    assert client.get(f"/admin/readings/theme/{contrast.theme_id}/change/").status_code == 403


def test_a_superuser_edits_every_theme(client, admin_user_, contrast, seminar_theme):
    client.force_login(admin_user_)
    for theme in [contrast.theme, seminar_theme]:
        assert client.get(f"/admin/readings/theme/{theme.pk}/change/").status_code == 200


# Query counts.


@pytest.mark.parametrize("who", ["anonymous", "student", "theme_editor"])
def test_theme_pages_cost_the_same_queries_with_more_drafts(client, request, draft_contrast, seminar, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    login(client, request, who)
    urls = ["/", "/themes/", "/map/", draft_contrast.theme.get_absolute_url(), "/api/corpus.json"]

    def counts():
        found = {}
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            found[url] = len(queries)
        return found

    before = counts()
    for n in range(3):
        make_theme(f"more-{n}", 30 + n, published=n % 2 == 0, contrast_published=n % 2 == 0)
        make_theme(f"seminar-{n}", 40 + n, seminar=seminar, published=n % 2 == 0)
        Contrast.objects.create(theme=draft_contrast.theme, order=10 + n, title=f"Draft {n}")
    assert counts() == before


def test_the_theme_lists_checkbox_cannot_publish_an_empty_theme(client, theme_editor, contrast):
    empty = Theme.objects.create(slug="empty", title="Empty", question="?", order=6)
    client.force_login(theme_editor)
    data = {"form-TOTAL_FORMS": "1", "form-INITIAL_FORMS": "1", "form-0-id": empty.pk, "form-0-is_published": "on"}
    response = client.post("/admin/readings/theme/?is_published__exact=0", {**data, "_save": "Save"})
    assert "at least one published contrast" in response.content.decode()
    assert Theme.objects.get(pk=empty.pk).is_published is False


def test_the_handout_marks_drafts_for_their_editors(client, theme_editor, draft_contrast):
    client.force_login(theme_editor)
    handout = client.get(f"/themes/{draft_contrast.theme.slug}/handout.md").content.decode()
    assert "## 2. Unfinished pairing (draft: readers do not see this)" in handout


def test_a_theme_is_published_from_its_change_form_by_the_publish_action(client, theme_editor, contrast):
    ready = make_theme("ready", 7, published=False)
    client.force_login(theme_editor)
    url = f"/admin/readings/theme/{ready.pk}/change/"
    assert "Publish this theme" in client.get(url).content.decode()
    client.post(url, {"CHANGE_FORM-action": "publish_themes", "_selected_action": [ready.pk], "index": 0})
    assert Theme.objects.get(pk=ready.pk).is_published is True


def test_the_passage_lists_theme_filter_leaves_out_drafts_of_others(client, instructor, draft_theme):
    make_theme("ready", 7)
    client.force_login(instructor)
    listed = client.get("/admin/readings/passage/").content.decode()
    assert "Definitions" in listed and "Ready" in listed and "Drafting" not in listed


def test_the_theme_form_refuses_to_delete_the_last_published_contrast(client, theme_editor, contrast):
    theme = contrast.theme
    client.force_login(theme_editor)
    form = theme_form(title=theme.title, slug=theme.slug, order=theme.order, is_published="on")
    form.update(
        {
            "contrasts-TOTAL_FORMS": "1",
            "contrasts-INITIAL_FORMS": "1",
            "contrasts-0-id": contrast.pk,
            "contrasts-0-theme": theme.pk,
            "contrasts-0-order": "1",
            "contrasts-0-title": contrast.title,
            "contrasts-0-commentary": contrast.commentary,
            "contrasts-0-DELETE": "on",
        }
    )
    response = client.post(f"/admin/readings/theme/{theme.pk}/change/", form)
    assert response.status_code == 200
    assert "last published contrasts of a published theme" in response.content.decode()
    assert Contrast.objects.filter(pk=contrast.pk).exists()
    del form["is_published"]
    assert client.post(f"/admin/readings/theme/{theme.pk}/change/", form).status_code == 302
    assert not Contrast.objects.filter(pk=contrast.pk).exists()
