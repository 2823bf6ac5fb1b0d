"""The importer on real plans of other bodies (tests/tasks/corpus, a copy of the shared corpus)
and on the seeds, scored with the corpus scorer's rules (tests/tasks/scoring.py)."""

from pathlib import Path

import pytest

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
