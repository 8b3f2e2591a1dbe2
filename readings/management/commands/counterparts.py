"""Print the counterpoints of the passage that contains a fragment of text."""

import json
import re
import textwrap

from django.core.management.base import BaseCommand, CommandError

from readings.analysis import evaluation
from readings.analysis.tokens import comparable
from readings.counterpoints import counterpoints_for, current_index
from readings.models import Passage

ASCII_WORD = re.compile(r"[A-Za-z0-9]{3,}")


def passages_containing(fragment: str) -> list[Passage]:
    """The passages whose text contains `fragment`, in reading order.

    Case, runs of spaces and line breaks, typographic quotes and dashes do not matter. The
    database narrows the search by the fragment's longest plain word; if that finds nothing
    (a ligature or soft hyphen inside the word, say), every passage is compared.
    """
    wanted = comparable(fragment)
    passages = Passage.objects.in_reading_order().select_related("paper", "section")
    words = ASCII_WORD.findall(fragment)
    narrowed = passages.filter(text__icontains=max(words, key=len)) if words else passages
    found = [p for p in narrowed if wanted in comparable(p.text)]
    if not found and words:
        found = [p for p in passages if wanted in comparable(p.text)]
    return found


class Command(BaseCommand):
    # A read-only look-up: the system checks would cost more time than the answer.
    requires_system_checks = []
    help = (
        "Find the passage containing FRAGMENT and print the passages of the other stance that speak to the same matter;"
        " or, with --evaluate, how often the ranking finds the curated contrasts' pairs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "fragment", nargs="?", help="Words from the passage, as printed (case and quotes do not matter)."
        )
        parser.add_argument("--top", type=int, default=5, help="How many counterpoints (default 5).")
        parser.add_argument("--json", dest="as_json", action="store_true", help="Print JSON instead of text.")
        parser.add_argument(
            "--evaluate",
            action="store_true",
            help="Print recall@5 and recall@10 over the curated contrasts instead (no FRAGMENT).",
        )

    def handle(self, *args, fragment, top, as_json, evaluate, **options):
        if evaluate:
            if fragment:
                raise CommandError("--evaluate takes no FRAGMENT.")
            results = evaluation.evaluate(current_index())
            if as_json:
                self.stdout.write(json.dumps([r.as_dict() for r in results], indent=2))
            else:
                self.stdout.write(evaluation_report(results))
            return
        if fragment is None:
            raise CommandError("Give some words of the passage to look for, or --evaluate.")
        if top < 1:
            raise CommandError("--top must be at least 1.")
        if not comparable(fragment):
            raise CommandError("Give some words of the passage to look for.")
        found = passages_containing(fragment)
        if not found:
            raise CommandError(f"No passage contains “{fragment}”.")
        passage = found[0]
        if len(found) > 1:
            others = ", ".join(p.key for p in found[1:4]) + (", …" if len(found) > 4 else "")
            self.stderr.write(
                f"{len(found)} passages contain the fragment; using the first, {passage.key} (also: {others})."
            )
        points = counterpoints_for(passage, top=top)
        if as_json:
            self.stdout.write(dumps(points))
        else:
            self.stdout.write(readable(passage, points))


def as_record(point) -> dict:
    p = point.passage
    return {
        "key": p.key,
        "paper": p.paper.slug,
        "paper_title": p.paper.display_title,
        "section": p.section.heading,
        "ordinal": p.ordinal,
        "score": point.score,
        "shared_terms": list(point.shared_terms),
        "text": p.text,
    }


def dumps(points) -> str:
    return json.dumps([as_record(point) for point in points], ensure_ascii=False, indent=2)


def readable(passage, points) -> str:
    lines = [
        f"Counterpoints to {passage.key} ({passage.paper.short_citation}, {passage.section.heading}, ¶{passage.ordinal}):"
    ]
    if not points:
        lines.append("  None: no passage of the other stance shares enough wording with it.")
    for rank, point in enumerate(points, 1):
        p = point.passage
        lines.append("")
        lines.append(f"{rank}. {p.key}  (score {point.score:.3f})")
        lines.append(f"   {p.paper.short_citation}, {p.section.heading}, ¶{p.ordinal}")
        lines.append(f"   shared: {', '.join(point.shared_terms)}")
        lines.extend(
            textwrap.wrap(
                textwrap.shorten(p.text, 300, placeholder=" …"), 96, initial_indent="   ", subsequent_indent="   "
            )
        )
    return "\n".join(lines)


def evaluation_report(results) -> str:
    lines = ["Curated contrasts found by the ranking (from the texts alone; curation only marks the answers):"]
    for result in results:
        other = "critical" if result.query_side == "official" else "official"
        found = ", ".join(
            f"recall@{k} {result.found[k]}/{result.pairs} ({result.rate(k):.0%})" for k in sorted(result.found)
        )
        lines.append(f"  {result.query_side} -> {other}: {found}")
    return "\n".join(lines)
