"""The outbox of e-mails and webhook posts: each OutboundMessage is sent once, under its row lock."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from . import notify
from .models import OutboundMessage

logger = logging.getLogger(__name__)


class DeliveryFailed(Exception):
    """Some channel failed; what failed stays unsent for the retry."""


def outbound_send(*, limit: int = 1000) -> int:
    """Send unsent e-mails and webhook posts, each under its own row lock; a
    message is marked sent in the same transaction that sent it."""
    sent, failed = 0, []
    for pk in OutboundMessage.objects.unsent().order_by("pk").values_list("pk", flat=True)[:limit]:
        with transaction.atomic():
            msg = (
                OutboundMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk, sent_at__isnull=True)
                .select_related("webhook")
                .first()
            )
            if msg is None:
                continue  # another worker has it, or already sent it
            try:
                notify.deliver(msg)
            except Exception as exc:  # one bad address must not hold back the rest
                logger.warning("outbound message %s (%s) failed: %s", msg.pk, msg.channel, exc)
                msg.attempts += 1
                msg.last_error = str(exc)[:2000]
                msg.save(update_fields=["attempts", "last_error"])
                failed.append(msg.pk)
                continue
            msg.sent_at = timezone.now()
            msg.attempts += 1
            msg.save(update_fields=["sent_at", "attempts"])
            sent += 1
    if failed:
        raise DeliveryFailed(f"{len(failed)} message(s) not sent: {failed[:20]}")
    return sent
