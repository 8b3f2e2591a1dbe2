"""Forms of the reading room: the search form's GET parameters, cleaned leniently."""

from django import forms
from django.core.exceptions import ValidationError

from .models import ANNOTATION_MAX_LENGTH, TOO_LONG, Annotation, Paper, ReaderSettings, Seminar, Stance, Theme
from .search import QUERY_MAX_LENGTH


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


class SearchForm(forms.Form):
    q = SearchQueryField(
        label="Search the papers",
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "id": "search-q", "maxlength": QUERY_MAX_LENGTH, "autocomplete": "off"}
        ),
    )
    stance = OptionalChoiceField(label="Stance", required=False, choices=[("", "Both stances"), *Stance.choices])
    paper = OptionalChoiceField(label="Paper", required=False)
    theme = OptionalChoiceField(label="Theme", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        papers = Paper.objects.only("slug", "title", "title_supplied")
        self.fields["paper"].choices = [("", "All papers"), *((p.slug, p.display_title) for p in papers)]
        themes = Theme.objects.published().values_list("slug", "title")
        self.fields["theme"].choices = [("", "All themes"), *themes]

    def filters(self) -> dict[str, str]:
        """The filters that are set and valid, by name."""
        if not self.is_valid():
            return {}
        return {name: self.cleaned_data[name] for name in ("stance", "paper", "theme") if self.cleaned_data[name]}


class AnnotationForm(forms.ModelForm):
    """A new annotation on a passage, optionally on a quoted span of it."""

    # Character offsets of a browser selection; checked against the passage in clean_span(),
    # whose messages the form shows (a hidden field's own errors would not be seen).
    start = forms.IntegerField(required=False, widget=forms.HiddenInput)
    end = forms.IntegerField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Annotation
        fields = ["quote", "start", "end", "body", "visibility", "seminar"]
        labels = {
            "quote": "Quoted span (optional)",
            "body": "Your annotation (Markdown)",
            "visibility": "Who can see it",
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
        # The seminars the writer is a member of now: a seminar they have left is no longer a choice.
        self.fields["seminar"].queryset = Seminar.objects.filter(memberships__user=user)
        self.fields["seminar"].required = False
        self.fields["seminar"].empty_label = "—"
        self.fields["seminar"].error_messages["invalid_choice"] = (
            "You can share only with a seminar you are a member of; choose one of yours, or keep it private."
        )

    def clean(self):
        data = super().clean()
        self.clean_span(data)
        if data.get("visibility") == Annotation.Visibility.SEMINAR and not data.get("seminar"):
            seminars = list(self.fields["seminar"].queryset[:2])
            if not seminars:
                raise ValidationError({"seminar": "You are not a member of any seminar: keep this annotation private."})
            if len(seminars) != 1:
                raise ValidationError({"seminar": "Choose the seminar to share this annotation with."})
            data["seminar"] = seminars[0]
        if data.get("visibility") == Annotation.Visibility.PRIVATE:
            data["seminar"] = None
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
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


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
