"""The corpus as the term contrast reads it: counted by `manage.py build_indexes` or in the background, stored per text version.

The index holds the counts only. A term's lines in context are read from the database when a
reader asks for them (kwic_sides): the full-text index finds the passages that may hold the term,
in reading order, and only as many are read as the lines shown need. Holding every passage's text
in each worker cost some 480 MB at 1,000 papers, and scanning them all for a common word took
half a minute.
"""

from collections import Counter
from dataclasses import dataclass, field

from . import search, terms
from .analysis.english import NOT_PROSE, is_english_prose
from .models import Passage, Stance

# Of one side's passages that may hold a term, the most read for its lines. A term the counts
# know (a word or a two-word phrase) needs only as many as hold the lines shown; a three-word
# term is counted over at most this many, and its count then said to be a floor.
KWIC_SCAN_LIMIT = 2000
KWIC_CHUNK = 100


@dataclass(frozen=True)
class Source:
    """A counted passage, with what a keyword-in-context line needs to cite it."""

    key: str
    url: str
    stance: str
    paper_label: str  # "Kingsley Edney (2015)", or a short title when the source names no author
    heading: str
    ordinal: int


@dataclass(frozen=True)
class TermIndex:
    version: tuple
    source_count: int  # passages counted
    tokens: dict  # stance -> number of running words, n^i
    scores: dict[str, terms.TermScore] = field(repr=False)
    alpha0: float = terms.DEFAULT_ALPHA0
    # A worker answers every request from one index until the texts change, and ranking every
    # term is most of a /terms/ page: each (side, count) is ranked once per index.
    _top: dict = field(default_factory=dict, init=False, repr=False, compare=False)

    def top(self, side: str, count: int) -> list[terms.TermScore]:
        key = (side, count)
        if key not in self._top:
            self._top[key] = terms.top_terms(self.scores.values(), side, count)
        return self._top[key]

    def count(self, words: tuple[str, ...], stance: str) -> int | None:
        """How often the term occurs on a side, if it is a term the index counts (one or two words)."""
        if len(words) > 2:
            return None
        score = self.scores.get(" ".join(words))
        if score is None:
            return 0
        return score.count_i if stance == Stance.OFFICIAL else score.count_j

    def kwic_sides(self, words, limit: int) -> list[dict]:
        """Both sides' lines for a term, each cut to `limit` lines, with how many there are."""
        sides = []
        for stance in (Stance.OFFICIAL, Stance.CRITICAL):
            lines = {"total": 0, "shown": [], "truncated": False, "at_least": False}
            if words:
                lines = kwic_lines(tuple(words), stance, limit, self.count(tuple(words), stance))
            sides.append({"stance": stance.value, "label": stance.label, "lines": lines})
        return sides


def kwic_lines(words: tuple[str, ...], stance: str, limit: int, total: int | None) -> dict:
    """The first `limit` lines of the term on one side, in reading order, and how many there are.

    `total` is the term's count from the index, or None when the index does not count such a
    term: the lines are then counted as they are read, over at most KWIC_SCAN_LIMIT passages.
    The database is read in chunks, and no further than the lines shown and the count need.
    """
    shown: list[terms.KwicLine] = []
    found = 0
    scanned = 0
    if total != 0:
        passages = search.may_contain(
            Passage.objects.filter(paper__stance=stance)
            .exclude(kind__in=NOT_PROSE)
            .select_related("paper", "section")
            .order_by("paper__order", "paper_id", "section__ordinal", "ordinal"),
            words,
        )
        for passage in passages[:KWIC_SCAN_LIMIT].iterator(chunk_size=KWIC_CHUNK):
            scanned += 1
            if not is_english_prose(passage) or not terms.occurrences(passage.text, words):
                continue
            lines = terms.kwic(words, [(source_of(passage), passage.text)])
            found += len(lines)
            shown += lines[: limit - len(shown)]
            # With the count known, no further than the last line shown: a stem's other words
            # ("harmonious" for "harmony") can make the passages that may hold it many more.
            if total is not None and len(shown) >= min(limit, total):
                break
    at_least = total is None and scanned == KWIC_SCAN_LIMIT
    total = found if total is None else total
    return {"total": total, "shown": shown, "truncated": total > len(shown), "at_least": at_least}


def source_of(passage) -> Source:
    return Source(
        key=passage.key,
        url=passage.get_absolute_url(),
        stance=passage.paper.stance,
        paper_label=paper_label(passage.paper),
        heading=passage.section.heading,
        ordinal=passage.ordinal,
    )


def short_title(paper) -> str:
    """The title up to its colon (the subtitle dropped), in brackets when the editor supplied it."""
    title = paper.title.split(":", 1)[0].strip() or paper.title
    return f"[{title}]" if paper.title_supplied else title


def paper_label(paper) -> str:
    """A paper named briefly: by its authors and year when the source names them, else by its short title."""
    return paper.short_citation if paper.authors else short_title(paper)


def build(version) -> TermIndex:
    counted_passages = Counter()

    def texts(stance):
        """A side's English prose, read as it comes: holding every text at once is what a build need not do."""
        passages = (
            Passage.objects.filter(paper__stance=stance)
            .exclude(kind__in=NOT_PROSE)
            .select_related("paper", "section")
            .order_by("pk")
        )
        for passage in passages.iterator(chunk_size=2000):
            if is_english_prose(passage):
                counted_passages[stance] += 1
                yield passage.text

    counted = {stance: terms.count_terms(texts(stance)) for stance in (Stance.OFFICIAL, Stance.CRITICAL)}
    (uni_i, bi_i), (uni_j, bi_j) = counted[Stance.OFFICIAL], counted[Stance.CRITICAL]
    # Words and two-word phrases are two vocabularies, each its own multinomial: a phrase does
    # not take probability from its words, and n^i counts words for words, pairs for pairs.
    scores = {**terms.log_odds(uni_i, uni_j), **terms.log_odds(bi_i, bi_j)}
    return TermIndex(
        version=version,
        source_count=counted_passages.total(),
        tokens={Stance.OFFICIAL: sum(uni_i.values()), Stance.CRITICAL: sum(uni_j.values())},
        scores=scores,
    )


def empty(version) -> TermIndex:
    """An index over no passages: what a page shows while the first real one is prepared."""
    return TermIndex(version=version, source_count=0, tokens={Stance.OFFICIAL: 0, Stance.CRITICAL: 0}, scores={})


def current_version() -> int:
    """The text version: raised by edits of the passages, their sections and papers, in any process."""
    from .models import TextVersion

    return TextVersion.current()


def get_index() -> TermIndex:
    """The index this process holds, stored by `manage.py build_indexes`; never built inside a request.

    One query when it is current. After a text edit the previous index answers until the
    background rebuild is done (readings.analysis.store).
    """
    from .analysis import store

    return store.get("terms")


def status() -> str:
    """Whether get_index() answered from the current texts: store.FRESH, REFRESHING or PREPARING."""
    from .analysis import store

    return store.status("terms")


def clear() -> None:
    """Forget this process's index, as a newly started worker would."""
    from .analysis import store

    store.forget("terms")
