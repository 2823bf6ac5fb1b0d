from django.urls import path

from . import views as dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("", dashboard_views.index, name="index"),
    path("notes/", dashboard_views.notes, name="notes"),
]
