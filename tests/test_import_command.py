"""The import_paper command as an editor uses it: files in, papers out, bad input refused."""

import io

import pytest
from django.core.management import CommandError, call_command

from readings.models import Annotation, Contrast, Paper, Passage, Stance, Theme

pytestmark = pytest.mark.django_db

SOURCE = """ Abstract: This paper studies cultural soft power and what it is said to do for a country.

1. Introduction

Culture is the deep reason of the development of human society and the spiritual foundation of
national survival and development. It is also what this paper studies in some detail here.

2. Cultural Security

Western countries took cultural infiltration as an important means of international competition.
This kind of infiltration of hegemonic culture brings great threat to the cultural security of
developing countries, as the paper argues at length.
"""


@pytest.fixture
def source(tmp_path):
    path = tmp_path / "paper.txt"
    path.write_text(SOURCE, encoding="utf-8")
    return path


def run_import(path, *args):
    call_command("import_paper", str(path), *args, stdout=io.StringIO(), stderr=io.StringIO())


def test_import_builds_sections_and_passages(source):
    run_import(source, "--stance", "official", "--title", "On Cultural Security")
    paper = Paper.objects.get()
    assert paper.display_title == "[On Cultural Security]"
    assert paper.stance == Stance.OFFICIAL
    assert [s.heading for s in paper.sections.order_by("ordinal")] == [
        "Abstract",
        "1 Introduction",
        "2 Cultural Security",
    ]
    assert paper.abstract.startswith("This paper studies cultural soft power")
    assert Passage.objects.get(section__key="2").text.startswith("Western countries took cultural infiltration")


def test_import_records_the_mechanical_repairs_as_a_visible_note(source):
    run_import(source, "--stance", "official", "--title", "On Cultural Security")
    note = Paper.objects.get().editorial_notes.get(kind="repair")
    assert "hard line wraps joined" in note.note


def test_reimport_keeps_passage_keys_contrasts_and_annotations(source, critical_passage, django_user_model):
    run_import(source, "--stance", "official", "--title", "On Cultural Security")
    passage = Passage.objects.get(section__key="2", ordinal=1)
    theme = Theme.objects.create(slug="s", title="Security", question="Q?", order=1, is_published=True)
    contrast = Contrast.objects.create(theme=theme, order=1, is_published=True)
    contrast.set_sides([passage], [critical_passage])
    user = django_user_model.objects.create_user("student", password="a-long-password-1")
    annotation = Annotation.objects.create(passage=passage, author=user, body="Compare Edney.")

    run_import(source, "--stance", "official", "--title", "On Cultural Security")

    again = Passage.objects.get(section__key="2", ordinal=1)
    assert again.pk == passage.pk and again.key == passage.key
    assert list(contrast.passages.filter(paper__stance=Stance.OFFICIAL)) == [again]
    annotation.refresh_from_db()
    assert annotation.passage == again
    assert Paper.objects.filter(stance=Stance.OFFICIAL).count() == 1


def test_reimport_that_would_drop_a_used_passage_is_refused_and_changes_nothing(source, critical_passage):
    run_import(source, "--stance", "official", "--title", "On Cultural Security")
    passage = Passage.objects.get(section__key="2", ordinal=1)
    contrast = Contrast.objects.create(
        theme=Theme.objects.create(slug="s", title="S", question="Q?", order=1), order=1, is_published=True
    )
    contrast.set_sides([passage], [critical_passage])
    before = list(Passage.objects.values_list("pk", "text"))

    source.write_text(SOURCE.split("2. Cultural Security")[0], encoding="utf-8")
    with pytest.raises(CommandError, match="would remove passages"):
        run_import(source, "--stance", "official", "--title", "On Cultural Security")
    assert list(Passage.objects.values_list("pk", "text")) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        ("Culture matters a great deal to the state, the paper says.".encode("utf-16"), "binary"),
        ("Caf\xe9 culture is the deep reason of everything, said the author here.".encode("latin-1"), "not UTF-8"),
        (b"a,b,c\n1,2,3\n4,5,6\n", "no recognisable structure"),
    ],
)
def test_bad_input_gets_a_one_line_error_and_changes_nothing(tmp_path, official_paper, content, message):
    path = tmp_path / "bad.txt"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message) as error:
        run_import(path, "--stance", "official", "--title", "Bad")
    assert "\n" not in str(error.value)
    assert list(Paper.objects.all()) == [official_paper]


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run_import(tmp_path / "nowhere.txt", "--stance", "official")


def test_stance_is_required_for_an_uncurated_file(source):
    with pytest.raises(CommandError, match="--stance is required"):
        run_import(source)


def test_a_title_is_required_when_the_source_prints_none(source):
    with pytest.raises(CommandError, match="prints no title"):
        run_import(source, "--stance", "official")
    assert not Paper.objects.exists()


def test_progress_is_reported_while_importing(source, capsys):
    call_command("import_paper", str(source), "--stance", "critical", "--title", "T")
    err = capsys.readouterr().err
    assert "Writing 3 sections" in err
    assert "3/3 2 Cultural Security" in err


LONG_PARAGRAPH = ("Western countries took cultural infiltration as an important means of competition. " * 260).strip()


def long_source(tmp_path):
    """SOURCE with the paragraph of section 2 made 21,579 characters long, one line as an extraction gives it."""
    path = tmp_path / "long.txt"
    path.write_text(
        SOURCE.split("2. Cultural Security")[0] + "2. Cultural Security\n\n" + LONG_PARAGRAPH, encoding="utf-8"
    )
    return path


def test_a_passage_longer_than_the_cap_is_refused_by_name(tmp_path):
    with pytest.raises(CommandError) as error:
        run_import(long_source(tmp_path), "--stance", "official", "--title", "On Cultural Security")
    message = str(error.value)
    assert "paragraph 1 of section ‘2 Cultural Security’" in message
    assert f"{len(LONG_PARAGRAPH):,} characters" in message and "20,000" in message
    assert not Paper.objects.exists() and not Passage.objects.exists()


def test_a_reimport_with_a_passage_too_long_changes_nothing(source, tmp_path):
    run_import(source, "--stance", "official", "--title", "On Cultural Security")
    before = list(Passage.objects.values_list("pk", "section__key", "ordinal", "text"))
    notes = list(Paper.objects.get().editorial_notes.values_list("pk", "note"))
    source.write_text(long_source(tmp_path).read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(CommandError, match="longer than a passage may be"):
        run_import(source, "--stance", "official", "--title", "On Cultural Security")
    assert list(Passage.objects.values_list("pk", "section__key", "ordinal", "text")) == before
    assert list(Paper.objects.get().editorial_notes.values_list("pk", "note")) == notes
