"""Reader URLs: the list, detail, map and exports share the list's query string."""
from django.urls import path
from django.views.generic import RedirectView

from . import views_export

app_name = "events"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
    path("events/export.csv", views_export.export_events, {"fmt": "csv"}, name="export_csv"),
    path("events/export.json", views_export.export_events, {"fmt": "json"}, name="export_json"),
    path("events/export.geojson", views_export.export_events, {"fmt": "geojson"}, name="export_geojson"),
]
