from django.urls import path

from . import views

app_name = "imports"

urlpatterns = [
    path("", views.upload, name="upload"),
    path("done/<int:plan_id>/", views.done, name="done"),
    path("<str:token>/", views.preview, name="preview"),
    path("<str:token>/cancel/", views.cancel, name="cancel"),
]
