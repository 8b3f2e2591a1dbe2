"""Tests for readings.ingest.citations: garbled superscript citation markers."""

import re
from collections import Counter
from pathlib import Path

import pytest

from readings.ingest.citations import repair_citation_markers

ROOT = Path(__file__).resolve().parent.parent

SOURCES = ROOT / "fixtures" / "sources"


def paragraphs_of(name):
    text = (SOURCES / name).read_text(encoding="utf-8")
    blocks = (" ".join(line.strip() for line in block.splitlines()).strip() for block in text.split("\n\n"))
    return [block for block in blocks if block]


def repair_one(text, vocabulary=None):
    repaired, interventions = repair_citation_markers([text], vocabulary)
    return repaired[0], interventions


# Debris shapes


def test_run_of_exclamation_marks_before_spaced_full_stop():
    assert repair_one("grasp it more accurately!!! . There are")[0] == "grasp it more accurately[1]. There are"


def test_exclamation_and_question_mark():
    assert repair_one("i.e. humanized nature!? . Culture")[0] == "i.e. humanized nature[1]. Culture"


def test_glued_stray_letter_is_removed_when_only_the_shorter_word_is_known():
    text = "Culture is tied to nature. It is global in naturel® . Horizontally"
    assert repair_one(text)[0] == "Culture is tied to nature. It is global in nature[1]. Horizontally"


def test_glued_letter_is_kept_when_the_longer_word_is_known():
    text = "An animal® . Another animal."
    assert repair_one(text, Counter({"animal": 2, "anima": 1}))[0] == "An animal[1]. Another animal."


def test_glued_letter_is_kept_when_the_shorter_word_is_unknown():
    assert repair_one("It is national® .")[0] == "It is national[1]."


def test_apostrophe_and_trademark_sign():
    assert repair_one("nations and cultures'™ .")[0] == "nations and cultures[1]."


def test_marker_after_closing_quote_keeps_the_quote():
    text = 'a derivative concept of "soft power"! . Therefore'
    assert repair_one(text)[0] == 'a derivative concept of "soft power"[1]. Therefore'


def test_registered_sign():
    assert repair_one("comprehensive national power® . In a")[0] == "comprehensive national power[1]. In a"


def test_unmatched_closing_curly_quote_is_debris():
    assert repair_one("goals and emotional affinity!” .")[0] == "goals and emotional affinity[1]."


def test_exclamation_and_registered_sign():
    assert repair_one("certain positive effects!® .")[0] == "certain positive effects[1]."


def test_marker_printed_after_the_full_stop():
    assert repair_one("in the wave of globalization .[%!")[0] == "in the wave of globalization.[1]"


def test_run_with_percent_sign():
    assert repair_one("to survive and develop!'%! . The three")[0] == "to survive and develop[1]. The three"


def test_exclamation_apostrophe_exclamation():
    assert repair_one("accelerated by external forces!'! .")[0] == "accelerated by external forces[1]."


def test_long_run_of_marks():
    assert repair_one("rich cultural resources!!?! .")[0] == "rich cultural resources[1]."


def test_bar_at_paragraph_end_is_read_as_closing_bracket():
    assert repair_one("comprehensive national power!!? |")[0] == "comprehensive national power[1]"


def test_bar_at_paragraph_end_is_explained():
    reason = repair_one("comprehensive national power!!? |")[1][0].reason
    assert "closing bracket" in reason and "no punctuation was added" in reason


def test_letter_inside_the_run():
    assert repair_one("the centripetal force of the country'¥l .")[0] == "the centripetal force of the country[1]."


def test_exclamation_and_apostrophe():
    assert repair_one("the top priority of international competition!' .")[0] == (
        "the top priority of international competition[1]."
    )


def test_marker_before_a_comma():
    assert repair_one("as Smith argues!!! , culture")[0] == "as Smith argues[1], culture"


# Interventions


def test_intervention_records_the_debris_and_its_replacement():
    (intervention,) = repair_one("grasp it more accurately!!! . There")[1]
    assert (intervention.kind, intervention.index, intervention.original, intervention.replacement) == (
        "citation",
        0,
        "accurately!!! .",
        "accurately[1].",
    )


def test_intervention_reason_names_the_new_number():
    (intervention,) = repair_one("grasp it more accurately!!! . There")[1]
    assert intervention.reason == "Superscript citation marker garbled by OCR; renumbered in sequence as [1]."


def test_intervention_index_is_the_paragraph_position():
    _, interventions = repair_citation_markers(["Clean.", "Also clean.", "Debris here!!! ."])
    assert [i.index for i in interventions] == [2]


def test_one_intervention_per_marker():
    _, interventions = repair_citation_markers(["one!!! . two!? .", "three® ."])
    assert len(interventions) == 3


# Numbering


def test_markers_are_numbered_in_reading_order_within_a_paragraph():
    assert repair_one("First!!! . Second!? . Third® .")[0] == "First[1]. Second[2]. Third[3]."


def test_numbering_continues_across_paragraphs():
    repaired, _ = repair_citation_markers(["First!!! .", "No markers here.", "Second!? ."])
    assert repaired == ["First[1].", "No markers here.", "Second[2]."]


def test_numbering_continues_after_clean_markers():
    repaired, _ = repair_citation_markers(["social development[1]. More[2].", "Then debris!!! ."])
    assert repaired[1] == "Then debris[3]."


def test_numbering_interleaves_clean_and_garbled_markers():
    repaired, _ = repair_citation_markers(["A[1]. B!!! . C[3]. D!? ."])
    assert repaired == ["A[1]. B[2]. C[3]. D[4]."]


def test_recited_clean_marker_adds_no_number():
    repaired, _ = repair_citation_markers(["A[1]. B[2].", "Again A[1].", "New!!! ."])
    assert repaired[2] == "New[3]."


def test_clean_range_and_page_markers_count():
    repaired, _ = repair_citation_markers(["As shown [3-7] and [8, p.14].", "Then!!! ."])
    assert repaired[1] == "Then[9]."


def test_clean_markers_are_left_untouched():
    paragraphs = ["social development[1]. Therefore", "soft power. [2]", "ends with a marker[3]"]
    assert repair_citation_markers(paragraphs)[0] == paragraphs


# No change


@pytest.mark.parametrize(
    "text",
    [
        "a hard battle if its hard power is not good; if it has no soft power, it may not lose. .",
        'it emphasizes that culture is "soft power". "On the other hand, it emphasizes',
        "What? ! he said.",
        'He asked, "Why?" , and left.',
        'He shouted "Stop!" .',
        "as argued before (Nye, 2011).",
        "in 2019 the share rose to 68%.",
        "the share rose to 68% .",
        "the Chinese side uses the term [18, p.7]. In this context",
        "Help!",
        "Really?!",
        "a | b | c",
        "the players' .",
        "Figurel Structure of comprehensive national power",
        "the U.S.' policy",
    ],
)
def test_ordinary_text_is_unchanged(text):
    assert repair_one(text) == (text, [])


@pytest.mark.parametrize(
    "name",
    [
        "000_27bf2747fc2c4668.txt",
        "001_2013097223545d8d.txt",
        "003_f1a8a0360ac7a881.txt",
        "004_a31db7b051f64615.txt",
    ],
)
def test_sources_without_garbled_markers_are_unchanged(name):
    paragraphs = paragraphs_of(name)
    assert repair_citation_markers(paragraphs) == (paragraphs, [])


# The real paper

EXPECTED_002 = [
    "accurately[1].",
    "nature[2].",
    "nature[3].",
    "cultures[4].",
    'power"[5].',
    "power[6].",
    "affinity[7].",
    "effects[8].",
    "globalization.[9]",
    "develop[10].",
    "forces[11].",
    "resources[12].",
    "power[13]",
    "country[14].",
    "competition[15].",
]


def test_002_markers_are_renumbered_in_order_after_the_expected_words():
    _, interventions = repair_citation_markers(paragraphs_of("002_6aedd3a5501b463d.txt"))
    assert [i.replacement for i in interventions] == EXPECTED_002


def test_002_repaired_text_has_markers_in_reading_order():
    repaired, _ = repair_citation_markers(paragraphs_of("002_6aedd3a5501b463d.txt"))
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", "\n".join(repaired))]
    assert numbers == list(range(1, 16))


def test_002_repaired_text_contains_each_replacement():
    repaired = "\n".join(repair_citation_markers(paragraphs_of("002_6aedd3a5501b463d.txt"))[0])
    assert all(expected in repaired for expected in EXPECTED_002)


def test_002_bar_marker_ends_its_paragraph():
    repaired, _ = repair_citation_markers(paragraphs_of("002_6aedd3a5501b463d.txt"))
    assert any(p.endswith("comprehensive national power[13]") for p in repaired)


@pytest.mark.parametrize("debris", ["®", "™", "¥", "!!", "!?", "'%", " ."])
def test_002_no_debris_remains(debris):
    repaired = "\n".join(repair_citation_markers(paragraphs_of("002_6aedd3a5501b463d.txt"))[0])
    assert debris not in repaired


def test_002_keeps_its_paragraph_count():
    paragraphs = paragraphs_of("002_6aedd3a5501b463d.txt")
    assert len(repair_citation_markers(paragraphs)[0]) == len(paragraphs)


def test_002_changes_only_the_markers():
    paragraphs = paragraphs_of("002_6aedd3a5501b463d.txt")
    repaired, interventions = repair_citation_markers(paragraphs)
    restored = list(repaired)
    for intervention in reversed(interventions):
        text = restored[intervention.index]
        at = text.rindex(intervention.replacement)
        restored[intervention.index] = text[:at] + intervention.original + text[at + len(intervention.replacement) :]
    assert restored == paragraphs
