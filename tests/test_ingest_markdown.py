"""Tests for readings.ingest.markdown_source.parse_markdown_paper."""

from pathlib import Path

import pytest

from readings.ingest.markdown_source import parse_markdown_paper
from readings.ingest.types import BODY, LIST_ITEM, REFERENCE, IngestError

SOURCE_004 = Path(__file__).resolve().parent.parent / "fixtures" / "sources" / "004_a31db7b051f64615.txt"


def section(paper, title):
    return next(s for s in paper.sections if s.title == title)


def texts(sec):
    return [p.text for p in sec.passages]


def doc(*parts):
    return "\n\n".join(parts) + "\n"


# --------------------------------------------------------------------------- synthetic


def test_all_caps_heading_becomes_title_case():
    paper = parse_markdown_paper(doc("## **MATERIALS AND METHODS**", "Text."))
    assert paper.sections[0].title == "Materials and Methods"


def test_mixed_case_heading_kept_and_emphasis_stripped():
    paper = parse_markdown_paper(doc("#### *Literature review*", "Text."))
    assert paper.sections[0].title == "Literature review"


def test_heading_trailing_colon_stripped():
    paper = parse_markdown_paper(doc("## Introduction", "Text.", "#### *References:*", "1. A."))
    assert paper.sections[-1].title == "References"


def test_heading_number_split_off_and_sets_level():
    paper = parse_markdown_paper(doc("## 2 Methods", "Text.", "## 2.1 Data", "More."))
    assert [(s.number, s.title, s.level) for s in paper.sections] == [("2", "Methods", 1), ("2.1", "Data", 2)]


def test_inconsistent_hash_counts_of_conventional_sections_are_all_level_1():
    paper = parse_markdown_paper(
        doc(
            "### **INTRODUCTION**",
            "Text.",
            "#### *Literature review*",
            "Text.",
            "## METHODOLOGY",
            "Text.",
            "#### **ACKNOWLEDGEMENTS**",
            "Text.",
        )
    )
    assert [s.level for s in paper.sections] == [1, 1, 1, 1]


def test_deeper_unconventional_heading_nests_under_open_heading():
    paper = parse_markdown_paper(
        doc(
            "## RESULTS",
            "Text.",
            "#### Survey responses",
            "Text.",
            "#### Interviews",
            "Text.",
            "## DISCUSSION",
            "Text.",
        )
    )
    assert [(s.title, s.level) for s in paper.sections] == [
        ("Results", 1),
        ("Survey responses", 2),
        ("Interviews", 2),
        ("Discussion", 1),
    ]


def test_unconventional_heading_with_no_shallower_predecessor_is_level_1():
    paper = parse_markdown_paper(doc("### Background of the study", "Text.", "## Study area", "Text."))
    assert [s.level for s in paper.sections] == [1, 1]


def test_emphasis_removed_from_passage():
    paper = parse_markdown_paper(doc("## Introduction", "A **bold** and *italic* and ***both*** word."))
    assert texts(paper.sections[0]) == ["A bold and italic and both word."]


def test_link_becomes_its_text():
    paper = parse_markdown_paper(doc("## Introduction", "See [the report](https://x.org/a_b) now."))
    assert texts(paper.sections[0]) == ["See the report now."]


def test_autolink_becomes_url_with_underscores_kept():
    paper = parse_markdown_paper(doc("## Introduction", "URL: <https://x.org/a_b_c_d>"))
    assert texts(paper.sections[0]) == ["URL: https://x.org/a_b_c_d"]


def test_escapes_removed_including_double_backslash_underscore():
    paper = parse_markdown_paper(doc("## Introduction", r"file ifa-2023\\_joffe\\_EN.pdf and 5 \* 3"))
    assert texts(paper.sections[0]) == ["file ifa-2023_joffe_EN.pdf and 5 * 3"]


def test_sup_becomes_plain_digits_in_body():
    paper = parse_markdown_paper(doc("## Introduction", "Area of 10<sup>6</sup> km."))
    assert texts(paper.sections[0]) == ["Area of 106 km."]


def test_citation_markers_left_alone():
    paper = parse_markdown_paper(doc("## Introduction", "As shown [2] and [13, p.2]."))
    assert texts(paper.sections[0]) == ["As shown [2] and [13, p.2]."]


def test_multiline_paragraph_joined_and_whitespace_collapsed():
    paper = parse_markdown_paper("## Introduction\n\nOne   line  \nnext\tline.\n")
    assert texts(paper.sections[0]) == ["One line next line."]


def test_bullet_items_are_list_items_without_marker():
    paper = parse_markdown_paper(doc("## Introduction", "Tasks:", "- first task;\n- second task;", "- third."))
    assert [(p.kind, p.text) for p in paper.sections[0].passages] == [
        (BODY, "Tasks:"),
        (LIST_ITEM, "first task;"),
        (LIST_ITEM, "second task;"),
        (LIST_ITEM, "third."),
    ]


def test_reference_entries_keep_number_and_lose_markdown():
    paper = parse_markdown_paper(
        doc(
            "## Introduction",
            "Text.",
            "#### *References:*",
            "1. Nye J. *Soft Power*. – 2005.\n2. Barr M. DOI: [https://doi.org/1\\_8](https://doi.org/1_8).",
        )
    )
    refs = paper.sections[-1].passages
    assert [(p.kind, p.text) for p in refs] == [
        (REFERENCE, "1. Nye J. Soft Power. – 2005."),
        (REFERENCE, "2. Barr M. DOI: https://doi.org/1_8."),
    ]


def test_reference_split_by_page_break_is_joined_to_its_entry():
    paper = parse_markdown_paper(
        doc(
            "## Introduction",
            "Text.",
            "## References",
            "1. Zapata X. URL: [https://a.org/x](https://a.org/x)",
            "[b.org/y](http://b.org/y) (accessed on: 09.04.2025)",
            "2. Next.",
        )
    )
    assert texts(paper.sections[-1]) == [
        "1. Zapata X. URL: https://a.org/x b.org/y (accessed on: 09.04.2025)",
        "2. Next.",
    ]
    assert paper.repairs == {"reference_continuation_joins": 1}


def test_lowercase_paragraph_joined_to_previous_body_paragraph():
    paper = parse_markdown_paper(doc("## Introduction", "Scholars increasingly", "", "", "engaged in talks."))
    assert texts(paper.sections[0]) == ["Scholars increasingly engaged in talks."]
    assert paper.repairs == {"page_break_joins": 1}


def test_lowercase_paragraph_not_joined_to_list_item():
    paper = parse_markdown_paper(doc("## Introduction", "- an item", "continued text."))
    assert [p.kind for p in paper.sections[0].passages] == [LIST_ITEM, BODY]


def test_lowercase_paragraph_not_joined_after_complete_sentence():
    paper = parse_markdown_paper(doc("## Introduction", "A full sentence.", "iPhone sales rose."))
    assert texts(paper.sections[0]) == ["A full sentence.", "iPhone sales rose."]


def test_lowercase_paragraph_not_joined_across_heading():
    paper = parse_markdown_paper(doc("## Introduction", "Ends without stop", "## Results", "lowercase start."))
    assert texts(paper.sections[1]) == ["lowercase start."]


MULTILINGUAL = doc(
    "A.B. Author<sup>1</sup>\\*, C.D. Writer<sup>1</sup>",
    "<sup>1</sup> Some University, City",
    "\\*e-mail: [a@b.kz](mailto:a@b.kz)",
    "## THE TITLE OF THE PAPER",
    "### *Abstract*",
    "English abstract text.",
    "**Keywords:** one, two.",
    "А.Б. Автор<sup>1</sup>",
    "<sup>1</sup> әл-Фараби атындағы университет",
    "## ҚАЗАҚША ТАҚЫРЫП",
    "### *Аңдатпа*",
    "Қазақша аңдатпа мәтіні.",
    "**Түйін сөздер:** бір, екі.",
    "*Автор А.Б.<sup>1</sup>*",
    "## **РУССКОЕ НАЗВАНИЕ**",
    "### *Аннотация*",
    "Русский текст аннотации.",
    "**Ключевые слова:** один, два.",
    "### **INTRODUCTION**",
    "Body text of the paper.",
)


def test_title_is_first_h2_verbatim():
    assert parse_markdown_paper(MULTILINGUAL).title == "THE TITLE OF THE PAPER"


def test_authors_cleaned_of_sup_and_escaped_asterisk():
    assert parse_markdown_paper(MULTILINGUAL).authors == "A.B. Author, C.D. Writer"


def test_multilingual_section_order_and_lang():
    paper = parse_markdown_paper(MULTILINGUAL)
    assert [(s.title, s.lang) for s in paper.sections] == [
        ("Abstract", ""),
        ("Аңдатпа", "kk"),
        ("Аннотация", "ru"),
        ("Introduction", ""),
    ]


def test_english_abstract_holds_abstract_and_keywords_only():
    paper = parse_markdown_paper(MULTILINGUAL)
    assert texts(paper.sections[0]) == ["English abstract text.", "Keywords: one, two."]


def test_kazakh_abstract_holds_abstract_and_keywords_with_title_and_authors_as_front_matter():
    sec = parse_markdown_paper(MULTILINGUAL).sections[1]
    assert texts(sec) == ["Қазақша аңдатпа мәтіні.", "Түйін сөздер: бір, екі."]
    assert sec.front_matter == "ҚАЗАҚША ТАҚЫРЫП\nА.Б. Автор\nәл-Фараби атындағы университет"
    assert {p.lang for p in sec.passages} == {"kk"}


def test_russian_abstract_tagged_ru():
    sec = parse_markdown_paper(MULTILINGUAL).sections[2]
    assert texts(sec) == ["Русский текст аннотации.", "Ключевые слова: один, два."]
    assert sec.front_matter == "РУССКОЕ НАЗВАНИЕ\nАвтор А.Б."
    assert {p.lang for p in sec.passages} == {"ru"}


def test_bold_abstract_label_opens_abstract_section():
    paper = parse_markdown_paper(doc("## A Title", "**Abstract:** Short text.", "## Introduction", "Body."))
    assert [(s.title, texts(s)) for s in paper.sections] == [("Abstract", ["Short text."]), ("Introduction", ["Body."])]


def test_first_h2_heading_is_the_title_not_a_section():
    paper = parse_markdown_paper(doc("## On Things", "### Introduction", "Body."))
    assert (paper.title, [s.title for s in paper.sections]) == ("On Things", ["Introduction"])


def test_summary_after_body_is_a_body_section():
    paper = parse_markdown_paper(doc("## Introduction", "Body.", "## Summary", "We found things."))
    assert [(s.title, s.level, s.lang) for s in paper.sections] == [("Introduction", 1, ""), ("Summary", 1, "")]


def test_empty_text_raises():
    with pytest.raises(IngestError):
        parse_markdown_paper("  \n\n ")


def test_text_without_headings_raises():
    with pytest.raises(IngestError):
        parse_markdown_paper("Just a paragraph.\n\nAnother one.\n")


def test_headings_without_body_text_raise():
    with pytest.raises(IngestError):
        parse_markdown_paper(doc("## Title", "### Abstract", "Only an abstract.", "## Introduction"))


def test_error_message_is_one_line():
    with pytest.raises(IngestError) as info:
        parse_markdown_paper("no headings here")
    assert "\n" not in str(info.value)


# --------------------------------------------------------------------------- real file 004


@pytest.fixture(scope="module")
def paper004():
    return parse_markdown_paper(SOURCE_004.read_text(encoding="utf-8"))


def all_text(paper):
    return "\n".join(p.text for p in paper.passages())


def test_004_title(paper004):
    assert paper004.title == (
        "CHINA'S CULTURAL DIPLOMACY IN THE XXI CENTURY: CONCEPTS, CHALLENGES AND INTERNATIONAL IMAGE"
    )


def test_004_authors(paper004):
    assert paper004.authors == "M.B.Assyl, D.B. Dauyen."


def test_004_section_titles_in_order(paper004):
    assert [s.title for s in paper004.sections] == [
        "Abstract",
        "Аңдатпа",
        "Аннотация",
        "Introduction",
        "Literature review",
        "Methodology",
        "Results",
        "Discussion",
        "Conclusion",
        "Acknowledgements",
        "References",
    ]


def test_004_all_sections_level_1_and_unnumbered(paper004):
    assert {(s.level, s.number) for s in paper004.sections} == {(1, "")}


def test_004_section_langs(paper004):
    assert [s.lang for s in paper004.sections] == ["", "kk", "ru"] + [""] * 8


def test_004_kazakh_passages_tagged_kk(paper004):
    sec = section(paper004, "Аңдатпа")
    assert len(sec.passages) == 2 and {p.lang for p in sec.passages} == {"kk"}


def test_004_russian_passages_tagged_ru(paper004):
    sec = section(paper004, "Аннотация")
    assert len(sec.passages) == 2 and {p.lang for p in sec.passages} == {"ru"}


def test_004_other_passages_untagged(paper004):
    rest = [p for s in paper004.sections if s.title not in ("Аңдатпа", "Аннотация") for p in s.passages]
    assert {p.lang for p in rest} == {""}


def test_004_english_affiliation_and_email_not_in_passages(paper004):
    text = all_text(paper004)
    assert "monikaassyl" not in text and "Al-Farabi Kazakh National University" not in text


def test_004_abstract_section(paper004):
    sec = section(paper004, "Abstract")
    assert len(sec.passages) == 2
    assert sec.passages[0].text.startswith("The article is devoted to the study of cultural diplomacy")
    assert sec.passages[1].text == (
        "Keywords: China, soft power, cultural diplomacy, international image, "
        "strategic influence, international relations."
    )


def test_004_kazakh_section_front_lines_are_front_matter_not_passages(paper004):
    assert section(paper004, "Аңдатпа").front_matter.split("\n") == [
        "XXI ҒАСЫРДАҒЫ ҚХР МӘДЕНИ ДИПЛОМАТИЯСЫ: ТҰЖЫРЫМДАМАЛАР, СЫН-ҚАТЕРЛЕР ЖӘНЕ ХАЛЫҚАРАЛЫҚ ИМИДЖ",
        "М.Б. Асыл, Д.Б. Дәуен",
        "әл-Фараби атындағы Қазақ Ұлттық университеті, Алматы қ., Қазақстан Республикасы",
    ]


def test_004_russian_section_front_lines_are_front_matter_not_passages(paper004):
    assert section(paper004, "Аннотация").front_matter.split("\n") == [
        "КУЛЬТУРНАЯ ДИПЛОМАТИЯ КНР В XXI ВЕКЕ: КОНЦЕПТЫ, ВЫЗОВЫ И МЕЖДУНАРОДНЫЙ ИМИДЖ",
        "Асыл М.Б., Дәуен Д.Б.",
        "Казахстанский национальный университет имени аль-Фараби, г.Алматы, Республика Казахстан",
    ]


def test_004_repairs(paper004):
    # Four page-break joins in the English body, one in the Kazakh abstract
    # ("...шектеледі" + "деген тұжырым жасалды."), and reference 6 split in two.
    assert paper004.repairs == {"page_break_joins": 5, "reference_continuation_joins": 1}


def test_004_no_body_paragraph_starts_lowercase(paper004):
    # (The Kazakh affiliation "әл-Фараби ..." legitimately does, so front matter is left out.)
    body = [p for s in paper004.sections[3:] for p in s.passages]
    assert [p.text[:30] for p in body if p.text[0].islower()] == []


def test_004_introduction_list_items(paper004):
    items = [p for p in section(paper004, "Introduction").passages if p.kind == LIST_ITEM]
    assert [p.text[:20] for p in items] == [
        "To provide an in-dep",
        "To explore the disti",
        "To determine the pri",
        "To assess the princi",
    ]


def test_004_acknowledgements_is_one_body_paragraph(paper004):
    sec = section(paper004, "Acknowledgements")
    assert [(p.kind, p.text) for p in sec.passages] == [
        (
            BODY,
            (
                "This article was carried out within the framework of grant funding from the Science Committee "
                "of the Ministry of Science and Higher Education of the Republic of Kazakhstan (AP27511021 "
                "«Evolution of the intensity of China's cultural diplomacy towards Kazakhstan: opportunities "
                "and challenges»)."
            ),
        )
    ]


def test_004_twenty_one_references_numbered_1_to_21(paper004):
    refs = section(paper004, "References").passages
    assert {p.kind for p in refs} == {REFERENCE}
    assert [p.text.split(" ", 1)[0] for p in refs] == [f"{n}." for n in range(1, 22)]


def test_004_reference_9_verbatim(paper004):
    assert section(paper004, "References").passages[8].text == (
        "9. Barr M. Chinese Cultural Diplomacy: Old Wine in New Bottles? // In: Kerr D. (ed.) "
        "China's Many Dreams. – London : Palgrave Macmillan, 2015. – P. 180-200. – (The Nottingham "
        "China Policy Institute series). – DOI: https://doi.org/10.1057/9781137478979_8."
    )


def test_004_reference_4_link_text_unescaped(paper004):
    assert (
        section(paper004, "References")
        .passages[3]
        .text.endswith(
            "URL: https://opus.bsz-bw.de/ifa/frontdoor/deliver/index/docId/960/file/"
            "ifa-2023_joffe_china-africa-cultural-invst_EN.pdf (accessed on: 01.04. 2025)"
        )
    )


def test_004_reference_6_continuation_joined(paper004):
    assert (
        section(paper004, "References")
        .passages[5]
        .text.endswith(
            "ifa-2023_joffe_china-africa-cultural-invst_EN.pdf bw.de/ifa/frontdoor/deliver/index/docId/959/"
            "file/ifa-2023_zapata_china-cd-multilateralism_EN.pdf (accessed on: 09.04.2025)"
        )
    )


def test_004_reference_8_autolink(paper004):
    assert section(paper004, "References").passages[7].text == (
        "8. Lai H., Lu Y. China's Soft Power and International Relations. – New York : Routledge, 2012. "
        "– URL: https://doi.org/10.4324/9780203122099 (accessed on: 09.04.2025)"
    )


SENTENCES_004 = [
    # the four page-break joins
    (
        "Discussion",
        "In China, efforts to enhance soft power are primarily guided by top leadership, with the "
        "unique characteristics of the Communist Party's governance shaping how the concept is understood "
        "and applied.",
    ),
    (
        "Results",
        "During this period, Chinese scholars increasingly engaged in discussions about the "
        "so-called “Chinese model” of development as a means of attracting global attention.",
    ),
    (
        "Discussion",
        "Scholar Winter (2016) argues that culture and economics help to reduce suspicion and "
        "promote shared prosperity, and therefore it should be recognised that it is culture that forms the "
        "basis of Chinese economic initiatives, strengthening regional ties and cultural ownership, thereby "
        "creating conditions for mutual trust, loyalty and positive perceptions of China in Asian countries [21].",
    ),
    (
        "Conclusion",
        "The expansion of cultural exchanges with different nations is reshaping international "
        'cultural relations, making the role of "soft power" increasingly significant within China\'s '
        "foreign policy framework.",
    ),
    # the Kazakh abstract's page-break join
    (
        "Аңдатпа",
        "Зерттеу нәтижесі бойынша, Қытайдың мәдени дипломатиясының ауқымдылығы мен "
        "институциаланғанына қарамастан, оның тиімділігі жарияланған құндылықтар мен ел ішіндегі нақты саяси "
        "тәжірибе арасындағы қайшылықтармен шектеледі деген тұжырым жасалды.",
    ),
    # citation markers, quotes, guillemets and dashes as printed
    (
        "Results",
        "J. Nye identifies culture, political ideals, and the conduct of foreign policy as the core "
        "pillars of a nation's soft power as elements that contribute to shaping a favorable international "
        "image and fostering goodwill among foreign publics. [13, p.2].",
    ),
    (
        "Results",
        "Notably, in 1993, Chinese political theorist Wang Huning emphasized that «if a country "
        "possesses a culture and ideological system worthy of admiration, other nations will naturally seek "
        "to emulate it... thus obviating the need to rely on hard power, which is both costly and "
        "ineffective» [15].",
    ),
    (
        "Introduction",
        "It was found that despite quantitative successes – such as the expansion of cultural "
        "centers and increased media activity – the effectiveness of China’s soft power is constrained by "
        "several internal contradictions, including human rights issues, the situations in Taiwan and "
        "Xinjiang, and the international community’s perception of Chinese soft power as a form of "
        "instrumentalized propaganda.",
    ),
    (
        "Introduction",
        "“The One Belt, One Road” initiative serves not only as an economic project, but also "
        "as a cultural and diplomatic project.",
    ),
    (
        "Introduction",
        "This paper contributes to the understanding of the phenomenon of Chinese ‘soft power’ "
        "within the framework of global discourse",
    ),
    (
        "Literature review",
        "D.P. Sterling (2018), in his work, examines China's use of cultural diplomacy as "
        'a means to promote "The One Belt, One Road" initiative across Asian countries [1].',
    ),
    (
        "Literature review",
        "The launch of the «Soft Power 30» index in 2015 by the Center for Public "
        "Diplomacy at the University of Southern California",
    ),
    (
        "Methodology",
        "Discourse analysis is used to study official speeches of the Chinese leadership, state "
        "strategies, programme documents and publications that shape China's foreign policy and cultural "
        "narrative.",
    ),
]


@pytest.mark.parametrize(("title", "sentence"), SENTENCES_004, ids=[s[:30] for _, s in SENTENCES_004])
def test_004_sentence_verbatim_in_its_section(paper004, title, sentence):
    assert any(sentence in t for t in texts(section(paper004, title)))


@pytest.mark.parametrize("markup", ["**", "<sup>", "\\", "]("])
def test_004_no_markup_left(paper004, markup):
    assert [p.text[:40] for p in paper004.passages() if markup in p.text] == []
