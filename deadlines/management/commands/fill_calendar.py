"""Copy the chinesecalendar package's holidays into the office's table."""

from django.core.management.base import BaseCommand

from deadlines import dates, holidays


class Command(BaseCommand):
    help = "从 chinesecalendar 导入节假日与调休上班日（已有日期不覆盖）"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, action="append", help="只导入某年（可重复），默认导入全部年份")

    def handle(self, *args, year=None, **options):
        covered = dates.package_years()
        years = year or list(covered)
        unknown = [y for y in years if y not in covered]
        if unknown:
            self.stderr.write(
                f"{unknown} 年不在 chinesecalendar 数据范围（{covered.start}–{covered.stop - 1}）内，"
                "请在“导入 → 导入节假日安排”页面粘贴国务院通知导入，或在管理后台“节假日安排”中录入。"
            )
        added = holidays.calendar_fill(years=[y for y in years if y in covered])
        self.stdout.write(f"新增 {added} 天节假日安排（{covered.start}–{covered.stop - 1}）。")
