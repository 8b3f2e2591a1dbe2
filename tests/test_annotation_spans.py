"""A span annotated is a span of the passage: offsets and quote checked against its text before anything is written."""

import pytest

from readings.models import Annotation

pytestmark = pytest.mark.django_db

TEXT = "An Official Paper passage 1."  # official_passage's text, 28 characters


def annotate(client, passage, **span):
    return client.post(f"{passage.get_absolute_url()}annotations/", {"body": "A note.", **span})


@pytest.mark.parametrize(
    ("span", "error"),
    [
        ({"quote": "passage 1.", "start": 18, "end": 10_000}, "outside the passage"),
        ({"quote": "passage 1.", "start": 18, "end": 10**20}, "outside the passage"),
        ({"start": 0, "end": 29}, "outside the passage"),
        ({"start": 40, "end": 50}, "outside the passage"),
        ({"quote": "An", "start": -1, "end": 1}, "outside the passage"),
        ({"quote": "Official", "start": 10, "end": 3}, "outside the passage"),
        ({"start": 5, "end": 5}, "outside the passage"),
        ({"start": 2, "end": 3}, "no words"),
        ({"quote": "Official", "start": 3}, "both"),
        ({"end": 11}, "both"),
        ({"quote": "Official", "start": 0, "end": 8}, "not the words at"),
    ],
)
def test_a_span_that_is_not_in_the_passage_is_refused(client, student, official_passage, span, error):
    assert official_passage.text == TEXT
    client.force_login(student)
    response = annotate(client, official_passage, **span)
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Annotation.objects.exists()


@pytest.mark.parametrize(
    ("span", "stored"),
    [
        ({"quote": "passage 1.", "start": 18, "end": 28}, ("passage 1.", 18, 28)),
        ({"quote": "Official Paper"}, ("Official Paper", 3, 17)),
        ({"start": 3, "end": 11}, ("Official", 3, 11)),
        ({"quote": " Official ", "start": 2, "end": 12}, ("Official", 3, 11)),
        ({"start": 0, "end": 28}, (TEXT, 0, 28)),
        ({}, ("", None, None)),
    ],
)
def test_a_span_of_the_passage_is_stored_where_it_is(client, student, official_passage, span, stored):
    client.force_login(student)
    assert annotate(client, official_passage, **span).status_code == 302
    annotation = Annotation.objects.get()
    assert (annotation.quote, annotation.start, annotation.end) == stored
