"""The search box's syntax: words, "phrases", -exclusions, OR and prefix*, read from any input
and written out as FTS5 and to_tsquery expressions of quoted words only."""

import re
from dataclasses import dataclass

QUERY_MAX_LENGTH = 200
# A one- or two-letter prefix expands to a large share of the vocabulary and tells the reader
# nothing yet; from three letters on the word being typed is matched as a prefix.
PREFIX_MIN_LENGTH = 3
# Words read from one query, exclusions included: each is a lookup in the index (a prefix one
# a scan of part of it), so a query of a hundred ORed prefixes would cost a hundred of them.
MAX_WORDS = 16
# Prefixes read from one query; a later word ending in * is matched as a word. A prefix longer
# than three letters (the index has those) merges the lists of every term it begins.
MAX_PREFIXES = 4
WORD = re.compile(r"[^\W_]+")
# A double-quoted phrase, perhaps with a minus before it, or a run of anything else but spaces.
QUERY_PIECE = re.compile(r'(-?)"([^"]*)"|([^\s"]+)')
# A piece that ends in a letter or digit, perhaps followed by stars: its last word can be a prefix.
ENDS_IN_WORD = re.compile(r"[^\W_]\**\Z")
OR = "OR"


@dataclass(frozen=True)
class Term:
    """Words that must appear in this order (one word, or a phrase); the last perhaps only as a prefix."""

    words: tuple[str, ...]
    prefix: bool = False

    def __str__(self):
        text = " ".join(self.words)
        text = f'"{text}"' if len(self.words) > 1 else text
        return text + "*" if self.prefix else text


@dataclass(frozen=True)
class ParsedQuery:
    """User input reduced to terms of plain words.

    Every clause must match; a clause matches when any one of its terms does (the terms were
    joined by OR). No excluded term may match. `cut` says words past MAX_WORDS were left out, or
    prefixes past MAX_PREFIXES matched as words.
    """

    clauses: tuple[tuple[Term, ...], ...] = ()
    excluded: tuple[Term, ...] = ()
    cut: bool = False

    def __bool__(self):
        # Exclusions alone would match nearly every passage: they search for nothing.
        return bool(self.clauses)

    @property
    def terms(self) -> list[Term]:
        return [term for clause in self.clauses for term in clause]

    @property
    def prefix(self) -> str:
        """The last word, when it is matched as a prefix (the word being typed, or one ending in *)."""
        last = self.clauses[-1][-1] if self.clauses else None
        return last.words[-1] if last and last.prefix else ""


def parse_query(text: str, *, typing: bool = True) -> ParsedQuery:
    """The terms of the input: words, "phrases", -exclusions, OR between terms, prefix* words.

    Everything else (other operators, column filters, brackets, stray quotes, a stray OR or -,
    emoji) is read as plain words or dropped, so the query handed to the database is built from
    quoted words only and cannot be a syntax error or mean something the reader did not type.
    Only an upper-case OR joins terms; "or" is a word. A word ending in `*`, or the last word
    when the input ends in it (still being typed, unless `typing` is false), is matched as a
    prefix if it is long enough.
    """
    text = text[:QUERY_MAX_LENGTH]
    if text.count('"') % 2:
        text = text.replace('"', " ")
    items = []  # Terms with whether they are excluded, and OR markers, in the order typed
    words_left, prefixes_left = MAX_WORDS, MAX_PREFIXES
    cut = False
    for piece in QUERY_PIECE.finditer(text):
        minus, quoted, bare = piece.groups()
        if bare == OR:
            items.append(OR)
            continue
        if bare is not None:
            words = WORD.findall(bare)
            excluded = bare.startswith("-")
            still_typing = typing and piece.end() == len(text) and not excluded
            prefix = bool(ENDS_IN_WORD.search(bare)) and (bare.endswith("*") or still_typing)
            # An excluded piece is one term, however many words ("-soft-power"); others a term a word.
            groups = [words] if excluded else [[word] for word in words]
        else:
            excluded, prefix = bool(minus), False
            groups = [WORD.findall(quoted)]
        for index, group in enumerate(groups):
            if not group:
                continue
            if len(group) > words_left:
                cut = True
                group = group[:words_left]
                if not group:
                    break
            words_left -= len(group)
            last = index == len(groups) - 1
            is_prefix = prefix and last and len(group[-1]) >= PREFIX_MIN_LENGTH
            if is_prefix and not prefixes_left:
                is_prefix, cut = False, True
            prefixes_left -= is_prefix
            items.append((Term(tuple(group), is_prefix), excluded))
    return ParsedQuery(*clauses_of(items), cut=cut)


def clauses_of(items) -> tuple[tuple, tuple]:
    """Group the terms: an OR between two included terms puts them in one clause; any other OR is dropped."""
    clauses, excluded = [], []
    for index, item in enumerate(items):
        if item == OR:
            continue
        term, is_excluded = item
        if is_excluded:
            if term not in excluded:
                excluded.append(term)
            continue
        before = items[index - 1] if index else None
        joined = (
            before == OR and index >= 2 and items[index - 2] != OR and not items[index - 2][1] and clauses
        )  # "a OR b": a is the last term of the last clause
        if joined:
            if term not in clauses[-1]:
                clauses[-1].append(term)
        elif [term] not in clauses:  # a word typed twice is searched once
            clauses.append([term])
    return tuple(tuple(clause) for clause in clauses), tuple(excluded)


def query_text(parsed: ParsedQuery) -> str:
    """The query as searched, for the results line: phrases in quotes, OR, -exclusions, prefix*."""
    parts = [" OR ".join(str(term) for term in clause) for clause in parsed.clauses]
    parts += [f"-{term}" for term in parsed.excluded]
    return " ".join(parts)


def fts5_term(term: Term) -> str:
    # Words are letters and digits only, so an FTS5 string needs no escaping; the quotes make
    # every word a plain string, never an operator or a column name.
    return '"' + " ".join(term.words) + '"' + ("*" if term.prefix else "")


def fts5_query(parsed: ParsedQuery) -> str:
    """An FTS5 MATCH expression: clauses ANDed, terms of a clause ORed, excluded terms NOTed."""

    def any_of(terms):
        strings = [fts5_term(term) for term in terms]
        return strings[0] if len(strings) == 1 else "(" + " OR ".join(strings) + ")"

    query = " AND ".join(any_of(clause) for clause in parsed.clauses)
    if parsed.excluded:
        query = f"({query}) NOT {any_of(parsed.excluded)}"
    return query


def tsquery_term(term: Term) -> str:
    """A term in to_tsquery syntax: each word a quoted lexeme, a phrase joined by <->, a prefix :*."""
    # Words are letters and digits only; the quotes are doubled all the same, as to_tsquery reads them.
    lexemes = ["'" + word.replace("'", "''").replace("\\", "\\\\") + "'" for word in term.words]
    if term.prefix:
        lexemes[-1] += ":*"
    return " <-> ".join(lexemes)


def tsquery_any(terms) -> str:
    return "(" + " | ".join(f"({tsquery_term(term)})" for term in terms) + ")"
