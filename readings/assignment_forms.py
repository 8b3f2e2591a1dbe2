"""The instructor's assignment form: what to read (a theme, a paper or chosen sections), by when, and the gate."""

from django import forms
from django.db.models import Q

from .models import GATE_MAX, INSTRUCTIONS_MAX_LENGTH, Assignment, Paper, Section, Theme

SECTIONS_MAX = 100  # sections of one assignment: a term's reading, not the library
DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format=DATETIME_FORMAT, **kwargs)


def grouped_sections():
    """Every section as a checkbox, grouped by paper (optgroups of a CheckboxSelectMultiple): no JavaScript needed."""
    groups = {}
    for section in Section.objects.select_related("paper").order_by("paper__order", "paper_id", "ordinal"):
        groups.setdefault(section.paper.display_title, []).append((section.pk, section.heading))
    return list(groups.items())


def readable_themes(seminar):
    """The themes a seminar can be given: the published public ones and the seminar's own."""
    return Theme.objects.filter(Q(seminar__isnull=True, is_published=True) | Q(seminar=seminar))


class AssignmentForm(forms.ModelForm):
    opens_at = forms.DateTimeField(label="Opens", input_formats=[DATETIME_FORMAT], widget=DateTimeInput())
    due_at = forms.DateTimeField(label="Due", input_formats=[DATETIME_FORMAT], widget=DateTimeInput())
    gate = forms.IntegerField(
        label="Annotations before a student sees the others'",
        min_value=0,
        max_value=GATE_MAX,
        initial=0,
        help_text=(
            f"0 to {GATE_MAX}. Until a student has shared this many notes in the reading, they see only their "
            "own and the instructors' notes there. 0: they see everyone's from the start."
        ),
    )
    kind = forms.ChoiceField(
        label="What to read", choices=Assignment.Kind.choices, widget=forms.RadioSelect, initial="theme"
    )
    theme = forms.ModelChoiceField(queryset=Theme.objects.none(), required=False, empty_label="Choose a theme")
    paper = forms.ModelChoiceField(
        queryset=Paper.objects.only("pk", "title", "title_supplied"), required=False, empty_label="Choose a paper"
    )
    sections = forms.ModelMultipleChoiceField(
        queryset=Section.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=f"Up to {SECTIONS_MAX}.",
    )

    class Meta:
        model = Assignment
        fields = ["title", "instructions", "kind", "theme", "paper", "sections", "opens_at", "due_at", "gate"]
        widgets = {"instructions": forms.Textarea(attrs={"rows": 8, "maxlength": INSTRUCTIONS_MAX_LENGTH})}
        help_texts = {"instructions": "Markdown: what to look for, what to write."}

    def __init__(self, data=None, *args, seminar, **kwargs):
        if data is not None:
            # Only the chosen kind's reading is read: a paper left selected under "A theme" is no error.
            data = data.copy()
            for kind in {"theme", "paper", "sections"} - {data.get("kind")}:
                data.pop(kind, None)
        super().__init__(data, *args, **kwargs)
        self.fields["theme"].queryset = readable_themes(seminar).only("pk", "title")
        self.fields["title"].widget.attrs["maxlength"] = 200
        self.fields["sections"].widget.choices = grouped_sections()

    def section_groups(self):
        """The sections by paper, each (value, label, checked), for checkboxes grouped in fieldsets."""
        chosen = {str(value) for value in self["sections"].value() or ()}
        return [
            (paper, [(value, label, str(value) in chosen) for value, label in sections])
            for paper, sections in self.fields["sections"].widget.choices
        ]

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        reading = {"theme": cleaned.get("theme"), "paper": cleaned.get("paper"), "sections": cleaned.get("sections")}
        if kind and not reading[kind]:
            self.add_error(kind, f"Choose {'the sections' if kind == 'sections' else 'a ' + kind} to read.")
        if kind == Assignment.Kind.SECTIONS and reading["sections"] and len(reading["sections"]) > SECTIONS_MAX:
            self.add_error("sections", f"Choose at most {SECTIONS_MAX} sections: split the reading in two.")
        if kind != Assignment.Kind.SECTIONS:  # an edit from sections to another kind drops the sections
            cleaned["sections"] = Section.objects.none()
        opens, due = cleaned.get("opens_at"), cleaned.get("due_at")
        if opens and due and due <= opens:
            self.add_error("due_at", "The due date must come after the opening date.")
        return cleaned
