"""/api/: the endpoints, the OpenAPI schema and its Swagger page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("plans", views.PlanViewSet, basename="plan")
router.register("points", views.PointViewSet, basename="point")
router.register("components", views.ComponentViewSet, basename="component")
router.register("parties", views.PartyViewSet, basename="party")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("statements", views.StatementViewSet, basename="statement")
router.register("positions", views.PositionViewSet, basename="position")
router.register("sources", views.SourceViewSet, basename="source")
router.register("events", views.EventViewSet, basename="event")
router.register("changes", views.ChangeViewSet, basename="change")

# A point or component is named by its plan and number.
item = {"get": "retrieve"}
urlpatterns = [
    path(
        "plans/<slug:slug>/points/<int:number>/",
        views.PointViewSet.as_view(item),
        name="point-detail",
    ),
    path(
        "plans/<slug:slug>/components/<int:number>/",
        views.ComponentViewSet.as_view(item),
        name="component-detail",
    ),
    *[
        pattern
        for pattern in router.urls
        if pattern.name not in ("point-detail", "component-detail")
    ],
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema", template_name="tracker/api_docs.html"
        ),
        name="docs",
    ),
]
