"""The disclosure finder on Mathur et al.'s affiliate-disclosure sentences.

The data (YouTube and Pinterest description sentences, CSCW 2018) is read
from ``../shared/data/disclosures/mathur2018_affiliate`` by path and never
copied: it has no licence, so it is for internal evaluation only. Its labels
are silver: a whole cluster of sentences is labelled by the authors'
notebooks (see SOURCE.md there), so some positives hold no disclosure ("click
this link!") and some negatives do ("#sponsored", "(affiliate link)"). The
floors are therefore loose; run with ``-s`` for the figures.
"""

from __future__ import annotations

import csv

import pytest

from conftest import SHARED
from test_disclosures import build_segmenter

ROOT = SHARED / "data" / "disclosures" / "mathur2018_affiliate"

# Positive clusters, from SOURCE.md (the authors' notebooks, cells 145 and 124):
# affiliate-link disclosures, explanations of the commission and
# "support the channel" lines.
POSITIVE = {
    "youtube": {372, 382, 383, 384, 385, 388, 389, 390,
                370, 377, 378, 379, 380, 381, 386, 387,
                363, 364, 366, 367, 368, 369},
    "pinterest": {99, 100, 101, 103, 104, 106, 137, 138, 139, 226, 764, 833, 836, 1668,
                  *range(1495, 1558), 1493, 1494},
}
# Loose floors for silver labels: about a quarter of the YouTube positives
# carry no disclosure words at all (SOURCE.md).
FLOORS = {"youtube": {"precision": 0.6, "recall": 0.55},
          "pinterest": {"precision": 0.8, "recall": 0.7}}

pytestmark = pytest.mark.skipif(not ROOT.exists(), reason=f"Mathur data not found at {ROOT}")


@pytest.fixture(scope="module")
def nlp():
    return build_segmenter()


def score(nlp, source: str) -> dict:
    with open(ROOT / source / "clusters.csv", encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    texts = [row["sentence"] for row in rows]
    gold = [int(row["ward_euclidean_cluster"]) in POSITIVE[source] for row in rows]
    tp = fp = fn = other = 0
    for is_pos, doc in zip(gold, nlp.pipe(texts, batch_size=512)):
        types = {f.type for f in doc._.disclosure_flags}
        found = "affiliate" in types
        tp += is_pos and found
        fp += found and not is_pos
        fn += is_pos and not found
        other += bool(types - {"affiliate"}) and not is_pos
    return {"n": len(rows), "positives": sum(gold), "tp": tp, "fp": fp, "fn": fn,
            "precision": tp / max(tp + fp, 1), "recall": tp / max(tp + fn, 1),
            "other_types": other}


@pytest.mark.parametrize("source", ["youtube", "pinterest"])
def test_affiliate_recall_on_silver_labels(nlp, source):
    m = score(nlp, source)
    line = (f"mathur {source}: {m['n']} sentences, {m['positives']} silver positives; affiliate "
            f"precision {m['precision']:.3f}, recall {m['recall']:.3f} (tp {m['tp']}, fp {m['fp']}, "
            f"fn {m['fn']}); {m['other_types']} negatives flagged with another type")
    print("\n" + line)
    assert m["precision"] >= FLOORS[source]["precision"], line
    assert m["recall"] >= FLOORS[source]["recall"], line
