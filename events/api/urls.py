"""/api/: the routers' list and detail routes, the OpenAPI schema and its browser (assets from PyPI, no CDN)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.APIRootView = views.APIRoot
router.include_format_suffixes = False  # `/api/events/<uid>.json` would be a second name for every page
router.register("events", views.EventViewSet, basename="event")
router.register("stories", views.StoryViewSet, basename="story")
router.register("actors", views.ActorViewSet, basename="actor")
router.register("places", views.PlaceViewSet, basename="place")

urlpatterns = [
    path("schema/", views.SchemaView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(
        url_name="api:schema", template_name="api/swagger_ui.html",
    ), name="docs"),
    path("", include(router.urls)),
    re_path(r"^.*$", views.NoSuchEndpoint.as_view(), name="no_such_endpoint"),
]
