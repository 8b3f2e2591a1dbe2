"""How often the counterpoint ranking finds what the curators paired: recall at k over the contrasts.

A pair is one passage of a contrast on the query side with the passages of the other side of
the same contrast as its answers; it is found at k when one of those answers is among the
passage's top k counterpoints. Official to critical is the direction the issue counts (59 pairs
in the shipped themes); critical to official is reported beside it. The ranking is built from
the texts alone (counterpoints.current_index), so no contrast, its own pair included, is an
input: curation only marks the answers. Every contrast counts, drafts and seminar themes too,
as they are all instructors' pairs.
"""

from dataclasses import dataclass

from ..models import Contrast, Stance

CUTOFFS = (5, 10)


@dataclass(frozen=True)
class Recall:
    query_side: str  # "official": official passages ask, critical passages answer
    pairs: int
    found: dict[int, int]  # k -> pairs whose answer is in the top k

    def rate(self, k: int) -> float:
        return self.found[k] / self.pairs if self.pairs else 0.0

    def as_dict(self) -> dict:
        return {
            "query_side": self.query_side,
            "pairs": self.pairs,
            **{f"found_at_{k}": n for k, n in self.found.items()},
            **{f"recall_at_{k}": round(self.rate(k), 4) for k in self.found},
        }


def curated_pairs(query_side: str) -> list[tuple[object, frozenset[int]]]:
    """(passage on `query_side` of a contrast, the pks of the other side's passages), one per passage and contrast."""
    pairs = []
    for contrast in Contrast.objects.order_by("theme__order", "order").prefetch_related(
        "contrast_passages__passage__paper"
    ):
        sides = list(contrast.contrast_passages.all())
        answers = frozenset(cp.passage_id for cp in sides if cp.side != query_side)
        pairs += [(cp.passage, answers) for cp in sides if cp.side == query_side]
    return pairs


def evaluate(index, cutoffs=CUTOFFS) -> list[Recall]:
    """Recall at each cutoff, official passages asking and then critical ones."""
    deepest = max(cutoffs)
    results = []
    for side in (Stance.OFFICIAL, Stance.CRITICAL):
        pairs = curated_pairs(side)
        found = dict.fromkeys(cutoffs, 0)
        for passage, answers in pairs:
            ranked = [m.pk for m in index.rank(passage.text, passage.paper.stance, top=deepest, exclude=passage.pk)]
            for k in cutoffs:
                found[k] += not answers.isdisjoint(ranked[:k])
        results.append(Recall(str(side), len(pairs), found))
    return results
