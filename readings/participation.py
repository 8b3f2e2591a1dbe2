"""Participation in a seminar's assignments: who wrote what in each reading, as facts for instructors, not grades.

What counts: a student's annotations and replies shared with this seminar (visibility "seminar",
seminar = this one), neither deleted by their author nor hidden by a moderator, on a passage of the
assignment's reading as Assignment.reading_q() draws it. Private notes are never counted, nor notes
shared with another seminar, nor instructors' notes. Time does not narrow what counts: a note
written in the reading before the assignment opened, or after it was due, counts; when two
assignments share passages, a note there counts in both.

- annotations: top-level notes; replies: answers in a thread (a student's reply to anyone's note).
- words: whitespace-separated runs in the Markdown source of the counted notes, counted in Python
  (bodies are at most 10,000 characters, so the whole body is fetched; SQL has no portable word count).
- passages: distinct passages of the reading the student wrote on (an annotation or a reply).
- first and last: the times of the earliest and the latest counted note.
- status: "on time" when the first counted note came at or before the due date (Assignment.is_late
  says a note is late when it is written after it); "late" when every counted note came after it;
  "none" when there is no counted note. An instructor reads "on time" as "started before the
  deadline": work added after it is not a second status but a fact of its own, `after_due`, the
  number of counted notes written after the due date.

The totals of a student run over the union of the readings, each note once, so they are not the
sums of the per-assignment figures when readings overlap.

The whole table takes four queries whatever the numbers of students, assignments and notes:
students, assignments, the counted notes (author, passage, parent, time, body), and one row per
passage that has notes, flagged with the assignments whose reading holds it (reading_q() of every
assignment as a column). Bucketing is done in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Q

from .models import Annotation, Assignment, Membership, Passage, Role

ON_TIME, LATE, NONE = "on time", "late", "none"


@dataclass(slots=True)
class Tally:
    """What one student wrote in one reading (or in all of them, for a total)."""

    annotations: int = 0
    replies: int = 0
    words: int = 0
    after_due: int = 0
    first: datetime | None = None
    last: datetime | None = None
    passage_ids: set[int] = field(default_factory=set)
    due_at: datetime | None = None  # None for a total

    @property
    def notes(self) -> int:
        return self.annotations + self.replies

    @property
    def passages(self) -> int:
        return len(self.passage_ids)

    @property
    def status(self) -> str:
        if self.first is None:
            return NONE
        if self.due_at is not None and self.first > self.due_at:
            return LATE
        return ON_TIME

    @property
    def flag(self) -> str:
        """The status when it is worth a mark in a table of mostly on-time cells: "late", "none" or ""."""
        status = self.status
        return "" if status == ON_TIME else status

    def add(self, is_reply: bool, words: int, passage_id: int, created: datetime):
        # Called once per note and reading: 40,000 notes in a large seminar, so plain arguments, no objects.
        if is_reply:
            self.replies += 1
        else:
            self.annotations += 1
        self.words += words
        self.passage_ids.add(passage_id)
        if self.first is None or created < self.first:
            self.first = created
        if self.last is None or created > self.last:
            self.last = created
        if self.due_at is not None and created > self.due_at:  # Assignment.is_late, inlined
            self.after_due += 1


@dataclass
class StudentRow:
    student: object  # a User
    cells: list[Tally]  # one per assignment, in the order of Participation.assignments
    total: Tally

    @property
    def on_time(self) -> int:
        return sum(cell.status == ON_TIME for cell in self.cells)

    @property
    def late(self) -> int:
        return sum(cell.status == LATE for cell in self.cells)


@dataclass
class Participation:
    assignments: list[Assignment]
    rows: list[StudentRow]


def counted_notes(seminar):
    """The students' notes that participation counts, in any passage (the readings narrow them later)."""
    students = Membership.objects.filter(seminar=seminar, role=Role.STUDENT).values("user_id")
    return Annotation.objects.filter(
        seminar=seminar,
        visibility=Annotation.Visibility.SEMINAR,
        is_hidden=False,
        deleted_at__isnull=True,
        author__in=students,
    )


def readings_of(passage_ids, assignments) -> dict[int, list[int]]:
    """For each passage that lies in some reading: the indexes of the assignments whose reading holds it.

    One query: every assignment's reading_q() as a boolean column, so the rule that draws a reading
    stays in one place (the Assignment model).
    """
    if not assignments:
        return {}
    flags = {
        f"in_{index}": ExpressionWrapper(assignment.reading_q(), output_field=BooleanField())
        for index, assignment in enumerate(assignments)
    }
    in_any = Q()
    for assignment in assignments:
        in_any |= assignment.reading_q()
    rows = (
        Passage.objects.filter(pk__in=passage_ids).filter(in_any).annotate(**flags).order_by().values_list("pk", *flags)
    )
    return {pk: [index for index, flag in enumerate(row) if flag] for pk, *row in rows}


def participation(seminar, assignments=None) -> Participation:
    """The seminar's students (by username) against its assignments (by due date), in four queries.

    `assignments`, a list, narrows the table to those (the page's filter); by default, all of them.
    """
    students = list(
        get_user_model()
        .objects.filter(memberships__seminar=seminar, memberships__role=Role.STUDENT)
        .only("username", "first_name", "last_name", "email")
        .order_by("username")
    )
    if assignments is None:
        assignments = list(Assignment.objects.filter(seminar=seminar).order_by("due_at", "pk"))
    notes = counted_notes(seminar).order_by()
    rows = list(notes.values_list("author_id", "passage_id", "parent_id", "created", "body"))
    in_readings = readings_of(notes.values("passage_id"), assignments) if rows else {}

    by_student = {
        student.pk: StudentRow(
            student=student,
            cells=[Tally(due_at=assignment.due_at) for assignment in assignments],
            total=Tally(),
        )
        for student in students
    }
    for author_id, passage_id, parent_id, created, body in rows:
        indexes = in_readings.get(passage_id)
        row = by_student.get(author_id)
        if not indexes or row is None:
            continue
        note = (parent_id is not None, len(body.split()), passage_id, created)
        for index in indexes:
            row.cells[index].add(*note)
        row.total.add(*note)
    return Participation(assignments=assignments, rows=list(by_student.values()))
