"""Forms of the reading room: the search form's GET parameters, cleaned leniently."""

from django import forms
from django.core.exceptions import ValidationError

from .models import Paper, Stance, Theme
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
