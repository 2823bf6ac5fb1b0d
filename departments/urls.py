from django.urls import path

app_name = "departments"

urlpatterns: list = []
