"""Security headers Django does not set itself: a strict Content-Security-Policy."""

from django.conf import settings
from django.contrib.auth.views import redirect_to_login


def content_security_policy(get_response):
    policy = "; ".join(f"{directive} {' '.join(sources)}" for directive, sources in settings.CONTENT_SECURITY_POLICY.items())

    def middleware(request):
        response = get_response(request)
        response.headers.setdefault("Content-Security-Policy", policy)
        return response

    return middleware


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
