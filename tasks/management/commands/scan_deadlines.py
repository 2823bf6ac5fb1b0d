"""Run the daily scan now, synchronously (the same code the Celery job runs)."""

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from deadlines import outbox
from tasks.supervision import services


class Command(BaseCommand):
    help = "重新计算时间节点状态（临期/逾期）、任务预警，并发送提醒"

    def add_arguments(self, parser):
        parser.add_argument("--today", help="按指定日期计算（YYYY-MM-DD），默认今天（北京时间）")
        parser.add_argument("--json", action="store_true", dest="as_json", help='输出 {"today", "due_soon", "overdue", "changed"}')
        parser.add_argument("--no-send", action="store_true", help="只计算和记录提醒，不发送")

    def handle(self, *args, today=None, as_json=False, no_send=False, **options):
        try:
            day = dt.date.fromisoformat(today) if today else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"日期格式应为 YYYY-MM-DD：{today}") from exc
        result = services.deadlines_scan(today=day)
        delivered = 0
        if not no_send:
            delivered = services.reminders_deliver(today=day)
            try:
                outbox.outbound_send()
            except outbox.DeliveryFailed as exc:
                self.stderr.write(f"部分消息发送失败，将在下次发送时重试：{exc}")
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False))
            return
        self.stdout.write(
            f"{day}：临期 {result.due_soon} 个，逾期 {result.overdue} 个；"
            f"状态变化 {result.changed} 个节点、{result.tasks_changed} 个任务；"
            f"新提醒 {result.reminders} 条，已投递 {delivered} 条"
        )
        if result.fallback_years:
            self.stderr.write(f"注意：{result.fallback_years} 年无节假日数据，按周一至周五计算工作日。")

