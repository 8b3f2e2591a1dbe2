"""The ten starter themes: complete contrasts over the whole corpus, quoting only what is there."""

import re

import pytest

from readings.models import Contrast, Paper, Stance, Theme

pytestmark = pytest.mark.django_db

QUOTATION = re.compile(r"“([^”]+)”")
NESTED_QUOTES = str.maketrans({"‘": '"', "’": '"', "“": '"', "”": '"'})


def comparable(text):
    # A quotation nested in commentary turns the source's double quotes into single ones;
    # apostrophes must still match the source exactly, so only quotation marks are folded.
    return re.sub(r"(?<=\w)’(?=\w)", "\x00", text).translate(NESTED_QUOTES).replace("\x00", "’")


def test_ten_published_themes_in_order(corpus):
    themes = Theme.objects.published()
    assert [t.order for t in themes] == list(range(1, 11))
    assert all(t.question.endswith("?") and t.introduction_html for t in themes)


def test_every_theme_has_at_least_three_contrasts_with_both_sides(corpus):
    for theme in Theme.objects.all():
        contrasts = list(theme.contrasts.all())
        assert len(contrasts) >= 3, theme.slug
        for contrast in contrasts:
            sides = {
                cp.side: cp.passage.paper.stance for cp in contrast.contrast_passages.select_related("passage__paper")
            }
            assert set(sides) == {Stance.OFFICIAL, Stance.CRITICAL}, (theme.slug, contrast.order)
            assert contrast.commentary_html, (theme.slug, contrast.order)


def test_every_paper_is_used_by_some_theme(corpus):
    used = set(Paper.objects.filter(passages__contrast_passages__isnull=False).values_list("slug", flat=True))
    assert used == set(Paper.objects.values_list("slug", flat=True))


def test_commentary_quotes_only_words_of_its_passages(corpus):
    for contrast in Contrast.objects.prefetch_related("passages"):
        texts = comparable(" ".join(p.text for p in contrast.passages.all()))
        for quoted in QUOTATION.findall(contrast.commentary):
            quoted = comparable(quoted.rstrip(",."))
            if len(quoted.split()) >= 3:
                # A quotation may begin mid-sentence in lower case where the source has a capital.
                assert quoted in texts or quoted[0].upper() + quoted[1:] in texts, (
                    contrast.theme.slug,
                    contrast.order,
                    quoted,
                )
