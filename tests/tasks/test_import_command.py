"""`manage.py import_plan`: the public --dry-run --json output, the import summary, bad input."""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from departments.models import Unit
from fixtures.seeds import seed_files
from tasks.models import Plan, Task
from tests.tasks.importer_helpers import import_json_problems

pytestmark = pytest.mark.django_db

SEEDS = seed_files()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_plan", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_there_are_five_seeds():
    assert [p.name[:3] for p in SEEDS] == ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_dry_run_json_of_every_seed_passes_the_schema_and_writes_nothing(seed):
    out, _ = run(seed, "--dry-run", "--json")

    doc = json.loads(out)  # exactly one JSON object, nothing else on stdout
    assert import_json_problems(doc) == []
    assert set(doc) == {"plan", "items", "warnings", "skipped"}
    assert not Plan.objects.exists() and not Unit.objects.exists()


def test_dry_run_json_keeps_its_public_shape_for_seed_000():
    out, _ = run(SEEDS[0], "--dry-run", "--json")
    doc = json.loads(out)

    assert doc["plan"] == {
        "title": "2020年萧山区深化“最多跑一次”推进“放管服”改革工作要点",
        "issuer": None, "doc_number": None, "issued_on": None, "year": 2020,
    }
    first = doc["items"][0]
    assert set(first) == {"number", "source", "section", "title", "text", "lead_units", "responsible_units",
                          "deadlines", "unresolved", "children"}
    assert first["lead_units"][0] == {"name": "区审管办", "as_written": "区审管办（跑改办）"}
    assert first["children"][1]["deadlines"] == [{"date": "2020-12-31", "phrase": "2020年12月底前"}]


def test_year_option_overrides_the_plan_year():
    out, _ = run(SEEDS[1], "--dry-run", "--json", "--year", "2018")
    assert json.loads(out)["plan"]["year"] == 2018


def test_dry_run_without_json_prints_a_chinese_preview_and_writes_nothing():
    out, _ = run(SEEDS[3], "--dry-run")
    assert "试运行，未写入数据库" in out and "将新建计划" in out and "任务 12 项" in out
    assert not Plan.objects.exists()


def test_import_writes_the_plan_and_prints_a_chinese_summary():
    out, _ = run(SEEDS[0])

    assert Task.objects.count() == 57
    assert "新建计划：2020年萧山区深化“最多跑一次”推进“放管服”改革工作要点" in out
    assert "任务 57 项（新增 57，更新 0，删除 0）" in out
    assert "待核对单位 0 个" in out and "时间节点 39 个" in out and "待定时限 0 条" in out
    assert "提示 2 条" in out


def test_second_import_updates_in_place():
    run(SEEDS[4])
    out, _ = run(SEEDS[4])
    assert "更新计划" in out and "新增 0，更新 0，删除 0" in out
    assert Plan.objects.count() == 1


def test_json_without_dry_run_imports_and_keeps_stdout_one_json_object():
    out, err = run(SEEDS[2], "--json")
    assert json.loads(out)["plan"]["year"] == 2018
    assert "新建计划" in err
    assert Plan.objects.count() == 1


def _bad_inputs(tmp_path):
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    return {
        "empty": (tmp_path / "empty.txt", b"", "空"),
        "binary": (tmp_path / "scan.txt", png, "不是文本文件"),
        "wrong type": (tmp_path / "plan.pdf", b"%PDF-1.4 ...", "不支持的文件类型"),
        "too big": (tmp_path / "big.txt", "一".encode() * (4 * 1024 * 1024), "文件过大"),
        "no items": (tmp_path / "note.txt", "关于开会的通知\n请各单位准时参加。\n".encode(), "未识别出任何工作任务"),
        "fake docx": (tmp_path / "plan.docx", b"not a zip", "不是有效的 .docx"),
    }


@pytest.mark.parametrize("case", ["empty", "binary", "wrong type", "too big", "no items", "fake docx"])
def test_bad_input_is_a_command_error_naming_the_problem_and_writes_nothing(tmp_path, case):
    path, data, message = _bad_inputs(tmp_path)[case]
    path.write_bytes(data)

    with pytest.raises(CommandError, match=message):
        run(path)
    assert not Plan.objects.exists() and not Unit.objects.exists()


def test_missing_file_is_a_command_error():
    with pytest.raises(CommandError, match="找不到文件"):
        run("/nonexistent/plan.txt")


def test_bad_input_from_the_shell_exits_non_zero_with_the_message_on_stderr(tmp_path):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"")
    manage = Path(__file__).resolve().parents[2] / "manage.py"

    done = subprocess.run([sys.executable, str(manage), "import_plan", str(path), "--dry-run", "--json"],
                          capture_output=True, text=True, env={**__import__("os").environ, "DATA_DIR": str(tmp_path)})

    assert done.returncode != 0
    assert done.stdout == ""
    assert "文件是空的" in done.stderr


def test_a_plan_without_a_year_needs_year_and_the_error_says_why(tmp_path):
    """The import asks for the year; the dry run shows the tasks, the date that needs the year left
    unresolved (a table of 吉水 with no year anywhere was refused whole, units and all)."""
    path = tmp_path / "plan.txt"
    path.write_text("某区工作要点\n一、主要任务\n1.推进某改革，6月底前完成。（区发改局牵头）", encoding="utf-8")
    with pytest.raises(CommandError, match="--year") as exc:
        run(path)
    assert "6月底前" in str(exc.value)
    assert not Plan.objects.exists()
    out, _ = run(path, "--dry-run", "--json")
    preview = json.loads(out)
    item = preview["items"][0]
    assert (item["deadlines"], item["unresolved"], item["lead_units"][0]["name"]) == ([], ["6月底前"], "区发改局")
    assert any("6月底前" in w and "--year" in w for w in preview["warnings"])
    out, _ = run(path, "--dry-run", "--json", "--year", "2016")
    assert json.loads(out)["items"][0]["deadlines"][0]["date"] == "2016-06-30"
