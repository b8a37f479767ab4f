"""Train the claim scorer's first stage: a cheap filter in front of the transformer.

``python -m claimflag.training.cascade --data ../shared/data/claimbuster``

A logistic regression over hashed word n-grams (``claimflag.nlp.claims.
ngram_features``), trained with numpy alone on ``crowdsourced.csv``. Its one
job is to settle the sentences that are clearly not claims, so that only the
rest reach the transformer. The cut ``settle_below`` is chosen on the tuning
sets (``groundtruth.csv`` + CT24 dev-test, as for the transformer's threshold;
never the CT24 test set): the highest candidate cut at which the whole
cascade's pooled positive-class F1, at the transformer's own threshold, stays
within ``max_f1_drop`` of the transformer alone, at that cut and every lower
one. The cascade is evaluated as it runs in the service (``ClaimScorer.score``:
the transformer scores only the sentences left, in its own batches).

Writes ``cascade.npy`` and ``cascade.json`` into ``--out`` (default: beside
the shipped transformer, which turns the cascade on in the service) and
replaces the "First stage" section of the model's ``REPORT.md`` when it writes
there. The files carry the sha256 of the ``model.onnx`` they were tuned with;
a retrained transformer makes the service ignore them until this is run again.

Only numpy is needed (no torch): the data helpers are small and live here,
since ``training.claims`` imports torch when loaded.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from claimflag.evaluation import binary_metrics, read_labelled
from claimflag.nlp.claim_model import DEFAULT_MODEL_DIR, ClaimModel
from claimflag.nlp.claims import ClaimScorer, NgramFilter, ngram_features

TRAIN_FILE = "crowdsourced.csv"
TUNE_FILES = ("groundtruth.csv", "CT24_checkworthy_english_dev-test.tsv")
SECTION = "## First stage (cascade)"


@dataclass(frozen=True)
class CascadeConfig:
    dim: int = 1 << 18              # hashed features (a power of two)
    l2: float = 1e-4                # L2 penalty per example
    iterations: int = 400           # full-batch Adam steps (deterministic)
    learning_rate: float = 0.05
    max_f1_drop: float = 0.005      # pooled tuning F1 the cascade may lose
    # Candidate cuts, all far below the service's claim floor (0.3).
    candidates: tuple[float, ...] = (0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.12, 0.15)


def _find(data_dir: Path, name: str) -> Path:
    ct24 = Path("checkthat") / "ct24_task1_english"
    for candidate in (data_dir / name, data_dir / "claimbuster" / name, data_dir / ct24 / name,
                      data_dir.parent / ct24 / name, data_dir / "ct24_task1_english" / name):
        if candidate.is_file():
            return candidate
    raise FileNotFoundError(f"{name} not found in or beside {data_dir}")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _matrix(texts: list[str], dim: int):
    rows = [ngram_features(t, dim) for t in texts]
    lengths = np.array([len(r) for r in rows])
    offsets = np.r_[0, np.cumsum(lengths)[:-1]]
    return np.concatenate(rows), offsets, lengths


def train_weights(texts: list[str], labels: list[int], cfg: CascadeConfig) -> np.ndarray:
    """Logistic regression by full-batch Adam: same data, same weights."""
    idx, offsets, lengths = _matrix(texts, cfg.dim)
    y = np.asarray(labels, dtype=np.float64)
    w = np.zeros(cfg.dim)
    m = np.zeros(cfg.dim)
    v = np.zeros(cfg.dim)
    for t in range(1, cfg.iterations + 1):
        p = 1.0 / (1.0 + np.exp(-np.add.reduceat(w[idx], offsets)))
        grad = np.bincount(idx, weights=np.repeat(p - y, lengths), minlength=cfg.dim) / len(y)
        grad += cfg.l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= cfg.learning_rate * (m / (1 - 0.9 ** t)) / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    return w.astype(np.float32)


def train_cascade(data_dir: Path, model_dir: Path | None = None, out_dir: Path | None = None,
                  cfg: CascadeConfig = CascadeConfig(), progress: bool = True) -> dict[str, Any]:
    data_dir = Path(data_dir)
    model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    out_dir = Path(out_dir) if out_dir is not None else model_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    say = print if progress else (lambda *a, **k: None)
    train_path = _find(data_dir, TRAIN_FILE)
    tune_paths = [_find(data_dir, name) for name in TUNE_FILES]
    train_rows = read_labelled(train_path)
    tune_rows = {p.name: read_labelled(p) for p in tune_paths}
    data = {p.name: {"sha256": _sha256(p), "use": use, "rows": len(read_labelled(p))}
            for p, use in [(train_path, "train")] + [(p, "tune") for p in tune_paths]}

    started = time.perf_counter()
    weights = train_weights([t for t, _ in train_rows], [y for _, y in train_rows], cfg)
    train_seconds = time.perf_counter() - started
    say(f"trained the n-gram filter in {train_seconds:.1f} s")

    model = ClaimModel.load(model_dir)
    labels = [y for rows in tune_rows.values() for _, y in rows]

    def pooled(scorer: ClaimScorer) -> tuple[list[float], float]:
        t0 = time.perf_counter()
        scores = [s for rows in tune_rows.values() for s in scorer.score([t for t, _ in rows])]
        return scores, time.perf_counter() - t0

    alone, alone_seconds = pooled(ClaimScorer(None, "scorer", model, cascade=_Off()))
    base = binary_metrics(labels, alone, model.threshold)
    say(f"transformer alone: pooled F1 {base['f1']:.4f}")
    cheap = NgramFilter(weights, 0.0)
    texts = [t for rows in tune_rows.values() for t, _ in rows]
    t0 = time.perf_counter()
    cheap_scores = np.array(cheap.predict(texts))
    cheap_rate = len(texts) / (time.perf_counter() - t0)

    trials = []
    for cut in cfg.candidates:
        scores, seconds = pooled(ClaimScorer(None, "scorer", model, cascade=NgramFilter(weights, cut)))
        metrics = binary_metrics(labels, scores, model.threshold)
        trials.append({"settle_below": cut, "settled": float(np.mean(cheap_scores < cut)),
                       "f1": metrics["f1"], "precision": metrics["precision"],
                       "recall": metrics["recall"], "seconds": round(seconds, 2)})
        say(f"settle below {cut:.2f}: settles {trials[-1]['settled']:.1%}, pooled F1 {metrics['f1']:.4f}")
    # The transformer's int8 scores move a little with the batch they are in,
    # so F1 wobbles by a few thousandths from cut to cut: a cut is taken only
    # when the next lower candidate passes too.
    passes = [t["f1"] >= base["f1"] - cfg.max_f1_drop for t in trials]
    chosen = None
    for i, trial in enumerate(trials):
        if passes[i] and (i == 0 or passes[i - 1]):
            chosen = trial
    if chosen is None:
        raise RuntimeError("no cut keeps the pooled F1 within the allowed drop; nothing written")

    np.save(out_dir / "cascade.npy", weights, allow_pickle=False)
    meta = {
        "version": f"{model.version}+ngram",
        "weights": "cascade.npy",
        "settle_below": chosen["settle_below"],
        "rule": (f"the highest candidate cut at which the cascade's pooled tuning-set F1 at the "
                 f"transformer's threshold ({model.threshold:.4f}) stays within "
                 f"{cfg.max_f1_drop} of the transformer alone, at that cut and at the next lower "
                 f"candidate"),
        "model_sha256": _sha256(model_dir / "model.onnx"),
        "model_version": model.version,
        "features": "hashed (CRC-32) lower-case word unigrams and bigrams, numbers as one "
                    "token, a length bucket and a bias",
        "settings": dataclasses.asdict(cfg),
        "data": data,
        "train_seconds": round(train_seconds, 1),
        "trained_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "tuning": {"transformer_alone": base,
                   "cascade": binary_metrics(labels, pooled(ClaimScorer(
                       None, "scorer", model, cascade=NgramFilter(weights, chosen["settle_below"])))[0],
                       model.threshold),
                   "trials": trials},
        "speed": {"first_stage_sentences_per_s": round(cheap_rate, 1),
                  "transformer_alone_seconds": round(alone_seconds, 2)},
    }
    (out_dir / "cascade.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    if out_dir.resolve() == model_dir.resolve():
        report = model_dir / "REPORT.md"
        text = report.read_text(encoding="utf-8") if report.is_file() else ""
        if SECTION in text:
            text = text[:text.index(SECTION)].rstrip() + "\n"
        report.write_text(text + "\n" + render_section(meta), encoding="utf-8")
    return meta


class _Off:
    """A stand-in first stage that settles nothing."""
    settle_below = float("-inf")

    def predict(self, texts):
        return [0.0] * len(texts)


def render_section(meta: dict[str, Any]) -> str:
    tuning = meta["tuning"]
    alone, cascade = tuning["transformer_alone"], tuning["cascade"]
    lines = [
        SECTION, "",
        "The scorer can run in two stages (`ClaimScorer` with `NgramFilter`, "
        "written by `python -m claimflag.training.cascade --data ../shared/data/claimbuster`; "
        "on whenever `cascade.json` sits beside `model.onnx`). "
        f"A logistic regression over {meta['features']} ({meta['settings']['dim']:,} weights, "
        "numpy only) scores every sentence; a sentence it puts below "
        f"**{meta['settle_below']}** is settled as not a claim and keeps that probability, "
        "far below the claim floor (0.3); the rest go to the transformer. Trained on "
        "`crowdsourced.csv` only (full-batch Adam, "
        f"{meta['settings']['iterations']} steps, L2 {meta['settings']['l2']}, "
        f"{meta['train_seconds']} s); the cut was chosen on the tuning sets: "
        f"{meta['rule']}. The CT24 test set was not read.", "",
        "| scorer | pooled P | R | F1 |",
        "| --- | --- | --- | --- |",
        f"| transformer alone | {alone['precision']:.3f} | {alone['recall']:.3f} | **{alone['f1']:.4f}** |",
        f"| cascade | {cascade['precision']:.3f} | {cascade['recall']:.3f} | **{cascade['f1']:.4f}** |",
        "",
        f"Pooled F1 moves by {cascade['f1'] - alone['f1']:+.4f}, within the allowed "
        f"{meta['settings']['max_f1_drop']}, so the cascade passes the tuning-set rule. The transformer's "
        "int8 scores shift slightly with the batch they are computed in, so taking sentences "
        "out of its batches alone moves F1 by a few thousandths from cut to cut; hence the "
        "two-cut rule. Candidate cuts (share of tuning sentences settled by the first stage, "
        "pooled F1 of the cascade):", "",
        "| settle below | settled | F1 |",
        "| --- | --- | --- |",
        *[f"| {t['settle_below']} | {t['settled']:.1%} | {t['f1']:.4f} |" for t in tuning["trials"]],
        "",
        f"First stage: {meta['speed']['first_stage_sentences_per_s']:,.0f} sentences/s on one "
        "shared core. Debate transcripts hold many short exchanges, so the share settled on "
        "web pages is lower; `claimflag bench` measures the whole analysis. Weights: "
        f"`{meta['weights']}`, tuned with `model.onnx` sha256 `{meta['model_sha256'][:16]}…`; "
        "after retraining the transformer, run the command again (until then the service "
        "uses the transformer alone).", "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, required=True, help="the ClaimBuster folder")
    parser.add_argument("--model-dir", type=Path, default=None,
                        help="the transformer's folder (default: the one the package ships)")
    parser.add_argument("--out", type=Path, default=None,
                        help="where to write the cascade files (default: the model's folder, "
                             "which turns the cascade on)")
    args = parser.parse_args(argv)
    meta = train_cascade(args.data, args.model_dir, args.out)
    print(f"settle below {meta['settle_below']}: pooled F1 "
          f"{meta['tuning']['cascade']['f1']:.4f} (transformer alone "
          f"{meta['tuning']['transformer_alone']['f1']:.4f})")


if __name__ == "__main__":
    main()
