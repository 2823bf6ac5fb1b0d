"""`import_breakdown FILE (--plan … | --new-plan TITLE --year YYYY) [--map 写法=单位] [--create-units] [--dry-run]`

Every row is checked first; any error is printed by row and column and nothing is written.
Units the system does not know must be mapped (--map) or explicitly created (--create-units),
the command-line form of the select boxes on the web preview.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from departments.models import Unit
from tasks.excel.breakdown import (
    BreakdownFileError,
    NewPlan,
    breakdown_import,
    check_against_plan,
    find_plan,
    format_errors,
    parse_breakdown,
    resolve_units,
)
from tasks.models import Plan


class Command(BaseCommand):
    help = "从 .xlsx 任务分解表导入任务（先逐行检查，有任何错误则一行也不写）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="任务分解表 .xlsx")
        parser.add_argument("--plan", help="导入到已有计划：计划 ID、文号或标题")
        parser.add_argument("--new-plan", help="新建计划的标题")
        parser.add_argument("--year", type=int, help="新建计划的年度（“12月底”等按这一年解释）")
        parser.add_argument("--map", action="append", default=[], metavar="写法=单位",
                            help="把表中的单位写法对应到已有单位，可重复")
        parser.add_argument("--create-units", action="store_true", help="表中未知的单位新建为“待核对”单位")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")

    def handle(self, *args, **options):
        plan, new_plan = self._plan(options)
        year = plan.year if plan else new_plan.year
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            with path.open("rb") as fh:
                parsed = parse_breakdown(fh, year=year)
        except BreakdownFileError as exc:
            raise CommandError(str(exc)) from exc
        parsed.errors += check_against_plan(parsed, plan)
        if parsed.errors:
            parsed.errors.sort(key=lambda e: e.line)
            for line in format_errors(parsed.errors):
                self.stderr.write(line)
            raise CommandError(f"发现 {len(parsed.errors)} 处错误，没有写入任何内容。")
        known, unknown = resolve_units(parsed.unit_names)
        unit_map = {**known, **self._mapping(options["map"])}
        unmapped = [n for n in unknown if n not in unit_map]
        if unmapped and not options["create_units"]:
            raise CommandError(
                f"有 {len(unmapped)} 个系统中没有的单位：{'、'.join(unmapped)}。"
                "请用 --map 写法=已有单位 对应，或加 --create-units 新建为待核对单位。没有写入任何内容。"
            )
        unit_map.update({n: None for n in unmapped})
        if options["dry_run"]:
            self.stdout.write(f"检查通过：{len(parsed.rows)} 行，将新建单位 {len(unmapped)} 个（未写入，--dry-run）。")
            return
        result = breakdown_import(
            rows=parsed.rows, unit_map=unit_map, user=None, today=timezone.localdate(),
            plan=plan, new_plan=new_plan, filename=path.name,
        )
        self.stdout.write(self.style.SUCCESS(str(result)))

    def _plan(self, options) -> tuple[Plan | None, NewPlan | None]:
        if bool(options["plan"]) == bool(options["new_plan"]):
            raise CommandError("请用 --plan 指定已有计划，或用 --new-plan 标题 --year 年度 新建计划（二选一）。")
        if options["plan"]:
            plan = find_plan(options["plan"])
            if plan is None:
                raise CommandError(f"找不到计划：{options['plan']}")
            return plan, None
        if not options["year"]:
            raise CommandError("新建计划需要 --year 年度。")
        if Plan.objects.filter(title=options["new_plan"], year=options["year"]).exists():
            raise CommandError("已有同标题、同年度的计划，请用 --plan 指定它。")
        return None, NewPlan(options["new_plan"], options["year"])

    def _mapping(self, pairs: list[str]) -> dict[str, Unit]:
        out = {}
        for pair in pairs:
            written, sep, target = pair.partition("=")
            if not sep:
                raise CommandError(f"--map 的格式应为 写法=单位：{pair}")
            unit = Unit.objects.resolve(target)
            if unit is None:
                raise CommandError(f"--map 中的单位不存在：{target}")
            out[written.strip()] = unit
        return out
