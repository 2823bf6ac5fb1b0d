"""Streaming .xlsx writing for the large exports: xlsxwriter in `constant_memory` mode.

openpyxl's write-only mode spent twice the time of xlsxwriter on the 50,000-row task list (a cell
object, a style lookup and a row-dimension object per cell or row), so the exports that only write
use xlsxwriter, which keeps one row in memory and streams the rest to a temporary file. openpyxl
stays the reader (the breakdown import) and the writer of the small 督查通报.

The look is still defined once, by the openpyxl style objects and `setup_print` of
`tasks.supervision.report`: `cell_format` and `apply_print_setup` translate what those helpers set
on a scratch openpyxl cell and sheet, so the export and the 通报 cannot drift apart.

Every cell of text goes through `write_row` (`write_text` for one): `safe_value` quotes text that
a spreadsheet would evaluate (OWASP's prefix rule), and `write_string` stores it as a string
whatever it starts with — xlsxwriter's generic `write()` would turn "=…" into a formula and
"http…" into a link, so it is never used for text here (the workbook is opened with both
conversions off as well).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import IO, Any

import xlsxwriter
from openpyxl import Workbook as ScratchWorkbook
from openpyxl.cell import Cell
from openpyxl.utils import column_index_from_string
from openpyxl.worksheet.worksheet import Worksheet as ScratchSheet
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from reformtracker.xlsx import safe_value

OPTIONS = {
    "constant_memory": True,
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class StreamingSheet(Worksheet):
    """A constant-memory sheet whose memory stays flat with per-row heights too.

    constant_memory writes each row out and forgets its cells, but `set_row` also records the row's
    height in two dicts that live until the workbook closes (about 300 bytes a row, 17 MB for
    50,000 rows): a row's record is dropped once the row is on disk."""

    def _write_single_row(self, current_row_num: int = 0) -> None:
        done = self.previous_row
        super()._write_single_row(current_row_num)
        self.row_info.pop(done, None)
        self.row_sizes.pop(done, None)


def streaming_workbook(fileobj: IO[bytes] | str) -> xlsxwriter.Workbook:
    return xlsxwriter.Workbook(fileobj, OPTIONS)


def add_sheet(wb: xlsxwriter.Workbook, name: str) -> StreamingSheet:
    return wb.add_worksheet(name, worksheet_class=StreamingSheet)


def write_text(ws: Worksheet, row: int, col: int, value: Any, fmt: Format | None = None) -> None:
    """A text cell (0-based row and column); None and "" write a formatted blank, as openpyxl did."""
    write_row(ws, row, [value], [fmt], first_col=col)


def write_row(ws: Worksheet, row: int, values: Sequence[Any], formats: Sequence[Format | None], *,
              first_col: int = 0) -> None:
    """A row of text cells, each with its format: the one loop through which every text cell is written
    (50,000 rows × 10 cells, so the methods are looked up once). It calls xlsxwriter's undecorated
    writers: row and column are numbers here, and the public methods' A1-notation wrapper
    (`convert_cell_args`) cost a tenth of the export's time converting nothing."""
    write_string, write_blank = ws._write_string, ws._write_blank
    for col, (value, fmt) in enumerate(zip(values, formats, strict=True), start=first_col):
        text = value if type(value) is str else "" if value is None else str(value)
        if text:
            write_string(row, col, safe_value(text), fmt)
        elif fmt is not None:
            write_blank(row, col, None, fmt)


def row_pixels(points: float) -> float:
    """`set_row_pixels` argument for a height in points, stored back as exactly `points`.

    `set_row` rounds to whole pixels (18.5 pt would become 18.75); xlsxwriter writes pixels × 0.75,
    and for heights in half points (what `report.row_height` returns) points / 0.75 × 0.75 is exact."""
    return points / 0.75


def row_height_of(widths: Sequence[float], *, line_points: float = 13.5) -> Callable[[Sequence[Any]], float]:
    """`report.row_height(values, columns)` for columns of these widths, fast enough for 50,000 rows.

    The same figure (tests/tasks/test_breakdown_export.py holds them equal), computed with each
    column's usable width worked out once and no measuring of a cell that cannot need more lines
    than the row has — most cells: a character counts at most 2.5 digit-widths (4 UTF-8 bytes, a
    rare CJK character beyond the basic plane), so `2.5 × len` bounds the display width."""
    usable = [max(w - 1.5, 1) for w in widths]

    def height(values: Sequence[Any]) -> float:
        lines = 1
        for value, room in zip(values, usable, strict=False):
            if not value or not isinstance(value, str):
                continue
            if "\n" in value:
                n = sum(max(1, math.ceil(_display_width(part) / room)) for part in value.split("\n"))
            elif 5 * len(value) <= 2 * lines * room:
                continue  # fits on the lines the row already has
            else:
                n = math.ceil(_display_width(value) / room)
            if n > lines:
                lines = n
        return round(lines * line_points + 5, 1)

    return height


def _display_width(text: str) -> int:
    # as report._display_width: CJK is two digit-widths, UTF-8 spends 3 bytes on it and 1 on ASCII
    return (len(text.encode("utf-8")) + len(text)) // 2


# --- the look, from the openpyxl helpers ------------------------------------------------------

_scratch: ScratchSheet | None = None


def _scratch_sheet() -> ScratchSheet:
    global _scratch
    if _scratch is None:
        _scratch = ScratchWorkbook().active
    return _scratch


def _rgb(color) -> str | None:
    rgb = getattr(color, "rgb", None)
    return f"#{rgb[-6:]}" if isinstance(rgb, str) else None


def cell_format(wb: xlsxwriter.Workbook, *stylers: Callable[[Cell], None]) -> Format:
    """The xlsxwriter format of an openpyxl cell styled by `stylers` (each sets fonts, fills …)."""
    cell = Cell(_scratch_sheet())
    for style in stylers:
        style(cell)
    props: dict[str, Any] = {}
    font = cell.font
    size = float(font.sz)
    props.update(font_name=font.name, font_size=int(size) if size.is_integer() else size, bold=bool(font.b),
                 italic=bool(font.i))
    if _rgb(font.color) and font.color.type == "rgb":
        props["font_color"] = _rgb(font.color)
    if cell.fill.fill_type == "solid":
        props.update(pattern=1, bg_color=_rgb(cell.fill.fgColor))
    sides = {"left": cell.border.left, "right": cell.border.right, "top": cell.border.top,
             "bottom": cell.border.bottom}
    for name, side in sides.items():
        if side is not None and side.style:
            props[name] = _BORDERS[side.style]
            if _rgb(side.color):
                props[f"{name}_color"] = _rgb(side.color)
    a = cell.alignment
    if a.horizontal:
        props["align"] = a.horizontal
    if a.vertical:
        props["valign"] = "vcenter" if a.vertical == "center" else a.vertical
    if a.wrap_text:
        props["text_wrap"] = True
    if cell.number_format != "General":
        props["num_format"] = cell.number_format
    return wb.add_format(props)


def styled(**attrs: Any) -> Callable[[Cell], None]:
    """A styler for `cell_format` that sets openpyxl cell attributes (font=…, fill=…, alignment=…)."""
    def style(cell: Cell) -> None:
        for name, value in attrs.items():
            setattr(cell, name, value)
    return style


_BORDERS = {"thin": 1, "medium": 2, "dashed": 3, "dotted": 4, "thick": 5, "double": 6, "hair": 7}


def apply_print_setup(ws: Worksheet, setup: Callable[[ScratchSheet], None], *, hidden: Sequence[int] = (),
                      widths: dict[int, float] | None = None) -> None:
    """Column widths, frozen panes, page set-up, print titles and footer as `setup` sets them on an
    openpyxl sheet (`report.setup_print`), plus `widths` and `hidden` columns (0-based)."""
    src = ScratchWorkbook().active
    setup(src)
    cols = {column_index_from_string(letter) - 1: dim.width
            for letter, dim in src.column_dimensions.items() if dim.width}
    cols.update(widths or {})
    for i, width in cols.items():
        # in pixels of 7 per character, so the file says width="50" as openpyxl wrote it
        ws.set_column_pixels(i, i, width * ws.max_digit_width, None, {"hidden": i in hidden})
    if src.freeze_panes:
        ws.freeze_panes(src.freeze_panes)
    page = src.page_setup
    if page.orientation == "landscape":
        ws.set_landscape()
    if page.paperSize:
        ws.set_paper(int(page.paperSize))
    if src.sheet_properties.pageSetUpPr is not None and src.sheet_properties.pageSetUpPr.fitToPage:
        ws.fit_to_pages(int(page.fitToWidth or 0), int(page.fitToHeight or 0))
    if src.print_options.horizontalCentered:
        ws.center_horizontally()
    m = src.page_margins
    ws.set_margins(left=m.left, right=m.right, top=m.top, bottom=m.bottom)
    if src.print_title_rows:
        first, last = (int(r) - 1 for r in src.print_title_rows.replace("$", "").split(":"))
        ws.repeat_rows(first, last)
    ws.set_header(_header_footer(src.oddHeader), margin=m.header)
    ws.set_footer(_header_footer(src.oddFooter), margin=m.footer)


def _header_footer(hf) -> str:
    return "".join(f"&{code}{part.text}" for code, part in (("L", hf.left), ("C", hf.center), ("R", hf.right))
                   if part.text)
