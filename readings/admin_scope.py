"""Who edits which theme in the admin, and publishing as a deliberate act: mixins and actions for the curation admins.

Instructors hold add/change/delete on themes and contrasts through the Instructors group
(readings.roles), which follows their memberships; the object-level rule narrows that to the themes
of the seminars they instruct, and the public themes to editors (readings.models.curation).
"""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q

from .models import ContentVersion, Contrast, Seminar, Theme
from .models.curation import PUBLISH_NEEDS_A_CONTRAST, themes_readable_by
from .roles import edits_public_themes


def theme_of(obj):
    return obj if isinstance(obj, Theme) else obj.theme


def may_edit(request, theme) -> bool:
    """Whether the request's user edits this theme, asked once per theme and request."""
    if theme is None or theme.pk is None:
        return True  # a new object: the add permission and the form's choices decide
    known = request.__dict__.setdefault("_editable_themes", {})
    if theme.pk not in known:
        known[theme.pk] = theme.is_editable_by(request.user)
    return known[theme.pk]


class ThemeScopedAdmin:
    """A model admin whose objects belong to a theme: the user sees and changes only those of the themes they edit.

    The change list holds only those; any other object, opened by its URL, answers 403 (its permission
    is refused) instead of the admin's "perhaps it was deleted" redirect, which would hide nothing
    more and say less.
    """

    to_theme = "theme__"

    def get_queryset(self, request):
        editable = Theme.objects.editable_by(request.user).values("pk")
        return super().get_queryset(request).filter(**{f"{self.to_theme}pk__in": editable})

    def get_object(self, request, object_id, from_field=None):
        field = self.model._meta.pk if from_field is None else self.model._meta.get_field(from_field)
        try:
            return self.model._default_manager.get(**{field.name: field.to_python(object_id)})
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or may_edit(request, theme_of(obj)))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_edit(request, theme_of(obj)))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_edit(request, theme_of(obj)))


class ThemeScopedInline:
    """An inline on a theme or contrast page: its rows are the parent's, and so are the rights over them."""

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) and (obj is None or may_edit(request, theme_of(obj)))

    def has_add_permission(self, request, obj=None):
        return super().has_add_permission(request, obj) and (obj is None or may_edit(request, theme_of(obj)))

    def has_change_permission(self, request, obj=None):
        return super().has_change_permission(request, obj) and (obj is None or may_edit(request, theme_of(obj)))

    def has_delete_permission(self, request, obj=None):
        return super().has_delete_permission(request, obj) and (obj is None or may_edit(request, theme_of(obj)))


def seminars_for_themes(user):
    """The seminars the user may give a theme to: any for a superuser, those they instruct (not archived) otherwise."""
    return Seminar.objects.all() if user.is_superuser else Seminar.objects.instructed_by(user).active()


class ReadableThemeFilter(admin.RelatedOnlyFieldListFilter):
    """The themes a list can be filtered by: those in the list that the user may read, drafts of others left out."""

    def field_choices(self, field, request, model_admin):
        in_list = model_admin.get_queryset(request).distinct().values_list(f"{self.field_path}__pk", flat=True)
        readable = Theme.objects.filter(themes_readable_by(request.user)).values("pk")
        return field.get_choices(
            include_blank=False, limit_choices_to=Q(pk__in=in_list) & Q(pk__in=readable), ordering=("order",)
        )


# On the change list, and on the change form beside (never inside) its save buttons.
BOTH = [admin.ActionLocation.CHANGE_LIST, admin.ActionLocation.CHANGE_FORM]


def content_changed():
    # update() sends no signals: the anonymous page cache must still see the change at once.
    ContentVersion.bump()


@admin.action(
    description="Publish this theme",
    description_plural="Publish the selected themes",
    location=BOTH,
    permissions=["change"],
)
def publish_themes(modeladmin, request, queryset):
    with transaction.atomic():
        ready = queryset.filter(is_published=False).filter(
            pk__in=Contrast.objects.filter(is_published=True).values("theme")
        )
        published = ready.update(is_published=True)
        empty = list(queryset.filter(is_published=False).values_list("title", flat=True))
    if published:
        content_changed()
        modeladmin.message_user(request, f"Published {published} theme{'s' if published != 1 else ''}.")
    if empty:
        titles = ", ".join(f"“{title}”" for title in empty)
        modeladmin.message_user(request, f"Not published: {titles}. {PUBLISH_NEEDS_A_CONTRAST}", messages.ERROR)


@admin.action(
    description="Unpublish this theme (back to draft)",
    description_plural="Unpublish the selected themes (back to draft)",
    location=BOTH,
    permissions=["change"],
)
def unpublish_themes(modeladmin, request, queryset):
    if count := queryset.filter(is_published=True).update(is_published=False):
        content_changed()
    modeladmin.message_user(request, f"{count} theme{'s' if count != 1 else ''} back to draft.")


@admin.action(
    description="Publish this contrast",
    description_plural="Publish the selected contrasts",
    location=BOTH,
    permissions=["change"],
)
def publish_contrasts(modeladmin, request, queryset):
    if count := queryset.filter(is_published=False).update(is_published=True):
        content_changed()
    modeladmin.message_user(
        request,
        f"Published {count} contrast{'s' if count != 1 else ''}: readers see them once their theme is published.",
    )


def last_published(contrasts):
    """The published themes that would be left without a published contrast if `contrasts` went."""
    chosen = contrasts.filter(is_published=True).values("pk")
    # A subquery, not a join on contrasts: the count below must see all of the theme's contrasts.
    touched = Contrast.objects.filter(pk__in=chosen).values("theme")
    return (
        Theme.objects.filter(is_published=True, pk__in=touched)
        .annotate(remaining=Count("contrasts", filter=Q(contrasts__is_published=True) & ~Q(contrasts__pk__in=chosen)))
        .filter(remaining=0)
    )


@admin.action(
    description="Unpublish this contrast (back to draft)",
    description_plural="Unpublish the selected contrasts (back to draft)",
    location=BOTH,
    permissions=["change"],
)
def unpublish_contrasts(modeladmin, request, queryset):
    with transaction.atomic():
        kept = list(last_published(queryset))
        count = queryset.filter(is_published=True).exclude(theme__in=kept).update(is_published=False)
    if count:
        content_changed()
    modeladmin.message_user(request, f"{count} contrast{'s' if count != 1 else ''} back to draft.")
    if kept:
        titles = ", ".join(f"“{theme}”" for theme in kept)
        modeladmin.message_user(
            request,
            f"Left published in {titles}: a published theme keeps at least one published contrast. "
            "Unpublish the theme first.",
            messages.ERROR,
        )


def back_to_draft(request, themes, message_user):
    """Deleting the last published contrasts of a theme takes the theme back to draft, and says so.

    (Editing refuses instead, Contrast.clean(): there the editor can still choose; after a deletion
    the only state that keeps the rule is a draft.)
    """
    if not themes:
        return
    Theme.objects.filter(pk__in=[t.pk for t in themes]).update(is_published=False)
    content_changed()
    titles = ", ".join(f"“{theme}”" for theme in themes)
    message_user(request, f"{titles} had no published contrast left and went back to draft.", messages.WARNING)


def theme_seminar_field(formfield, request):
    """The seminar a theme belongs to: one the user may give themes to, and required unless they edit public themes."""
    formfield.queryset = seminars_for_themes(request.user)
    formfield.required = not edits_public_themes(request.user)
    formfield.help_text = "The seminar whose members read this theme; its instructors edit it." + (
        "" if formfield.required else " Empty: a public theme, read by everyone once published."
    )
    return formfield
