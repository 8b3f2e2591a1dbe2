"""The plain-text structure parser, one kind of extraction damage at a time."""

import pytest

from readings.ingest.plaintext import parse_plain_text
from readings.ingest.types import BODY, CAPTION, IngestError

WIDTH_LINE = "This line is as long as a full printed line of the page usually is, to set the page width."


def body_texts(paper):
    return [p.text for p in paper.passages() if p.kind == BODY]


def titles(paper):
    return [(s.number, s.title, s.level) for s in paper.sections]


def test_hard_line_wraps_are_joined_into_one_paragraph():
    text = (
        "1. Introduction\n\n"
        "Culture is the deep reason of the development of human society and the spiritual\n"
        "foundation of national survival and development. It is also what this paper studies\n"
        "in some detail.\n"
    )
    paper = parse_plain_text(text)
    assert body_texts(paper) == [
        "Culture is the deep reason of the development of human society and the spiritual foundation of "
        "national survival and development. It is also what this paper studies in some detail."
    ]


def test_blank_line_then_lowercase_is_a_page_break_fragment():
    text = (
        "Introduction\n"
        "Over the past 30 years, China has always adhered to the practical principle, strictly abided\n\n"
        "by its own pace of development and effectively integrated into the international community.\n"
    )
    paper = parse_plain_text(text)
    assert body_texts(paper) == [
        "Over the past 30 years, China has always adhered to the practical principle, strictly abided by its "
        "own pace of development and effectively integrated into the international community."
    ]
    assert paper.repairs["page_break_joins"] == 1


def test_line_starting_with_a_space_continues_across_the_page():
    text = (
        "1. Introduction\n\n"
        "The route that China takes to participate in the globalization process is not an isolated\n"
        " route of one-way development, but a combination of the actual needs of China's rise.\n"
    )
    assert body_texts(parse_plain_text(text)) == [
        "The route that China takes to participate in the globalization process is not an isolated route of "
        "one-way development, but a combination of the actual needs of China's rise."
    ]


def test_new_page_starting_with_a_capital_after_a_full_stop_is_a_new_paragraph():
    text = (
        "1. Introduction\n\n"
        f"{WIDTH_LINE}\n"
        "and it ends here, at the foot of the page, with a sentence that is complete and full.\n"
        " Amid this proliferation of research a consensus has emerged that is the subject of this.\n"
    )
    paragraphs = body_texts(parse_plain_text(text))
    assert len(paragraphs) == 2
    assert paragraphs[1].startswith("Amid this proliferation")


def test_title_case_heading_run_into_its_paragraph_is_split_off():
    text = (
        "Lack of Competitiveness of Cultural Industry\n"
        "Firstly, the concentration and scale of our country's cultural industry is not high. At present,\n"
        "there are many businesses and companies in China's cultural market, but most of them are small.\n"
    )
    paper = parse_plain_text(text)
    assert titles(paper) == [("", "Lack of Competitiveness of Cultural Industry", 1)]
    assert body_texts(paper)[0].startswith("Firstly, the concentration")


def test_numbered_heading_run_into_its_paragraph_is_split_off():
    text = (
        "1. Introduction\n\nSome text that opens the paper and ends here in a sentence.\n\n"
        "2. Role\n2.1 Strengthen national centripetal force\n"
        "The inherent cohesiveness, appeal and affinity based on culture and its values are important features\n"
        "of national cultural soft power.\n"
    )
    paper = parse_plain_text(text)
    assert titles(paper) == [
        ("1", "Introduction", 1),
        ("2", "Role", 1),
        ("2.1", "Strengthen national centripetal force", 2),
    ]
    assert paper.sections[2].passages[0].text.startswith("The inherent cohesiveness")


def test_numbered_heading_after_a_paragraph_without_full_stop_is_still_a_heading():
    text = (
        "1. Introduction\n\nCultural soft power is the cultural resource foundation of cultural soft power\n\n"
        "2. The Significance of Soft Power\n\nWith the development of the times, much has changed.\n"
    )
    assert [s.title for s in parse_plain_text(text).sections] == ["Introduction", "The Significance of Soft Power"]


def test_a_number_that_does_not_continue_the_outline_is_not_a_heading():
    text = (
        "1. Introduction\n\nThe protests numbered many, as the following figure of\n"
        "2011 Chinese Academy estimates shows for the year in question and those after.\n"
    )
    paper = parse_plain_text(text)
    assert [s.title for s in paper.sections] == ["Introduction"]
    assert "2011 Chinese Academy estimates" in body_texts(paper)[0]


def test_heading_wrapped_over_two_lines_is_rejoined():
    text = (
        f"Introduction\n{WIDTH_LINE}\n\n"
        "Insufficient Development of Cultural Market and Low Theoretical Level of Cultural\n"
        "Industry\n\n"
        "China has unlimited cultural resources, which can be said to be a great country of resources.\n"
    )
    paper = parse_plain_text(text)
    assert paper.sections[1].title == (
        "Insufficient Development of Cultural Market and Low Theoretical Level of Cultural Industry"
    )


def test_line_end_hyphenation_is_removed_only_where_the_text_spells_the_word_whole():
    text = (
        "1. Introduction\n\n"
        "International relations matter, and the inter-\n"
        "national order is a three-\n"
        "dimensional thing that shapes international life in many ways.\n"
    )
    paragraph = body_texts(parse_plain_text(text))[0]
    assert "the international order" in paragraph
    assert "three-dimensional" in paragraph


def test_abstract_label_becomes_the_abstract_section():
    text = " Abstract: Studies of soft power abound.\n\n1. Introduction\n\nText of the paper.\n"
    paper = parse_plain_text(text)
    assert paper.sections[0].title == "Abstract"
    assert paper.sections[0].passages[0].text == "Studies of soft power abound."


def test_double_spaced_extraction_uses_line_lengths_not_blank_lines():
    line = "The need to overcome the security dilemma by reducing the fear its rise provokes in others is"
    text = "\n\n".join(
        [
            "Abstract: Studies of Chinese soft power have emphasized its potential to ameliorate the",
            "security dilemma and help China achieve a peaceful rise in the eyes of its neighbours.",
            " ",
            "National security, regime security, and soft power",
            " ",
            line,
            "one of China's most complex national security challenges and the most widely cited reason",
            "for China wanting to increase its soft power.",
            "Regime security generally refers to the condition where governing elites are secure from",
            "violent challenges to their rule.",
        ]
    )
    paper = parse_plain_text(text + "\n")
    assert [s.title for s in paper.sections] == ["Abstract", "National security, regime security, and soft power"]
    assert len(paper.sections[1].passages) == 2
    assert paper.sections[0].passages[0].text.endswith("in the eyes of its neighbours.")


def test_flattened_figure_lines_are_kept_with_the_figure_caption():
    text = (
        "1. Introduction\n\n"
        f"{WIDTH_LINE} The structure is shown in the figure 1 below.\n\n"
        "Soft Power\n\nRole level: Spirituality\n\nHard power\n\n"
        "Figurel Structure of comprehensive national power\n\n"
        f"{WIDTH_LINE}\n"
    )
    paper = parse_plain_text(text)
    caption = next(p for p in paper.passages() if p.kind == CAPTION)
    assert caption.text == "Figure 1 Structure of comprehensive national power"
    assert caption.figure_text == "Soft Power\nRole level: Spirituality\nHard power"
    assert [i.original for i in paper.interventions] == ["Figurel"]
    assert "Soft Power" not in " ".join(body_texts(paper))


def test_flattened_table_lines_follow_the_table_caption():
    text = (
        "1. Introduction\n\n"
        f"{WIDTH_LINE} Indicators are shown in the table 1 below.\n"
        " Table 1 Measurement system\n\nTier 1 Indicators\n\nSecondary Indicators\n\n"
        f"First, improving it matters. {WIDTH_LINE}\n"
    )
    paper = parse_plain_text(text)
    caption = next(p for p in paper.passages() if p.kind == CAPTION)
    assert caption.figure_text == "Tier 1 Indicators\nSecondary Indicators"
    assert body_texts(paper)[-1].startswith("First, improving")


def test_parts_with_subsections_are_level_one():
    text = (
        f"Introduction\n{WIDTH_LINE}\n\n"
        "The Current Situation of Soft Power\nOpening up a New Mode of Development\n\n"
        f"{WIDTH_LINE}\n\nThe Theory of Peaceful Diplomacy\n{WIDTH_LINE}\n"
    )
    assert [(s.title, s.level) for s in parse_plain_text(text).sections] == [
        ("Introduction", 1),
        ("The Current Situation of Soft Power", 1),
        ("Opening up a New Mode of Development", 2),
        ("The Theory of Peaceful Diplomacy", 2),
    ]


@pytest.mark.parametrize("text", ["", "   \n\n  \n"])
def test_empty_text_is_refused(text):
    with pytest.raises(IngestError, match="empty"):
        parse_plain_text(text)


def test_two_trailing_spaces_after_a_full_stop_end_a_paragraph():
    text = (
        "1. Introduction\n\n"
        f"{WIDTH_LINE}\n"
        "and so this long line ends the first paragraph with a sentence that fills the line.  \n"
        "Regime security generally refers to the condition where governing elites are secure.\n"
    )
    paragraphs = body_texts(parse_plain_text(text))
    assert len(paragraphs) == 2
    assert paragraphs[1].startswith("Regime security")


def test_short_line_ending_in_a_colon_introduces_a_block_quotation():
    text = (
        "1. Introduction\n\n"
        f"{WIDTH_LINE}\n"
        "Sun and Wang rebut the claim when they write:\n"
        "As far as developing countries are concerned, this language corresponds to a Western system;\n"
        "it will create a conflict (Sun and Wang, 2014, p. 108).\n"
        "Chinese scholars also warn that anti-China forces threaten cultural security in the region.\n"
    )
    paper = parse_plain_text(text)
    kinds = [(p.kind, p.text[:20]) for p in paper.passages()]
    assert kinds == [("body", WIDTH_LINE[:20]), ("quote", "As far as developing"), ("body", "Chinese scholars als")]
