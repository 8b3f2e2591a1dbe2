"""The corpus as the term contrast reads it: counted by `manage.py build_indexes` or in the background, stored per text version."""

from dataclasses import dataclass, field

from . import terms
from .analysis.english import NOT_PROSE, is_english_prose
from .models import Passage, Stance


@dataclass(frozen=True)
class Source:
    """A counted passage, with what a keyword-in-context line needs to cite it."""

    key: str
    url: str
    stance: str
    paper_label: str  # "Kingsley Edney (2015)", or a short title when the source names no author
    heading: str
    ordinal: int
    text: str


@dataclass(frozen=True)
class TermIndex:
    version: tuple
    sources: tuple[Source, ...]
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

    def kwic(self, words, stance: str, width: int = 60) -> list[terms.KwicLine]:
        return terms.kwic(words, ((s, s.text) for s in self.sources if s.stance == stance), width)

    def kwic_sides(self, words, limit: int) -> list[dict]:
        """Both sides' lines for a term, each cut to `limit` lines, with how many there are."""
        sides = []
        for stance in (Stance.OFFICIAL, Stance.CRITICAL):
            lines = self.kwic(words, stance) if words else []
            sides.append(
                {
                    "stance": stance.value,
                    "label": stance.label,
                    "lines": {"total": len(lines), "shown": lines[:limit], "truncated": len(lines) > limit},
                }
            )
        return sides


def short_title(paper) -> str:
    """The title up to its colon (the subtitle dropped), in brackets when the editor supplied it."""
    title = paper.title.split(":", 1)[0].strip() or paper.title
    return f"[{title}]" if paper.title_supplied else title


def paper_label(paper) -> str:
    """A paper named briefly: by its authors and year when the source names them, else by its short title."""
    return paper.short_citation if paper.authors else short_title(paper)


def build(version) -> TermIndex:
    passages = (
        Passage.objects.exclude(kind__in=NOT_PROSE)
        .select_related("paper", "section")
        .order_by("paper__order", "paper_id", "section__ordinal", "ordinal")
    )
    sources = tuple(
        Source(
            key=p.key,
            url=p.get_absolute_url(),
            stance=p.paper.stance,
            paper_label=paper_label(p.paper),
            heading=p.section.heading,
            ordinal=p.ordinal,
            text=p.text,
        )
        for p in passages
        if is_english_prose(p)
    )
    counted = {
        stance: terms.count_terms(s.text for s in sources if s.stance == stance)
        for stance in (Stance.OFFICIAL, Stance.CRITICAL)
    }
    (uni_i, bi_i), (uni_j, bi_j) = counted[Stance.OFFICIAL], counted[Stance.CRITICAL]
    # Words and two-word phrases are two vocabularies, each its own multinomial: a phrase does
    # not take probability from its words, and n^i counts words for words, pairs for pairs.
    scores = {**terms.log_odds(uni_i, uni_j), **terms.log_odds(bi_i, bi_j)}
    return TermIndex(
        version=version,
        sources=sources,
        tokens={Stance.OFFICIAL: sum(uni_i.values()), Stance.CRITICAL: sum(uni_j.values())},
        scores=scores,
    )


def empty(version) -> TermIndex:
    """An index over no passages: what a page shows while the first real one is prepared."""
    return TermIndex(version=version, sources=(), tokens={Stance.OFFICIAL: 0, Stance.CRITICAL: 0}, scores={})


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
