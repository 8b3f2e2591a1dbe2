"""Old permalinks of passages and sections whose keys changed (see readings.realign): a permanent
redirect where no passage has the old key any more, a notice where another passage now has it."""

from functools import wraps

from django.db.models import Exists, OuterRef
from django.http import Http404, HttpResponsePermanentRedirect
from django.urls import reverse

from ..models import Passage, PassageRedirect, Section


def moved_to(request, view_name: str, args) -> HttpResponsePermanentRedirect:
    url = reverse(view_name, args=args)
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    response = HttpResponsePermanentRedirect(url)
    if request.method not in ("GET", "HEAD"):
        # 308: a form posted to an old permalink is posted again to the new one, not turned into a GET.
        response.status_code = 308
    return response


def follow_moved_passage(view):
    """Answer a passage key that no passage has any more with a redirect to where its passage went."""

    @wraps(view)
    def wrapper(request, slug, section_key, ordinal, *args, **kwargs):
        try:
            response = view(request, slug, section_key, ordinal, *args, **kwargs)
        except Http404:
            if moved := moved_passage(slug, section_key, ordinal):
                return moved_to(request, request.resolver_match.view_name, moved.passage.url_args)
            raise
        # The JSON API answers a missing passage with its own 404 rather than raising.
        if response.status_code == 404 and (moved := moved_passage(slug, section_key, ordinal)):
            return moved_to(request, request.resolver_match.view_name, moved.passage.url_args)
        return response

    return wrapper


def moved_passage(slug, section_key, ordinal) -> PassageRedirect | None:
    """The redirect from this key, if no passage has the key any more."""
    moved = (
        PassageRedirect.objects.filter(paper__slug=slug, section_key=section_key, ordinal=ordinal)
        .select_related("passage__paper", "passage__section")
        .first()
    )
    if moved is None or Passage.objects.filter(paper__slug=slug, section__key=section_key, ordinal=ordinal).exists():
        return None
    return moved


def follow_moved_section(view):
    """Answer a section key that no section has any more with a redirect to the section its passages went to."""

    @wraps(view)
    def wrapper(request, slug, section_key, *args, **kwargs):
        try:
            return view(request, slug, section_key, *args, **kwargs)
        except Http404:
            moved = (
                PassageRedirect.objects.filter(paper__slug=slug, section_key=section_key)
                .select_related("passage__section")
                .order_by("ordinal")
                .first()
            )
            if moved is None or Section.objects.filter(paper__slug=slug, key=section_key).exists():
                raise
            return moved_to(request, request.resolver_match.view_name, [slug, moved.passage.section.key])

    return wrapper


def held_before_by_another():
    """Whether another passage had this passage's key before: asked in the query that fetches the
    passage, so that a page pays for the notice only where there is one."""
    return Exists(
        PassageRedirect.objects.filter(
            paper_id=OuterRef("paper_id"), section_key=OuterRef("section__key"), ordinal=OuterRef("ordinal")
        ).exclude(passage_id=OuterRef("pk"))
    )


def renumbered(passage) -> list[PassageRedirect]:
    """The passages that had this passage's key before it (ordinals shifted when a paragraph was split):
    a reader following an old citation of this key is told where that paragraph is now."""
    if not getattr(passage, "renumbered_here", True):
        return []
    return list(
        PassageRedirect.objects.filter(
            paper_id=passage.paper_id, section_key=passage.section.key, ordinal=passage.ordinal
        )
        .exclude(passage=passage)
        .select_related("passage__paper", "passage__section")
    )
