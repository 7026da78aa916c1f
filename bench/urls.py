"""The tracker's URLs plus the benchmark's ceiling view; served only under bench.settings."""

from django.urls import path

from tracker.urls import urlpatterns as tracker_urlpatterns

from .views import ceiling

urlpatterns = [path("bench/ceiling/", ceiling, name="bench_ceiling"), *tracker_urlpatterns]
