"""Parse an academic article extracted from a PDF as Markdown into a `ParsedPaper`.

Pure Python, standard library only. The input is what PDF-to-Markdown converters
produce: `#` headings whose depth follows font size rather than the outline, author
lines with `<sup>` affiliation markers, emphasis and escapes everywhere, abstracts
repeated in other languages, and paragraphs cut in two by page breaks.

Document model used here:

* front matter: an optional title heading, author/affiliation lines and an abstract
  heading ("Abstract", "Аңдатпа", "Аннотация", ... or a bold "**Abstract:**" label)
  with its paragraphs and keywords line; the block may be repeated per language.
  The first title heading is the paper's title, the author lines of that first block
  become `ParsedPaper.authors` (and nothing else); every further block becomes one
  section holding its title line, author/affiliation lines, abstract and keywords.
* body: every other heading opens a section; paragraphs, list items, quotes, tables
  and reference entries become passages.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from .types import (
    BODY,
    LIST_ITEM,
    QUOTE,
    REFERENCE,
    TABLE,
    IngestError,
    ParsedPaper,
    ParsedPassage,
    ParsedSection,
)

__all__ = ["parse_markdown_paper"]

# --------------------------------------------------------------------------- vocabulary

# Abstract headings (casefolded) -> language of the abstract they open.
ABSTRACT_HEADINGS = {
    "abstract": "en",
    "summary": "en",
    "аңдатпа": "kk",
    "андатпа": "kk",
    "түйін": "kk",
    "түйіндеме": "kk",
    "аннотация": "ru",
    "резюме": "ru",
    "résumé": "fr",
    "resume": "fr",
    "zusammenfassung": "de",
    "resumen": "es",
    "resumo": "pt",
    "riassunto": "it",
    "özet": "tr",
}

# A keywords line: its label, as printed, followed by ":" (or "." / dash).
KEYWORDS_RE = re.compile(
    r"^(?:key\s*-?\s*words?|index\s+terms|ключевые\s+слова|түйін(?:ді)?\s+сөздер"
    r"|тірек\s+сөздер|mots[\s-]+cl[ée]s|schlüsselwörter|palabras\s+clave"
    r"|palavras[\s-]+chave|parole\s+chiave|anahtar\s+kelimeler)\s*[:.—–-]",
    re.IGNORECASE,
)

# Conventional names of top-level sections (casefolded): these are level 1 whatever
# `#` count the converter gave them.
TOP_LEVEL_NAMES = {
    "introduction",
    "background",
    "literature review",
    "review of literature",
    "review of the literature",
    "related work",
    "related works",
    "theoretical framework",
    "theoretical background",
    "conceptual framework",
    "theory",
    "materials and methods",
    "material and methods",
    "methods",
    "method",
    "methodology",
    "research methodology",
    "methods and materials",
    "data and methods",
    "data and methodology",
    "research design",
    "results",
    "findings",
    "results and discussion",
    "discussion",
    "discussion and conclusion",
    "discussion and conclusions",
    "conclusion",
    "conclusions",
    "concluding remarks",
    "conclusion and recommendations",
    "conclusions and recommendations",
    "limitations",
    "future work",
    "recommendations",
    "acknowledgements",
    "acknowledgments",
    "acknowledgement",
    "acknowledgment",
    "funding",
    "author contributions",
    "authors' contributions",
    "conflict of interest",
    "conflicts of interest",
    "declaration of interest",
    "declaration of competing interest",
    "competing interests",
    "data availability",
    "data availability statement",
    "references",
    "reference",
    "bibliography",
    "literature",
    "works cited",
    "sources",
    "list of references",
    "reference list",
    "notes",
    "endnotes",
    "appendix",
    "appendices",
    "abbreviations",
    "supplementary material",
    "supplementary materials",
    # Russian / Kazakh
    "введение",
    "обзор литературы",
    "методология",
    "методы",
    "материалы и методы",
    "результаты",
    "обсуждение",
    "заключение",
    "выводы",
    "благодарности",
    "литература",
    "список литературы",
    "список использованной литературы",
    "кіріспе",
    "әдебиеттерге шолу",
    "әдістеме",
    "әдістер",
    "нәтижелер",
    "талқылау",
    "қорытынды",
    "алғыс",
    "әдебиеттер",
    "әдебиеттер тізімі",
    "пайдаланылған әдебиеттер",
    "пайдаланылған әдебиеттер тізімі",
}

REFERENCE_NAMES = {
    "references",
    "reference",
    "bibliography",
    "literature",
    "works cited",
    "sources",
    "list of references",
    "reference list",
    "литература",
    "список литературы",
    "список использованной литературы",
    "әдебиеттер",
    "әдебиеттер тізімі",
    "пайдаланылған әдебиеттер",
    "пайдаланылған әдебиеттер тізімі",
}

SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "but",
    "by",
    "for",
    "from",
    "in",
    "into",
    "nor",
    "of",
    "on",
    "or",
    "per",
    "the",
    "to",
    "vs",
    "via",
    "with",
}

KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")

# --------------------------------------------------------------------------- block level

HEADING_RE = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
HR_RE = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
BULLET_RE = re.compile(r"^ {0,3}[-*+][ \t]+(.*)$")
ORDERED_RE = re.compile(r"^ {0,3}(\d{1,3}[.)])[ \t]+(.*)$")
QUOTE_RE = re.compile(r"^ {0,3}>[ \t]?(.*)$")
TABLE_ROW_RE = re.compile(r"^\s*\|.*\|\s*$")
TABLE_RULE_RE = re.compile(r"^\s*\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?\s*$")
# "**Abstract:** text" / "*Abstract.* text" / "Abstract: text" used instead of a heading.
ABSTRACT_LABEL_RE = re.compile(
    r"^\s*(?P<open>\*\*|__|\*|_)?\s*(?P<label>[^\W\d_]+)\s*(?P<p1>[.:—–-])?\s*"
    r"(?P<close>\*\*|__|\*|_)?\s*(?P<p2>[.:—–-])?\s*(?P<rest>.*)$",
    re.DOTALL,
)


@dataclass
class _Block:
    kind: str  # "heading", "para", "bullet", "ordered", "quote", "table"
    lines: list[str] = field(default_factory=list)
    hashes: int = 0  # heading depth as printed
    marker: str = ""  # ordered list marker as printed ("1.")


def _tokenize(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    current: _Block | None = None

    def flush():
        nonlocal current
        if current is not None:
            blocks.append(current)
        current = None

    for line in text.splitlines():
        if not line.strip():
            flush()
            continue
        m = HEADING_RE.match(line)
        if m:
            flush()
            if (m.group(2) or "").strip():
                blocks.append(_Block("heading", [m.group(2)], hashes=len(m.group(1))))
            continue
        if HR_RE.match(line):
            flush()
            continue
        if TABLE_ROW_RE.match(line):
            if current is None or current.kind != "table":
                flush()
                current = _Block("table")
            current.lines.append(line)
            continue
        if current is not None and current.kind == "table":
            flush()
        m = BULLET_RE.match(line)
        if m:
            flush()
            current = _Block("bullet", [m.group(1)])
            continue
        m = ORDERED_RE.match(line)
        if m:
            flush()
            current = _Block("ordered", [m.group(2)], marker=m.group(1))
            continue
        m = QUOTE_RE.match(line)
        if m:
            if current is None or current.kind != "quote":
                flush()
                current = _Block("quote")
            current.lines.append(m.group(1))
            continue
        if current is None:
            current = _Block("para")
        current.lines.append(line)  # paragraph line or lazy continuation of an item/quote
    flush()
    return blocks


# --------------------------------------------------------------------------- inline level

_ESCAPABLE = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
ESCAPE_RE = re.compile(r"\\+([" + _ESCAPABLE + r"])")
PROTECT_BASE = 0xF0000  # Supplementary Private Use Area-A: never in real text
PROTECTED_RE = re.compile("[\U000f0000-\U000f007f]")
SLOT_RE = re.compile("\U000f1000(\\d+)\U000f1001")
HTML_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)
SUP_RE = re.compile(r"<sup>(.*?)</sup>", re.IGNORECASE | re.DOTALL)
BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)
TAG_RE = re.compile(
    r"</?(?:sub|sup|span|div|p|em|strong|i|b|u|a|small|font|mark|del|ins|s|strike|code)"
    r"(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
AUTOLINK_RE = re.compile(r"<((?:https?|ftp|mailto):[^<>\s]+|[^<>\s@]+@[^<>\s@]+\.[^<>\s@]+)>")
IMAGE_RE = re.compile(r"!\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)")
LINK_RE = re.compile(r"\[((?:[^\[\]]|\[[^\]]*\])*)\]\([^()\s]*(?:\([^()\s]*\)[^()\s]*)*(?:\s+\"[^\"]*\")?\)")
CODE_RE = re.compile(r"(`+)(.+?)\1", re.DOTALL)
EMPHASIS_RES = [
    re.compile(r"\*\*\*(?=\S)(.+?)(?<=\S)\*\*\*", re.DOTALL),
    re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.DOTALL),
    re.compile(r"\*(?=\S)(.+?)(?<=\S)\*", re.DOTALL),
    re.compile(r"(?<!\w)___(?=\S)(.+?)(?<=\S)___(?!\w)", re.DOTALL),
    re.compile(r"(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)", re.DOTALL),
    re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)", re.DOTALL),
]
STRAY_STARS_RE = re.compile(r"\*{2,}")


def _join_lines(lines: list[str]) -> str:
    """One string from a block's lines: hard-break markers ("  ", "\\") dropped."""
    out = []
    for line in lines:
        line = line.rstrip()
        if line.endswith("\\") and not line.endswith("\\\\"):
            line = line[:-1].rstrip()
        out.append(line.strip())
    return " ".join(out)


def _clean_inline(text: str, *, authors: bool = False) -> str:
    """Markdown/HTML markup -> plain text, whitespace collapsed.

    `authors=True` is for author and affiliation lines: superscript affiliation
    markers and escaped asterisks (the corresponding-author mark) are dropped instead
    of kept as plain characters.
    """
    slots: list[str] = []

    def slot(value: str) -> str:
        slots.append(value)
        return f"\U000f1000{len(slots) - 1}\U000f1001"

    # 1. Escapes, however many backslashes the converter stacked up ("\\_" -> "_").
    text = ESCAPE_RE.sub(lambda m: chr(PROTECT_BASE + ord(m.group(1))), text)
    if authors:
        text = text.replace(chr(PROTECT_BASE + ord("*")), "")
    # 2. HTML.
    text = HTML_COMMENT_RE.sub(" ", text)
    # A slot, not a bare substitution: "*<sup>1</sup> Name*" must stay emphasis.
    text = SUP_RE.sub(lambda m: slot("" if authors else _clean_inline(m.group(1))), text)
    text = BR_RE.sub(" ", text)
    # 3. Code spans and autolinks are literal: keep them away from emphasis stripping.
    text = CODE_RE.sub(lambda m: slot(m.group(2).strip()), text)
    text = AUTOLINK_RE.sub(lambda m: slot(m.group(1)), text)
    text = TAG_RE.sub("", text)
    # 4. Images and links -> their text (the text may itself carry emphasis).
    text = IMAGE_RE.sub(lambda m: m.group(1), text)
    for _ in range(3):  # a link inside a link's text
        new = LINK_RE.sub(lambda m: m.group(1), text)
        if new == text:
            break
        text = new
    # 5. Emphasis.
    for regex in EMPHASIS_RES:
        for _ in range(3):  # nested emphasis of the same kind
            new = regex.sub(lambda m: m.group(1), text)
            if new == text:
                break
            text = new
    text = STRAY_STARS_RE.sub("", text)
    # 6. Restore literals.
    text = SLOT_RE.sub(lambda m: slots[int(m.group(1))], text)
    text = PROTECTED_RE.sub(lambda m: chr(ord(m.group(0)) - PROTECT_BASE), text)
    return re.sub(r"\s+", " ", text).strip()


def _block_text(block: _Block, *, authors: bool = False) -> str:
    return _clean_inline(_join_lines(block.lines), authors=authors)


# --------------------------------------------------------------------------- headings


def _key(text: str) -> str:
    """Casefolded lookup key of a cleaned heading: no trailing punctuation."""
    return re.sub(r"\s+", " ", text).strip().rstrip(".:：").strip().casefold()


def _is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return sum(c.isupper() for c in letters) >= 2 and not any(c.islower() for c in letters)


def _cap_word(word: str) -> str:
    # Capitalise the first letter of each hyphen part: "SOCIO-ECONOMIC" -> "Socio-Economic".
    parts = []
    for part in word.split("-"):
        low = part.lower()
        for i, c in enumerate(low):
            if c.isalpha():
                low = low[:i] + c.upper() + low[i + 1 :]
                break
        parts.append(low)
    return "-".join(parts)


def _title_case(text: str) -> str:
    """ALL-CAPS heading -> title case ("MATERIALS AND METHODS" -> "Materials and Methods").

    Non-Latin scripts (Cyrillic, ...) get sentence case, their own convention.
    """
    latin = any("LATIN" in unicodedata.name(c, "") for c in text if c.isalpha())
    if not latin:
        low = text.lower()
        return _cap_word(low.split(" ", 1)[0]) + (" " + low.split(" ", 1)[1] if " " in low else "")
    words = text.split(" ")
    out = []
    for i, word in enumerate(words):
        bare = word.lower().strip("()[]\"'“”‘’,;:.")
        after_colon = i > 0 and out[-1].endswith(":")
        if i > 0 and not after_colon and bare in SMALL_WORDS:
            out.append(word.lower())
        else:
            out.append(_cap_word(word))
    return " ".join(out)


NUMBER_RE = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+(?=\S)|^([IVXLC]{1,6})\.\s+(?=\S)")


def _split_heading(raw: str) -> tuple[str, str]:
    """Raw heading text -> (number as printed, normalised title)."""
    text = _clean_inline(raw)
    text = re.sub(r"\s*[:：]$", "", text).strip()
    number = ""
    m = NUMBER_RE.match(text)
    if m:
        number = m.group(1) or m.group(2)
        text = text[m.end() :].strip()
    if _is_all_caps(text):
        text = _title_case(text)
    return number, text


def _number_depth(number: str) -> int:
    return number.count(".") + 1 if number[:1].isdigit() else 1


# --------------------------------------------------------------------------- languages


def _script_lang(text: str) -> str:
    """Rough language guess from script: "kk", "ru" or "en" (Latin)."""
    cyrillic = sum(1 for c in text if "\u0400" <= c <= "\u04ff")
    latin = sum(1 for c in text if c.isalpha() and "LATIN" in unicodedata.name(c, ""))
    if cyrillic > latin:
        kazakh = sum(1 for c in text if c in KAZAKH_LETTERS)
        return "kk" if kazakh >= max(1, cyrillic // 100) else "ru"
    return "en"


# --------------------------------------------------------------------------- parsing


@dataclass
class _Unit:
    heading: _Block | None
    blocks: list[_Block]
    role: str = "body"  # "title", "abstract", "body"
    abstract_lang: str = ""


class _SectionBuilder:
    """Collects a section's passages and applies the page-break repair."""

    def __init__(self, section: ParsedSection, repairs: dict[str, int], *, references=False):
        self.section = section
        self.repairs = repairs
        self.references = references
        self.joinable: list[bool] = []  # parallel to section.passages
        self.numbered_refs = False

    def add(self, kind: str, text: str, *, joinable: bool = False):
        if text:
            self.section.passages.append(ParsedPassage(kind=kind, text=text))
            self.joinable.append(joinable)

    def _bump(self, name: str):
        self.repairs[name] = self.repairs.get(name, 0) + 1

    def paragraph(self, text: str):
        if not text:
            return
        passages = self.section.passages
        if self.references:
            # A numbered reference list cut by a page break: an unnumbered paragraph
            # right after a numbered entry is the rest of that entry.
            if self.numbered_refs and passages and passages[-1].kind == REFERENCE:
                passages[-1].text += " " + text
                self._bump("reference_continuation_joins")
            else:
                self.add(REFERENCE, text)
            return
        # Page-break repair: a paragraph that starts with a lowercase letter continues
        # the previous BODY paragraph of the same section, provided that one does not
        # end a sentence. Never across a heading, a list item or a non-paragraph line.
        if (
            text[0].islower()
            and passages
            and self.joinable[-1]
            and not re.search(r"[.!?…][\"'”’»)\]]*$", passages[-1].text)
        ):
            passages[-1].text += " " + text
            self._bump("page_break_joins")
            return
        self.add(BODY, text, joinable=True)

    def block(self, block: _Block):
        if block.kind == "para":
            self.paragraph(_block_text(block))
        elif block.kind == "bullet":
            self.add(REFERENCE if self.references else LIST_ITEM, _block_text(block))
        elif block.kind == "ordered":
            text = _block_text(block)
            if text:
                self.add(REFERENCE if self.references else LIST_ITEM, f"{block.marker} {text}")
                self.numbered_refs = self.references
        elif block.kind == "quote":
            self.add(QUOTE, _block_text(block))
        elif block.kind == "table":
            rows = []
            for line in block.lines:
                if TABLE_RULE_RE.match(line):
                    continue
                cells = [_clean_inline(c) for c in line.strip().strip("|").split("|")]
                rows.append(" | ".join(cells))
            self.add(TABLE, "\n".join(rows))


def _abstract_label_split(block: _Block) -> tuple[str, str, list[str]] | None:
    """A paragraph opening with a labelled abstract ("**Abstract:** ...")?

    Returns (label, lang, remaining lines) or None.
    """
    if block.kind != "para":
        return None
    m = ABSTRACT_LABEL_RE.match(block.lines[0])
    label = m.group("label").casefold() if m else ""
    if label not in ABSTRACT_HEADINGS or label in AMBIGUOUS_ABSTRACT_NAMES:
        return None
    marked = (m.group("open") and m.group("open") == m.group("close")) or m.group("p1") or m.group("p2")
    if not marked or (m.group("open") and m.group("open") != m.group("close")):
        return None
    rest = [m.group("rest")] if m.group("rest").strip() else []
    return m.group("label"), ABSTRACT_HEADINGS[m.group("label").casefold()], rest + block.lines[1:]


def _split_units(blocks: list[_Block]) -> tuple[list[_Block], list[_Unit]]:
    preamble: list[_Block] = []
    units: list[_Unit] = []
    for block in blocks:
        if block.kind == "heading":
            units.append(_Unit(block, []))
        elif units:
            units[-1].blocks.append(block)
        else:
            preamble.append(block)
    return preamble, units


def _promote_abstract_labels(preamble: list[_Block], units: list[_Unit]) -> tuple[list[_Block], list[_Unit]]:
    """Turn "**Abstract:** text" paragraphs of the front matter into abstract units."""
    out_units: list[_Unit] = []
    sources = [(None, preamble)] + [(u, u.blocks) for u in units]
    new_preamble: list[_Block] | None = None
    in_front = True
    for unit, blocks in sources:
        if unit is not None and _key(_split_heading(unit.heading.lines[0])[1]) in TOP_LEVEL_NAMES:
            in_front = False
        current_blocks: list[_Block] = []
        current_unit = unit
        collected = []  # (unit, blocks)
        for block in blocks:
            split = _abstract_label_split(block) if in_front else None
            if split:
                collected.append((current_unit, current_blocks))
                label, _, rest = split
                current_unit = _Unit(_Block("heading", [label], hashes=3), [])
                current_blocks = [_Block("para", rest)] if rest else []
            else:
                current_blocks.append(block)
        collected.append((current_unit, current_blocks))
        for u, b in collected:
            if u is None:
                new_preamble = b
            else:
                u.blocks = b
                out_units.append(u)
    return new_preamble or [], out_units


def _is_keywords(block: _Block) -> bool:
    return block.kind == "para" and bool(KEYWORDS_RE.match(_block_text(block)))


# Abstract names that also name ordinary closing sections: abstracts only in front matter.
AMBIGUOUS_ABSTRACT_NAMES = {"summary", "резюме", "resume", "résumé", "resumen", "resumo"}


def _classify(units: list[_Unit]) -> None:
    in_front = True  # before the first conventional body heading
    for unit in units:
        key = _key(_split_heading(unit.heading.lines[0])[1])
        if key in TOP_LEVEL_NAMES:
            in_front = False
        if key in ABSTRACT_HEADINGS and (in_front or key not in AMBIGUOUS_ABSTRACT_NAMES):
            unit.role = "abstract"
            unit.abstract_lang = ABSTRACT_HEADINGS[key]
    for i, unit in enumerate(units):
        if unit.role == "abstract":
            continue
        key = _key(_split_heading(unit.heading.lines[0])[1])
        if key in TOP_LEVEL_NAMES:
            continue
        followed_by_abstract = (
            i + 1 < len(units) and units[i + 1].role == "abstract" and all(b.kind == "para" for b in unit.blocks)
        )
        first_top_heading = i == 0 and unit.heading.hashes <= 2
        if followed_by_abstract or first_top_heading:
            unit.role = "title"


def _assign_levels(units: list[_Unit]) -> list[tuple[str, str, int]]:
    """(number, title, level) of every body heading.

    Level rule. PDF converters set the `#` count from font size, so it is unreliable
    (here INTRODUCTION is `###`, METHODOLOGY `##`, ACKNOWLEDGEMENTS `####`). In order
    of precedence:
      1. a printed section number decides: "2" -> 1, "2.1" -> 2, "2.1.3" -> 3;
         a Roman numeral ("IV.") -> 1;
      2. a conventional top-level name (Introduction, Literature review, Methods,
         Results, Discussion, Conclusion, Acknowledgements, References, ...) -> 1;
      3. any other heading is nested under the nearest preceding body heading that
         has fewer `#` (its level + 1); with no such heading it is level 1.
    So a subsection is only recognised when the outline itself shows one: a heading
    deeper than an earlier heading that is still open.
    """
    out = []
    stack: list[tuple[int, int]] = []  # (hashes, level) of the open headings
    for unit in units:
        if unit.role != "body":
            continue
        number, title = _split_heading(unit.heading.lines[0])
        hashes = unit.heading.hashes
        if number:
            level = _number_depth(number)
        elif _key(title) in TOP_LEVEL_NAMES:
            level = 1
        else:
            while stack and stack[-1][0] >= hashes:
                stack.pop()
            level = stack[-1][1] + 1 if stack else 1
        while stack and stack[-1][1] >= level:
            stack.pop()
        stack.append((hashes, level))
        out.append((number, title, min(level, 6)))
    return out


def _author_line(blocks: list[_Block]) -> str:
    """The author line among the front lines: not an affiliation, not an e-mail."""
    for block in blocks:
        raw = _join_lines(block.lines)
        bare = raw.lstrip("*_ \\")
        if bare.lower().startswith("<sup>") or bare[:1].isdigit():
            continue
        if "@" in raw or re.search(r"e-?mail|orcid|corresponding", raw, re.IGNORECASE):
            continue
        text = _clean_inline(raw, authors=True)
        if text:
            return text
    return ""


def parse_markdown_paper(text: str) -> ParsedPaper:
    """Parse a PDF-extracted Markdown article; raises `IngestError` when it has no
    `#` heading or no body text."""
    if not text or not text.strip():
        raise IngestError("The Markdown text is empty.")
    blocks = _tokenize(text)
    if not any(b.kind == "heading" for b in blocks):
        raise IngestError("No Markdown heading ('#') found: the sections cannot be told apart.")

    preamble, units = _split_units(blocks)
    preamble, units = _promote_abstract_labels(preamble, units)
    _classify(units)
    levels = iter(_assign_levels(units))

    paper = ParsedPaper()
    repairs: dict[str, int] = {}
    front_lines: list[_Block] = [b for b in preamble if b.kind == "para"]
    front_title = ""
    first_block = True  # the paper's own title/author block
    abstract_sections: list[tuple[ParsedSection, str]] = []
    body_sections: list[ParsedSection] = []

    def take_authors():
        nonlocal front_lines
        if not paper.authors:
            paper.authors = _author_line(front_lines)
        front_lines = []

    for i, unit in enumerate(units):
        if unit.role == "title":
            title_text = _clean_inline(_join_lines(unit.heading.lines))
            if first_block and not paper.title:
                paper.title = title_text
            else:
                front_title = title_text
            front_lines.extend(b for b in unit.blocks if b.kind == "para")
            continue

        if unit.role == "abstract":
            _, title = _split_heading(unit.heading.lines[0])
            section = ParsedSection(title=title, level=1)
            builder = _SectionBuilder(section, repairs)
            if first_block:
                take_authors()
            else:
                # The title, authors and affiliation printed again in this abstract's language are
                # front matter, shown with the abstract: not paragraphs of it.
                lines = [front_title, *(_block_text(block, authors=True) for block in front_lines)]
                section.front_matter = "\n".join(line for line in lines if line)
                front_lines = []
            front_title = ""
            first_block = False
            content = unit.blocks
            # Lines after the keywords line, when another language block follows,
            # are that block's author/affiliation lines.
            nxt = units[i + 1].role if i + 1 < len(units) else "body"
            kw = [j for j, b in enumerate(content) if _is_keywords(b)]
            carried: list[_Block] = []
            if kw and nxt in ("title", "abstract"):
                content, carried = content[: kw[-1] + 1], content[kw[-1] + 1 :]
            for block in content:
                if _is_keywords(block):
                    builder.add(BODY, _block_text(block))
                else:
                    builder.block(block)
            front_lines = [b for b in carried if b.kind == "para"]
            abstract_sections.append(
                (section, unit.abstract_lang or _script_lang(" ".join(p.text for p in section.passages)))
            )
            paper.sections.append(section)
            continue

        # Body heading.
        if front_lines:
            take_authors()
        first_block = False
        number, title, level = next(levels)
        section = ParsedSection(title=title, number=number, level=level)
        builder = _SectionBuilder(section, repairs, references=_key(title) in REFERENCE_NAMES)
        for block in unit.blocks:
            builder.block(block)
        body_sections.append(section)
        paper.sections.append(section)

    if not any(s.passages for s in body_sections):
        raise IngestError("No body text found under the headings.")

    # Language tags: an abstract in the paper's own language is untagged, the others
    # carry their tag on the section and on every passage.
    body_lang = _script_lang(" ".join(p.text for s in body_sections for p in s.passages))
    if body_lang == "en":  # Latin script: take the language of the first Latin abstract
        for _, lang in abstract_sections:
            if lang not in ("kk", "ru"):
                body_lang = lang
                break
    for section, lang in abstract_sections:
        tag = "" if lang == body_lang else lang
        section.lang = tag
        for passage in section.passages:
            passage.lang = tag

    paper.repairs = repairs
    return paper
