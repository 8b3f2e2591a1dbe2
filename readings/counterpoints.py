"""Counterpoints: passages of the other stance that speak to the same matter, ranked from their wording alone.

The ranking is TF-IDF cosine similarity over Snowball-stemmed words and two-word phrases, with
sublinear term frequency and a residual-IDF boost for words that cluster in a few passages
(Church and Gale, 1995): words spread evenly through the corpus ("soft power", "China",
"cultural" here) carry little weight, words a passage dwells on carry more. A critical passage's
vector is length-normalised with a pivot (Singhal, Buckley and Mitra, 1996), so a long critical
paragraph is not pushed down as hard as plain cosine would push it. Curated contrasts are not
an input. The index is an inverted list per stance, so a query only touches the
passages of the other stance that share a term with it; it is built by `manage.py build_indexes`
(or in the background after a text edit) and stored per text version (readings.analysis.store).
"""

from __future__ import annotations

import heapq
import itertools
import math
import re
from array import array
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass

from .analysis.english import is_prose
from .analysis.stemming import stem
from .analysis.stopwords import is_stop_word
from .analysis.tokens import joined, sentence_starts, tokenize
from .models import Passage, Stance

# ---------------------------------------------------------------------------------------------
# Terms: the shared tokenizer, stop words and Snowball stemmer (readings.analysis), plus phrases.

# "(Nye, 2011, pp. 20-21)" and "[1, p.104]": who is cited is not what a passage is about.
AUTHOR_YEAR_CITATION = re.compile(r"\([^()]*\b(?:1[89]|20)\d\d\b[^()]*\)")
NUMBERED_CITATION = re.compile(r"\[[\d\s,.;:\-p]*\]")

PHRASE_SEPARATOR = " "
SHARED_TERMS_SHOWN = 5


class Analyzer:
    """Turns text into terms: Snowball stems, and two-word phrases of adjacent content words."""

    def __init__(self):
        self._stems: dict[str, str | None] = {}

    def _stem(self, word: str) -> str | None:
        """The stem of a folded word, or None for a stop word; remembered, as words recur."""
        stemmed = self._stems.get(word, "")
        if stemmed == "":
            stemmed = self._stems[word] = None if is_stop_word(word) else stem(word)
        return stemmed

    def terms(self, text: str, spellings: dict[str, Counter] | None = None) -> Counter:
        """Each term's count; `spellings`, if given, collects how the text writes each term."""
        text = NUMBERED_CITATION.sub(" ", AUTHOR_YEAR_CITATION.sub(" ", text))
        tokens = tokenize(text)
        stems = [self._stem(token.word) for token in tokens]
        counts = Counter(s for s in stems if s)
        phrases = [
            k
            for k, (a, b) in enumerate(itertools.pairwise(stems))
            if a and b and a != b and joined(text, tokens[k], tokens[k + 1])
        ]
        counts.update(stems[k] + PHRASE_SEPARATOR + stems[k + 1] for k in phrases)
        if spellings is not None:
            # A capital that only starts a sentence says nothing about how a term is written.
            written = [
                token.word if first else text[token.start : token.end].replace("’", "'")
                for token, first in zip(tokens, sentence_starts(text, tokens), strict=True)
            ]
            for term, form in zip(stems, written, strict=True):
                if term:
                    spellings.setdefault(term, Counter())[form] += 1
            for k in phrases:
                term = stems[k] + PHRASE_SEPARATOR + stems[k + 1]
                spellings.setdefault(term, Counter())[f"{written[k]} {written[k + 1]}"] += 1
        return counts


def spelling(term: str, spellings: dict[str, Counter]) -> str:
    """How a text writes a term: lower case unless the text always capitalises it."""
    forms = spellings.get(term)
    if not forms:
        return term
    lowered: Counter = Counter()
    for form, count in forms.items():
        lowered[form.lower()] += count
    best = lowered.most_common(1)[0][0]
    variants = [form for form in forms if form.lower() == best]
    if all(form != best for form in variants):
        return max(variants, key=lambda form: forms[form])
    return best


# ---------------------------------------------------------------------------------------------
# The index: plain Python over Documents, so it can be tested and reused without the database.

MIN_WORDS = 12  # a heading-like line or "Keywords: ..." says too little to be suggested
COMMON_TERM_SHARE = 0.1  # see CounterpointIndex._matching_lists
COMMON_TERM_FLOOR = 1000

# Pivoted length normalisation (Singhal, Buckley and Mitra, "Pivoted document length
# normalization", SIGIR 1996): a passage's vector is divided by (1 - slope) * pivot + slope * its
# length (the Euclidean norm of its weights), the pivot being the mean length over its stance.
# Slope 1 is plain cosine; below 1, long passages lose less to their length. Cosine
# under-ranks long passages that are relevant: the critical passages instructors paired are a
# third longer than the average critical passage (196 words against 146), the official ones are
# of average length (127 against 131). So the slope is set per stance, as Singhal set it per
# collection, chosen on the curated contrasts with leave-one-theme-out (README, "How good are the
# counterpoints"): 0.5 for critical passages (0.2 to 0.7 all do better than cosine), cosine for
# official ones (no other slope found more of their pairs at both five and ten, and cosine ranks
# them best by mean reciprocal rank). A stance not named keeps cosine. Scores of critical
# passages are then no longer cosines, but they are only compared with each other.
LENGTH_PIVOT_SLOPE = {Stance.CRITICAL.value: 0.5}


@dataclass(frozen=True)
class Document:
    pk: int
    stance: str
    text: str
    kind: str = "body"
    language: str = "en"  # the passage's own language, else its section's, else its paper's


def is_candidate(document: Document) -> bool:
    """Whether a passage may be suggested: English body text of some length, not a reference or caption."""
    return is_prose(document.kind, document.language) and len(document.text.split()) >= MIN_WORDS


@dataclass(frozen=True)
class Match:
    pk: int
    score: float
    shared_terms: tuple[str, ...]


class Postings:
    """One stance's inverted lists, flat: the passages holding a term, ascending, and their weights.

    Three arrays in all, whatever the number of terms: a term's slot gives `starts[slot]` to
    `starts[slot + 1]` in `numbers` (32-bit passage numbers) and `weights` (32-bit floats, ample
    for a ranking). A pair of arrays per term, 64-bit, made a worker hold some 600 MB at 1,000
    papers. Lists longer than `longest` are dropped: no query reads them (_matching_lists).
    """

    def __init__(self, lists: dict[str, tuple[array, array]], longest: float):
        self.slots: dict[str, int] = {}
        self.starts = array("Q", [0])
        self.numbers = array("I")
        self.weights = array("f")
        for term, (numbers, weights) in lists.items():
            if len(numbers) > longest:
                continue
            self.slots[term] = len(self.slots)
            self.numbers.extend(numbers)
            self.weights.extend(weights)
            self.starts.append(len(self.numbers))

    def span(self, term: str) -> tuple[int, int] | None:
        """Where the term's passages are in `numbers` and `weights`, or None if it has no list kept."""
        slot = self.slots.get(term)
        return None if slot is None else (self.starts[slot], self.starts[slot + 1])

    def __len__(self):
        return len(self.slots)


class CounterpointIndex:
    """Inverted lists of weighted terms, one set per stance, over the passages that may be suggested."""

    def __init__(self, documents):
        self.analyzer = Analyzer()
        # Each passage's terms as slots in one vocabulary and their counts, in arrays: a Counter
        # per passage made building the index at 1,000 papers peak at 1.6 GB, in whichever worker
        # rebuilds it in the background. The texts are read once, as they come.
        vocabulary: dict[str, int] = {}
        document_frequency, collection_frequency = array("L"), array("Q")
        passages = []  # (pk, stance, term slots, their counts), in primary-key order once sorted
        for document in documents:
            if not is_candidate(document):
                continue
            counts = self.analyzer.terms(document.text)
            slots, numbers = array("I"), array("I")
            for term, count in counts.items():
                slot = vocabulary.setdefault(term, len(vocabulary))
                if slot == len(document_frequency):
                    document_frequency.append(0)
                    collection_frequency.append(0)
                document_frequency[slot] += 1
                collection_frequency[slot] += count
                slots.append(slot)
                numbers.append(count)
            passages.append((document.pk, document.stance, slots, numbers))
        # In primary-key order, so that a passage's number is found by bisection (number()).
        passages.sort(key=lambda passage: passage[0])
        self.pks = array("q", (pk for pk, *_ in passages))
        self.size = len(passages)
        stances = [stance for _, stance, *_ in passages]
        self.stance_sizes = Counter(stances)
        self.term_weight = {
            term: self._term_weight(document_frequency[slot], collection_frequency[slot])
            for term, slot in vocabulary.items()
        }
        weight_of = list(self.term_weight.values())  # by slot: the dict keeps the vocabulary's order

        def weights(slots, counts):
            return ((1 + math.log(count)) * weight_of[slot] for slot, count in zip(slots, counts, strict=True))

        lengths = [math.sqrt(sum(w * w for w in weights(slots, counts))) for _, _, slots, counts in passages]
        pivots = self._pivots(stances, lengths)
        lists: dict[str, dict[int, tuple[array, array]]] = defaultdict(dict)
        for number, ((_, stance, slots, counts), length) in enumerate(zip(passages, lengths, strict=True)):
            passages[number] = None  # done with: let it go as the lists grow
            if not length:
                continue
            slope = LENGTH_PIVOT_SLOPE.get(stance, 1.0)
            divisor = (1 - slope) * pivots[stance] + slope * length
            stance_lists = lists[stance]
            for slot, weight in zip(slots, weights(slots, counts), strict=True):
                entry = stance_lists.get(slot)
                if entry is None:
                    entry = stance_lists[slot] = (array("I"), array("f"))
                entry[0].append(number)
                entry[1].append(weight / divisor)
        terms = list(vocabulary)
        # stance -> its inverted lists, flat (Postings)
        self.postings: dict[str, Postings] = {
            stance: Postings({terms[slot]: entry for slot, entry in stance_lists.items()}, self.longest_list(stance))
            for stance, stance_lists in lists.items()
        }

    def longest_list(self, stance: str) -> float:
        """The most passages of `stance` a term may be in and still be matched: see _matching_lists."""
        return max(COMMON_TERM_FLOOR, COMMON_TERM_SHARE * self.stance_sizes[stance])

    def number(self, pk: int | None) -> int | None:
        """The passage's number in the index (its place in `pks`), or None if it is not a candidate."""
        at = bisect_left(self.pks, pk) if pk is not None else len(self.pks)
        return at if at < len(self.pks) and self.pks[at] == pk else None

    def _term_weight(self, df: int, cf: int) -> float:
        n = self.size
        idf = math.log((n + 1) / (df + 0.5))
        # Residual IDF: how much rarer across passages the term is than chance scattering of its
        # occurrences would make it. Positive for a term a passage dwells on, about 0 for filler.
        expected_df = n * (1 - math.exp(-cf / n))
        residual = math.log2(expected_df / df) if expected_df > 0 else 0.0
        return idf * (1 + max(residual, 0.0))

    def weights(self, counts: Counter) -> dict[str, float]:
        """Sublinear term frequency times term weight, over terms the index knows."""
        return {
            term: (1 + math.log(count)) * self.term_weight[term]
            for term, count in counts.items()
            if term in self.term_weight
        }

    @staticmethod
    def length(weights: dict[str, float]) -> float:
        return math.sqrt(sum(w * w for w in weights.values()))

    @staticmethod
    def _pivots(stances, lengths) -> dict[str, float]:
        """The mean vector length of each stance's passages: the pivot of their length normalisation."""
        totals: Counter = Counter()
        counts: Counter = Counter()
        for stance, length in zip(stances, lengths, strict=True):
            if length:
                totals[stance] += length
                counts[stance] += 1
        return defaultdict(float, {stance: totals[stance] / counts[stance] for stance in counts})

    def vector(self, counts: Counter) -> dict[str, float]:
        """A unit vector of sublinear term frequency times term weight: a query's vector."""
        vector = self.weights(counts)
        norm = self.length(vector)
        return {term: w / norm for term, w in vector.items()} if norm else {}

    def rank(self, text: str, stance: str, top: int = 5, exclude: int | None = None) -> list[Match]:
        """The passages not of `stance` most like `text`, best first, each with the terms it shares."""
        spellings: dict[str, Counter] = {}
        query = self.vector(self.analyzer.terms(text, spellings))
        scores: dict[int, float] = defaultdict(float)
        for postings, start, end, weight, _ in self._matching_lists(query, stance):
            for number, document_weight in zip(postings.numbers[start:end], postings.weights[start:end], strict=True):
                scores[number] += weight * document_weight
        scores.pop(self.number(exclude), None)
        best = heapq.nlargest(top, scores.items(), key=lambda item: (item[1], -item[0]))
        return [
            Match(self.pks[n], score, self.shared_terms(query, n, stance, spellings)) for n, score in best if score > 0
        ]

    def _matching_lists(self, query: dict[str, float], stance: str):
        """(postings, start, end, the query's weight, term) for each query term in the other stances' lists.

        In a large corpus a term found in more than a tenth of a stance's passages is left out:
        it cannot tell them apart, and its list would be most of the work. Such lists are not
        even kept (Postings). (The shipped corpus is far too small for any term to be left out.)
        """
        for other, postings in self.postings.items():
            if other == stance:
                continue
            for term, weight in query.items():
                found = postings.span(term)
                if found is not None:
                    yield postings, *found, weight, term

    def shared_terms(self, query, number, stance, spellings) -> tuple[str, ...]:
        """What a passage shares with the query, the heaviest first, as the query writes them.

        A phrase stands for its words: "cultural security", not also "security".
        """
        contributions = []
        for postings, start, end, weight, term in self._matching_lists(query, stance):
            at = bisect_left(postings.numbers, number, start, end)
            if at < end and postings.numbers[at] == number:
                contributions.append((weight * postings.weights[at], term))
        contributions.sort(key=lambda item: (-item[0], item[1]))
        shown: list[str] = []
        covered: set[str] = set()
        for _, term in contributions:
            if term in covered:
                continue
            words = term.split(PHRASE_SEPARATOR)
            if len(words) > 1:
                shown = [t for t in shown if t not in words]
                covered.update(words)
            shown.append(term)
            covered.add(term)
            if len(shown) == SHARED_TERMS_SHOWN:
                break
        return tuple(spelling(term, spellings) for term in shown)


# ---------------------------------------------------------------------------------------------
# The corpus in the database: the index cached per process, and passages fetched for display.


@dataclass(frozen=True)
class Counterpoint:
    passage: object  # readings.models.Passage, with paper and section loaded
    score: float
    shared_terms: tuple[str, ...]


def corpus_fingerprint() -> int:
    """The text version: raised by edits of passages, their sections and papers, in any process. One cheap query."""
    from .models import TextVersion

    return TextVersion.current()


def build_index() -> CounterpointIndex:
    """Every passage, in one query."""
    rows = Passage.objects.order_by("pk").values_list(
        "pk", "paper__stance", "kind", "lang", "section__lang", "paper__language", "text"
    )
    return CounterpointIndex(
        Document(pk, stance, text, kind, lang or section_lang or paper_language)
        for pk, stance, kind, lang, section_lang, paper_language, text in rows.iterator(chunk_size=2000)
    )


def empty_index(version=None) -> CounterpointIndex:
    """An index over no passages: what a page shows while the first real one is prepared."""
    return CounterpointIndex([])


def current_index() -> CounterpointIndex:
    """The index this process holds, stored by `manage.py build_indexes`; never built inside a request.

    One query when it is current; after a text edit the previous index answers until the
    background rebuild is done (readings.analysis.store).
    """
    from .analysis import store

    return store.get("counterpoints")


def index_status() -> str:
    """Whether current_index() answered from the current texts: store.FRESH, REFRESHING or PREPARING."""
    from .analysis import store

    return store.status("counterpoints")


def forget_index(**kwargs):
    """Forget this process's index, as a newly started worker would."""
    from .analysis import store

    store.forget("counterpoints")


def counterpoints_for_many(passages, top: int = 5) -> dict[int, list[Counterpoint]]:
    """Each passage's counterpoints, best first; three queries however many passages and suggestions."""
    passages = list(passages)
    if not passages:
        return {}
    from .analysis import store

    index = current_index()
    matches = {
        p.pk: store.remembered(
            index, (p.pk, p.text, p.paper.stance, top), lambda p=p: index.rank(p.text, p.paper.stance, top, p.pk)
        )
        for p in passages
    }
    wanted = {m.pk for found in matches.values() for m in found}
    by_pk = Passage.objects.select_related("paper", "section").in_bulk(wanted)
    return {
        pk: [Counterpoint(by_pk[m.pk], round(m.score, 4), m.shared_terms) for m in found if m.pk in by_pk]
        for pk, found in matches.items()
    }


def counterpoints_for(passage, top: int = 5) -> list[Counterpoint]:
    return counterpoints_for_many([passage], top)[passage.pk]


def contrast_suggestions_html(contrast, top: int = 5) -> str:
    """For the admin: each passage on a contrast with its counterpoints, so the other side can be picked."""
    from django.template.loader import render_to_string

    sides = []
    if contrast.pk:
        sides = list(
            contrast.contrast_passages.select_related("passage__paper", "passage__section").order_by("side", "order")
        )
    found = counterpoints_for_many([side.passage for side in sides], top=top)
    for side in sides:
        side.suggestions = found[side.passage.pk]
    on_contrast = {side.passage.pk for side in sides}
    return render_to_string("readings/_counterpoint_suggestions.html", {"sides": sides, "on_contrast": on_contrast})


def curated_counterparts(passage) -> list:
    """The published contrasts of published public themes that set `passage` against others, with those others.

    Shown beside the suggestions, labelled as curated, never mixed into the ranking. One query:
    the other side's rows of those contrasts, each with its contrast, theme, passage, paper and
    section; each contrast comes back once, its `counterparts` the other side's passages.
    """
    from .models import Contrast, ContrastPassage

    contrasts = Contrast.objects.filter(
        is_published=True, theme__is_published=True, theme__seminar__isnull=True, contrast_passages__passage=passage
    ).values("pk")
    rows = (
        ContrastPassage.objects.filter(contrast__in=contrasts)
        .exclude(side=passage.paper.stance)
        .select_related("contrast__theme", "passage__paper", "passage__section")
        .order_by("contrast__theme__order", "contrast__order", "order")
    )
    found: dict[int, object] = {}
    for row in rows:
        contrast = found.setdefault(row.contrast_id, row.contrast)
        contrast.__dict__.setdefault("counterparts", []).append(row)
    return list(found.values())
