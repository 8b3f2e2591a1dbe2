"""URLs of the reading room."""

from django.urls import path

from . import views

app_name = "readings"

urlpatterns = [
    path("", views.home, name="home"),
    path("papers/<slug:slug>/", views.paper_detail, name="paper-detail"),
    path("papers/<slug:slug>/<str:section_key>/<int:ordinal>/", views.passage_detail, name="passage-detail"),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
]
