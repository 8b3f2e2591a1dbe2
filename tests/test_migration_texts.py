"""Migration 0017 (texts) run for real, from 0016, on a small database: schema and re-alignment together."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("readings", "0016_pdf")]
AFTER = [("readings", "0017_texts")]
HEAD = "It is moving China toward the shared goal of national ‘rejuvenation’."
TAIL = "Although national cohesion is a concept that is rather nebulous and difficult to assess."


@pytest.mark.django_db(transaction=True)
def test_migrating_from_0016_splits_the_paragraph_and_moves_the_note_on_its_second_half():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    paper = old.get_model("readings", "Paper").objects.create(
        slug="edney-2015", title="Regime Security", stance="critical"
    )
    section = old.get_model("readings", "Section").objects.create(
        paper=paper, key="national-security-regime-security-and-soft-power", title="National security", ordinal=1
    )
    Passage = old.get_model("readings", "Passage")
    run_together = Passage.objects.create(paper=paper, section=section, ordinal=1, text=f"{HEAD} {TAIL}")
    after = Passage.objects.create(paper=paper, section=section, ordinal=2, text="The next paragraph.")
    reader = old.get_model("auth", "User").objects.create(username="reader")
    start = run_together.text.index("national cohesion")
    note = old.get_model("readings", "Annotation").objects.create(
        passage=run_together, author=reader, quote="national cohesion", start=start, end=start + 17, body="A note."
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps

    passages = new.get_model("readings", "Passage").objects.filter(section_id=section.pk).order_by("ordinal")
    assert [(p.ordinal, p.text) for p in passages] == [(1, HEAD), (2, TAIL), (3, "The next paragraph.")]
    moved = new.get_model("readings", "Annotation").objects.get(pk=note.pk)
    assert moved.passage.text[moved.start : moved.end] == "national cohesion"
    redirect = new.get_model("readings", "PassageRedirect").objects.get()
    assert (redirect.section_key, redirect.ordinal, redirect.passage_id) == (section.key, 2, after.pk)
