"""Annotations as a download: CSV for spreadsheets, Markdown for reading; one row or entry per note or reply."""

import csv
import io

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.text import slugify

FORMATS = {"csv": "text/csv; charset=utf-8", "md": "text/markdown; charset=utf-8"}
COLUMNS = [
    "id",
    "parent_id",
    "author",
    "role",
    "seminar",
    "paper",
    "passage",
    "permalink",
    "quote",
    "body",
    "tags",
    "created",
    "edited",
]
DELETED = "[deleted by its author]"
# A spreadsheet reads a cell starting with one of these as a formula (OWASP's CSV injection list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def inert(cell: str) -> str:
    """A cell a spreadsheet shows as text: a leading apostrophe before anything it would run as a formula."""
    return f"'{cell}" if cell.startswith(FORMULA_STARTS) else cell


def role(annotation) -> str:
    if annotation.seminar_id is None:
        return ""
    return "instructor" if annotation.by_instructor else "student"


def row(request, annotation) -> dict[str, str]:
    """One note or reply, as listed by views.workspace.listed() (author, seminar, passage, tags fetched)."""
    passage = annotation.passage
    return {
        "id": str(annotation.pk),
        "parent_id": str(annotation.parent_id or ""),
        "author": annotation.author.get_username(),
        "role": role(annotation),
        "seminar": annotation.seminar.name if annotation.seminar else "Only me",
        "paper": passage.paper.display_title,
        "passage": passage.key,
        "permalink": request.build_absolute_uri(annotation.get_absolute_url()),
        "quote": annotation.quote,
        "body": DELETED if annotation.deleted_at else annotation.body,
        "tags": " ".join(tag.name for tag in annotation.tags.all()),
        "created": annotation.created.isoformat(timespec="seconds"),
        "edited": annotation.updated.isoformat(timespec="seconds") if annotation.version > 1 else "",
    }


def as_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    for cells in rows:
        writer.writerow({name: inert(value) for name, value in cells.items()})
    return out.getvalue()


def as_markdown(title, filters, rows) -> str:
    lines = [f"# {title}", "", f"Exported {timezone.now():%Y-%m-%d %H:%M} UTC from the Soft Power Reading Room."]
    if filters:
        lines.append(f"Filters: {urlencode(filters)}.")
    for cells in rows:
        heading = "###" if cells["parent_id"] else "##"
        what = f"Reply by {cells['author']}" if cells["parent_id"] else f"{cells['author']} on {cells['paper']}"
        lines += ["", f"{heading} {what}, {cells['passage']}", "", f"<{cells['permalink']}>", ""]
        if cells["quote"]:
            lines += ["> " + line for line in cells["quote"].splitlines()] + [""]
        lines += [cells["body"], ""]
        about = [cells["role"].capitalize(), cells["seminar"], cells["created"]]
        if cells["edited"]:
            about.append(f"edited {cells['edited']}")
        if cells["tags"]:
            about.append("tags: " + ", ".join(cells["tags"].split()))
        lines.append("*" + " · ".join(part for part in about if part) + "*")
    return "\n".join(lines) + "\n"


def download(request, fmt, title, name, filters, annotations):
    if fmt not in FORMATS:
        raise Http404("Exports are .csv or .md.")
    rows = [row(request, annotation) for annotation in annotations]
    content = as_csv(rows) if fmt == "csv" else as_markdown(title, filters, rows)
    response = HttpResponse(content, content_type=FORMATS[fmt])
    filename = f"{slugify(name) or 'export'}-{timezone.now():%Y-%m-%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"  # someone's notes: not for a shared cache
    return response
