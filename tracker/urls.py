from django.contrib import admin
from django.urls import include, path

from .views import analysis as analysis_views
from .views import desk as desk_views
from .views import editing as editing_views
from .views import evidence as evidence_views
from .views import history as history_views
from .views import lists as list_views
from .views import matrix as matrix_views
from .views import pages
from .views import records as record_views
from .views import site as site_views
from .views import transfer as transfer_views

urlpatterns = [
    # Reading the record
    path("", pages.overview, name="overview"),
    path("healthz", pages.healthz, name="healthz"),
    path("favicon.ico", site_views.favicon, name="favicon"),
    # Editing: before the detail pages, which would take "new" for a slug
    path("plans/", list_views.plan_list, name="plan_list"),
    path("parties/", list_views.party_list, name="party_list"),
    path("actors/", list_views.actor_list, name="actor_list"),
    path("sources/", list_views.source_list, name="source_list"),
    path("events/", list_views.event_list, name="event_list"),
    path("statements/", list_views.statement_list, name="statement_list"),
    path("statements/new/", evidence_views.statement_create, name="statement_create"),
    path("statements/<uuid:uid>/", pages.statement_detail, name="statement_detail"),
    path("statements/<uuid:uid>/edit/", evidence_views.statement_edit, name="statement_edit"),
    path("statements/<uuid:uid>/delete/", evidence_views.statement_delete, name="statement_delete"),
    path("actors/new/", record_views.actor_new, name="actor_new"),
    path("plans/new/", editing_views.plan_create, name="plan_create"),
    path("parties/new/", editing_views.party_create, name="party_create"),
    path("parties.css", pages.party_colours, name="party_colours"),
    path("plans/<slug:slug>/", pages.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/points/<int:number>/", pages.point_detail, name="point_detail"),
    path("parties/<slug:slug>/", pages.party_detail, name="party_detail"),
    path("sources/<int:pk>/", pages.source_detail, name="source_detail"),
    path("positions/<uuid:uid>/", pages.position_detail, name="position_detail"),
    path("actors/<slug:slug>/", record_views.actor_detail, name="actor_detail"),
    # Analysis
    path("compare/", analysis_views.compare, name="compare"),
    path("plans/<slug:slug>/components/", analysis_views.plan_components, name="plan_components"),
    path("timeline/", analysis_views.timeline, name="timeline"),
    path("search/", analysis_views.search, name="search"),
    path("provenance/", analysis_views.provenance, name="provenance"),
    path("parties/<slug:slug>/brief/", analysis_views.party_brief, name="party_brief"),
    # History
    path("plans/<slug:slug>/history/", history_views.plan_history, name="plan_history"),
    path(
        "plans/<slug:slug>/points/<int:number>/history/",
        history_views.point_history,
        name="point_history",
    ),
    path("parties/<slug:slug>/history/", history_views.party_history, name="party_history"),
    path("sources/<int:pk>/history/", history_views.source_history, name="source_history"),
    path("positions/<uuid:uid>/history/", history_views.position_history, name="position_history"),
    path("history/<str:model>/<int:pk>/", history_views.object_history, name="object_history"),
    path(
        "history/<str:model>/<int:pk>/restore/",
        history_views.restore_version,
        name="restore_version",
    ),
    path("changes/", history_views.recent_changes, name="recent_changes"),
    path("changes/feed/", history_views.changes_feed, name="changes_feed"),
    path("changes/export/", desk_views.changes_export, name="changes_export"),
    path(
        "changes/export.csv",
        desk_views.changes_export,
        {"default_format": "csv"},
        name="changes_export_csv",
    ),
    path(
        "changes/export.json",
        desk_views.changes_export,
        {"default_format": "json"},
        name="changes_export_json",
    ),
    # Following: watchlists and private feeds (the token in the URL stands for a session)
    path("watching/", desk_views.watching, name="watching"),
    path("watch/<str:kind>/<int:pk>/", desk_views.watch, name="watch"),
    path(
        "feeds/<slug:token>/changes.atom",
        desk_views.private_changes_feed,
        name="private_changes_feed",
    ),
    path(
        "feeds/<slug:token>/watching.atom",
        desk_views.private_watching_feed,
        name="private_watching_feed",
    ),
    # Editing
    path("matrix/", matrix_views.matrix, name="matrix"),
    path("matrix/<int:point>/<int:party>/", matrix_views.cell, name="matrix_cell"),
    path("plans/<slug:slug>/edit/", editing_views.plan_edit, name="plan_edit"),
    path("plans/<slug:slug>/delete/", editing_views.plan_delete, name="plan_delete"),
    path("plans/<slug:slug>/new-version/", editing_views.plan_new_version, name="plan_new_version"),
    path(
        "plans/<slug:slug>/components/new/", editing_views.component_create, name="component_create"
    ),
    path(
        "plans/<slug:slug>/components/<int:number>/edit/",
        editing_views.component_edit,
        name="component_edit",
    ),
    path(
        "plans/<slug:slug>/components/<int:number>/delete/",
        editing_views.component_delete,
        name="component_delete",
    ),
    path("plans/<slug:slug>/points/new/", editing_views.point_create, name="point_create"),
    path(
        "plans/<slug:slug>/points/<int:number>/edit/", editing_views.point_edit, name="point_edit"
    ),
    path(
        "plans/<slug:slug>/points/<int:number>/edit/<str:field>/",
        editing_views.point_field_edit,
        name="point_field_edit",
    ),
    path(
        "plans/<slug:slug>/points/<int:number>/show/<str:field>/",
        editing_views.point_field_show,
        name="point_field_show",
    ),
    path(
        "plans/<slug:slug>/points/<int:number>/delete/",
        editing_views.point_delete,
        name="point_delete",
    ),
    path(
        "plans/<slug:slug>/points/<int:number>/positions/new/",
        evidence_views.position_create_for_point,
        name="position_create_for_point",
    ),
    path("parties/<slug:slug>/edit/", editing_views.party_edit, name="party_edit"),
    path("parties/<slug:slug>/delete/", editing_views.party_delete, name="party_delete"),
    path(
        "parties/<slug:slug>/positions/new/",
        evidence_views.position_create_for_party,
        name="position_create_for_party",
    ),
    path("parties/<slug:slug>/actors/new/", editing_views.actor_create, name="actor_create"),
    path("actors/<slug:slug>/edit/", editing_views.actor_edit, name="actor_edit"),
    path("actors/<slug:slug>/delete/", editing_views.actor_delete, name="actor_delete"),
    path("sources/new/", editing_views.source_create, name="source_create"),
    path("sources/<int:pk>/edit/", editing_views.source_edit, name="source_edit"),
    path("sources/<int:pk>/delete/", editing_views.source_delete, name="source_delete"),
    path("events/new/", editing_views.event_create, name="event_create"),
    path("events/<slug:slug>/", record_views.event_detail, name="event_detail"),
    path("events/<slug:slug>/edit/", editing_views.event_edit, name="event_edit"),
    path("events/<slug:slug>/delete/", editing_views.event_delete, name="event_delete"),
    path("positions/<uuid:uid>/edit/", evidence_views.position_edit, name="position_edit"),
    path("positions/<uuid:uid>/delete/", evidence_views.position_delete, name="position_delete"),
    # Import and export
    path("export/", transfer_views.export, name="export"),
    path("export/fixture.json", transfer_views.export_fixture, name="export_fixture"),
    path("export/matrix.csv", transfer_views.export_matrix, name="export_matrix"),
    path("import/", transfer_views.import_form, name="import_fixture"),
    path("import/preview/", transfer_views.import_preview, name="import_preview"),
    path("import/apply/", transfer_views.import_apply, name="import_apply"),
    path("import/cancel/", transfer_views.import_cancel, name="import_cancel"),
    # The JSON API
    path("api/", include("tracker.api.urls")),
    # Accounts and admin
    path("settings/", site_views.user_settings, name="user_settings"),
    path("settings/tokens/", site_views.api_token_create, name="api_token_create"),
    path("settings/tokens/<int:pk>/revoke/", site_views.api_token_revoke, name="api_token_revoke"),
    path("settings/feed-token/", desk_views.feed_token_regenerate, name="feed_token_regenerate"),
    path("settings/digest/", desk_views.digest_settings, name="digest_settings"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
