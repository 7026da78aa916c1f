"""The tracker's URLs plus the benchmark's own views; served only under bench.settings."""

from django.urls import include, path

from bench import views

urlpatterns = [
    path("bench/ceiling/", views.ceiling, name="bench_ceiling"),
    path("bench/same-bytes/<slug:name>/", views.same_bytes, name="bench_same_bytes"),
    path("", include("tracker.urls")),
]
