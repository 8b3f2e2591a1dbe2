"""Search excerpts and keyword-in-context lines take time linear in the passage, however long it is.

One imported paragraph of 10 MB once kept /search/ and /terms/?term= busy past 120 s: both
compared every match with the whole text. The passages here are built in the test and given
to the functions directly (the database now refuses a passage this long).
"""

import gc
import random
import signal
import time
from contextlib import contextmanager

import pytest

from readings.analysis.tokens import ngrams
from readings.analysis.tokens import tokenize as tokenise
from readings.search import SNIPPET_TOKENS, WORD, best_window, excerpt, folded, parse_query
from readings.terms import kwic, trim_left, trim_right

SENTENCE = "Soft power, in Nye's words, is the ability to attract and co-opt rather than coerce. "


def prose(length: int) -> str:
    """A paragraph of `length` characters that says "soft power" in every sentence."""
    return (SENTENCE * (length // len(SENTENCE) + 1))[:length]


def dense(length: int) -> str:
    """The worst case for the old code: every other word a match."""
    return ("soft power " * (length // 11 + 1))[:length]


@contextmanager
def stopped_after(seconds: float):
    """Fail once the block has run `seconds` of wall-clock time, instead of waiting hours for quadratic work.

    Not a CPU-time alarm (ITIMER_PROF): while one is set, Linux here counts the process's CPU
    time in whole scheduler ticks of 4 ms, and the tests below time calls shorter than that.
    """

    def stop(signum, frame):
        pytest.fail(f"still running after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def cpu_seconds(call, *args) -> float:
    start = time.process_time()
    call(*args)
    return time.process_time() - start


def cost_ratio(call, small: str, large: str, repeat: int = 5) -> float:
    """CPU time of `call(large)` over that of `call(small)`, each the least of a few runs.

    The runs alternate, so that both sizes meet the same load on a busy machine, and the garbage
    collector is paused, so that what is timed is the call's own work.
    """
    gc.collect()
    gc.disable()
    try:
        times = {small: [], large: []}
        for _ in range(repeat):
            for text in (small, large):
                times[text].append(cpu_seconds(call, text))
    finally:
        gc.enable()
    return min(times[large]) / min(times[small])


CALLS = {
    "search excerpt": lambda text: excerpt(text, parse_query("soft power ")),
    "kwic of a word": lambda text: kwic(["soft"], [("p", text)]),
    "kwic of a phrase": lambda text: kwic(["soft", "power"], [("p", text)]),
}


# CPU time, which other processes on a busy machine do not add to; 0.2 to 0.5 s measured here.
@pytest.mark.parametrize("name", CALLS)
def test_a_megabyte_paragraph_takes_well_under_two_seconds(name):
    text = prose(1_000_000)
    with stopped_after(20):
        assert cpu_seconds(CALLS[name], text) < 2.0


def test_every_match_of_a_megabyte_paragraph_gets_its_line():
    text = prose(1_000_000)
    with stopped_after(20):
        lines = kwic(["soft", "power"], [("p", text)])
    assert len(lines) == text.count("Soft power")
    assert lines[-1].left.endswith("rather than coerce. ") and lines[-1].match == "Soft power"
    assert excerpt(text, parse_query("coerce ")).count("<mark>coerce</mark>") >= 1


@pytest.mark.parametrize("name", CALLS)
def test_thirty_two_times_the_text_is_about_thirty_two_times_the_work(name):
    with stopped_after(20):
        ratio = cost_ratio(CALLS[name], dense(8_000), dense(256_000))
    # Linear work grows 32 times, quadratic work about 1,000 times. Measured here: 31 to 45,
    # with three memory-bound processes competing for the two cores.
    assert ratio < 128


def plainly_kwic(words, text, width):
    """Keyword in context as first written: simple, and linear in the text for every match."""
    tokens = tokenise(text)
    runs = [(i, i) for i in range(len(tokens))] if len(words) == 1 else ngrams(text, tokens, len(words))
    lines = []
    for first, last in runs:
        if [t.word for t in tokens[first : last + 1]] == words:
            start, end = tokens[first].start, tokens[last].end
            left = " ".join(text[:start].split()) + (" " if text[:start][-1:].isspace() else "")
            right = (" " if text[end:][:1].isspace() else "") + " ".join(text[end:].split())
            lines.append((trim_left(left, width), text[start:end], trim_right(right, width)))
    return lines


def plainly_best_window(tokens, hits):
    """The excerpt's start as first written: every hit's window counted afresh, quadratic in the hits."""
    best, best_count = 0, -1
    for hit in hits:
        first = max(0, hit - SNIPPET_TOKENS // 4)
        seen = {folded(tokens[i].group()) for i in hits if first <= i < first + SNIPPET_TOKENS}
        if len(seen) > best_count:
            best, best_count = first, len(seen)
    return best


# Words, and every kind of space and joiner a text may have between them, ends included.
PIECES = [
    "soft",
    "Power",
    "POWER",
    "Café",
    "culture",
    "x",
    " ",
    "  ",
    "\n",
    "\t",
    "\u00a0",
    "\u3000",
    "-",
    "–",
    ",",
    "[12]",
]


def test_the_lines_are_those_of_the_plain_definition():
    rng = random.Random(9)
    for _ in range(2000):
        text = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 40)))
        for words in (["soft"], ["soft", "power"], ["power", "café", "culture"]):
            width = rng.choice([3, 10, 60])
            lines = [(line.left, line.match, line.right) for line in kwic(words, [("p", text)], width)]
            assert lines == plainly_kwic(words, text, width), (text, words, width)


def test_the_excerpt_starts_where_the_plain_definition_starts():
    rng = random.Random(9)
    for _ in range(300):
        text = " ".join(
            rng.choice(["soft", "power", "china", "culture", "the", "of"]) for _ in range(rng.randint(0, 300))
        )
        tokens = list(WORD.finditer(text))
        for chosen in ({"soft", "power"}, {"china"}, {"soft", "power", "china", "culture"}):
            hits = [i for i, token in enumerate(tokens) if token.group() in chosen]
            assert best_window(tokens, hits) == plainly_best_window(tokens, hits)
