"""Which words tell official discourse from its critics: tokens, weighted log-odds, keyword in context.

Pure Python, no Django: `readings.term_index` feeds these functions the corpus. Words are
read by the shared tokenizer (readings.analysis.tokens) and counted as written, folded but not
stemmed: the contrast shows words a reader can look up in the texts.

The statistic is the weighted log-odds ratio with an informative Dirichlet prior of Monroe,
Colaresi and Quinn (2008), "Fightin' Words", Political Analysis 16(4), equations 16 to 22. For a
term w, side i (official) against side j (critical):

    α_w = α0 · y_w / n                    the prior: the whole corpus's counts, scaled to total α0
    δ̂_w = log((y_w^i + α_w) / (n^i + α0 − y_w^i − α_w)) − log((y_w^j + α_w) / (n^j + α0 − y_w^j − α_w))
    σ²(δ̂_w) ≈ 1/(y_w^i + α_w) + 1/(y_w^j + α_w)
    z_w = δ̂_w / √σ²(δ̂_w)

where y_w^i is the count of w on side i, n^i the count of all terms on side i, y_w and n the
same over both sides. A positive z leans official, a negative z critical.

α0 is the weight of the prior in pseudo-counts. DEFAULT_ALPHA0 = 1000 is about a twentieth of
the shipped corpus's 20,800 counted words: enough to hold a term seen a few times on one side
and never on the other near "no difference" (its σ² is dominated by 1/α_w, large when α_w is
small), too little to hide a term one side uses dozens of times more than the other. With
α0 = n (the prior is the raw corpus counts, as in Jurafsky et al. 2014) the prior weighs as
much as the data: every z here falls by about a third, and the two top-20 lists change only
in their tail.
"""

import math
import re
from array import array
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from .analysis.stopwords import is_stop_word
from .analysis.tokens import JOINER, WORD, fold, ngrams, tokenize

DEFAULT_ALPHA0 = 1000.0

# What str.split() splits between: \s is the same set of characters (str.isspace) for a str pattern.
NON_SPACE = re.compile(r"\S+")


@dataclass(frozen=True)
class TermScore:
    term: str
    count_i: int  # y_w^i: official
    count_j: int  # y_w^j: critical
    delta: float  # δ̂_w, the log-odds ratio
    variance: float  # σ²(δ̂_w)
    z: float

    @property
    def side(self) -> str:
        return "official" if self.z > 0 else "critical"


@dataclass(frozen=True)
class KwicLine:
    source: object  # whatever the caller passed with the text: a passage
    left: str
    match: str
    right: str


def terms(text: str) -> tuple[list[str], list[str]]:
    """The unigrams and bigrams of `text`, bigrams as two words joined by one space."""
    tokens = tokenize(text)
    unigrams = [t.word for t in tokens]
    bigrams = [f"{tokens[a].word} {tokens[b].word}" for a, b in ngrams(text, tokens, 2)]
    return unigrams, bigrams


def count_terms(texts: Iterable[str]) -> tuple[Counter, Counter]:
    """Unigram and bigram counts over `texts`."""
    unigrams, bigrams = Counter(), Counter()
    for text in texts:
        words, pairs = terms(text)
        unigrams.update(words)
        bigrams.update(pairs)
    return unigrams, bigrams


def log_odds(
    counts_i: Mapping[str, int],
    counts_j: Mapping[str, int],
    prior: Mapping[str, float] | None = None,
    alpha0: float = DEFAULT_ALPHA0,
) -> dict[str, TermScore]:
    """Monroe et al. (2008) eq. 16–22 for every term of the prior; see the module docstring.

    `prior` gives the background counts the α_w are proportional to; by default the two sides
    together (the informative prior "from the whole corpus").
    """
    if prior is None:
        prior = Counter(counts_i) + Counter(counts_j)
    prior_total = sum(prior.values())
    n_i, n_j = sum(counts_i.values()), sum(counts_j.values())
    scores = {}
    if prior_total <= 0 or alpha0 <= 0:
        return scores
    for term, background in prior.items():
        alpha_w = alpha0 * background / prior_total
        if alpha_w <= 0:
            continue
        y_i, y_j = counts_i.get(term, 0), counts_j.get(term, 0)
        delta = math.log((y_i + alpha_w) / (n_i + alpha0 - y_i - alpha_w)) - math.log(
            (y_j + alpha_w) / (n_j + alpha0 - y_j - alpha_w)
        )
        variance = 1 / (y_i + alpha_w) + 1 / (y_j + alpha_w)
        scores[term] = TermScore(term, y_i, y_j, delta, variance, delta / math.sqrt(variance))
    return scores


def displayable(term: str) -> bool:
    """A term worth showing: no stop word in it, no one-letter word."""
    return not any(is_stop_word(word) for word in term.split(" "))


def top_terms(scores: Iterable[TermScore], side: str, count: int) -> list[TermScore]:
    """The `count` displayable terms leaning furthest to `side` ("official": z > 0), strongest first."""
    sign = 1 if side == "official" else -1
    leaning = [s for s in scores if s.z * sign > 0 and displayable(s.term)]
    return sorted(leaning, key=lambda s: (-abs(s.z), s.term))[:count]


def parse_term(value: str, max_words: int) -> tuple[str, ...]:
    """The words of a term as typed or linked, normalised as the counts are; () if none or too many."""
    words = tuple(t.word for t in tokenize(value))
    return words if 0 < len(words) <= max_words else ()


def trim_left(text: str, width: int) -> str:
    """The last `width` characters of `text`, from a word's start when a space allows."""
    if len(text) <= width:
        return text
    cut = text[-width:]
    space = cut.find(" ")
    return "…" + (cut[space + 1 :] if space >= 0 else cut)


def trim_right(text: str, width: int) -> str:
    """The first `width` characters of `text`, to a word's end when a space allows."""
    if len(text) <= width:
        return text
    cut = text[:width]
    space = cut.rfind(" ")
    return (cut[:space] if space > 0 else cut) + "…"


class Collapsed:
    """`text` with its whitespace collapsed as `" ".join(text.split())` does, and where its offsets land there.

    Keyword-in-context lines read a bounded slice of this either side of each match, in time
    independent of the text's length; collapsing the whole text before and after every match
    made a term's lines quadratic in the length of the passage.
    """

    def __init__(self, text: str):
        self.text = text
        self.joined = " ".join(text.split())
        # Each run of non-space characters: where it starts in the text, and in `joined`.
        self.starts, self.joined_starts = array("q"), array("q")
        at = 0
        for run in NON_SPACE.finditer(text):
            self.starts.append(run.start())
            self.joined_starts.append(at)
            at += run.end() - run.start() + 1

    def offset(self, position: int) -> int:
        """Where `position`, inside a run of non-space characters or at its end, is in `joined`."""
        run = bisect_right(self.starts, position) - 1
        return self.joined_starts[run] + position - self.starts[run]

    def around(self, start: int, end: int, count: int) -> tuple[str, str]:
        """`count` characters, collapsed, either side of text[start:end], which starts and ends with a word.

        A space beside the words is kept, as one space, even when there is nothing else on that side.
        """
        before, after = self.offset(start), self.offset(end)
        # Empty only at either end of `joined`, where the text may still have had spaces.
        left = self.joined[max(0, before - count) : before] or (" " if start > 0 else "")
        right = self.joined[after : after + count] or (" " if end < len(self.text) else "")
        return left, right


def occurrences(text: str, words: tuple[str, ...]) -> list[tuple[int, int]]:
    """Where the term `words` stands in `text`, as (start, end) offsets: its words, joined as ngrams() joins them.

    Only the words found are compared, with no Token made for each word of the text.
    """
    found = list(WORD.finditer(text))
    firsts = [i for i, match in enumerate(found) if fold(match.group()) == words[0]]
    if len(words) == 1:
        return [found[i].span() for i in firsts]
    spans = []
    for first in firsts:
        run = found[first : first + len(words)]
        if (
            len(run) == len(words)
            and tuple(fold(m.group()) for m in run) == words
            and all(JOINER.fullmatch(text, a.end(), b.start()) for a, b in pairwise(run))  # as joined() reads it
        ):
            spans.append((run[0].start(), run[-1].end()))
    return spans


def kwic(words: Sequence[str], sources: Iterable[tuple[object, str]], width: int = 60) -> list[KwicLine]:
    """Every occurrence of the term `words` in the texts, with `width` characters of context each side.

    `sources` pairs something to cite (a passage) with its text. A match follows the counting
    rules: the same normalised words, joined only by spaces or hyphens. Linear in the length of
    the texts: each line reads only its own context.
    """
    words = tuple(words)
    lines = []
    if not words:
        return lines
    for source, text in sources:
        spans = occurrences(text, words)
        if not spans:
            continue
        collapsed = Collapsed(text)
        for start, end in spans:
            # One character more than is shown tells trim_left and trim_right that there is more.
            left, right = collapsed.around(start, end, width + 1)
            lines.append(KwicLine(source, trim_left(left, width), text[start:end], trim_right(right, width)))
    return lines
