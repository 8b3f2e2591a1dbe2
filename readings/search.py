"""Full-text search over passages: FTS5 on SQLite, tsvector on PostgreSQL, one entry point."""

import re
import unicodedata
from collections import Counter
from dataclasses import dataclass

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVectorField
from django.db import connection
from django.db.models import Func, QuerySet, Value
from django.db.models.functions import Replace
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .models import ContrastPassage, Passage, Stance

QUERY_MAX_LENGTH = 200
# A one- or two-letter prefix expands to a large share of the vocabulary and tells the reader
# nothing yet; from three letters on the word being typed is matched as a prefix.
PREFIX_MIN_LENGTH = 3
SNIPPET_TOKENS = 32

FTS_TABLE = "readings_passage_fts"  # created by migration 0003
# The database marks matched terms with these private-use characters; escape_snippet() turns
# them into <mark> after escaping everything else, so no text can smuggle markup through.
MARK_START, MARK_END = "\ue000", "\ue001"
# ts_headline drops whatever its parser reads as an HTML tag; it is given the text with "<"
# swapped for this character, so it sees no tags, and the swap is undone before escaping.
LESS_THAN = "\ue002"

WORD = re.compile(r"[^\W_]+")
PHRASE_OR_WORD = re.compile(r'"([^"]*)"|([^"]+)')
STILL_TYPING = re.compile(r"[^\W_]\**\Z")


@dataclass(frozen=True)
class ParsedQuery:
    """User input reduced to plain words: phrases (lists of words) to AND, and a prefix to match."""

    phrases: tuple[tuple[str, ...], ...]
    prefix: str = ""

    def __bool__(self):
        return bool(self.phrases or self.prefix)


@dataclass(frozen=True)
class SearchHit:
    passage: Passage
    snippet: SafeString


@dataclass(frozen=True)
class SearchResults:
    query: str
    hits: list[SearchHit]
    total: int

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


def parse_query(text: str) -> ParsedQuery:
    """Words (letters and digits) of the input, grouped by balanced double quotes into phrases.

    Everything else (operators, column filters, brackets, stray quotes, emoji) is dropped, so
    the query handed to the database is built from quoted words only and cannot be a syntax
    error or mean something the reader did not type. A last word still being typed (nothing
    after it but perhaps a `*`) is kept apart to be matched as a prefix.
    """
    text = text[:QUERY_MAX_LENGTH]
    if text.count('"') % 2:
        text = text.replace('"', " ")
    phrases = []
    for quoted, bare in PHRASE_OR_WORD.findall(text):
        if quoted:
            words = tuple(WORD.findall(quoted))
            if words:
                phrases.append(words)
        else:
            phrases.extend((word,) for word in WORD.findall(bare))
    prefix = ""
    still_typing = STILL_TYPING.search(text)
    if still_typing and phrases and len(phrases[-1]) == 1 and len(phrases[-1][0]) >= PREFIX_MIN_LENGTH:
        prefix = phrases.pop()[0]
    return ParsedQuery(tuple(phrases), prefix)


def search_passages(query: str, *, stance=None, paper=None, theme=None, limit=50) -> SearchResults:
    """The passages matching `query`, most relevant first, with paper and section loaded.

    `stance` is a Stance value, `paper` and `theme` slugs; an unknown stance is ignored, and
    slugs are expected to be checked by the caller (readings.forms.SearchForm does). At most
    three queries on SQLite and two on PostgreSQL, however many passages match.
    """
    parsed = parse_query(query or "")
    if not parsed:
        return SearchResults(query="", hits=[], total=0)
    passages = filtered_passages(stance=stance, paper=paper, theme=theme)
    if connection.vendor == "sqlite":
        hits, total = _search_sqlite(parsed, passages, limit)
    elif connection.vendor == "postgresql":
        hits, total = _search_postgresql(parsed, passages, limit)
    else:
        raise NotImplementedError(f"no full-text search for {connection.vendor}")
    return SearchResults(query=query_text(parsed), hits=hits, total=total)


def query_text(parsed: ParsedQuery) -> str:
    """The words searched for, phrases in double quotes, for the results line."""
    parts = [f'"{" ".join(words)}"' if len(words) > 1 else words[0] for words in parsed.phrases]
    return " ".join([*parts, parsed.prefix]).strip()


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


def fts5_query(parsed: ParsedQuery) -> str:
    """An FTS5 MATCH expression: every phrase an FTS5 string (quotes doubled), implicitly ANDed."""

    def string(words):
        return '"' + " ".join(words).replace('"', '""') + '"'

    terms = [string(words) for words in parsed.phrases]
    if parsed.prefix:
        terms.append(string([parsed.prefix]) + "*")
    return " ".join(terms)


# Relevance is computed for at most this many matching passages, the first the index yields.
# A query matching tens of thousands of passages in a large library is then still answered
# in milliseconds, and the reader is told to narrow it; the five-paper corpus never gets near.
RANK_WINDOW = 1000


def _search_sqlite(parsed, passages, limit):
    # Match first, join after: FTS5 finds the matching rowids and scores a bounded window of
    # them; the passages are then fetched by primary key and excerpted in Python. Filters
    # narrow the rowids through a subquery built by the ORM; the unary + keeps SQLite from
    # handing `rowid IN` to FTS5 as one lookup per listed row.
    match = fts5_query(parsed)
    where, filter_params = f"{FTS_TABLE} MATCH %s", [match]
    if passages.query.where:
        filter_sql, params = passages.values("id").query.sql_with_params()
        where += f" AND +rowid IN ({filter_sql})"
        filter_params += list(params)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT rowid FROM (SELECT rowid, bm25({FTS_TABLE}) AS score FROM {FTS_TABLE} WHERE {where} LIMIT %s) "
            "ORDER BY score, rowid LIMIT %s",
            [*filter_params, RANK_WINDOW, limit],
        )
        ranked = [rowid for (rowid,) in cursor.fetchall()]
        cursor.execute(
            f"SELECT count(*) FROM (SELECT 1 FROM {FTS_TABLE} WHERE {where} LIMIT %s)",
            [*filter_params, RANK_WINDOW + 1],
        )
        total = cursor.fetchone()[0]
    by_id = Passage.objects.with_context().in_bulk(ranked)
    hits = [SearchHit(by_id[rowid], excerpt(by_id[rowid].text, parsed)) for rowid in ranked if rowid in by_id]
    return hits, total


def folded(text: str) -> str:
    """Lower case without diacritics, character for character, as the FTS5 tokenizer compares words."""
    if text.isascii():  # nothing to decompose: the common case, without a Python step per character
        return text.lower()
    return "".join(unicodedata.normalize("NFKD", ch)[0] for ch in text).lower()


def best_window(tokens, hits) -> int:
    """Where the excerpt starts: the window that shows the most different matched words.

    Each hit proposes the window that starts a little before it. The windows only move forward,
    so one pass keeps a count of the matched words inside the window as it slides: linear in the
    hits, where comparing every hit with every other took minutes on one huge paragraph.
    """
    words = [folded(tokens[i].group()) for i in hits]
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


def excerpt(text: str, parsed: ParsedQuery) -> SafeString:
    """About SNIPPET_TOKENS words of `text` around the first match, matched words marked."""
    words = {folded(word) for phrase in parsed.phrases for word in phrase}
    prefix = folded(parsed.prefix)
    tokens = list(WORD.finditer(text))
    hits = [
        i
        for i, token in enumerate(tokens)
        if (w := folded(token.group())) in words or (prefix and w.startswith(prefix))
    ]
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


def postgresql_query(parsed: ParsedQuery):
    """A tsquery built from plain words: websearch syntax for the phrases, a raw prefix term."""
    # websearch_to_tsquery reads a bare "or" as an operator; as a word it is an English stop
    # word, dropped anyway. Quoted phrases keep their words in order.
    words = [
        f'"{" ".join(phrase)}"' if len(phrase) > 1 else phrase[0]
        for phrase in parsed.phrases
        if len(phrase) > 1 or phrase[0].lower() != "or"
    ]
    query = SearchQuery(" ".join(words), search_type="websearch", config="english") if words else None
    if parsed.prefix:
        # The prefix holds letters and digits only, so it cannot carry tsquery operators.
        prefix = SearchQuery(f"{parsed.prefix}:*", search_type="raw", config="english")
        query = prefix if query is None else query & prefix
    return query


def _search_postgresql(parsed, passages, limit):
    query = postgresql_query(parsed)
    if query is None:
        return [], 0
    # Match first through the GIN index, then rank and excerpt a bounded window: ts_rank and
    # ts_headline read the whole text, which is what made a broad query slow on a large library.
    matching = passages.alias(document=EnglishTextVector("text")).filter(document=query).values("id")
    window = Passage.objects.filter(id__in=matching[:RANK_WINDOW])
    page = (
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
        .order_by("-rank", "id")[:limit]
    )
    hits = [
        SearchHit(passage, escape_snippet(passage.headline.replace(LESS_THAN, "<"), passage.text)) for passage in page
    ]
    return hits, matching[: RANK_WINDOW + 1].count()


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
