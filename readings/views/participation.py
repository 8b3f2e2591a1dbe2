"""Participation, for a seminar's instructors: a sortable table of who wrote what in each reading, and its CSV."""

import csv
import io
from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from ..models import Assignment
from ..participation import participation
from .access import seminar_of_instructor
from .exports import inert

PARAM_MAX_LENGTH = 20  # sort keys and assignment ids are short: anything longer is not one of ours
CSV_COLUMNS = [
    "username",
    "full_name",
    "email",
    "assignment",
    "due",
    "annotations",
    "replies",
    "words",
    "passages",
    "first_activity",
    "last_activity",
    "notes_after_due",
    "status",
]
# Columns of the table's figures, by sort key: (heading, how a row's tally gives the value).
FIGURES = {
    "annotations": ("Annotations", lambda tally: tally.annotations),
    "replies": ("Replies", lambda tally: tally.replies),
    "words": ("Words", lambda tally: tally.words),
    "passages": ("Passages", lambda tally: tally.passages),
    "first": ("First activity", lambda tally: tally.first),
    "last": ("Last activity", lambda tally: tally.last),
}
STATUS_ORDER = {"none": 0, "late": 1, "on time": 2}


@dataclass
class Column:
    key: str
    label: str
    numeric: bool
    href: str = ""
    aria_sort: str = ""
    due_at: object = None


def param(request, name) -> str:
    value = request.GET.get(name, "")
    return value if len(value) <= PARAM_MAX_LENGTH else ""


def chosen_assignment(request, assignments):
    """The assignment the table is narrowed to, or None: an unknown or malformed id reads as no filter."""
    wanted = param(request, "assignment")
    return next((assignment for assignment in assignments if str(assignment.pk) == wanted), None)


def sort_name(user):
    """As a class list is read: by family name (the username for someone without one), then given name."""
    return ((user.last_name or user.get_username()).casefold(), user.first_name.casefold(), user.get_username())


def sort_keys(assignment, assignments):
    """Each sortable column's key and how to read its value from a StudentRow, in the table's order."""
    keys = {"student": lambda row: sort_name(row.student)}
    if assignment is None:
        for index, each in enumerate(assignments):
            keys[f"a{each.pk}"] = lambda row, index=index: (
                row.cells[index].notes,
                row.cells[index].status == "on time",
            )
        for key, (_, value) in FIGURES.items():
            keys[key] = lambda row, value=value: value(row.total)
        keys["on_time"] = lambda row: row.on_time
        keys["late"] = lambda row: row.late
    else:
        for key, (_, value) in FIGURES.items():
            keys[key] = lambda row, value=value: value(row.cells[0])
        keys["after_due"] = lambda row: row.cells[0].after_due
        keys["status"] = lambda row: STATUS_ORDER[row.cells[0].status]
    return keys


def sorted_rows(rows, key, descending):
    """Rows by one column; rows without a value (no activity yet) last either way, ties by name."""
    rows = sorted(rows, key=lambda row: sort_name(row.student))  # sorting is stable, reversed or not
    present = [row for row in rows if key(row) is not None]
    absent = [row for row in rows if key(row) is None]
    return sorted(present, key=key, reverse=descending) + absent


def columns_of(request, assignment, assignments, sort, descending):
    labels = {"student": "Student"}
    if assignment is None:
        labels |= {f"a{each.pk}": each.title for each in assignments}
        labels |= {key: label for key, (label, _) in FIGURES.items()}
        labels |= {"on_time": "Assignments on time", "late": "Assignments late"}
    else:
        labels |= {key: label for key, (label, _) in FIGURES.items()}
        labels |= {"after_due": "Notes after due date", "status": "Status"}
    due = {f"a{each.pk}": each.due_at for each in assignments}
    columns = []
    for key, label in labels.items():
        column = Column(key, label, numeric=key != "student", due_at=due.get(key) if assignment is None else None)
        here = key == sort
        query = {"sort": key, "dir": "asc" if here and descending else ("desc" if here else "asc")}
        if assignment is not None:
            query = {"assignment": assignment.pk, **query}
        column.href = f"{request.path}?{urlencode(query)}"
        if here:
            column.aria_sort = "descending" if descending else "ascending"
        columns.append(column)
    return columns


@require_safe
@login_required
def participation_table(request, slug):
    seminar = seminar_of_instructor(request, slug)
    assignments = list(Assignment.objects.filter(seminar=seminar).order_by("due_at", "pk"))
    assignment = chosen_assignment(request, assignments)
    table = participation(seminar, [assignment] if assignment else assignments)
    keys = sort_keys(assignment, assignments)
    sort = param(request, "sort")
    if sort not in keys:
        sort = "student"
    descending = param(request, "dir") == "desc"
    context = {
        "seminar": seminar,
        "assignments": assignments,
        "assignment": assignment,
        "table": table,
        "rows": sorted_rows(table.rows, keys[sort], descending),
        "columns": columns_of(request, assignment, assignments, sort, descending),
        "csv_query": urlencode({"assignment": assignment.pk}) if assignment else "",
    }
    return TemplateResponse(request, "readings/participation.html", context)


def when(moment) -> str:
    return moment.isoformat(timespec="seconds") if moment else ""


def csv_rows(table):
    for row in table.rows:
        student = row.student
        for assignment, tally in zip(table.assignments, row.cells, strict=True):
            yield {
                "username": student.get_username(),
                "full_name": student.get_full_name(),
                "email": student.email,
                "assignment": assignment.title,
                "due": when(assignment.due_at),
                "annotations": str(tally.annotations),
                "replies": str(tally.replies),
                "words": str(tally.words),
                "passages": str(tally.passages),
                "first_activity": when(tally.first),
                "last_activity": when(tally.last),
                "notes_after_due": str(tally.after_due),
                "status": tally.status,
            }


@require_safe
@login_required
def participation_csv(request, slug):
    """One row per student and assignment, for a gradebook: names and titles made inert for spreadsheets."""
    seminar = seminar_of_instructor(request, slug)
    assignments = list(Assignment.objects.filter(seminar=seminar).order_by("due_at", "pk"))
    assignment = chosen_assignment(request, assignments)
    table = participation(seminar, [assignment] if assignment else assignments)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS)
    writer.writeheader()
    for cells in csv_rows(table):
        writer.writerow({name: inert(value) for name, value in cells.items()})
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    filename = f"participation-{seminar.slug}-{timezone.now():%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # students' names and emails: not for a shared cache
    return response
