"""The theme map: passages per theme and paper, each count a link, shaded legibly."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from readings.charts import SHADES, contrast_ratio, shade_level
from readings.models import Contrast, Paper, Stance, Theme

pytestmark = pytest.mark.django_db

MAP_URL = reverse("readings:theme-map")


def test_map_counts_match_what_the_contrasts_say(client, corpus):
    response = client.get(MAP_URL)
    assert response.status_code == 200
    rows = response.context["rows"]
    themes = list(Theme.objects.published())
    assert [row["theme"] for row in rows] == themes
    for row in rows:
        expected = {}
        for contrast in row["theme"].contrasts.all():
            for cp in contrast.contrast_passages.select_related("passage"):
                expected.setdefault(cp.passage.paper_id, set()).add(cp.passage_id)
        for cell in row["cells"]:
            assert cell["count"] == len(expected.get(cell["paper"].pk, ())), (row["theme"].slug, cell["paper"].slug)
        assert row["total"] == sum(len(passages) for passages in expected.values())


def test_official_papers_come_first_under_their_own_heading(client, corpus):
    response = client.get(MAP_URL)
    papers = response.context["papers"]
    stances = [p.stance for p in papers]
    assert stances == sorted(stances, key=lambda s: s != Stance.OFFICIAL)
    assert stances.count(Stance.OFFICIAL) == 3 and stances.count(Stance.CRITICAL) == 2
    html = response.content.decode()
    assert html.index('colspan="3" class="stance-head official">Official discourse') < html.index(
        'colspan="2" class="stance-head critical">Critical analysis'
    )


def test_each_count_links_to_the_first_contrast_quoting_that_paper(client, corpus):
    response = client.get(MAP_URL)
    html = response.content.decode()
    for row in response.context["rows"]:
        for cell in row["cells"]:
            if not cell["count"]:
                continue
            href = f"{row['theme'].get_absolute_url()}#contrast-{cell['first_contrast']}"
            assert f'<a href="{href}"' in html
            first = Contrast.objects.get(theme=row["theme"], order=cell["first_contrast"])
            assert first.passages.filter(paper=cell["paper"]).exists()
            earlier = Contrast.objects.filter(theme=row["theme"], order__lt=cell["first_contrast"])
            assert not earlier.filter(passages__paper=cell["paper"]).exists()


def test_numbers_are_printed_not_left_to_colour(client, contrast):
    html = client.get(MAP_URL).content.decode()
    cells = re.findall(r'<td class="number map-cell shade-(\w+)-(\d)">\s*(.*?)\s*</td>', html, re.S)
    assert len(cells) == 2
    for stance, level, content in cells:
        assert (stance, level) in {("official", "5"), ("critical", "5")}
        assert re.match(
            r'<a href="/themes/definitions/#contrast-1" title="1 passage from [^"]+">1<span class="visually-hidden">',
            content,
        )


def test_unpublished_themes_stay_off_the_map(client, contrast, theme):
    theme.is_published = False
    theme.save()
    response = client.get(MAP_URL)
    assert response.context["rows"] == []
    assert "No themes yet." in response.content.decode()


def test_shades_meet_aa_contrast_and_match_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "static" / "css" / "site.css").read_text()
    for stance, pairs in SHADES.items():
        for level, (background, text) in enumerate(pairs):
            assert contrast_ratio(background, text) >= 4.5, (stance, level)
            if level:
                assert f".shade-{stance}-{level} {{ background: {background}; color: {text}; }}" in css


@pytest.mark.parametrize(
    ("count", "largest", "level"),
    [(0, 10, 0), (1, 10, 1), (2, 10, 1), (3, 10, 2), (10, 10, 5), (1, 1, 5), (4, 5, 4), (5, 5, 5)],
)
def test_shade_levels_rise_with_the_count(count, largest, level):
    assert shade_level(count, largest) == level


def map_queries(client):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(MAP_URL).status_code == 200
    return len(queries)


def test_the_map_costs_the_same_queries_however_many_themes(client, contrast, official_passage, critical_passage):
    small = map_queries(client)
    for order in range(2, 8):
        theme = Theme.objects.create(
            slug=f"theme-{order}", title=f"Theme {order}", question="Why?", order=order, is_published=True
        )
        extra = Contrast.objects.create(theme=theme, order=1, title="More", is_published=True)
        extra.set_sides([official_passage], [critical_passage])
    Paper.objects.create(slug="another", title="Another Paper", stance=Stance.CRITICAL)
    assert map_queries(client) == small
