"""Stemming with the Snowball stemmers (snowballstemmer, the maintained pure-Python port)."""

import re
import threading
from functools import lru_cache

import snowballstemmer

# A Snowball stemmer keeps state while it stems a word: one per thread and language.
_local = threading.local()
CYRILLIC = re.compile(r"[\u0400-\u04ff]")


def _stemmer(language: str):
    stemmers = _local.__dict__.setdefault("stemmers", {})
    if language not in stemmers:
        stemmers[language] = snowballstemmer.stemmer(language)
    return stemmers[language]


# Stemming is most of the time an index build takes, and a library's vocabulary is bounded:
# each word is stemmed once per process, whichever index or thread asks.
@lru_cache(maxsize=200_000)
def stem(word: str, language: str = "english") -> str:
    """The Snowball stem of one folded word ("infiltration", "infiltrate" -> "infiltr")."""
    return _stemmer(language).stemWord(word)


def stem_all(words: list[str], language: str = "english") -> list[str]:
    return _stemmer(language).stemWords(words)


def stem_any(word: str) -> str:
    """The stem of a folded word in the language its letters say: Russian for Cyrillic, else English.

    For text of unknown language (a search query, an excerpt of 004's Russian abstract).
    """
    return stem(word, "russian" if CYRILLIC.search(word) else "english")
