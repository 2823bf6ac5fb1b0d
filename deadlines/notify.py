"""Rendering digests and talking to the outside: e-mail and DingTalk / 浙政钉
group robots (signed webhooks)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMessage

from .models import Channel, OutboundMessage, ReminderKind

DIGEST_MAX_LINES = 200  # a unit with thousands of late items gets a count, not a phone book
WEBHOOK_TIMEOUT = 10

KIND_TAGS = {
    ReminderKind.OVERDUE: "【逾期】",
    ReminderKind.DUE_SOON: "【临期】",
    ReminderKind.ESCALATION: "【逾期升级】",
    ReminderKind.PROGRESS_DUE: "【进展报送】",
}


@dataclass(frozen=True)
class Item:
    kind: str
    task_title: str
    due_on: dt.date
    days_overdue: int
    url: str = ""

    def line(self) -> str:
        tag = KIND_TAGS.get(self.kind, "")
        if self.kind == ReminderKind.PROGRESS_DUE:
            return f"{tag}请于{self.due_on:%Y-%m-%d}前报送{self.task_title}"
        if self.days_overdue:
            return f"{tag}{self.task_title}（截止 {self.due_on:%Y-%m-%d}，已逾期{self.days_overdue}天）"
        return f"{tag}{self.task_title}（截止 {self.due_on:%Y-%m-%d}）"


def render_digest(
    items: list[Item], *, today: dt.date, unit: str = "", counts: dict[str, int] | None = None
) -> tuple[str, str]:
    """Title and body of one digest listing the items of one recipient. `counts` (items per kind)
    when `items` holds only the first DIGEST_MAX_LINES of them: the title and the "另有" line count
    them all."""
    if counts is None:
        counts = {}
        for item in items:
            counts[item.kind] = counts.get(item.kind, 0) + 1
    total = sum(counts.values())
    parts = [f"{counts[k]}项{ReminderKind(k).label}" for k in KIND_TAGS if counts.get(k)]
    title = f"督办提醒（{today:%Y-%m-%d}）：" + "、".join(parts)
    lines = [f"{unit}：" if unit else "", *(f"{i}. {item.line()}" for i, item in enumerate(items[:DIGEST_MAX_LINES], 1))]
    if total > DIGEST_MAX_LINES:
        lines.append(f"……另有{total - DIGEST_MAX_LINES}项，请登录系统查看。")
    return title, "\n".join(line for line in lines if line)


def email_text(user, body: str, site_url: str) -> str:
    name = user.get_full_name() or user.username
    return f"{name}：\n\n{body}\n\n请登录改革任务督办系统处理：{site_url}\n（本邮件由系统自动发送）"


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    """DingTalk's 加签: HMAC-SHA256 of "timestamp\\nsecret" keyed by the secret,
    base64, URL-encoded, appended with the timestamp (milliseconds)."""
    if not secret:
        return url
    timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


def post_webhook(url: str, secret: str, text: str, *, opener=urllib.request.urlopen) -> None:
    """Post a text message to a group robot; raise unless it answers errcode 0."""
    payload = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        dingtalk_signed_url(url, secret), data=payload, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    with opener(request, timeout=WEBHOOK_TIMEOUT) as response:
        answer = json.loads(response.read().decode() or "{}")
    if answer.get("errcode", 0) != 0:
        raise RuntimeError(f"webhook answered {answer.get('errcode')}: {answer.get('errmsg', '')}")


def deliver(msg: OutboundMessage) -> None:
    if msg.channel == Channel.EMAIL:
        EmailMessage(msg.subject, msg.body, settings.DEFAULT_FROM_EMAIL, [msg.to]).send()
    elif msg.channel == Channel.WEBHOOK:
        post_webhook(msg.webhook.url, msg.webhook.secret, f"{msg.subject}\n{msg.body}")
    else:
        raise ValueError(f"unknown channel {msg.channel}")
