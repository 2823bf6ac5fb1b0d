from django.urls import path

app_name = "excel"

urlpatterns: list = []
