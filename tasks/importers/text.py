"""Text normalisation: decoding, conversion debris, spacing, page-break rejoining.

The text is kept as printed (full-width brackets stay full-width); only what a converter
or a page break added is removed. Matching code accepts both widths instead.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from .errors import ImportFailure
from .labels import FIELD_LABELS, LINE_START_LABEL_RE, TASK_FIELD_LABELS, UNIT_FIELD_LABELS
from .units import ends_like_unit, unit_names

# `[bookmark: _GoBack]`, `[image: …]` and similar markers left by docx→text converters.
_DEBRIS_RE = re.compile(r"\[(?:bookmark|image|anchor|footnote|comment)[^\]]*\]", re.IGNORECASE)
_DEBRIS_LINES_RE = re.compile(r"\[(?:bookmark|image|anchor|footnote|comment)[^\]\n]*\]", re.IGNORECASE)  # (within a line)
_MARKDOWN_RE = re.compile(r"\*\*|__")
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef\u2014\u2018\u2019\u201c\u201d\u2026"
# Spaces next to a CJK character are typesetting, not meaning (`改 革`, `2019 年`, `6 月底前`).
# Each pattern opens with the space (or space class) every match starts with, consumed, and checks
# the character before it by a look-behind over both: a pattern that opens with a character (not a
# look-ahead) lets the engine jump from space to space instead of trying every position.
# `_CJK_SPACE_RE` = `(?<=[CJK])[ \t\u00a0]+|[ \u00a0]+(?=[CJK])`, `_CJK_SPACE_ONLY_RE` = the same
# with spaces only, `_DIGIT_SPACE_RE` = `(?<=\d) +(?=[年月日号天%])|(?<=[年月]) +(?=\d)`.
_CJK_SPACE_RE = re.compile(
    rf"[ \t\u00a0](?:(?<=[{_CJK}][ \t\u00a0])[ \t\u00a0]*|(?<=[ \u00a0])[ \u00a0]*(?=[{_CJK}]))")
_CJK_SPACE_ONLY_RE = re.compile(rf" (?:(?<=[{_CJK}] ) *| *(?=[{_CJK}]))")
_DIGIT_SPACE_RE = re.compile(r" (?:(?<=\d ) *(?=[年月日号天%])|(?<=[年月] ) *(?=\d))")
_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_ODD_CHAR_RE = re.compile("[０-９\u3000\u00a0\ufeff\u200b]")
# the same characters, looked for in a whole text one by one with `in` (a scan for each that the
# machine does a word at a time) rather than by the class tried at every character: cheaper once
# the text is long (a line is looked at by the pattern)
_ODD_CHARS = tuple("０１２３４５６７８９\u3000\u00a0\ufeff\u200b")
_ODD_SCAN_MIN = 1000

# A line ending in one of these closes its paragraph; anything else may continue after a page break.
_TERMINAL = "。！？；：:!?;】」』"
# what closes an item's number (`1.`, `1、`): not a decimal point (`1.5`), a list of numbers (`1、2、3`) or a
# span of months (`3、4月份`) — `1、1路公交车` is item 1
ITEM_MARK = r"\s*(?:[.．。](?!\d)|、(?!\d{1,3}[、.．]|\d{1,2}月))"
HEADING_RE = re.compile(rf"^(?:[一二三四五六七八九十]{{1,3}}、|[（(]\s*[一二三四五六七八九十]{{1,3}}\s*[）)]|\d{{1,3}}{ITEM_MARK})")
LABEL_RE = LINE_START_LABEL_RE
# 001's 职责分工 paragraphs start with their unit: a new paragraph, never a continuation.
_SUBJECT_START_RE = re.compile(r"^(?:省|市|区|县|其他)[^，。,；\s]{1,20}?(?:负责|会同|根据)")
_DATE_LINE_RE = re.compile(r"^\d{4}年\d{1,2}月\d{1,2}日$")
_ANY_PUNCT_RE = re.compile(r"[。，,；;：:！？、]")
# lines that end a paragraph of their own, whatever their length: a document's title (a web page
# prints it with no blank line kept before the next), and the line a covering notice opens with,
# its addressees (各街道办事处、乡人民政府，区人民政府各部门：)
_DOC_TITLE_RE = re.compile(r"(?:的通知|工作要点|实施方案|实施意见|行动方案|行动计划|分解方案|分工方案)$")
_ADDRESSEE_LINE_RE = re.compile(r"^各[^。！？]{2,150}[:：]$")
ATTACHMENT_RE = re.compile(r"^附\s*件\s*[0-9一二三四五六七八九十]*\s*[:：]?")


@dataclass
class Para:
    text: str
    line: int  # 1-based line number of the first line in the decoded text
    is_table_row: bool = False


def decode_bytes(data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (a superset of GBK)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ImportFailure("无法识别文件编码：请另存为 UTF-8 或 GBK 编码的文本文件后再导入。") from exc


# A mainland plan copied by a mirror site in traditional characters (牽頭單位, 責任單位, 州政發〔2020〕5號):
# its labels, unit names and 文号 are read once it is in simplified characters, which OpenCC's
# t2s (characters and phrases) gives. Whether a text is traditional is told by its head: where
# converting the first `_PROBE_CHARS` characters changes at least `_TRADITIONAL_MIN` of them and
# one in 50 of their CJK characters (a traditional text changes one in four or five; a simplified
# one, quoting a 臺灣 name, a handful at most), the whole text is converted.
_PROBE_CHARS = 4000
_TRADITIONAL_MIN = 3
_CJK_CHAR_RE = re.compile("[\u4e00-\u9fff]")
# characters of traditional script only, common in any plan: a head with none of them is not
# converted (nor is OpenCC loaded)
_TRADITIONAL_HINT_RE = re.compile("[們個來這為與單責頭區縣發會國務實關時經業進設機門導項點開對動現體標應據構協場農產環號劃計義價網數財稅電見車長間級處員]")
_t2s: list[Any] = []  # OpenCC's converter, made at the first head with a traditional-only character (it loads its dictionaries)


def to_simplified(text: str) -> str | None:
    """``text`` in simplified characters when it is printed in traditional ones, else None."""
    probe = text[:_PROBE_CHARS]
    if not _TRADITIONAL_HINT_RE.search(probe):
        return None
    if not _t2s:
        import opencc

        _t2s.append(opencc.OpenCC("t2s"))
    converter = _t2s[0]
    converted = converter.convert(probe)
    # (t2s keeps the length, but for a rare phrase: the characters compared where they stand)
    changed = sum(1 for a, b in zip(probe, converted, strict=False) if a != b) if converted != probe else 0
    if changed < _TRADITIONAL_MIN or changed * 50 < len(_CJK_CHAR_RE.findall(probe)):
        return None
    return converted if len(text) <= _PROBE_CHARS else converter.convert(text)


def _light_clean(line: str, debris: re.Pattern = _DEBRIS_RE) -> str:
    """What never carries meaning: converter debris, markdown bold, odd spaces, full-width digits."""
    # each step only where its characters are: most lines have none of them
    if "[" in line:
        line = debris.sub("", line)
    if "**" in line or "__" in line:
        line = _MARKDOWN_RE.sub("", line)
    if any(c in line for c in _ODD_CHARS) if len(line) >= _ODD_SCAN_MIN else _ODD_CHAR_RE.search(line):
        line = line.translate(_FULLWIDTH_DIGITS).replace("\u3000", " ").replace("\u00a0", " ")
        line = line.replace("\ufeff", "").replace("\u200b", "")
    return line


# a mirror site's pinyin after a character (`區(qū)發(fā)改局`): no part of the name
_TONES = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
_TONE_MARK_RE = re.compile(f"[{_TONES}]")
_PINYIN_GLOSS_RE = re.compile(f"[（(][a-zü]*[{_TONES}][a-zü{_TONES}]*[）)]")


def drop_pinyin_glosses(text: str) -> str:
    """``text`` without a mirror site's pinyin glosses (`區(qū)發(fā)改局` → `區發改局`), before anything
    else reads it (the traditional characters' conversion keeps the printed ones by position)."""
    return _PINYIN_GLOSS_RE.sub("", text) if _TONE_MARK_RE.search(text) else text


_ANGLE_RE = re.compile(r"[《〈〉》\n]")


def _angle_brackets(text: str) -> str:
    """`各区人民政府〈含开发区、风景区〉` → `各区人民政府（含开发区、风景区）`: angle brackets outside a 《title》
    are parentheses (inside one, `《关于印发〈某某要点〉的通知》`, they mark the title within)."""
    out = list(text)
    titles = 0
    for m in _ANGLE_RE.finditer(text):
        ch = m.group()
        if ch == "\n":
            titles = 0  # (a title left open at a line's end closes there)
        elif ch == "《":
            titles += 1
        elif ch == "》":
            titles = max(0, titles - 1)
        elif not titles:
            out[m.start()] = "（" if ch == "〈" else "）"
    return "".join(out)


# a page's picture by its file name alone on a line (`640.webp.jpg`): read as item 640, it was listed
# among the paragraphs that look like tasks
_EDITOR_LINE_RE = re.compile(r"[ \t\u3000]*[（(\[【]?\s*(?:责任编辑|编辑|审核|一审|二审|三审|终审|校对)\s*[:：][^。；;]{0,60}?"
                             r"[）)\]】]?[ \t\u3000]*")
_IMAGE_LINE_RE = re.compile(r"[ \t]*[\w.-]{1,80}\.(?:jpe?g|png|gif|webp|bmp)[ \t]*", re.IGNORECASE)
_IMAGE_ENDS = frozenset({".jpg", "jpeg", ".png", ".gif", "webp", ".bmp"})


# `各区县政府<南太湖新区、长合区管委会>`: ASCII angle brackets round Chinese words are parentheses
# (not a comparison, `浓度<35微克/立方米，优良天数比例>85%`: a number after `<`, a clause inside;
# nor an HTML tag, which has no Chinese)
_ASCII_ANGLE_RE = re.compile(r"<([\u4e00-\u9fff][^<>\n，,。；;]{0,40})>")


def _ascii_angles(m: re.Match[str]) -> str:
    """`<…>` as parentheses, but inside a 《title》 (`《2025年县<政府工作报告>任务分解》`: a title within)."""
    line_start = m.string.rfind("\n", 0, m.start()) + 1
    before = m.string[line_start : m.start()]
    return m.group() if before.count("《") > before.count("》") else f"（{m.group(1)}）"


def _light_clean_text(text: str) -> str:
    """`_light_clean` of every line of ``text`` at once (each step is local to a line; the debris
    pattern is the one anchored per line)."""
    return _light_clean(text, _DEBRIS_LINES_RE)


def clean_line(line: str, light: bool = True) -> str:
    """One physical line, cleaned. Table rows (tab-separated) keep in-cell spaces. ``light=False``:
    the line is known to need no `_light_clean` (already applied, and nothing for it to do again)."""
    if "\n" in line:  # several table rows glued on one printed line (layout.tabulate)
        return "\n".join(clean_line(row, light) for row in line.split("\n"))
    if light:
        line = _light_clean(line)
    if " " in line:
        line = _DIGIT_SPACE_RE.sub("", line)
    if "\t" in line:
        # Keep the spaces inside cells (they separate units); only drop them around digits.
        return "\t".join(c.strip() for c in line.rstrip().split("\t"))
    line = line.strip()
    if " " in line:
        # no tab here, and no-break spaces are plain spaces by now: `_CJK_SPACE_RE` finds what the
        # spaces-only pattern finds (which the engine searches for faster)
        line = _CJK_SPACE_ONLY_RE.sub("", line)
    return line


def squeeze_cjk_spaces(text: str) -> str:
    """Remove spaces that sit next to a CJK character (used on table cells that are prose)."""
    return (_CJK_SPACE_ONLY_RE.sub("", text) if " " in text else text).strip()


# a `?` that stands for a no-break space lost in a GBK round trip (a mirror page): at a line's or a
# cell's end, or after a space (`序号? | 重点工作? |`, `沈 ?昱`), or a paragraph's indent (`??一、…`, two
# full-width spaces)
_LOST_SPACE_RE = re.compile(r"\?(?=[ \t|]|$)|(?<=[ \t])\?|^\?{1,4}", re.MULTILINE)


def _spaces_lost_as_question_marks(text: str) -> str:
    """``text`` with its `?` made spaces where nearly every one stands where a space would (three or
    more, and four in five of them there): a question in a plan is asked with `？`."""
    total = text.count("?")
    if total < 3:
        return text
    lost = sum(map(len, _LOST_SPACE_RE.findall(text)))
    return text.replace("?", " ") if lost * 5 >= total * 4 else text


# a chapter's heading with its first section run onto its line (a republished copy lost the break)
_CHAPTER_THEN_SECTION_RE = re.compile(r"[一二三四五六七八九十]{1,3}、[^。；;：:（()）\n\t|]{2,40}?(?=[（(]一[）)]\S)")


# a unit label for one level of government: `省牵头单位:省大数据局` / `市牵头单位:市数据局` (a city's plan that
# names the province's counterpart of each task too)
_LEVEL_LABEL_RE = re.compile(r"^([ \t\u3000]*)([省市州县区])((?:牵头|责任|配合|协同|协办|主办|参与)(?:单位|部门))(\s*[:：])",
                             re.MULTILINE)
_LEVEL_RANK = {"省": 0, "市": 1, "州": 1, "县": 2, "区": 2}


def _own_level_labels(text: str) -> str:
    """Of unit labels for several levels, the lowest level's are the plan's own: read as plain labels
    (`市牵头单位:` → `牵头单位:`); the higher levels' (`省牵头单位:`) stay text, no unit of this plan's."""
    levels = {m.group(2) for m in _LEVEL_LABEL_RE.finditer(text)}
    if not levels:
        return text
    own = max(_LEVEL_RANK[x] for x in levels)
    return _LEVEL_LABEL_RE.sub(lambda m: f"{m.group(1)}{m.group(3)}{m.group(4)}" if _LEVEL_RANK[m.group(2)] == own
                               else m.group(0), text)


# a two-column record printed `label: | value |` (广州 重点工作落实情况, one task a page: `重点工作: | 135.统筹… |` /
# `牵头单位: | 市城市管理综合执法局 |`): label lines
_LABEL_CELL_RE = re.compile(r"[:：][ \t\u3000]*\|")  # (what the record's rows have and few pages do)
_LABEL_RECORD_RE = re.compile(r"^[ \t\u3000|]*([^|:：\n]{2,24}[:：])[ \t\u3000]*\|[ \t\u3000]*([^|\n]*?)[ \t\u3000|]*$",
                              re.MULTILINE)
# the record's task, its number first (`重点工作: | 135.统筹…`): the item itself
_RECORD_TASK_RE = re.compile(r"(?:重点工作|工作任务|主要任务|重点任务|目标任务|任务)[:：]$")
_RECORD_NUMBER_RE = re.compile(rf"\d{{1,3}}{ITEM_MARK}")


def _label_record(m: re.Match[str]) -> str:
    label, value = m.group(1), m.group(2)
    if _RECORD_TASK_RE.search(label) and _RECORD_NUMBER_RE.match(value):
        return value
    return f"{label}{value}"


# a record printed one field a line, each label alone on its line (同心县 政府工作报告 任务分解, one task a
# page: `具体任务` / `全面落实…。` / `责任单位` / `卫健局、文旅局` / `配合单位` / `各乡镇` / `完成时限` / `…1月底前完成`)
_FIELD_LABEL_ALONE_RE = re.compile(r"[ \t\u3000]*(\S{2,8}?)[ \t\u3000]*[:：]?[ \t\u3000]*$")
_FIELD_VALUE_LINES = 6  # a field's value is at most so many lines (a task wrapped by the page)


def field_records(lines: list[str]) -> list[str] | None:
    """``lines`` with each record printed one field a line made label lines: `责任单位` / `卫健局、文旅局` →
    `责任单位:卫健局、文旅局` (the value's lines left blank, so that the lines keep their count); the task's
    field is its text alone (`具体任务` / `全面落实…` → `全面落实…`), the task of the label lines after it.
    A record is two fields or more in a row, one of them a unit's, each label followed by its value (a
    table's header, its labels one after another, is none). None where there is no such record."""
    labels = [(k, m.group(1)) for k, line in enumerate(lines)
              if len(line) <= 14 and (m := _FIELD_LABEL_ALONE_RE.match(line)) and m.group(1) in FIELD_LABELS]
    if len(labels) < 2:
        return None
    # (the label's line, its word, its value's lines and text; no lines where the value is no field's)
    fields: list[tuple[int, str, list[int], str]] = []
    for n, (k, word) in enumerate(labels):
        if n + 1 < len(labels):
            value = [j for j in range(k + 1, labels[n + 1][0]) if lines[j].strip()]
        else:  # (after the last label: its value is the first paragraph, up to a blank line)
            value = []
            for j in range(k + 1, min(len(lines), k + 1 + _FIELD_VALUE_LINES)):
                if not lines[j].strip():
                    if value:
                        break
                    continue
                value.append(j)
        text = "".join(lines[j].strip() for j in value)
        # (a value is text, not a table's cell marks or row number: `|`, `1`; a unit field's names units — a
        # header's next word does not, `重点工作` / `区本级` / `任务数` / `责任单位` / `1`)
        whole = 0 < len(value) <= _FIELD_VALUE_LINES and not any("|" in lines[j] or "\t" in lines[j] for j in value) \
            and not text.isdigit() and (word not in UNIT_FIELD_LABELS or bool(unit_names(text)))
        fields.append((k, word, value, text) if whole else (k, word, [], ""))
    out = list(lines)
    changed = False
    run: list[tuple[int, str, list[int], str]] = []
    for field in [*fields, (-1, "", [], "")]:  # (a sentinel closes the last run)
        if field[2] and (not run or run[-1][2][-1] < field[0]):
            run.append(field)
            continue
        if len(run) >= 2 and any(word in UNIT_FIELD_LABELS for _k, word, _value, _text in run):
            for k, word, value, text in run:
                out[k] = text if word in TASK_FIELD_LABELS else f"{word}:{text}"
                for j in value:
                    out[j] = ""
            changed = True
        run = [field] if field[2] else []
    return out if changed else None


def normalise(text: str) -> list[str]:
    """Decoded text → cleaned physical lines (same count and order as the input lines)."""
    from .layout import (  # layout reads tables.py, which reads this module
        JOINED_MIN,
        split_inline_labels,
        split_joined,
        tabulate,
    )

    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    if "?" in text:
        text = _spaces_lost_as_question_marks(text)
    if "﹒" in text:  # a repost's small full stop after an item's number (1﹒全省生产总值…)
        text = text.replace("﹒", ".")
    if "〈" in text:
        text = _angle_brackets(text)
    if "<" in text and ">" in text:
        text = _ASCII_ANGLE_RE.sub(_ascii_angles, text)
    text = _light_clean_text(text)
    if "|" in text and _LABEL_CELL_RE.search(text):
        text = _LABEL_RECORD_RE.sub(_label_record, text)
    if "单位" in text or "部门" in text:
        text = _own_level_labels(text)
    # Cleaned again line by line only if the rewriting of tables (which moves and glues text, and
    # adds only tabs, newlines, spaces and 、) could have made something for `_light_clean` to do:
    # a debris bracket or markdown glued from two pieces. The odd characters are all gone.
    again = "[" in text or "*" in text or "_" in text
    out = []
    raw = text.split("\n")
    # (a cheap look first: a unit label's last word at a line's end)
    if ("单位\n" in text or "部门\n" in text or "单位:\n" in text or "单位：\n" in text) \
            and (records := field_records(raw)) is not None:
        raw = records
    images = ".jp" in text or ".png" in text or ".gif" in text or ".webp" in text  # a picture's file name
    editors = "编辑" in text or "审:" in text or "审：" in text
    for line in tabulate(raw):  # (the calls below made only where they have work)
        if images and line[-4:].lower() in _IMAGE_ENDS and _IMAGE_LINE_RE.fullmatch(line):
            line = ""
        if editors and ("编" in line or "审" in line) and _EDITOR_LINE_RE.fullmatch(line):
            line = ""  # the page's editors (`(编辑:谭茜 二审:唐成 终审:阮班新)`): no task's text
        if line[:1] in "一二三四五六七八九十" and (m := _CHAPTER_THEN_SECTION_RE.match(line)) is not None:
            line = f"{line[: m.end()]}\n{line[m.end() :]}"  # 一、依法全面履行政府职能(一)依法依规…: two lines
        if len(line) >= JOINED_MIN and (" " in line or "\u3000" in line) and "\n" not in line:
            line = split_joined(line)  # paragraphs joined by spaces: one line each
            if "\n" in line and (":" in line or "：" in line):
                line = "\n".join(split_inline_labels(part) for part in line.split("\n"))
        if "\n" not in line and (":" in line or "：" in line):
            line = split_inline_labels(line)
        if again or "\n" in line or " " in line or "\t" in line:
            line = clean_line(line, again)
        else:
            line = line.strip()  # what `clean_line` does to such a line
        out.append(line)
    return out


_ARTICLE_START_RE = re.compile(r"第\s*[一二三四五六七八九十百零〇]{1,5}\s*[条章]")


_LIST_SEP_RE = re.compile(r"[、,，;；:：]")
# a bracket that closes a paragraph with its units by label: `。(牵头单位:市司法局;责任单位:市数据局)`
_CLOSING_UNITS_RE = re.compile(r"[。；;][（(【〔\[](?:牵头|责任|配合|协同|主办)(?:单位|部门)[:：][^（）()【】〔〕\[\]]*[）)】〕\]]$")


def _unit_name_wrapped(label_line: str, nxt: str) -> bool:
    """A label's unit list hard-wrapped in the middle of a name: `协办单位:区委编办、园区党工` / `委、各街道党工委`
    (the last name ends like no unit, the name with the next line's first piece does)."""
    last = _LIST_SEP_RE.split(label_line)[-1].strip()
    first = _LIST_SEP_RE.split(nxt, maxsplit=1)[0].strip()
    return bool(last) and 0 < len(first) <= 8 and not ends_like_unit(last) and ends_like_unit(last + first)


def _continues(prev: str, nxt: str) -> bool:
    """Does `nxt` continue the paragraph `prev` that a page break (or hard wrap) cut?"""
    if not prev or not nxt or prev[-1] in _TERMINAL:
        return False
    if HEADING_RE.match(nxt) or LABEL_RE.match(nxt):
        return False
    if LABEL_RE.match(prev):
        return _unit_name_wrapped(prev, nxt)
    if nxt.startswith(("——", "附件", "附：")) or _SUBJECT_START_RE.match(nxt) or _DATE_LINE_RE.match(nxt):
        return False
    if nxt[:1] == "第" and _ARTICLE_START_RE.match(nxt):
        return False  # an article of a 若干规定 (第三条 …), after one closed by its unit bracket
    if nxt[-1] in ":：" and _ADDRESSEE_LINE_RE.match(nxt) or _DOC_TITLE_RE.search(prev) and not _ANY_PUNCT_RE.search(prev):
        return False
    if prev[-1] in "）)】〕]" and len(nxt) <= 25 and not _ANY_PUNCT_RE.search(nxt):
        return False  # a closed annotation, then a signature line: `…（市X局牵头）` / `某市人民政府办公室`
    if prev[-1] in "）)】〕]" and _CLOSING_UNITS_RE.search(prev):
        return False  # a paragraph closed by its units' bracket (`…。(牵头单位:A;责任单位:B)`): whole
    if HEADING_RE.match(prev):
        return "。" in prev  # the heading's body has started on its line (004 item 17)
    return len(prev) >= 30  # short unpunctuated lines are titles, signatures, labels


def paragraphs(lines: list[str]) -> list[Para]:
    """Join lines split by page breaks; drop blank lines. Table rows stay one per line."""
    out: list[Para] = []
    for no, physical in enumerate(lines, start=1):
        if not physical or physical.isspace():  # (blank: `not physical.strip()`, without the copy)
            continue
        if "\t" in physical:  # table rows (and a title glued before them, which has no tab)
            for row in physical.split("\n"):
                if "\t" in row:
                    out.append(Para(row, no, is_table_row=True))
                elif row.strip():
                    out.append(Para(row, no))
            continue
        for line in physical.split("\n") if "\n" in physical else (physical,):  # inline labels: lines of their own
            if not line:
                continue
            # (`_continues` says no at once to a paragraph that ends in 。: asked only about the others)
            if out and not out[-1].is_table_row and out[-1].text[-1:] not in _TERMINAL and _continues(out[-1].text, line):
                out[-1].text += line
                continue
            out.append(Para(line, no))
    return out
