from django.urls import path

from . import views as excel_views

app_name = "excel"

urlpatterns: list = [
    path("tasks.xlsx", excel_views.task_list, name="task_list"),
    path("monthly/", excel_views.monthly, name="monthly"),
    path("breakdown/", excel_views.breakdown_import_view, name="breakdown_import"),
    path("breakdown/<str:token>/", excel_views.breakdown_preview, name="breakdown_preview"),
    path("breakdown/<str:token>/cancel/", excel_views.breakdown_cancel, name="breakdown_cancel"),
]
