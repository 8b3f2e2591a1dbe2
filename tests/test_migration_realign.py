"""Migration 0014 on a database loaded from the corpus as shipped before issue 14: the keys it leaves
are the new corpus's, readers' notes stay on their words, and every contrast pairs the same text."""

import json
from importlib import import_module
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.apps import apps
from django.conf import settings
from django.core.management import call_command

from readings.models import Annotation, Contrast, ContrastPassage, Passage, PassageRedirect

pytestmark = pytest.mark.django_db

BEFORE = Path(__file__).parent / "data"
migration = import_module("readings.migrations.0017_texts")
OLD_000_KEY = "opening-up-a-new-mode-of-socialist-development-with-chinese-"


@pytest.fixture
def old_corpus(db):
    call_command(
        "loaddata", BEFORE / "corpus-before-issue-14.json.gz", BEFORE / "themes-before-issue-14.json.gz", verbosity=0
    )


def new_corpus_passages():
    records = json.loads((settings.BASE_DIR / "fixtures" / "corpus.json").read_text(encoding="utf-8"))
    return {
        (*r["fields"]["section"], r["fields"]["ordinal"]): r["fields"]["text"]
        for r in records
        if r["model"] == "readings.passage"
    }


def at(key):
    paper, section, ordinal = key.split("/")
    return Passage.objects.get(paper__slug=paper, section__key=section, ordinal=int(ordinal))


def test_the_migration_gives_an_old_database_the_new_keys_contrasts_and_redirects(old_corpus, client):
    # One test for all of it: loading the old corpus is the slow part.
    migration.realign_shipped_papers(apps, None)

    now = {(p.paper.slug, p.section.key, p.ordinal): p.text for p in Passage.objects.select_related("paper", "section")}
    new = new_corpus_passages()
    assert set(now) == set(new)
    for key, text in new.items():
        if key[0] in ("edney-2015", "promoting-cultural-soft-power"):
            assert now[key] == text, key

    # Every contrast pairs the same words as fixtures/themes.json says.
    themes = json.loads((settings.BASE_DIR / "fixtures" / "themes.json").read_text(encoding="utf-8"))
    expected = {
        (*r["fields"]["contrast"], r["fields"]["side"], r["fields"]["order"]): "/".join(
            map(str, r["fields"]["passage"])
        )
        for r in themes
        if r["model"] == "readings.contrastpassage"
    }
    sides = ContrastPassage.objects.select_related("contrast__theme", "passage__paper", "passage__section")
    assert {(cp.contrast.theme.slug, cp.contrast.order, cp.side, cp.order): cp.passage.key for cp in sides} == expected
    assert Contrast.objects.count() == sum(1 for r in themes if r["model"] == "readings.contrast")

    # Old permalinks: a renamed section's key redirects; a key another paragraph holds now explains.
    response = client.get(f"/papers/promoting-cultural-soft-power/{OLD_000_KEY}/3/")
    assert response["Location"] == (
        "/papers/promoting-cultural-soft-power/opening-up-a-new-mode-of-socialist-development-with-chinese/3/"
    )
    # Old ¶8 (cut in two) is ¶9 and ¶10 now; the page at ¶8 says so.
    notice = client.get("/papers/edney-2015/national-security-regime-security-and-soft-power/8/").text
    assert "¶8 of this section was renumbered on" in notice
    assert 'href="/papers/edney-2015/national-security-regime-security-and-soft-power/9/"' in notice
    moved = client.get("/papers/assyl-dauyen-2025/аннотация/4/")["Location"]
    assert unquote(moved) == "/papers/assyl-dauyen-2025/аннотация/1/"


def test_annotations_stay_on_their_words_and_annotated_front_matter_stays_a_passage(old_corpus, student, note):
    run_together = at("edney-2015/national-security-regime-security-and-soft-power/8")
    after = at("edney-2015/cultural-security-in-china/4")
    words = "Soft power is also relevant"
    start = run_together.text.index(words)
    on_second_half = note(student, run_together, quote=words, start=start, end=start + len(words))
    on_next = note(student, after)
    kazakh_title = at("assyl-dauyen-2025/аңдатпа/1")
    note(student, kazakh_title)

    migration.realign_shipped_papers(apps, None)

    on_second_half.refresh_from_db()
    assert on_second_half.passage.key == "edney-2015/national-security-regime-security-and-soft-power/10"
    assert on_second_half.passage.text[on_second_half.start : on_second_half.end] == words
    assert Annotation.objects.get(pk=on_next.pk).passage.key == "edney-2015/cultural-security-in-china/5"
    # A reader's note is never lost to the front matter: that abstract keeps its lines as passages.
    assert at("assyl-dauyen-2025/аңдатпа/1").pk == kazakh_title.pk
    assert at("assyl-dauyen-2025/аннотация/1").text.startswith("Настоящая статья")


def test_a_database_without_the_papers_is_left_alone():
    migration.realign_shipped_papers(apps, None)
    assert not PassageRedirect.objects.exists()
