"""Add a synthetic seminar for the benchmark: many students, many assignments, shared notes in every reading.

Its assignments are drawn over the loaded corpus (papers, themes and sections in turn); each
student writes about --notes notes per assignment, some of them replies, some after the due date,
and a few skip an assignment altogether, so the participation table has every kind of cell.
Bulk inserts, so 200 students and 20 assignments take seconds, not minutes.
"""

import random
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from readings.models import Annotation, Assignment, Membership, Paper, Role, Seminar, Theme

WORDS = [
    "soft",
    "power",
    "culture",
    "security",
    "legitimacy",
    "propaganda",
    "attraction",
    "narrative",
    "state",
    "party",
    "nation",
    "identity",
    "influence",
    "confucius",
    "institute",
    "media",
    "values",
    "harmony",
    "rise",
    "discourse",
]
SKIP_RATE = 0.1  # students who write nothing for an assignment
REPLY_RATE = 0.25
LATE_RATE = 0.15


class Command(BaseCommand):
    help = "Add (or replace) a seminar of N students and A assignments with shared notes, for `make bench`."

    def add_arguments(self, parser):
        parser.add_argument("--slug", default="bench-participation")
        parser.add_argument("--students", type=int, default=200)
        parser.add_argument("--assignments", type=int, default=20)
        parser.add_argument("--notes", type=int, default=10, help="notes per student and assignment, on average")
        parser.add_argument("--seed", type=int, default=20261129)
        parser.add_argument("--if-missing", action="store_true", help="keep the seminar if it is there already")

    def handle(self, *args, slug, students, assignments, notes, seed, if_missing, **options):
        if if_missing and Seminar.objects.filter(slug=slug).exists():
            self.stdout.write(f"seminar {slug} is there already")
            return
        papers, themes = list(Paper.objects.order_by("pk")[:5]), list(Theme.objects.order_by("pk"))
        if not papers:
            raise CommandError("load the corpus first: manage.py loaddata corpus themes")
        rng = random.Random(seed)
        with transaction.atomic():
            Seminar.objects.filter(slug=slug).delete()
            seminar = Seminar.objects.create(slug=slug, name="Benchmark seminar")
            people = self.add_people(seminar, slug, students)
            readings = self.add_assignments(rng, seminar, assignments, papers, themes)
            count = self.add_notes(rng, seminar, people, readings, notes)
        self.stdout.write(f"seminar {slug}: {students} students, {assignments} assignments, {count} notes")

    def add_people(self, seminar, slug, students):
        User = get_user_model()
        User.objects.filter(username__startswith=f"{slug}-").delete()
        users = User.objects.bulk_create(
            [User(username=f"{slug}-instructor", password="!")]
            + [
                User(
                    username=f"{slug}-{n:04d}",
                    first_name=f"Student{n}",
                    last_name=f"Bench{n % 37}",
                    email=f"{slug}-{n:04d}@example.org",
                    password="!",  # unusable: nobody signs in as them
                )
                for n in range(students)
            ]
        )
        Membership.objects.bulk_create(
            [Membership(seminar=seminar, user=users[0], role=Role.INSTRUCTOR)]
            + [Membership(seminar=seminar, user=user, role=Role.STUDENT) for user in users[1:]]
        )
        return users[1:]

    def add_assignments(self, rng, seminar, count, papers, themes):
        """Assignments by theme, paper and sections in turn, a week apart; each with its passages' ids."""
        start = timezone.now() - timedelta(weeks=count)
        readings = []
        for n in range(count):
            due = start + timedelta(weeks=n + 1)
            fields = {"seminar": seminar, "title": f"Week {n + 1}", "opens_at": due - timedelta(weeks=1), "due_at": due}
            kind = ("theme", "paper", "sections")[n % 3] if themes else ("paper", "sections")[n % 2]
            if kind == "theme":
                assignment = Assignment.objects.create(kind=kind, theme=themes[n % len(themes)], **fields)
            elif kind == "paper":
                assignment = Assignment.objects.create(kind=kind, paper=papers[n % len(papers)], **fields)
            else:
                assignment = Assignment.objects.create(kind=kind, **fields)
                sections = list(papers[n % len(papers)].sections.order_by("ordinal")[:40])
                assignment.sections.set(rng.sample(sections, min(3, len(sections))))
            passages = list(assignment.passages().values_list("pk", flat=True))
            if passages:
                readings.append((assignment, passages))
        return readings

    def add_notes(self, rng, seminar, students, readings, per_assignment):
        created = Annotation._meta.get_field("created")
        created.auto_now_add = False  # the notes' times are the point: bulk_create would stamp them all "now"
        try:
            notes = []
            for assignment, passages in readings:
                for student in students:
                    if rng.random() < SKIP_RATE:
                        continue
                    for _ in range(rng.randint(per_assignment // 2, per_assignment * 3 // 2)):
                        late = rng.random() < LATE_RATE
                        offset = timedelta(hours=rng.uniform(1, 72))
                        notes.append(
                            self.note(
                                rng,
                                seminar,
                                student,
                                rng.choice(passages),
                                assignment.due_at + (offset if late else -offset),
                            )
                        )
            top = Annotation.objects.bulk_create(
                [note for note in notes if rng.random() >= REPLY_RATE], batch_size=2000
            )
            replies = []
            for parent in rng.sample(top, min(len(top), len(notes) - len(top))):
                reply = self.note(
                    rng, seminar, rng.choice(students), parent.passage_id, parent.created + timedelta(hours=1)
                )
                reply.parent = parent
                replies.append(reply)
            Annotation.objects.bulk_create(replies, batch_size=2000)
        finally:
            created.auto_now_add = True
        return len(top) + len(replies)

    def note(self, rng, seminar, author, passage_id, when):
        body = " ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 80)))
        return Annotation(
            passage_id=passage_id,
            author=author,
            seminar=seminar,
            visibility=Annotation.Visibility.SEMINAR,
            body=body,
            body_html=f"<p>{body}</p>",
            created=when,
            updated=when,
        )
