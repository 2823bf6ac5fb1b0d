"""The public JSON of `import_plan --dry-run --json`, checked against the schema kept in the repository."""

import json

import pytest

from tests.tasks.importer_helpers import SCHEMA, SEEDS, import_json_problems, seed

PREFIXES = ["000", "001", "002", "003", "004"]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_schema_accepts_every_seed(prefix):
    assert import_json_problems(seed(prefix).to_json_dict()) == []


def test_schema_is_a_valid_schema_and_rejects_a_broken_document():
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA.read_text(encoding="utf-8")))
    doc = seed("000").to_json_dict()
    doc["items"][0]["source"] = "appendix"
    doc["items"][1]["deadlines"][0]["date"] = "2020-02-30"
    doc["items"][2]["lead_units"].append({"name": "区某局", "as_written": "区某局"})
    doc["plan"]["year"] = "2020"
    problems = import_json_problems(doc)
    assert any("appendix" in p for p in problems) and any("year" in p for p in problems)
    doc["items"][0]["source"] = "text"
    doc["plan"]["year"] = 2020
    problems = import_json_problems(doc)
    assert any("2020-02-30" in p for p in problems) and any("lead unit" in p for p in problems)


def test_seeds_are_all_present():
    assert sorted(p.name[:3] for p in SEEDS.glob("*.txt")) == PREFIXES


def test_json_has_exactly_the_public_keys():
    doc = seed("000").to_json_dict()
    assert set(doc) == {"plan", "items", "warnings", "skipped"}  # skipped: issue 11
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
