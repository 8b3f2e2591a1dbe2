"""Tests for readings.ingest.ocr: single-glyph OCR slips in prose."""

from pathlib import Path

import pytest

from readings.ingest.citations import repair_citation_markers
from readings.ingest.ocr import repair_ocr_slips

ROOT = Path(__file__).resolve().parent.parent

SOURCES = ROOT / "fixtures" / "sources"


def paragraphs_of(name):
    text = (SOURCES / name).read_text(encoding="utf-8")
    blocks = (" ".join(line.strip() for line in block.splitlines()).strip() for block in text.split("\n\n"))
    return [block for block in blocks if block]


def repair_one(text):
    repaired, interventions = repair_ocr_slips([text])
    return repaired[0], interventions


# (a) the pronoun I read as a bar


@pytest.mark.parametrize("verb", ["am", "have", "think", "was"])
def test_bar_before_a_verb_becomes_i(verb):
    assert repair_one(f"join the whole human race, | {verb} here")[0] == f"join the whole human race, I {verb} here"


def test_bar_at_paragraph_start():
    assert repair_one("| think so.")[0] == "I think so."


def test_bar_at_sentence_start():
    assert repair_one("He left. | was glad.")[0] == "He left. I was glad."


def test_bar_with_elision():
    assert repair_one("|'m sure of it.")[0] == "I'm sure of it."


def test_two_pronouns_in_one_paragraph():
    assert repair_one("| think, therefore | am.")[0] == "I think, therefore I am."


def test_bar_intervention():
    (intervention,) = repair_one("join the race, | am here")[1]
    assert intervention == type(intervention)(
        kind="ocr",
        index=0,
        original="| am",
        replacement="I am",
        reason="OCR read the pronoun ‘I’ as a vertical bar.",
    )


# (b) a closing quotation mark read as ™ or ®


def test_trademark_sign_closes_an_open_straight_quote():
    text = 'to build the "strategic™ national cultural soft power'
    assert repair_one(text)[0] == 'to build the "strategic" national cultural soft power'


def test_registered_sign_closes_an_open_curly_quote():
    assert repair_one("the “going out® strategy")[0] == "the “going out” strategy"


def test_closing_mark_before_punctuation():
    assert repair_one('the "strategic™, and more')[0] == 'the "strategic", and more'


def test_quote_mark_intervention():
    (intervention,) = repair_one('build the "strategic™ national power')[1]
    assert (intervention.kind, intervention.original, intervention.replacement) == ("ocr", "strategic™", 'strategic"')


def test_quote_mark_reason_is_specific():
    (intervention,) = repair_one('build the "strategic™ national power')[1]
    assert "closing quotation mark" in intervention.reason


def test_intervention_index_is_the_paragraph_position():
    _, interventions = repair_ocr_slips(["Clean.", 'the "strategic™ goal'])
    assert [i.index for i in interventions] == [1]


# No change


@pytest.mark.parametrize(
    "text",
    [
        "a | b | c",
        "x | was | y",
        "| Name | Value |",
        "a|b",
        "the bar | sits here",
        "Windows™ is a trademark.",
        '"Windows™ is a trademark," he said.',
        'the "soft power" concept™ here',
        "nations and cultures[4]. Next",
        'a derivative concept of "soft power"[5]. Therefore',
        "nations and cultures'™ .",
        '"national power® .',
        "I am here.",
    ],
)
def test_ordinary_text_is_unchanged(text):
    assert repair_one(text) == (text, [])


# The real papers


def test_001_gets_exactly_the_two_fixes():
    _, interventions = repair_ocr_slips(paragraphs_of("001_2013097223545d8d.txt"))
    assert [(i.original, i.replacement) for i in interventions] == [("strategic™", 'strategic"'), ("| am", "I am")]


def test_001_fixed_text():
    repaired = "\n".join(repair_ocr_slips(paragraphs_of("001_2013097223545d8d.txt"))[0])
    assert 'build the "strategic" national' in repaired and "human race, I am here" in repaired


def test_001_nothing_else_changes():
    paragraphs = paragraphs_of("001_2013097223545d8d.txt")
    repaired, _ = repair_ocr_slips(paragraphs)
    undone = [p.replace('"strategic"', '"strategic™').replace("race, I am", "race, | am") for p in repaired]
    assert undone == paragraphs


@pytest.mark.parametrize(
    "name",
    [
        "000_27bf2747fc2c4668.txt",
        "002_6aedd3a5501b463d.txt",
        "003_f1a8a0360ac7a881.txt",
        "004_a31db7b051f64615.txt",
    ],
)
def test_other_sources_are_unchanged(name):
    paragraphs = paragraphs_of(name)
    assert repair_ocr_slips(paragraphs) == (paragraphs, [])


def test_002_after_citation_repair_is_unchanged():
    paragraphs = repair_citation_markers(paragraphs_of("002_6aedd3a5501b463d.txt"))[0]
    assert repair_ocr_slips(paragraphs) == (paragraphs, [])
