"""Assemble a `ParsedPlan` from text: metadata, text items, sub-tasks, table rows."""

from __future__ import annotations

import dataclasses
import datetime
import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager

from .annotations import Annotation, RuleContext, find_annotations, label_lead_phrase
from .dates import DateHit, find_dates, looks_like_date_cell, parse_date_cell, parse_issue_date
from .errors import ImportFailure
from .labels import (
    COMMA_LEADS_RE,
    FIRST_LEADS_RE,
    STAR_LEADS_RE,
    TASK_FIELD_LABELS,
    label_kind,
    parse_label_line,
)
from .layout import split_inline_labels
from .model import Deadline, ParsedItem, ParsedPlan, PlanMeta, UnitRef
from .structure import CHAPTER_RE, NUMBERED_START_RE, RawItem, build_outline, select_items
from .subitems import inline_subitems, is_heading_only
from .tables import Table, TableRow, cell_role, parse_tables
from .text import ATTACHMENT_RE, Para, drop_pinyin_glosses, normalise, paragraphs, to_simplified
from .units import (
    AliasTable,
    comma_group,
    cut_in_bracket,
    looks_like_unit,
    marked_leads,
    split_table_units,
    split_units,
    star_marked,
    unit_names,
)
from .years import YEAR_SOURCES, YearNeeded, docnum_year, head_years, mentioned_year, past_years, title_year

_SENTENCE_END_RE = re.compile(r"[。；;\n]")
_PHRASE_YEAR_RE = re.compile(r"\D*(\d{4})年")

_TITLE_END_RE = re.compile(r"(工作要点|实施方案|实施意见|方案|意见|要点|计划|规划|措施|通知|办法|安排|清单|细则|决定|分解表|分工表|任务表|"
                           r"进度表|情况表|一览表|责任分解|任务分解|任务分工|责任分工|完成情况|进展情况|推进情况|落实情况)$")
# a title that ends in what it lists (山东省建设…先行区 / 2023年重点工作任务): a title only when no line
# below it continues it (…确定的主要目标任务 / 责任分解方案)
_TASKS_TITLE_END_RE = re.compile(r"(?<=.{6})(?:工作任务|重点任务|目标任务)$")
# a numbered line (2.您想了解哪几项民生实事的进展情况, 2. 2022年…任务分解表 in a list of attachments): no title
_NUMBERED_LINE_RE = re.compile(r"\d{1,2}\s*[.．、](?!\d)")
# a site's name after the title on a page's heading line: …责任分解的通知-某某网络平台, …工作要点_某某网
_SITE_SUFFIX_RE = re.compile(r"(.{4,80}?" + _TITLE_END_RE.pattern[:-1] + r")\s*[-_|–—]{1,2}\s*[^-_|–—。，,；;]{2,20}")
# part of an official title, after its kind word, kept in it: 实施方案（试行）, 工作要点（修订）,
# 办法（2020年版）, 进度表(截至10月31日)
_TITLE_QUALIFIER_RE = re.compile(r"\s*[（(][^（）()。，,；;]{1,20}[）)]$")
_QUOTED_TITLE_RE = re.compile(r"《([^《》]{4,78})》")
_MARKER_RE = re.compile(r"\s*[（(][^（）()]*(?:稿|草案)[）)]")
_DOCNUM_RE = re.compile(r"^[^\s:：]{1,15}[〔\[［(（]\s*\d{4}\s*[〕\]］)）]\s*\d+\s*号$")
# a line of a site's record of the document (索引号 …, 发布机构 …, 生成日期 … 公开方式 主动公开): never part of a title
_SITE_RECORD_RE = re.compile(r"索引号|发布机构|生成日期|成文日期|公开方式|组配分类|主题分类|信息来源|发文字号|发文序号|发布日期")
# what a web page puts in front of the document's own lines: a list's bullet (• 文号:…), its
# breadcrumb (首页 > 政务公开 > …, 首页-政务公开-政策文件), a title in book marks on a line of its own
_BULLETS = "•·●▪■◆◇○"
_BULLET_RE = re.compile(rf"^[{_BULLETS}]\s*")
_CRUMB_RE = re.compile(r"(?:[>＞»›][^>＞»›]*){2,}$|^(?:您现在的位置|当前位置)?[:：]?\s*首页\s*[-—>＞»›/]")
_BOOK_TITLE_LINE_RE = re.compile(r"《([^《》]{4,80})》")
# a covering notice's own title names the plan: 关于印发《X》的通知 (also after its 文号 on one line);
# X may quote another document: 关于印发2023年区《政府工作报告》确定的主要目标任务责任分解方案的通知
_NOTICE_OF_RE = re.compile(r"(?:关于)?印发[《〈<]?(?P<title>(?:[^《》〈〉<>]|《[^《》]*》){4,80}?)[》〉>]?的通知")
_DOCNUM_IN_RE = re.compile(r"[\u4e00-\u9fff]{1,10}[〔\[［]\s*\d{4}\s*[〕\]］]\s*\d+\s*号")
# a notice's title names who issued it: 厦门市人民政府办公厅关于印发…的通知, 滁州市人民政府关于…的通知,
# 中共某区委办公室 某区人民政府办公室印发《…》的通知 (two issuers, one after the other once normalised)
_ISSUER_OF_RE = re.compile(r"^(?P<issuer>[\u4e00-\u9fff]{1,30}?(?:政府|办公室|办公厅|委员会|管委会|委|局|厅|办))(?:关于|印发)")
# how a body's name ends: a signature, a red header's issuer (`某县人民政府文件`)
_BODY_END_RE = re.compile(r"(?:政府|办公室|办公厅|委员会|管委会|委|局|厅|办|院|部|会|组|处|中心|镇|乡|街道|公司|署)$")
_QUOTED_TAG_RE = re.compile(r"^“[^“”]{1,12}”")  # a site's label in quotes before a notice: “党政混合信息公开”
# a government site's record above the text: 发文日期 2023-01-03 · 发布机构: 下陆区政府办公室 · 文 号 蔡政办〔2023〕1号
_LABEL_DATE_RE = re.compile(r"(?:发文日期|成文日期)[\s:：|]*(?P<y>\d{4})\s*[-年./]\s*(?P<m>\d{1,2})\s*[-月./]\s*(?P<d>\d{1,2})")
# (normalised text has no space between two Chinese characters: the name ends where the next label begins)
_LABEL_ISSUER_RE = re.compile(r"(?:发布机构|发布单位|发文机关|发文单位)\s*[:：|]?\s*(?P<issuer>[\u4e00-\u9fff]{2,30}?)"
                              r"(?=文号|索引号|发文日期|成文日期|发布日期|主题分类|分类|有效性|公开范围|公开方式|公开形式|生成日期"
                              r"|[\s:：|,，;；]|$)")
_LABEL_DOCNUM_RE = re.compile(r"(?:文\s*号|发文字号|发文序号|文件字号|文件编号|发文编号)\s*[:：|]?\s*\|?\s*(?P<num>" + _DOCNUM_IN_RE.pattern + ")")
# a web page's section tag or its record's label before the title (【市政府重点工作及责任分解】…, 标题 …), a 文号
# after it (…意见(池政〔2017〕101号))
_TAG_PREFIX_RE = re.compile(r"^(?:【[^【】]{1,30}】|标题(?=\S{6}))(?=.)")
_DOCNUM_SUFFIX_RE = re.compile(r"\s*[（(]\s*(?P<num>" + _DOCNUM_IN_RE.pattern + r")\s*[）)]$")
_SENTENCE_PUNCT = re.compile(r"[。，,：:；;！？]")
_CLAUSE_BOUNDARY = "。；;！？\n【】)）〕]"
# up to the last clause boundary before a date phrase (greedy: the engine backs off from the phrase)
_LAST_BOUNDARY_RE = re.compile(rf"(?s).*[{re.escape(_CLAUSE_BOUNDARY)}，,]")
_CLAUSE_END_RE = re.compile("[。；;！？\n【，,]")
_TITLE_MAX = 80
_CHAPTER_FIRST = "一二三四五六七八九十"  # what a chapter heading starts with (`CHAPTER_RE`)
_SENTINEL_YEAR = 1904  # stands for "unknown" while the items are read (a leap year: 2月29日 stays valid)


# ---------------------------------------------------------------- metadata

def _head_line(t: str) -> str:
    """A line of the text's head without a web page's bullet; a breadcrumb as a blank line; a title
    printed in book marks alone on its line (a reposting site's) as the title."""
    if not t:
        return t
    if t[0] in _BULLETS:
        t = _BULLET_RE.sub("", t)
    if ("首页" in t or ">" in t or "＞" in t or "»" in t) and _CRUMB_RE.search(t):
        return ""
    if t[0] == "《" and t[-1] == "》" and (m := _BOOK_TITLE_LINE_RE.fullmatch(t)) and _TITLE_END_RE.search(m.group(1)):
        return m.group(1)
    return t


def _without_site_name(t: str) -> str:
    """A page's heading line without the site's name after the title: `…的通知-某某网络平台`."""
    if len(t) <= 105:
        cut = max(t.rfind("-"), t.rfind("_"), t.rfind("|"), t.rfind("–"), t.rfind("—"))
        if cut >= 6 and 2 <= len(t) - cut - 1 <= 22 and (m := _SITE_SUFFIX_RE.fullmatch(t)):
            return m.group(1)
    return t


def _extract_meta(lines: list[str], notice: list[Para]) -> tuple[PlanMeta, list[str]]:
    """The plan's title, issuer, 文号 and issue date from the text's head (and `notice`, the
    covering notice's paragraphs the outline found), with a warning for what was not found."""
    meta = PlanMeta()
    warnings: list[str] = []
    end = next((i for i, t in enumerate(lines) if t and t[0] in _CHAPTER_FIRST and CHAPTER_RE.match(t)), len(lines))
    pre = [_head_line(t) for t in lines[:end]]
    for i in range(min(len(pre), 12)):  # (the page's heading: among its first lines)
        pre[i] = _without_site_name(pre[i])
    date_idx = None
    for i, t in enumerate(pre):
        if not t:
            continue  # (a blank line is none of these; the table rewriting leaves many)
        if meta.doc_number is None and t.endswith("号") and _DOCNUM_RE.match(t) and not _LABEL_DOCNUM_RE.match(t):
            meta.doc_number = re.sub(r"\s+", "", t)  # (a site's `文件编号 X〔2024〕2号`: the record below)
        if date_idx is None and (d := parse_issue_date(t)):
            meta.issued_on, date_idx = d, i
        if meta.issuer is None and t.endswith("文件") and len(t) <= 40 and not _SENTENCE_PUNCT.search(t) \
                and len(t) >= 6 and _BODY_END_RE.search(t[: -len("文件")]):  # (not a record's 文件类型 `政府文件`)
            meta.issuer = t[: -len("文件")]  # a red header, `某县人民政府文件` (not a site's `县本级非规范性文件`)
    record = [t for t in pre[:40] if t.strip()]
    for i, t in enumerate(record):  # a government site's record of the document, when it has one
        if t.endswith((":", "：")) and len(t) <= 12 and i + 1 < len(record):
            t += record[i + 1]  # its value on the next line: `• 发文字号:` / `镇政发〔2024〕7号`
        if meta.issued_on is None and (m := _LABEL_DATE_RE.search(t)):
            meta.issued_on = _label_date(m)
        if meta.issuer is None and (m := _LABEL_ISSUER_RE.search(t)):
            meta.issuer = m.group("issuer")
        if meta.doc_number is None and (m := _LABEL_DOCNUM_RE.search(t)):
            meta.doc_number = re.sub(r"\s+", "", m.group("num"))
    if meta.issued_on is None:  # a notice signed at its end: the date (and signature) under the text
        tail = [t for t in lines[-12:] if t.strip()]
        for k in range(len(tail) - 1, -1, -1):
            if d := parse_issue_date(tail[k]):
                meta.issued_on = d
                above = tail[k - 1] if k else ""
                if meta.issuer is None and _signature(above):
                    meta.issuer = above
                break
    if meta.issuer is None and date_idx is not None:
        j = date_idx - 1
        while j >= 0 and not pre[j].strip():
            j -= 1
        if j >= 0 and _signature(pre[j]) and not _TITLE_END_RE.search(pre[j]):
            meta.issuer = pre[j]

    def candidate(t: str, tasks_end: bool = True) -> bool:
        if "稿" in t or "草案" in t:  # (a marker says one of these)
            t = _MARKER_RE.sub("", t)
        t = t.strip()
        if t.endswith(("）", ")")):
            t = _TITLE_QUALIFIER_RE.sub("", _DOCNUM_SUFFIX_RE.sub("", t))
        if _QUOTED_TITLE_RE.fullmatch(t):
            t = t[1:-1]  # the title printed in its book marks: `《宿迁市…服务承诺清单》(2024年版)`
        # a title may quote another document (2024年《政府工作报告》重点工作目标任务分解表), not begin with one
        return bool(t) and len(t) <= 80 and not t.startswith("《") and t.count("《") == t.count("》") \
            and not _SENTENCE_PUNCT.search(t) and bool(
                _TITLE_END_RE.search(t) or tasks_end and t.endswith("任务") and _TASKS_TITLE_END_RE.search(t))

    strong: list[int] = []
    weak: list[int] = []  # ending 重点工作任务: titles only where no other line is one
    for i, t in enumerate(pre):
        if not t or not candidate(t):
            continue
        if t.endswith("任务") and not candidate(t, False):
            weak.append(i)
        else:
            strong.append(i)
    cands = strong or weak
    # a title printed again over several lines (a page's heading, then the document's own): its last
    # line (…责任分解方案的通知) ends a whole copy above, which is the title
    cands = [i for i in cands if not any(k < i and len(pre[k]) > len(pre[i]) and pre[k].endswith(pre[i]) for k in cands)]
    cands = [i for i in cands if not (pre[i][:1].isdigit() and _NUMBERED_LINE_RE.match(pre[i]))]
    plain = [i for i in cands if not re.search(r"关于.*通知$", pre[i])]
    idx: int | None = (plain or cands)[-1] if plain or cands else None
    if idx is not None:
        parts = [pre[idx]]
        j = idx - 1
        if parts[0][:1] in "及和与暨":  # the second half of a title split by a blank line (…重点工作 / / 及民生实事…方案)
            while j >= 0 and not pre[j].strip():
                j -= 1
        # a title split over adjacent lines (000): short, unpunctuated lines directly above
        # (not a whole title of its own: a page that repeats the notice's title above its split copy;
        # nothing above a title that begins with its issuer, X关于…: a web page's menu, say)
        while j >= 0 and pre[j].strip() and len(pre[j]) <= 40 and not _SENTENCE_PUNCT.search(pre[j]) \
                and not parse_issue_date(pre[j]) and pre[j] != meta.issuer and not _DOCNUM_RE.match(pre[j]) \
                and not candidate(pre[j], False) and not _ISSUER_OF_RE.match(parts[0]) and "此件" not in pre[j] \
                and not _SITE_RECORD_RE.search(pre[j]) \
                and not ATTACHMENT_RE.fullmatch(pre[j]):  # the line 附件 (2) above an attachment's title
            parts.insert(0, pre[j])
            j -= 1
        # a notice's title printed over two lines with a blank line between (X关于印发2021年 / / Y的通知)
        if j >= 1 and not pre[j].strip() and "关于" not in parts[0] and parts[0].endswith("通知"):
            above = pre[j - 1] if pre[j - 1].strip() else ""
            if above and "关于" in above and len(above) <= 40 and not _SENTENCE_PUNCT.search(above) \
                    and not candidate(above):
                parts.insert(0, above)
        title = "".join(parts)
        if (quoted := _QUOTED_TITLE_RE.match(title)) is not None and _QUOTED_TITLE_RE.fullmatch(
                _TITLE_QUALIFIER_RE.sub("", title)):
            title = quoted.group(1) + title[quoted.end():]  # (its book marks off: the title, then its 2024年版)
        for m in _MARKER_RE.finditer(title):
            meta.title_markers.append(m.group(0).strip())
        meta.title = _notice_title(meta, _MARKER_RE.sub("", title).strip())
        # only the end of the plan's title that the covering notice names whole: its title printed
        # over two lines with a blank line between (…进一步落实 / 优化营商环境政策的若干措施)
        if named := _notice_named(pre[:12]):
            bare = meta.title.replace("的", "")
            if len(bare) < len(named.replace("的", "")) and named.replace("的", "").endswith(bare):
                meta.title = named
        k = idx + 1
        while k < len(pre) and not pre[k].strip():
            k += 1
        if k < len(pre) and _MARKER_RE.fullmatch(pre[k]):
            meta.title_markers.append(pre[k].strip())
        elif k < len(pre) and _TITLE_QUALIFIER_RE.fullmatch(pre[k].strip()) and "此件" not in pre[k]:
            meta.title += pre[k].strip()  # its years on a line of their own: …三年行动计划 / (2018—2020年)
    elif notice_of := _notice_of(pre[:12]):
        meta.title = notice_of.group("title").strip()
        if meta.doc_number is None and (num := _DOCNUM_IN_RE.search(notice_of.string)):
            meta.doc_number = re.sub(r"\s+", "", num.group(0))
    else:
        warnings.append("未识别出文件标题，请手工填写。")
    if meta.issuer is None:  # a notice's title above the plan's names its issuer
        meta.issuer = next((_issuers(by.group("issuer")) for t in pre[:12] if t.endswith("通知") and (
            by := _ISSUER_OF_RE.match(_QUOTED_TAG_RE.sub("", _TAG_PREFIX_RE.sub("", t))))), None)
    _signed_notice(meta, notice)
    for marker in meta.title_markers:
        warnings.append(f"标题标注“{marker}”：这是草稿，标注已从标题中去掉。")
    if meta.issuer is None:
        warnings.append("未识别出发文单位。")
    return meta, warnings


def _notice_of(lines: list[str]) -> re.Match[str] | None:
    """A covering notice's title among `lines` (…关于印发X的通知, its 文号 after it); not a sentence
    that cites one (认真落实《…关于印发X的通知》(某政办发〔2022〕52号)要求，…)."""
    return next((m for t in lines if not _SENTENCE_PUNCT.search(t) and (m := _NOTICE_OF_RE.search(t))), None)


def _notice_named(lines: list[str]) -> str | None:
    m = _notice_of(lines)
    return m.group("title").strip() if m else None


_UNIT_LINE_RE = re.compile(r"^[（(〔【\[][^（(〔【\[]{0,6}单位\s*[:：].*[）)〕】\]]$")


# the first characters of a unit's ending, where a page cut it off (…交通建设发展有 of 有限公司, 城建集 of 集团)
_CUT_ENDINGS = tuple({w[:k] for w in ("有限公司", "委员会", "人民政府", "管委会", "办事处", "中心", "集团", "公司",
                                      "街道", "开发区", "分局", "支队", "大队") for k in range(1, len(w))})


def _past_dates_unresolved(items: list[ParsedItem], year: int) -> None:
    """A date two years or more before the plan's (`到2015年底已完成试点` in a 2020 plan) is what was done,
    not a deadline: kept as an unresolved phrase for a person to settle, not as a date already overdue.
    (The year before the plan's may be one: a plan issued in December, `2022年12月底前` for 2023.)"""
    for it in _all_items(items):
        past = [d for d in it.deadlines if d.date.year < year - 1]
        if past:
            it.deadlines = [d for d in it.deadlines if d.date.year >= year - 1]
            it.unresolved += [p for p in dict.fromkeys(d.phrase for d in past) if p not in it.unresolved]


def _drop_unit_cut_off(items: list[ParsedItem], lines: list[str]) -> None:
    """A page cut off in the middle of its last unit's name (`牵头单位:区商`, `…连江交通建设发展有`): a
    level and a character or two, a name ending in the start of a unit's ending, or any name inside a
    bracket that the page leaves open, that the document ends with, unknown and not ending like a
    unit, is no unit (区商 was proposed as a new unit and a
    lead; 临平新城 at a table's end is one)."""
    last_line = next((t.strip() for t in reversed(lines) if t.strip()), "")
    last = next((it for it in reversed(_all_items(items)) if it.responsible_units), None)
    if last is None or not last_line:
        return
    unit = last.responsible_units[-1]
    written = unit.as_written
    if unit.known or looks_like_unit(written) or not "".join(last_line.split()).endswith(written):
        return
    if not (len(written) <= 3 and written[0] in "省市区县镇乡" or written.endswith(_CUT_ENDINGS)
            or cut_in_bracket(last_line)):  # (`[牵头单位:县发改局、县农业农`: the page ends inside the bracket)
        return
    last.responsible_units = last.responsible_units[:-1]
    last.lead_units = [u for u in last.lead_units if u is not unit]


_ROLE_PHRASE_RE = re.compile(r"按(?:照)?(?:各自)?职责(?:分工)?(?:负责|落实|配合|推进)")


def _unit_column_header(lines: list[str]) -> bool:
    """Whether a table's header is printed one cell per line, a unit column among its cells
    (`工作任务` / `具体要求` / `落实科室(部门)`): a table whose rows the outline reads as items."""
    run: list[str | None] = []
    for t in lines:
        t = t.strip()
        if not t:
            continue
        role = cell_role(t) if len(t) <= 12 else None
        run = [*run, role] if role else []
        if len(run) >= 3 and ("responsible" in run or "lead" in run):
            return True
    return False


def _bare_unit_lines(items: list[ParsedItem], table: AliasTable) -> None:
    """Under such a header (`_unit_column_header`), the unit cell after a task's cell is a line of its
    own with no label (`办公室`, `各科室、医疗保障事业管理中心按职责分工落实`): the units of the task
    it follows, and of those before it with none, merged cells (中山 医保局 分工方案: no unit read)."""
    for k, item in enumerate(items):
        if item.responsible_units or item.children or item.source != "text":
            continue
        for line in item.text.split("\n")[1:]:
            t = line.strip()
            if (m := _ROLE_PHRASE_RE.search(t)) is not None:
                t = t[: m.end()]  # the next group's cell joined after it: …按职责分工落实做好财政信息公开
            if not t or "。" in t or len(t) > 80:
                continue
            if names := unit_names(t, table):
                item.lead_units, item.responsible_units = _units([(n, False) for n in names], table)
                _share_back(items, k)
                break


def _share_closing_annotation(items: list[ParsedItem]) -> None:
    """A unit annotation on a line of its own after a run of measures that name no unit
    (1.完善应急预案体系 / (1)… (2)… (3)… (4)… / (责任单位:A、B、C)) is the run's: its units go
    to each measure of the same heading before it that has none, not to the last alone."""
    for k, item in enumerate(items):
        last = item.text.rsplit("\n", 1)[-1].strip()
        if k == 0 or not item.responsible_units or last[:1] not in "（(〔【[" or not _UNIT_LINE_RE.match(last):
            continue
        _share_back(items, k)


def _share_back(items: list[ParsedItem], k: int) -> None:
    """Item ``k``'s units to each item of the same heading right before it that names none."""
    item = items[k]
    j = k - 1
    while j >= 0 and items[j].section == item.section and items[j].source == item.source \
            and not items[j].responsible_units and not items[j].children:
        j -= 1
    for before in items[j + 1 : k]:
        before.lead_units, before.responsible_units = list(item.lead_units), list(item.responsible_units)


def _as_printed(items: list[ParsedItem], printed: str, simplified: str) -> None:
    """Each unit of a plan read in simplified characters (`to_simplified`) written as the plan prints
    it (州行政審批服務局; its name, the canonical one, stays simplified): found at the same place of
    the printed text, which the conversion kept character for character."""
    if len(printed) != len(simplified):
        return
    for item in _all_items(items):
        for unit in item.responsible_units + item.lead_units:  # (a lead is most often its list's own UnitRef)
            at = simplified.find(unit.as_written)
            if at >= 0:
                unit.as_written = printed[at : at + len(unit.as_written)]


_FULL_PAREN_RE = re.compile(r"（([^（）]*)）")


def _angles_as_printed(items: list[ParsedItem], printed: str) -> None:
    """Each unit whose brackets the plan prints as ASCII angle brackets (`各区县政府<南太湖新区、长合区管委会>`,
    read as parentheses: `text._ASCII_ANGLE_RE`) written as printed."""
    def angled(m: re.Match[str]) -> str:
        return f"<{m.group(1)}>" if f"<{m.group(1)}>" in printed else m.group()

    for item in _all_items(items):
        for unit in item.responsible_units + item.lead_units:
            if "（" in unit.as_written:
                unit.as_written = _FULL_PAREN_RE.sub(angled, unit.as_written)


_UNIT_LEADS_HEADING_RE = re.compile(
    r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十]{1,3}[）)])?\s*(?P<units>[^，,。；;:：]{2,60}?)"
    r"(?:牵头|负责)(?:的)?(?:重点)?(?:工作|任务|事项|项目)(?:[（(]\s*\d+\s*项\s*[）)])?$")


def _heading_units(items: list[ParsedItem], ctx: RuleContext) -> None:
    """A heading that names the units of its part (`(一)构建法治环境保障体系(总牵头单位:县委依法治县委员会办公室)`)
    gives them to each item under it that names none (it was flagged 未标注); the nearest such
    heading, where several do."""
    found: dict[str, list[tuple[str, bool]]] = {}
    for item in items:
        if item.responsible_units or item.children or not item.section:
            continue
        if item.section not in found:
            pairs: list[tuple[str, bool]] = []
            for heading in reversed(item.section.split(" / ")):
                if heading[-1:] in "）)〕】]" and (anns := find_annotations(heading, ctx)):
                    pairs = [p for a in anns for p in a.units]
                    break
                if (m := _UNIT_LEADS_HEADING_RE.match(heading)) is not None:
                    # `一、县示范区管委会牵头工作(8项)`: a part grouped by its lead unit (a leader's name is no unit)
                    if named := unit_names(m.group("units"), ctx.table):
                        pairs = [(u, True) for u in named]
                        break
            found[item.section] = pairs
        if found[item.section]:
            item.lead_units, item.responsible_units = _units(found[item.section], ctx.table)


def _signature(t: str) -> bool:
    """A line that may name who signed: short, with no sentence punctuation, a body's name (not the
    attachment list's last line above the date, `2.市《政府工作报告》涉及嘉鱼的重点事项责任分解`)."""
    return bool(t) and len(t) <= 40 and not _SENTENCE_PUNCT.search(t) and "《" not in t \
        and not t[:1].isdigit() and _BODY_END_RE.search(t.strip()) is not None


def _signed_notice(meta: PlanMeta, notice: list[Para]) -> None:
    """A covering notice ends with its date, its issuer signed above it: read there when the head
    of the text did not give them (a notice whose own 一、二、 requests put them below the first
    chapter line, where `_extract_meta` does not look), and the signature's full name preferred."""
    if not notice or (date := parse_issue_date(notice[-1].text)) is None:
        return
    if meta.issued_on is None:
        meta.issued_on = date
    above = notice[-2].text if len(notice) > 1 else ""
    # the signature's full name over the short one a title or a site's record gave (区人民政府办公室)
    if _signature(above) and (meta.issuer is None or len(above) > len(meta.issuer) and above.endswith(meta.issuer)):
        meta.issuer = above


def _label_date(m: re.Match[str]) -> datetime.date | None:
    try:
        return datetime.date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
    except ValueError:
        return None


def _notice_title(meta: PlanMeta, title: str) -> str:
    """The title line as the plan's title: without a web page's section tag before it or its 文号
    after it (kept as the 文号 when none was found); a covering notice's title (…关于印发X的通知)
    gives the plan's, X; a notice's issuer (X关于…) is the issuer when none was found."""
    title = _TAG_PREFIX_RE.sub("", title)
    if suffix := _DOCNUM_SUFFIX_RE.search(title):
        if meta.doc_number is None:
            meta.doc_number = re.sub(r"\s+", "", suffix.group("num"))
        title = title[: suffix.start()]
    if meta.issuer is None and (by := _ISSUER_OF_RE.match(title)):
        meta.issuer = _issuers(by.group("issuer"))
    if title.endswith("通知") and (notice := _NOTICE_OF_RE.search(title)):
        title = notice.group("title").strip()
    return title


def _issuers(names: str) -> str:
    """Issuers named one after the other (中共某区委办公室某区人民政府办公室), separated by 、."""
    return re.sub(r"(办公室|办公厅)(?=.)", r"\1、", names)


def _explicit_years(texts: list[str]) -> list[int]:
    """The years the date phrases of ``texts`` write out (`2021年9月底前`)."""
    years = []
    for text in texts:
        for hit in find_dates(text, 2000):
            if hit.dates and (m := _PHRASE_YEAR_RE.match(hit.phrase)):
                years.append(int(m.group(1)))
    return years


def _decide_year(meta: PlanMeta, override: int | None, raw_items: list[RawItem], head_lines: list[str],
                 lines: list[str], warnings: list[str]) -> None:
    """See `years.py`: the first source found gives the year; every fallback says so."""
    if override:
        meta.year, meta.year_source = override, "override"
        return
    evidence: dict[str, int] = {}

    def head(source: str) -> int | None:
        if not evidence:
            evidence.update(head_years(head_lines) or {"": 0})
        return evidence.get(source)

    candidates = {  # evaluated lazily, in order: most plans stop at the title
        "title": lambda: title_year(meta.title),
        "doc_number": lambda: docnum_year(meta.doc_number),
        "heading": lambda: head("heading"),
        # (a plan that is one table: the dates its rows write out, `2021年9月底`)
        "dates": lambda: min(_explicit_years(["\n".join(r.text_lines) for r in raw_items])
                             or _explicit_years([t for t in lines if "\t" in t]), default=None),
        "issue_date": lambda: meta.issued_on.year if meta.issued_on else None,
        "notice": lambda: head("notice"),
        "page": lambda: head("page"),
        "preamble": lambda: head("preamble"),
        "inferred": lambda: max(past) + 1 if (past := past_years("\n".join(lines))) else None,
        # (a plan that is one table has no text items: the year its rows write most often)
        "mentioned": lambda: mentioned_year([t for r in raw_items for t in r.text_lines] or lines),
    }
    words = {
        "doc_number": "按文号", "heading": "按文首标题行", "dates": "按文中最早的时间节点",
        "issue_date": "按发文日期", "notice": "按文首引用的文号", "page": "按文首（网页）的日期",
        "preamble": "按文首说明中的年度",
        "inferred": "按文中提到的往年（如“X年已达标”）推断",
        "mentioned": "按任务中最常写到的年份",
    }
    for source in YEAR_SOURCES[1:]:
        if year_found := candidates[source]():
            meta.year, meta.year_source = year_found, source
            if source != "title":
                warnings.append(f"标题中没有年份：{words[source]}取 {meta.year} 年为计划年份，可另行指定计划年度（网页导入时修改“计划年度”，命令行用 --year）。")
            return
    meta.year, meta.year_source = 0, "unknown"


_INTERPRETATION_RE = re.compile(r"(?:政策解读|图解|解读)$")
# a report on work done, not a plan of work to do: 情况报告, 工作总结, 督查情况的通报, 政府工作报告 (its text)
_CELL_SPLIT_RE = re.compile(r"[|\t]")
_REPORT_TITLE_RE = re.compile(r"(?:情况报告|工作总结|年度总结|情况的通报|情况通报|督查通报|工作报告)(?:\.docx?)?$")


def _report_heading(lines: list[str]) -> str | None:
    """The title of a report (`2020年静海区法治政府建设情况报告`, `关于…督查情况的通报`) among the document's
    first lines, a page's record included (`文件名称 | 2022年…落实情况的通报 |`)."""
    seen = 0
    found: list[str] = []
    for t in lines:
        t = t.strip().strip("|").strip()
        if not t:
            continue
        seen += 1
        if seen > 12 or CHAPTER_RE.match(t):
            break
        for cell in _CELL_SPLIT_RE.split(t) if "|" in t or "\t" in t else (t,):
            cell = cell.strip()
            if 4 <= len(cell) <= 80 and not _SENTENCE_PUNCT.search(cell) and _REPORT_TITLE_RE.search(cell):
                found.append(cell)
    return max(found, key=len) if found else None  # (the title, not a site's column 工作报告)


def _interpretation_heading(lines: list[str]) -> str | None:
    """The heading of a 政策解读 page (`《…分工方案》政策解读`), among the document's first lines."""
    seen = 0
    for t in lines:
        if not t.strip():
            continue
        seen += 1
        if seen > 8 or CHAPTER_RE.match(t):
            return None
        if len(t) <= 80 and not _SENTENCE_PUNCT.search(t) and _INTERPRETATION_RE.search(t):
            return t
    return None


# ---------------------------------------------------------------- items

def _first_sentence(text: str) -> str:
    text = text.strip().lstrip("，,。；; ")
    end = _SENTENCE_END_RE.search(text)
    head = (text[: end.start()] if end else text).strip()
    return head if len(head) <= _TITLE_MAX else head[: _TITLE_MAX - 1] + "…"


def _what(text: str, hit: DateHit) -> str:
    """What is due: the clause around the phrase (the next clause if the phrase stands alone)."""
    lo = max(0, hit.start - 300)  # a clause is short: look back a little, not to the start of a long text
    before = _LAST_BOUNDARY_RE.match(text, lo, hit.start)
    s = before.end() if before else lo
    after = _CLAUSE_END_RE.search(text, hit.end)
    e = after.start() if after else len(text)
    clause = (text[s : hit.start] + text[hit.end : e]).strip().removeprefix("前").strip("，,、；; ")
    if not clause and e < len(text) and text[e] in "，,":
        after = _CLAUSE_END_RE.search(text, e + 1)
        clause = text[e + 1 : after.start() if after else len(text)].strip()
    return clause


# places named bare before the one that carries their shared ending: 江岸、江汉、汉阳、武昌区人民政府
_SHARED_END_RE = re.compile(r"^[\u4e00-\u9fff]{2}([区县](?:人民政府|政府)?)$")


def _units(pairs, table: AliasTable) -> tuple[list[UnitRef], list[UnitRef]]:
    """(as written, is lead) in printed order (a list or a tuple) → (leads, responsible), unique by
    canonical name."""
    fields, lead_at = table.unit_lists(pairs if type(pairs) is tuple else tuple(pairs))
    resp = [UnitRef(*f) for f in fields]
    if len(resp) > 1 and any(len(u.as_written) == 2 and not u.known for u in resp):
        _shared_ending(resp, table)
    if len(lead_at) == 1:  # (most lists: one lead)
        return [resp[lead_at[0]]], resp
    return [resp[k] for k in lead_at], resp


def _shared_ending(units: list[UnitRef], table: AliasTable) -> None:
    """Each bare place before a unit whose ending they share (江岸、江汉、武昌区人民政府) named with that
    ending (江岸区人民政府), as written as printed: 江岸 and 江汉 were proposed as new units."""
    k = 0
    while k < len(units):
        m = _SHARED_END_RE.match(units[k].name)
        j = k - 1
        while m is not None and j >= 0 and len(units[j].as_written) == 2 and not units[j].known \
                and not looks_like_unit(units[j].as_written):
            written = units[j].as_written
            named = UnitRef(*table.lookup(written + m.group(1)))
            named.as_written = written
            units[j] = named
            j -= 1
        k += 1


def _deadlines(hits: list[DateHit], text: str) -> tuple[list[Deadline], list[str]]:
    out: list[Deadline] = []
    unresolved: list[str] = []
    if not hits:
        return out, unresolved
    if len(hits) == 1 and len(hits[0].dates) == 1:  # (most texts: one phrase, one date; nothing to dedupe)
        h = hits[0]
        out.append(Deadline(h.dates[0], h.phrase, _what(text, h) if text else "", h.recurring))
        return out, unresolved
    seen: set[tuple[datetime.date, str]] = set()
    for h in hits:
        phrase, dates = h.phrase, h.dates
        if not dates:
            if phrase not in unresolved:
                unresolved.append(phrase)
            continue
        what = None  # the same clause for every date of the phrase (每季度: four)
        for d in dates:
            if (d, phrase) not in seen:
                seen.add((d, phrase))
                if what is None:
                    what = _what(text, h) if text else ""
                out.append(Deadline(d, phrase, what, h.recurring))
    return out, unresolved


def _merge_deadlines(groups: list[list[Deadline]]) -> list[Deadline]:
    out: list[Deadline] = []
    seen: set[tuple[datetime.date, str]] = set()
    add = seen.add
    for g in groups:
        for d in g:
            k = (d.date, d.phrase)
            if k not in seen:
                add(k)
                out.append(d)
    return out


_NO_HIT = DateHit("", 0, 0)  # a date cell `parse_date_cell` reads as nothing (kept as such)


# 明年, in a plan written the year before the one it plans (2022年12月27日 for 2023): the year after its issue
_NEXT_YEAR_RE = re.compile(r"明年(?=\d{1,2}月|年底|年末|底|上半年|下半年|[一二三四1-4]季度)")


class _ItemBuilder:
    def __init__(self, table: AliasTable, ctx: RuleContext, year: int, warnings: list[str], star_leads: bool = False,
                 issued: datetime.date | None = None):
        self.table, self.ctx, self.year, self.warnings = table, ctx, year, warnings
        self.next_year = f"{issued.year + 1}年" if issued else None  # what 明年 stands for (unknown: no date)
        self._date_cells: dict[str, DateHit] = {}  # what `parse_date_cell` read in a cell (never changed)
        self._phrases: dict = {}  # `find_dates`' memo
        self.star_leads = star_leads  # the plan says a star marks its lead units (STAR_LEADS_RE)
        self.carried: list[str] = []  # numbers of table rows given the units of the row above (a merged cell)

    def dates(self, text: str) -> list[DateHit]:
        """`find_dates`, with 明年 read as the year after the plan's issue (`明年7月份建成`, issued 2022-12-27:
        2023-07-31); the hits' places are the text's own."""
        year = self.next_year
        if year is None or "明年" not in text or (found := list(_NEXT_YEAR_RE.finditer(text))) == []:
            return find_dates(text, self.year, self._phrases)
        grow = len(year) - 2
        hits = find_dates(_NEXT_YEAR_RE.sub(year, text), self.year, self._phrases)
        at = [m.start() + k * grow for k, m in enumerate(found)]  # where each 明年 stands in the text read

        def back(pos: int, end: bool) -> int:
            return pos - grow * sum(1 for a in at if (a + len(year) <= pos if end else a < pos))

        return [dataclasses.replace(h, start=back(h.start, False), end=back(h.end, True)) for h in hits]

    def text_items(self, raw: RawItem) -> list[ParsedItem]:
        """The item of a numbered paragraph — or, when the paragraph is only a heading over
        inline sub-items `(1)…(2)…`, those sub-items (the heading is their section)."""
        text = "".join(raw.text_lines) if len(raw.text_lines) == 1 else "\n".join(raw.text_lines)
        head, subs = inline_subitems(text)
        if subs and is_heading_only(head):
            section = f"{raw.section} / {raw.number}.{head.strip().rstrip('。')}" if raw.number else raw.section
            return [
                self.text_item(RawItem(sub.number, section, [text[sub.start : sub.end].strip()], raw.line,
                                       f"{raw.ref}.({sub.number})"))
                for sub in subs
            ]
        item = self.text_item(raw)
        if subs and not item.children:
            for sub in subs:
                child = self.text_item(RawItem(f"{item.number}-{sub.number}" if item.number else sub.number,
                                               item.section, [text[sub.start : sub.end].strip()], raw.line,
                                               f"{raw.ref}-{sub.number}"))
                item.children.append(child)
            pairs = [(u.as_written, any(u.name == x.name for x in item.lead_units)) for u in item.responsible_units]
            for child in item.children:
                pairs += [(u.as_written, any(u.name == x.name for x in child.lead_units))
                          for u in child.responsible_units]
            item.lead_units, item.responsible_units = _units(pairs, self.table)
            item.deadlines = _merge_deadlines([item.deadlines] + [c.deadlines for c in item.children])
        return [item]

    def text_item(self, raw: RawItem) -> ParsedItem:
        body_lines: list[str] = []
        label_units: list[tuple[str, bool]] = []
        label_dates: list[DateHit] = []
        for k, line in enumerate(raw.text_lines):
            parsed = parse_label_line(line) if ":" in line or "：" in line else None  # (a label ends in a colon)
            if parsed is None and k == 0 and (first := _units_first(line)) is not None:
                units, line = first  # `县公安局:要抓住…` (a 任务分工 by unit): the units, then the task
                label_units += [(u, False) for u in units]
            if parsed is None:
                body_lines.append(line)
                continue
            label, value = parsed
            kind = label_kind(label)
            if kind == "date":
                hits = self.dates(value)
                label_dates += hits or [DateHit(value, 0, len(value))]  # 持续推进: kept unresolved
            elif kind in ("lead", "other"):
                if phrase := label_lead_phrase(value, self.ctx):  # 责任单位:A、B牵头,C、D
                    label_units += phrase
                    continue
                named = marked_leads(value) | star_marked(value) if self.star_leads else marked_leads(value)
                if self.ctx.comma_leads and kind != "lead" and not named:
                    named = comma_group(value)  # `逗号前为牵头单位`: the units before the list's first comma
                label_units += [(u, kind == "lead" or u in named) for u in split_units(value)]
            # a person (牵头负责领导：金力) or a progress note (实际完成情况：…) is neither a unit nor a date
        body = "\n".join(body_lines)
        full_text = body if len(body_lines) == len(raw.text_lines) and not label_units else "\n".join(raw.text_lines)
        anns = find_annotations(body, self.ctx)
        title_end = len(body)
        for a in anns:
            if 0 < a.start < title_end:
                title_end = a.start
        item = ParsedItem(raw.number, "text", raw.section, _first_sentence(body[:title_end]), full_text, raw.ref,
                          raw.line)
        hits = self.dates(body)
        if label_units and self.ctx.first_unit_leads and not any(lead for _, lead in label_units):
            label_units[0] = (label_units[0][0], True)  # "第一责任单位为牵头单位，下同"
        if label_units or label_dates:
            # 003's blocks: one annotation for the whole item; 完成时间 lines come first
            pairs = label_units + [p for a in anns for p in a.units]
            item.lead_units, item.responsible_units = _units(pairs, self.table)
            label_dl, label_un = _deadlines(label_dates, "")
            for d in label_dl:
                d.what = item.title
            body_dl, body_un = _deadlines(hits, body)
            item.deadlines = label_dl + [d for d in body_dl if all(d.date != x.date for x in label_dl)]
            item.unresolved = label_un + [u for u in body_un if u not in label_un]
        elif len(anns) > 1:
            self._split_children(item, body, anns, hits)
        else:
            item.lead_units, item.responsible_units = _units(anns[0].units if anns else (), self.table)
            item.deadlines, item.unresolved = _deadlines(hits, body)
        return item

    def _split_children(self, item: ParsedItem, body: str, anns: list[Annotation], hits: list[DateHit]) -> None:
        """One sub-task per annotation; the parent gets the union of units and dates."""
        table = self.table
        number, ref, section, line, title = item.number, item.ref, item.section, item.line, item.title
        children = item.children
        all_pairs: list[tuple[str, bool]] = []
        last = len(anns)
        n_body = len(body)
        any_unresolved = False
        h_at, n_hits = 0, len(hits)
        s = 0  # a segment runs from the end of the annotation before to the end of its own
        i = 0
        for ann in anns:
            i += 1
            start, end, units = ann.start, ann.end, ann.units
            e = end if i < last else n_body  # text after the last annotation joins it
            seg_work = body[s:start]
            if i == 1 and len(seg_work) > len(title) + 2 and seg_work.startswith(title):
                seg_work = seg_work[len(title) :]
            leads, resp = _units(units, table)
            seg_hits = []  # the hits are in printed order: those of this segment are the next ones
            while h_at < n_hits and hits[h_at].start < e:
                h = hits[h_at]
                h_at += 1
                if h.start >= s:
                    seg_hits.append(h)
            if seg_hits:
                deadlines, unresolved = _deadlines(seg_hits, body)
                any_unresolved = any_unresolved or bool(unresolved)
            else:
                deadlines, unresolved = [], []
            children.append(ParsedItem(
                f"{number}-{i}" if number else str(i), "text", section, _first_sentence(seg_work) or title,
                body[s:e].strip(), f"{ref}-{i}", line, leads, resp, deadlines, unresolved,
            ))
            all_pairs += units
            s = end
        item.lead_units, item.responsible_units = _units(all_pairs, table)
        item.deadlines = _merge_deadlines([c.deadlines for c in children])
        if any_unresolved:
            item.unresolved = list(dict.fromkeys([u for c in children for u in c.unresolved]))

    def table_item(self, row: TableRow, table: Table, prefix: str, source: str = "table") -> ParsedItem:
        leads = split_table_units(row.lead, self.table)
        others = split_table_units(row.responsible, self.table)
        text = f"{row.task}\n{row.target}" if row.task and row.target else row.task or row.target
        title, category, indicator = table.title, row.category, row.indicator
        grouped = "" if table.named else indicator  # (a row's own 项目名称 names the task: no section of its own)
        if category or grouped:
            section = " / ".join([x for x in (title, category, grouped) if x])
        else:
            section = title
        item = ParsedItem(
            row.number, source, section, _first_sentence(row.name or row.task or row.target) or indicator,
            f"{row.name}\n{text}" if row.name and text else row.name or text,
            f"{prefix}{row.number}", row.line, category=category, indicator=indicator, target=row.target,
        )
        marked = marked_leads(row.responsible)  # `区教育局（牵头）`, `▲区教育局` in a 责任单位 cell
        if self.star_leads:
            marked |= star_marked(row.responsible)  # `*市发展改革委、市生态环境局`, where the plan says so
        if phrase := label_lead_phrase(row.responsible, self.ctx):
            pairs = [(u, True) for u in leads] + [p for p in phrase if p[0] not in leads]  # A牵头,B按职责分工负责
        else:
            pairs = [(u, True) for u in leads] + [(u, u in marked) for u in others]
        if not pairs and "lead" not in table.roles and "responsible" not in table.roles:
            # no unit column (a progress report's table): the units the task's text names, (牵头单位:…)
            # or after a label in the cell (`…15%以上。责任单位:市政府办公室、市财政局`), read as an item's
            # label lines are
            if ":" in text or "：" in text:
                lines = split_inline_labels(text).split("\n")
                if len(lines) > 1:
                    inner = self.text_item(RawItem(row.number, section, lines, row.line, item.ref))
                    item.title = inner.title or item.title
                    pairs = [(u.as_written, u in inner.lead_units) for u in inner.responsible_units]
            if not pairs:
                pairs = [p for a in find_annotations(text, self.ctx) for p in a.units]
        if pairs and not any(lead for _u, lead in pairs) and self.ctx.first_unit_leads:  # (a rule note marks no unit)
            pairs[0] = (pairs[0][0], True)
        item.lead_units, item.responsible_units = _units(pairs, self.table)
        if row.units_carried and item.responsible_units:
            self.carried.append(row.number)
        if row.deadline:
            hit = self._date_cells.get(row.deadline)  # a table repeats its date cells
            if hit is None:
                hit = self._date_cells[row.deadline] = parse_date_cell(row.deadline, self.year) or _NO_HIT
            if hit is not _NO_HIT and hit.dates:
                item.deadlines = [Deadline(d, hit.phrase, item.title, hit.recurring) for d in hit.dates]
            elif hit is not _NO_HIT:
                item.unresolved = [hit.phrase]  # 长期坚持, 持续推进: kept for a person to settle
        elif "deadline" in table.roles:
            self.warnings.append(f"表格序号{row.number}（第{row.line}行）没有时间进度。")
        else:
            # no 完成时限 column: the dates written in the task's own cells (`2021年2月底前，…`), or
            # in its 备注 (宣城 任务提示单: `推进中` / `11月底前完成`)
            item.deadlines, item.unresolved = _deadlines(self.dates(text), text)
            if not item.deadlines and row.remark and (hits := self.dates(row.remark)):
                item.deadlines = [Deadline(d, h.phrase, item.title, h.recurring) for h in hits for d in h.dates]
        return item


# a task's units first, then a colon and its text: `(一)各乡(镇)、居民事务中心:要将宣传工作部署到…`, `县公安局:负责…`
_UNITS_FIRST_MAX = 60
_NOT_IN_UNITS_FIRST_RE = re.compile(r"[。；;\n]")


def _units_first(line: str) -> tuple[list[str], str] | None:
    """The units a line opens with before a colon, and the text after it; None where what is before the
    colon is not a list of units (`工作目标:`, `主要任务:`)."""
    wide, half = line.find("：", 2, _UNITS_FIRST_MAX + 1), line.find(":", 2, _UNITS_FIRST_MAX + 1)
    if wide < 0 and half < 0:
        return None  # (most first lines)
    at = wide if half < 0 or 0 <= wide < half else half
    if at + 1 >= len(line) or line[at + 1].isspace() or _NOT_IN_UNITS_FIRST_RE.search(line, 0, at):
        return None
    units = unit_names(line[:at])
    return (units, line[at + 1 :]) if units else None


def _states_first_leads(line: str) -> bool:
    return "牵头" in line and FIRST_LEADS_RE.search(line) is not None  # every statement says 牵头


def _states_comma_leads(line: str) -> bool:
    return "牵头" in line and COMMA_LEADS_RE.search(line) is not None


def _item_warnings(items: list[ParsedItem], warnings: list[str]) -> None:
    with_units = [i for i in items if i.responsible_units]
    if items and not with_units:
        warnings.append(f"文中没有标注责任单位：{len(items)}项任务需手工分配单位。")
        return
    for it in items:
        if not it.responsible_units:
            warnings.append(f"{_item_label(it)}未标注责任单位。")
        elif not it.lead_units:
            warnings.append(no_lead_warning(it))


def _item_label(it: ParsedItem) -> str:
    if it.number and it.section:
        return f"“{it.section} {it.number}”"
    return f"“{it.number}、{it.title[:20]}”" if it.number else f"“{it.title[:20]}”"  # (a chapter that is a task)


def no_lead_warning(it: ParsedItem) -> str:
    """The warning of an item with units but no lead (the import drops it once the office marks one)."""
    return f"{_item_label(it)}未标注牵头单位。"


def _all_items(items: list[ParsedItem]) -> list[ParsedItem]:
    """Every item and sub-task, depth first, in document order (`ParsedPlan.walk`, without a
    generator per item)."""
    out: list[ParsedItem] = []

    def visit(level: list[ParsedItem]) -> None:
        for it in level:
            out.append(it)
            if it.children:
                visit(it.children)

    visit(items)
    return out


@contextmanager
def _cyclic_gc_paused() -> Iterator[None]:
    """A parse builds tens of thousands of small objects per megabyte, none of them in a reference
    cycle (reference counting frees them all): the cyclic collector's passes over them cost a
    quarter of the parse, more as the plan grows. Whatever cycle another thread makes meanwhile
    is collected once the parse is over."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if gc.get_freeze_count() == 0:
                # Re-enabled as is, the collector's next pass would walk every object the parse made
                # (a sixth of the parse again): they are the plan, long-lived, or freed by reference
                # counting. Handed straight to the oldest generation instead (what surviving two
                # passes would do), they are looked at only in its rare full passes. Not when the
                # process froze objects of its own (a pre-fork server): unfreeze would thaw them.
                gc.freeze()
                gc.unfreeze()
            gc.enable()


# a unit bracket the text ends in, never closed (菏泽: `…成功经验。(牵头单位:市发`): a page cut off there
_CUT_UNIT_BRACKET_RE = re.compile(r"[（(【〔\[][^（()）【】〔〕\[\]]{0,30}(?:单位|部门|牵头|负责)[^（()）【】〔〕\[\]]{0,40}$")


def _cut_unit_bracket(lines: list[str]) -> str | None:
    """The unit bracket the text's last line ends in, left open, or None."""
    last = next((t for t in reversed(lines) if t.strip()), "").strip()
    m = _CUT_UNIT_BRACKET_RE.search(last[-80:])
    return m.group() if m else None


def _numbered_before_unit_lines(printed: str, lines: list[str]) -> str | None:
    """``printed`` with each paragraph that a unit label line follows (`责任单位:A、B`) numbered `1.`, `2.` …,
    where there are two or more; None where there are fewer, or the lines do not match the text's."""
    raw = printed.split("\n")
    if len(raw) != len(lines):
        return None
    tasks: list[int] = []
    prev: int | None = None
    for k, line in enumerate(lines):
        t = line.strip()
        if not t:
            continue
        if prev is not None and (label := parse_label_line(t)) is not None and label_kind(label[0]) in ("lead", "other"):
            before = lines[prev].strip()
            if parse_label_line(before) is None and len(before) >= 6 and not NUMBERED_START_RE.match(before) \
                    and not CHAPTER_RE.match(before):
                tasks.append(prev)
        prev = k
    def task_label(line: str) -> bool:  # a record's task label (`具体任务`), its text on the lines after
        return line.strip().rstrip(":：") in TASK_FIELD_LABELS

    # (one is enough where the page labels it a task: a record one field a line, `具体任务` / `全面落实…`)
    if len(tasks) < 2 and not (tasks and task_label(raw[tasks[0]])):
        return None
    for n, k in enumerate(tasks, start=1):
        if task_label(raw[k]):  # its text is numbered, on the lines after
            raw[k], k = "", next(j for j in range(k + 1, len(raw)) if raw[j].strip())
        raw[k] = f"{n}.{raw[k].lstrip()}"
    return "\n".join(raw)


def parse_plan(
    text: str,
    *,
    year: int | None = None,
    filename: str = "",
    aliases: dict[str, str] | None = None,
    undated: bool = False,
) -> ParsedPlan:
    """`undated`: where no year can be found and some dates need one, leave those dates unresolved
    (with a warning) instead of raising `YearNeeded` — a preview that shows the tasks and asks for
    the year; an import asks for it first."""
    with _cyclic_gc_paused():
        return _parse_plan(text, year=year, filename=filename, aliases=aliases, undated=undated)


def _parse_plan(text: str, *, year: int | None, filename: str, aliases: dict[str, str] | None,
                undated: bool) -> ParsedPlan:
    text = drop_pinyin_glosses(text)
    simplified = to_simplified(text)
    printed = text
    if simplified is not None:
        text = simplified
    lines = normalise(text)
    if heading := _interpretation_heading(lines):
        raise ImportFailure(f"这是一篇政策解读（“{heading}”）：它介绍方案，但不含方案的任务。请导入方案正文或任务分解表。")
    paras = paragraphs(lines)
    outline = build_outline(paras)
    # what is not a table row, one line each (a title glued before a table shares its printed line)
    # (and paragraphs joined on one printed line by spaces, `layout.split_joined`: one line each)
    text_lines = [x for line in lines for x in (line.split("\n") if "\n" in line else (line,)) if "\t" not in x]
    meta, warnings = _extract_meta(text_lines, outline.notice)
    if simplified is not None:
        warnings.insert(0, "原文为繁体字：已转换为简体字识别，任务、单位名称和文号按简体字记录，请核对。")
    warnings += outline.warnings
    raw_items = select_items(outline)
    if len(raw_items) > 1 and not "".join(raw_items[-1].text_lines).strip() \
            and not any(t.strip() for t in lines[raw_items[-1].line :]):
        raw_items.pop()  # a bare number the page ends on (`2.`: cut off before its text), no task
    first_item_line = min([r.line for r in raw_items] + [p.line for p in outline.appendix if p.is_table_row]
                          + [len(lines) + 1])
    head = lines[: first_item_line - 1]
    if first_item_line <= len(lines) and "\t" in lines[first_item_line - 1]:
        head = head + [x for x in lines[first_item_line - 1].split("\n") if "\t" not in x]
    elif first_item_line <= len(lines) and "\n" in lines[first_item_line - 1]:
        # the plan's head joined with its first items on one printed line: the lines before its first chapter
        for x in lines[first_item_line - 1].split("\n"):
            if CHAPTER_RE.match(x) or NUMBERED_START_RE.match(x):
                break
            head.append(x)
    _decide_year(meta, year, raw_items, head, lines, warnings)
    year_unknown = meta.year_source == "unknown"
    if year_unknown:
        meta.year = _SENTINEL_YEAR  # dates that need the year will show it; see below
    if meta.issued_on and meta.issued_on.year < meta.year and meta.year_source != "override":
        warnings.append(f"发文日期{meta.issued_on.isoformat()}早于计划年份{meta.year}年，可能有误，请核对。")

    table = AliasTable(aliases)
    rule_line = next((no for no, t in enumerate(lines, start=1) if _states_first_leads(t)), None)
    comma_line = next((no for no, t in enumerate(lines, start=1) if _states_comma_leads(t)), None)
    ctx = RuleContext(table)
    star_leads = any(("*" in t or "＊" in t) and STAR_LEADS_RE.search(t) is not None for t in lines)
    builder = _ItemBuilder(table, ctx, meta.year, warnings, star_leads, meta.issued_on)
    items = []
    for r in raw_items:
        # a stated lead rule applies to the item that states it and to every later one
        ctx.first_unit_leads = rule_line is not None and (
            r.line >= rule_line or any(_states_first_leads(t) for t in r.text_lines))
        ctx.stated_here = rule_line is not None and r.line <= rule_line  # (the item that states it)
        ctx.comma_leads = comma_line is not None and (
            r.line >= comma_line or any(_states_comma_leads(t) for t in r.text_lines))
        items += builder.text_items(r)
    ctx.stated_here = False
    _share_closing_annotation(items)
    if any(not it.responsible_units and it.source == "text" for it in items) and _unit_column_header(lines[:200]):
        _bare_unit_lines(items, table)
    _heading_units(items, ctx)
    _item_warnings(items, warnings)
    tables, table_warnings = parse_tables(outline.appendix, looks_like_date_cell)
    warnings += table_warnings
    # Rows are kept apart from text items (source "table", 004's appendix); when the plan has no
    # text items, its table is the plan's own list and its rows are its items.
    source = "table" if items else "text"
    for k, t in enumerate(tables):
        prefix = "T" if k == 0 else f"T{k + 1}."
        for row in t.rows:
            # (the rule stated in the row's own unit cell: `县发改局、县经信局(…列第一位的为牵头单位,下同)`)
            ctx.first_unit_leads = rule_line is not None and (
                row.line >= rule_line or _states_first_leads(row.lead) or _states_first_leads(row.responsible))
            items.append(builder.table_item(row, t, prefix, source))
            if not items[-1].responsible_units and ("lead" in t.roles or "responsible" in t.roles):
                warnings.append(f"表格序号{row.number}（第{row.line}行）没有责任单位，请核对（页面或表格可能在此截断）。")
    if items and (cut := _cut_unit_bracket(lines)) is not None:
        warnings.append(f"文末的单位括号没有闭合（“{cut}”）：页面或文件可能在此截断，最后一项的单位可能不全，请核对。")
    if builder.carried:
        warnings.append(f"表格序号{'、'.join(builder.carried)}没有单位单元格，按合并单元格沿用了上一行的单位，请核对。")
    if not any(it.responsible_units for it in _all_items(items)) and (report := _report_heading(lines)):
        # numbered achievements or problems, no unit named: what was done, not tasks to assign
        raise ImportFailure(f"这是一篇工作报告或通报（“{report}”）：它报告工作情况，文中没有分配给单位的任务。"
                            "请导入方案正文或任务分解表。")
    if not items and (numbered := _numbered_before_unit_lines(printed, lines)) is not None:
        # no numbered item anywhere, but paragraphs each followed by its 责任单位 line: those are the tasks,
        # numbered in their order (a news reprint of a 责任分解: 加快推进…改革。 / 责任单位:A、B)
        plan = _parse_plan(numbered, year=year, filename=filename, aliases=aliases, undated=undated)
        found = len(plan.items)
        plan.warnings.insert(0, f"原文的任务没有编号：按每段之后的单位行识别出{found}项任务，"
                                + (f"按顺序编号为1—{found}" if found > 1 else "编号为1") + "，请核对。")
        return plan
    if not items:
        raise ImportFailure("未识别出任何工作任务：请确认文件是工作方案/工作要点正文（含“一、”“（一）”“1.”等编号或任务表格）。")
    if year_unknown:
        needing = [d.phrase for it in _all_items(items) for d in it.deadlines if d.date.year == _SENTINEL_YEAR]
        meta.year, meta.year_source = datetime.date.today().year, "today"
        if needing and not undated:
            raise YearNeeded(
                "未能确定计划年份：标题、文号、发文日期和任务中都没有写明年份，而文中的“"
                + "”“".join(dict.fromkeys(needing[:3]))
                + "”等时间需要年份才能换算成日期。请指定计划年度（命令行用 --year，网页导入时填写“计划年度”）。"
            )
        if needing:
            for it in _all_items(items):
                it.unresolved += [d.phrase for d in it.deadlines if d.date.year == _SENTINEL_YEAR]
                it.deadlines = [d for d in it.deadlines if d.date.year != _SENTINEL_YEAR]
            warnings.append(
                "未能确定计划年份：标题、文号、发文日期和任务中都没有写明年份，文中的“" + "”“".join(dict.fromkeys(needing[:3]))
                + "”等时间未换算成日期。导入前请指定计划年度（命令行用 --year，网页导入时填写“计划年度”）。")
        else:
            warnings.append(f"未能从文中确定计划年份：暂按今年（{meta.year}）计（文中没有需要年份换算的时间），可另行指定计划年度（网页导入时修改“计划年度”，命令行用 --year）。")

    _drop_unit_cut_off(items, lines)
    if meta.year_source not in ("today", "override"):  # (a year the office gives: its dates are as written)
        _past_dates_unresolved(items, meta.year)
    if simplified is not None:
        _as_printed(items, printed, simplified)
    if "<" in printed and ">" in printed:
        _angles_as_printed(items, printed)
    unknown: dict[str, None] = {}
    for it in _all_items(items):
        for u in it.responsible_units:
            if not u.known:
                unknown.setdefault(u.name)
    skipped = [(p.line, p.text) for p in outline.skipped()]
    if skipped:
        warnings.append(f"有{len(skipped)}段文字像是任务（有编号或写明了单位），但未能识别为任务，已列在“未识别的段落”中，请核对。")
    return ParsedPlan(meta=meta, items=items, warnings=warnings, unknown_units=list(unknown), filename=filename,
                      skipped=skipped)
