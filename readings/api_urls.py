"""URLs of the read-only JSON API, included under /api/ in the readings namespace."""

from django.urls import path, re_path

from . import api

urlpatterns = [
    path("", api.index, name="api-index"),
    path("papers/", api.papers, name="api-papers"),
    path("papers/<slug:slug>/", api.paper, name="api-paper"),
    path("passages/<slug:slug>/<str:section_key>/<int:ordinal>/", api.passage, name="api-passage"),
    path("themes/", api.themes, name="api-themes"),
    path("themes/<slug:slug>/", api.theme, name="api-theme"),
    path("search/", api.search, name="api-search"),
    path("corpus.json", api.corpus, name="api-corpus"),
    # Anything else under /api/ is a JSON 404 too, not the site's HTML error page.
    re_path(r"^", api.unknown),
]
