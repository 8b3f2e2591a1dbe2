"""The one tokenizer: words with their offsets, folded the same way wherever they are compared.

Pure Python, no Django. A word is a run of letters with inner apostrophes ("don't", "China's":
a possessive stays part of its word). Digits, hyphens and all other punctuation separate words,
so citation markers ("[12]"), years and page numbers are never words. Two words make a phrase
only when nothing but spaces or a hyphen separates them: a phrase does not run across a comma,
a full stop or a citation marker.
"""

import re
import unicodedata
from typing import NamedTuple

WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
JOINER = re.compile(r"[\s\-‐‑–]*")
SENTENCE_STOP = re.compile(r"[.!?]")

# Typographic quotes, apostrophes and dashes compared as their plain forms.
TYPOGRAPHIC = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u00b4": "'",
        "`": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00ad": "",
    }
)
COMBINING_MARK = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


class Token(NamedTuple):  # a tuple: made for every word of every passage, so cheap to make
    word: str  # folded: see fold()
    start: int  # character offsets of the word in the text
    end: int


def fold(word: str) -> str:
    """A word as it is compared: lower case, typographic apostrophe as "'", diacritics removed.

    Character for character (each character folds to one), so offsets into the folded word are
    offsets into the word as written: what search excerpts need to mark a match.
    """
    if word.isascii():  # the common case, without a Python step per character
        return word.lower()
    return "".join(unicodedata.normalize("NFKD", ch)[0] for ch in word.replace("’", "'")).lower()


def tokenize(text: str) -> list[Token]:
    """The words of `text`, folded, each with where it stands in the text."""
    return [Token(fold(m.group()), m.start(), m.end()) for m in WORD.finditer(text)]


def joined(text: str, left: Token, right: Token) -> bool:
    """Whether two words of `text` are joined only by spaces or hyphens, as a phrase's words are."""
    return JOINER.fullmatch(text, left.end, right.start) is not None


def ngrams(text: str, tokens, size: int) -> list[tuple[int, int]]:
    """(first, last) token indexes of every run of `size` words joined only by spaces or hyphens."""
    runs = []
    for first in range(len(tokens) - size + 1):
        last = first + size - 1
        if all(joined(text, tokens[k], tokens[k + 1]) for k in range(first, last)):
            runs.append((first, last))
    return runs


def sentence_starts(text: str, tokens) -> list[bool]:
    """For each token, whether it opens a sentence (its capital then says nothing about the word)."""
    starts, previous_end = [], 0
    for token in tokens:
        starts.append(not starts or SENTENCE_STOP.search(text, previous_end, token.start) is not None)
        previous_end = token.end
    return starts


def plain(text: str) -> str:
    """Text with quotes and dashes made plain and accents removed; non-Latin letters are kept."""
    if text.isascii():
        return text
    text = text.translate(TYPOGRAPHIC)
    if text.isascii():
        return text
    return COMBINING_MARK.sub("", unicodedata.normalize("NFKD", text))


def comparable(text: str) -> str:
    """Text as a reader compares it: case, spacing, quotes and dashes do not matter."""
    return " ".join(plain(unicodedata.normalize("NFKC", text)).casefold().split())
