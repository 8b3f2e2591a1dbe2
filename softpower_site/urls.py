"""Top-level URLs: the reading room and the admin."""

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from readings.views import LimitedPasswordResetView, SignOutView

urlpatterns = [
    # One sign-in page for everyone, so the admin's is throttled too.
    path("admin/login/", RedirectView.as_view(url="/accounts/login/", query_string=True)),
    path("admin/", admin.site.urls),
    path("accounts/logout/", SignOutView.as_view(), name="logout"),
    path("accounts/password_reset/", LimitedPasswordResetView.as_view(), name="password_reset"),
    # Django's sign-in (throttled by django-axes), sign-out and the rest of password reset.
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("readings.urls")),
]
