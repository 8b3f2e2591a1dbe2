"""Full-text search over passages: FTS5 on SQLite, tsvector on PostgreSQL, one entry point."""

import hashlib
import re
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.core.cache import caches
from django.core.paginator import Page, Paginator
from django.db import connection
from django.db.models import Func, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .analysis import fold, stem
from .models import ContentVersion, ContrastPassage, Passage, Stance
from .search_syntax import WORD, ParsedQuery, Term, fts5_query, parse_query, query_text, tsquery_any

SNIPPET_TOKENS = 32
PAGE_SIZE = 50
# Relevance is computed for at most this many matching passages, the first the index yields.
# A query matching tens of thousands of passages in a large library is then still answered
# in milliseconds, and the reader is told to narrow it; the five-paper corpus never gets near.
RANK_WINDOW = 1000

FTS_TABLE = "readings_passage_fts"  # created by migration 0003, stemming since 0014
# The database marks matched terms with these private-use characters; escape_snippet() turns
# them into <mark> after escaping everything else, so no text can smuggle markup through.
MARK_START, MARK_END = "\ue000", "\ue001"
# ts_headline drops whatever its parser reads as an HTML tag; it is given the text with "<"
# swapped for this character, so it sees no tags, and the swap is undone before escaping.
LESS_THAN = "\ue002"


@dataclass(frozen=True)
class SearchHit:
    passage: Passage
    snippet: SafeString


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int
    page: Page = field(default_factory=lambda: Paginator([], PAGE_SIZE).page(1))
    exclusions_only: bool = False
    cut: bool = False

    def __iter__(self):
        return iter(self.hits)

    def __len__(self):
        return len(self.hits)

    @property
    def truncated(self) -> bool:
        return self.total > len(self.hits)

    @property
    def capped(self) -> bool:
        """More passages match than relevance was computed for (see RANK_WINDOW)."""
        return self.total > RANK_WINDOW

    @property
    def window(self) -> int:
        return RANK_WINDOW

    @property
    def window_display(self) -> str:
        return f"{RANK_WINDOW:,}"

    @property
    def pages(self) -> int:
        return self.page.paginator.num_pages if self.total else 0


def search_passages(query: str, *, stance=None, paper=None, theme=None, page=1, typing=True) -> SearchResults:
    """One page of the passages matching `query`, most relevant first, with paper and section loaded.

    `stance` is a Stance value, `paper` and `theme` slugs; an unknown stance is ignored, and
    slugs are expected to be checked by the caller (readings.forms.SearchForm does). `page`
    is read as Paginator.get_page reads it: anything not a page number is the first page, a
    number past the end the last. `typing` says the query comes from a search box, whose last
    word may be unfinished (see parse_query). Two queries on SQLite and on PostgreSQL, however
    many passages match and whichever page.
    """
    parsed = parse_query(query or "", typing=typing)
    if not parsed:
        return SearchResults(query=query_text(parsed), hits=[], total=0, exclusions_only=bool(parsed.excluded))
    if not settings.READING_ROOM_SEARCH_CACHE:
        return _search(parsed, stance, paper, theme, page)
    # The same search asked again (a seminar searches for the same words; a reader pages back and
    # forth) is answered from this process's cache, signed in or not: one indexed read of the
    # content version, which any edit of a passage, theme or contrast raises, so a kept page is
    # never stale. A first search costs what it costs (`make bench`: search_cold_p95_ms).
    asked = hashlib.sha256(repr((parsed, stance, paper, theme, str(page)[:20])).encode()).hexdigest()
    key = f"search:{ContentVersion.current()}:{asked}"
    kept = caches["search"].get(key)
    if kept is None:
        results = _search(parsed, stance, paper, theme, page)
        # The passages' keys and excerpts, not the passages: pickling fifty model instances cost
        # a first search 6 ms, and fetching them again by key costs a kept one 2.
        hits = [(hit.passage.pk, str(hit.snippet)) for hit in results.hits]
        caches["search"].set(key, (hits, results.total, results.page.number))
        return results
    hits, total, number = kept
    by_id = Passage.objects.with_context().in_bulk([pk for pk, _ in hits])
    return SearchResults(
        query=query_text(parsed),
        # Escaped when made (excerpt, escape_snippet), and kept in this process only.
        hits=[SearchHit(by_id[pk], mark_safe(snippet)) for pk, snippet in hits if pk in by_id],
        total=total,
        page=page_of(total, number),
        cut=parsed.cut,
    )


def _search(parsed: ParsedQuery, stance, paper, theme, page) -> SearchResults:
    passages = filtered_passages(stance=stance, paper=paper, theme=theme)
    if connection.vendor == "sqlite":
        search = _search_sqlite
    elif connection.vendor == "postgresql":
        search = _search_postgresql
    else:
        raise NotImplementedError(f"no full-text search for {connection.vendor}")
    hits, total, shown = search(parsed, passages, page)
    return SearchResults(query=query_text(parsed), hits=hits, total=total, page=shown, cut=parsed.cut)


def page_of(total: int, page) -> Page:
    """The page asked for among the ranked window's pages (the first if `page` is not a number)."""
    return Paginator(range(min(total, RANK_WINDOW)), PAGE_SIZE).get_page(page)


def filtered_passages(*, stance=None, paper=None, theme=None) -> QuerySet:
    passages = Passage.objects.order_by()
    if stance in Stance.values:
        passages = passages.filter(paper__stance=stance)
    if paper:
        passages = passages.filter(paper__slug=paper)
    if theme:
        in_theme = ContrastPassage.objects.published().filter(contrast__theme__slug=theme).values("passage_id")
        passages = passages.filter(id__in=in_theme)
    return passages


def _search_sqlite(parsed, passages, page):
    # Match first, join after: FTS5 finds the first rowids of a bounded window, which are
    # ranked in Python (rank_window); the page's passages are then fetched by primary key and
    # excerpted. Filters narrow the rowids through a subquery built by the ORM; the unary +
    # keeps SQLite from handing `rowid IN` to FTS5 as one lookup per listed row. One row more
    # than the window tells a full window from a capped one.
    match = fts5_query(parsed)
    where, filter_params = f"{FTS_TABLE} MATCH %s", [match]
    if passages.query.where:
        filter_sql, params = passages.values("id").query.sql_with_params()
        where += f" AND +rowid IN ({filter_sql})"
        filter_params += list(params)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id, substr(text, 1, %s), length(text) FROM readings_passage "
            f"WHERE id IN (SELECT rowid FROM {FTS_TABLE} WHERE {where} LIMIT %s)",
            [RANK_TEXT_LENGTH, *filter_params, RANK_WINDOW + 1],
        )
        window = cursor.fetchall()
    total = len(window)
    shown = page_of(total, page)
    if not total:
        return [], 0, shown
    window.sort()  # the first RANK_WINDOW rowids are ranked, as the index yields them
    ranked = rank_window(window[:RANK_WINDOW], parsed)[shown.start_index() - 1 : shown.end_index()]
    by_id = Passage.objects.with_context().in_bulk(ranked)
    hits = [SearchHit(by_id[rowid], excerpt(by_id[rowid].text, parsed)) for rowid in ranked if rowid in by_id]
    return hits, total, shown


# Of a passage, the characters read to rank it: the matched words are counted in them, so the
# cost of ranking is bounded by the window, whatever the length of the passages.
RANK_TEXT_LENGTH = 2000
BM25_K1, BM25_B = 1.2, 0.75


def rank_window(rows, parsed: ParsedQuery) -> list[int]:
    """The ids of (id, start of text, length) rows, most relevant first: BM25 without the IDF.

    FTS5's bm25() first counts, for every term, each passage of the library that holds it:
    with stemming a common word's stem is in most of a large library, and that count cost up
    to 200 ms a query at 1,000 papers. Here every word of the query weighs the same and the
    work is bounded by the window: a passage ranks by how often it says each matched word,
    with diminishing returns, for its length; ties in reading order. A word is counted where
    its stem (or prefix) occurs in the lower-cased text, a count str.count makes in C: close
    enough to order a window, and exact words are still what FTS5 matched.
    """
    heads = rank_heads(parsed)
    average = sum(length for _, _, length in rows) / len(rows) or 1
    scored = []
    for pk, text, length in rows:
        text = text.lower()
        norm = BM25_K1 * (1 - BM25_B + BM25_B * length / average)
        score = 0.0
        for head in heads:
            if n := text.count(head):
                score += n * (BM25_K1 + 1) / (n + norm)
        scored.append((-score, pk))
    scored.sort()
    return [pk for _, pk in scored]


def rank_heads(parsed: ParsedQuery) -> tuple[str, ...]:
    """What rank_window counts for each word of the query: its stem, less a final "i" that the word
    may spell "y" ("happi", "happy"), or the prefix; and the words as typed, side by side."""
    stems, prefixes = query_stems(parsed)
    heads = {s[:-1] if s.endswith("i") and len(s) > 3 else s for s in stems} | set(prefixes)
    # The words typed side by side count once more where the text has them so: a passage on
    # "cultural security" before one that says "culture" often and "security" once.
    words = [fold(clause[0].words[0]) for clause in parsed.clauses if len(clause) == 1 and not clause[0].prefix]
    if len(words) > 1 and all(len(clause) == 1 and len(clause[0].words) == 1 for clause in parsed.clauses):
        heads.add(" ".join(words))
    return tuple(sorted(heads))


@lru_cache(maxsize=65_536)
def stemmed(word: str) -> str:
    """The stem of a folded word; words repeat, and the pure-Python stemmer is the cost of an excerpt."""
    return stem(word)


def best_window(tokens, hits) -> int:
    """Where the excerpt starts: the window that shows the most different matched words.

    Each hit proposes the window that starts a little before it. The windows only move forward,
    so one pass keeps a count of the matched words inside the window as it slides: linear in the
    hits, where comparing every hit with every other took minutes on one huge paragraph.
    """
    words = [fold(tokens[i].group()) for i in hits]
    inside = Counter()
    entering = leaving = 0  # hits[leaving:entering] are inside the window
    best, best_count = 0, -1
    for hit in hits:
        first = max(0, hit - SNIPPET_TOKENS // 4)
        while entering < len(hits) and hits[entering] < first + SNIPPET_TOKENS:
            inside[words[entering]] += 1
            entering += 1
        while hits[leaving] < first:
            inside[words[leaving]] -= 1
            if not inside[words[leaving]]:
                del inside[words[leaving]]
            leaving += 1
        if len(inside) > best_count:
            best, best_count = first, len(inside)
    return best


@lru_cache(maxsize=256)
def query_stems(parsed: ParsedQuery) -> tuple[frozenset[str], tuple[str, ...]]:
    """The stems of the query's words, and its prefixes, folded.

    Kept per query: each of a page's fifty excerpts asks twice (matcher, candidate_hits).
    """
    stems, prefixes = set(), []
    for term in parsed.terms:
        whole = term.words[:-1] if term.prefix else term.words
        stems.update(stemmed(fold(word)) for word in whole)
        if term.prefix:
            prefix = fold(term.words[-1])
            prefixes.append(prefix)
            stems.add(stemmed(prefix))  # the index stems a prefix too: "infiltration*" is "infiltr*"
    return frozenset(stems), tuple(prefixes)


def matcher(parsed: ParsedQuery):
    """Whether a folded word of the text is one the query matched: same stem, or the start of a prefix."""
    stems, prefixes = query_stems(parsed)
    stem_prefixes = tuple(stems.intersection(stemmed(p) for p in prefixes))
    # Only words that begin as a stem does are stemmed: the pure-Python stemmer is most of the cost.
    heads = tuple(s[:-1] or s for s in stems)

    def matches(word: str) -> bool:
        if prefixes and word.startswith(prefixes):
            return True
        if not word.startswith(heads):
            return False
        word_stem = stemmed(word)
        return word_stem in stems or bool(stem_prefixes and word_stem.startswith(stem_prefixes))

    return matches


def candidate_hits(text: str, tokens, parsed: ParsedQuery):
    """The indexes of the tokens that may be matched words: those that begin as a query word's stem
    or prefix does, found by one regular-expression pass in C over the folded text.

    Folding and testing every word of a long passage in Python was most of a search's time.
    """
    stems, prefixes = query_stems(parsed)
    heads = {s[:-1] or s for s in stems} | set(prefixes)
    if not text.isascii():
        # Folded character for character, so that offsets stay those of the text; only letters
        # (and apostrophes) can be part of a head, so typographic quotes and dashes alone need none.
        table = {ord(ch): folded_character(ch) for ch in set(NON_ASCII.findall(text)) if ch.isalpha() or ch == "’"}
        if table and (any(ch != "’" for ch in map(chr, table)) or any("'" in head for head in heads)):
            text = text.translate(table)
    found = []
    for match in heads_pattern(tuple(sorted(heads))).finditer(text):
        # The token that starts where the head does, if one does: found by bisection, with no
        # list of every token's start made first.
        at = bisect_left(tokens, match.start(), key=re.Match.start)
        if at < len(tokens) and tokens[at].start() == match.start():
            found.append(at)
    return found


NON_ASCII = re.compile(r"[^\x00-\x7f]")


@lru_cache(maxsize=4096)
def folded_character(ch: str) -> str:
    """A character as fold() folds it within a word, if that is one character; else itself."""
    folded = fold(ch)
    return folded if len(folded) == 1 else ch


@lru_cache(maxsize=1024)
def heads_pattern(heads: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(re.escape(head) for head in heads), re.IGNORECASE)


def excerpt(text: str, parsed: ParsedQuery) -> SafeString:
    """About SNIPPET_TOKENS words of `text` around the first match, matched words marked."""
    matches = matcher(parsed)
    tokens = list(WORD.finditer(text))
    hits = [i for i in candidate_hits(text, tokens, parsed) if matches(fold(tokens[i].group()))]
    first = best_window(tokens, hits)
    window = tokens[first : first + SNIPPET_TOKENS]
    if not window:
        return mark_safe(escape(text[:200]))
    marked = set(hits)
    # The excerpt runs to the next word it leaves out, so closing punctuation stays with it.
    start = window[0].start() if first else 0
    stop = tokens[first + SNIPPET_TOKENS].start() if first + SNIPPET_TOKENS < len(tokens) else len(text)
    while stop > start and text[stop - 1].isspace():
        stop -= 1
    pieces, at = [], start
    for i, token in enumerate(tokens[first : first + SNIPPET_TOKENS], first):
        if i in marked:
            pieces.append(escape(text[at : token.start()]) + "<mark>" + escape(token.group()) + "</mark>")
            at = token.end()
    pieces.append(escape(text[at:stop]))
    html = "".join(pieces)
    if start > 0:
        html = "… " + html
    if stop < len(text.rstrip()):
        html += " …"
    return mark_safe(html)


class EnglishTextVector(Func):
    """to_tsvector('english', text), written exactly as migration 0003 indexes it.

    SearchVector wraps its column in COALESCE, which the index expression does not have, so
    the planner would not use the index for it; the config is in the template, not a
    parameter, so the expression is identical whatever the driver's parameter binding.
    """

    template = "to_tsvector('english'::regconfig, %(expressions)s)"
    output_field = SearchVectorField()


def postgresql_query(parsed: ParsedQuery) -> SearchQuery:
    """The included terms as one to_tsquery('english', ...): clauses ANDed, a clause's terms ORed."""
    return SearchQuery(tsquery_text(parsed), search_type="raw", config="english")


def tsquery_text(parsed: ParsedQuery) -> str:
    return " & ".join(tsquery_any(clause) for clause in parsed.clauses)


def postgresql_exclusion(parsed: ParsedQuery) -> SearchQuery | None:
    """The excluded terms, any of which rules a passage out; kept apart from postgresql_query
    because PostgreSQL drops stop words: `the -china` as one tsquery would be `!china`, which
    matches nearly everything, where apart it is a search for nothing."""
    if not parsed.excluded:
        return None
    return SearchQuery(tsquery_any(parsed.excluded), search_type="raw", config="english")


def _search_postgresql(parsed, passages, page):
    query, exclusion = postgresql_query(parsed), postgresql_exclusion(parsed)
    # Match first through the GIN index, then rank and excerpt a bounded window: ts_rank and
    # ts_headline read the whole text, which is what made a broad query slow on a large library.
    matching = passages.alias(document=EnglishTextVector("text")).filter(document=query)
    if exclusion is not None:
        matching = matching.exclude(document=exclusion)
    matching = matching.values("id")
    total = matching[: RANK_WINDOW + 1].count()
    shown = page_of(total, page)
    if not total:
        return [], 0, shown
    window = Passage.objects.filter(id__in=matching[:RANK_WINDOW])
    ranked = (
        window.with_context()
        .annotate(
            rank=SearchRank(EnglishTextVector("text"), query),
            headline=SearchHeadline(
                Replace("text", Value("<"), Value(LESS_THAN)),
                query,
                config="english",
                start_sel=MARK_START,
                stop_sel=MARK_END,
                max_words=SNIPPET_TOKENS,
            ),
        )
        .order_by("-rank", "id")[shown.start_index() - 1 : shown.end_index()]
    )
    hits = [
        SearchHit(passage, escape_snippet(passage.headline.replace(LESS_THAN, "<"), passage.text)) for passage in ranked
    ]
    return hits, total, shown


def escape_snippet(snippet: str, text: str) -> SafeString:
    """The database's excerpt as HTML: all text escaped, marked terms in <mark>, cuts shown by an ellipsis.

    The markers come from the database, so a passage that itself contained one could only move
    a <mark>, never open a tag; such a passage is shown unmarked all the same.
    """
    if MARK_START in text or MARK_END in text:
        snippet = snippet.replace(MARK_START, "").replace(MARK_END, "")
    html, marked = [], False
    for piece in re.split(f"([{MARK_START}{MARK_END}])", snippet):
        if piece == MARK_START and not marked:
            html.append("<mark>")
            marked = True
        elif piece == MARK_END and marked:
            html.append("</mark>")
            marked = False
        elif piece not in (MARK_START, MARK_END):
            html.append(escape(piece))
    if marked:
        html.append("</mark>")
    plain = snippet.replace(MARK_START, "").replace(MARK_END, "").strip()
    start = text.find(plain)
    if start > 0:
        html.insert(0, "… ")
    if start >= 0 and start + len(plain) < len(text.rstrip()):
        html.append(" …")
    return mark_safe("".join(html))


def may_contain(passages: QuerySet, words: tuple[str, ...]) -> QuerySet:
    """`passages` narrowed, through the full-text index, to those that may hold `words` in this order.

    For the lines of a term in context (readings.term_index): a superset, as the index stems
    and splits words at apostrophes, which the caller checks word for word. On PostgreSQL a
    phrase of stop words only is no query at all for the index; `passages` is then left whole
    (such words are everywhere, so the caller's first chunks hold its lines).
    """
    parsed = ParsedQuery(clauses=((Term(tuple(WORD.findall(" ".join(words)))),),))
    if not parsed.clauses[0][0].words:
        return passages.none()
    if connection.vendor == "sqlite":
        return passages.filter(
            id__in=RawSQL(f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [fts5_query(parsed)])
        )
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(to_tsquery('english', %s))", [tsquery_text(parsed)])
        if cursor.fetchone()[0] == 0:
            return passages
    return passages.alias(document=EnglishTextVector("text")).filter(document=postgresql_query(parsed))
