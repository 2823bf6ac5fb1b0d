"""`build_supervision_report --month YYYY-MM [--plan … | --year YYYY | --all] [--output FILE]`: the monthly
督查通报 annex; by default of the office's current plans (tasks.figures.Scope)."""

from __future__ import annotations

import re
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.excel.breakdown import find_plan
from tasks.figures import Scope
from tasks.supervision.report import month_refusal, write_supervision_report


class Command(BaseCommand):
    help = "生成某月的督查通报（Excel），数据截至该月最后一天 24 时（本月按今日）；默认统计当前计划"

    def add_arguments(self, parser):
        parser.add_argument("--month", required=True, help="月份，格式 YYYY-MM，如 2020-09")
        parser.add_argument("--plan", help="只统计一个计划：计划 ID、文号或标题（默认当前计划）")
        parser.add_argument("--year", type=int, help="只统计该计划年度的计划")
        parser.add_argument("--all", action="store_true", help="统计全部计划")
        parser.add_argument("--output", help="输出文件（默认 督查通报-YYYY-MM.xlsx）")

    def handle(self, *args, **options):
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", options["month"].strip())
        if not m or not 1 <= int(m[2]) <= 12:
            raise CommandError(f"月份格式应为 YYYY-MM（如 2020-09），收到：{options['month']}")
        year, month = int(m[1]), int(m[2])
        refusal = month_refusal(year, month)
        if refusal:
            raise CommandError(refusal)
        if sum(bool(x) for x in (options["plan"], options["year"], options["all"])) > 1:
            raise CommandError("--plan、--year、--all 只能选一个")
        scope = Scope()
        if options["plan"]:
            plan = find_plan(options["plan"])
            if plan is None:
                raise CommandError(f"找不到计划：{options['plan']}（可用计划 ID、文号或标题）")
            scope = Scope.of_plan(plan)
        elif options["year"]:
            scope = Scope("year", year=options["year"])
        elif options["all"]:
            scope = Scope("all")
        output = Path(options["output"] or f"督查通报-{year}-{month:02d}.xlsx")
        tmp = output.with_name(output.name + ".part")
        # write beside the target and rename, so a failure never leaves half a workbook behind
        with tmp.open("wb") as fh:
            write_supervision_report(fh, year=year, month=month, scope=scope)
        tmp.replace(output)
        self.stdout.write(self.style.SUCCESS(f"已生成 {year}年{month}月督查通报：{output}"))
