from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import render

from departments import roles


@login_required
def home(request):
    """Each role lands on its own start page once those exist; until then a welcome."""
    return render(request, "home.html", {"role": roles.role_of(request.user)})


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
