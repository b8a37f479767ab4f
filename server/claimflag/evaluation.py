"""Measure the claim scorer on a labelled file.

Two formats are read:

- a ClaimBuster CSV (``Text`` and ``Verdict`` columns; ``Verdict`` 1 is a
  check-worthy claim, 0 and -1 are not);
- a CheckThat! TSV (``Sentence_id``, ``Text``, ``class_label`` of Yes/No).

The metrics are those of CheckThat! 2024 Task 1: precision, recall and F1 of
the positive class at a threshold, plus average precision over all thresholds.
Only numpy is used, so ``claimflag evaluate`` runs in the service's install.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from claimflag.nlp.claim_model import ClaimModel

_POSITIVE = {"1", "yes", "true"}
_NEGATIVE = {"0", "-1", "no", "false"}


def read_labelled(path: str | Path) -> list[tuple[str, int]]:
    """Return ``(text, label)`` pairs, label 1 for a check-worthy claim.

    The format is told by the header: ``Verdict`` (ClaimBuster CSV) or
    ``class_label`` (CheckThat! TSV); the delimiter by sniffing the header line.
    """
    path = Path(path)
    with path.open(newline="", encoding="utf-8-sig") as f:
        header = f.readline()
        f.seek(0)
        delimiter = "\t" if header.count("\t") > header.count(",") else ","
        reader = csv.DictReader(f, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
        fields = {name.strip().lower(): name for name in reader.fieldnames or []}
        label_key = fields.get("verdict") or fields.get("class_label")
        text_key = fields.get("text")
        if label_key is None or text_key is None:
            raise ValueError(
                f"{path}: expected a Text column and a Verdict (ClaimBuster) or "
                f"class_label (CheckThat!) column, found {reader.fieldnames}"
            )
        rows = []
        for line, row in enumerate(reader, start=2):
            value = (row[label_key] or "").strip().lower()
            if value in _POSITIVE:
                label = 1
            elif value in _NEGATIVE:
                label = 0
            else:
                raise ValueError(f"{path}:{line}: unknown label {row[label_key]!r}")
            rows.append((row[text_key] or "", label))
    return rows


def average_precision(labels: Sequence[int], scores: Sequence[float]) -> float:
    """Area under the precision-recall curve as a step sum (as scikit-learn does).

    ``sum_k (R_k - R_{k-1}) * P_k`` over the distinct score values, highest
    first; tied scores enter together.
    """
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    positives = int(y.sum())
    if positives == 0:
        return 0.0
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    tp = np.cumsum(y)
    predicted = np.arange(1, len(y) + 1)
    # The last index of each run of equal scores.
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    precision = tp[last] / predicted[last]
    recall = tp[last] / positives
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


def binary_metrics(labels: Sequence[int], scores: Sequence[float], threshold: float) -> dict[str, Any]:
    """Positive-class precision, recall and F1 at ``score >= threshold``, and AP.

    Pure: no model, no files. Precision with no predicted positive is 0.
    """
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    if y.shape != s.shape:
        raise ValueError("labels and scores differ in length")
    predicted = s >= threshold
    tp = int(np.sum(predicted & (y == 1)))
    fp = int(np.sum(predicted & (y == 0)))
    fn = int(np.sum(~predicted & (y == 1)))
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "average_precision": average_precision(y, s),
        "n": int(len(y)),
        "positives": int(y.sum()),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "threshold": float(threshold),
    }


def best_f1_threshold(labels: Sequence[int], scores: Sequence[float]) -> float:
    """The threshold that maximises positive-class F1 on these scores.

    Candidates are the distinct scores; the chosen cut is put halfway between
    the lowest score kept positive and the next lower score, so a model whose
    scores move a little (quantisation, batching) keeps the same decisions.
    Ties in F1 go to the higher threshold (fewer flags).
    """
    y = np.asarray(labels, dtype=np.int64)
    s = np.asarray(scores, dtype=np.float64)
    order = np.argsort(-s, kind="mergesort")
    y, s = y[order], s[order]
    positives = int(y.sum())
    if positives == 0:
        raise ValueError("no positive example to choose a threshold on")
    tp = np.cumsum(y)
    predicted = np.arange(1, len(y) + 1)
    last = np.r_[np.nonzero(np.diff(s))[0], len(s) - 1]
    f1 = 2 * tp[last] / (predicted[last] + positives)
    k = int(np.argmax(f1))  # first maximum: the highest threshold
    i = last[k]
    if i + 1 < len(s):
        return float((s[i] + s[i + 1]) / 2)
    return float(s[i])


def score_texts(model: ClaimModel, texts: Sequence[str], progress: bool = True,
                chunk: int = 256) -> list[float]:
    """``model.predict`` in chunks, with a tqdm progress bar on stderr."""
    from tqdm import tqdm

    scores: list[float] = []
    with tqdm(total=len(texts), unit="sent", disable=not progress, desc="scoring") as bar:
        for start in range(0, len(texts), chunk):
            part = texts[start:start + chunk]
            scores.extend(model.predict(part))
            bar.update(len(part))
    return scores


def evaluate_claims(path: str | Path, model: ClaimModel | None = None,
                    threshold: float | None = None, progress: bool = True) -> dict[str, Any]:
    """Score a labelled file with the claim model and return its metrics.

    ``model`` defaults to the model the package ships; ``threshold`` to that
    model's own (chosen on the tuning sets when it was trained).
    """
    if model is None:
        from claimflag.nlp.claim_model import ClaimModel

        model = ClaimModel.load()
    rows = read_labelled(path)
    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]
    scores = score_texts(model, texts, progress=progress)
    result = binary_metrics(labels, scores, model.threshold if threshold is None else threshold)
    result["file"] = str(path)
    result["model"] = model.version
    return result
