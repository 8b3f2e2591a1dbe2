"""URLs of the reading room."""

from django.urls import include, path

from . import api, views
from .views import joining, seminars

app_name = "readings"

urlpatterns = [
    path("", views.home, name="home"),
    path("papers/", views.paper_list, name="paper-list"),
    path("themes/", views.theme_list, name="theme-list"),
    path("import/", views.pdf_upload, name="pdf-upload"),
    path("import/<str:token>/", views.pdf_import, name="pdf-import"),
    path("import/<str:token>/confirm/", views.pdf_import_confirm, name="pdf-import-confirm"),
    path("import/<str:token>/discard/", views.pdf_import_discard, name="pdf-import-discard"),
    path("papers/<slug:slug>/", views.paper_detail, name="paper-detail"),
    path("papers/<slug:slug>/sections/<str:section_key>/", views.section_detail, name="section-detail"),
    path("papers/<slug:slug>/<str:section_key>/<int:ordinal>/", views.passage_detail, name="passage-detail"),
    path(
        "papers/<slug:slug>/<str:section_key>/<int:ordinal>/context/", views.passage_in_context, name="passage-context"
    ),
    path(
        "papers/<slug:slug>/<str:section_key>/<int:ordinal>/counterpoints/",
        views.passage_counterpoints,
        name="passage-counterpoints",
    ),
    path(
        "papers/<slug:slug>/<str:section_key>/<int:ordinal>/annotations/",
        views.passage_annotations,
        name="passage-annotations",
    ),
    path("themes/<slug:slug>/", views.theme_detail, name="theme-detail"),
    path("themes/<slug:slug>/contrasts/<int:order>/", views.contrast_detail, name="contrast-detail"),
    path("themes/<slug:slug>/handout.md", views.theme_handout, name="theme-handout"),
    path("compare/", views.compare, name="compare"),
    path("annotations/<int:pk>/edit/", views.annotation_edit, name="annotation-edit"),
    path("annotations/<int:pk>/delete/", views.annotation_delete, name="annotation-delete"),
    path("annotations/<int:pk>/reply/", views.annotation_reply, name="annotation-reply"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification-open"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification-read"),
    path("notifications/read/", views.notification_read_all, name="notifications-read-all"),
    path("settings/", views.reader_settings, name="settings"),
    path("reader/highlights/", views.highlights_setting, name="highlights-setting"),
    path("notebook/", views.notebook, name="notebook"),
    path("notebook/export.csv", views.notebook_export, {"fmt": "csv"}, name="notebook-export-csv"),
    path("notebook/export.md", views.notebook_export, {"fmt": "md"}, name="notebook-export-md"),
    # Before seminars/<slug:slug>/: no seminar is slugged "new" or "join" (views.seminars.RESERVED_SLUGS).
    path("seminars/new/", seminars.seminar_new, name="seminar-new"),
    path("seminars/join/<str:code>/", joining.seminar_join, name="seminar-join"),
    path("seminars/<slug:slug>/", views.seminar_stream, name="seminar-stream"),
    path("seminars/<slug:slug>/settings/", seminars.seminar_settings, name="seminar-settings"),
    path("seminars/<slug:slug>/archive/", seminars.seminar_archive, name="seminar-archive"),
    path("seminars/<slug:slug>/join-link/", seminars.seminar_join_link, name="seminar-join-link"),
    path("seminars/<slug:slug>/members/", seminars.seminar_members, name="seminar-members"),
    path("seminars/<slug:slug>/members/<int:pk>/role/", seminars.member_role, name="member-role"),
    path("seminars/<slug:slug>/members/<int:pk>/remove/", seminars.member_remove, name="member-remove"),
    path("seminars/<slug:slug>/members/<int:pk>/invite/", seminars.member_invite, name="member-invite"),
    path("accounts/signup/", joining.signup, name="signup"),
    path("seminars/<slug:slug>/export.csv", views.seminar_stream_export, {"fmt": "csv"}, name="seminar-export-csv"),
    path("seminars/<slug:slug>/assignments/new/", views.assignment_new, name="assignment-new"),
    path("seminars/<slug:slug>/assignments/<int:pk>/", views.assignment_detail, name="assignment-detail"),
    path("seminars/<slug:slug>/assignments/<int:pk>/edit/", views.assignment_edit, name="assignment-edit"),
    path("seminars/<slug:slug>/assignments/<int:pk>/delete/", views.assignment_delete, name="assignment-delete"),
    path("seminars/<slug:slug>/export.md", views.seminar_stream_export, {"fmt": "md"}, name="seminar-export-md"),
    path("seminars/<slug:slug>/participation/", views.participation_table, name="participation"),
    path("seminars/<slug:slug>/participation.csv", views.participation_csv, name="participation-csv"),
    path("search/", views.search, name="search"),
    path("terms/", views.term_contrast, name="terms"),
    path("map/", views.theme_map, name="theme-map"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("themes/<slug:slug>/export.json", api.theme_export, name="theme-export"),
    path("api/", include("readings.api_urls")),
]
