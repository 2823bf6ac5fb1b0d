"""The public JSON of `import_plan --dry-run --json`, checked by the shared shape checker."""

import json
import subprocess
import sys

import pytest

from tests.tasks.importer_helpers import CHECKER, SEEDS, seed

PREFIXES = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_shared_checker_accepts_every_seed(prefix):
    if not CHECKER.exists():
        pytest.skip(f"{CHECKER} not present")
    doc = json.dumps(seed(prefix).to_json_dict(), ensure_ascii=False)
    result = subprocess.run(
        [sys.executable, str(CHECKER)], input=doc, capture_output=True, text=True, timeout=30, check=False
    )
    assert result.returncode == 0, result.stdout
    assert result.stdout.startswith("shape ok")


def test_seeds_are_all_present():
    assert sorted(p.name[:3] for p in SEEDS.glob("*.txt")) == PREFIXES


def test_json_has_exactly_the_public_keys():
    doc = seed("000").to_json_dict()
    assert set(doc) == {"plan", "items", "warnings"}
    assert set(doc["plan"]) == {"title", "issuer", "doc_number", "issued_on", "year"}
    item = doc["items"][0]
    assert set(item) == {
        "number", "source", "section", "title", "text", "lead_units", "responsible_units",
        "deadlines", "unresolved", "children",
    }
    assert item["lead_units"][0] == {"name": "区审管办", "as_written": "区审管办（跑改办）"}
    assert item["deadlines"][0] == {"date": "2020-12-31", "phrase": "2020年12月底前"}
    assert set(item["children"][0]) == set(item)


def test_json_dates_and_nulls():
    plan = seed("004").to_json_dict()["plan"]
    assert plan == {
        "title": "2019年杭州市深化推进“最多跑一次”改革打造一流营商环境工作要点",
        "issuer": "中共杭州市委全面深化改革委员会办公室",
        "doc_number": "杭改办〔2019〕1号",
        "issued_on": "2019-04-22",
        "year": 2019,
    }
    assert seed("000").to_json_dict()["plan"]["issued_on"] is None
    table_row = next(i for i in seed("004").to_json_dict()["items"] if i["source"] == "table")
    assert table_row["number"] == "1"
