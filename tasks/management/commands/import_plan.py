"""`manage.py import_plan PATH [--year YYYY] [--dry-run] [--json]`.

`--dry-run --json` prints exactly one JSON object (ParsedPlan.to_json_dict()) on stdout and
writes nothing: that output is a public interface (tools outside this project read it).
"""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tasks.importers import ImportFailure, read_document
from tasks.planimport.services import plan_import, plan_import_preview, plan_parse


class Command(BaseCommand):
    help = "导入一份工作计划（.txt / .docx）；--dry-run 只解析不写入，--json 输出解析结果 JSON"

    def add_arguments(self, parser):
        parser.add_argument("path", help="计划文件路径（.txt UTF-8/GBK 或 .docx）")
        parser.add_argument("--year", type=int, help="计划年度（文中无法判断年份时指定）")
        parser.add_argument("--dry-run", action="store_true", help="只解析并显示将要发生的变化，不写入数据库")
        parser.add_argument("--json", action="store_true", help="在标准输出打印解析结果（一个 JSON 对象）")

    def handle(self, *args, path, year, dry_run, json: bool, **options):
        path = Path(path)
        if not path.is_file():
            raise CommandError(f"找不到文件：{path}")
        try:
            text = read_document(path.read_bytes(), path.name)
            # a dry run shows the tasks of a plan without a year (its dates left unresolved, with a
            # warning); an import asks for --year first (YearNeeded)
            parsed = plan_parse(text=text, year=year, filename=path.name, undated=dry_run)
            if dry_run:
                preview = plan_import_preview(parsed=parsed)
            else:
                result = plan_import(parsed=parsed, source_text=text, filename=path.name)
        except ImportFailure as exc:
            raise CommandError(f"{path.name}：{exc}") from exc

        # With --json, stdout carries the JSON object alone; the human summary goes to stderr.
        report = self.stderr if json else self.stdout
        if json:
            self.stdout.write(_dumps(parsed.to_json_dict()))
        if dry_run:
            for line in _preview_lines(parsed, preview):
                report.write(line)
        else:
            for line in result.summary_lines():
                report.write(line)


def _dumps(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2)


def _preview_lines(parsed, preview) -> list[str]:
    target = f"将更新计划：{preview.plan}" if preview.is_update else f"将新建计划：{parsed.meta.title}"
    lines = [
        "（试运行，未写入数据库）",
        target,
        f"任务 {preview.items} 项：新增 {len(preview.new)}，变化 {len(preview.changed)}，"
        f"不变 {preview.unchanged}，将删除 {len(preview.removed)}，有进展而保留 {len(preview.kept)}",
        f"将新建单位 {len(preview.new_units)} 个" + (f"：{'、'.join(preview.new_units)}" if preview.new_units else ""),
        f"提示 {len(parsed.warnings)} 条" + ("：" if parsed.warnings else ""),
    ]
    return lines + [f"  - {w}" for w in parsed.warnings]
