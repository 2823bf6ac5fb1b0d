from django.urls import path

from . import views

app_name = "tasks"

urlpatterns = [
    path("", views.task_list, name="list"),
    path("mine/", views.my_tasks, name="mine"),
    path("mine/confirm-all/", views.confirm_all, name="confirm_all"),
    path("disputes/", views.dispute_queue, name="disputes"),
    path("extensions/", views.extension_queue, name="extensions"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
    path("reviews/", views.review_queue, name="reviews"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence"),
    path("urgings/", views.urging_queue, name="urgings"),
    path("urge/", views.urge_batch, name="urge_batch"),
    path("urgings/<int:pk>/answer/", views.urging_answer, name="urging_answer"),
    path("assignments/<int:pk>/confirm/", views.assignment_confirm, name="confirm"),
    path("assignments/<int:pk>/dispute/", views.assignment_dispute, name="dispute"),
    path("assignments/<int:pk>/resolve/", views.dispute_resolve, name="resolve"),
    path("<int:pk>/", views.task_detail, name="detail"),
    path("<int:pk>/edit/", views.task_edit, name="edit"),
    path("<int:pk>/units/", views.task_units, name="units"),
    path("<int:pk>/milestones/", views.task_milestones, name="milestones"),
    path("<int:pk>/progress/", views.progress_create, name="progress"),
    path("<int:pk>/close/", views.task_close, name="close"),
    path("<int:pk>/reopen/", views.task_reopen, name="reopen"),
    path("<int:pk>/urge/", views.task_urge, name="urge"),
    path("<int:pk>/extension/", views.extension_create, name="extension"),
]
