"""Paragraph ends in a double-spaced extraction, where blank lines say nothing: the printed width tells."""

from readings.ingest.linewidth import column_width, next_word_would_fit, printed_width
from readings.ingest.plaintext import parse_plain_text
from readings.ingest.types import BODY

# Full printed lines of a justified column, each about as wide as the others.
FULL = [
    "The authorities in Beijing face a range of threats to national cohesion from perceived separatist",
    "movements in Tibet and Xinjiang and from the spread of liberal political ideas among the country’s",
    "youth, and the leadership speaks often of the need to strengthen the ideological work of the Party",
    "in the universities, the media and the arts, where its authority is contested by rival value systems",
    "that circulate freely across borders through the internet and through the cultural products that",
    "reach Chinese audiences from abroad, from films and television dramas to music and popular fiction,",
    "all of which the cultural security literature treats as a danger to the values of the nation and to",
    "the legitimacy of the ruling party, whose claim to govern rests on its success in moving the nation",
    "toward the goal of its rejuvenation and on its standing as the guardian of the national tradition.",
]


def double_spaced(*lines: str) -> str:
    return "\n\n".join(["National security and soft power", *lines]) + "\n"


def bodies(text: str) -> list[str]:
    return [p.text for p in parse_plain_text(text).passages() if p.kind == BODY]


def test_a_sentence_ending_where_the_next_word_would_have_fitted_ends_the_paragraph():
    text = double_spaced(
        *FULL[:3],
        "include ‘the ability to generate compliance by moral example and persuasion’.",
        "Soft power is also relevant to regime security because the soft power of other actors can be a",
        *FULL[3:],
    )
    paragraphs = bodies(text)
    assert len(paragraphs) == 2
    assert paragraphs[0].endswith("moral example and persuasion’.")
    assert paragraphs[1].startswith("Soft power is also relevant")


def test_a_sentence_ending_on_a_full_line_is_a_mere_line_wrap():
    # The line is full: "Although" could not have followed on it, so the break says nothing.
    text = double_spaced(
        *FULL[:3],
        "legitimacy based on its success in moving the country toward the shared goal of its ‘rejuvenation’.",
        "Although national cohesion is a concept that is rather nebulous and difficult to assess, the regular",
        *FULL[3:],
    )
    assert len(bodies(text)) == 1


def test_a_page_break_after_a_short_line_in_mid_sentence_is_not_a_paragraph_end():
    text = double_spaced(
        *FULL[:3],
        "and the leadership, which has",
        " responded by launching a campaign of patriotic education in the schools and of cultural reform in",
        *FULL[3:],
    )
    paper = parse_plain_text(text)
    assert len([p for p in paper.passages() if p.kind == BODY]) == 1
    # Every line of a double-spaced extraction is its own block: only the page start is a page break.
    assert paper.repairs["page_break_joins"] == 1
    assert paper.repairs["spaced_line_wraps_joined"] == len(FULL)


def test_a_short_last_line_without_a_full_stop_is_not_a_paragraph_end():
    text = double_spaced(*FULL[:3], "the Party’s ideological work, as the", "Sixth Plenum put it in 2011,", *FULL[3:])
    assert len(bodies(text)) == 1


def test_printed_width_weighs_wide_letters_more_than_narrow_ones():
    assert printed_width("Although") > printed_width("illicit")
    assert len("Although") == len("illicit") + 1


def test_the_column_is_what_nearly_every_line_reaches_not_the_widest_line():
    wide = "A HEADING SET IN CAPITALS, MUCH WIDER THAN ANY LINE OF THE TEXT IN THIS COLUMN EVER IS"
    assert column_width([*FULL * 4, wide]) < printed_width(wide)
    assert column_width(FULL[:1]) == printed_width(FULL[0])


def test_the_next_word_must_fit_with_room_to_spare():
    column = printed_width("word " * 20)
    assert next_word_would_fit("word " * 10, "Next line", column)
    assert not next_word_would_fit("word " * 19, "Next line", column)
    assert not next_word_would_fit("word", "", column)
