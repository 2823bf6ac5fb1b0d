"""`import_breakdown FILE (--plan … | --new-plan TITLE --year YYYY) [--map 写法=单位] [--create-units]
[--user 用户名] [--missing keep|close|delete] [--dry-run]`

Every row is checked first; every error (by row and column) and every unit the system does not know
(with its rows) is printed in one pass, and nothing is written. A file exported from a plan and edited
updates that plan's tasks in place; `--dry-run` prints each changed cell (old → new) and writes nothing.
Units the system does not know must be mapped (--map) or explicitly created (--create-units), the
command-line form of the select boxes on the web preview. Imported 进展情况 is submitted for review in
the name of --user.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from departments import roles
from departments.models import Unit
from tasks.excel.breakdown import (
    BreakdownFileError,
    Missing,
    NewPlan,
    breakdown_diff,
    breakdown_import,
    find_plan,
    format_errors,
    parse_breakdown,
    resolve_units,
    unknown_unit_errors,
)
from tasks.models import Plan


class Command(BaseCommand):
    help = "从 .xlsx 任务分解表导入任务（先逐行检查，有任何错误则一行也不写；导出后修改的表按任务ID原地更新）"

    def add_arguments(self, parser):
        parser.add_argument("file", help="任务分解表 .xlsx")
        parser.add_argument("--plan", help="导入到已有计划：计划 ID、文号或标题")
        parser.add_argument("--new-plan", help="新建计划的标题")
        parser.add_argument("--year", type=int, help="新建计划的年度（“12月底”等按这一年解释）")
        parser.add_argument("--map", action="append", default=[], metavar="写法=单位",
                            help="把表中的单位写法对应到已有单位，可重复")
        parser.add_argument("--create-units", action="store_true", help="表中未知的单位新建为“待核对”单位")
        parser.add_argument("--user", help="导入人（改革办工作人员的用户名）：表中的进展情况以其名义报送、待审核")
        parser.add_argument("--missing", choices=Missing.values, default=Missing.KEEP,
                            help="计划中有、文件中没有的任务：keep 保留不动（默认）、close 办结、delete 删除")
        parser.add_argument("--dry-run", action="store_true", help="只检查并列出将修改的单元格，不写入")

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
        user = self._user(options["user"])
        known, unknown = resolve_units(parsed.unit_names)
        unit_map: dict[str, Unit | None] = {**known, **self._mapping(options["map"])}
        unmapped = [n for n in unknown if n not in unit_map]
        diff = breakdown_diff(parsed, plan, {**unit_map, **{n: None for n in unmapped}})
        errors = sorted(parsed.errors + diff.errors, key=lambda e: e.line)
        progress = any(parsed.rows[i].progress for i in diff.new) or any(
            c.column == parsed.headers.get("progress") for ch in diff.changed for c in ch.cells)
        if diff.missing and options["missing"] == Missing.CLOSE and user is None:
            errors.insert(0, "--missing close 办结任务需要 --user 指定办结人（改革办工作人员的用户名）。")
        if progress and user is None:
            errors.insert(0, "表中有进展情况：请用 --user 指定导入人（改革办工作人员的用户名），进展以其名义报送、待审核。")
        units = [] if options["create_units"] else unknown_unit_errors(parsed, unmapped)
        if errors or units:
            for line in format_errors(errors):
                self.stderr.write(str(line))
            for line in units:
                self.stderr.write(line)
            parts = [f"发现 {len(errors)} 处错误"] if errors else []
            if units:
                parts.append(f"有 {len(units)} 个系统中没有的单位：{'、'.join(unmapped)}（请用 --map 写法=已有单位 对应，"
                             "或加 --create-units 新建为待核对单位）")
            raise CommandError("；".join(parts) + "，没有写入任何内容。")
        unit_map.update({n: None for n in unmapped})
        if options["dry_run"]:
            self.stdout.write(f"检查通过：{len(parsed.rows)} 行。{diff.summary()}，将新建单位 {len(unmapped)} 个。")
            for line in diff.lines(parsed.rows):
                self.stdout.write("  " + line)
            if diff.missing:
                self.stdout.write(f"文件中没有的任务将{Missing(options['missing']).label}（--missing）。")
            self.stdout.write(f"共 {diff.changes} 处改动（未写入，--dry-run）。")
            return
        result = breakdown_import(
            rows=parsed, unit_map=unit_map, user=user, today=timezone.localdate(),
            plan=plan, new_plan=new_plan, filename=path.name, missing=options["missing"],
        )
        self.stdout.write(self.style.SUCCESS(str(result)))

    def _user(self, username: str | None):
        if not username:
            return None
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"找不到用户：{username}")
        if not roles.is_office(user):
            raise CommandError(f"用户 {username} 不是改革办工作人员，不能导入任务分解表。")
        return user

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
