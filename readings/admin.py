"""The editors' admin: papers with their sections, passages, notes, themes and contrasts."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet

from .models import Annotation, Contrast, ContrastPassage, EditorialNote, Paper, Passage, Section, Stance, Theme, validate_sides


class SectionInline(admin.TabularInline):
    model = Section
    fields = ("ordinal", "number", "title", "level", "key", "lang")
    readonly_fields = ("key",)  # imported keys are part of permalinks
    extra = 0
    show_change_link = True


class EditorialNoteInline(admin.TabularInline):
    model = EditorialNote
    fields = ("kind", "passage", "original", "replacement", "note")
    raw_id_fields = ("passage",)
    extra = 0


@admin.register(Paper)
class PaperAdmin(admin.ModelAdmin):
    list_display = ("display_title", "authors", "year", "stance", "order")
    list_filter = ("stance",)
    search_fields = ("title", "authors", "venue")
    readonly_fields = ("slug", "source_file")
    inlines = [SectionInline, EditorialNoteInline]


@admin.register(Passage)
class PassageAdmin(admin.ModelAdmin):
    list_display = ("__str__", "paper", "kind")
    list_filter = ("paper__stance", "paper", "kind")
    search_fields = ("text", "section__title")
    readonly_fields = ("paper", "section", "ordinal")
    list_select_related = ("paper", "section")

    def has_add_permission(self, request):
        return False  # passages come from the importer, where their keys are made


class ContrastPassageFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors):
            return
        official, critical = [], []
        for form in self.forms:
            if not form.cleaned_data or form.cleaned_data.get("DELETE"):
                continue
            passage = form.cleaned_data["passage"]
            (official if form.cleaned_data["side"] == Stance.OFFICIAL else critical).append(passage)
        try:
            validate_sides(official, critical)
        except ValidationError as error:
            raise ValidationError(error.messages) from None


class ContrastPassageInline(admin.TabularInline):
    model = ContrastPassage
    formset = ContrastPassageFormSet
    fields = ("side", "passage", "order")
    autocomplete_fields = ("passage",)
    extra = 2


@admin.register(Contrast)
class ContrastAdmin(admin.ModelAdmin):
    list_display = ("__str__", "theme", "order")
    list_filter = ("theme",)
    inlines = [ContrastPassageInline]


class ContrastInline(admin.StackedInline):
    model = Contrast
    fields = ("order", "title", "commentary")
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
    list_display = ("title", "order", "is_published")
    list_filter = ("is_published",)
    prepopulated_fields = {"slug": ("title",)}
    inlines = [ContrastInline]


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "visibility", "created")
    list_filter = ("visibility",)
    raw_id_fields = ("passage",)
    search_fields = ("body", "quote")
