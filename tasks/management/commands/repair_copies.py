"""Check every task's copies now and rewrite the stale ones (the nightly job repair_copies)."""

from django.core.management.base import BaseCommand

from tasks.flags import copies_repair


class Command(BaseCommand):
    help = "核对并修复任务的冗余字段（最近截止、最终截止、牵头单位，承办单位记录中的任务状态副本）；每晚自动运行"

    def handle(self, *args, **options):
        repaired = copies_repair()
        self.stdout.write(f"已核对全部任务：{repaired} 行不一致，已改写。" if repaired else "已核对全部任务：全部一致。")
