from .models import Notification

RECENT = 5


def notifications(request):
    """Unread count and the latest unread items for the header badge.

    Computed once per request: django-tables2 renders its table with a fresh
    RequestContext, which runs every context processor again."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    cached = getattr(request, "_notifications_context", None)
    if cached is None:
        unread = Notification.objects.filter(user=user).unread()
        recent = list(unread[:RECENT])
        # fewer than a full list: that is all of them, no COUNT needed (the usual case, on every page)
        count = len(recent) if len(recent) < RECENT else unread.count()
        cached = {"notifications_unread": count, "notifications_recent": recent}
        request._notifications_context = cached
    return cached
