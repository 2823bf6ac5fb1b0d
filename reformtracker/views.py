from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.templatetags.static import static

from departments import roles


@login_required
def home(request):
    """Each role lands on its own start page: office → task list, liaison → 我的任务,
    supervisor → the dashboard."""
    user = request.user
    if roles.is_office(user):
        return redirect("tasks:list")
    if roles.is_liaison(user):
        return redirect("tasks:mine")
    if roles.is_supervisor(user):
        return redirect("dashboard:index")
    return render(request, "home.html", {"role": None})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def favicon(request):
    """/favicon.ico, which browsers ask for on their own: the static file (a temporary redirect,
    since its hashed name changes with each release when DEBUG is off)."""
    return HttpResponseRedirect(static("favicon.ico"))
