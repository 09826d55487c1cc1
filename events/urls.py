"""Reader URLs. The list, detail, map, exports and API are built in their own modules."""
from django.urls import path
from django.views.generic import RedirectView

app_name = "events"

urlpatterns = [
    path("", RedirectView.as_view(url="/admin/", permanent=False), name="home"),
]
