"""The one rule for which passages count as English prose: what terms and counterpoints read.

The reference list and figure captions are not prose. A passage's language is its own, else its
section's, else its paper's (004's Russian abstract is marked on its section).
"""

NOT_PROSE = frozenset({"reference", "caption"})


def is_english(language: str | None) -> bool:
    """ "en", "en-GB" and an unmarked language are English."""
    return (language or "en").lower().split("-")[0] == "en"


def language_of(passage) -> str:
    """A passage's language; its section and paper must be loaded."""
    return passage.lang or passage.section.lang or passage.paper.language or "en"


def is_prose(kind: str, language: str | None) -> bool:
    """The rule itself, for callers that hold a passage's kind and language rather than the passage."""
    return kind not in NOT_PROSE and is_english(language)


def is_english_prose(passage) -> bool:
    """Whether a passage (section and paper loaded) is English prose."""
    return is_prose(passage.kind, language_of(passage))
