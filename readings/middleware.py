"""Middleware of the reading room: sign-in required (when configured) and the anonymous page cache."""

import hashlib

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.urls import Resolver404, resolve


def require_login(get_response):
    """With READING_ROOM_REQUIRE_LOGIN set, anonymous visitors are sent to sign in first."""
    # A join link must open for someone without an account yet: it offers sign-in and sign-up.
    open_paths = ("/accounts/", "/admin/", "/static/", "/seminars/join/")

    def middleware(request):
        if (
            settings.READING_ROOM_REQUIRE_LOGIN
            and not request.user.is_authenticated
            and not request.path.startswith(open_paths)
        ):
            return redirect_to_login(request.get_full_path())
        return get_response(request)

    return middleware


# The query parameters each cached page reads, by URL name. Only these pages are cached, and
# only for a query string of these parameters, each at most once and at most
# QUERY_VALUE_MAX_LENGTH long; any other request is rendered as usual, uncached, so made-up
# query strings cannot fill the cache. A view that starts reading a new parameter must list it
# here (until then those requests are simply not cached). Left out on purpose: the whole-corpus
# export (readings:api-corpus), far too big to keep a copy of in every worker, and the pages
# only a signed-in reader can use.
CACHED_PAGES = {
    "readings:home": (),
    "readings:paper-list": ("stance", "page"),
    "readings:theme-list": ("page",),
    "readings:paper-detail": (),
    "readings:section-detail": (),
    "readings:passage-detail": (),
    "readings:passage-context": (),
    "readings:passage-counterpoints": (),
    "readings:passage-annotations": (),
    "readings:theme-detail": (),
    "readings:contrast-detail": (),
    "readings:theme-handout": (),
    "readings:theme-export": (),
    "readings:compare": ("official", "critical"),
    "readings:search": ("q", "stance", "paper", "theme", "page"),
    "readings:terms": ("term",),
    "readings:theme-map": (),
    "readings:api-index": (),
    "readings:api-papers": (),
    "readings:api-paper": (),
    "readings:api-passage": (),
    "readings:api-themes": (),
    "readings:api-theme": (),
    "readings:api-search": ("q", "stance", "paper", "theme", "page"),
}
QUERY_VALUE_MAX_LENGTH = 200  # the longest value a page reads: a search query (search_syntax.QUERY_MAX_LENGTH)


def is_cacheable(request) -> bool:
    """Whether this request names a cached page with only the query parameters that page reads."""
    try:
        view_name = resolve(request.path_info).view_name
    except Resolver404:
        return False
    if view_name not in CACHED_PAGES:
        return False
    known = CACHED_PAGES[view_name]
    return all(
        name in known and len(values) == 1 and len(values[0]) <= QUERY_VALUE_MAX_LENGTH
        for name, values in request.GET.lists()
    )


def anonymous_page_cache(get_response):
    """Serve anonymous readers' pages from a per-process cache until the content changes.

    Only requests without any cookie (no session, no CSRF token) and responses that set none
    are cached, so nothing personal is ever shared. The key holds the content version, which
    every edit of papers, passages or themes raises, so an edit is visible at once on every
    app server; stale entries simply age out. It also holds the scheme and host, which the
    pages' absolute links (citations, API links) are built from, and the htmx headers that
    choose between page and fragment. The cache ("pages" in CACHES) is bounded by bytes.
    """
    from django.core.cache import caches

    from .models import ContentVersion

    def middleware(request):
        # A host not in ALLOWED_HOSTS gets Django's 400 here (DisallowedHost), before any
        # cached page could answer it; CommonMiddleware would only check it further in.
        host = request.get_host()
        if (
            not settings.READING_ROOM_PAGE_CACHE
            or settings.READING_ROOM_REQUIRE_LOGIN  # anonymous readers get nothing to cache
            or request.method not in ("GET", "HEAD")
            or request.COOKIES
            or not is_cacheable(request)
        ):
            return get_response(request)
        variant = "\n".join(
            [
                request.scheme,
                host,
                request.get_full_path(),
                # As django-htmx reads them: any other value is a plain page request.
                str(request.headers.get("HX-Request") == "true"),
                str(request.headers.get("HX-History-Restore-Request") == "true"),
            ]
        )
        key = f"page:{ContentVersion.current()}:{hashlib.sha256(variant.encode()).hexdigest()}"
        cache = caches["pages"]
        response = cache.get(key)
        if response is not None:
            return response
        response = get_response(request)
        if (
            request.method == "GET"  # HEAD is answered from what GET stored, but stores nothing
            and response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "private" not in response.get("Cache-Control", "")
        ):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            # Answered from a text index still being rebuilt (readings.analysis.store.note_served):
            # rendering is what tells, and the rebuild raises no content version to retire it.
            if not getattr(request, "served_stale_index", False):
                cache.set(key, response)
        return response

    return middleware
