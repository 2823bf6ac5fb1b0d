"""The 督查通报 annex as a leader gets it on paper: 2020-09 with every seed plan in scope, printed to PDF
by LibreOffice headless — one page of 汇总, at most 12 pages in all (24 before the annex was laid out
for print). A picture of its first page goes to SCREENSHOT_DIR when pdftoppm is there."""

import datetime as dt
import io
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.core.management import call_command

from departments.models import Unit, UnitAlias
from tasks.figures import Scope
from tasks.models import Plan
from tasks.supervision.report import build_supervision_workbook

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
PDFTOPPM = shutil.which("pdftoppm")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed")


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_seeds", stdout=io.StringIO())
        yield
        Plan.objects.all().delete()
        UnitAlias.objects.all().delete()
        Unit.objects.all().delete()


def _pdf(wb, tmp_path: Path, name: str) -> bytes:
    src = tmp_path / f"{name}.xlsx"
    wb.save(src)
    subprocess.run(
        [SOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profile'}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(src)],
        check=True, capture_output=True, timeout=300,
    )
    return (tmp_path / f"{name}.pdf").read_bytes()


def page_count(pdf: bytes) -> int:
    try:
        from pypdf import PdfReader
    except ImportError:
        return len(re.findall(rb"/Type\s*/Page(?!s)", pdf))
    return len(PdfReader(io.BytesIO(pdf)).pages)


def _bulletin():
    return build_supervision_workbook(year=2020, month=9, scope=Scope("all"), today=dt.date(2026, 12, 2))


@pytest.mark.django_db
def test_the_2020_09_bulletin_of_every_seed_plan_prints_in_at_most_12_pages(seeded, tmp_path):
    wb = _bulletin()
    assert len([r for r in wb["逾期事项"].iter_rows(min_row=4, values_only=True) if isinstance(r[0], int)]) > 100
    pdf = _pdf(wb, tmp_path, "bulletin")
    assert page_count(pdf) <= 12
    if PDFTOPPM:
        out = Path(os.environ.get("SCREENSHOT_DIR", tmp_path))
        out.mkdir(parents=True, exist_ok=True)
        (tmp_path / "bulletin.pdf").write_bytes(pdf)
        subprocess.run([PDFTOPPM, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                        str(tmp_path / "bulletin.pdf"), str(out / "bulletin-2020-09-first-page")],
                       check=True, timeout=120)
        assert (out / "bulletin-2020-09-first-page.png").stat().st_size > 0


@pytest.mark.django_db
def test_its_summary_is_one_printed_page(seeded, tmp_path):
    wb = _bulletin()
    for name in wb.sheetnames[1:]:
        wb.remove(wb[name])
    assert page_count(_pdf(wb, tmp_path, "summary")) == 1
