"""Tests for readings.ingest.glyphs: text whose characters are a font's glyph numbers."""

from pathlib import Path

import pytest

from readings.ingest.glyphs import GlyphRepair, has_glyph_damage, repair_glyph_ids
from readings.ingest.types import IngestError

ROOT = Path(__file__).resolve().parent.parent

SOURCE_003 = ROOT / "fixtures" / "sources" / "003_f1a8a0360ac7a881.txt"


def in_glyph_blocks(char):
    code = ord(char)
    return 0x0100 <= code <= 0x024F or 0x0300 <= code <= 0x036F or 0x0370 <= code <= 0x03FF


def flat(text):
    """The text with every run of whitespace (line breaks included) as one space."""
    return " ".join(text.split())


# -- synthetic damage: a made-up, order-preserving glyph numbering -------------------------
#
# Not Calibri's: lowercase letters go to U+01D0.. in uneven steps, digits to U+03D0..,
# punctuation into the combining marks. Capitals, spaces, hyphens and newlines pass
# through, except that S and R come out as curly quotes, as real extractors do.

LETTER_CODES = {chr(ord("a") + i): chr(0x01D0 + 2 * i + i // 4) for i in range(26)}
DIGIT_CODES = {str(i): chr(0x03D0 + i) for i in range(10)}
MARK_CODES = {
    ",": "\u0334",
    ";": "\u0335",
    ".": "\u0337",
    "‘": "\u033c",
    "’": "\u033d",
    "“": "\u033e",
    "”": "\u033f",
    "(": "\u0346",
    ")": "\u0347",
}
CAPITAL_STAND_INS = {"S": "“", "R": "‘"}
GLYPHS = {**LETTER_CODES, **DIGIT_CODES, **MARK_CODES, **CAPITAL_STAND_INS}


def encode(text):
    return "".join(GLYPHS.get(c, c) for c in text)


CLEAN = """Public libraries are often described as quiet rooms full of books, but the people who work in them
tell a different story. A modern library is a busy place where children learn to read, where older
readers find company, and where students come to study after school. Researchers who study public
libraries have argued that the library offers something that few other public institutions can offer:
a place that is open to everyone, free of charge, and shaped by the needs of the community around it
(Smith, 2010, p. 45). In the words of one librarian, the library is “the living room of the town”.
Libraries also attract people who would not otherwise meet. A student who comes to use the computers
may meet an older reader who comes for the newspapers, and both may stay for a talk or a film in the
evening. Over time these small meetings build trust between different groups in the town, and the
library becomes a shared space that belongs to no single group (Jones and Brown, 2012). This kind of
influence does not depend on force or money; it depends on the attraction of the services that the
library offers and on the trust that readers place in the people who work there. In Chinese the word
for security is ānquán, and the people of the town say that the library gives them a kind of security.
"""

DAMAGED = """The library’s influence depends on the trust of its readers, and on the services it offers to the
community around it (Smith, 2010, p. 45). Researchers have argued that the people who work in public
libraries build this trust over time, and that a library is ‘a shared space that belongs to everyone’.
Children, students, and older readers meet in the library, and these small meetings are a unique and
organized source of trust between different groups in the town (Jones and Brown, 2012, p. 12).
"""


def synthetic(split_word="influence"):
    """CLEAN, then DAMAGED encoded, except that damage stops halfway through one word."""
    cut = DAMAGED.index(split_word) + len(split_word) // 2
    resume = DAMAGED.index(" ", cut)
    return CLEAN + "\n" + encode(DAMAGED[:cut]) + DAMAGED[cut:resume] + encode(DAMAGED[resume:])


def test_synthetic_damage_is_recovered_exactly():
    text = synthetic()
    assert has_glyph_damage(text)
    repair = repair_glyph_ids(text)
    assert isinstance(repair, GlyphRepair)
    assert repair.text == CLEAN + "\n" + DAMAGED
    assert not any(in_glyph_blocks(c) for c in repair.text if c != "ā")


def test_synthetic_mapping_is_learned_not_given():
    repair = repair_glyph_ids(synthetic())
    for plain in "abcdefghilmnoprstuvwy" + "q" + "z" + "01245" + ",.‘’()":
        assert repair.mapping[GLYPHS[plain]] == plain
    assert repair.mapping["“"] == "S" and repair.mapping["‘"] == "R"
    damaged_part = synthetic()[len(CLEAN) + 1 :]
    assert repair.replaced == sum(c in repair.mapping for c in damaged_part)


def test_rare_letters_come_from_the_glyph_order():
    # 'unique' and 'organized' occur only damaged: q and z are placed by the ordering alone.
    assert "unique" not in CLEAN and "organized" not in CLEAN and "z" not in CLEAN
    repair = repair_glyph_ids(synthetic())
    assert "a unique and\norganized source" in repair.text


def test_clean_stretches_are_untouched():
    text = synthetic()
    repair = repair_glyph_ids(text)
    assert repair.text.startswith(CLEAN)  # its “genuine quotes”, semicolon and ā included
    assert "“the living room of the town”" in repair.text
    assert "ānquán" in repair.text


def test_damage_switching_off_inside_a_word():
    for word in ("influence", "services", "readers"):
        assert repair_glyph_ids(synthetic(word)).text == CLEAN + "\n" + DAMAGED


def test_line_count_is_preserved():
    text = synthetic()
    repair = repair_glyph_ids(text)
    assert repair.text.count("\n") == text.count("\n")
    assert len(repair.text.splitlines()) == len(text.splitlines())
    assert len(repair.text) == len(text)


def test_clean_text_is_returned_unchanged():
    for text in (CLEAN, CLEAN + "\n" + DAMAGED, "", "Ā single stray Ă is no damage."):
        assert not has_glyph_damage(text)
        repair = repair_glyph_ids(text)
        assert repair == GlyphRepair(text=text, mapping={}, replaced=0)


def test_damage_without_clean_text_raises():
    with pytest.raises(IngestError):
        repair_glyph_ids(encode(DAMAGED))


def test_undecodable_symbol_raises_naming_it():
    # A glyph numbered between 'a' and 'b' (an accented variant, say), used once inside a
    # word: the ordering leaves it no letter, and it is no punctuation either.
    stray = "\u01d1"
    assert LETTER_CODES["a"] < stray < LETTER_CODES["b"]
    text = synthetic().replace(encode("public"), encode("pub") + stray + encode("lic"), 1)
    with pytest.raises(IngestError) as caught:
        repair_glyph_ids(text)
    message = str(caught.value)
    assert stray in message and "U+01D1" in message
    assert "\n" not in message


def test_digits_follow_the_glyph_run():
    # 7 occurs nowhere else, but the digits' glyphs form one unbroken run.
    text = synthetic().replace(encode("p. 12)"), encode("p. 17)"))
    assert repair_glyph_ids(text).text.endswith("(Jones and Brown, 2012, p. 17).\n")


def test_has_glyph_damage():
    assert has_glyph_damage("ĚŝůĞŵŵĂ ĂŶĚ ŚĞůƉ CŚŝŶĂ")
    assert not has_glyph_damage("dilemma and help China")
    assert not has_glyph_damage("wénhuà ānquán, Łódź")


# -- the 2015 article in fixtures/sources/003 ----------------------------------------------


@pytest.fixture(scope="module")
def source_003():
    return SOURCE_003.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def repaired_003(source_003):
    return repair_glyph_ids(source_003)


def test_003_no_glyph_characters_remain(repaired_003):
    repair = repaired_003
    assert [c for c in repair.text if in_glyph_blocks(c)] == []


def test_003_lines_and_clean_characters_are_kept(source_003, repaired_003):
    repair = repaired_003
    assert repair.text.count("\n") == source_003.count("\n")
    assert len(repair.text) == len(source_003)
    for before, after in zip(source_003, repair.text, strict=False):
        if before not in repair.mapping:
            assert after == before
        elif in_glyph_blocks(before):
            assert after == repair.mapping[before]


def test_003_mapping(repaired_003):
    repair = repaired_003
    mapping = repair.mapping
    assert "".join(mapping[c] for c in "ĂďĐĚĞĨŐŚŝũŬůŵŶŽƉƋƌƐƚƵǀǁǆǇǌ") == "abcdefghijklmnopqrstuvwxyz"
    assert "".join(mapping[c] for c in "ϬϭϮϯϰϱϲϳϴϵ") == "0123456789"
    assert mapping["\u037e"] == "(" and mapping["Ϳ"] == ")"
    assert mapping["“"] == "S" and mapping["‘"] == "R"
    assert "’" not in mapping  # the one genuine curly apostrophe, in a clean stretch


# Verbatim sentences and phrases from damaged stretches, as the author wrote them.
DAMAGED_PHRASES_003 = [
    "dilemma and help China achieve a ‘peaceful rise’. While this perspective is useful, it overlooks an",
    "Soft power, or ‘the ability to affect others through the co-optive means of framing the agenda,",
    "persuading, and eliciting positive attraction in order to obtain preferred outcomes’ (Nye, 2011, pp. 20-21), "
    "is a popular concept in China.",
    "Regime security generally refers to ‘the condition where governing elites are secure from violent challenges "
    "to their rule’ (Jackson, 2010, p. 187).",
    "The term has been embraced by China’s leaders and is now part of the official lexicon",
    "employ the term ‘cultural soft power’. The Party’s recent cultural reform policies",
    "President Xi Jinping has called the ‘China Dream’ of the great rejuvenation",
    "Indeed, Xi Jinping’s China Dream discourse is intimately related to China’s quest for soft power",
    "the major objective of China’s soft power strategy is to ameliorate the security dilemma",
    "reduce the kind of international fear, particularly in the United States and in China’s regional neighbors, "
    "that might",
    "instability, and the regime’s lack of legitimacy (e.g. Deng, 2009, p. 73; Wang and Lu, 2008, p. 430), the",
    "cultural security in China problematizes Nye’s claim that American and Chinese soft power can be mutually "
    "reinforcing",
    "China’s most complex national security challenges",
    "soft power is ‘primarily utilized to refute the “China threat” thesis, facilitate a better understanding of "
    "China’s domestic socio-economic reality, and persuade the outside world to accept and support China’s rise.’",
    "Rawnsley (2012, p. 126) notes that China’s soft power strategy has been prompted",
    "‘the small state of persons who hold the highest offices … and/or are the elite that effectively command "
    "the machinery",
    "(Job, 1992, p. 15).",
    "pointed out that ‘good law is a prerequisite for good governance’ and that",
    "(see Buzan, 1983, p. 67), the Chinese authorities’ huge investment in the internal security apparatus, "
    "which in recent years has exceeded even China’s military spending (Martina, 2014)",
    "if a country lacks cohesion—even if it is strong in terms of other forms of power—when it faces challenges",
    "‘collapse at the first blow’ (bu kan yi ji) (Yang, 2006).",
    "to eliminate Chinese national cohesion, [and] to confuse our thinking’ (Jiang, 2010, p. 89). Similarly, "
    "Han argues",
    "to ‘“de-Westernise” our understanding of soft power’. This is not simply a matter",
    "in response to globalization; they view the Chinese concepts of a ‘harmonious society’ and ‘China dream’ "
    "in these terms.",
    "The cultural component of China’s 12th Five Year Plan states: ‘Facing increasing global ideological and "
    "cultural struggle",
    "sees this as all being driven by a strategic objective: ‘to destroy our common ideals",
    "(CCP Central Committee and PRC State Council, 2012). The term has appeared",
    "When President and General Secretary Xi Jinping outlined what he called China’s ‘comprehensive national "
    "security perspective’",
    "For example, when China’s National Security Commission was established",
    "(Sun and Wang, 2014, p. 108).",
    "learning from the positive achievements of foreign civilizations (CCP Central Committee and PRC State "
    "Council, 2012).",
    "the key to cultural security in Xinjiang is to ‘vigorously train and enhance Chinese national spirit and "
    "modern spirit’",
    "what could be termed a ‘cultural sovereignty’ element",
]

# Clean stretches whose own semicolons, quotes and brackets are genuine.
CLEAN_PHRASES_003 = [
    "particularly since the early 2000s; one study showed that 68% of",
    "the Chinese concept of 'cultural security' the article",
    "(Glaser and Murphy, 2009; Li, 2009) or its relationship",
    "are also driving China’s soft power project.",
    "the 'Dalai Lama clique', militant Islamic separatists",
    "form of behavior [xingwei fangshi], and social order",
    "(Nye, 2014, p. 22; 2013; 2011, p. 90; Nye and Wang, 2009, p. 22).",
]


@pytest.mark.parametrize("phrase", DAMAGED_PHRASES_003)
def test_003_damaged_phrases_read_as_written(source_003, repaired_003, phrase):
    repair = repaired_003
    decoded = flat(repair.text)
    assert phrase in decoded
    start = decoded.index(phrase)
    original = flat(source_003)[start : start + len(phrase)]
    assert original != phrase  # it really was damaged


@pytest.mark.parametrize("phrase", CLEAN_PHRASES_003)
def test_003_clean_phrases_survive(source_003, repaired_003, phrase):
    repair = repaired_003
    assert phrase in flat(source_003)
    assert phrase in flat(repair.text)
