"""The Word 督查通报: the document the office signs and sends, with the month's workbook as its annex.

Two halves, kept apart so that the office's words survive a rebuild of the figures:

- **drafting** (`draft_text`): the 总体情况 and 存在问题 paragraphs are written from the figures of
  the same `ReportContext` the workbook is built from (`tasks.supervision.report`), counted by
  `tasks.figures` as the dashboard counts them — nothing is recounted here;
- **rendering** (`write_bulletin`): the stored text (`deadlines.models.Bulletin`, edited in the
  browser) becomes an A4 document laid out like an official one: masthead with series and 期号,
  issuing office and date, a red rule, the title in 小标宋, 主送, the body in 仿宋 三号 at a fixed
  28-point line, 附件, 落款.

The services at the end write the rows: a build drafts the text once (`bulletin_refresh`), the office
edits it (`bulletin_save`), redrafts it on request (`bulletin_redraft`) and marks it final.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from io import BytesIO
from typing import IO

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from lxml import etree

from deadlines import dates
from deadlines.models import Bulletin, BulletinState, MonthlyReport, ReportStatus
from tasks import figures
from tasks.supervision import report as workbook

# --- drafting ---------------------------------------------------------------------------------------

REQUIREMENTS_PLACEHOLDER = (
    "【请填写下步工作要求，如：一是锚定时限狠抓落实，……；二是查找原因精准施策，……；三是压实责任加强督办，……。】"
)
TOP_UNITS = 3  # units named as doing well, per ranking table
LAGGING_UNITS = 3  # units named as lagging, per ranking table
PROBLEM_UNITS = 5  # units with most overdue tasks named under 存在问题
PROBLEM_TASKS = 5  # most overdue tasks named under 存在问题
ORDINALS = "一二三四五六七八九十"


@dataclass
class BulletinText:
    """The parts of the 通报 the office may edit; the same names as `Bulletin`'s fields."""

    issue_number: int
    issued_on: dt.date
    title: str
    addressee: str
    overview: str
    problems: str
    requirements: str
    signature: str

    @classmethod
    def of(cls, bulletin: Bulletin) -> BulletinText:
        return cls(**{f.name: getattr(bulletin, f.name) for f in dataclasses.fields(cls)})

    def apply_to(self, bulletin: Bulletin) -> None:
        for f in dataclasses.fields(self):
            setattr(bulletin, f.name, getattr(self, f.name))


def fmt_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _share(n: int, total: int) -> str:
    return figures.pct(Fraction(n, total) if total else None)


def _count(n: int, total: int) -> str:
    return f"{n}项（占{_share(n, total)}）"


def _rate_change(now: Fraction | None, before: Fraction | None, label: str) -> str | None:
    if now is None or before is None:
        return None
    points = round(100 * float(now - before), 1)
    if points == 0:
        return f"{label}与上月持平"
    return f"{label}较上月{'提高' if points > 0 else '下降'}{abs(points):.1f}个百分点"


def _count_change(now: int, before: int, label: str) -> str:
    if now == before:
        return f"{label}与上月持平（{now}项）"
    return f"{label}较上月{'增加' if now > before else '减少'}{abs(now - before)}项（上月{before}项）"


def overview_paragraphs(total: figures.Tally, as_of: dt.date, scope: str,
                        previous: figures.Tally | None) -> list[str]:
    """总体情况: every task in one class with its count and share, then the rates and the change."""
    n = total.total
    if not n:
        return [f"截至{fmt_date(as_of)}，{scope}中暂无纳入督查的改革任务。"]
    pace = total.pace
    first = (
        f"截至{fmt_date(as_of)}，纳入本次督查的改革任务共{n}项（{scope}）。其中，"
        f"已完成{_count(total.closed, n)}，含按时完成{total.done}项、逾期完成{total.done_late}项；"
        f"逾期未完成{_count(total.overdue, n)}；"
        f"其余{total.open_other}项正在推进，其中超序时{_count(pace['ahead'], n)}、"
        f"按序时{_count(pace['on_pace'], n)}、慢序时{_count(pace['behind'], n)}"
    )
    first += f"，尚未报送可比进度的{_count(pace[''], n)}。" if pace[""] else "。"
    second = (
        f"任务完成率{total.completion_pct}，按时完成率{total.on_time_pct}，"
        f"责任分工签收率{total.sign_pct}。"
    )
    if previous is not None and previous.total:
        changes = [
            _rate_change(total.completion_rate, previous.completion_rate, "完成率"),
            _count_change(total.overdue, previous.overdue, "逾期未完成任务"),
            _count_change(total.counts["behind"], previous.counts["behind"], "慢序时任务"),
            _rate_change(total.sign_rate, previous.sign_rate, "签收率"),
        ]
        second += "与上月相比，" + "，".join(c for c in changes if c) + "。"
    return [first, second]


def _ranked(units: Sequence[figures.UnitTally], table: figures.RankingTable) -> list[figures.UnitTally]:
    return [u for u in units if u.table == table.key]


def units_paragraph(units: Sequence[figures.UnitTally]) -> str:
    """Units named where they did well and where they lag, 部门 and 镇街 apart; units not ranked
    (collectives, placeholders, other levels) are not named."""
    parts = []
    for table in figures.RANKING_TABLES:
        mine = _ranked(units, table)
        if not mine:
            continue
        # doing well: the best ranked with something finished and nothing overdue; lagging: most overdue
        good = [u for u in mine if u.completion_rate and not u.overdue][:TOP_UNITS]
        lagging = sorted((u for u in mine if u.overdue), key=lambda u: (-u.overdue, -(u.rank or 0), u.name))
        lagging = lagging[:LAGGING_UNITS]
        text = f"{table.label}中，"
        if good:
            text += "、".join(f"{u.name}（{u.completion_pct}）" for u in good) + "完成率位居前列"
        else:
            text += "尚无办结任务且无逾期的单位"
        if lagging:
            text += "；" + "、".join(f"{u.name}（{u.overdue}项）" for u in lagging) + "逾期未完成任务较多，排名靠后"
        elif not any(u.overdue for u in mine):
            text += f"；各{table.label}均无逾期未完成任务"
        parts.append(text)
    if not parts:
        return ""
    return "从单位看，" + "。".join(parts) + "。"


@dataclass(frozen=True)
class OverdueTask:
    plan: str
    number: str
    title: str
    lead: str
    days: int


def most_overdue_tasks(ctx: workbook.ReportContext, limit: int = PROBLEM_TASKS) -> list[OverdueTask]:
    """The tasks longest overdue, each once (its earliest overdue milestone), as the annex lists them."""
    rows = workbook.task_rows(workbook.overdue_milestones(ctx), ctx, overdue=True)  # one row per task
    return [
        OverdueTask(row.task.plan.title, row.task.number, row.task.title, row.lead, row.days)
        for row in sorted(rows, key=lambda r: -r.days)[:limit]
    ]


def problem_paragraphs(ctx: workbook.ReportContext, total: figures.Tally,
                       units: Sequence[figures.UnitTally]) -> list[str]:
    """存在问题: the units and tasks most overdue, slow tasks, assignments not confirmed."""
    items = []
    if total.overdue:
        ranked = [u for u in units if u.table != figures.UNRANKED.key and u.overdue]
        worst = sorted(ranked, key=lambda u: (-u.overdue, u.name))[:PROBLEM_UNITS]
        text = f"部分任务逾期未完成。逾期未完成任务{total.overdue}项"
        if worst:
            text += "，其中" + "、".join(f"{u.name}{u.overdue}项" for u in worst) + "，数量较多"
        tasks = most_overdue_tasks(ctx)
        if tasks:
            text += "。逾期时间较长的有：" + "；".join(
                f"《{t.plan}》第{t.number}项“{t.title}”（{('牵头单位：' + t.lead) if t.lead else '未明确牵头单位'}，"
                f"逾期{t.days}天）"
                for t in tasks
            )
        items.append(text + "。")
    behind = total.counts["behind"]
    if behind:
        items.append(f"部分任务推进慢于序时进度。慢序时任务{behind}项，报送的完成进度落后于已用时间，存在逾期风险。")
    pending = total.assignments - total.confirmed
    if pending:
        items.append(f"部分责任分工未及时签收。尚有{pending}项分工未签收，签收率{total.sign_pct}。")
    if not items:
        return ["本月未发现逾期未完成、慢于序时进度或未签收的情况。"]
    return [f"{ORDINALS[i]}是{text}" for i, text in enumerate(items)]


def _previous_tally(ctx: workbook.ReportContext) -> figures.Tally | None:
    """Last month's figures, in the same scope, when last month has a 督查通报."""
    year, month = dates.previous_month(dt.date(ctx.year, ctx.month, 1))
    if not MonthlyReport.objects.filter(year=year, month=month, scope=ctx.scope.key, status=ReportStatus.READY).exists():
        return None
    before = workbook.report_context(year=year, month=month, scope=ctx.scope, plan=ctx.plan, today=ctx.done_by)
    return workbook.plan_summary(before)[1]


def drafted_parts(ctx: workbook.ReportContext) -> tuple[str, str]:
    """(总体情况, 存在问题) drafted from the figures of `ctx`; paragraphs separated by blank lines."""
    _, total = workbook.plan_summary(ctx)
    units = workbook.unit_summary(ctx)
    overview = overview_paragraphs(total, ctx.done_by, ctx.scope_label, _previous_tally(ctx))
    named = units_paragraph(units)
    if named:
        overview.append(named)
    return "\n\n".join(overview), "\n\n".join(problem_paragraphs(ctx, total, units))


def next_issue_number(issued_on: dt.date, *, exclude: int | None = None) -> int:
    """第N期: the office's bulletins issued in the year, this one included."""
    issued = Bulletin.objects.filter(issued_on__year=issued_on.year)
    if exclude is not None:
        issued = issued.exclude(pk=exclude)
    return issued.count() + 1


def draft_text(ctx: workbook.ReportContext, *, issued_on: dt.date | None = None) -> BulletinText:
    issued_on = issued_on or timezone.localdate()
    overview, problems = drafted_parts(ctx)
    return BulletinText(
        issue_number=next_issue_number(issued_on),
        issued_on=issued_on,
        title=f"关于{ctx.year}年{ctx.month}月改革任务推进情况的通报",
        addressee=settings.BULLETIN_ADDRESSEE,
        overview=overview,
        problems=problems,
        requirements=REQUIREMENTS_PLACEHOLDER,
        signature=settings.OFFICE_NAME,
    )


# --- rendering ---------------------------------------------------------------------------------------

# (the font asked for, the one Word or LibreOffice takes when it is not installed)
TITLE_FONT = ("方正小标宋简体", "宋体")
BODY_FONT = ("仿宋_GB2312", "仿宋")
HEADING_FONT = ("黑体", "SimHei")
KAI_FONT = ("楷体_GB2312", "楷体")
LATIN_FONT = "Times New Roman"
RED = RGBColor(0xC0, 0x00, 0x00)
BODY_SIZE = Pt(16)  # 三号
TITLE_SIZE = Pt(22)  # 二号
LINE = Pt(28)  # fixed line pitch: 22 lines a page on A4 with these margins


def _set_font(run, font: tuple[str, str], size: Pt, *, bold: bool = False, color: RGBColor | None = None) -> None:
    run.font.name = LATIN_FONT
    run.font.size = size
    run.font.bold = bold
    if color is not None:
        run.font.color.rgb = color
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), font[0])


def _paragraph(doc, text: str, font=BODY_FONT, size=BODY_SIZE, *, align=None, indent: bool = True,
               bold: bool = False, color=None, line=LINE, space_after: Pt | None = None):
    p = doc.add_paragraph()
    fmt = p.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = line
    fmt.space_before = Pt(0)
    fmt.space_after = space_after or Pt(0)
    if indent:
        fmt.first_line_indent = Pt(2 * size.pt)  # two characters
    if align is not None:
        p.alignment = align
    if text:
        _set_font(p.add_run(text), font, size, bold=bold, color=color)
    return p


def _red_rule(paragraph) -> None:
    """The red line under the masthead: the paragraph's bottom border."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "18"), ("w:space", "4"), ("w:color", "C00000")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)


def _page_number_footer(section) -> None:
    """— 1 — centred at the foot of every page."""
    p = section.footer.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(p.add_run("— "), BODY_FONT, Pt(14))
    run = p.add_run()
    _set_font(run, BODY_FONT, Pt(14))
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            el = OxmlElement("w:fldChar")
            el.set(qn("w:fldCharType"), kind)
        else:
            el = OxmlElement("w:instrText")
            el.set(qn("xml:space"), "preserve")
            el.text = text
        run._r.append(el)
    _set_font(p.add_run(" —"), BODY_FONT, Pt(14))


def _declare_fallbacks(doc) -> None:
    """Name each Chinese font's stand-in in the font table (w:altName), so a machine without
    仿宋_GB2312 or 方正小标宋简体 sets the text in 仿宋 / 宋体 rather than in a Latin face."""
    part = next((p for p in doc.part.package.iter_parts() if p.partname.endswith("/fontTable.xml")), None)
    if part is None:
        return
    root = etree.fromstring(part.blob)
    w = root.nsmap.get("w") or "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    known = {el.get(f"{{{w}}}name") for el in root}
    for name, alt in (TITLE_FONT, BODY_FONT, HEADING_FONT, KAI_FONT):
        if name in known:
            continue
        font = etree.SubElement(root, f"{{{w}}}font", {f"{{{w}}}name": name})
        etree.SubElement(font, f"{{{w}}}altName", {f"{{{w}}}val": alt})
        etree.SubElement(font, f"{{{w}}}charset", {f"{{{w}}}val": "86"})  # GB2312
        etree.SubElement(font, f"{{{w}}}family", {f"{{{w}}}val": "auto"})
    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _blocks(text: str) -> list[str]:
    """Paragraphs of an edited field: one per non-empty line."""
    return [line.strip() for line in text.replace("\r\n", "\n").split("\n") if line.strip()]


def annex_name(ctx: workbook.ReportContext) -> str:
    return f"{ctx.year}年{ctx.month}月督查通报附表（汇总、单位排名、逾期事项、临期事项）"


def build_bulletin(ctx: workbook.ReportContext, text: BulletinText) -> Document:
    """The Word 通报 of `ctx`'s month with the office's `text`."""
    doc = Document()
    _declare_fallbacks(doc)
    section = doc.sections[0]
    section.start_type = WD_SECTION.NEW_PAGE
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    section.left_margin, section.right_margin = Cm(2.8), Cm(2.6)
    section.footer_distance = Cm(2.5)
    _page_number_footer(section)
    normal = doc.styles["Normal"]
    normal.font.name = LATIN_FONT
    normal.font.size = BODY_SIZE
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT[0])

    center = WD_ALIGN_PARAGRAPH.CENTER
    _paragraph(doc, settings.BULLETIN_SERIES, TITLE_FONT, Pt(42), align=center, indent=False, color=RED,
               line=Pt(60))
    _paragraph(doc, f"第{text.issue_number}期", KAI_FONT, BODY_SIZE, align=center, indent=False,
               space_after=Pt(6))
    masthead = _paragraph(doc, "", indent=False)
    width = section.page_width - section.left_margin - section.right_margin
    masthead.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT)
    _set_font(masthead.add_run(f"{text.signature}\t{fmt_date(text.issued_on)}"), KAI_FONT, BODY_SIZE)
    _red_rule(masthead)
    _paragraph(doc, "", indent=False)
    _paragraph(doc, text.title, TITLE_FONT, TITLE_SIZE, align=center, indent=False, line=Pt(36),
               space_after=Pt(14))
    for line in _blocks(text.addressee):
        _paragraph(doc, line, indent=False)
    sections = (("总体情况", text.overview), ("存在问题", text.problems), ("下步工作要求", text.requirements))
    for i, (heading, body) in enumerate((s for s in sections if _blocks(s[1])), start=0):
        _paragraph(doc, f"{ORDINALS[i]}、{heading}", HEADING_FONT)
        for line in _blocks(body):
            _paragraph(doc, line)
    _paragraph(doc, "")
    _paragraph(doc, f"附件：{annex_name(ctx)}")
    _paragraph(doc, "")
    right = WD_ALIGN_PARAGRAPH.RIGHT
    for line in (text.signature, fmt_date(text.issued_on)):
        p = _paragraph(doc, line, align=right, indent=False)
        p.paragraph_format.right_indent = Pt(4 * BODY_SIZE.pt)
    doc.core_properties.title = text.title
    doc.core_properties.author = text.signature
    return doc


def write_bulletin(fileobj: IO[bytes], ctx: workbook.ReportContext, text: BulletinText) -> None:
    build_bulletin(ctx, text).save(fileobj)


def bulletin_filename(bulletin: Bulletin) -> str:
    report = bulletin.report
    draft = "" if bulletin.is_final else "（草稿）"
    return f"督查通报_{report.year}年{report.month:02d}月_第{bulletin.issue_number}期{draft}.docx"


# --- services ------------------------------------------------------------------------------------------


def context_of(report: MonthlyReport) -> workbook.ReportContext:
    """The context a month's row was built in (the workbook's builder makes it the same way)."""
    # a month built before it ended is as of its build day; an ended month as of its last day
    _, end = dates.month_bounds(report.year, report.month)
    built_on = report.as_of if report.as_of and report.as_of < end else None
    return workbook.report_context(year=report.year, month=report.month, scope=figures.Scope.parse(report.scope),
                                   today=built_on)


def bulletin_render(*, bulletin: Bulletin, ctx: workbook.ReportContext | None = None) -> Bulletin:
    """Write the .docx from the stored text, replacing the previous file."""
    ctx = ctx or context_of(bulletin.report)
    buffer = BytesIO()
    write_bulletin(buffer, ctx, BulletinText.of(bulletin))
    old = bulletin.file.name
    report = bulletin.report
    bulletin.file.save(f"督查通报_{report.year}年{report.month:02d}月.docx", ContentFile(buffer.getvalue()), save=False)
    bulletin.save()
    if old and old != bulletin.file.name:
        storage = bulletin.file.storage
        transaction.on_commit(lambda: storage.delete(old))
    return bulletin


def bulletin_refresh(*, report: MonthlyReport, ctx: workbook.ReportContext,
                     now: dt.datetime | None = None) -> Bulletin:
    """After the figures are (re)built (at `now`): draft the text the first time; afterwards keep the
    office's text as it is (redrafting is `bulletin_redraft`, on request) and only render a missing file."""
    bulletin = Bulletin.objects.filter(report=report).first()
    if bulletin is None:
        bulletin = Bulletin(report=report, drafted_at=now or timezone.now())
        draft_text(ctx).apply_to(bulletin)
        return bulletin_render(bulletin=bulletin, ctx=ctx)
    if not bulletin.file:
        return bulletin_render(bulletin=bulletin, ctx=ctx)
    return bulletin


class BulletinFinal(Exception):
    """A final 通报 is not edited or redrafted: it is reopened first."""


def _editable(bulletin: Bulletin) -> Bulletin:
    locked = Bulletin.objects.select_for_update().select_related("report").get(pk=bulletin.pk)
    if locked.is_final:
        raise BulletinFinal("该期通报已定稿，如需修改请先取消定稿。")
    return locked


@transaction.atomic
def bulletin_save(*, bulletin: Bulletin, text: BulletinText, user) -> Bulletin:
    """The office's edit: store the text and render the .docx from it."""
    bulletin = _editable(bulletin)
    text.apply_to(bulletin)
    bulletin.edited_at, bulletin.edited_by = timezone.now(), user
    return bulletin_render(bulletin=bulletin)


@transaction.atomic
def bulletin_redraft(*, bulletin: Bulletin, user) -> Bulletin:
    """按最新数据重新起草: 总体情况 and 存在问题 written again from today's figures for the month; the
    office's own parts (期号, 主送, 下步要求, 落款, title) stay as they are."""
    bulletin = _editable(bulletin)
    ctx = context_of(bulletin.report)
    bulletin.overview, bulletin.problems = drafted_parts(ctx)
    bulletin.drafted_at = timezone.now()
    bulletin.edited_at, bulletin.edited_by = bulletin.drafted_at, user
    return bulletin_render(bulletin=bulletin, ctx=ctx)


def requirements_missing(bulletin: Bulletin) -> bool:
    return not bulletin.requirements.strip() or bulletin.requirements.strip() == REQUIREMENTS_PLACEHOLDER


@transaction.atomic
def bulletin_finalize(*, bulletin: Bulletin, user, final: bool = True) -> Bulletin:
    """定稿 (or reopen): a final 通报 is what the supervisor downloads without the 草稿 mark."""
    bulletin = Bulletin.objects.select_for_update().select_related("report").get(pk=bulletin.pk)
    if final and requirements_missing(bulletin):
        raise ValueError("请先填写“下步工作要求”再定稿。")
    bulletin.state = BulletinState.FINAL if final else BulletinState.DRAFT
    bulletin.finalized_at = timezone.now() if final else None
    bulletin.edited_by = user
    bulletin.save(update_fields=["state", "finalized_at", "edited_by"])
    return bulletin
