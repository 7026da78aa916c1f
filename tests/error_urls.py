"""The project's URLs plus one view that fails, to see the 500 page (tests only)."""

from django.urls import include, path


def broken(request):
    raise RuntimeError("a fault on the server")


urlpatterns = [
    path("broken/", broken),
    path("", include("tracker.urls")),
]
