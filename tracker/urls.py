from django.contrib import admin
from django.urls import include, path

from .views import pages

urlpatterns = [
    # Reading the record
    path("", pages.overview, name="overview"),
    path("healthz", pages.healthz, name="healthz"),
    path("parties.css", pages.party_colours, name="party_colours"),
    path("plans/<slug:slug>/", pages.plan_detail, name="plan_detail"),
    path("plans/<slug:slug>/points/<int:number>/", pages.point_detail, name="point_detail"),
    path("parties/<slug:slug>/", pages.party_detail, name="party_detail"),
    path("sources/<int:pk>/", pages.source_detail, name="source_detail"),
    path("positions/<uuid:uid>/", pages.position_detail, name="position_detail"),
    # Accounts and admin
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
