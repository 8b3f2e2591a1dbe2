"""The editors' admin: papers with their sections, passages, notes, themes and contrasts."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.safestring import mark_safe

from .admin_builder import PassageSearchBySide, builder_urls
from .admin_scope import (
    ReadableThemeFilter,
    ThemeScopedAdmin,
    ThemeScopedInline,
    back_to_draft,
    last_published,
    publish_contrasts,
    publish_themes,
    seminars_for_themes,
    theme_seminar_field,
    unpublish_contrasts,
    unpublish_themes,
)
from .markdown import render_markdown
from .models import (
    Annotation,
    AnnotationRevision,
    Contrast,
    ContrastPassage,
    EditorialNote,
    Membership,
    Paper,
    Passage,
    RenderedMarkdown,
    Section,
    Seminar,
    Stance,
    Theme,
    validate_sides,
)
from .roles import edits_public_themes


def preview(html: str) -> str:
    # The stored HTML was sanitized with an allow-list when it was saved (readings.markdown).
    return mark_safe(f'<div class="markdown-preview">{html}</div>') if html else "—"


class RenderFirstAdmin(admin.ModelAdmin):
    """Renders the Markdown a change form posts before the admin opens its transaction around the save.

    ModelAdmin wraps a whole POST in one transaction, and Markdown is the slow part of saving a theme
    or a contrast: each Markdown field posted (inline forms' too) is rendered first, as its form field
    will clean it, and the save takes the HTML from there.
    """

    # Markdown fields by name, with their length limits.
    markdown_sources = {
        name: model._meta.get_field(name).max_length for model in (Theme, Contrast) for name in model.markdown_fields
    }

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method == "POST" and (self.has_add_permission(request) or self.has_change_permission(request)):
            request.rendered_markdown = {}
            for key, value in request.POST.items():
                max_length = self.markdown_sources.get(key.rpartition("-")[2])
                text = value.strip()  # as forms.CharField cleans it
                if max_length and len(text) <= max_length:  # longer, the form refuses it
                    request.rendered_markdown[text] = render_markdown(text)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        obj.render_markdown(getattr(request, "rendered_markdown", None))
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        for inline_form in formset.forms:
            if isinstance(inline_form.instance, RenderedMarkdown):
                inline_form.instance.render_markdown(getattr(request, "rendered_markdown", None))
        super().save_formset(request, form, formset, change)


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


class PassageAdminForm(forms.ModelForm):
    correction_note = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Required when you change the text: why, and on what evidence. Readers see it as an editorial note.",
    )

    class Meta:
        model = Passage
        fields = ["kind", "text", "lang", "figure_text"]

    def clean(self):
        data = super().clean()
        if "text" in self.changed_data and not data.get("correction_note", "").strip():
            raise ValidationError({"correction_note": "Say why the text is changed: nothing is rewritten silently."})
        return data


@admin.register(Passage)
class PassageAdmin(PassageSearchBySide, admin.ModelAdmin):
    form = PassageAdminForm
    list_display = ("__str__", "paper", "kind")
    list_filter = ("paper__stance", "paper", "kind", ("contrasts__theme", ReadableThemeFilter))
    search_fields = ("text", "section__title")
    readonly_fields = ("paper", "section", "ordinal")
    fields = ("paper", "section", "ordinal", "kind", "text", "correction_note", "lang", "figure_text")
    list_select_related = ("paper", "section")

    def has_add_permission(self, request):
        return False  # passages come from the importer, where their keys are made

    def save_model(self, request, obj, form, change):
        if change and "text" in form.changed_data:
            EditorialNote.objects.create(
                paper=obj.paper,
                passage=obj,
                kind=EditorialNote.Kind.CORRECTION,
                original=form.initial["text"],
                replacement=obj.text,
                note=form.cleaned_data["correction_note"].strip(),
            )
        super().save_model(request, obj, form, change)


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


class ContrastPassageInline(ThemeScopedInline, admin.TabularInline):
    model = ContrastPassage
    formset = ContrastPassageFormSet
    fields = ("side", "passage", "order")
    autocomplete_fields = ("passage",)
    extra = 2


@admin.register(Contrast)
class ContrastAdmin(ThemeScopedAdmin, RenderFirstAdmin):
    list_display = ("__str__", "theme", "order", "is_published")
    list_filter = (
        "is_published",
        ("theme", admin.RelatedOnlyFieldListFilter),
        ("contrast_passages__passage__paper", admin.RelatedOnlyFieldListFilter),
        "contrast_passages__side",
    )
    search_fields = ("title", "commentary", "theme__title")
    fields = (
        "theme",
        "order",
        "title",
        "commentary",
        "commentary_preview",
        "counterpoint_suggestions",
        "is_published",
    )
    readonly_fields = ("commentary_preview", "counterpoint_suggestions")
    inlines = [ContrastPassageInline]
    # With the builder's panels: preview and suggestions before the first save (readings.admin_builder).
    change_form_template = "admin/readings/contrast/change_form.html"

    actions = [publish_contrasts, unpublish_contrasts]

    def get_urls(self):
        return builder_urls(self) + super().get_urls()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "theme":
            kwargs["queryset"] = Theme.objects.editable_by(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def delete_model(self, request, obj):
        emptied = list(last_published(Contrast.objects.filter(pk=obj.pk)))
        super().delete_model(request, obj)
        back_to_draft(request, emptied, self.message_user)

    def delete_queryset(self, request, queryset):
        emptied = list(last_published(queryset))
        super().delete_queryset(request, queryset)
        back_to_draft(request, emptied, self.message_user)

    @admin.display(description="Commentary as readers see it (after saving)")
    def commentary_preview(self, obj):
        return preview(obj.commentary_html)

    @admin.display(description="Suggested counterpoints (from the texts alone; after saving)")
    def counterpoint_suggestions(self, obj):
        from .counterpoints import contrast_suggestions_html

        return contrast_suggestions_html(obj)  # rendered by a template, which escapes the texts


class ContrastInlineFormSet(BaseInlineFormSet):
    def clean(self):
        super().clean()
        if any(self.errors) or not self.instance.is_published:
            return
        deleted = {form.instance.pk for form in self.deleted_forms if form.instance.pk}
        if deleted and not self.instance.contrasts.filter(is_published=True).exclude(pk__in=deleted).exists():
            raise ValidationError(
                "These are the last published contrasts of a published theme: unpublish the theme "
                "(untick “Is published”) to delete them, or publish another contrast first."
            )


class ContrastInline(ThemeScopedInline, admin.StackedInline):
    model = Contrast
    formset = ContrastInlineFormSet
    # Contrasts are published on their own page (or with the contrast list's action), once their sides are set.
    fields = ("order", "title", "commentary", "is_published")
    readonly_fields = ("is_published",)
    extra = 0
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(ThemeScopedAdmin, RenderFirstAdmin):
    to_theme = ""
    list_display = ("title", "seminar", "order", "is_published")
    list_filter = ("is_published", ("seminar", admin.RelatedOnlyFieldListFilter))
    # A checkbox the editor ticks, checked by Theme.clean() like the change form's: never set by a save button.
    list_editable = ("is_published",)
    list_select_related = ("seminar",)
    prepopulated_fields = {"slug": ("title",)}
    fields = ("title", "slug", "seminar", "question", "introduction", "introduction_preview", "order", "is_published")
    readonly_fields = ("introduction_preview",)
    inlines = [ContrastInline]
    actions = [publish_themes, unpublish_themes]

    def has_add_permission(self, request):
        user = request.user
        return super().has_add_permission(request) and (edits_public_themes(user) or seminars_for_themes(user).exists())

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        return theme_seminar_field(formfield, request) if db_field.name == "seminar" else formfield

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        last = Theme.objects.order_by("-order").values_list("order", flat=True).first()
        initial.setdefault("order", (last or 0) + 1)
        seminars = list(seminars_for_themes(request.user)[:2]) if not edits_public_themes(request.user) else []
        if len(seminars) == 1:
            initial.setdefault("seminar", seminars[0].pk)
        return initial

    @admin.display(description="Introduction as readers see it (after saving)")
    def introduction_preview(self, obj):
        return preview(obj.introduction_html)


class AnnotationRevisionInline(admin.TabularInline):
    model = AnnotationRevision
    fields = ("version", "body", "edited_by", "edited_at")
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Annotation)
class AnnotationAdmin(admin.ModelAdmin):
    """Moderation: hide or restore an annotation; its text stays the author's."""

    list_display = ("__str__", "seminar", "visibility", "is_hidden", "created")
    list_filter = ("is_hidden", "visibility", "seminar", "passage__paper__stance", "passage__paper")
    search_fields = ("body", "quote", "author__username")
    fields = ("passage", "author", "parent", "seminar", "visibility", "quote", "body_preview", "is_hidden", "version")
    readonly_fields = ("passage", "author", "parent", "seminar", "visibility", "quote", "body_preview", "version")
    list_select_related = ("author", "seminar", "passage__paper", "passage__section")
    actions = ["hide", "restore"]
    inlines = [AnnotationRevisionInline]

    def has_add_permission(self, request):
        return False  # annotations are written by readers, in the reading room

    @admin.display(description="Body")
    def body_preview(self, obj):
        return preview(obj.body_html)

    @admin.action(description="Hide the selected annotations")
    def hide(self, request, queryset):
        queryset.update(is_hidden=True)

    @admin.action(description="Restore the selected annotations")
    def restore(self, request, queryset):
        queryset.update(is_hidden=False)


class MembershipInline(admin.TabularInline):
    model = Membership
    autocomplete_fields = ("user",)
    extra = 1


@admin.register(Seminar)
class SeminarAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
    search_fields = ("name",)
    inlines = [MembershipInline]

    def has_add_permission(self, request):
        # readings.add_seminar is for /seminars/new/, where the creator becomes the instructor; a seminar
        # added here would have nobody to run it, so the admin's add form stays with those who may change seminars.
        return request.user.has_perm("readings.change_seminar")
