"""Stemming with the Snowball stemmers (snowballstemmer, the maintained pure-Python port)."""

import threading

import snowballstemmer

# A Snowball stemmer keeps state while it stems a word: one per thread and language.
_local = threading.local()


def _stemmer(language: str):
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(language)
    return stemmers[language]


def stem(word: str, language: str = "english") -> str:
    """The Snowball stem of one lower-case word ("infiltration", "infiltrate" -> "infiltr")."""
    return _stemmer(language).stemWord(word)


def stem_all(words: list[str], language: str = "english") -> list[str]:
    return _stemmer(language).stemWords(words)
