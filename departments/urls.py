from django.urls import path

from . import views

app_name = "departments"

urlpatterns = [
    path("", views.unit_list, name="list"),
    path("new/", views.unit_edit, name="create"),
    path("<int:pk>/edit/", views.unit_edit, name="edit"),
    path("users/", views.user_list, name="users"),
    path("users/new/", views.user_edit, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
]
