"""Text analysis, in one place: the tokenizer, stop words, stemmer and English-prose rule that terms,
counterpoints, search excerpts and KWIC share.

    tokens     tokenize(text) -> [Token(word, start, end)], fold(word), joined/ngrams (the phrase
               rule), plain/comparable (typographic quotes and dashes, for fragments)
    stopwords  STOP_WORDS, is_stop_word(word)
    stemming   stem(word, language), stem_all, stem_any (English or Russian by the word's letters)
    english    is_english_prose(passage), is_prose(kind, language), language_of(passage)
"""

from .english import is_english, is_english_prose, is_prose, language_of
from .stemming import stem, stem_all, stem_any
from .stopwords import STOP_WORDS, is_stop_word
from .tokens import Token, comparable, fold, joined, ngrams, plain, tokenize

__all__ = [
    "STOP_WORDS",
    "Token",
    "comparable",
    "fold",
    "is_english",
    "is_english_prose",
    "is_prose",
    "is_stop_word",
    "joined",
    "language_of",
    "ngrams",
    "plain",
    "stem",
    "stem_all",
    "stem_any",
    "tokenize",
]
