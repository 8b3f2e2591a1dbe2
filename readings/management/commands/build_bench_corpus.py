"""Add a synthetic corpus beside the real one, for the benchmark: many papers, passages and themes.

The text is made of sentences drawn from the real papers, so search and pages see realistic
words; the real five papers and ten themes stay as they are, so the same URLs can be timed at
both sizes.
"""

import random
import re

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from readings.models import (
    ContentVersion,
    Contrast,
    ContrastPassage,
    Paper,
    Passage,
    Section,
    Stance,
    TextVersion,
    Theme,
)

SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z])")
SECTIONS_PER_PAPER = 10
CONTRASTS_PER_THEME = 5


class Command(BaseCommand):
    help = "Add N synthetic papers (about P passages in all) and T themes to the loaded corpus."

    def add_arguments(self, parser):
        parser.add_argument("--papers", type=int, default=1000, help="papers in all, the real ones included")
        parser.add_argument("--passages", type=int, default=200_000, help="passages in all, roughly")
        parser.add_argument("--themes", type=int, default=100)
        parser.add_argument("--seed", type=int, default=20261122)

    def handle(self, *args, papers, passages, themes, seed, **options):
        real = list(Passage.objects.filter(kind="body", lang="").values_list("text", flat=True))
        if not real:
            raise CommandError("load the real corpus first: manage.py loaddata corpus themes")
        sentences = [s for text in real for s in SENTENCE.split(text) if len(s) > 30]
        rng = random.Random(seed)
        existing = Paper.objects.count()
        new_papers = max(0, papers - existing)
        per_paper = max(SECTIONS_PER_PAPER, passages // max(papers, 1))
        with transaction.atomic():
            self.add_papers(rng, sentences, new_papers, per_paper)
            self.add_themes(rng, themes)
            ContentVersion.bump()  # bulk inserts send no signals
            TextVersion.bump()
        self.stdout.write(
            f"{Paper.objects.count()} papers, {Passage.objects.count()} passages, {Theme.objects.count()} themes"
        )

    def add_papers(self, rng, sentences, count, per_paper):
        start = Paper.objects.count() + 1
        papers = Paper.objects.bulk_create(
            Paper(
                slug=f"synthetic-{n:05d}",
                title=f"Synthetic paper {n}",
                title_supplied=True,
                authors=f"Author {n}",
                year=1990 + n % 35,
                stance=Stance.OFFICIAL if n % 2 else Stance.CRITICAL,
                order=100 + n,
            )
            for n in range(start, start + count)
        )
        for done, paper in enumerate(papers, 1):
            sections = Section.objects.bulk_create(
                Section(paper=paper, key=str(s), number=str(s), title=f"Part {s}", ordinal=s)
                for s in range(1, SECTIONS_PER_PAPER + 1)
            )
            Passage.objects.bulk_create(
                Passage(
                    paper=paper,
                    section=sections[i % SECTIONS_PER_PAPER],
                    ordinal=i // SECTIONS_PER_PAPER + 1,
                    text=" ".join(rng.sample(sentences, rng.randint(3, 6))),
                )
                for i in range(per_paper)
            )
            if done % 100 == 0:
                self.stderr.write(f"  {done}/{len(papers)} papers")

    def add_themes(self, rng, count):
        official = list(
            Passage.objects.filter(paper__slug__startswith="synthetic-", paper__stance=Stance.OFFICIAL).values_list(
                "pk", flat=True
            )[:50_000]
        )
        critical = list(
            Passage.objects.filter(paper__slug__startswith="synthetic-", paper__stance=Stance.CRITICAL).values_list(
                "pk", flat=True
            )[:50_000]
        )
        if not official or not critical:
            return
        first = (Theme.objects.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        for n in range(first, first + count):
            theme = Theme.objects.create(
                slug=f"synthetic-theme-{n}",
                title=f"Synthetic theme {n}",
                question="What do the papers say?",
                introduction="A synthetic theme for the benchmark.",
                order=n,
                # Published, as readers meet them: a draft would be left out of the pages measured.
                is_published=True,
            )
            for order in range(1, CONTRASTS_PER_THEME + 1):
                contrast = Contrast.objects.create(
                    theme=theme, order=order, title=f"Contrast {order}", commentary="They differ.", is_published=True
                )
                ContrastPassage.objects.bulk_create(
                    [
                        ContrastPassage(
                            contrast=contrast, passage_id=rng.choice(official), side=Stance.OFFICIAL, order=1
                        ),
                        ContrastPassage(
                            contrast=contrast, passage_id=rng.choice(critical), side=Stance.CRITICAL, order=1
                        ),
                    ]
                )
