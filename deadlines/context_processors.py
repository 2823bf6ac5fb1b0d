from .models import Notification

RECENT = 5


def notifications(request):
    """Unread count and the latest unread items for the header badge."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    unread = Notification.objects.filter(user=user).unread()
    return {"notifications_unread": unread.count(), "notifications_recent": list(unread[:RECENT])}
