"""Top-level URLs: the admin for curators, the reader pages and the API."""
from django.contrib import admin
from django.urls import include, path

from events.views_health import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("health/", health, name="health"),
    path("api/", include("events.api.urls")),
    path("", include("events.urls")),
]
