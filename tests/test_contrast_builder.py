"""The contrast builder in the admin: preview, suggestions and passage search by side, before any save."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from readings import counterpoints
from readings.models import COMMENTARY_MAX_LENGTH, Passage, Section

pytestmark = pytest.mark.django_db

PREVIEW = "/admin/readings/contrast/builder/preview/"
SUGGESTIONS = "/admin/readings/contrast/builder/suggestions/"
AUTOCOMPLETE = "/admin/autocomplete/"
PASSAGE_BOX = {"app_label": "readings", "model_name": "contrastpassage", "field_name": "passage"}


@pytest.fixture
def curator(editor):
    """An editor of the public themes who may build contrasts (and nothing more than the passage box needs)."""
    from django.contrib.auth.models import Permission

    editor.user_permissions.add(
        *Permission.objects.filter(
            codename__in=[
                "add_contrast",
                "change_contrast",
                "view_contrast",
                "add_contrastpassage",
                "view_theme",
                "change_theme",
            ]
        )
    )
    return type(editor).objects.get(pk=editor.pk)  # fresh: no cached permissions


# Who may use it ----------------------------------------------------------------------------------


def preview(client, text, **extra):
    return client.post(PREVIEW, {"commentary": text}, **extra)


@pytest.mark.parametrize("url", [PREVIEW, SUGGESTIONS])
@pytest.mark.parametrize("who", [None, "student", "outsider"])
def test_people_without_the_admin_are_sent_to_sign_in(client, request, url, who):
    if who:
        client.force_login(request.getfixturevalue(who))
    response = client.post(url) if url == PREVIEW else client.get(url)
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


@pytest.mark.parametrize("url", [PREVIEW, SUGGESTIONS])
def test_staff_who_may_not_build_contrasts_are_refused(client, editor, url):
    client.force_login(editor)  # corrects texts, builds no contrast
    response = client.post(url) if url == PREVIEW else client.get(url)
    assert response.status_code == 403


@pytest.mark.parametrize("who", ["curator", "instructor", "admin_user_"])
def test_contrast_builders_may_use_it(client, request, who):
    client.force_login(request.getfixturevalue(who))
    assert preview(client, "Hello").status_code == 200
    assert client.get(SUGGESTIONS).status_code == 200


def test_the_form_carries_the_builder_panels_and_its_script(client, curator):
    client.force_login(curator)
    page = client.get("/admin/readings/contrast/add/").content.decode()
    assert f'data-url="{PREVIEW}" hidden' in page and f'data-url="{SUGGESTIONS}" hidden' in page
    # After the form's media, so that it sets up the passage boxes autocomplete.js is about to start.
    assert page.index("admin/js/autocomplete.js") < page.index("js/admin-builder.js")
    assert "<script>" not in page


def test_people_who_only_view_a_contrast_get_no_builder(client, editor, contrast):
    from django.contrib.auth.models import Permission

    # change_theme by hand makes them an editor of the public themes, who may open their contrasts.
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_contrast", "view_theme", "change_theme"])
    )
    client.force_login(editor)
    page = client.get(f"/admin/readings/contrast/{contrast.pk}/change/")
    assert page.status_code == 200 and 'id="builder-preview"' not in page.content.decode()


def test_a_saved_contrast_gets_the_builder_too(client, curator, contrast):
    client.force_login(curator)
    page = client.get(f"/admin/readings/contrast/{contrast.pk}/change/").content.decode()
    assert 'id="builder-preview"' in page and 'id="builder-suggestions"' in page


# The commentary preview --------------------------------------------------------------------------


def test_preview_renders_markdown_and_sanitizes_it(client, curator):
    client.force_login(curator)
    response = preview(client, "Both *define* it. <script>alert(1)</script><a href='javascript:x()'>x</a>")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<p>Both <em>define</em> it." in html
    assert "<script" not in html and "javascript:" not in html and "<html" not in html


def test_preview_takes_what_the_field_takes_and_no_more(client, curator):
    client.force_login(curator)
    assert preview(client, "x" * COMMENTARY_MAX_LENGTH).status_code == 200
    refused = preview(client, "x" * (COMMENTARY_MAX_LENGTH + 1))
    assert refused.status_code == 400
    assert f"it may have at most {COMMENTARY_MAX_LENGTH}" in refused.content.decode()


def test_preview_is_a_post_with_the_csrf_token(curator):
    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    assert client.get(PREVIEW, {"commentary": "x"}).status_code == 405
    assert preview(client, "x").status_code == 403  # no token


def test_preview_saves_nothing_and_reads_nothing(client, curator, django_assert_max_num_queries):
    client.force_login(curator)
    with django_assert_max_num_queries(4):  # session, user, and the user's permissions
        assert preview(client, "# A heading").status_code == 200


# Counterpoint suggestions ------------------------------------------------------------------------


def suggestions(client, *ids):
    return client.get(SUGGESTIONS, {"passage": [str(pk) for pk in ids]})


def test_suggestions_offer_passages_of_the_other_stance_to_add(client, curator, infiltration_texts):
    infiltration, confucius = infiltration_texts["official"]
    client.force_login(curator)
    html = suggestions(client, infiltration.pk).content.decode()
    answer = infiltration_texts["critical"][0]
    assert f"For {infiltration.key} (official discourse)" in html
    assert (
        f'data-passage="{answer.pk}"\n        data-side="critical" data-label="{answer}">'
        "Add to the critical analysis side</button>"
    ) in html
    assert confucius.key not in html and 'data-side="official"' not in html


def test_suggestions_mark_passages_already_picked(client, curator, infiltration_texts):
    infiltration, answer = infiltration_texts["official"][0], infiltration_texts["critical"][0]
    client.force_login(curator)
    html = suggestions(client, infiltration.pk, answer.pk).content.decode()
    assert f"For {answer.key} (critical analysis)" in html
    assert html.count("already on this contrast") == 2  # each is the other's best counterpoint
    assert f'data-passage="{answer.pk}"' not in html and f'data-passage="{infiltration.pk}"' not in html


def test_no_passage_picked_explains_what_the_panel_is_for(client, curator):
    client.force_login(curator)
    assert "Pick a passage on either side" in suggestions(client).content.decode()


@pytest.mark.parametrize(
    "values",
    [
        ["abc"],
        ["1", "x"],
        ["-1"],
        ["0"],
        ["1.5"],
        ["٣"],
        [str(2**31)],
        ["9" * 40],
        ["9" * 5_000],
        [str(n) for n in range(1, 22)],
    ],
)
def test_suggestions_refuse_what_is_not_a_short_list_of_ids(client, curator, values):
    client.force_login(curator)
    response = client.get(SUGGESTIONS, {"passage": values})
    assert response.status_code == 400
    assert "at most 20 passages" in response.content.decode()


def test_suggestions_leave_out_passages_that_are_gone(client, curator, infiltration_texts):
    client.force_login(curator)
    response = suggestions(client, 987654, infiltration_texts["official"][0].pk)
    assert response.status_code == 200 and "987654" not in response.content.decode()


def test_suggestion_queries_do_not_grow_with_the_passages_picked(client, curator, infiltration_texts):
    client.force_login(curator)
    counterpoints.current_index()  # built once per process and corpus version, not per request
    counts = []
    for picked in (
        [infiltration_texts["official"][0]],
        infiltration_texts["official"] + infiltration_texts["critical"],
    ):
        with CaptureQueriesContext(connection) as queries:
            assert suggestions(client, *(p.pk for p in picked)).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 7


# The passage box: one stance, opening words first ------------------------------------------------


@pytest.fixture
def soft_power(official_paper, critical_paper):
    """Passages mentioning soft power; the critical one that opens with it comes last in reading order."""
    o = Section.objects.create(paper=official_paper, key="s", title="S", ordinal=1)
    c = Section.objects.create(paper=critical_paper, key="s", title="S", ordinal=1)
    return {
        "official": o.passages.create(ordinal=1, text="Soft power is the power of culture."),
        "critical middle": c.passages.create(ordinal=1, text="Beijing's soft power campaign spends billions."),
        "critical opening": c.passages.create(ordinal=2, text="Soft power, Nye wrote, is attraction."),
    }


def search(client, term, **params):
    response = client.get(AUTOCOMPLETE, {**PASSAGE_BOX, "term": term, **params})
    assert response.status_code == 200
    return [int(result["id"]) for result in response.json()["results"]]


def test_passage_box_searches_the_side_stance_opening_words_first(client, curator, soft_power):
    client.force_login(curator)
    assert search(client, "soft power", stance="critical") == [
        soft_power["critical opening"].pk,
        soft_power["critical middle"].pk,
    ]
    assert search(client, "soft power", stance="official") == [soft_power["official"].pk]


@pytest.mark.parametrize("params", [{}, {"stance": ""}, {"stance": "neutral"}, {"stance": ["critical", "x"] * 3}])
def test_passage_box_without_a_side_searches_both_stances(client, curator, soft_power, params):
    client.force_login(curator)
    found = search(client, "soft power", **params)
    assert set(found) == {p.pk for p in soft_power.values()}
    assert found.index(soft_power["critical middle"].pk) == 2  # the two that open with the words come first


def test_passage_box_labels_results_with_their_keys(client, curator, soft_power):
    client.force_login(curator)
    response = client.get(AUTOCOMPLETE, {**PASSAGE_BOX, "term": "Nye wrote", "stance": "critical"})
    assert response.json()["results"] == [
        {"id": str(soft_power["critical opening"].pk), "text": str(soft_power["critical opening"])}
    ]


def test_passage_box_takes_a_bounded_term(client, curator, soft_power):
    client.force_login(curator)
    with CaptureQueriesContext(connection) as queries:
        assert set(search(client, "soft " * 2_000, stance="critical")) == {
            soft_power["critical opening"].pk,
            soft_power["critical middle"].pk,
        }
    # Each word searched is a condition on every search field: 2,000 of them would be a huge query.
    assert max(len(query["sql"]) for query in queries.captured_queries) < 20_000


def test_passage_box_pages_in_constant_queries(client, curator, critical_paper, django_assert_max_num_queries):
    section = Section.objects.create(paper=critical_paper, key="many", title="Many", ordinal=1)
    Passage.objects.bulk_create(
        Passage(paper=critical_paper, section=section, ordinal=n, text=f"Soft power note {n}.") for n in range(1, 46)
    )
    client.force_login(curator)
    with django_assert_max_num_queries(6):  # session, user, permissions, count, one page with keys
        response = client.get(AUTOCOMPLETE, {**PASSAGE_BOX, "term": "soft", "stance": "critical"})
    assert len(response.json()["results"]) == 20 and response.json()["pagination"] == {"more": True}


def test_passage_list_search_is_as_it_was(client, curator, soft_power):
    client.force_login(curator)
    page = client.get("/admin/readings/passage/", {"q": "soft power"}).content.decode()
    assert all(passage.key in page for passage in soft_power.values())
