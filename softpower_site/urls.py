"""Top-level URLs: the reading room and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from readings.views import RateLimitedLoginView

urlpatterns = [
    # One sign-in page for everyone, so the admin's is rate-limited too.
    path("admin/login/", RedirectView.as_view(url="/accounts/login/", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/login/", RateLimitedLoginView.as_view(), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("readings.urls")),
]
