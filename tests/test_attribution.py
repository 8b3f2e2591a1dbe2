"""Every passage label identifies its paper: by author and year, or, with no author named, by short title."""

import pytest

from readings.models import Paper, Section, Stance
from readings.models.corpus import shortened

pytestmark = pytest.mark.django_db


def test_a_paper_without_an_author_is_not_called_anonymous(official_paper):
    assert official_paper.short_citation == "[Author not named], [An Official Paper]"
    assert official_paper.author_label == "[Author not named]"


def test_a_paper_with_authors_is_cited_by_author_and_year(critical_paper):
    assert critical_paper.short_citation == "A. Critic (2015)"


def test_a_long_supplied_title_is_cut_at_its_colon_or_at_a_word():
    promoting = Paper(
        title="Promoting China’s Cultural Soft Power: Current Situation, Problems and Countermeasures",
        title_supplied=True,
        stance=Stance.OFFICIAL,
    )
    assert promoting.short_citation == "[Author not named], [Promoting China’s Cultural Soft Power…]"
    role = Paper(title="The Role of Cultural Soft Power in International Communication", stance=Stance.OFFICIAL)
    assert role.brief_title == "The Role of Cultural Soft Power…"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Short", "Short"),
        (
            "Opening up a New Mode of Socialist Development with Chinese Characteristics",
            "Opening up a New Mode of Socialist…",
        ),
        ("To Strengthen the Reform of the Political System", "To Strengthen the Reform…"),
        ("A" * 90, "A" * 40 + "…"),
    ],
)
def test_shortened_cuts_at_a_word_and_drops_trailing_small_words(text, expected):
    assert shortened(text, 40) == expected


def test_paragraph_labels_show_the_section_number_or_short_title_not_its_key(client, official_paper):
    long_title = "Opening up a New Mode of Socialist Development with Chinese Characteristics"
    section = Section.objects.create(
        paper=official_paper,
        key="opening-up-a-new-mode-of-socialist-development-with-chinese-",
        title=long_title,
        ordinal=1,
    )
    section.passages.create(ordinal=1, text="A passage.")
    numbered = Section.objects.create(paper=official_paper, key="4-3", number="4.3", title="Competitiveness", ordinal=2)
    numbered.passages.create(ordinal=2, text="Another passage.")
    html = client.get(official_paper.get_absolute_url()).content.decode()
    assert "Opening up a New Mode of Socialist…, ¶1" in html
    assert "4.3, ¶2" in html
    assert "¶ opening-up" not in html and "¶ 4-3" not in html
    # The stable key stays in the permalink.
    assert f'href="/papers/official/{section.key}/1/"' in html


def test_theme_pages_give_critical_passages_their_author_and_year(client, contrast):
    html = client.get(contrast.theme.get_absolute_url()).content.decode()
    assert "A. Critic, <a" in html and "[Author not named], <a" in html


def test_counterpoints_and_the_command_line_name_the_paper(client, three_passages):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("counterparts", three_passages[0].text[:40], "--top", "3", stdout=out)
    assert "Anonymous" not in out.getvalue()
    assert "[Author not named], [An Official Paper]" in out.getvalue()
