"""Middleware of the reading room: sign-in required (when configured) and the anonymous page cache."""

import hashlib

from django.conf import settings
from django.contrib.auth.views import redirect_to_login


def require_login(get_response):
    """With READING_ROOM_REQUIRE_LOGIN set, anonymous visitors are sent to sign in first."""
    open_paths = ("/accounts/", "/admin/", "/static/")

    def middleware(request):
        if (
            settings.READING_ROOM_REQUIRE_LOGIN
            and not request.user.is_authenticated
            and not request.path.startswith(open_paths)
        ):
            return redirect_to_login(request.get_full_path())
        return get_response(request)

    return middleware


def anonymous_page_cache(get_response):
    """Serve anonymous readers' pages from a per-process cache until the content changes.

    Only requests without any cookie (no session, no CSRF token) and responses that set none
    are cached, so nothing personal is ever shared. The key holds the content version, which
    every edit of papers, passages or themes raises, so an edit is visible at once on every
    app server; stale entries simply age out. It also holds the scheme and host, which the
    pages' absolute links (citations, API links) are built from. The cache ("pages" in
    CACHES) is bounded by bytes.
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
            or request.path.startswith(("/admin/", "/accounts/"))
        ):
            return get_response(request)
        variant = "\n".join(
            [
                request.scheme,
                host,
                request.get_full_path(),
                request.headers.get("HX-Request", ""),
                request.headers.get("HX-History-Restore-Request", ""),
            ]
        )
        key = f"page:{ContentVersion.current()}:{hashlib.sha256(variant.encode()).hexdigest()}"
        cache = caches["pages"]
        response = cache.get(key)
        if response is not None:
            return response
        response = get_response(request)
        if (
            response.status_code == 200
            and not response.cookies
            and not getattr(response, "streaming", False)
            and "private" not in response.get("Cache-Control", "")
        ):
            if hasattr(response, "render") and callable(response.render) and not response.is_rendered:
                response.render()
            cache.set(key, response)
        return response

    return middleware
