from django.urls import path

from . import holiday_views, views

app_name = "deadlines"

urlpatterns = [
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/read/", views.notification_read, name="notification_read"),
    path("notifications/read-all/", views.notification_read_all, name="notification_read_all"),
    path("calendar/import/", holiday_views.holiday_import, name="holiday_import"),
]
