"""The shared text analysis: tokenizer, folding, stop words and the English-prose rule."""

from types import SimpleNamespace

from readings.analysis import (
    comparable,
    fold,
    is_english_prose,
    is_stop_word,
    joined,
    ngrams,
    stem_any,
    tokenize,
)
from readings.search import folded


def test_tokens_are_folded_words_with_their_offsets():
    text = "China\u2019s Belt-and-Road (2013) [12] Café"
    tokens = tokenize(text)
    assert [t.word for t in tokens] == ["china's", "belt", "and", "road", "cafe"]
    assert all(fold(text[t.start : t.end]) == t.word for t in tokens)


def test_folding_keeps_offsets_as_search_excerpts_need():
    for word in ("Café", "ŽIVOT", "культурной", "plain"):
        assert len(fold(word)) == len(word)
        assert fold(word) == folded(word)


def test_phrases_join_only_across_spaces_and_hyphens():
    text = "soft-power culture, security [3] policy"
    tokens = tokenize(text)
    assert ngrams(text, tokens, 2) == [(0, 1), (1, 2)]
    assert not joined(text, tokens[2], tokens[3])


def test_one_stop_word_list():
    assert is_stop_word("the") and is_stop_word("don't") and is_stop_word("ibid") and is_stop_word("x")
    assert not is_stop_word("culture")


def test_stemming_chooses_russian_for_cyrillic_words():
    assert stem_any("культурной") == stem_any("культурная")
    assert stem_any("infiltration") == stem_any("infiltrate")


def passage(kind="body", lang="", section_lang="", paper_language="en"):
    return SimpleNamespace(
        kind=kind, lang=lang, section=SimpleNamespace(lang=section_lang), paper=SimpleNamespace(language=paper_language)
    )


def test_english_prose_rule():
    assert is_english_prose(passage())
    assert is_english_prose(passage(paper_language="en-GB"))
    assert not is_english_prose(passage(kind="reference"))
    assert not is_english_prose(passage(kind="caption"))
    assert not is_english_prose(passage(section_lang="ru"))
    assert is_english_prose(passage(lang="en", section_lang="ru"))


def test_fragments_compare_without_case_spacing_or_typographic_quotes():
    assert comparable("China\u2019s  \u201cCultural\nSecurity\u201d") == comparable('china\'s "cultural security"')
