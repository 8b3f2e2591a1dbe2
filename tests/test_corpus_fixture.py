"""The `corpus` fixture: loaded once per session, yet every test sees it as shipped, whatever ran before.

The tests come in pairs, in file order: the first spoils something, the second must not see it.
"""

import pytest
from django.db import connection

from readings import counterpoints, term_index
from readings.models import Paper, Passage, Theme

pytestmark = pytest.mark.django_db

ZYZZYVA = "A zyzzyva, then another zyzzyva: a weevil named in no paper on cultural soft power or security."
SHIPPED = {"papers": 5, "passages": 180, "themes": 10}


def counts():
    return {"papers": Paper.objects.count(), "passages": Passage.objects.count(), "themes": Theme.objects.count()}


def test_a_test_may_delete_corpus_papers_and_themes(corpus):
    Theme.objects.all().delete()  # their contrasts protect the passages they quote
    edney = Passage.objects.filter(paper__slug="edney-2015").count()
    Paper.objects.filter(slug="edney-2015").delete()
    assert counts() == {"papers": 4, "passages": SHIPPED["passages"] - edney, "themes": 0}


def test_the_next_test_has_all_of_it_back(corpus):
    assert counts() == SHIPPED


def test_an_edit_that_sends_no_signal_reaches_the_indexes_built_in_its_test(corpus):
    # update() sends no signal and raises no content version: the indexes' key is the same as before.
    Passage.objects.filter(pk=Passage.objects.filter(kind="body", lang="").first().pk).update(text=ZYZZYVA)
    assert "zyzzyva" in term_index.get_index().scores
    assert "zyzzyva" in counterpoints.current_index().term_weight


def test_the_next_test_indexes_the_shipped_text(corpus):
    assert "zyzzyva" not in term_index.get_index().scores
    assert "zyzzyva" not in counterpoints.current_index().term_weight


def test_a_test_without_the_corpus_sees_an_empty_database(official_paper):
    assert list(Paper.objects.all()) == [official_paper]


@pytest.mark.django_db(transaction=True)
def test_a_test_that_commits_gets_a_corpus_of_its_own_outside_any_transaction(corpus):
    assert not connection.in_atomic_block
    assert counts() == SHIPPED
