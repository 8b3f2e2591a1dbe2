"""Repair glyph-ID mojibake: text whose characters are a font's glyph numbers.

Some PDFs embed a font without a usable character map, and the text extractor then
emits each glyph's *number* as if it were a Unicode code point. With Calibri, glyph
258 ('a') comes out as U+0102 'Ă', so "and" reads "ĂŶĚ"; digits land in the Greek and
Coptic block and punctuation among the combining diacritics. The damage comes and
goes, even inside a word, and the clean stretches between damaged runs use the same
words.

The repair treats the damage as a monoalphabetic substitution cipher and solves it
from the text itself; there is no table of any font's glyph numbers.

1. Letters. The clean stretches give a vocabulary of words with their frequencies
   (plus a short list of common English words). Every damaged word is matched against
   the words of the same length and letter-repetition pattern. Glyph numbers rise in
   alphabetical order, so a symbol with a higher code point must stand for a later
   letter; that constraint throws out most false matches. The matches vote, and the
   best-supported symbol is fixed, one at a time, until no vote is clear. Letters too
   rare to win a vote (q, x, z, j) are then placed in the gaps the ordering leaves.
2. Digits, the same way, with the clean stretches' numbers as the vocabulary: years
   in citations, and numbers that follow the same words as a clean number does (the
   page of a citation repeated elsewhere). Fonts keep the ten digits as one unbroken
   run of glyphs, which fills in digits seen only in page numbers.
3. Punctuation, from context: where each remaining symbol stands (opening a word,
   closing one, inside a word, alone between spaces), which symbol closes which (and
   whether the enclosed text holds a citation's year), and what follows it (a capital
   after a full stop). The clean stretches' own punctuation sharpens the last.
4. Plain characters standing for something else inside damaged runs: the extractor
   turns some capitals into curly quotes, so "“ŽĨƚ" is "Soft". A mark is read as the
   capital that turns the damaged words it opens into known words.

Every damaged symbol becomes exactly one character, so the number of lines never
changes, and characters outside damaged runs are left alone. A damaged symbol the
text gives no clear evidence for raises IngestError rather than being guessed.
"""

from __future__ import annotations

import math
import re
import string
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import pairwise, permutations

from .types import IngestError

# Where glyph numbers 256-1023 land when read as code points.
_GLYPH_BLOCKS = ((0x0100, 0x024F), (0x0300, 0x036F), (0x0370, 0x03FF))

LETTERS = string.ascii_lowercase
DIGITS = string.digits
_PLAIN = {LETTERS: frozenset(string.ascii_letters), DIGITS: frozenset(string.digits)}

# A symbol seen fewer times than this cannot be judged to always open or close words.
_EDGE_MIN = 4

# The shortest damaged token whose match with the vocabulary counts as evidence. Any
# string of digits is a number, so a page number that matches a clean one proves little.
_EVIDENCE_LENGTH = {LETTERS: 2, DIGITS: 4}

# Fewer clean words than this give too little to learn the substitution from.
_MIN_CLEAN_WORDS = 20

# A small generic prior: common English words, counted once each on top of the clean
# stretches' own words, so that a short text still shows the rarer letters in a word or two.
_COMMON_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "with",
    "was",
    "on",
    "be",
    "by",
    "this",
    "are",
    "or",
    "from",
    "at",
    "which",
    "an",
    "not",
    "have",
    "has",
    "had",
    "but",
    "were",
    "their",
    "its",
    "been",
    "can",
    "also",
    "more",
    "other",
    "they",
    "these",
    "such",
    "than",
    "there",
    "would",
    "will",
    "all",
    "about",
    "into",
    "only",
    "one",
    "two",
    "new",
    "may",
    "between",
    "over",
    "both",
    "some",
    "most",
    "after",
    "when",
    "who",
    "what",
    "how",
    "however",
    "because",
    "while",
    "where",
    "those",
    "through",
    "during",
    "under",
    "within",
    "without",
    "being",
    "should",
    "could",
    "must",
    "each",
    "many",
    "much",
    "very",
    "even",
    "well",
    "way",
    "work",
    "world",
    "like",
    "make",
    "take",
    "know",
    "think",
    "keep",
    "just",
    "major",
    "project",
    "subject",
    "question",
    "quite",
    "require",
    "example",
    "next",
    "view",
    "level",
    "give",
    "people",
    "first",
    "time",
    "year",
]

# What follows an apostrophe inside a word.
_CLITICS = {"s", "t", "d", "m", "ll", "re", "ve"}

# The weight of a damaged number that follows the same two words as a clean number
# ("Nye, 2011, p. 23" cited twice): as strong as a matching year.
_CONTEXT_WEIGHT = 3


@dataclass(frozen=True)
class GlyphRepair:
    text: str  # repaired text; every non-damaged character (newlines included) unchanged
    mapping: dict[str, str]  # damaged character -> the character it stands for (learned)
    replaced: int  # how many characters were replaced


def has_glyph_damage(text: str) -> bool:
    """True when the text holds at least two words spelt in glyph numbers (3+ Latin Extended letters in a row)."""
    return len(re.findall("[\u0100-\u024f]{3,}", text)) >= 2


def repair_glyph_ids(text: str) -> GlyphRepair:
    """Decode glyph-ID mojibake, learning the substitution from the text's clean stretches."""
    if not has_glyph_damage(text):
        return GlyphRepair(text=text, mapping={}, replaced=0)
    cipher = _Cipher(text)
    mapping = cipher.solve()
    out = []
    replaced = 0
    for i, char in enumerate(text):
        new = mapping.get(char) or (cipher.stand_ins.get(char) if cipher.in_damage[i] else None)
        out.append(new or char)
        replaced += new is not None
    return GlyphRepair(text="".join(out), mapping={**mapping, **cipher.stand_ins}, replaced=replaced)


# -- which characters are damaged -------------------------------------------------


def _in_glyph_block(char: str) -> bool:
    return any(low <= ord(char) <= high for low, high in _GLYPH_BLOCKS)


def _damaged_symbols(text: str) -> set[str]:
    """Characters from the glyph blocks, except accented letters only ever used inside clean words.

    A genuine 'ā' in pinyin sits alone in an otherwise plain word; a glyph number sits
    next to other glyph numbers somewhere, or in a word with no plain lowercase letter.
    """
    symbols: set[str] = set()
    for token in text.split():
        plain = any(c.isascii() and c.islower() for c in token)
        for i, char in enumerate(token):
            if char in symbols or not _in_glyph_block(char):
                continue
            beside = token[max(i - 1, 0) : i] + token[i + 1 : i + 2]
            if not plain or not _accented_letter(char) or any(_in_glyph_block(c) for c in beside):
                symbols.add(char)
    return symbols


def _accented_letter(char: str) -> bool:
    parts = unicodedata.decomposition(char).split()
    return char.isalpha() and bool(parts) and not parts[0].startswith("<") and chr(int(parts[0], 16)).isascii()


def _damaged_runs(text: str, symbols: set[str]) -> list[bool]:
    """For each position: does it lie in a damaged run (its word, or both neighbouring words, hold glyph symbols)?"""
    flags = [False] * len(text)
    words = [(m.start(), m.end(), any(c in symbols for c in m.group())) for m in re.finditer(r"\S+", text)]
    for k, (start, end, damaged) in enumerate(words):
        if damaged or (0 < k < len(words) - 1 and words[k - 1][2] and words[k + 1][2]):
            flags[start:end] = [True] * (end - start)
    return flags


# -- the cipher -------------------------------------------------------------------


class _Cipher:
    """The substitution from damaged symbols to characters, learned class by class."""

    def __init__(self, text: str):
        self.text = text
        self.symbols = _damaged_symbols(text)
        self.positions: dict[str, list[int]] = defaultdict(list)
        for i, char in enumerate(text):
            if char in self.symbols:
                self.positions[char].append(i)
        self.clean_words = self._clean_runs(r"[A-Za-z]+")
        self.vocab = self.clean_words + Counter(_COMMON_WORDS)
        self.numbers = self._clean_runs(r"[0-9]+")
        self.in_damage = _damaged_runs(text, self.symbols)
        self.mapping: dict[str, str] = {}
        self.stand_ins: dict[str, str] = {}
        self._known: tuple[int, set[str]] = (-1, set())

    def solve(self) -> dict[str, str]:
        if sum(self.clean_words.values()) < _MIN_CLEAN_WORDS:
            raise IngestError("Cannot decode glyph-ID damage: too little clean text to learn the letters from.")
        edges = self._edge_symbols()
        self._solve_class(LETTERS, self.vocab, edges)
        self._fill_gaps(LETTERS, self.vocab)
        self._solve_class(DIGITS, self.numbers, edges)
        self._fill_gaps(DIGITS, self.numbers)
        self.stand_ins = _learn_stand_ins(self)
        self.mapping.update(_Punctuation(self).learn())
        unknown = sorted(self.symbols - self.mapping.keys(), key=lambda s: (-len(self.positions[s]), s))
        if unknown:
            named = ", ".join(f"{c!r} (U+{ord(c):04X})" for c in unknown[:5])
            raise IngestError(f"Cannot decode the glyph-ID character(s) {named}: the text gives no clear evidence.")
        return self.mapping

    # -- reading the text ------------------------------------------------------------

    def _clean_runs(self, pattern: str) -> Counter[str]:
        """Words (or numbers) of the clean stretches: plain runs not touching a damaged symbol."""
        return Counter(m.group() for m in self._clean_matches(pattern))

    def _clean_matches(self, pattern: str):
        text = self.text
        for m in re.finditer(pattern, text):
            before = text[m.start() - 1] if m.start() else " "
            after = text[m.end()] if m.end() < len(text) else " "
            if before not in self.symbols and after not in self.symbols:
                yield m

    def _edge_symbols(self) -> set[str]:
        """Symbols that (nearly) always open or close a word, so punctuation: kept out of word tokens."""
        text, edges = self.text, set()

        def boundary(i: int) -> bool:
            if i < 0 or i >= len(text):
                return True
            char = text[i]
            return char in edges or not (char in self.symbols or char.isalnum())

        while True:
            new = set()
            for symbol in self.symbols - edges:
                spots = self.positions[symbol]
                starts = sum(boundary(i - 1) for i in spots)
                ends = sum(boundary(i + 1) for i in spots)
                if len(spots) >= _EDGE_MIN and max(starts, ends) >= 0.9 * len(spots):
                    new.add(symbol)
            if not new:
                return edges
            edges |= new

    def _class_chars(self, alphabet: str) -> set[str]:
        """Plain characters of a class plus the symbols already solved into it."""
        return set(_PLAIN[alphabet]) | {s for s, c in self.mapping.items() if c in alphabet}

    def _spans(self, alphabet: str, extra: set[str]) -> list[tuple[int, int]]:
        """Runs of a class's characters and `extra` symbols around each occurrence of an `extra` symbol.

        Numbers must not touch a letter (so "12th" and "China’s" are not numbers).
        """
        text = self.text
        members = self._class_chars(alphabet) | extra
        letters = self._class_chars(LETTERS)
        spans = []
        end = -1
        for i in sorted(i for s in extra for i in self.positions[s]):
            if i < end:
                continue  # inside the run just taken
            start, end = i, i + 1
            while start and text[start - 1] in members:
                start -= 1
            while end < len(text) and text[end] in members:
                end += 1
            if alphabet == DIGITS and (text[start - 1 : start] in letters or text[end : end + 1] in letters):
                continue
            spans.append((start, end))
        return spans

    def _tokens(self, alphabet: str, extra: set[str]) -> Counter[str]:
        return Counter(self.text[start:end] for start, end in self._spans(alphabet, extra))

    def _is_word_char(self, i: int) -> bool:
        """Whether position i holds a letter or digit (plain, or a symbol solved as one)."""
        if i < 0 or i >= len(self.text):
            return False
        char = self.text[i]
        if char in self.symbols:
            return self.mapping.get(char, " ").isalnum()
        return char.isalnum()

    @property
    def known(self) -> set[str]:
        """Whole words (lowercase): the clean vocabulary and numbers, and decoded words standing between spaces."""
        solved, words = self._known
        if solved != len(self.mapping):
            words = {w.lower() for w in self.vocab} | set(self.numbers)
            for token in self.text.split():
                if all(self.mapping.get(c, " ").isalnum() if c in self.symbols else c.isalnum() for c in token):
                    words.add(_decode(token, self.mapping).lower())
            self._known = (len(self.mapping), words)
        return words

    def _word_before(self, i: int) -> str:
        start = i
        while self._is_word_char(start - 1):
            start -= 1
        return _decode(self.text[start:i], self.mapping).lower()

    def _word_after(self, i: int) -> str:
        end = i + 1
        while self._is_word_char(end):
            end += 1
        return _decode(self.text[i + 1 : end], self.mapping).lower()

    def _words_before(self, i: int, count: int = 2, reach: int = 40) -> tuple[str, ...] | None:
        """The `count` words just before position i (skipping punctuation and spaces), if near enough."""
        words = []
        j = i
        while len(words) < count:
            while j > 0 and not self._is_word_char(j - 1):
                j -= 1
            if j == 0 or i - j > reach:
                return None
            words.append(self._word_before(j))
            j -= len(words[-1])
        return tuple(words)

    def _inner_spots(self, symbol: str) -> list[int]:
        """Where the symbol sits between two letters or digits."""
        return [i for i in self.positions[symbol] if self._is_word_char(i - 1) and self._is_word_char(i + 1)]

    def _joins_words(self, symbol: str) -> bool:
        """Whether, where it sits inside a word, the symbol mostly touches a whole known word.

        So it is an apostrophe ("China’s"), a dash ("power—when") or the dot of "e.g.",
        and not a letter: a letter splits a word into pieces that are not words.
        """
        spots = self._inner_spots(symbol)
        joined = sum(
            any(len(w) > 1 and w in self.known for w in (self._word_before(i), self._word_after(i))) for i in spots
        )
        return bool(spots) and joined > len(spots) / 2

    def _before_clitics(self, symbol: str) -> bool:
        """Whether, inside words, the symbol mostly comes before a clitic, as an apostrophe does ("China’s")."""
        spots = self._inner_spots(symbol)
        return bool(spots) and sum(self._word_after(i) in _CLITICS for i in spots) >= len(spots) / 2

    def _is_mark(self, symbol: str) -> bool:
        """Whether the symbol behaves as punctuation.

        It touches a word, or stands alone between spaces; it is seldom inside a word, or
        only after whole words there; and the glyph order leaves no room for it among the
        letters or digits. (A run of unsolved symbols such as "ϮϬϭϮ" is no punctuation.)
        """
        spots = self.positions[symbol]
        touching = any(self._is_word_char(i - 1) or self._is_word_char(i + 1) for i in spots)
        alone = any(self.text[i - 1 : i].isspace() and self.text[i + 1 : i + 2].isspace() for i in spots)
        if not (touching or alone):
            return False
        inner = len(self._inner_spots(symbol))
        seldom_inside = inner <= 1 + 0.1 * len(self.positions[symbol]) and inner < len(self.positions[symbol]) / 2
        if not (seldom_inside or self._joins_words(symbol) or self._before_clitics(symbol)):
            return False
        return not any(self._has_room(symbol, alphabet) for alphabet in (LETTERS, DIGITS))

    def _has_room(self, symbol: str, alphabet: str) -> bool:
        """Whether the glyph order leaves room for the symbol in a class: between two solved
        symbols with unused characters between them, or just past the solved ones."""
        low, high = _bounds(symbol, self.mapping, alphabet)
        free = _free(alphabet, self.mapping, low, high)
        if not free:
            return False
        if low != "" and high != "\uffff":
            return True
        solved = [ord(s) for s, c in self.mapping.items() if c in alphabet]
        return bool(solved) and min(abs(ord(symbol) - code) for code in solved) <= len(free)

    # -- letters and digits -------------------------------------------------------------

    def _solve_class(self, alphabet: str, vocab: Counter[str], edges: set[str]) -> None:
        """Vote symbols into the class; for digits, again while citations repeated clean keep adding evidence."""
        lexicon = _Lexicon(vocab)
        while True:
            solved = len(self.mapping)
            follows = self._clean_contexts() if alphabet == DIGITS else {}
            tokens: Counter[str] = Counter()
            in_context: Counter[tuple[str, tuple[str, ...]]] = Counter()
            for start, end in self._trimmed_spans(alphabet, self.symbols - edges - self.mapping.keys()):
                token = self.text[start:end]
                if len(token) >= _EVIDENCE_LENGTH[alphabet]:
                    tokens[token] += 1
                context = self._words_before(start) if follows else None
                if context in follows:
                    in_context[token, context] += 1
            clues = [(token, lexicon, (len(token) - 1) * n) for token, n in tokens.items()]
            for (token, context), n in in_context.items():
                clues.append((token, _Lexicon(follows[context]), _CONTEXT_WEIGHT * n))
            weigh = self._run_weight if alphabet == DIGITS else None
            _solve_substitution(clues, self.symbols, alphabet, self.mapping, weigh)
            if alphabet == LETTERS or len(self.mapping) == solved:
                return

    def _trimmed_spans(self, alphabet: str, unsolved: set[str]) -> list[tuple[int, int]]:
        """The runs to read, each also without an end symbol too rare to judge (it may be a mark)."""
        rare = {s for s in unsolved if len(self.positions[s]) < _EDGE_MIN}
        spans = []
        for start, end in self._spans(alphabet, unsolved):
            lead = int(self.text[start] in rare)
            trail = int(self.text[end - 1] in rare)
            spans += {(start + a, end - b) for a in range(lead + 1) for b in range(trail + 1) if end - b > start + a}
        return spans

    def _clean_contexts(self) -> dict[tuple[str, ...], Counter[str]]:
        """Clean numbers by the two words before them ("Nye, 2011, p. 23" -> ("p", "2011"): "23")."""
        follows: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        for m in self._clean_matches(r"[0-9]+"):
            context = self._words_before(m.start())
            if context:
                follows[context][m.group()] += 1
        return follows

    def _inside(self, symbol: str, alphabet: str) -> Counter[str]:
        """The damaged words (or numbers) a symbol sits inside, when it may stand for a character of the class.

        It touches characters of the class somewhere. A letter is no apostrophe or dash,
        and past the last solved letter (where punctuation glyphs usually follow) it must
        mostly sit between two letters. A digit sits in a number.
        """
        chars = self._class_chars(alphabet)
        text = self.text
        if not any(text[i - 1 : i] in chars or text[i + 1 : i + 2] in chars for i in self.positions[symbol]):
            return Counter()
        if alphabet == LETTERS:
            low, high = _bounds(symbol, self.mapping, LETTERS)
            between = low != "" and high != "\uffff"
            inside = len(self._inner_spots(symbol)) >= len(self.positions[symbol]) / 2
            if self._joins_words(symbol) or self._before_clitics(symbol) or not (between or inside):
                return Counter()
        return self._tokens(alphabet, {symbol})

    def _fill_gaps(self, alphabet: str, vocab: Counter[str]) -> None:
        """Place the symbols the votes missed into the gaps the glyph ordering leaves.

        A symbol found inside words (or numbers) stands for a character between those of
        its solved neighbours in glyph order. When a gap holds as many such symbols as it
        has unused characters, the ordering decides. Otherwise a symbol whose glyph number
        is next to a solved symbol's (or, for digits, falls in their unbroken run) stands
        for the matching character; failing that, for letters, the reading that turns the
        most damaged words into vocabulary words wins. (Any digits make a number, so a
        digit gets no such vote.)
        """
        known = {w.lower() for w in vocab}
        while True:
            found = {}
            for symbol in self.symbols - self.mapping.keys():
                tokens = self._inside(symbol, alphabet)
                if tokens:
                    found[symbol] = tokens
            gaps: dict[tuple[str, str], list[str]] = defaultdict(list)
            for symbol in sorted(found, key=ord):
                gaps[_bounds(symbol, self.mapping, alphabet)].append(symbol)
            progress = False
            for (low, high), members in sorted(gaps.items()):
                free = _free(alphabet, self.mapping, low, high)
                if not free:
                    continue
                if len(members) == len(free):
                    self.mapping.update(zip(members, free, strict=False))
                    progress = True
                    break
                neighbours = ((s, self._glyph_neighbour(s, alphabet)) for s in members)
                symbol, char = next(((s, c) for s, c in neighbours if c in free), ("", ""))
                if not symbol and alphabet == LETTERS:
                    hits, symbol, char = max(
                        (_support(found[s], self.mapping, {s: c}, known, _EVIDENCE_LENGTH[alphabet]), s, c)
                        for s in members
                        for c in free
                    )
                    symbol = symbol if hits >= 2 else ""
                if symbol:
                    self.mapping[symbol] = char
                    progress = True
                    break
            if not progress:
                return

    def _glyph_neighbour(self, symbol: str, alphabet: str) -> str | None:
        """What a symbol stands for if its class runs unbroken in glyph order, or it sits next to a solved one."""
        solved = [(ord(s), alphabet.index(c)) for s, c in self.mapping.items() if c in alphabet]
        offset = self._run_offset(alphabet)
        if offset is not None and 0 <= ord(symbol) - offset < len(alphabet):
            return alphabet[ord(symbol) - offset]
        for code, index in solved:
            for step in (1, -1):
                if ord(symbol) - step == code and 0 <= index + step < len(alphabet):
                    return alphabet[index + step]
        return None

    def _run_offset(self, alphabet: str) -> int | None:
        """For digits (fonts keep them as one unbroken run of glyphs): glyph number minus digit, once two agree."""
        if alphabet != DIGITS:
            return None  # letters are often interleaved with accented variants (Calibri's are)
        offsets = [ord(s) - int(c) for s, c in self.mapping.items() if c in DIGITS]
        return offsets[0] if len(offsets) >= 2 and len(set(offsets)) == 1 else None

    def _run_weight(self, reading: dict[str, str]) -> float:
        """How much a reading of digits counts: a tenth when it breaks the run of digit glyphs."""
        offsets = {ord(s) - int(c) for s, c in [*self.mapping.items(), *reading.items()] if c in DIGITS}
        return 1.0 if len(offsets) <= 1 else 0.1


# -- the substitution solver ----------------------------------------------------------


class _Lexicon:
    """Words with their frequencies, indexed by length and by letter-repetition pattern."""

    def __init__(self, words: Counter[str]):
        self.words = words
        self.by_length: dict[int, list[str]] = defaultdict(list)
        self.by_pattern: dict[tuple[int, ...], list[str]] = defaultdict(list)
        for word in words:
            self.by_length[len(word)].append(word)
            self.by_pattern[_pattern(word)].append(word)

    def candidates(self, token: str, symbols: set[str], alphabet: str) -> list[str]:
        # Symbols stand for distinct characters, so unless the token also holds plain characters
        # of the alphabet ("ƌĞŐŝme"), its reading repeats characters exactly where it does.
        if any(c not in symbols and c in alphabet for c in token):
            return self.by_length[len(token)]
        return self.by_pattern[_pattern(token)]


def _pattern(word: str) -> tuple[int, ...]:
    """Where each character first occurs: "soft" and "ƐŽĨƚ" share (0, 1, 2, 3), "seen" is (0, 1, 1, 3)."""
    first: dict[str, int] = {}
    return tuple(first.setdefault(c, i) for i, c in enumerate(word))


def _bounds(symbol: str, mapping: dict[str, str], alphabet: str) -> tuple[str, str]:
    """The characters a symbol must fall strictly between, given the solved symbols of its class."""
    low, high = "", "\uffff"
    for other, char in mapping.items():
        if char in alphabet:
            if ord(other) < ord(symbol):
                low = max(low, char)
            else:
                high = min(high, char)
    return low, high


def _free(alphabet: str, mapping: dict[str, str], low: str, high: str) -> list[str]:
    used = set(mapping.values())
    return [c for c in alphabet if low < c < high and c not in used]


def _decode(token: str, mapping: dict[str, str], reading: dict[str, str] | None = None) -> str:
    reading = reading or {}
    return "".join(reading.get(c) or mapping.get(c) or c for c in token)


def _support(tokens: Counter[str], mapping, reading: dict[str, str], known: set[str], shortest: int) -> int:
    """How strongly a reading is borne out: the damaged words it turns into known words, longer ones counting more."""
    return sum(
        (len(t) - 1) * n
        for t, n in tokens.items()
        if len(t) >= shortest and _decode(t, mapping, reading).lower() in known
    )


def _fit(token: str, word: str, symbols, mapping, used, bounds, alphabet) -> dict[str, str] | None:
    """The new symbol->character pairs that read `token` as `word`, or None when they conflict."""
    new: dict[str, str] = {}
    for c, x in zip(token, word, strict=False):
        if c not in symbols:
            if c != x:
                return None
        elif c in mapping or c in new:
            if (mapping.get(c) or new[c]) != x:
                return None
        else:
            low, high = bounds[c]
            if x not in alphabet or x in used or x in new.values() or not low < x < high:
                return None
            new[c] = x
    ordered = [new[s] for s in sorted(new, key=ord)]
    return new if ordered == sorted(ordered) else None  # glyph numbers rise with the alphabet


def _solve_substitution(clues, symbols: set[str], alphabet: str, mapping: dict[str, str], weigh=None) -> None:
    """Extend `mapping` from clues (token, lexicon, weight), one best-supported symbol at a time.

    Each clue spreads its weight over the words it can still be read as, in proportion
    to their frequency. A symbol is fixed when its votes add up to at least two and at
    least 60% of them agree on one character; then every clue is read again. `weigh`
    may discount a reading (the new pairs it implies) that the glyph order makes unlikely.
    """
    pending = [
        [token, lexicon.candidates(token, symbols, alphabet), lexicon.words, weight] for token, lexicon, weight in clues
    ]
    while True:
        used = set(mapping.values())
        unsolved = {c for clue in pending for c in clue[0] if c in symbols and c not in mapping}
        bounds = {s: _bounds(s, mapping, alphabet) for s in unsolved}
        votes: dict[str, Counter[str]] = defaultdict(Counter)
        for clue in pending:
            token, candidates, words, weight = clue
            readings = ((w, _fit(token, w, symbols, mapping, used, bounds, alphabet)) for w in candidates)
            fits = [(w, new) for w, new in readings if new is not None]
            clue[1] = [w for w, _ in fits]
            fits = [(w, new) for w, new in fits if new]
            total = sum(words[w] for w, _ in fits)
            for word, new in fits:
                share = weight * words[word] / total * (weigh(new) if weigh else 1)
                for symbol, char in new.items():
                    votes[symbol][char] += share
        best = None
        for symbol, tally in votes.items():
            char, support = tally.most_common(1)[0]
            share = support / sum(tally.values())
            if support >= 2 and share >= 0.6 and (best is None or support * share > best[0]):
                best = (support * share, symbol, char)
        if best is None:
            return
        mapping[best[1]] = best[2]


# -- punctuation --------------------------------------------------------------------

# Each separator's share of all separators in English prose, and what typically follows
# it (the kind of the next word); the clean stretches' own punctuation is counted in on
# top of this prior.
_SEPARATOR_PRIOR = {
    ",": (0.5, {"lower": 0.55, "digit": 0.2, "upper": 0.15, "open": 0.05, "other": 0.05}),
    ".": (0.38, {"lower": 0.05, "digit": 0.15, "upper": 0.6, "open": 0.1, "other": 0.1}),
    ";": (0.04, {"lower": 0.55, "digit": 0.05, "upper": 0.3, "open": 0.05, "other": 0.05}),
    ":": (0.04, {"lower": 0.25, "digit": 0.1, "upper": 0.2, "open": 0.4, "other": 0.05}),
    "?": (0.03, {"lower": 0.1, "digit": 0.05, "upper": 0.6, "open": 0.1, "other": 0.15}),
    "!": (0.01, {"lower": 0.1, "digit": 0.05, "upper": 0.6, "open": 0.1, "other": 0.15}),
}
_PRIOR_WEIGHT = 20
_OPENING = "([{'\"‘“"
_PLAIN_CLOSERS = ")]"
_PAIR_REACH = 400  # how far (in characters) a closing quote or bracket may follow its opener
_FAMILIES = {"quotes": ["‘’", "“”"], "brackets": ["()", "[]", "{}"]}


class _Punctuation:
    """Names the symbols left after letters and digits from where they stand."""

    def __init__(self, cipher: _Cipher):
        self.cipher = cipher
        self.text = cipher.text
        self.mapping = cipher.mapping
        self.positions = cipher.positions
        self.unknown = cipher.symbols - cipher.mapping.keys()
        self.shapes = {s: Counter(self._shape(i) for i in self.positions[s]) for s in self.unknown}

    def _char(self, i: int) -> str:
        if i < 0 or i >= len(self.text):
            return " "
        return self.mapping.get(self.text[i], self.text[i])

    def _kind(self, i: int) -> str:
        if self.cipher._is_word_char(i):
            return "word"
        return "space" if self._char(i).isspace() else "mark"

    def _shape(self, i: int) -> str:
        before, after = self._kind(i - 1), self._kind(i + 1)
        if before == "word" and after == "word":
            return "inner"
        if before == "space" and after == "space":
            return "alone"
        if before != "word" and after != "space":
            return "open"
        return "close"

    def _main_shape(self, symbol: str) -> str:
        return self.shapes[symbol].most_common(1)[0][0]

    def learn(self) -> dict[str, str]:
        learned: dict[str, str] = {}
        marks = {s for s in self.unknown if self.cipher._is_mark(s)}
        inner = [s for s in marks if self._main_shape(s) == "inner"]
        closers = [s for s in marks if self._main_shape(s) in ("close", "inner") and self.shapes[s]["close"]]
        openers = sorted((s for s in marks if self._main_shape(s) == "open"), key=ord)

        # Inside words, the apostrophe (which is also the right single quote) comes before a
        # clitic ("China’s", "don’t"); a dash joins two words.
        apostrophes = [
            s
            for s in marks
            if self.shapes[s]["inner"] >= 0.2 * len(self.positions[s]) and self.cipher._before_clitics(s)
        ]
        apostrophe = max(apostrophes, key=lambda s: self.shapes[s]["inner"], default=None)
        if apostrophe:
            learned[apostrophe] = "’"
        dashes = [s for s in inner if s != apostrophe and not self.shapes[s]["close"]]
        for symbol, dash in zip(
            sorted(dashes, key=lambda s: -len(self.positions[s])), self._dash_marks(), strict=False
        ):
            learned[symbol] = dash

        # Opening marks, the closers that answer them, and what the pairs enclose.
        pairs = self._pairs(openers, [c for c in closers if c not in learned or c == apostrophe], apostrophe)
        learned.update(self._name_pairs(pairs, apostrophe))

        # A closer left over may answer a plain bracket opened in a clean stretch: "(Jones, 2011)".
        for closer in sorted((s for s in closers if s not in learned), key=lambda s: -len(self.positions[s])):
            plain = self._closes_plain(closer, learned)
            if plain and plain not in learned.values():
                learned[closer] = plain

        # Separators: closers answering no opener, named by what follows them.
        separators = sorted((s for s in closers if s not in learned), key=ord)
        learned.update(self._name_separators(separators))

        # A mark alone between spaces: an ellipsis beside the sentence marks in glyph order, else a spaced dash.
        for symbol in sorted(marks - learned.keys(), key=ord):
            if self._main_shape(symbol) == "alone":
                sentence_marks = [s for s in learned if learned[s] in ".,;:—–"]
                nearest = min(sentence_marks, key=lambda s: abs(ord(s) - ord(symbol)), default=None)
                mark = "–" if nearest and learned[nearest] in "—–" else "…"
                if mark not in learned.values():
                    learned[symbol] = mark
        return learned

    def _dash_marks(self) -> list[str]:
        """An ASCII hyphen already in the text means a dash symbol stands for a longer dash."""
        return ["—", "–"] if "-" in self.text else ["-", "—", "–"]

    # -- pairs -----------------------------------------------------------------------

    def _pairs(self, openers: list[str], closers: list[str], apostrophe: str | None) -> list[tuple[str, str | None]]:
        """Match openers to closers by how well their occurrences alternate (one closer per opener).

        A true closer follows its opener, soon and before the opener comes again, and is
        itself preceded by the opener rather than by another closer; a comma or full stop
        turns up whether or not anything is open. Where an opener encloses citations, its
        closer comes after the year or page, and the openers answered by a plain bracket
        (the damage stopped before it) are left out of the count. The apostrophe, a
        closing quote for sure, finds its opener first; between equally good closers, the
        one more often followed straight by another mark (as in ")." and "’,"), then the
        nearer, wins.
        """
        plain = [i for i, c in enumerate(self.text) if c in _PLAIN_CLOSERS]
        scores = []
        for opener in openers:
            citing = self._opens_citations(opener)
            for closer in closers:
                spots = [i for i in self.positions[closer] if self._shape(i) != "inner"]  # not apostrophes
                events = [(i, opener) for i in self.positions[opener]] + [(i, closer) for i in spots]
                events = sorted(events + [(i, "") for i in plain] if citing else events)
                steps = [(b, j) for (i, a), (j, b) in pairwise(events) if a == opener and j - i <= _PAIR_REACH]
                closing = [j for b, j in steps if b == closer and (not citing or self._char(j - 1).isdigit())]
                answered = len(self.positions[opener]) - sum(b == "" for b, _ in steps)
                score = len(closing) / max(answered, 1) * len(closing) / max(len(spots), 1)
                marked = sum(self._kind(j + 1) == "mark" for j in spots) / max(len(spots), 1)
                span = sum(j - max(i for i in self.positions[opener] if i < j) for j in closing)
                span /= max(len(closing), 1)
                scores.append((closer == apostrophe, score, marked, -span, opener, closer))
        pairs: list[tuple[str, str | None]] = []
        for _, score, _, _, opener, closer in sorted(scores, reverse=True):
            if score >= 0.4 and all(opener != o and closer != c for o, c in pairs):
                pairs.append((opener, closer))
        paired = {o for o, _ in pairs}
        return pairs + [(o, None) for o in openers if o not in paired]

    def _closes_plain(self, closer: str, learned: dict[str, str]) -> str | None:
        """The bracket (")" or "]") a closer stands for, if it mostly ends a citation left open by a bracket."""

        def reading(k: int) -> str:
            return learned.get(self.text[k], self.text[k])

        for opening, closing in ("()", "[]"):
            hits = 0
            for j in self.positions[closer]:
                if not self._char(j - 1).isdigit():
                    continue
                k = j - 1
                while k > max(0, j - _PAIR_REACH) and reading(k) not in (opening, closing):
                    k -= 1
                hits += reading(k) == opening
            if hits >= 0.6 * len(self.positions[closer]):
                return closing
        return None

    def _opens_citations(self, opener: str) -> bool:
        """Whether a year or page number mostly follows the opener closely: "(Nye, 2011", "(see Buzan, 1983"."""
        near = [any(self._char(k).isdigit() for k in range(i + 1, i + 25)) for i in self.positions[opener]]
        return sum(near) >= len(near) / 2

    def _encloses_digits(self, opener: str, closer: str | None) -> float:
        """How often the text after an opener, up to its closer, holds a digit (as in "(Nye, 2011)")."""
        hits = 0
        for start in self.positions[opener]:
            end = start + 1
            while end < min(len(self.text), start + 120) and self.text[end] not in (opener, closer):
                end += 1
            hits += any(self._char(k).isdigit() for k in range(start + 1, end))
        return hits / len(self.positions[opener])

    def _name_pairs(self, pairs, apostrophe) -> dict[str, str]:
        """The pair closed by the apostrophe is the single quotes; the one around citations, the parentheses."""
        roles: dict[tuple[str, str | None], str] = {}
        for pair in pairs:
            if pair[1] is not None and pair[1] == apostrophe:
                roles[pair] = "‘’"
        cited = [p for p in pairs if p not in roles and self._encloses_digits(*p) >= 0.3]
        if cited:
            roles[max(cited, key=lambda p: len(self.positions[p[0]]))] = "()"
        for pair in sorted(pairs, key=lambda p: -len(self.positions[p[0]])):
            if pair not in roles:
                roles[pair] = _nearest_family(pair[0], roles)
        learned = {}
        for (opener, closer), role in roles.items():
            if not role:
                continue  # more pairs than kinds of quotes and brackets: left unnamed
            learned[opener] = role[0]
            if closer is not None:
                learned[closer] = role[1]
        return learned

    # -- separators ------------------------------------------------------------------

    def _next_kind(self, i: int, decode: bool) -> str | None:
        """The kind of the next word after a separator (None inside a word, as in "e.g.")."""
        j = i + 1
        if j < len(self.text) and not self.text[j].isspace():
            return None
        while j < len(self.text) and self.text[j].isspace():
            j += 1
        if j >= len(self.text):
            return "other"
        if decode and self.text[j] in self.unknown:
            return "open" if self._main_shape(self.text[j]) == "open" else "other"
        if decode and self.text[j] in self.cipher.stand_ins and self.cipher.in_damage[j]:
            return "upper"
        char = self._char(j) if decode else self.text[j]
        if char in _OPENING:
            return "open"
        if char.isdigit():
            return "digit"
        if char.isupper():
            return "upper"
        return "lower" if char.islower() else "other"

    def _name_separators(self, separators: list[str]) -> dict[str, str]:
        """Give , . ; : ? ! to the separators: the assignment under which they are likeliest.

        Each mark has a typical share of all separators, and a profile of what follows it
        (the kind of the next word) from a generic prior sharpened by the clean stretches'
        own punctuation; a symbol seen n times is scored on both.
        """
        if not separators:
            return {}
        profiles, shares = {}, {}
        for mark, (share, prior) in _SEPARATOR_PRIOR.items():
            shares[mark] = share
            seen = Counter(self._next_kind(i, decode=False) for i, c in enumerate(self.text) if c == mark)
            del seen[None]
            total = sum(seen.values())
            profiles[mark] = {k: (seen[k] + _PRIOR_WEIGHT * p) / (total + _PRIOR_WEIGHT) for k, p in prior.items()}
        follows = {s: Counter(self._next_kind(i, decode=True) for i in self.positions[s]) for s in separators}
        for seen in follows.values():
            del seen[None]
        best, best_score = {}, -math.inf
        for chosen in permutations(_SEPARATOR_PRIOR, min(len(separators), len(_SEPARATOR_PRIOR))):
            score = sum(
                len(self.positions[s]) * math.log(shares[m])
                + sum(n * math.log(profiles[m][k]) for k, n in follows[s].items())
                for s, m in zip(separators, chosen, strict=False)
            )
            if score > best_score:
                best, best_score = dict(zip(separators, chosen, strict=False)), score
        return best


def _nearest_family(opener: str, roles: dict) -> str:
    """Name a further pair after the family (quotes or brackets) whose known glyphs sit closest to its own."""
    taken = set(roles.values())
    distance = {}
    for family, options in _FAMILIES.items():
        known = [o for (o, _), role in roles.items() if role in options]
        if known and any(o not in taken for o in options):
            distance[family] = min(abs(ord(opener) - ord(o)) for o in known)
    family = min(distance, key=distance.get) if distance else "quotes"
    order = _FAMILIES[family] + [o for f, options in _FAMILIES.items() if f != family for o in options]
    return next((o for o in order if o not in taken), "")


# -- plain characters standing in for capitals -----------------------------------------


def _learn_stand_ins(cipher: _Cipher) -> dict[str, str]:
    """Plain non-ASCII marks that, inside damaged runs, stand for a capital letter.

    The extractor turns some capitals into typographic marks ('“' for 'S'). A mark is
    read as the capital that turns the damaged words it opens (like "“ŽĨƚ", or "P‘C")
    into known words, when that explains them better than the mark itself. A mark that
    opens damaged words ("‘ĞŐŝŵĞ") but reads as no capital is an error: inside damaged
    runs a real quotation mark would itself be a glyph number.
    """
    text, symbols, mapping, known = cipher.text, cipher.symbols, cipher.mapping, cipher.known
    letters = set(string.ascii_letters) | {s for s, c in mapping.items() if c.isalpha()}
    words: dict[str, list[tuple[str, str]]] = defaultdict(list)
    opens_damage: dict[str, bool] = defaultdict(bool)
    for m in re.finditer(r"[^\x00-\x7f]", text):
        i, char = m.start(), m.group()
        if char in symbols or char.isalnum() or char.isspace() or not cipher.in_damage[i]:
            continue
        if i + 1 >= len(text) or text[i + 1] not in letters:
            continue
        start, end = i, i + 1
        while start and text[start - 1].isascii() and text[start - 1].isupper():
            start -= 1
        while end < len(text) and text[end] in letters:
            end += 1
        words[char].append((_decode(text[start:i], mapping), _decode(text[i + 1 : end], mapping)))
        opens_damage[char] |= text[i + 1] in symbols
    stand_ins = {}
    for char, found in words.items():
        as_itself = sum(not head and tail.lower() in known for head, tail in found)
        tally = Counter({c: sum((h + c + t).lower() in known for h, t in found) for c in string.ascii_uppercase})
        capital, hits = tally.most_common(1)[0]
        if hits > as_itself and hits >= len(found) / 2:
            stand_ins[char] = capital
        elif opens_damage[char]:
            raise IngestError(
                f"Cannot decode {char!r} (U+{ord(char):04X}) inside glyph-ID damage: no capital the text confirms."
            )
    return stand_ins
