from django.urls import path

from . import views

app_name = "unitmerge"

urlpatterns = [
    path("<int:pk>/merge/", views.unit_merge, name="merge"),
]
