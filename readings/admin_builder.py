"""The contrast builder in the admin: commentary preview, counterpoint suggestions and passage search by side."""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, Value, When
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from .counterpoints import counterpoints_for_many
from .markdown import render_markdown
from .models import Contrast, Passage, Stance

PANELS = "admin/readings/contrast/builder_panels.html"
# Passages a contrast form may ask suggestions for at once: far more than any contrast holds
# (the starter themes have two to four), few enough that one request stays quick.
MAX_CHOSEN_PASSAGES = 20
SUGGESTIONS_PER_PASSAGE = 5
# The passage box searches the opening words of a passage: a longer term only costs the database.
MAX_SEARCH_TERM = 200
LARGEST_ID = 2**31 - 1  # an id the database cannot hold is no passage, whatever the backend


def builder_urls(model_admin):
    """The builder's endpoints, for ContrastAdmin.get_urls(): staff sign-in by the admin site, then the permission."""
    info = model_admin.opts.app_label, model_admin.opts.model_name

    def for_contrast_builders(view):
        def checked(request):
            # Whoever may add a contrast or change one may build one; the admin's own methods decide,
            # so the builder follows any rule ContrastAdmin sets for the form itself.
            if not (model_admin.has_add_permission(request) or model_admin.has_change_permission(request)):
                raise PermissionDenied
            return view(request)

        return model_admin.admin_site.admin_view(checked)

    return [
        path("builder/preview/", for_contrast_builders(commentary_preview), name="{}_{}_builder_preview".format(*info)),
        path(
            "builder/suggestions/",
            for_contrast_builders(counterpoint_suggestions),
            name="{}_{}_builder_suggestions".format(*info),
        ),
    ]


@require_POST
def commentary_preview(request):
    """The commentary as readers will see it, rendered and sanitized as saving would, without saving."""
    text = request.POST.get("commentary", "").strip()  # as the form field cleans it
    limit = Contrast._meta.get_field("commentary").max_length
    if len(text) > limit:
        context = {"error": f"The commentary is {len(text)} characters long; it may have at most {limit}."}
        return TemplateResponse(request, PANELS + "#preview", context, status=400)
    # Sanitized with the allow-list saving uses (readings.markdown): safe to show as HTML.
    return TemplateResponse(request, PANELS + "#preview", {"html": mark_safe(render_markdown(text))})


def chosen_ids(values) -> list[int] | None:
    """The passage ids asked for, in order and once each; None when one is not an id at all."""
    ids = []
    for value in values:
        # Length first: Python refuses to convert a string of thousands of digits at all.
        if not (value.isascii() and value.isdigit() and len(value) <= 10 and 0 < int(value) <= LARGEST_ID):
            return None
        ids.append(int(value))
    return list(dict.fromkeys(ids))


@require_GET
def counterpoint_suggestions(request):
    """For each passage picked on the form, the passages of the other stance most like it, ready to add."""
    values = request.GET.getlist("passage")
    ids = chosen_ids(values[: MAX_CHOSEN_PASSAGES + 1])
    if ids is None or len(values) > MAX_CHOSEN_PASSAGES:
        context = {"error": f"Ask for at most {MAX_CHOSEN_PASSAGES} passages, by their ids."}
        return TemplateResponse(request, PANELS + "#suggestions", context, status=400)
    found = Passage.objects.select_related("paper", "section").in_bulk(ids)
    chosen = [found[pk] for pk in ids if pk in found]  # a passage deleted meanwhile is simply left out
    suggestions = counterpoints_for_many(chosen, top=SUGGESTIONS_PER_PASSAGE)
    context = {
        "chosen": [(passage, suggestions[passage.pk]) for passage in chosen],
        "chosen_ids": set(found),
    }
    return TemplateResponse(request, PANELS + "#suggestions", context)


def is_contrast_passage_search(request) -> bool:
    """Whether the admin's autocomplete is asking for the passage box of a contrast's side."""
    match = request.resolver_match
    return (
        match is not None
        and match.url_name == "autocomplete"
        and request.GET.get("app_label") == "readings"
        and request.GET.get("model_name") == "contrastpassage"
        and request.GET.get("field_name") == "passage"
    )


class PassageSearchBySide:
    """For PassageAdmin: the contrast form's passage box offers only the stance of its row's side,
    passages that open with the words typed first (the suggestions quote opening words to type)."""

    def get_search_results(self, request, queryset, search_term):
        if not is_contrast_passage_search(request):
            return super().get_search_results(request, queryset, search_term)
        search_term = search_term[:MAX_SEARCH_TERM]
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        stance = request.GET.get("stance")
        if stance in Stance.values:  # anything else (no side chosen yet) searches both stances
            queryset = queryset.filter(paper__stance=stance)
        ranking = ["paper__order", "paper__slug", "section__ordinal", "ordinal"]
        if term := search_term.strip():
            opens_with_term = Case(When(text__istartswith=term, then=Value(0)), default=Value(1))
            queryset = queryset.annotate(opens_with_term=opens_with_term)
            ranking.insert(0, "opens_with_term")
        # The results are labelled with the passage's key, which names its paper and section.
        return queryset.select_related("paper", "section").order_by(*ranking), may_have_duplicates
