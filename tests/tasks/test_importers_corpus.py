"""The importer on real plans of other bodies (tests/tasks/corpus, a copy of the shared corpus)
and on the seeds, scored with the corpus scorer's rules (tests/tasks/scoring.py)."""

from pathlib import Path

import pytest

from tasks.importers import ImportFailure, parse_plan, read_document
from tests.tasks.docx_helpers import text_to_docx
from tests.tasks.importer_helpers import SEEDS
from tests.tasks.scoring import score_folder

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"


@pytest.mark.parametrize(
    ("truth", "docs", "minimum"),
    [
        (CORPUS / "truth", CORPUS / "docs", 0.95),
        (HERE / "seeds_truth", SEEDS, 0.98),
        (HERE / "extra" / "truth", HERE / "extra" / "docs", 0.95),
    ],
    ids=["corpus", "seeds", "extra"],
)
def test_scores(truth, docs, minimum):
    if not truth.exists():
        pytest.skip(f"no {truth}")
    result = score_folder(truth, docs, verbose=True)
    assert result.minimum() >= minimum, "\n".join(result.lines)


def parse_as_word(path: Path) -> dict:
    """The plan as a Word file: its paragraphs, and 004's appendix as a real Word table."""
    data = text_to_docx(path.read_text(encoding="utf-8"))
    try:
        return parse_plan(read_document(data, path.stem + ".docx")).to_json_dict()
    except ImportFailure:
        return {"items": []}


def test_seeds_as_word_files_score_as_their_text():
    result = score_folder(HERE / "seeds_truth", SEEDS, parse=parse_as_word, verbose=True)
    assert result.minimum() >= 0.95, "\n".join(result.lines)


def test_the_004_appendix_as_a_word_table_scores_as_its_text():
    text = next(SEEDS.glob("004_*.txt")).read_text(encoding="utf-8")
    as_text = [i for i in parse_plan(text).to_json_dict()["items"] if i["source"] == "table"]
    as_word = [i for i in parse_plan(read_document(text_to_docx(text), "004.docx")).to_json_dict()["items"]
               if i["source"] == "table"]
    assert len(as_word) == len(as_text) == 63
    for a, b in zip(as_text, as_word, strict=True):
        assert (a["number"], a["lead_units"], a["deadlines"]) == (b["number"], b["lead_units"], b["deadlines"])
