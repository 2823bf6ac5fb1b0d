from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("status/", views.report_status, name="report_status"),
    path("instant/", views.report_instant, name="report_instant"),
    path("<int:pk>/download/", views.report_download, name="report_download"),
    path("<int:pk>/word/", views.bulletin_download, name="bulletin_download"),
    path("<int:pk>/bundle/", views.report_bundle, name="report_bundle"),
    path("<int:pk>/bulletin/", views.bulletin_edit, name="bulletin"),
    path("<int:pk>/bulletin/redraft/", views.bulletin_redraft, name="bulletin_redraft"),
    path("<int:pk>/bulletin/final/", views.bulletin_finalize, name="bulletin_finalize"),
]
