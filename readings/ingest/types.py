"""The structures the ingest pipeline produces, shared by every parser and repair step."""

from __future__ import annotations

from dataclasses import dataclass, field

# Passage kinds: the names are stored in the database (readings.models.Passage.Kind).
BODY = "body"
CAPTION = "caption"
TABLE = "table"
QUOTE = "quote"
REFERENCE = "reference"
LIST_ITEM = "item"


# The longest passage a paper may have, in characters, for its text and its figure text alike:
# five times the longest of the shipped corpus (3,806). A longer one is almost always an
# extraction that lost its paragraph breaks, and every page, search and term list showing it
# would pay for its length.
PASSAGE_MAX_LENGTH = 20_000


class IngestError(ValueError):
    """Input that cannot be turned into a paper; the message is one line for the user."""


@dataclass(frozen=True)
class Intervention:
    """An editorial change beyond mechanical repair, shown to readers as an editorial note.

    `index` is the position of the paragraph (in the list the repair step was given)
    that the change was made in.
    """

    kind: str
    index: int
    original: str
    replacement: str
    reason: str
    on_section: bool = False  # about the heading of the paragraph's section, shown under it


@dataclass
class ParsedPassage:
    kind: str
    text: str
    lang: str = ""  # BCP 47 tag when it differs from the paper's language
    figure_text: str = ""  # loose lines of a flattened figure or table, kept verbatim


@dataclass
class ParsedSection:
    title: str
    number: str = ""  # as printed in the source ("3.2.1"), empty when unnumbered
    level: int = 1
    lang: str = ""
    passages: list[ParsedPassage] = field(default_factory=list)
    front_matter: str = ""  # lines printed with the section that are not its text, one a line


@dataclass
class ParsedPaper:
    title: str = ""  # only when the source itself prints one
    authors: str = ""
    sections: list[ParsedSection] = field(default_factory=list)
    interventions: list[Intervention] = field(default_factory=list)
    repairs: dict[str, int] = field(default_factory=dict)  # mechanical repair kind -> count
    # What an editor should look at before the paper goes live ("page 3 has no text"), and the
    # page furniture (running headers, footers) left out: shown in the import preview.
    warnings: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)

    def passages(self):
        for section in self.sections:
            yield from section.passages
