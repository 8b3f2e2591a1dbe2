"""Forms of the reading room: the search form's GET parameters, cleaned leniently."""

import re
from functools import lru_cache
from html import escape

from django import forms
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.safestring import mark_safe

from .models import (
    ANNOTATION_MAX_LENGTH,
    TAG_MAX_LENGTH,
    TAGS_PER_ANNOTATION,
    TOO_LONG,
    Annotation,
    Paper,
    ReaderSettings,
    Seminar,
    Stance,
    Theme,
)
from .search_syntax import QUERY_MAX_LENGTH


class SearchQueryField(forms.CharField):
    """Free text cut to the length the search reads; NUL characters, which no database stores, dropped.

    Not stripped: a space after the last word says the word is finished, not to be matched as a prefix.
    """

    def __init__(self, **kwargs):
        super().__init__(strip=False, **kwargs)

    def to_python(self, value):
        return super().to_python(value).replace("\x00", "")[:QUERY_MAX_LENGTH]


class OptionalChoiceField(forms.ChoiceField):
    """A filter that reads an unknown value as no filter, so a stale or hand-edited URL still searches."""

    def clean(self, value):
        try:
            return super().clean(value)
        except ValidationError:
            return ""


class ManyOptionsSelect(forms.Select):
    """A <select> written in one pass, with the markup of Django's own (name and attributes, one <option> each).

    Django renders every option through a template of its own: with a thousand papers in the library
    that cost the search page about 70 ms, more than half of a signed-in reader's request (no page
    cache for them).
    Flat choices only, no option groups, kept as given (Django would walk each one to normalize it).
    """

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = list(value)

    def render(self, name, value, attrs=None, renderer=None):
        options = options_html(tuple(self.choices))
        for chosen in dict.fromkeys(str(v) for v in self.format_value(value)):
            option = f'<option value="{escape(chosen)}">'
            options = options.replace(option, option[:-1] + " selected>", 1)
        attributes = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(f'<select name="{escape(name)}"{attributes}>\n{options}\n</select>')


@lru_cache(maxsize=16)
def options_html(choices: tuple) -> str:
    """The <option>s of flat choices, none selected; kept, as the same library's choices recur on every search.

    The standard library's escape, as Django's own: format_html per option cost a third of the time.
    """
    return "\n".join(f'<option value="{escape(str(key))}">{escape(str(label))}</option>' for key, label in choices)


class ManyChoicesField(OptionalChoiceField):
    """A filter among many flat (value, label) pairs of strings, such as a library's thousand papers.

    Django's ChoiceField walks every choice to normalize it and again to check a value (3 ms for a
    thousand, on every search): these choices are flat already, and a value is looked up in a set.
    """

    widget = ManyOptionsSelect

    @property
    def choices(self):
        return self._choices

    @choices.setter
    def choices(self, value):
        self._choices = self.widget.choices = list(value)
        self._values = {str(key) for key, _ in self._choices}

    def valid_value(self, value):
        return str(value) in self._values


class SearchForm(forms.Form):
    q = SearchQueryField(
        label="Search the papers",
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "id": "search-q", "maxlength": QUERY_MAX_LENGTH, "autocomplete": "off"}
        ),
    )
    stance = OptionalChoiceField(label="Stance", required=False, choices=[("", "Both stances"), *Stance.choices])
    # One option a paper, and a theme: the library may hold a thousand papers and a hundred themes.
    paper = ManyChoicesField(label="Paper", required=False)
    theme = ManyChoicesField(label="Theme", required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        # Rows, not models: a thousand Paper instances cost more than the query.
        papers = Paper.objects.values_list("slug", "title", "title_supplied")
        self.fields["paper"].choices = [
            ("", "All papers"),
            *((slug, Paper.display_title_of(title, supplied)) for slug, title, supplied in papers),
        ]
        # Search reads published contrasts (readings.search): the themes offered are the published ones
        # this reader may read, the seminar's own among them.
        themes = Theme.objects.readable_by(user or AnonymousUser()).published().values_list("slug", "title")
        self.fields["theme"].choices = [("", "All themes"), *themes]

    def filters(self) -> dict[str, str]:
        """The filters that are set and valid, by name."""
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in ("stance", "paper", "theme") if self.cleaned_data[name]}


class ShareWithField(forms.ModelChoiceField):
    """Who sees a note: "Only me" (no seminar) or one of the seminars the writer is a member of now.

    One control, so what a note is shared with cannot disagree with whether it is shared.
    """

    def __init__(self, **kwargs):
        super().__init__(
            queryset=Seminar.objects.none(),
            required=False,
            empty_label="Only me",
            label="Share with",
            error_messages={
                "invalid_choice": "You can share only with a seminar you are a member of now, and not an "
                "archived one: choose one of yours, or “Only me”."
            },
            **kwargs,
        )


def share_with_choices(field, user):
    # Not archived seminars: they are read-only.
    field.queryset = Seminar.objects.active().filter(memberships__user=user).order_by("name")


def share(annotation, seminar):
    """Set who sees the note from the "Share with" choice."""
    annotation.seminar = seminar
    annotation.visibility = Annotation.Visibility.SEMINAR if seminar else Annotation.Visibility.PRIVATE


TAG_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Enough for ten of the longest tags with a separator each: longer input is refused, not parsed.
TAGS_INPUT_MAX_LENGTH = TAGS_PER_ANNOTATION * (TAG_MAX_LENGTH + 2)


class TagsField(forms.CharField):
    """Tags typed as words separated by spaces or commas; cleaned to a sorted list of distinct tags.

    A tag is lower case letters, digits and hyphens (``soft-power``, ``2015``); what is typed is
    lowered first, so ``Soft-Power`` is ``soft-power``. Letters are ASCII only: a tag is also a
    URL parameter and a CSV cell, and one spelling per tag keeps the filters simple.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "Tags")
        kwargs.setdefault(
            "help_text",
            f"Words separated by spaces or commas, such as “confucius-institutes, framing”: at most "
            f"{TAGS_PER_ANNOTATION}, each up to {TAG_MAX_LENGTH} letters, digits or hyphens.",
        )
        super().__init__(**kwargs)
        self.widget.attrs.update(
            {"maxlength": TAGS_INPUT_MAX_LENGTH, "autocapitalize": "none", "autocomplete": "off", "spellcheck": "false"}
        )

    def prepare_value(self, value):
        return " ".join(value) if isinstance(value, list | tuple) else value

    def to_python(self, value):
        value = super().to_python(value)
        if len(value) > TAGS_INPUT_MAX_LENGTH:
            raise ValidationError(
                f"Too many tags: at most {TAGS_PER_ANNOTATION}, each up to {TAG_MAX_LENGTH} characters."
            )
        words = value.lower().replace(",", " ").split()
        too_long = [word for word in words if len(word) > TAG_MAX_LENGTH]
        if too_long:
            raise ValidationError(
                f"A tag can be at most {TAG_MAX_LENGTH} characters long: “{too_long[0][:60]}” is not."
            )
        bad = [word for word in words if not TAG_PATTERN.fullmatch(word)]
        if bad:
            raise ValidationError(
                f"“{bad[0]}” is not a tag: use letters a to z, digits and single hyphens between them."
            )
        tags = sorted(set(words))
        if len(tags) > TAGS_PER_ANNOTATION:
            raise ValidationError(f"Too many tags: at most {TAGS_PER_ANNOTATION}, and this has {len(tags)}.")
        return tags


class AnnotationForm(forms.ModelForm):
    """A new annotation on a passage, optionally on a quoted span of it."""

    # Character offsets of a browser selection; checked against the passage in clean_span(),
    # whose messages the form shows (a hidden field's own errors would not be seen).
    start = forms.IntegerField(required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, widget=forms.HiddenInput)
    share_with = ShareWithField()
    # Not in Meta.fields: the view saves the tags itself, in the annotation's transaction.
    tags = TagsField()

    class Meta:
        model = Annotation
        fields = ["quote", "start", "end", "body"]
        labels = {
            "quote": "Quoted span (optional)",
            "body": "Your annotation (Markdown)",
        }
        widgets = {
            "quote": forms.Textarea(attrs={"rows": 2}),
            "body": forms.Textarea(attrs={"rows": 4}),
        }
        help_texts = {
            "quote": "Select words in the passage to fill this in, or paste them; leave empty for the whole passage."
        }
        error_messages = {"body": {"max_length": TOO_LONG}}

    def __init__(self, *args, user, passage, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.passage = user, passage
        share_with_choices(self.fields["share_with"], user)
        if not self.is_bound:
            # The last choice the writer made, if it is still one of their seminars.
            remembered = ReaderSettings.for_user(user).share_with_id
            if remembered and self.fields["share_with"].queryset.filter(pk=remembered).exists():
                self.initial.setdefault("share_with", remembered)
        if self.initial.get("quote"):
            # Words were selected: the writer's next move is to write about them.
            self.fields["body"].widget.attrs["autofocus"] = True

    def clean(self):
        data = super().clean()
        self.clean_span(data)
        return data

    def clean_span(self, data):
        """A span is where it says it is: 0 <= start < end <= len(text), and the quote the words there.

        Offsets come from a selection in the browser; without them (no JavaScript, or pasted
        words) the quote is looked for in the passage. Neither: the whole passage.
        """
        quote, start, end = data.get("quote", ""), data.get("start"), data.get("end")
        text = self.passage.text
        if (start is None) != (end is None):
            raise ValidationError("A span needs both its start and its end: select the words again.")
        if start is not None:
            if not 0 <= start < end <= len(text):
                raise ValidationError(
                    f"The selected span ({start} to {end}) is outside the passage, which has {len(text)} "
                    "characters: select the words again."
                )
            span = text[start:end]
            words = span.strip()  # a selection often takes a space with it; the quote field is stripped
            if not words:
                raise ValidationError("The selected span holds no words: select the words again.")
            if quote and words != quote:
                raise ValidationError(
                    {"quote": "These are not the words at the selected place in the passage: select them again."}
                )
            start += len(span) - len(span.lstrip())
            data["quote"], data["start"], data["end"] = words, start, start + len(words)
        elif quote:
            found = text.find(quote)
            if found < 0:
                raise ValidationError({"quote": "These words are not in the passage; quote it exactly."})
            data["start"], data["end"] = found, found + len(quote)


def annotation_body(label, rows, **error_messages):
    return forms.CharField(
        label=label,
        max_length=ANNOTATION_MAX_LENGTH,
        error_messages={"max_length": TOO_LONG, **error_messages},
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class AnnotationEditForm(forms.Form):
    body = annotation_body("Your annotation (Markdown)", rows=4)
    tags = TagsField()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    share_with = ShareWithField()

    def __init__(self, *args, annotation, user, **kwargs):
        super().__init__(*args, **kwargs)
        if annotation.parent_id:
            del self.fields["share_with"]  # a reply is seen by exactly those who see what it answers
            self.fields["body"].label = "Your reply (Markdown)"
        else:
            share_with_choices(self.fields["share_with"], user)


class ReplyForm(forms.Form):
    body = annotation_body("Reply (Markdown)", rows=2, required="A reply needs some text.")


class ReaderSettingsForm(forms.ModelForm):
    class Meta:
        model = ReaderSettings
        fields = ["email_notifications"]
        labels = {"email_notifications": "Also send me my notifications by email"}
        widgets = {"email_notifications": forms.CheckboxInput(attrs={"aria-describedby": "email-help"})}
        help_texts = {
            "email_notifications": "At most one email per round, with everything new since the last; "
            "sent to the address on your account."
        }


NOTEBOOK_QUERY_MAX_LENGTH = 200


class WorkspaceFilterForm(forms.Form):
    """The filters of the notebook and of a seminar's stream, as GET parameters.

    Choices are the values there is something to find under; an unknown or stale value reads
    as no filter, as on the search page, so a hand-edited URL still lists notes.
    """

    member = OptionalChoiceField(label="Member", required=False)
    paper = OptionalChoiceField(label="Paper", required=False)
    theme = OptionalChoiceField(label="Theme", required=False)
    seminar = OptionalChoiceField(label="Seminar", required=False)
    tag = OptionalChoiceField(label="Tag", required=False)
    q = forms.CharField(
        label="Search my notes",
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "maxlength": NOTEBOOK_QUERY_MAX_LENGTH}),
    )

    def __init__(self, data, *, members=None, papers, themes, seminars=None, tags, search=False):
        super().__init__(data)
        choices = {
            "member": members,
            "paper": [("", "All papers"), *((p.slug, p.display_title) for p in papers)],
            "theme": [("", "All themes"), *((t.slug, t.title) for t in themes)],
            "seminar": seminars,
            "tag": [("", "All tags"), *((t.name, t.name) for t in tags)],
        }
        for name, options in choices.items():
            if options is None:
                del self.fields[name]
            else:
                self.fields[name].choices = options
        if not search:
            del self.fields["q"]

    def clean_q(self):
        # Cut, not refused: a search box should find what it can rather than answer with an error.
        return self.cleaned_data["q"][:NOTEBOOK_QUERY_MAX_LENGTH]

    def filters(self) -> dict[str, str]:
        """The filters that are set and valid, by name; one that is not valid (a NUL in the search) is left out."""
        self.is_valid()  # cleaned_data then holds the fields that are
        return {name: value for name, value in self.cleaned_data.items() if value}


class PaperDetailsForm(forms.Form):
    """What the PDF cannot say for itself: its stance, and the title, authors and year where it does not print them."""

    stance = forms.ChoiceField(choices=Stance.choices, widget=forms.RadioSelect)
    title = forms.CharField(max_length=400, required=False, help_text="Leave empty to take the title the PDF prints.")
    authors = forms.CharField(max_length=400, required=False)
    year = forms.IntegerField(min_value=1800, max_value=2100, required=False)


class PdfUploadForm(PaperDetailsForm):
    pdf = forms.FileField(label="PDF", widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}))
    field_order = ["pdf", "stance", "title", "authors", "year"]


class PdfConfirmForm(PaperDetailsForm):
    title = forms.CharField(
        max_length=400, help_text="As the PDF prints it, or the editor’s (then marked as supplied)."
    )
