from django.urls import path

from . import views

app_name = "supervision"

urlpatterns = [
    path("", views.report_list, name="reports"),
    path("<int:pk>/download/", views.report_download, name="report_download"),
]
