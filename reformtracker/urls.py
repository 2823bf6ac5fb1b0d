from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from . import views

admin.site.site_header = "改革任务督办 管理后台"
admin.site.site_title = "改革任务督办"
admin.site.index_title = "数据管理"
handler400 = "reformtracker.errors.bad_request"  # Chinese page, e.g. for a paste over DATA_UPLOAD_MAX_MEMORY_SIZE

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("healthz", views.healthz, name="healthz"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("tasks/import/", include("tasks.planimport.urls")),
    path("tasks/excel/", include("tasks.excel.urls")),
    path("dashboard/", include("tasks.dashboard.urls")),
    path("tasks/", include("tasks.workflow.urls")),
    path("units/", include("tasks.unitmerge.urls")),
    path("units/", include("departments.urls")),
    path("deadlines/reports/", include("tasks.supervision.urls")),
    path("deadlines/", include("deadlines.urls")),
    path("admin/", admin.site.urls),
]
