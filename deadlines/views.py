"""Notifications: everyone reads their own only (the monthly reports' pages are `tasks.supervision.views`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return fallback


@login_required
def notification_list(request):
    # newest first; notifications written in one statement share created_at: the id keeps pages apart
    page = Paginator(request.user.notifications.order_by("-created_at", "-pk"), 30).get_page(request.GET.get("page"))
    return render(request, "deadlines/notifications.html", {"page": page})


@login_required
@require_POST
def notification_read(request, pk: int):
    """Mark one of the user's own notifications read (anyone else's is a 404);
    with open=1 go on to what it links to."""
    note = get_object_or_404(request.user.notifications.all(), pk=pk)
    if note.read_at is None:
        note.read_at = timezone.now()
        note.save(update_fields=["read_at"])
    if request.POST.get("open") and note.url.startswith("/"):
        return redirect(note.url)
    return redirect(_safe_next(request, "deadlines:notifications"))


@login_required
@require_POST
def notification_read_all(request):
    count = request.user.notifications.unread().update(read_at=timezone.now())
    messages.success(request, f"已将 {count} 条通知标为已读。")
    return redirect(_safe_next(request, "deadlines:notifications"))
