"""Login throttling with django-axes: after LOGIN_FAILURE_LIMIT wrong passwords for one user name
from one address, that combination is locked out (a Chinese page, registration/locked_out.html)
until the cool-off passes or the office deletes the attempt in the admin (访问尝试)."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend
from django.conf import settings


class LoginThrottleBackend(AxesStandaloneBackend):
    """Axes' checking backend, first in AUTHENTICATION_BACKENDS. An `authenticate()` without a
    request (the test client's `login()`, a management command) is no HTTP login anyone can
    repeat from outside, so it is let through to the next backend instead of raising; every
    login page (ours, the admin's) passes the request and is throttled."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def client_ip(request) -> str | None:
    """The address a lock-out is counted for. Behind the TLS proxy (USE_X_FORWARDED_PROTO=1) every
    request comes from the proxy, so the address it appended last to X-Forwarded-For is used (the
    earlier entries are the client's own claims and could be forged)."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if forwarded:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The Chinese lock-out page (429), for the login page and the admin's alike."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit
    from django.shortcuts import render

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/locked_out.html", context, status=429)
