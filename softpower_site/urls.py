"""Top-level URLs: the reading room and the admin."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("readings.urls")),
]
