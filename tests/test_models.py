"""Integrity the database itself guarantees, and the model behaviour other modules rely on."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from readings.models import Annotation, Contrast, ContrastPassage, Paper, Passage, Section, Stance, Theme

pytestmark = pytest.mark.django_db


def test_supplied_title_is_shown_in_square_brackets(official_paper, critical_paper):
    assert official_paper.display_title == "[An Official Paper]"
    assert critical_paper.display_title == "A Critical Paper"


def test_passage_key_is_paper_section_ordinal(official_passage):
    assert official_passage.key == "official/intro/1"
    assert official_passage.get_absolute_url() == "/papers/official/intro/1/"


def test_passage_ordinal_is_unique_within_its_section(official_passage):
    with pytest.raises(IntegrityError), transaction.atomic():
        Passage.objects.create(section=official_passage.section, ordinal=1, text="Again.")


def test_section_key_is_unique_within_its_paper(official_passage):
    with pytest.raises(IntegrityError), transaction.atomic():
        Section.objects.create(paper=official_passage.paper, key="intro", title="Again", ordinal=2)


def test_passage_text_cannot_be_empty(official_passage):
    with pytest.raises(IntegrityError), transaction.atomic():
        Passage.objects.create(section=official_passage.section, ordinal=9, text="")


@pytest.mark.parametrize("field", ["text", "figure_text"])
def test_a_passage_longer_than_the_cap_is_refused_by_the_database(official_passage, field):
    limit = 20_000
    Passage.objects.create(section=official_passage.section, ordinal=8, **{"text": "x", field: "y" * limit})
    with pytest.raises(IntegrityError), transaction.atomic():
        Passage.objects.create(section=official_passage.section, ordinal=9, **{"text": "x", field: "y" * (limit + 1)})
    with pytest.raises(IntegrityError), transaction.atomic():
        Passage.objects.filter(pk=official_passage.pk).update(**{field: "y" * (limit + 1)})


def test_passage_paper_must_be_its_sections_paper(official_passage, critical_paper):
    with pytest.raises(IntegrityError), transaction.atomic():
        Passage.objects.filter(pk=official_passage.pk).update(paper=critical_paper)


def test_contrast_passage_on_the_wrong_side_is_refused_by_the_database(contrast, official_passage):
    with pytest.raises(IntegrityError), transaction.atomic():
        ContrastPassage.objects.create(contrast=contrast, passage=official_passage, side=Stance.CRITICAL, order=5)


def test_changing_a_paper_stance_that_contrasts_rely_on_is_refused(contrast, official_paper):
    official_paper.stance = Stance.CRITICAL
    with pytest.raises(IntegrityError), transaction.atomic():
        official_paper.save()


def test_set_sides_refuses_an_empty_side(theme, official_passage):
    contrast = Contrast.objects.create(theme=theme, order=2, is_published=True)
    with pytest.raises(ValidationError, match="critical-analysis"):
        contrast.set_sides([official_passage], [])
    assert not contrast.contrast_passages.exists()


def test_set_sides_refuses_a_passage_on_the_wrong_side(theme, official_passage, critical_passage):
    contrast = Contrast.objects.create(theme=theme, order=2, is_published=True)
    with pytest.raises(ValidationError, match="is not official"):
        contrast.set_sides([critical_passage], [official_passage])


def test_contrast_order_is_unique_within_a_theme(contrast):
    with pytest.raises(IntegrityError), transaction.atomic():
        Contrast.objects.create(theme=contrast.theme, order=contrast.order, is_published=True)


def test_theme_introduction_is_rendered_and_sanitized_on_save(db):
    theme = Theme.objects.create(
        slug="t",
        title="T",
        question="Q?",
        order=3,
        introduction="*Read* this <script>alert(1)</script> [x](javascript:alert(1))",
    )
    assert "<em>Read</em>" in theme.introduction_html
    assert "<script" not in theme.introduction_html
    assert "javascript:" not in theme.introduction_html


def test_annotation_span_must_run_forwards(official_passage, django_user_model):
    user = django_user_model.objects.create_user("reader", password="a-long-password-1")
    with pytest.raises(IntegrityError), transaction.atomic():
        Annotation.objects.create(passage=official_passage, author=user, body="Note.", start=5, end=5)


def test_passage_natural_key_round_trips(official_passage):
    found = Passage.objects.get_by_natural_key(*official_passage.natural_key())
    assert found == official_passage


def test_paper_queryset_splits_by_stance(official_paper, critical_paper):
    assert list(Paper.objects.official()) == [official_paper]
    assert list(Paper.objects.critical()) == [critical_paper]


def test_a_shared_note_is_visible_once_to_its_author_and_members_without_distinct(
    django_user_model, seminar, student, classmate, official_passage
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from readings.models import Membership

    for i in range(4):  # a seminar of several members: a join through them would repeat the author's note
        Membership.objects.create(seminar=seminar, user=django_user_model.objects.create_user(f"m{i}"))
    shared = Annotation.objects.create(
        passage=official_passage, author=student, seminar=seminar, visibility="seminar", body="Shared."
    )
    for reader in (student, classmate):
        with CaptureQueriesContext(connection) as queries:
            assert list(Annotation.objects.visible_to(reader)) == [shared]
        assert "DISTINCT" not in queries.captured_queries[-1]["sql"]
