"""Reader URLs: the list, detail, map, summary and exports share the list's query string."""
from django.urls import path
from django.views.generic import RedirectView

from . import views, views_export

app_name = "events"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="events:list", permanent=False, query_string=True), name="home"),
    path("events/", views.event_list, name="list"),
    path("events/<int:pk>/", views.event_detail_page, name="detail"),
    path("events/map/", views.event_map, name="map"),
    path("events/map/data.json", views.event_map_data, name="map_data"),
    path("events/summary/", views.event_summary, name="summary"),
    path("events/export.csv", views_export.export_events, {"fmt": "csv"}, name="export_csv"),
    path("events/export.json", views_export.export_events, {"fmt": "json"}, name="export_json"),
    path("events/export.geojson", views_export.export_events, {"fmt": "geojson"}, name="export_geojson"),
]
