"""The claim model's ``meta.json`` and ``REPORT.md``.

``write`` saves both; ``render`` turns ``meta.json`` into the report, so the
report can always be written again from the model's own record. Sections
added by hand (any heading ``render`` does not write) are kept. The figures
measured before the project are data (``prior_measurements.jsonl``), and
``earlier_models`` carries the list of the models this folder held before,
with their held-out figures, so the report always says which models the
held-out set has scored.
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from claimflag.evaluation import TIERS, flagged_as, views_by_genre
from claimflag.nlp.claim_model import ClaimModel, TierScore

PRIOR_MEASUREMENTS = Path(__file__).with_name("prior_measurements.jsonl")
HELDOUT = "Held-out test (run once, for this model)"
SECTIONS = ("Data", "Settings", "Tuning sets (the shipped model, at the shipped thresholds)",
            "Web dev sentences by genre", "Approaches compared in this run", "Earlier models",
            "Measured before the project (not re-run here)", HELDOUT)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def measure_speed(model: ClaimModel, texts: list[str]) -> dict[str, float]:
    """Sentences/s of ``model`` (create it with threads=1 for one core)."""
    model.predict(texts[:64])  # warm up
    start = time.perf_counter()
    model.predict(texts)
    return {"as_served": round(len(texts) / (time.perf_counter() - start), 1)}


def by_genre(rows: Sequence[dict[str, Any]], scores: Sequence[TierScore], threshold: float,
             high_threshold: float) -> dict[str, Any]:
    """``tier_view`` of the web dev sentences per group, per genre and all,
    as the model alone flags them."""
    return views_by_genre(rows, [flagged_as(s, threshold, high_threshold) for s in scores])


def earlier_models(model_dir: Path, version: str) -> list[dict[str, Any]]:
    """The models ``model_dir`` held before, newest last, with their held-out figures."""
    path = model_dir / "meta.json"
    if not path.is_file():
        return []
    old = json.loads(path.read_text(encoding="utf-8"))
    earlier = old.get("previous", [])
    if old["version"] == version:  # the same model trained again
        return earlier
    layers = old.get("settings", {}).get("student_layers") or [0, 1, 2, 3, 4, 5]
    return [*earlier, {"version": old["version"], "threshold": old["threshold"],
                       "layers": len(layers), "heldout_test": old.get("heldout_test")}]


def write(model_dir: Path, meta: dict[str, Any]) -> None:
    """Write meta.json and REPORT.md, keeping the report's hand-written sections."""
    text = json.dumps({**meta, "previous": earlier_models(model_dir, meta["version"])}, indent=2)
    meta = json.loads(text)  # rendered as read back: tuples become lists
    (model_dir / "meta.json").write_text(text + "\n", encoding="utf-8")
    report = model_dir / "REPORT.md"
    kept = []
    if report.is_file():
        for section in report.read_text(encoding="utf-8").split("\n## ")[1:]:
            if section.splitlines()[0].strip() not in SECTIONS:
                kept.append("## " + section.rstrip() + "\n")
    report.write_text(render(meta) + "".join("\n" + k for k in kept), encoding="utf-8")


def _fmt(m: dict[str, Any]) -> str:
    return (f"{m['precision']:.3f} | {m['recall']:.3f} | **{m['f1']:.3f}** | "
            f"{m['average_precision']:.3f}")


def _pct(x: float) -> str:
    return f"{x:.0%}"


def _soft_target(s: dict[str, Any]) -> str:
    if not s.get("soft_teacher"):
        return "the teacher's probabilities"
    return (f"the probabilities of a larger model, {s['soft_teacher']}, trained on the same sentences "
            f"and loss at learning rate {s['soft_teacher_learning_rate']} (it is not shipped)")


OWN_WORDS = ("the page runs we wrote ourselves (`training/claim_own_words.jsonl`: whole runs of made-up "
             "pages of every genre, furniture included, each sentence given its tier by its writer)")


def _teacher_web(s: dict[str, Any]) -> str:
    own = f" and {OWN_WORDS}" if s.get("own_words") == "all" else ""
    return f"real web sentences{own} (weight {s['web_weight']} each in the loss)"


def _web_stage(s: dict[str, Any]) -> str:
    n = s.get("student_web_epochs")
    if not n:
        return ""
    alpha = s.get("student_web_alpha")
    targets = ("the same targets" if alpha is None else "the gold tier alone" if alpha >= 1
               else f"the gold tier at weight {alpha} and the same soft targets")
    which = ("the real web sentences alone" if not s.get("own_words") else
             "the real web sentences and ours" if s["own_words"] == "all" else
             f"the real web sentences and {OWN_WORDS}")
    return f", then {n} epoch{'s' if n > 1 else ''} on {which} towards {targets}"


def render(meta: dict[str, Any]) -> str:
    s = meta["settings"]
    lines = [
        f"# Claim model {meta['version']}",
        "",
        "Gives each sentence the probability of each tier: **A** check first, **B** factual "
        "but routine, **C** not a claim. The service flags a sentence when P(A or B) reaches "
        "the claim threshold or P(A) the check-first threshold, and gives it priority "
        "`high` when P(A) reaches the check-first threshold.",
        "",
        f"{meta['base_model']} with mean pooling and a linear layer over the three tiers is "
        f"the teacher, trained on ClaimBuster's debate sentences (Verdict 1 → A, 0 → B, -1 → C) "
        f"and {_teacher_web(s)}. The model shipped "
        f"is its student, the teacher cut to layers {', '.join(map(str, s['student_layers']))} "
        f"of 6 and trained towards a mix of the gold tier (weight {s['distill_alpha']}) and "
        f"{_soft_target(s)}{_web_stage(s)}. Both are exported to ONNX with their matrix products "
        "quantised to int8 (onnxruntime static quantisation: weights per channel, activation "
        f"scales fixed by calibration on {s['calibration_sentences']} training sentences; texts "
        "of equal length are scored together). Runs with onnxruntime + tokenizers only "
        "(`claimflag.nlp.claim_model.ClaimModel`).",
        "Written by `claimflag train claims --data ../shared/data` "
        "(`claimflag.training.claims.train_claims`).",
        "",
        f"**Claim threshold {meta['threshold']:.4f}**: {meta['threshold_rule']}.",
        "",
        f"**Check-first threshold {meta['high_threshold']:.4f}**: {meta['high_threshold_rule']}.",
        "",
        *_cascade_lines(meta.get("second_stage") or meta["second_stage_tried"]),
        "## Data",
        "",
        "| file | use | rows | A | B | C | sha256 |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, d in meta["data"].items():
        tiers = d.get("tiers") or {"A": d["positives"], "B": "-", "C": d["rows"] - d["positives"]}
        lines.append(f"| `{name}` | {d['use']} | {d['rows']:,} | "
                     + " | ".join(f"{tiers[t]:,}" if isinstance(tiers[t], int) else tiers[t] for t in TIERS)
                     + f" | `{d['sha256'][:16]}…` |")
    lines += [
        "",
        "CT24 dev-test's Yes counts as A (check first) and its No as not A. Web sentences whose "
        "two labelling passes disagreed (`?`) are left out"
        + ("; so are ours where the writer's two passes disagreed" if s.get("own_words") else "")
        + ". The held-out CT24 test set was not read by training.",
        "",
        "## Settings",
        "",
        "| setting | value |",
        "| --- | --- |",
        *[f"| {k} | {v} |" for k, v in s.items()],
        "",
        f"Seeds: Python `random`, numpy and torch seeded with {s['seed']}; batch order from "
        f"`random.Random({s['seed']})`; `torch.set_num_threads({s['threads']})`.",
        f"Training time: {meta['train_seconds'] / 60:.1f} min on {meta['environment']['cpu_count']} "
        f"cores (torch {meta['environment']['torch']}, Python {meta['environment']['python']}), "
        f"trained {meta['trained_at']}.",
        "",
        "## " + SECTIONS[2],
        "",
        "| set | what is positive | precision | recall | F1 | AP |",
        "| --- | --- | --- | --- | --- | --- |",
        f"| web dev | A or B (claim threshold) | {_fmt(meta['tuning']['web_claim'])} |",
        f"| web dev | A (check-first threshold) | {_fmt(meta['tuning']['web_high'])} |",
        f"| CT24 dev-test | Yes (check-first threshold) | {_fmt(meta['tuning']['ct24_dev_test'])} |",
        "",
        "## " + SECTIONS[3],
        "",
        "What the model alone flags (the service's furniture veto and anecdote rule come on top; "
        "`claimflag evaluate tiers` measures the whole analysis). *high*: P(A) at or above the "
        "check-first threshold; *all*: high or P(A or B) at or above the claim threshold. Each "
        "cell: the share of that tier's sentences flagged; *share*: of all sentences; "
        "*A of flags*: of the high flags, the share that are A.",
        "",
        *genre_table(meta["genres"]),
        "",
        "Confusion of the web dev sentences (rows: labelled tier; columns: what is flagged):",
        "",
        *confusion_table(meta["genres"]["all"]),
        "",
        "## " + SECTIONS[4],
        "",
        "Each variant at its own thresholds (chosen by the rules above); speed with `ClaimModel` "
        "on one core over the tuning sentences as the service scores them.",
        "",
        "| approach | claim thr. | web dev claim F1 | AP | check-first thr. | web dev A F1 | AP "
        "| CT24 dev-test F1 | AP | sent/s | size |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for a in meta["approaches"]:
        speed = (a["speed"] or {}).get("as_served", "-")
        lines.append(
            f"| {a['approach']} | {a['threshold']:.4f} | {a['web_claim']['f1']:.3f} | "
            f"{a['web_claim']['average_precision']:.3f} | {a['high_threshold']:.4f} | "
            f"{a['web_high']['f1']:.3f} | {a['web_high']['average_precision']:.3f} | "
            f"{a['ct24_dev_test']['f1']:.3f} | {a['ct24_dev_test']['average_precision']:.3f} | "
            f"{speed} | " + (f"{a['size_mb']:.1f} MB" if a["size_mb"] else "-") + " |")
    lines += ["", "## " + SECTIONS[5], "",
              "The models this folder held before, CT24 test F1 read once each (the binary models "
              "before `claims-2026.12.10` at their one threshold, the tier models at the check-first "
              "threshold; the table gives the claim threshold).",
              "", "| version | layers | threshold | CT24 test F1 |", "| --- | --- | --- | --- |"]
    for old in meta.get("previous", []):
        f1 = old["heldout_test"]["f1"] if old.get("heldout_test") else None
        lines.append(f"| {old['version']} | {old['layers']} | {old['threshold']:.4f} | "
                     + (f"{f1:.3f}" if f1 is not None else "-") + " |")
    lines += ["", "## " + SECTIONS[6], "",
              "From `shared/notes/claim-model-calibration.md`: binary models, CT24 **test** F1 at "
              "the threshold from the tuning sets, sentences/s batched on one core.", "",
              "| approach | CT24 test F1 | sent/s | size |", "| --- | --- | --- | --- |"]
    with PRIOR_MEASUREMENTS.open(encoding="utf-8") as f:
        for row in map(json.loads, f):
            lines.append(f"| {row['approach']} | {row['ct24_test_f1']} | {row['sentences_per_s']} | "
                         f"{row['size']} |")
    lines.append("")
    if "heldout_test" in meta:
        lines += heldout_lines(meta["heldout_test"])
    return "\n".join(lines)


def genre_table(views: dict[str, Any]) -> list[str]:
    lines = ["| part | sentences | A | B | C | high: A | B | C | share | A of flags "
             "| all: A | B | C | share |",
             "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"]
    for name, v in views.items():
        h, a = v["high"], v["all"]
        lines.append(f"| {name} | {v['n']} | " + " | ".join(str(v["tiers"][t]) for t in TIERS) + " | "
                     + " | ".join(_pct(h["flagged"][t]) if h["flagged"][t] is not None else "-" for t in TIERS)
                     + f" | {_pct(h['share'])} | "
                     + (_pct(h["a_of_flags"]) if h["a_of_flags"] is not None else "-") + " | "
                     + " | ".join(_pct(a["flagged"][t]) if a["flagged"][t] is not None else "-" for t in TIERS)
                     + f" | {_pct(a['share'])} |")
    return lines


def confusion_table(view: dict[str, Any]) -> list[str]:
    return ["| labelled | high | normal | not flagged |", "| --- | --- | --- | --- |",
            *[f"| {t} | " + " | ".join(str(view["confusion"][t][c]) for c in ("high", "normal", "none")) + " |"
              for t in TIERS]]


def _cascade_lines(stage: dict[str, Any]) -> list[str]:
    lo, hi = stage["band"]
    highs = sorted({t["band"][1] for t in stage["tried"]})
    cell = {tuple(t["band"]): t for t in stage["tried"]}
    shipped = (
        f"**Cascade**: a sentence whose check-first score from the student is in [{lo}, {hi}) gets the "
        f"teacher's scores (`{stage['file']}`, int8 like the student): {stage['page_share']:.1%} "
        f"of the {stage['page_sentences']} sentences of the pages `claimflag bench` measures.")
    alone = (
        f"**No cascade**: the student ships alone. The best band, [{lo}, {hi}) of its check-first "
        f"score ({stage['page_share']:.1%} of the {stage['page_sentences']} sentences of the pages "
        f"`claimflag bench` measures), reached a mean tuning AP of {stage['mean_ap']:.4f} against "
        f"the student's {stage['student_mean_ap']:.4f} alone.")
    return [
        (shipped if stage["ships"] else alone) + f" The rule: {stage['rule']}.",
        "",
        "| mean tuning AP / page share | " + " | ".join(f"hi {h}" for h in highs) + " |",
        "| --- |" + " --- |" * len(highs),
        *[f"| lo {low} | " + " | ".join(
            f"{cell[(low, h)]['mean_ap']:.3f} / {cell[(low, h)]['page_share']:.0%}" for h in highs) + " |"
          for low in sorted({t["band"][0] for t in stage["tried"]})],
        "",
    ]


def heldout_lines(h: dict[str, Any]) -> list[str]:
    return [
        "## " + HELDOUT,
        "",
        f"`{Path(h['file']).name}` (sha256 `{h['sha256']}`), {h['n']} sentences, "
        f"{h['positives']} check-worthy, scored {h['run_at']}: check first (P(A) at or above "
        f"the check-first threshold {h['threshold']:.4f}) against Yes.",
        "",
        "| precision | recall | F1 (positive class) | AP |",
        "| --- | --- | --- | --- |",
        f"| {_fmt(h)} |",
        "",
        f"Reproduce: `claimflag evaluate claims {Path(h['file']).name}`.",
        "",
    ]


def record_heldout(test_file: Path, model_dir: Path | None = None) -> dict[str, Any]:
    """Score the held-out test set once for the model in ``model_dir`` (the
    shipped one by default) and write the figure into its report. Refuses a
    second run for the same model: the figure is a measurement, not
    something to tune against."""
    from claimflag.evaluation import evaluate_claims
    from claimflag.nlp.claim_model import DEFAULT_MODEL_DIR

    model_dir = Path(model_dir) if model_dir is not None else DEFAULT_MODEL_DIR
    meta = json.loads((model_dir / "meta.json").read_text(encoding="utf-8"))
    if "heldout_test" in meta:
        raise RuntimeError(f"{meta['version']} was already scored on the held-out test set")
    result = evaluate_claims(test_file, ClaimModel.load(model_dir))
    meta["heldout_test"] = {**result, "sha256": sha256(Path(test_file)),
                            "run_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
    write(model_dir, meta)
    return result
